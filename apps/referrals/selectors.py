"""Reads of consultations, referrals and the waiting list. Each is permission-scoped and audited.

A referral is read through the child: ``Child.objects.restrict(user, "view_child_referrals")``, which
the referrer and the receiving service's staff hold by their referral grant (apps/sharing) and others
only by consent. Queues and lists are also narrowed to the organisations the person works for.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Substr, TruncDate
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Organisation, OrganisationMembership, User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record, audit_record_reads
from apps.children.categories import PERMISSION, Category
from apps.children.models import Child, SocialWorkInvolvement
from apps.directory.models import Service
from apps.referrals.models import (
    FAMILY_ROUTES,
    Consultation,
    DeclineAlternative,
    Referral,
    Route,
    WaitingContact,
    WaitingListEntry,
)
from apps.referrals.services import SENIOR_REVIEWER_ROLES, may_senior_review, works_at
from apps.sharing.selectors import access_child
from apps.teams.models import LeadProfessionalAppointment

VIEW_REFERRALS = PERMISSION[Category.REFERRALS]
QUEUE_STATUSES = (Referral.Status.RECEIVED, Referral.Status.TRIAGED, Referral.Status.DECLINE_PENDING_REVIEW)


def _uuid(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404("Not found") from None


def user_organisation_ids(*, user: User, roles=None) -> list[int]:
    memberships = OrganisationMembership.objects.current().filter(user=user)
    if roles is not None:
        memberships = memberships.filter(role__code__in=list(roles))
    return list(memberships.values_list("organisation_id", flat=True))


def _referral_queryset() -> QuerySet[Referral]:
    return _with_referral_relations(Referral.objects.all())


def _with_referral_relations(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """Everything a referral's page or its API shape reads about it, in two queries for any number."""
    return referrals.select_related(
        "child",
        "receiving_organisation",
        "made_by",
        "triaged_by",
        "decided_by",
        "senior_reviewer",
        "consultation",
    ).prefetch_related(
        Prefetch(
            "alternatives",
            queryset=DeclineAlternative.objects.select_related("organisation", "directory_service"),
        )
    )


def access_referral(user: User, public_id, referral_id) -> tuple[Child, Referral]:
    """The child and one of their referrals, for someone who may see the child's referrals.

    404 when the child is not shared or the referral is not theirs; ``Withheld`` (403) when the child is
    shared but not their referrals. The read is audited against the child.
    """
    child = access_child(user, public_id, perm=VIEW_REFERRALS)
    referral = _referral_queryset().filter(child=child, public_id=_uuid(referral_id)).first()
    if referral is None:
        raise Http404("No such referral")
    return child, referral


def referral_refetch(*, referral: Referral) -> Referral:
    """The referral as it is now, after a service changed it (already read and audited by the caller)."""
    return _referral_queryset().get(pk=referral.pk)


def child_referrals(*, child: Child) -> list[Referral]:
    """Every referral for the child, newest first: earlier declines show deterioration after them (R41)."""
    return list(_referral_queryset().filter(child=child))


def referral_history_for_triage(*, referral: Referral) -> list[Referral]:
    """The child's other referrals, for the triager (R41): earlier declines and closures are shown first."""
    return list(_referral_queryset().filter(child_id=referral.child_id).exclude(pk=referral.pk))


