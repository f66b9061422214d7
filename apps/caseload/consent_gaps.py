"""Consent gaps: what in a child's consent needs a professional's attention now (R71-R82).

A read model across consent and the team around the child, so it sits above both. Each kind of gap is a
queryset of the rows that make it, written once and used two ways: correlated to the child as an ``EXISTS``
for the caseload's filter "with consent gaps" (so it composes with sorting and paging in the list's one
query), and over a page of children for the words shown (one query per kind, whatever the page's length).
The two can therefore never disagree.

The kinds, and why each is one:

- **ending soon**: a consent in force that ends within ``ENDING_WITHIN_DAYS`` and has not been renewed (no
  other consent to the same recipient, not withdrawn, starting by the day after it ends and lasting longer).
  When it ends, the people it named stop seeing what it shared, mid-plan;
- **withdrawn**: a consent withdrawn in the last ``WITHDRAWN_SHOWN_FOR_DAYS`` days and not replaced by a
  consent to the same recipient recorded since. A withdrawal is the young person's (or parent's) right, not a
  fault to put right: it is shown for a while so the lead professional checks the plan still works without
  what it shared, then no longer, so a considered "no" is not nagged about for ever;
- **parent's consent set aside for a review**: a consent review is due and not done while a consent given
  by a parent alone is in force. Until the review, such consents are set aside (the safer setting,
  ``apps.consent.selectors.consents_naming``), so the people they name see less than the plan assumes;
- **a team member's organisation without consent**: a professional in the team around the child works for
  an organisation that no consent in force names (nor their role there, nor them by name). Team membership
  opens only the core record and the team (``apps.sharing.services``); everything else their service does
  for the child needs consent, or it is not shared at all. A parent's consent set aside by a due review still
  counts here: the review gap says what to do about it. Shown only to someone who sees the team;
- **no competence assessment**: a young person aged ``COMPETENCE_CONSIDERED_FROM_AGE`` to 15 whose sharing
  rests on a parent's consent in force, with no assessment of whether they can decide for themselves
  (Gillick; R73). A decision was taken about their information without asking whether it was theirs to take.
  From 12: no age is fixed in law in England, but the ICO's guidance on children's information takes 12 as
  the age from which a child may well be competent (the age the law presumes in Scotland); below it a
  parent's consent is the ordinary case and a gap there would be noise that hides the real ones.

Gaps are shown only to someone who may see the child's consent register (the rule the consent page applies:
``ChildAccess.sees_consent_register``), each linking to the part of that page where it is put right.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from django.db.models import (
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextChoices,
)
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.children.categories import PERMISSION, Category
from apps.children.models import Child
from apps.consent.models import CompetenceAssessment, Consent, ConsentReview
from apps.consent.selectors import PRESUMED_COMPETENT_AGE, age_on
from apps.teams.models import TeamMembership

ENDING_WITHIN_DAYS = 30
WITHDRAWN_SHOWN_FOR_DAYS = 30
COMPETENCE_CONSIDERED_FROM_AGE = 12


class GapKind(TextChoices):
    PARENT_CONSENT_REVIEW_DUE = "parent_consent_review_due", "A parent's consent set aside until a review"
    ENDING_SOON = "ending_soon", "Consent ending soon"
    ORGANISATION_WITHOUT_CONSENT = (
        "organisation_without_consent",
        "A team member's organisation without consent",
    )
    NO_COMPETENCE_ASSESSMENT = "no_competence_assessment", "No competence assessment"
    WITHDRAWN = "withdrawn", "Consent withdrawn"


# Where on the child's consent page each kind is put right.
FIXED_AT = {
    GapKind.PARENT_CONSENT_REVIEW_DUE: "reviews",
    GapKind.ENDING_SOON: "consents",
    GapKind.ORGANISATION_WITHOUT_CONSENT: "consents",
    GapKind.NO_COMPETENCE_ASSESSMENT: "competence",
    GapKind.WITHDRAWN: "consents",
}


@dataclass(frozen=True)
class ConsentGap:
    """One gap in a child's consent, in words, with what it is about and where it is put right."""

    child_public_id: UUID
    kind: GapKind
    message: str
    on: date | None = None  # the day a consent ends, was withdrawn, or a review fell due
    consent: UUID | None = None
    review: UUID | None = None
    organisation: UUID | None = None

    @property
    def fix_url(self) -> str:
        """The part of the child's consent page where this gap is put right."""
        url = reverse("consent:child-consent", args=[self.child_public_id])
        return f"{url}#{FIXED_AT[self.kind]}"


# --- Each kind as the rows that make it --------------------------------------------------------------


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February: the 28th in a year that is not a leap year.
        return day.replace(year=day.year - years, day=28)


