"""Load Beacon's synthetic demo data (``fixtures/demo.json``): people, children, teams and consent.

Children, their identifiers, social-work history, vulnerabilities and families, and the team around each
child (members, lead professional, trusted worker, handovers, meetings and actions) are written through
the same services the browser and API use. Besides the creator's own grant, professionals see a child by
joining their team; the only other grants are view-only ones from an administrator (the independent
reviewing officer, the team manager). So the permission rows, notifications and audit log look as in
real use. Beyond the core record and the team, what each professional sees follows the consents, the
competence assessments and the one safeguarding override recorded through ``apps.consent.services``.

Safe to run again: organisations are matched by name, people by username and children by NHS number,
a child who already has a team keeps it, a child with any consent, competence assessment or override
keeps those, and anything already there is left as it is. Refuses to run
with ``DEBUG`` off unless ``--force`` is given, because every demo persona shares one published password.
"""

import json
import time
from base64 import b32decode
from collections import Counter
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import Organisation, OrganisationType, ProfessionalRole, User
from apps.accounts.services import (
    organisation_create,
    professional_create,
    professional_deactivate,
    young_person_create,
)
from apps.children.models import Child, FamilyMember, VulnerabilityType
from apps.children.services import (
    CHILD_FIELDS,
    child_create,
    child_identifier_add,
    family_member_add,
    social_work_status_record,
    vulnerability_flag_add,
    vulnerability_flag_end,
)
from apps.consent.models import CompetenceAssessment, Consent, ConsentReview, SafeguardingOverride
from apps.consent.selectors import PRESUMED_COMPETENT_AGE, age_on, competence_current
from apps.consent.services import (
    competence_assess,
    consent_record,
    consent_review_complete,
    consent_withdraw,
    safeguarding_override_open,
    safeguarding_override_review,
)
from apps.core.exceptions import ApplicationError
from apps.notifications.services import contact_preference_set
from apps.passport.models import Passport
from apps.passport.services import (
    passport_change_propose,
    passport_create,
    passport_proposal_accept,
    passport_proposal_reject,
    passport_section_write,
    passport_share,
)
from apps.sharing.models import AccessGrant
from apps.sharing.services import child_access_grant, child_access_revoke
from apps.teams.models import TeamMembership
from apps.teams.services import (
    action_add,
    action_complete,
    lead_professional_appoint,
    lead_professional_hand_over,
    meeting_record,
    team_member_add,
    team_member_direct_contact_give,
    team_member_end,
    team_member_offer_for_young_person_set,
    trusted_worker_name,
)

DEFAULT_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo.json"
# Before teams existed, demo children were shared with their team by administrator grants with this
# reason. A database loaded then gets teams instead, and those stand-in grants are revoked.
LEGACY_TEAM_GRANT_REASON = "Demo data: team member"


def birth_date(*, today: date, age_years: int, days_since_birthday: int) -> date:
    """The date of birth of someone ``age_years`` old whose last birthday was ``days_since_birthday`` ago."""
    if not 0 <= days_since_birthday <= 364:
        raise CommandError(f"days_since_birthday must be 0 to 364, not {days_since_birthday}")
    last_birthday = today - timedelta(days=days_since_birthday)
    try:
        return last_birthday.replace(year=last_birthday.year - age_years)
    except ValueError:  # 29 February, and the birth year is not a leap year.
        return last_birthday.replace(year=last_birthday.year - age_years, day=28)


def demo_totp_key_hex(data: dict) -> str:
    """The demo authenticator secret (base32 in demo.json, as people type it) as django-otp's hex key."""
    return b32decode(data["totp_secret"]).hex()