def _with_queue_columns(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    current_status = SocialWorkInvolvement.objects.filter(child=OuterRef("child_id"), ended_on__isnull=True)
    earlier_declines = (
        Referral.objects.filter(child=OuterRef("child_id"), status=Referral.Status.DECLINED)
        .exclude(pk=OuterRef("pk"))
        .order_by()
        .values("child")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return referrals.annotate(
        current_social_work_status=Subquery(current_status.values("status")[:1]),
        earlier_decline_count=Subquery(earlier_declines[:1]),
    )


# --- Waiting time: one definition (R128) --------------------------------------------------------------


@dataclass(frozen=True)
class WaitingTime:
    """How long since the referral was received, in whole days of the England calendar (R128: the wait
    is measured from the referral being received, not from triage or acceptance)."""

    days: int
    since: date

    def __str__(self) -> str:
        days = f"{self.days} day" if self.days == 1 else f"{self.days} days"
        return f"{days} since referral received on {self.since.day} {self.since:%b %Y}"


def waiting_time(*, received_at: datetime, today: date | None = None) -> WaitingTime:
    """The wait of a referral received at ``received_at``, counted to ``today`` (England's date)."""
    since = timezone.localdate(received_at)
    today = today or timezone.localdate()
    return WaitingTime(days=max((today - since).days, 0), since=since)


# --- The triage queue: filtered, sorted, paged ---------------------------------------------------------

# Age bands a triager filters by, in whole years on the day (R1: children and young people to 25).
AGE_BANDS = {
    "0-4": ("Under 5", 0, 4),
    "5-10": ("5 to 10", 5, 10),
    "11-15": ("11 to 15", 11, 15),
    "16-17": ("16 and 17", 16, 17),
    "18-25": ("18 to 25", 18, 25),
}


class TargetState:
    """Where a referral stands against its wait target (R38, R66): the queue's column and filter."""

    NONE = "none"
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    PASSED = "passed"
    CHOICES = (
        (PASSED, "Target passed"),
        (DUE_SOON, "Target due soon"),
        (ON_TRACK, "Within target"),
        (NONE, "No target yet (not triaged)"),
    )


QUEUE_SORTS = {
    # The risk order (R38): re-triage flags, then urgency (crisis first), then the longest wait.
    "priority": ("-needs_retriage", "-urgency_rank", "received_at", "pk"),
    "received": ("received_at", "pk"),
    "target": (F("target_at").asc(nulls_last=True), "received_at", "pk"),
    "concern": ("-concern_rank", "-urgency_rank", "received_at", "pk"),
}
CONCERN_RANK = {"low": 1, "medium": 2, "high": 3}
CONCERN_RANK_FIELD = "concern_rank"  # The annotation: the higher of the two concerns.


@dataclass(frozen=True)
class QueueFilters:
    """What the triage queue is narrowed to and ordered by; empty strings mean "any"."""

    concern: str = ""
    target: str = ""
    referrer_organisation: int | None = None
    age_band: str = ""
    sort: str = "priority"


def _warn_after(urgency: str) -> timedelta:
    """How long before its target a referral of this urgency is "due soon": the same point at which the
    service is warned (``BEACON_WAIT_ALERT_FRACTION`` of the target, apps/referrals/services/waiting.py)."""
    hours = settings.BEACON_WAIT_TARGET_HOURS[urgency]
    return timedelta(hours=hours) * (1 - settings.BEACON_WAIT_ALERT_FRACTION)


def target_state(*, referral: Referral, now: datetime | None = None) -> str:
    """Whether the referral's wait target has passed, is due soon, or is still some way off."""
    if referral.target_at is None:
        return TargetState.NONE
    now = now or timezone.now()
    if referral.target_at <= now:
        return TargetState.PASSED
    warn_at = referral.received_at + (referral.target_at - referral.received_at) * (
        settings.BEACON_WAIT_ALERT_FRACTION
    )
    return TargetState.DUE_SOON if now >= warn_at else TargetState.ON_TRACK


def _target_state_q(state: str, now: datetime) -> Q:
    if state == TargetState.NONE:
        return Q(target_at__isnull=True)
    if state == TargetState.PASSED:
        return Q(target_at__lte=now)
    due_soon = Q()
    for urgency in Referral.Urgency.values:
        due_soon |= Q(urgency=urgency, target_at__gt=now, target_at__lte=now + _warn_after(urgency))
    if state == TargetState.DUE_SOON:
        return due_soon
    return Q(target_at__gt=now) & ~due_soon


def _age_band_q(band: str, today: date) -> Q:
    _, youngest, oldest = AGE_BANDS[band]
    # Aged ``youngest`` today: born on or before this day ``youngest`` years ago; not yet ``oldest + 1``.
    born_by = _years_before(today, youngest)
    born_after = _years_before(today, oldest + 1)
    return Q(child__date_of_birth__lte=born_by, child__date_of_birth__gt=born_after)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none.
        return day.replace(year=day.year - years, day=28)


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _referrer_organisation() -> Coalesce:
    """The organisation the person who made the referral worked for on the day it was received, else the
    first they ever worked for (as the chronology names an entry's agency)."""
    memberships = OrganisationMembership.objects.filter(user=OuterRef("made_by_id")).order_by(
        "started_on", "pk"
    )
    received_on = TruncDate(
        ExpressionWrapper(OuterRef("received_at"), output_field=DateTimeField()),
        tzinfo=timezone.get_current_timezone(),
    )
    then = memberships.filter(started_on__lte=received_on).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=received_on)
    )
    return Coalesce(
        Subquery(then.values("organisation")[:1]),
        Subquery(memberships.values("organisation")[:1]),
        output_field=IntegerField(),
    )


