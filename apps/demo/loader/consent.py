"""Consent: each child's consents, competence assessments, reviews and the safeguarding override."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from apps.accounts.models import User
from apps.children.models import Child, FamilyMember
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
from apps.demo.loader.base import DemoLoaderBase

# A consent review due within this many days is left to do, so the demo shows one (a consent gap).
RECENT_REVIEW_DAYS = 14


class ConsentLoader(DemoLoaderBase):
    def complete_historical_reviews(self) -> None:
        """Placement changes in the demo's history asked for consent reviews; back then they were done. One
        that fell due in the last fortnight is still to do (Oliwer went home a few days ago): the caseload
        shows it as a consent gap."""
        for review in ConsentReview.objects.filter(
            completed_on__isnull=True, due_on__lt=self.today - timedelta(days=RECENT_REVIEW_DAYS)
        ).select_related("child__created_by"):
            consent_review_complete(
                actor=review.child.created_by,
                review=review,
                outcome_note="Reviewed with the young person and their carers when the placement changed.",
            )
            self.created["consent reviews completed"] += 1

    # ---------------------------------------------------------------------------------- organisations
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