class DemoLoader:
    """Creates whatever of the demo data is missing, counting what it created and what it found."""

    def __init__(self, data: dict, *, today: date) -> None:
        self.data = data
        self.today = today
        self.created: Counter[str] = Counter()
        self.present: Counter[str] = Counter()
        self.changed: Counter[str] = Counter()  # Changes to what was there, rather than new rows.
        self.organisations: dict[str, Organisation] = {}
        self.people: dict[str, User] = {}
        self.person_records = {person["username"]: person for person in data["people"]}
        self._password_hash: str | None = None

    def days_ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def day(self, item: dict, name: str, *, required: bool = True) -> date | None:
        """The date in a fixture item's ``<name>_days_ago`` or, for one still to come, ``<name>_in_days``."""
        if f"{name}_days_ago" in item:
            return self.days_ago(item[f"{name}_days_ago"])
        if f"{name}_in_days" in item:
            return self.today + timedelta(days=item[f"{name}_in_days"])
        if required:
            raise CommandError(f"{item} needs {name}_days_ago or {name}_in_days")
        return None

    @property
    def password_hash(self) -> str:
        # Hashing is deliberately slow (about 0.4 s); hash the shared demo password once, not per persona.
        if self._password_hash is None:
            self._password_hash = make_password(self.data["password"])
        return self._password_hash

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
        self.load_referrals(children)
        self.load_passports(children)

    def complete_historical_reviews(self) -> None:
        """Placement changes in the demo's history asked for consent reviews; back then they were done."""
        for review in ConsentReview.objects.filter(
            completed_on__isnull=True, due_on__lt=self.today
        ).select_related("child__created_by"):
            consent_review_complete(
                actor=review.child.created_by,
                review=review,
                outcome_note="Reviewed with the young person and their carers when the placement changed.",
            )
            self.created["consent reviews completed"] += 1

    # ---------------------------------------------------------------------------------- organisations
    def load_organisations(self) -> None:
        existing = Organisation.objects.in_bulk(
            [item["name"] for item in self.data["organisations"]], field_name="name"
        )
        types = OrganisationType.objects.in_bulk(field_name="code")
        for item in self.data["organisations"]:
            organisation = existing.get(item["name"])
            if organisation is None:
                if item["type"] not in types:
                    raise CommandError(f"Unknown organisation type {item['type']!r}: has `migrate` run?")
                organisation = organisation_create(
                    name=item["name"], type=types[item["type"]], external_code=item.get("external_code", "")
                )
                self.created["organisations"] += 1
            else:
                self.present["organisations"] += 1
            self.organisations[item["key"]] = organisation

    # ---------------------------------------------------------------------------------- people
    def load_professionals(self) -> None:
        people = self.data["people"]
        self.people = User.objects.in_bulk([person["username"] for person in people], field_name="username")
        roles = ProfessionalRole.objects.in_bulk(field_name="code")
        for person in people:
            if person["kind"] != User.Kind.PROFESSIONAL:
                continue  # Young people are created once the child they belong to exists.
            if person["username"] in self.people:
                self.present["people"] += 1
                continue
            self.people[person["username"]] = professional_create(
                username=person["username"],
                display_name=person["display_name"],
                first_name=person.get("first_name", ""),
                last_name=person.get("last_name", ""),
                email=person.get("email", ""),
                organisation=self.organisations[person["organisation"]],
                role=roles[person["role"]],
                job_title=person.get("job_title", ""),
                phone=person.get("phone", ""),
                started_on=date.fromisoformat(person["started_on"]),
                password_hash=self.password_hash,
                is_staff=person.get("is_staff", False),
                is_superuser=person.get("is_superuser", False),
            )
            self.created["people"] += 1

    def load_second_factors(self) -> None:
        """Every demo professional's authenticator app shares one published secret (README), so anyone
        trying the demo can add it to their own app, or run ``manage.py demo_code``."""
        key = demo_totp_key_hex(self.data)
        professionals = [user for user in self.people.values() if user.is_professional and user.is_active]
        have = set(
            TOTPDevice.objects.filter(user__in=professionals, confirmed=True).values_list(
                "user_id", flat=True
            )
        )
        for user in professionals:
            if user.pk in have:
                continue
            TOTPDevice.objects.create(user=user, name="Demo authenticator app", key=key, confirmed=True)
            self.created["authenticator apps"] += 1

    def load_young_people(self, children: dict[str, Child]) -> None:
        accounts = {
            record["account"]: record["nhs_number"] for record in self.data["children"] if "account" in record
        }
        for person in self.data["people"]:
            if person["kind"] != User.Kind.YOUNG_PERSON:
                continue
            if person["username"] in self.people:
                self.present["people"] += 1
                continue
            nhs_number = accounts.get(person["username"])
            self.people[person["username"]] = young_person_create(
                actor=self.people[self.data["administrator"]],
                username=person["username"],
                display_name=person["display_name"],
                first_name=person.get("first_name", ""),
                last_name=person.get("last_name", ""),
                email=person.get("email", ""),
                password_hash=self.password_hash,
                child=children[nhs_number] if nhs_number else None,
            )
            self.created["people"] += 1

    def load_contact_preferences(self) -> None:
        """How demo people chose to hear from Beacon (a synthetic Ofcom drama-range mobile number)."""
        for person in self.data["people"]:
            if "contact" in person:
                contact_preference_set(user=self.people[person["username"]], **person["contact"])

    # ---------------------------------------------------------------------------------- children
    def load_children(self) -> dict[str, Child]:
        """Every demo child by NHS number, creating those not yet in the database."""
        records = self.data["children"]
        children = Child.objects.in_bulk(
            [record["nhs_number"] for record in records], field_name="nhs_number"
        )
        flag_types = VulnerabilityType.objects.in_bulk(field_name="code")
        for record in records:
            if record["nhs_number"] in children:
                self.present["children"] += 1
                continue
            try:
                children[record["nhs_number"]] = self.child_load(record, flag_types)
            except (ValidationError, ApplicationError) as error:
                detail = error.message_dict if isinstance(error, ValidationError) else error.message
                raise CommandError(
                    f"Demo child {record['given_name']} {record['family_name']} did not load: {detail}"
                ) from error
            self.created["children"] += 1
        return children

    def child_load(self, record: dict, flag_types: dict[str, VulnerabilityType]) -> Child:
        actor = self.people[record["created_by"]]
        fields = {name: record[name] for name in CHILD_FIELDS if name in record}
        fields["date_of_birth"] = birth_date(
            today=self.today, age_years=record["age_years"], days_since_birthday=record["days_since_birthday"]
        )
        # child_create also gives the creator their CREATOR grant and writes the first audit rows.
        child = child_create(actor=actor, **fields)
        for identifier in record.get("identifiers", []):
            child_identifier_add(
                actor=actor,
                child=child,
                kind=identifier["kind"],
                value=identifier["value"],
                issuer=self.organisations[identifier["issuer"]],
            )
            self.created["identifiers"] += 1
        # Oldest first: each new status closes the one before it.
        for period in record.get("social_work_history", []):
            authority = period.get("responsible_authority")
            social_work_status_record(
                actor=actor,
                child=child,
                status=period["status"],
                started_on=self.days_ago(period["started_days_ago"]),
                legal_status=period.get("legal_status", ""),
                placement_type=period.get("placement_type", ""),
                responsible_authority=self.organisations[authority] if authority else None,
            )
            self.created["social-work status records"] += 1
        for item in record.get("vulnerabilities", []):
            flag = vulnerability_flag_add(
                actor=actor,
                child=child,
                type=flag_types[item["type"]],
                source=item["source"],
                identified_on=self.days_ago(item["identified_days_ago"]),
                note=item.get("note", ""),
            )
            if "ended_days_ago" in item:
                vulnerability_flag_end(actor=actor, flag=flag, ended_on=self.days_ago(item["ended_days_ago"]))
            self.created["vulnerability flags"] += 1
        for member in record.get("family", []):
            family_member_add(actor=actor, child=child, **member)
            self.created["family members"] += 1
        return child

    # ---------------------------------------------------------------------------------- teams
    def load_teams(self, children: dict[str, Child]) -> None:
        """Give each child the team around them, unless they already have one."""
        with_team = set(
            TeamMembership.objects.filter(child__in=children.values()).values_list("child_id", flat=True)
        )
        for record in self.data["children"]:
            if "team" not in record:
                continue
            child = children[record["nhs_number"]]
            if child.pk in with_team:
                self.present["teams"] += 1
                continue
            try:
                self.team_load(child, record)
            except (ValidationError, ApplicationError) as error:
                detail = error.message_dict if isinstance(error, ValidationError) else error.message
                raise CommandError(f"The team around {child.known_as} did not load: {detail}") from error
            self.created["teams"] += 1

    def team_load(self, child: Child, record: dict) -> None:
        """Build one child's team in the order it would have happened.

        Members join first (including those who later left), then the lead professional and the trusted
        worker are named, meetings and actions follow in date order, those who left leave, and any
        handover comes last, because the service dates a handover today.
        """
        actor = self.people[record["created_by"]]
        self.legacy_grants_revoke(child)
        members: dict[str, TeamMembership] = {}
        for item in sorted(record["team"], key=lambda item: -item["started_days_ago"]):
            members[item.get("user") or item["person_name"]] = self.member_add(actor, child, item)
        lead = record.get("lead_professional")
        if lead:
            lead_professional_appoint(
                actor=self.people[lead.get("appointed_by", record["created_by"])],
                membership=members[lead["member"]],
                route=lead["route"],
                started_on=self.days_ago(lead["started_days_ago"]),
            )
            self.created["lead professional appointments"] += 1
        if "trusted_worker" in record:
            trusted_worker_name(actor=actor, membership=members[record["trusted_worker"]])
            for item in record.get("direct_contact", []):
                team_member_direct_contact_give(
                    actor=actor, membership=members[item["member"]], reason=item["reason"], confirmed=True
                )
        for item in sorted(record.get("meetings", []), key=lambda item: self.day(item, "held")):
            self.meeting_load(actor, child, item, members)
        for item in record.get("actions", []):
            self.action_load(actor, child, item)
        for item in record["team"]:
            if "ended_days_ago" in item:
                team_member_end(
                    actor=actor,
                    membership=members[item.get("user") or item["person_name"]],
                    ended_on=self.days_ago(item["ended_days_ago"]),
                )
        handover = record.get("handover")
        if handover:
            lead_professional_hand_over(
                actor=self.people[handover.get("recorded_by", record["created_by"])],
                appointment=child.lead_appointments.get(ended_on__isnull=True),
                successor=members[handover["to"]],
                note=handover["note"],
                overlap_until=self.day(handover, "overlap_until", required=False),
            )
            self.created["handovers"] += 1

    def legacy_grants_revoke(self, child: Child) -> None:
        legacy = AccessGrant.objects.filter(
            child=child,
            basis=AccessGrant.Basis.ADMINISTRATOR,
            reason=LEGACY_TEAM_GRANT_REASON,
            revoked_at__isnull=True,
        ).select_related("child", "user")
        for grant in legacy:
            child_access_revoke(grant=grant, revoked_by=self.people[self.data["administrator"]])
            self.changed["stand-in team grants revoked"] += 1

    def member_add(self, actor: User, child: Child, item: dict) -> TeamMembership:
        organisation = item.get("organisation")
        if "user" in item:
            work = self.person_records[item["user"]]
            membership = team_member_add(
                actor=actor,
                child=child,
                kind=TeamMembership.Kind.PROFESSIONAL,
                user=self.people[item["user"]],
                offering=item.get("offering", ""),
                # A professional is reached at work unless the team agreed another route.
                contact_details=item.get("contact_details")
                or " or ".join(filter(None, [work.get("phone"), work.get("email")])),
                started_on=self.days_ago(item["started_days_ago"]),
            )
        else:
            membership = team_member_add(
                actor=actor,
                child=child,
                kind=item["kind"],
                person_name=item["person_name"],
                organisation=self.organisations[organisation] if organisation else None,
                caregiver_role=item.get("caregiver_role", ""),
                role_description=item.get("role_description", ""),
                offering=item.get("offering", ""),
                contact_details=item.get("contact_details", ""),
                started_on=self.days_ago(item["started_days_ago"]),
            )
        if item.get("offer_for_young_person"):
            # What the young person reads on "Who is working with me", in plain words spoken to them.
            team_member_offer_for_young_person_set(
                actor=actor, membership=membership, offer=item["offer_for_young_person"]
            )
        self.created["team members"] += 1
        return membership

    def meeting_load(self, actor: User, child: Child, item: dict, members: dict[str, TeamMembership]) -> None:
        hour, minute = (int(part) for part in item.get("time", "10:00").split(":"))
        held_at = timezone.make_aware(datetime.combine(self.day(item, "held"), clock(hour, minute)))
        actions = item.get("actions", [])
        meeting = meeting_record(
            actor=self.people[item["recorded_by"]] if "recorded_by" in item else actor,
            child=child,
            kind=item["kind"],
            held_at=held_at,
            location=item.get("location", ""),
            young_person_views=item.get("young_person_views", ""),
            young_person_views_not_given_reason=item.get("young_person_views_not_given_reason", ""),
            decisions=item.get("decisions", ""),
            participants=[
                {
                    "membership": members[person["member"]] if "member" in person else None,
                    "name": person.get("name", ""),
                    "invited": person.get("invited", True),
                    "attended": person.get("attended", False),
                }
                for person in item.get("participants", [])
            ],
            actions=[
                {
                    "description": action["description"],
                    "owner": self.people[action["owner"]],
                    "due_on": self.day(action, "due"),
                }
                for action in actions
            ],
        )
        self.created["meetings"] += 1
        self.created["actions"] += len(actions)
        done = {action["description"]: action for action in actions if "completed_days_ago" in action}
        for action in meeting.actions.filter(description__in=done):
            action_complete(
                actor=action.owner,
                action=action,
                completed_on=self.days_ago(done[action.description]["completed_days_ago"]),
            )

    def action_load(self, actor: User, child: Child, item: dict) -> None:
        action = action_add(
            actor=actor,
            child=child,
            description=item["description"],
            owner=self.people[item["owner"]],
            due_on=self.day(item, "due"),
        )
        if "completed_days_ago" in item:
            action_complete(
                actor=action.owner, action=action, completed_on=self.days_ago(item["completed_days_ago"])
            )
        self.created["actions"] += 1

    def deactivate_former_staff(self) -> None:
        """Staff who have left stay in the history of each team, but no longer sign in."""
        administrator = self.people[self.data["administrator"]]
        for person in self.data["people"]:
            user = self.people[person["username"]]
            if person.get("active", True) or not user.is_active:
                continue
            professional_deactivate(actor=administrator, user=user)
            self.changed["former staff accounts deactivated"] += 1

    # ---------------------------------------------------------------------------------- access
    def load_access(self, children: dict[str, Child]) -> None:
        """View-only grants an administrator gives to people outside the team: the IRO, the team manager."""
        administrator = self.people[self.data["administrator"]]
        reasons = self.data["view_only_reasons"]
        granted = set(
            AccessGrant.objects.filter(
                child__in=children.values(), basis=AccessGrant.Basis.ADMINISTRATOR, revoked_at__isnull=True
            ).values_list("child_id", "user_id")
        )
        for record in self.data["children"]:
            child = children[record["nhs_number"]]
            for username in record.get("view_only", []):
                user = self.people[username]
                if (child.pk, user.pk) in granted:
                    self.present["view-only grants"] += 1
                    continue
                child_access_grant(
                    child=child,
                    user=user,
                    basis=AccessGrant.Basis.ADMINISTRATOR,
                    granted_by=administrator,
                    can_change=False,
                    reason=reasons[username],
                )
                self.created["view-only grants"] += 1

    # ---------------------------------------------------------------------------------- consent
    def load_consent(self, children: dict[str, Child]) -> None:
        """Consents, competence assessments and the safeguarding override, child by child.

        A child with any of those already keeps what they have: consent is history, and recording it
        twice would be a second consent, not the same one.
        """
        spec = self.data["consent"]
        special = {item["nhs_number"]: item for item in spec["children"]}
        done = {
            child_id
            for model in (Consent, CompetenceAssessment, SafeguardingOverride)
            for child_id in model.objects.filter(child__in=children.values()).values_list(
                "child_id", flat=True
            )
        }
        for index, record in enumerate(self.data["children"]):
            child = children[record["nhs_number"]]
            if child.pk in done:
                self.present["children with consent recorded"] += 1
                continue
            try:
                self.child_consent_load(child, record, special.get(record["nhs_number"], {}), index=index)
            except (ValidationError, ApplicationError) as error:
                detail = error.message_dict if isinstance(error, ValidationError) else error.message
                raise CommandError(f"The consent for {child.known_as} did not load: {detail}") from error

    # ---------------------------------------------------------------------------------- passports
    def load_passports(self, children: dict[str, Child]) -> None:
        """The young people's passports (R83-R87), written by them, shared their way, with suggestions.

        A young person who already has a passport keeps it as it is: it is theirs, not the demo's.
        """
        for record in self.data["children"]:
            if "passport" not in record:
                continue
            child = children[record["nhs_number"]]
            if Passport.objects.filter(child=child).exists():
                self.present["passports"] += 1
                continue
            try:
                self.passport_load(child, record["passport"])
            except (ValidationError, ApplicationError) as error:
                detail = error.message_dict if isinstance(error, ValidationError) else error.message
                raise CommandError(f"The passport for {child.known_as} did not load: {detail}") from error
            self.created["passports"] += 1

    def passport_load(self, child: Child, item: dict) -> None:
        owner = child.account
        passport = passport_create(actor=self.people[item["started_with"]], child=child)
        for section, text in item["sections"].items():
            passport_section_write(actor=owner, passport=passport, section=section, text=text)
        for share in item["shares"]:
            ends_in_days = share.get("ends_in_days")
            passport_share(
                actor=owner,
                passport=passport,
                sections=share["sections"],
                recipient_user=self.people[share["user"]] if "user" in share else None,
                recipient_organisation=self.organisations[share["organisation"]]
                if "organisation" in share
                else None,
                ends_on=self.today + timedelta(days=ends_in_days) if ends_in_days else None,
            )
        for suggestion in item["proposals"]:
            proposal = passport_change_propose(
                actor=self.people[suggestion["by"]],
                passport=passport,
                section=suggestion["section"],
                text=suggestion["text"],
                reason=suggestion["reason"],
            )
            if suggestion.get("decision") == "accepted":
                passport_proposal_accept(actor=owner, proposal=proposal)
            elif suggestion.get("decision") == "rejected":
                passport_proposal_reject(actor=owner, proposal=proposal, note=suggestion.get("note", ""))

    def child_consent_load(self, child: Child, record: dict, item: dict, *, index: int) -> None:
        recorder = self.people[self.lead_professional(record)]
        if "competence" in item:
            assessment = item["competence"]
            competence_assess(
                actor=self.people[assessment["assessor"]],
                child=child,
                assessed_on=self.day(assessment, "assessed"),
                decision=assessment["decision"],
                outcome=assessment.get("outcome", CompetenceAssessment.Outcome.COMPETENT),
                notes=assessment.get("notes", ""),
            )
            self.created["competence assessments"] += 1
        for entry in item.get("consents", [{"standard": True}]):
            if entry.get("standard"):
                entry = {**self.data["consent"]["standard"], **entry}
                form = entry["forms"][index % len(entry["forms"])]
                consents = [
                    self.consent_add(child, {**entry, **recipient, "form": form}, recorder=recorder)
                    for recipient in self.team_recipients(record)
                ]
            else:
                consents = [self.consent_add(child, entry, recorder=recorder)]
            if "withdrawn" in entry:
                for consent in consents:
                    consent_withdraw(
                        actor=self.people[entry["withdrawn"]["by"]],
                        consent=consent,
                        reason=entry["withdrawn"]["reason"],
                    )
                    self.created["consents withdrawn"] += 1
        if "override" in item:
            self.override_load(child, item["override"])

    def load_appointments(self, children: dict[str, Child]) -> None:
        """Appointments and their outcomes, through the services, so each missed one has its follow-up.

        A child who already has appointments keeps them: an outcome is history, recorded once.
        """
        from apps.appointments.models import Appointment
        from apps.appointments.services import (
            appointment_book,
            appointment_outcome_record,
            follow_up_complete,
        )

        entries = self.data.get("appointments", {}).get("entries", [])
        booked_for = set(
            Appointment.objects.filter(child__in=children.values()).values_list("child_id", flat=True)
        )
        for item in entries:
            child = children[item["child"]]
            if child.pk in booked_for:
                self.present["appointments"] += 1
                continue
            hour, minute = (int(part) for part in item.get("time", "10:00").split(":"))
            professional = self.people[item["professional"]]
            appointment = appointment_book(
                actor=self.people[item["booked_by"]],
                child=child,
                professional=professional,
                purpose=item["purpose"],
                starts_at=timezone.make_aware(datetime.combine(self.day(item, "on"), clock(hour, minute))),
                location=item["location"],
                location_detail=item.get("location_detail", ""),
                chosen_by_young_person=item.get("chosen_by_young_person", False),
                companion=item.get("companion", ""),
                companion_name=item.get("companion_name", ""),
                practical_support=item.get("practical_support", []),
            )
            self.created["appointments"] += 1
            if "outcome" not in item:
                continue
            appointment = appointment_outcome_record(
                actor=professional,
                appointment=appointment,
                outcome=item["outcome"],
                note=item.get("outcome_note", ""),
                companion_wish_met=item.get("companion_wish_met"),
            )
            if "follow_up" in item:
                answers = dict(item["follow_up"])
                follow_up_complete(
                    actor=self.people[answers.pop("by")],
                    follow_up=appointment.follow_ups.get(),
                    **answers,
                )
                self.created["missed-appointment follow-ups completed"] += 1

    def load_referrals(self, children: dict[str, Child]) -> None:
        """Consultations, referrals, decisions and waiting contacts, through the services (R32-R42, R63-R69).

        Each step is recorded when it happened ("days ago"), so the wait clocks and contacts due are real.
        A child who already has a referral keeps it, and a consultation already asked is not asked again.
        """
        from apps.referrals.models import Consultation, Referral
        from apps.referrals.services import (
            consultation_advise,
            consultation_request,
            referral_accept,
            referral_create,
            referral_decline,
            referral_triage,
            waiting_contact_record,
        )

        section = self.data.get("referrals", {})
        now = timezone.now()

        def ago(days: int) -> datetime:
            return now - timedelta(days=days)

        consultations = {}
        for item in section.get("consultations", []):
            existing = Consultation.objects.filter(
                requested_by=self.people[item["by"]], concern=item["concern"]
            ).first()
            if existing is not None:
                consultations[item["key"]] = existing
                self.present["consultations"] += 1
                continue
            consultation = consultation_request(
                actor=self.people[item["by"]],
                receiving_organisation=self.organisations[item["to"]],
                route=item["route"],
                channel=item["channel"],
                concern=item["concern"],
                child_description=item["about"],
                what_has_been_tried=item.get("tried", ""),
                preferred_support=item.get("preferred_support", ""),
                requested_at=ago(item["days_ago"]),
            )
            if "advice" in item:
                advice = item["advice"]
                consultation_advise(
                    actor=self.people[advice["by"]],
                    consultation=consultation,
                    advice=advice["text"],
                    outcome=advice["outcome"],
                    advised_at=ago(advice["days_ago"]),
                )
            consultations[item["key"]] = consultation
            self.created["consultations"] += 1
        referred = set(
            Referral.objects.filter(child__in=children.values()).values_list("child_id", flat=True)
        )
        for item in section.get("entries", []):
            child = children[item["child"]]
            if child.pk in referred:
                self.present["referrals"] += 1
                continue
            referral = referral_create(
                actor=self.people[item["by"]],
                child=child,
                receiving_organisation=self.organisations[item["to"]],
                route=item["route"],
                referrer_name=item.get("referrer_name", ""),
                referrer_contact=item.get("referrer_contact", ""),
                presenting_needs=item["presenting_needs"],
                professional_concern=item["professional_concern"],
                family_concern=item["family_concern"],
                what_has_been_tried=item.get("tried", ""),
                young_person_views=item.get("views", ""),
                preferred_support=item.get("preferred_support", ""),
                consent_to_refer=item["consent"],
                consultation=consultations.get(item.get("consultation")),
                received_at=ago(item["received_days_ago"]),
            )
            self.created["referrals"] += 1
            if "triage" in item:
                step = item["triage"]
                referral_triage(
                    actor=self.people[step["by"]],
                    referral=referral,
                    urgency=step["urgency"],
                    triage_note=step.get("note", ""),
                    triaged_at=ago(step["days_ago"]),
                )
            if "accept" in item:
                step = item["accept"]
                referral_accept(
                    actor=self.people[step["by"]], referral=referral, accepted_at=ago(step["days_ago"])
                )
                for contact in item.get("contacts", []):
                    waiting_contact_record(
                        actor=self.people[contact["by"]],
                        entry=referral.waiting_entry,
                        method=contact["method"],
                        spoke_with=contact["spoke_with"],
                        contacted_at=ago(contact["days_ago"]),
                        explained_service=contact["explained_service"],
                        risk_check=contact["risk_check"],
                        signposting=contact["signposting"],
                    )
                    self.created["waiting contacts"] += 1
            if "decline" in item:
                step = item["decline"]
                referral_decline(
                    actor=self.people[step["by"]],
                    referral=referral,
                    reason=step["reason"],
                    explanation=step["explanation"],
                    alternatives=[
                        {
                            **alternative,
                            "organisation": self.organisations.get(alternative.get("organisation", "")),
                        }
                        for alternative in step["alternatives"]
                    ],
                    declined_at=ago(step["days_ago"]),
                )

    def lead_professional(self, record: dict) -> str:
        """The username of the child's lead professional now (after any handover), else of their creator."""
        lead = (record.get("handover") or {}).get("to") or (record.get("lead_professional") or {}).get(
            "member"
        )
        return lead if lead in self.person_records else record["created_by"]

    def team_recipients(self, record: dict) -> list[dict]:
        """Who the standard consent names: the lead professional's organisation, and by name each
        professional in the team from another organisation."""
        home = self.person_records[self.lead_professional(record)]["organisation"]
        recipients = [{"to_organisation": home}]
        for member in record.get("team", []):
            username = member.get("user")
            if not username or "ended_days_ago" in member:
                continue
            if (
                self.person_records[username]["organisation"] != home
                and {"to_person": username} not in recipients
            ):
                recipients.append({"to_person": username})
        return recipients

    def grantor(
        self, child: Child, valid_from: date, parent_name: str | None
    ) -> tuple[str, FamilyMember | None]:
        """Who may consent on ``valid_from`` (R73): the young person at 16 or over, or under 16 after a
        competence assessment found them competent; otherwise a person with parental responsibility."""
        if age_on(child.date_of_birth, valid_from) >= PRESUMED_COMPETENT_AGE and parent_name is None:
            return Consent.Grantor.YOUNG_PERSON, None
        assessment = competence_current(
            child=child, scope=CompetenceAssessment.Scope.INFORMATION_SHARING, today=valid_from
        )
        if (
            assessment
            and assessment.outcome == CompetenceAssessment.Outcome.COMPETENT
            and parent_name is None
        ):
            return Consent.Grantor.YOUNG_PERSON, None
        parents = [member for member in child.family_members.all() if member.has_parental_responsibility]
        if parent_name is not None:
            parents = [member for member in parents if member.name == parent_name]
        if not parents:
            raise CommandError(
                f"Nobody can consent for {child.known_as}: under 16, not assessed as competent, and no "
                "family member with parental responsibility"
                + (f" named {parent_name}" if parent_name else "")
            )
        return Consent.Grantor.PARENT, parents[0]

    def consent_add(self, child: Child, entry: dict, *, recorder: User) -> Consent:
        valid_from = self.day(entry, "valid_from")
        if (
            age_on(child.date_of_birth, self.today)
            >= PRESUMED_COMPETENT_AGE
            > age_on(child.date_of_birth, valid_from)
        ):
            # Asked again on their 16th birthday: the decision became theirs.
            valid_from = self.sixteenth_birthday(child.date_of_birth)
        grantor, parent = self.grantor(child, valid_from, entry.get("parent"))
        if parent is None:
            who = child.known_as
        else:
            who = f"{parent.name} ({parent.get_relationship_display().lower()})"
        if "to_person" in entry:
            recipient = {
                "recipient_kind": Consent.RecipientKind.PERSON,
                "recipient_user": self.people[entry["to_person"]],
            }
        else:
            recipient = {
                "recipient_kind": Consent.RecipientKind.ORGANISATION,
                "recipient_organisation": self.organisations[entry["to_organisation"]],
            }
        consent = consent_record(
            actor=recorder,
            child=child,
            grantor=grantor,
            parent=parent,
            categories=entry["categories"],
            purpose=entry["purpose"].format(child=child.known_as),
            valid_from=valid_from,
            valid_until=self.day(entry, "valid_until", required=False),
            form=entry["form"],
            evidence=(
                entry["evidence"][entry["form"]] if isinstance(entry["evidence"], dict) else entry["evidence"]
            ).format(who=who, recorder=recorder, date=f"{valid_from.day} {valid_from:%B %Y}"),
            **recipient,
        )
        self.created["consents"] += 1
        return consent

    @staticmethod
    def sixteenth_birthday(date_of_birth: date) -> date:
        try:
            return date_of_birth.replace(year=date_of_birth.year + PRESUMED_COMPETENT_AGE)
        except ValueError:  # Born on 29 February: 16 on 1 March in a year that is not a leap year.
            return date(date_of_birth.year + PRESUMED_COMPETENT_AGE, 3, 1)

    def override_load(self, child: Child, item: dict) -> None:
        """Break-glass, opened now (the service dates it), alerting the safeguarding leads, then reviewed."""
        override = safeguarding_override_open(
            actor=self.people[item["opened_by"]],
            child=child,
            lawful_basis=item["lawful_basis"],
            justification=item["justification"],
            categories=item["categories"],
        )
        self.created["safeguarding overrides"] += 1
        if "review" in item:
            safeguarding_override_review(
                actor=self.people[item["review"]["by"]],
                override=override,
                outcome=item["review"]["outcome"],
                note=item["review"]["note"],
            )