def _same_recipient() -> Q:
    """Consents to the recipient of the outer consent: the same person, organisation, or role at it."""
    return Q(recipient_kind=OuterRef("recipient_kind")) & (
        Q(recipient_kind=Consent.RecipientKind.PERSON, recipient_user=OuterRef("recipient_user"))
        | Q(
            recipient_kind=Consent.RecipientKind.ORGANISATION,
            recipient_organisation=OuterRef("recipient_organisation"),
        )
        | Q(
            recipient_kind=Consent.RecipientKind.ROLE,
            recipient_organisation=OuterRef("recipient_organisation"),
            recipient_role=OuterRef("recipient_role"),
        )
    )


def consents_ending_soon(today: date) -> QuerySet[Consent]:
    """Consents in force that end within ``ENDING_WITHIN_DAYS`` days and have not been renewed."""
    day_after_it_ends = ExpressionWrapper(
        OuterRef("valid_until") + timedelta(days=1), output_field=DateField()
    )
    renewal = (
        Consent.objects.filter(_same_recipient(), child=OuterRef("child"), withdrawn_at__isnull=True)
        .filter(valid_from__lte=day_after_it_ends)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=OuterRef("valid_until")))
        .exclude(pk=OuterRef("pk"))
    )
    return (
        Consent.objects.in_force(today)
        .filter(valid_until__lte=today + timedelta(days=ENDING_WITHIN_DAYS))
        .exclude(Exists(renewal))
    )


def consents_withdrawn_recently(now: datetime, today: date) -> QuerySet[Consent]:
    """Consents withdrawn in the last ``WITHDRAWN_SHOWN_FOR_DAYS`` days, with no consent to the same recipient
    recorded since that is still to run."""
    replacement = (
        Consent.objects.filter(_same_recipient(), child=OuterRef("child"), withdrawn_at__isnull=True)
        .filter(recorded_at__gt=OuterRef("withdrawn_at"))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    )
    return Consent.objects.filter(withdrawn_at__gte=now - timedelta(days=WITHDRAWN_SHOWN_FOR_DAYS)).exclude(
        Exists(replacement)
    )


def _parent_consents_in_force(today: date) -> QuerySet[Consent]:
    return Consent.objects.in_force(today).filter(grantor=Consent.Grantor.PARENT)


def reviews_setting_parent_consent_aside(today: date) -> QuerySet[ConsentReview]:
    """Consent reviews due and not done while a parent's consent is in force (and so set aside), each with
    how many such consents it sets aside (``set_aside``)."""
    parent_consents = _parent_consents_in_force(today).filter(child=OuterRef("child"))
    count = parent_consents.order_by().values("child").annotate(count=Count("pk")).values("count")
    return (
        ConsentReview.objects.filter(completed_on__isnull=True, due_on__lte=today)
        .filter(Exists(parent_consents))
        .annotate(set_aside=Subquery(count[:1]))
    )


def team_members_without_consent(today: date) -> QuerySet[TeamMembership]:
    """Current professional team members whose organisation, role there or own name no consent in force
    names."""
    covering = (
        Consent.objects.in_force(today)
        .filter(child=OuterRef("child"))
        .filter(
            Q(
                recipient_kind=Consent.RecipientKind.ORGANISATION,
                recipient_organisation=OuterRef("organisation"),
            )
            | Q(
                recipient_kind=Consent.RecipientKind.ROLE,
                recipient_organisation=OuterRef("organisation"),
                recipient_role=OuterRef("professional_role"),
            )
            | Q(recipient_kind=Consent.RecipientKind.PERSON, recipient_user=OuterRef("user"))
        )
    )
    return (
        TeamMembership.objects.current()
        .filter(kind=TeamMembership.Kind.PROFESSIONAL, organisation__isnull=False)
        .exclude(Exists(covering))
    )


def _needs_competence_assessment(today: date) -> Q:
    """Children aged 12 to 15 whose sharing rests on a parent's consent, never assessed for competence."""
    assessed = CompetenceAssessment.objects.filter(
        child=OuterRef("pk"), scope=CompetenceAssessment.Scope.INFORMATION_SHARING
    )
    return (
        Q(date_of_birth__gt=_years_before(today, PRESUMED_COMPETENT_AGE))
        & Q(date_of_birth__lte=_years_before(today, COMPETENCE_CONSIDERED_FROM_AGE))
        & Q(Exists(_parent_consents_in_force(today).filter(child=OuterRef("pk"))))
        & ~Q(Exists(assessed))
    )


