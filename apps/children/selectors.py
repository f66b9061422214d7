"""Reads of children's records. Every one goes through ``Child.objects.restrict()`` and is audited."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record, audit_record_reads
from apps.children.categories import (
    CHANGE_CHILD,
    VIEW_CHILD,
    Category,
)
from apps.children.models import (
    Child,
    ChildIdentifier,
    SocialWorkInvolvement,
    VulnerabilityFlag,
    visible_child_count,
)
from apps.core.nhs_number import normalise_nhs_number

VIEW = VIEW_CHILD
CHANGE = CHANGE_CHILD


def _with_summary(queryset: QuerySet[Child]) -> QuerySet[Child]:
    """Add the current social-work status and the count of current vulnerabilities, in the same query."""
    current_status = SocialWorkInvolvement.objects.filter(child=OuterRef("pk"), ended_on__isnull=True)
    # A correlated count, not an aggregate over a join: no GROUP BY for the paginator's count to wrap, and
    # only the rows on the page are counted.
    # Only flags of the core record: a list counting a sensitive flag would tell someone without that category
    # that one exists (R80). The child's own page shows each flag the viewer may see.
    current_flags = (
        VulnerabilityFlag.objects.filter(
            child=OuterRef("pk"), ended_on__isnull=True, type__category=Category.CORE
        )
        .order_by()
        .values("child")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return queryset.annotate(
        current_social_work_status=Subquery(current_status.values("status")[:1]),
        current_flag_count=Coalesce(Subquery(current_flags[:1]), 0),
    )


def child_list(*, user: User, search: str = "") -> QuerySet[Child]:
    """The children shared with ``user``, optionally narrowed by name, NHS number or a local identifier.

    Lazy, so the caller pages it; pass the page to ``child_list_audit`` once it is shown.
    """
    # In name order, walked when the person sees thousands (``restrict_in_order``): the page is 25 of them.
    children = Child.objects.restrict_in_order(user, VIEW)
    search = search.strip()
    if search:
        digits = normalise_nhs_number(search)
        matches = (
            Q(given_name__icontains=search)
            | Q(family_name__icontains=search)
            | Q(preferred_name__icontains=search)
            | Q(identifiers__value__iexact=search)
        )
        if digits.isdigit():
            matches |= Q(nhs_number=digits)
        parts = search.split()
        if len(parts) >= 2:  # "Sam Okafor": first and last name in either field.
            matches |= Q(given_name__icontains=parts[0], family_name__icontains=parts[-1])
            matches |= Q(preferred_name__icontains=parts[0], family_name__icontains=parts[-1])
        children = children.filter(pk__in=Child.objects.filter(matches).values("pk"))
    return _with_summary(children).order_by("family_name", "given_name", "pk")


def child_list_count(*, user: User, search: str = "") -> int:
    """How many children ``child_list`` holds, for its pages: without a search, counted from the permission
    indexes alone (``visible_child_count``), the same number as ``child_list(...).count()`` without reading
    every child the person sees; with one, the list's own count."""
    if search.strip():
        return child_list(user=user, search=search).count()
    return visible_child_count(user, VIEW)


def child_detail(*, child: Child) -> Child:
    """The parts of a child's record shown on the child page, each list fetched once."""
    return (
        Child.objects.filter(pk=child.pk)
        .prefetch_related(
            Prefetch("identifiers", queryset=ChildIdentifier.objects.select_related("issuer")),
            Prefetch(
                "social_work_history",
                queryset=SocialWorkInvolvement.objects.select_related("responsible_authority"),
            ),
            Prefetch("vulnerability_flags", queryset=VulnerabilityFlag.objects.select_related("type")),
            "family_members",
        )
        .select_related("created_by_organisation", "protected_characteristics")
        .get()
    )


SAME_NHS_NUMBER = "same NHS number"
SAME_NAME_AND_BIRTH = "same name and date of birth"
# What someone is told about a record that is not shared with them: that it may exist, never who holds it.
HIDDEN_MATCH_NEXT_STEP = (
    "A record may already exist for this child, but it has not been shared with you. Do not add a new "
    "record: contact the Beacon administrator at your single point of access (SPA) with the details you "
    "searched for. They can check whether it is the same child and arrange access for you."
)


@dataclass(frozen=True)
class PossibleMatch:
    """A record that may be the same child. A hidden one carries no record at all: nobody learns who the
    child is, or which organisation holds them, by asking."""

    child: Child | None
    visible: bool
    reason: str

    @property
    def same_nhs_number(self) -> bool:
        """An NHS number belongs to one child: with this match, a new record cannot be made."""
        return self.reason == SAME_NHS_NUMBER

    @property
    def next_step(self) -> str:
        return "" if self.visible else HIDDEN_MATCH_NEXT_STEP


def child_possible_matches(
    *,
    user: User,
    nhs_number: str = "",
    given_name: str = "",
    family_name: str = "",
    date_of_birth: date | None = None,
) -> list[PossibleMatch]:
    """Records that may already be this child (R2): the same NHS number, or the same name and date of birth.

    Searched across every record, so one child does not get a record per agency. A record shared with
    ``user`` is shown; one that is not is reported only as "a record may exist", once per reason, with
    the route to access through the single point of access: never the child, how many, or the
    organisation holding it (Caldicott: the minimum necessary; a duplicate record is the harm to avoid).

    Every check is audited, one that finds nothing included: who searched, with which kinds of detail
    and how many records matched, never the NHS number or name searched for; and each matched record
    is recorded against its child. Callers throttle it per person (apps.children.throttling).
    """
    conditions = Q()
    searched_by = []
    nhs_number = normalise_nhs_number(nhs_number)
    if nhs_number:
        conditions |= Q(nhs_number=nhs_number)
        searched_by.append("nhs_number")
    if given_name.strip() and family_name.strip() and date_of_birth:
        conditions |= Q(
            given_name__iexact=given_name.strip(),
            family_name__iexact=family_name.strip(),
            date_of_birth=date_of_birth,
        )
        searched_by.append("name_and_date_of_birth")
    if not conditions:
        return []
    candidates = list(Child.objects.filter(conditions)[:10])
    visible_ids = set(
        Child.objects.restrict(user, VIEW)
        .filter(pk__in=[c.pk for c in candidates])
        .values_list("pk", flat=True)
    )
    matches, hidden_reasons = [], []
    for candidate in candidates:
        reason = SAME_NHS_NUMBER if nhs_number and candidate.nhs_number == nhs_number else SAME_NAME_AND_BIRTH
        if candidate.pk in visible_ids:
            matches.append(PossibleMatch(child=candidate, visible=True, reason=reason))
        elif reason not in hidden_reasons:
            hidden_reasons.append(reason)
    matches += [PossibleMatch(child=None, visible=False, reason=reason) for reason in hidden_reasons]
    basis = "check for an existing record before creating one"
    with transaction.atomic():
        audit_record(
            actor=user,
            action=AuditEvent.Action.SEARCH,
            target=user,
            basis=basis,
            detail={"possible_match_check": searched_by, "records_matched": len(candidates)},
        )
        audit_record_reads(actor=user, action=AuditEvent.Action.SEARCH, children=candidates, basis=basis)
    return matches