class Command(BaseCommand):
    help = (
        "Load the synthetic demo organisations, people, children, teams and consents "
        "(development and demos only)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even though DEBUG is off (the personas share a published password: never live).",
        )
        parser.add_argument("--fixture", default=str(DEFAULT_FIXTURE), help="The demo data file to load.")

    def handle(self, *args, force: bool, fixture: str, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this looks like a live system. The demo personas share a published "
                "password; pass --force only if you are sure this is a throwaway environment."
            )
        try:
            data = json.loads(Path(fixture).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read the demo data from {fixture}: {error}") from error

        started = time.monotonic()
        loader = DemoLoader(data, today=timezone.localdate())
        try:
            with transaction.atomic():  # All or nothing: a failure leaves no half-loaded demo behind.
                loader.load()
        except KeyError as error:
            raise CommandError(f"{fixture} names something it does not define: {error}") from error
        except (ValidationError, ApplicationError) as error:
            raise CommandError(f"The demo data did not load and nothing was saved: {error}") from error
        elapsed = time.monotonic() - started

        if not (loader.created or loader.changed):
            self.stdout.write(f"Demo data already loaded; nothing changed ({elapsed:.1f} s).")
        else:
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded from {fixture} in {elapsed:.1f} s:"))
        for what in sorted(set(loader.created) | set(loader.present)):
            self.stdout.write(
                f"  {what}: {loader.created[what]} created, {loader.present[what]} already there"
            )
        for what, count in sorted(loader.changed.items()):
            self.stdout.write(f"  {what}: {count}")
        personas = ", ".join(person["username"] for person in data["people"] if person.get("active", True))
        self.stdout.write(
            f"Personas: {personas}. Password: {data['password']}. Professionals' authenticator secret: "
            f"{data['totp_secret']} (`python manage.py demo_code` prints the current code)."
        )
