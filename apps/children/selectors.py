"""Reads of children's records. Every one goes through ``Child.objects.restrict()`` and is audited."""

from collections.abc import Set as AbstractSet
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
from apps.core.hooks import Hook
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
        .select_related("created_by_organisation", "protected_characteristics", "nhs_number_verified_by")
        .get()
    )


SAME_NHS_NUMBER = "same NHS number"
# A number typed in but never checked against the national register matches, but never silently: the person
# is told it is not yet verified and asked to check the child's other details (the Act of 2026 makes the NHS
# number the single identifier only once it can be trusted).
SAME_NHS_NUMBER_UNVERIFIED = "same NHS number, not yet verified"
SAME_NAME_AND_BIRTH = "same name and date of birth"
SAME_PREFERRED_NAME_AND_BIRTH = "same date of birth and last name, with a preferred name as the first name"
SWAPPED_NAMES_AND_BIRTH = "same date of birth, with the first and last names the other way round"
# Strongest first: a record that matches in several ways is reported by the first.
MATCH_REASONS = (
    SAME_NHS_NUMBER,
    SAME_NHS_NUMBER_UNVERIFIED,
    SAME_NAME_AND_BIRTH,
    SAME_PREFERRED_NAME_AND_BIRTH,
    SWAPPED_NAMES_AND_BIRTH,
)
# What someone is told about a record that is not shared with them: that it may exist, never who holds it.
HIDDEN_MATCH_NEXT_STEP = (
    "A record may already exist for this child, but it has not been shared with you. Do not add a new "
    "record: ask for access to it. Your request, with your reason, goes to the professional responsible for "
    "the record, who can check whether it is the same child and give you access."
)

# The most records one check reads: more than this many records of one child is a problem for a merge.
MATCH_LIMIT = 10


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
        return self.reason in (SAME_NHS_NUMBER, SAME_NHS_NUMBER_UNVERIFIED)

    @property
    def needs_checking(self) -> bool:
        """Matched on a number no one has verified: the person must check the rest before trusting it."""
        return self.reason == SAME_NHS_NUMBER_UNVERIFIED

    @property
    def next_step(self) -> str:
        return "" if self.visible else HIDDEN_MATCH_NEXT_STEP


@dataclass(frozen=True)
class FoundMatch:
    """A record found by a check, with whether the person may see it. Never shown as it is: services use it
    server-side (to refuse a second record, to address a request for access); people see ``PossibleMatch``."""

    child: Child
    visible: bool
    reason: str


def _name(value: str | None) -> str:
    """A name as matched: spaces trimmed and runs of spaces made one; compared without case."""
    return " ".join((value or "").split())


def _match_reason(child: Child, *, nhs_number: str, given: str, family: str, preferred: str) -> str:
    """Why ``child`` matched what was given, the strongest reason first (``MATCH_REASONS``)."""
    if nhs_number and child.nhs_number == nhs_number:
        return SAME_NHS_NUMBER if child.nhs_number_is_verified else SAME_NHS_NUMBER_UNVERIFIED
    first, last = child.given_name.casefold(), child.family_name.casefold()
    known_as = (child.preferred_name or "").casefold()
    given, family, preferred = given.casefold(), family.casefold(), preferred.casefold()
    if (given, family) == (first, last):
        return SAME_NAME_AND_BIRTH
    if family == last and ({given, preferred} - {""}) & ({first, known_as} - {""}):
        return SAME_PREFERRED_NAME_AND_BIRTH
    return SWAPPED_NAMES_AND_BIRTH


def _match_conditions(
    *, nhs_number: str, given: str, family: str, preferred: str, date_of_birth: date | None
) -> tuple[Q, list[str]]:
    conditions = Q()
    searched_by = []
    if nhs_number:
        conditions |= Q(nhs_number=nhs_number)
        searched_by.append("nhs_number")
    if given and family and date_of_birth:
        born = Q(date_of_birth=date_of_birth)
        first_names = Q(given_name__iexact=given) | Q(preferred_name__iexact=given)
        if preferred:
            first_names |= Q(given_name__iexact=preferred) | Q(preferred_name__iexact=preferred)
        conditions |= born & first_names & Q(family_name__iexact=family)
        # Swapped: a first name written as the last and the other way round (forms, agencies, cultures).
        conditions |= born & Q(given_name__iexact=family, family_name__iexact=given)
        searched_by.append("name_and_date_of_birth")
    return conditions, searched_by