def with_consent_gaps(*, user: User, today: date | None = None, now: datetime | None = None) -> Q:
    """The children with at least one consent gap ``user`` would be shown, as one condition on a list of
    children: the caseload's filter "with consent gaps". Callers have already narrowed the list to children
    whose consent register ``user`` may see (a professional's own children)."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    sees_team = Exists(Child.objects.restrict(user, PERMISSION[Category.TEAM]).filter(pk=OuterRef("pk")))
    return (
        Q(Exists(consents_ending_soon(today).filter(child=OuterRef("pk"))))
        | Q(Exists(consents_withdrawn_recently(now, today).filter(child=OuterRef("pk"))))
        | Q(Exists(reviews_setting_parent_consent_aside(today).filter(child=OuterRef("pk"))))
        | (Q(Exists(team_members_without_consent(today).filter(child=OuterRef("pk")))) & Q(sees_team))
        | _needs_competence_assessment(today)
    )


# --- The gaps of a page of children, in words -----------------------------------------------------------


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def consent_gaps_for(
    *, children, accesses: dict, today: date | None = None, now: datetime | None = None
) -> dict[int, list[ConsentGap]]:
    """Each child's consent gaps, for the children whose consent register the viewer may see (``accesses``:
    the access decision for each child, by pk), in five queries whatever the number of children.

    A child whose register the viewer may not see (a parent or carer) has none listed; a team member's
    organisation without consent is listed only for a viewer who sees the team around the child.
    """
    today = today or timezone.localdate()
    now = now or timezone.now()
    children = [child for child in children if accesses[child.pk].sees_consent_register]
    by_pk = {child.pk: child for child in children}
    gaps: dict[int, list[ConsentGap]] = {pk: [] for pk in by_pk}
    if not children:
        return gaps

    for review in (
        reviews_setting_parent_consent_aside(today).filter(child_id__in=by_pk).order_by("due_on", "pk")
    ):
        child = by_pk[review.child_id]
        count = getattr(review, "set_aside", None) or 0  # Annotated by the queryset.
        reason = review.get_reason_display().lower()
        gaps[child.pk].append(
            ConsentGap(
                child_public_id=child.public_id,
                kind=GapKind.PARENT_CONSENT_REVIEW_DUE,
                message=f"Consent review due since {review.due_on:%-d %B %Y} ({reason}): until it is done, "
                f"{count} {_plural(count, 'consent', 'consents')} a parent gave alone "
                f"{_plural(count, 'is', 'are')} set aside",
                on=review.due_on,
                review=review.public_id,
            )
        )

    ending = consents_ending_soon(today).filter(child_id__in=by_pk)
    for consent in ending.select_related(
        "recipient_organisation", "recipient_role", "recipient_user"
    ).order_by("valid_until", "pk"):
        child, ends_on = by_pk[consent.child_id], consent.valid_until or today
        days = (ends_on - today).days
        when = "today" if days == 0 else f"in {days} {_plural(days, 'day', 'days')}"
        gaps[child.pk].append(
            ConsentGap(
                child_public_id=child.public_id,
                kind=GapKind.ENDING_SOON,
                message=f"Consent for {consent.recipient_label} ends on {ends_on:%-d %B %Y} "
                f"({when}) and has not been renewed",
                on=ends_on,
                consent=consent.public_id,
            )
        )

    members = (
        team_members_without_consent(today)
        .filter(child_id__in=by_pk)
        .select_related("organisation", "user")
        .order_by("organisation__name", "pk")
    )
    uncovered: dict[tuple[int, int | None], list[TeamMembership]] = defaultdict(list)
    for membership in members:
        if accesses[membership.child_id].sees(Category.TEAM):
            uncovered[(membership.child_id, membership.organisation_id)].append(membership)
    for (child_id, _), memberships in uncovered.items():
        child, organisation = by_pk[child_id], memberships[0].organisation
        if organisation is None:  # Never: the queryset keeps members with an organisation.
            continue
        names = ", ".join(membership.name for membership in memberships)
        gaps[child_id].append(
            ConsentGap(
                child_public_id=child.public_id,
                kind=GapKind.ORGANISATION_WITHOUT_CONSENT,
                message=f"No consent in force shares anything with {organisation}, though {names} "
                f"{_plural(len(memberships), 'is', 'are')} in the team around the child",
                organisation=organisation.public_id,
            )
        )

    for child in (
        Child.objects.filter(pk__in=by_pk)
        .filter(_needs_competence_assessment(today))
        .only("pk", "public_id", "date_of_birth", "preferred_name", "given_name", "family_name")
    ):
        name = child.preferred_name or child.given_name
        gaps[child.pk].append(
            ConsentGap(
                child_public_id=child.public_id,
                kind=GapKind.NO_COMPETENCE_ASSESSMENT,
                message=f"{name} is {age_on(child.date_of_birth, today)} and a parent's consent is relied "
                f"on, but nobody has recorded whether {name} can decide for themselves (a competence "
                "assessment)",
            )
        )

    withdrawn = consents_withdrawn_recently(now, today).filter(child_id__in=by_pk)
    for consent in withdrawn.select_related(
        "recipient_organisation", "recipient_role", "recipient_user"
    ).order_by("-withdrawn_at", "pk"):
        child = by_pk[consent.child_id]
        withdrawn_on = timezone.localdate(consent.withdrawn_at)
        gaps[child.pk].append(
            ConsentGap(
                child_public_id=child.public_id,
                kind=GapKind.WITHDRAWN,
                message=f"Consent for {consent.recipient_label} was withdrawn on {withdrawn_on:%-d %B %Y}: "
                "check the plan still works without what it shared",
                on=withdrawn_on,
                consent=consent.public_id,
            )
        )
    return gaps
