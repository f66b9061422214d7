"""Load Beacon's synthetic demo data (``fixtures/demo.json``): organisations, personas and 40 children.

Children, their identifiers, social-work history, vulnerabilities and families are written through the
same services the browser and API use, and access is granted through ``apps.sharing``, so the guardian
permission rows and the audit log look exactly as they would in real use.

Safe to run again: organisations are matched by name, people by username and children by NHS number,
and anything already there is left as it is. Refuses to run with ``DEBUG`` off unless ``--force`` is
given, because every demo persona shares one published password.
"""

import json
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Organisation, OrganisationType, ProfessionalRole, User
from apps.accounts.services import organisation_create, professional_create, young_person_create
from apps.children.models import Child, VulnerabilityType
from apps.children.services import (
    CHILD_FIELDS,
    child_create,
    child_identifier_add,
    family_member_add,
    social_work_status_record,
    vulnerability_flag_add,
    vulnerability_flag_end,
)
from apps.core.exceptions import ApplicationError
from apps.sharing.models import AccessGrant
from apps.sharing.services import child_access_grant

DEFAULT_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo.json"


def birth_date(*, today: date, age_years: int, days_since_birthday: int) -> date:
    """The date of birth of someone ``age_years`` old whose last birthday was ``days_since_birthday`` ago."""
    if not 0 <= days_since_birthday <= 364:
        raise CommandError(f"days_since_birthday must be 0 to 364, not {days_since_birthday}")
    last_birthday = today - timedelta(days=days_since_birthday)
    try:
        return last_birthday.replace(year=last_birthday.year - age_years)
    except ValueError:  # 29 February, and the birth year is not a leap year.
        return last_birthday.replace(year=last_birthday.year - age_years, day=28)


class DemoLoader:
    """Creates whatever of the demo data is missing, counting what it created and what it found."""

    def __init__(self, data: dict, *, today: date) -> None:
        self.data = data
        self.today = today
        self.created: Counter[str] = Counter()
        self.present: Counter[str] = Counter()
        self.organisations: dict[str, Organisation] = {}
        self.people: dict[str, User] = {}
        self._password_hash: str | None = None

    def days_ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    @property
    def password_hash(self) -> str:
        # Hashing is deliberately slow (about 0.4 s); hash the shared demo password once, not per persona.
        if self._password_hash is None:
            self._password_hash = make_password(self.data["password"])
        return self._password_hash

    def load(self) -> None:
        self.load_organisations()
        self.load_professionals()
        children = self.load_children()
        self.load_young_people(children)
        self.load_access(children)

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

    # ---------------------------------------------------------------------------------- access
    def load_access(self, children: dict[str, Child]) -> None:
        """Share each child with the team named in the fixture, as an administrator would."""
        administrator = self.people[self.data["administrator"]]
        reason = self.data["access_grant_reason"]
        # Reviewers (the IRO) scrutinise the plan; they do not edit the record, so they get view only.
        view_only = set(self.data.get("view_only", []))
        granted = set(
            AccessGrant.objects.filter(
                child__in=children.values(), basis=AccessGrant.Basis.ADMINISTRATOR, revoked_at__isnull=True
            ).values_list("child_id", "user_id")
        )
        for record in self.data["children"]:
            child = children[record["nhs_number"]]
            for username in record.get("shared_with", []):
                user = self.people[username]
                if (child.pk, user.pk) in granted:
                    self.present["access grants"] += 1
                    continue
                child_access_grant(
                    child=child,
                    user=user,
                    basis=AccessGrant.Basis.ADMINISTRATOR,
                    granted_by=administrator,
                    can_change=username not in view_only,
                    reason=reason,
                )
                self.created["access grants"] += 1


class Command(BaseCommand):
    help = "Load the synthetic demo organisations, personas and children (development and demos only)."

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

        if not loader.created:
            self.stdout.write(f"Demo data already loaded; nothing changed ({elapsed:.1f} s).")
        else:
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded from {fixture} in {elapsed:.1f} s:"))
        for what in sorted(set(loader.created) | set(loader.present)):
            self.stdout.write(
                f"  {what}: {loader.created[what]} created, {loader.present[what]} already there"
            )
        personas = ", ".join(person["username"] for person in data["people"])
        self.stdout.write(f"Personas: {personas}. Password: {data['password']}")
