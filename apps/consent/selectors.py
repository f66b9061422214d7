"""Reads of consent, competence, overrides and disclosures."""

from collections.abc import Iterable
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from apps.accounts.models import OrganisationMembership, User
from apps.children.models import Child
from apps.consent.models import (
    CompetenceAssessment,
    Consent,
    ConsentReview,
    CoordinationObjection,
    Disclosure,
    ParentWithholding,
    SafeguardingOverride,
)
from apps.consent.services.common import SAFEGUARDING_LEAD_ROLE

PRESUMED_COMPETENT_AGE = 16


def age_on(date_of_birth: date, day: date) -> int:
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def _naming(user: User) -> Q:
    """Consents whose recipient is this person, their organisation, or their role at that organisation."""
    memberships = list(
        OrganisationMembership.objects.current().filter(user=user).values_list("organisation", "role")
    )
    condition = Q(recipient_kind=Consent.RecipientKind.PERSON, recipient_user=user)
    organisations = {organisation for organisation, _ in memberships}
    if organisations:
        condition |= Q(
            recipient_kind=Consent.RecipientKind.ORGANISATION, recipient_organisation__in=organisations
        )
    for organisation, role in memberships:
        condition |= Q(
            recipient_kind=Consent.RecipientKind.ROLE,
            recipient_organisation=organisation,
            recipient_role=role,
        )
    return condition


def review_pending(*, child: Child, today: date | None = None) -> bool:
    """Whether a consent review is due and not done: until it is, the safer setting holds (R82)."""
    today = today or timezone.localdate()
    return ConsentReview.objects.filter(child=child, completed_on__isnull=True, due_on__lte=today).exists()


def consents_naming(*, child: Child, user: User, today: date | None = None) -> QuerySet[Consent]:
    """The consents in force today that share this child's information with ``user``.

    While a consent review is due, a consent given by a parent alone is set aside: it may no longer be
    theirs to give (the young person turned 16, say), so the safer setting holds until someone checks.
    """
    today = today or timezone.localdate()
    consents = Consent.objects.in_force(today).filter(_naming(user), child=child)
    if review_pending(child=child, today=today):
        consents = consents.exclude(grantor=Consent.Grantor.PARENT)
    return consents.prefetch_related("categories")


def consents_naming_person(*, child: Child, user: User, today: date | None = None) -> QuerySet[Consent]:
    """The consents in force today that name ``user`` themselves (a professional, a parent or carer).

    Consents to an organisation or a role are held by its access group instead (apps.sharing), so they
    reach exactly the people who work there now.
    """
    return consents_naming(child=child, user=user, today=today).filter(
        recipient_kind=Consent.RecipientKind.PERSON, recipient_user=user
    )


def consents_naming_group(*, child: Child, access_group, today: date | None = None) -> QuerySet[Consent]:
    """The consents in force today for an organisation (``access_group.role`` empty) or a role at one."""
    today = today or timezone.localdate()
    if access_group.role_id is None:
        condition = Q(recipient_kind=Consent.RecipientKind.ORGANISATION)
    else:
        condition = Q(recipient_kind=Consent.RecipientKind.ROLE, recipient_role_id=access_group.role_id)
    consents = Consent.objects.in_force(today).filter(
        condition, child=child, recipient_organisation_id=access_group.organisation_id
    )
    if review_pending(child=child, today=today):
        consents = consents.exclude(grantor=Consent.Grantor.PARENT)
    return consents.prefetch_related("categories")


def coordination_objected_categories(*, child: Child) -> list[str]:
    """The categories a competent young person objected to their lead professional seeing without consent."""
    return list(
        CoordinationObjection.objects.filter(child=child, ended_on__isnull=True).values_list(
            "category", flat=True
        )
    )


def coordination_objections(*, child: Child) -> QuerySet[CoordinationObjection]:
    """Every objection the young person made, current and ended, newest first within each category."""
    return CoordinationObjection.objects.filter(child=child).select_related("recorded_by", "ended_by")


def consent_audience(*, consent: Consent) -> list[User]:
    """Everyone a consent names: its person, or the current staff of its organisation (in its role)."""
    if consent.recipient_kind == Consent.RecipientKind.PERSON:
        return [consent.recipient_user]
    memberships = OrganisationMembership.objects.current().filter(organisation=consent.recipient_organisation)
    if consent.recipient_kind == Consent.RecipientKind.ROLE:
        memberships = memberships.filter(role=consent.recipient_role)
    return list(User.objects.filter(pk__in=memberships.values("user")).distinct())