# Long free text the queue does not show: left in the database, so a page is a few kilobytes.
_QUEUE_DEFERRED = (
    "presenting_needs",
    "what_has_been_tried",
    "young_person_views",
    "consent_note",
    "triage_note",
    "retriage_reason",
    "decline_explanation",
    "senior_review_note",
    "referrer_contact",
)
NEED_LINE_CHARACTERS = 120
# The annotation naming the organisation the referrer worked for when the referral was received.
REFERRER_ORGANISATION = "referrer_organisation_id"


def _triage_queue_base(*, user: User) -> QuerySet[Referral]:
    return (
        Referral.objects.filter(receiving_organisation_id__in=user_organisation_ids(user=user))
        .filter(Q(status__in=QUEUE_STATUSES) | Q(status=Referral.Status.ACCEPTED, needs_retriage=True))
        .filter(child__in=Child.objects.restrict(user, VIEW_REFERRALS))
        .annotate(**{REFERRER_ORGANISATION: _referrer_organisation()})
    )


def triage_queue(
    *, user: User, filters: QueueFilters | None = None, whole: bool = False
) -> QuerySet[Referral]:
    """The single point of access queue for the services ``user`` works at (R34, R38), as a query to page.

    Waiting for triage, triaged but not decided, waiting for a senior review, and accepted children
    flagged for re-triage because things got worse; narrowed by ``filters`` and in their order (risk
    first unless another is chosen). Each row carries the child's age, a one-line need, the referrer's
    organisation, the highest concern and its target; long free text is not fetched unless ``whole``
    (the API's full shape). Page it, then turn the page into rows with ``triage_queue_rows``, which
    audits the children shown.
    """
    filters = filters or QueueFilters()
    now = timezone.now()
    referrals: QuerySet[Referral] = _triage_queue_base(user=user).annotate(concern_rank=_concern_rank())
    if filters.concern in CONCERN_RANK:
        referrals = referrals.filter(**{CONCERN_RANK_FIELD: CONCERN_RANK[filters.concern]})
    if filters.target in dict(TargetState.CHOICES):
        referrals = referrals.filter(_target_state_q(filters.target, now))
    if filters.referrer_organisation is not None:
        referrals = referrals.filter(**{REFERRER_ORGANISATION: filters.referrer_organisation})
    if filters.age_band in AGE_BANDS:
        referrals = referrals.filter(_age_band_q(filters.age_band, timezone.localdate()))
    organisation_name = Organisation.objects.filter(pk=OuterRef("referrer_organisation_id")).values("name")
    if whole:  # Every field and relation, for the API's full referral shape.
        referrals = _with_referral_relations(referrals)
    else:
        referrals = referrals.select_related("child", "receiving_organisation", "made_by").defer(
            *_QUEUE_DEFERRED
        )
    referrals = _with_queue_columns(
        referrals.annotate(
            need_line=Substr("presenting_needs", 1, NEED_LINE_CHARACTERS + 1),
            referrer_organisation_name=Subquery(organisation_name[:1]),
        )
    )
    return referrals.order_by(*QUEUE_SORTS.get(filters.sort, QUEUE_SORTS["priority"]))


def _concern_rank() -> Greatest:
    """The higher of the professionals' and the family's concern (3 high, 2 medium, 1 low)."""

    def rank(field: str) -> Case:
        return Case(
            *[When(**{field: level}, then=Value(value)) for level, value in CONCERN_RANK.items()],
            default=Value(0),
            output_field=IntegerField(),
        )

    return Greatest(rank("professional_concern"), rank("family_concern"), output_field=IntegerField())


