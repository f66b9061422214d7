"""Load Beacon's synthetic demo data (``fixtures/demo.json``): people, children, teams and consent.

Children, their identifiers, social-work history, vulnerabilities and families, and the team around each
child (members, lead professional, trusted worker, handovers, meetings and actions) are written through
the same services the browser and API use. Besides the creator's own grant, professionals see a child by
joining their team; the only other grants are view-only ones from an administrator (the independent
reviewing officer, the team manager). So the permission rows, notifications and audit log look as in
real use. Beyond the core record and the team, what each professional sees follows the consents, the
competence assessments and the one safeguarding override recorded through ``apps.consent.services``. A
few significant events complete the chronologies the rest of the records already tell.

Safe to run again: organisations are matched by name, people by username and children by NHS number,
a child who already has a team keeps it, a child with any consent, competence assessment or override
keeps those, and anything already there is left as it is. Refuses to run outside the demo's settings
(``BEACON_DEMO_SITE``) with ``DEBUG`` off unless ``--force`` is given, because every demo persona shares one
published password.
"""

from apps.demo.loader.base import DEFAULT_FIXTURE, birth_date, demo_totp_key_hex
from apps.demo.loader.care import CareLoader
from apps.demo.loader.characteristics import CharacteristicsLoader
from apps.demo.loader.chronology import ChronologyLoader
from apps.demo.loader.consent import ConsentLoader
from apps.demo.loader.directory import DirectoryLoader
from apps.demo.loader.identity import IdentityLoader
from apps.demo.loader.people import PeopleLoader
from apps.demo.loader.teams import TeamsLoader

__all__ = ["DEFAULT_FIXTURE", "DemoLoader", "birth_date", "demo_totp_key_hex"]


class DemoLoader(
    PeopleLoader,
    TeamsLoader,
    ConsentLoader,
    CareLoader,
    DirectoryLoader,
    CharacteristicsLoader,
    ChronologyLoader,
    IdentityLoader,
):
    """Creates whatever of the demo data is missing, counting what it created and what it found.

    Each journey's steps live in their own module (people, teams, consent, care, directory,
    characteristics, chronology, identity); this puts them in order.
    """

    def load(self) -> None:
        self.load_organisations()
        self.load_professionals()
        self.load_second_factors()
        children = self.load_children()
        self.load_young_people(children)
        self.load_contact_preferences()
        self.load_teams(children)
        self.deactivate_former_staff()
        self.load_access(children)
        self.complete_historical_reviews()
        self.load_consent(children)
        self.load_appointments(children)
        self.load_directory()
        self.load_referrals(children)
        self.load_passports(children)
        self.load_characteristics(children)
        self.load_chronology(children)
        self.load_identity(children)