def child_matches_found(
    *,
    user: User,
    nhs_number: str = "",
    given_name: str = "",
    family_name: str = "",
    preferred_name: str = "",
    date_of_birth: date | None = None,
) -> list[FoundMatch]:
    """Records that may already be this child (R2), each with whether ``user`` may see it: for services only.

    A match is the same NHS number (verified or not: an unverified one is reported as such), or the same
    date of birth with the same last name and a first name that is the legal or preferred name on either
    side, or with the first and last names swapped. Names are compared trimmed and without case. Records
    merged into another (tombstones) are never matched: their survivor is.

    Every check is audited, one that finds nothing included: who searched, with which kinds of detail
    and how many records matched, never the NHS number or name searched for; and each matched record
    is recorded against its child. Callers throttle it per person (apps.children.throttling).
    """
    nhs_number = normalise_nhs_number(nhs_number)
    given, family, preferred = _name(given_name), _name(family_name), _name(preferred_name)
    conditions, searched_by = _match_conditions(
        nhs_number=nhs_number, given=given, family=family, preferred=preferred, date_of_birth=date_of_birth
    )
    if not searched_by:
        return []
    candidates = list(Child.objects.filter(conditions, merged_into__isnull=True).order_by("pk")[:MATCH_LIMIT])
    visible_ids = set(
        Child.objects.restrict(user, VIEW)
        .filter(pk__in=[c.pk for c in candidates])
        .values_list("pk", flat=True)
    )
    found = sorted(
        (
            FoundMatch(
                child=candidate,
                visible=candidate.pk in visible_ids,
                reason=_match_reason(
                    candidate, nhs_number=nhs_number, given=given, family=family, preferred=preferred
                ),
            )
            for candidate in candidates
        ),
        key=lambda match: MATCH_REASONS.index(match.reason),
    )
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
    return found


def possible_matches_shown(
    found: list[FoundMatch], *, cleared: AbstractSet[int] = frozenset()
) -> list[PossibleMatch]:
    """What a person may be shown of ``found``: each record shared with them; for the rest, only that a
    record may exist, once per reason, whatever their number. Hidden records in ``cleared`` (their lead
    professional answered this person that the record is a different child) are left out."""
    matches, hidden_reasons = [], []
    for match in found:
        if match.visible:
            matches.append(PossibleMatch(child=match.child, visible=True, reason=match.reason))
        elif match.child.pk not in cleared and match.reason not in hidden_reasons:
            hidden_reasons.append(match.reason)
    return matches + [PossibleMatch(child=None, visible=False, reason=reason) for reason in hidden_reasons]


def child_possible_matches(
    *,
    user: User,
    nhs_number: str = "",
    given_name: str = "",
    family_name: str = "",
    preferred_name: str = "",
    date_of_birth: date | None = None,
) -> list[PossibleMatch]:
    """Records that may already be this child (R2), as ``user`` may be shown them (``child_matches_found``).

    Searched across every record, so one child does not get a record per agency. A record shared with
    ``user`` is shown; one that is not is reported only as "a record may exist", once per reason, with
    the route to ask for access: never the child, how many, or the organisation holding it (Caldicott: the
    minimum necessary; a duplicate record is the harm to avoid). A hidden record whose lead professional
    has told this person it is a different child is not reported again (``HIDDEN_MATCH_CLEARED``).
    """
    found = child_matches_found(
        user=user,
        nhs_number=nhs_number,
        given_name=given_name,
        family_name=family_name,
        preferred_name=preferred_name,
        date_of_birth=date_of_birth,
    )
    return possible_matches_shown(found, cleared=hidden_matches_cleared(user=user, found=found))


# Whether the professional responsible for a record not shared with a person told them it is a different
# child (an answered request for access, apps.teams): takes the person and the record; answers with the words
# of that answer, or nothing. Registered from AppConfig.ready() (apps/core/hooks.py).
HIDDEN_MATCH_CLEARED = Hook("a hidden match was said to be a different child")


def hidden_matches_cleared(*, user: User, found: list[FoundMatch]) -> set[int]:
    """The hidden records in ``found`` that this person has been told are a different child."""
    return {
        match.child.pk
        for match in found
        if not match.visible and HIDDEN_MATCH_CLEARED.first_answer(user=user, child=match.child)
    }