def triage_queue_count(*, user: User, filters: QueueFilters | None = None) -> int:
    """How many referrals ``triage_queue`` holds with these filters, without its display columns."""
    return triage_queue(user=user, filters=filters).order_by().count()


def triage_queue_referrer_organisations(*, user: User) -> QuerySet[Organisation]:
    """The organisations the queue's referrals came from, for the filter (one query when listed)."""
    referrer_ids = _triage_queue_base(user=user).order_by().values(REFERRER_ORGANISATION)
    return Organisation.objects.filter(pk__in=referrer_ids).order_by("name")


@dataclass(frozen=True)
class QueueRow:
    """One referral as the triage queue shows it, with what is worked out from the day."""

    referral: Referral
    now: datetime

    @property
    def age(self) -> int:
        return age_on(self.referral.child.date_of_birth, timezone.localdate(self.now))

    @property
    def need(self) -> str:
        """The first line of the presenting needs, cut at a word if it is long."""
        text = (getattr(self.referral, "need_line", "") or "").strip()
        first = text.splitlines()[0] if text else ""
        if len(first) > NEED_LINE_CHARACTERS:
            return first[:NEED_LINE_CHARACTERS].rsplit(" ", 1)[0].rstrip(",.;: ") + "…"
        if len(text) > len(first):  # More lines follow.
            return first.rstrip(",.;: ") + "…"
        return first

    @property
    def target_state(self) -> str:
        return target_state(referral=self.referral, now=self.now)

    @property
    def referrer(self) -> str:
        referral = self.referral
        return referral.referrer_name or str(referral.made_by)


def triage_queue_rows(*, user: User, referrals) -> list[QueueRow]:
    """The rows of one page of the queue, each child shown audited in one query."""
    now = timezone.now()
    rows = [QueueRow(referral=referral, now=now) for referral in referrals]
    work_list_audit(
        user=user, children=[row.referral.child for row in rows], basis="single point of access queue"
    )
    return rows


def senior_review_queue(*, user: User) -> QuerySet[Referral]:
    """Declines for an instability reason waiting for this senior reviewer's agreement (R40), oldest
    decision first, as a query to page; audit the rows shown with ``work_list_audit``."""
    organisation_ids = user_organisation_ids(user=user, roles=SENIOR_REVIEWER_ROLES)
    return _with_queue_columns(
        _referral_queryset()
        .filter(receiving_organisation_id__in=organisation_ids, status=Referral.Status.DECLINE_PENDING_REVIEW)
        .exclude(decided_by=user)
        .filter(child__in=Child.objects.restrict(user, VIEW_REFERRALS))
        .order_by("decided_at", "pk")
    )


def work_list_audit(*, user: User, children, basis: str) -> None:
    """Record that these children, the rows of one page of a work list, were shown to ``user``."""
    audit_record_reads(actor=user, action=AuditEvent.Action.LIST, children=list(children), basis=basis)


def can_decide(*, user: User, referral: Referral) -> bool:
    return works_at(user=user, organisation_id=referral.receiving_organisation_id)


def can_senior_review(*, user: User, referral: Referral) -> bool:
    return (
        referral.status == Referral.Status.DECLINE_PENDING_REVIEW
        and referral.decided_by_id != user.pk
        and may_senior_review(user=user, referral=referral)
    )


@dataclass(frozen=True)
class WaitingRow:
    entry: WaitingListEntry
    today: date

    @property
    def contact_overdue(self) -> bool:
        return self.entry.next_contact_due_on < self.today

    @property
    def contact_due(self) -> bool:
        return self.entry.next_contact_due_on <= self.today

    @property
    def waiting_time(self) -> WaitingTime:
        """From the referral being received (R128), like every other page; not from going on the list."""
        return waiting_time(received_at=self.entry.referral.received_at, today=self.today)


