"""People and children: organisations, professionals and their second factors, young people,
contact preferences, and the children with their identifiers, history, flags and families."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import Organisation, OrganisationType, ProfessionalRole, User
from apps.accounts.services import (
    organisation_create,
    professional_create,
    professional_deactivate,
)
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
from apps.demo.loader.base import DemoLoaderBase, birth_date, demo_totp_key_hex
from apps.notifications.services import contact_preference_set
from apps.portal.services import young_person_create


class PeopleLoader(DemoLoaderBase):
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
