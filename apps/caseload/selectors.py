"""The lead professional's caseload: a read model across the team, appointments and referrals (R18).

It sits in its own app above teams, appointments and referrals because it reads all three; each of those
apps offers the annotations it owns (``caseload_attendance_annotations``, ``caseload_waiting_annotations``)
and none of them imports another to build this list (the import contract in pyproject.toml). The consent
gaps, which read consent and the team together, are this app's own (``apps.caseload.consent_gaps``).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Exists, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.accounts.models import User
from apps.appointments.selectors import caseload_attendance_annotations
from apps.caseload.consent_gaps import ConsentGap, consent_gaps_for, with_consent_gaps
from apps.children.categories import Category
from apps.children.models import Child, SocialWorkInvolvement, VulnerabilityFlag
from apps.referrals.selectors import caseload_waiting_annotations
from apps.sharing.access import children_access
from apps.teams.models import Action, LeadProfessionalAppointment, Meeting

# "Upcoming transition date": until transitions are planned one by one, an 18th birthday within this window.
TRANSITION_WINDOW_DAYS = 2 * 365


@dataclass(frozen=True)
class CaseloadRow:
    child: Child
    turns_18_on: date | None
    # The gaps in the child's consent the lead professional should look at (``apps.caseload.consent_gaps``).
    consent_gaps: list[ConsentGap] = field(default_factory=list)

    @property
    def needs_attention(self) -> bool:
        return bool(
            self.child.overdue_action_count
            or self.child.current_flag_count >= 3
            or self.child.overdue_follow_up_count
            or (self.child.can_see_appointments and (self.child.missed_in_a_row or 0) >= 2)
        )


CASELOAD_SORTS = {
    "name": ("family_name", "given_name", "pk"),
    "overdue": ("-overdue_action_count", "family_name", "pk"),
    "meeting": ("next_meeting_at", "family_name", "pk"),
    "flags": ("-current_flag_count", "family_name", "pk"),
    "age": ("-date_of_birth", "pk"),
}


def caseload(*, user: User, sort: str = "name", only: str = "") -> list[CaseloadRow]:
    """The lead professional's caseload with what needs their attention (R18): the list in one query, and
    the consent gaps of every child on it in a fixed number more (``consent_gaps_for``), whatever its length.

    ``only`` narrows it: "overdue" (overdue actions), "flags" (three or more current vulnerabilities),
    "meeting" (a meeting planned), "waiting" (on a waiting list, where ``user`` may see referrals),
    "missed" (missed appointments or follow-ups to do), "consent_gaps" (a gap in consent to look at).
    """
    today = timezone.localdate()
    now = timezone.now()
    current_status = SocialWorkInvolvement.objects.filter(child=OuterRef("pk"), ended_on__isnull=True)
    overdue = (
        Action.objects.overdue(today=today)
        .filter(child=OuterRef("pk"))
        .values("child")
        .annotate(count=Count("pk"))
        .values("count")
    )
    next_meeting = (
        Meeting.objects.filter(child=OuterRef("pk"), held_at__gte=now)
        .values("child")
        .annotate(first=Min("held_at"))
        .values("first")
    )
    flag_count = (
        # Core-record flags only: counting a sensitive one would reveal it (R80).
        VulnerabilityFlag.objects.filter(
            child=OuterRef("pk"), ended_on__isnull=True, type__category=Category.CORE
        )
        .order_by()
        .values("child")
        .annotate(count=Count("pk"))
        .values("count")
    )
    is_lead = LeadProfessionalAppointment.objects.filter(
        child=OuterRef("pk"), ended_on__isnull=True, membership__user=user
    )
    children = (
        Child.objects.restrict(user, "view_child")
        .filter(Exists(is_lead))
        .annotate(
            current_social_work_status=Subquery(current_status.values("status")[:1]),
            current_flag_count=Coalesce(Subquery(flag_count[:1]), 0),
            overdue_action_count=Subquery(overdue[:1]),
            next_meeting_at=Subquery(next_meeting[:1]),
        )
    )
    # Missed appointments and follow-ups (R59: the DNA history on the lead professional's dashboard).
    children = children.annotate(**caseload_attendance_annotations(user=user, today=today, now=now))
    # Waiting status (R63): on a waiting list, since when, the next contact due; within consent.
    children = children.annotate(**caseload_waiting_annotations(user=user))
    if only == "overdue":
        children = children.filter(overdue_action_count__gt=0)
    elif only == "flags":
        children = children.filter(current_flag_count__gte=3)
    elif only == "meeting":
        children = children.filter(next_meeting_at__isnull=False)
    elif only == "waiting":
        children = children.filter(waiting_since__isnull=False, can_see_referrals=True)
    elif only == "missed":
        children = children.filter(
            Q(missed_in_a_row__gt=0, can_see_appointments=True) | Q(open_follow_up_count__gt=0)
        )
    elif only == "consent_gaps":
        children = children.filter(with_consent_gaps(user=user, today=today, now=now))
    listed = list(children.order_by(*CASELOAD_SORTS.get(sort, CASELOAD_SORTS["name"])))
    gaps = consent_gaps_for(
        children=listed, accesses=children_access(user=user, children=listed), today=today, now=now
    )
    rows = []
    for child in listed:
        child.current_flag_count = child.current_flag_count or 0
        child.overdue_action_count = child.overdue_action_count or 0
        child.open_follow_up_count = child.open_follow_up_count or 0
        child.overdue_follow_up_count = child.overdue_follow_up_count or 0
        rows.append(
            CaseloadRow(
                child=child,
                turns_18_on=_eighteenth_birthday_if_soon(child.date_of_birth, today),
                consent_gaps=gaps.get(child.pk, []),
            )
        )
    return rows


def _eighteenth_birthday_if_soon(date_of_birth: date, today: date) -> date | None:
    try:
        birthday = date_of_birth.replace(year=date_of_birth.year + 18)
    except ValueError:  # Born on 29 February.
        birthday = date_of_birth.replace(year=date_of_birth.year + 18, day=28)
    if today <= birthday <= today + timedelta(days=TRANSITION_WINDOW_DAYS):
        return birthday
    return None