def waiting_list(*, user: User, only_due: bool = False) -> QuerySet[WaitingListEntry]:
    """The children waiting at the services ``user`` works at, next contact due first (R63-R65).

    A query to page: one query for a page however long the list, with the last contact and whether the
    trust-building contact has happened. Turn a page into rows with ``waiting_list_rows``, which audits
    each child shown.
    """
    last_contact = (
        WaitingContact.objects.filter(entry=OuterRef("pk"))
        .order_by()
        .values("entry")
        .annotate(last=Max("contacted_at"))
        .values("last")
    )
    last_risk = WaitingContact.objects.filter(entry=OuterRef("pk")).order_by("-contacted_at", "-pk")
    trust_built = WaitingContact.objects.filter(entry=OuterRef("pk"), kind=WaitingContact.Kind.TRUST_BUILDING)
    current_status = SocialWorkInvolvement.objects.filter(child=OuterRef("child_id"), ended_on__isnull=True)
    return (
        _waiting_entries(user=user, only_due=only_due)
        .select_related("child", "referral", "organisation")
        .annotate(
            last_contact_at=Subquery(last_contact[:1]),
            last_risk_check=Subquery(last_risk.values("risk_check")[:1]),
            trust_built=Exists(trust_built),
            current_social_work_status=Subquery(current_status.values("status")[:1]),
        )
        .order_by("next_contact_due_on", "-is_priority", "started_at", "pk")
    )


def _waiting_entries(*, user: User, only_due: bool) -> QuerySet[WaitingListEntry]:
    entries = WaitingListEntry.objects.filter(
        ended_at__isnull=True,
        organisation_id__in=user_organisation_ids(user=user),
        child__in=Child.objects.restrict(user, VIEW_REFERRALS),
    )
    if only_due:
        entries = entries.filter(next_contact_due_on__lte=timezone.localdate())
    return entries


def waiting_list_count(*, user: User, only_due: bool = False) -> int:
    return _waiting_entries(user=user, only_due=only_due).count()


def waiting_list_rows(*, user: User, entries) -> list[WaitingRow]:
    """One page of the waiting list as rows, each child shown audited in one query."""
    today = timezone.localdate()
    rows = [WaitingRow(entry=entry, today=today) for entry in entries]
    work_list_audit(user=user, children=[row.entry.child for row in rows], basis="waiting list")
    return rows


def access_waiting_entry(user: User, public_id, entry_id) -> tuple[Child, WaitingListEntry]:
    """A child's waiting-list entry, for someone who may see the child's referrals."""
    child = access_child(user, public_id, perm=VIEW_REFERRALS)
    entry = (
        WaitingListEntry.objects.select_related("referral", "organisation", "child")
        .filter(child=child, public_id=_uuid(entry_id))
        .first()
    )
    if entry is None:
        raise Http404("No such waiting-list entry")
    return child, entry


def waiting_contacts(*, entry: WaitingListEntry) -> list[WaitingContact]:
    return list(entry.contacts.select_related("recorded_by"))


# --- Consultations ------------------------------------------------------------------------------


def consultation_list(*, user: User) -> QuerySet[Consultation]:
    """Consultations ``user`` asked for, or that came to a service they work at, newest first."""
    return (
        Consultation.objects.filter(
            Q(requested_by=user) | Q(receiving_organisation_id__in=user_organisation_ids(user=user))
        )
        .select_related("child", "receiving_organisation", "requested_by", "advised_by")
        .annotate(has_referral=Exists(Referral.objects.filter(consultation=OuterRef("pk"))))
    )


def consultation_list_audit(*, user: User, consultations) -> None:
    audit_record_reads(
        actor=user,
        action=AuditEvent.Action.LIST,
        children=[c.child for c in consultations if c.child_id],
        basis="consultations",
    )


def access_consultation(user: User, consultation_id) -> Consultation:
    """A consultation for the person who asked or the receiving service's staff; 404 for anyone else.

    About a named child, the receiving service's staff must also be able to see the child's referrals
    (their grant does that); a read of a named child's consultation is audited.
    """
    consultation = (
        consultation_list(user=user).filter(public_id=_uuid(consultation_id)).select_related("child").first()
    )
    if consultation is None:
        raise Http404("No such consultation")
    if (
        consultation.child_id
        and consultation.requested_by_id != user.pk
        and not Child.objects.restrict(user, VIEW_REFERRALS).filter(pk=consultation.child_id).exists()
    ):
        raise Http404("No such consultation")
    if consultation.child_id:
        audit_record(actor=user, action=AuditEvent.Action.VIEW, target=consultation, child=consultation.child)
    return consultation