def overrides_in_force(*, child: Child, user: User) -> QuerySet[SafeguardingOverride]:
    """The user's own safeguarding overrides on this child that have not run out or been ended."""
    return SafeguardingOverride.objects.in_force().filter(child=child, opened_by=user)


def overrides_awaiting_review(
    *, user: User, routed_ids: Iterable[int] = ()
) -> QuerySet[SafeguardingOverride]:
    """The overrides in force that nobody has reviewed and ``user`` may review, the one that runs out first
    first (R76): the safeguarding lead's work queue.

    The query form of ``safeguarding_override_check_may_review``: a current safeguarding lead of an
    organisation the override concerns (``safeguarding_override_concerned_organisations``: the record
    holder, or any current organisation of the opener), never the opener. A test holds the two together.
    Rows are listed whether or not ``user`` may open the child's record: the review is their duty.
    ``routed_ids`` are the overrides whose review the routing rule gave ``user`` (a team manager or an
    administrator where no safeguarding lead could be found: ``apps.sharing.selectors.open_task_ids``).
    """
    leads_at = (
        OrganisationMembership.objects.current()
        .filter(user=user, role__code=SAFEGUARDING_LEAD_ROLE)
        .values("organisation_id")
    )
    opener_works_there = OrganisationMembership.objects.current().filter(
        user_id=OuterRef("opened_by_id"), organisation_id__in=leads_at
    )
    return (
        SafeguardingOverride.objects.in_force()
        .filter(reviewed_at__isnull=True)
        .exclude(opened_by=user)
        .filter(
            Q(child__created_by_organisation_id__in=leads_at)
            | Exists(opener_works_there)
            | Q(pk__in=list(routed_ids))
        )
        .select_related("child", "opened_by")
        .order_by("expires_at", "pk")
    )


def competence_current(*, child: Child, scope: str, today: date | None = None) -> CompetenceAssessment | None:
    """The latest competence assessment for this kind of decision, if any."""
    return (
        CompetenceAssessment.objects.filter(
            child=child, scope=scope, assessed_on__lte=today or timezone.localdate()
        )
        .order_by("-assessed_on", "-pk")
        .first()
    )


def consent_history(*, child: Child) -> QuerySet[Consent]:
    """Every consent ever recorded for the child, newest first, withdrawn and expired ones included."""
    return (
        Consent.objects.filter(child=child)
        .select_related("parent", "recipient_organisation", "recipient_role", "recipient_user", "recorded_by")
        .prefetch_related("categories")
    )


def disclosure_log(*, child: Child) -> QuerySet[Disclosure]:
    """Who outside the record's home organisation saw the child's information, and on what basis (R75)."""
    return Disclosure.objects.filter(child=child).select_related(
        "viewer", "viewer_organisation", "consent", "override"
    )


def parent_withheld_categories(*, child: Child) -> list[str]:
    """The categories the young person has asked not to be shared with their parents or carers (R74)."""
    return list(
        ParentWithholding.objects.filter(child=child, ended_on__isnull=True).values_list(
            "category", flat=True
        )
    )


def young_person_competent(*, child: Child, today: date | None = None) -> bool:
    """16 or over, or assessed as Gillick competent to decide about sharing their information (R73)."""
    today = today or timezone.localdate()
    if age_on(child.date_of_birth, today) >= PRESUMED_COMPETENT_AGE:
        return True
    assessment = competence_current(
        child=child, scope=CompetenceAssessment.Scope.INFORMATION_SHARING, today=today
    )
    return bool(assessment and assessment.outcome == CompetenceAssessment.Outcome.COMPETENT)


def consent_detail_visible(*, consent: Consent, access) -> bool:
    """Whether the consent's purpose and evidence may be shown: for a consent covering a sensitive category,
    only to someone the access decision lets see every sensitive category it covers, since the purpose of such
    a consent names the sensitive thing itself (R80)."""
    from apps.children.categories import SENSITIVE

    return all(access.sees(row.category) for row in consent.categories.all() if row.category in SENSITIVE)
