"""Consents given and withdrawn and safeguarding overrides, shown by the consent register's own rule."""

from django.db.models import F, OuterRef
from django.db.models.functions import Coalesce

from apps.children.categories import Category
from apps.chronology.entries import Kind
from apps.chronology.sources.common import (
    Description,
    Member,
    Reader,
    Source,
    agency_of,
    as_organisation,
    day_of,
    first_name,
    lower_first,
)
from apps.consent.models import Consent, SafeguardingOverride
from apps.consent.selectors import consent_detail_visible

# --- Consent and safeguarding overrides (the consent register's rule) -----------------------------------


def _recipient_in_plain_words(consent: Consent) -> str:
    if consent.recipient_kind == Consent.RecipientKind.PERSON:
        return first_name(consent.recipient_user)
    return str(consent.recipient_organisation)


GRANTOR_IN_PLAIN_WORDS: dict[str, str] = {
    Consent.Grantor.YOUNG_PERSON: "You agreed",
    Consent.Grantor.PARENT: "Your parent or carer agreed",
    Consent.Grantor.BOTH: "You and your parent or carer agreed",
}


class ConsentSource(Source):
    model = Consent
    kinds = (Kind.CONSENT_GIVEN, Kind.CONSENT_WITHDRAWN)
    category = Category.CORE
    register = True

    def members(self, reader: Reader) -> list[Member]:
        consents = Consent.objects.filter(child=reader.child)
        return [
            Member(
                Kind.CONSENT_GIVEN,
                consents,
                at="valid_from",
                date_only=True,
                agency=Coalesce(
                    as_organisation(F("recipient_organisation")),
                    agency_of("recipient_user", on=OuterRef("valid_from")),
                ),
            ),
            Member(
                Kind.CONSENT_WITHDRAWN,
                consents.filter(withdrawn_at__isnull=False),
                at="withdrawn_at",
                agency=Coalesce(
                    as_organisation(F("recipient_organisation")),
                    agency_of("recipient_user", on=day_of("withdrawn_at")),
                ),
            ),
        ]

    def details(self, pks):
        return (
            Consent.objects.select_related("recipient_organisation", "recipient_role", "recipient_user")
            .prefetch_related("categories")
            .in_bulk(pks)
        )

    def describe(self, record: Consent, kind: str, reader: Reader) -> Description:
        # A sensitive consent's purpose and reasons name the sensitive thing itself (R80), as on the register.
        detail_visible = consent_detail_visible(consent=record, access=reader.access)
        link = self._child_url(reader, "consent:child-consent", anchor="consents")
        recipient = record.recipient_label
        plain_recipient = _recipient_in_plain_words(record)
        if kind == Kind.CONSENT_GIVEN:
            what = ", ".join(lower_first(row.get_category_display()) for row in record.categories.all())
            purpose = record.purpose if detail_visible else "withheld (it describes a sensitive category)"
            until = f" until {record.valid_until:%-d %B %Y}" if record.valid_until else ""
            return Description(
                f"{record.get_grantor_display()} agreed to share {what} with {recipient}{until}. "
                f"Purpose: {purpose}",
                f"{GRANTOR_IN_PLAIN_WORDS.get(record.grantor, 'Someone agreed')} that {plain_recipient} can "
                "see some of your information.",
                link,
                record.public_id,
            )
        reason = ""
        if record.withdrawn_reason:
            reason = f" Reason: {record.withdrawn_reason}" if detail_visible else " Reason withheld."
        return Description(
            f"Consent to share with {recipient} withdrawn.{reason}",
            f"The agreement that {plain_recipient} can see your information was stopped.",
            link,
            record.public_id,
        )


class OverrideSource(Source):
    model = SafeguardingOverride
    kinds = (Kind.OVERRIDE_OPENED, Kind.OVERRIDE_ENDED)
    category = Category.CORE
    register = True

    def members(self, reader: Reader) -> list[Member]:
        overrides = SafeguardingOverride.objects.filter(child=reader.child)
        if reader.for_young_person:
            # The young person is told when a professional judges it safe (R76); until then it is not theirs.
            overrides = overrides.filter(young_person_told_on__isnull=False)
        agency = agency_of("opened_by", on=day_of("starts_at"))
        return [
            Member(Kind.OVERRIDE_OPENED, overrides, at="starts_at", agency=agency),
            Member(Kind.OVERRIDE_ENDED, overrides, at=Coalesce("ended_at", "expires_at"), agency=agency),
        ]

    def details(self, pks):
        return SafeguardingOverride.objects.select_related("opened_by", "reviewed_by").in_bulk(pks)

    def describe(self, record: SafeguardingOverride, kind: str, reader: Reader) -> Description:
        link = self._child_url(reader, "consent:child-consent", anchor="overrides")
        labels = ", ".join(lower_first(Category(category).label) for category in record.categories)
        if kind == Kind.OVERRIDE_OPENED:
            return Description(
                f"Safeguarding override opened by {record.opened_by} "
                f"({record.get_lawful_basis_display()}) for "
                f"{labels}: {record.justification}",
                f"{first_name(record.opened_by)} looked at some of your information without asking you "
                "first, "
                "to keep you safe.",
                link,
                record.public_id,
            )
        how = "ended early" if record.ended_at else "ran out"
        review = (
            f" Review: {lower_first(record.get_review_outcome_display())}." if record.review_outcome else ""
        )
        return Description(
            f"Safeguarding override opened by {record.opened_by} {how}.{review}",
            "The extra look at your information to keep you safe ended.",
            link,
            record.public_id,
        )