def consultation_referral(*, consultation: Consultation) -> Referral | None:
    return Referral.objects.filter(consultation=consultation).select_related("child").first()


def waiting_status_for_children(*, children) -> dict[int, WaitingListEntry]:
    """The open waiting-list entry of each child (for pages that list children)."""
    return {
        entry.child_id: entry
        for entry in WaitingListEntry.objects.filter(
            child__in=children, ended_at__isnull=True
        ).select_related("organisation")
    }


def caseload_waiting_annotations(*, user: User) -> dict:
    """Annotations for the caseload, each a correlated subquery so the caseload stays one query (R63).

    - ``can_see_referrals``: whether ``user`` may see the child's referrals (the page says "withheld"
      otherwise, since being on a waiting list says which service the child was referred to);
    - ``waiting_since``, ``waiting_service`` and ``waiting_next_contact_due``: the child's open
      waiting-list entry (the earliest, if there are several), and ``waiting_needs_retriage``.
    """
    entry = WaitingListEntry.objects.filter(child=OuterRef("pk"), ended_at__isnull=True).order_by(
        "started_at"
    )
    return {
        "can_see_referrals": Exists(Child.objects.restrict(user, VIEW_REFERRALS).filter(pk=OuterRef("pk"))),
        # When the wait began: the referral being received (R128), as every page counts it.
        "waiting_since": Subquery(entry.values("referral__received_at")[:1]),
        "waiting_service": Subquery(entry.values("organisation__name")[:1]),
        "waiting_next_contact_due": Subquery(entry.values("next_contact_due_on")[:1]),
        "waiting_needs_retriage": Subquery(entry.values("referral__needs_retriage")[:1]),
    }


def referrals_made_by(*, user: User) -> QuerySet[Referral]:
    """The referrals ``user`` made, newest first, with their status and the receiving service: the
    referrer's "My referrals" (R34, R39). Only those whose child's referrals the access decision still lets
    them see (``restrict``); the caller pages the list and audits the rows it shows."""
    return (
        Referral.objects.filter(made_by=user)
        .filter(child__in=Child.objects.restrict(user, VIEW_REFERRALS))
        .select_related("child", "receiving_organisation")
        .order_by("-received_at", "-pk")
    )


# Waiting-time bands for the manager's chart: the 18-week referral-to-treatment standard and steps to it.
WAITING_BANDS = (
    ("Under 4 weeks", 0, 28),
    ("4 to 12 weeks", 28, 84),
    ("12 to 18 weeks", 84, 126),
    ("Over 18 weeks", 126, None),
)


def waiting_times_by_service(*, organisation_ids, today: date | None = None) -> list[dict]:
    """How long the children are waiting (R63, R65), in ``WAITING_BANDS``, per service, counted in one query.

    Waiting time is the one definition (``waiting_time``, R128): whole days since the referral was
    received, not since the child joined the list. The entries are those on these organisations' own
    waiting lists, and those of children whose current lead professional works for them, wherever they
    wait. Counts only.
    """
    today = today or timezone.localdate()

    def started_before(days: int):
        return timezone.make_aware(datetime.combine(today - timedelta(days=days - 1), time.min))

    led_from_here = LeadProfessionalAppointment.objects.filter(
        child_id=OuterRef("child_id"), ended_on__isnull=True, membership__organisation_id__in=organisation_ids
    )
    bands = {}
    for index, (_label, low, high) in enumerate(WAITING_BANDS):
        condition = Q()
        if low:
            condition &= Q(referral__received_at__lt=started_before(low))
        if high is not None:
            condition &= Q(referral__received_at__gte=started_before(high))
        bands[f"band_{index}"] = Count("pk", filter=condition)
    rows = (
        WaitingListEntry.objects.filter(ended_at__isnull=True)
        .filter(Q(organisation_id__in=organisation_ids) | Exists(led_from_here))
        .values("organisation__name")
        .annotate(total=Count("pk"), earliest=Min("referral__received_at"), **bands)
        .order_by("organisation__name")
    )
    return [
        {
            "service": row["organisation__name"],
            "total": row["total"],
            "longest_days": (today - timezone.localdate(row["earliest"])).days,
            # The band counts are annotations named at run time, so read the row as a plain mapping.
            "bands": [dict(row)[f"band_{index}"] for index in range(len(WAITING_BANDS))],
        }
        for row in rows
    ]


# --- The decision letter -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LetterAlternative:
    """One thing arranged instead of the service (R39), as the family reads it."""

    name: str
    detail: str
    what_to_expect_url: str  # a full address, so it can be typed from paper; blank without a directory entry


@dataclass(frozen=True)
class DecisionLetter:
    """What the letter to the young person and family says beside the decision itself (issue 14)."""

    written_on: date | None  # the day of the decision; None while nothing is decided
    referrer_name: str
    referrer_organisation: str  # blank for a young person or family member who asked for help themselves
    asked_themselves: bool  # the young person asked for help themselves (R35)
    decider_name: str  # blank while nothing is decided
    decider_role: str
    phone: str  # blank when neither the decider's membership nor the directory has one
    email: str
    alternatives: list[LetterAlternative]


def _referrer_organisation_of(referral: Referral) -> Organisation | None:
    """The organisation the referrer worked for when the referral was received: the queue's definition."""
    then = Referral.objects.filter(pk=referral.pk).annotate(at=_referrer_organisation()).values("at")
    return Organisation.objects.filter(pk=Subquery(then[:1])).first()


def decision_letter(*, referral: Referral) -> DecisionLetter:
    """Who asked, who decided and how to reach them, and what was arranged, for the letter's page.

    The contact is the deciding professional at the receiving service, with the phone number of their
    membership there, else the number of the service's entry in the directory (R49); a referral still
    undecided, or a decline waiting for senior review, names only the service.
    """
    child = referral.child
    if referral.referrer_name:
        referrer, organisation = referral.referrer_name, None
    elif referral.route == Route.YOUNG_PERSON:
        referrer, organisation = child.known_as, None
    else:
        referrer, organisation = str(referral.made_by), _referrer_organisation_of(referral)
    if referral.route in FAMILY_ROUTES:
        organisation = None
    decider_id = referral.decided_by_id
    decided = (
        referral.status in (Referral.Status.ACCEPTED, Referral.Status.DECLINED) and decider_id is not None
    )
    membership = None
    if decided and decider_id is not None:
        membership = (
            OrganisationMembership.objects.filter(
                user_id=decider_id, organisation_id=referral.receiving_organisation_id
            )
            .select_related("role")
            .order_by(F("ended_on").desc(nulls_first=True), "pk")
            .first()
        )
    entry = (
        Service.objects.filter(organisation_id=referral.receiving_organisation_id, is_active=True)
        .exclude(phone="", email="")
        .order_by(Case(When(phone="", then=Value(1)), default=Value(0)), "name")
        .first()
    )
    phone = (membership.phone if membership else "") or (entry.phone if entry else "")
    alternatives = []
    if referral.status == Referral.Status.DECLINED:
        for alternative in referral.alternatives.all():
            service = alternative.directory_service
            named = alternative.service_name or (
                alternative.organisation.name if alternative.organisation else ""
            )
            alternatives.append(
                LetterAlternative(
                    name=service.name if service else named,
                    detail=alternative.detail,
                    what_to_expect_url=(
                        settings.BEACON_SITE_URL
                        + reverse("directory:what-to-expect", kwargs={"service_id": service.public_id})
                        if service
                        else ""
                    ),
                )
            )
    return DecisionLetter(
        written_on=timezone.localdate(referral.decided_at) if decided and referral.decided_at else None,
        referrer_name=referrer,
        referrer_organisation=organisation.name if organisation else "",
        asked_themselves=referral.route == Route.YOUNG_PERSON and not referral.referrer_name,
        decider_name=str(referral.decided_by) if decided and referral.decided_by else "",
        decider_role=(membership.job_title or membership.role.name) if membership else "",
        phone=phone,
        email=entry.email if entry else "",
        alternatives=alternatives,
    )
