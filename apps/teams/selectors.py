"""Reads of the team around the child, the caseload and the manager's views; each is permission-scoped."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, F, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.accounts.models import OrganisationMembership, User
from apps.children.models import Child, SocialWorkInvolvement, VulnerabilityFlag
from apps.consent.categories import Category
from apps.teams.models import Action, LeadProfessionalAppointment, Meeting, TeamMembership

SOCIAL_WORKER_ROLE = "social-worker"
TEAM_MANAGER_ROLE = "team-manager"
# "Upcoming transition date": until transitions are planned one by one, an 18th birthday within this window.
TRANSITION_WINDOW_DAYS = 2 * 365


def current_lead_appointment(
    *, child: Child, membership: TeamMembership | None = None
) -> LeadProfessionalAppointment | None:
    """The child's one active lead professional appointment, if any (optionally: held by ``membership``)."""
    appointments = LeadProfessionalAppointment.objects.filter(child=child, ended_on__isnull=True)
    if membership is not None:
        appointments = appointments.filter(membership=membership)
    return appointments.select_related("membership__user", "membership__organisation").first()


def team_roster(*, child: Child) -> QuerySet[TeamMembership]:
    """Everyone in the team around the child, current members first, with where they come from.

    Callers have already checked the viewer may see the team (``view_child_team``).
    """
    return (
        TeamMembership.objects.filter(child=child)
        .select_related("user", "organisation", "professional_role")
        .prefetch_related(
            Prefetch(
                "lead_appointments",
                queryset=LeadProfessionalAppointment.objects.order_by("-started_on"),
            )
        )
        .order_by(F("ended_on").asc(nulls_first=True), "-is_trusted_worker", "started_on", "pk")
    )


def lead_professional_history(*, child: Child) -> QuerySet[LeadProfessionalAppointment]:
    return LeadProfessionalAppointment.objects.filter(child=child).select_related(
        "membership__user", "membership__organisation", "appointed_by"
    )


def lead_professional_offer_first(*, child: Child) -> list[TeamMembership]:
    """Current members who already coordinate this child's care elsewhere: offered first as lead (R17).

    Social workers and youth justice workers already hold a statutory lead role; appointing them avoids
    a second coordinator beside them.
    """
    return list(
        TeamMembership.objects.current()
        .filter(child=child, kind=TeamMembership.Kind.PROFESSIONAL)
        .filter(professional_role__code__in=[SOCIAL_WORKER_ROLE, "yot-worker"])
        .select_related("user", "professional_role", "organisation")
    )


@dataclass(frozen=True)
class Continuity:
    lead_professionals: int
    social_workers: int


def child_continuity(*, child: Child, today: date | None = None) -> Continuity:
    """How many different lead professionals and social workers the child has had in 12 months (R23)."""
    today = today or timezone.localdate()
    year_ago = today - timedelta(days=365)
    in_last_year = Q(ended_on__isnull=True) | Q(ended_on__gte=year_ago)
    lead_professionals = (
        LeadProfessionalAppointment.objects.filter(in_last_year, child=child)
        .values("membership__user")
        .distinct()
        .count()
    )
    social_workers = (
        TeamMembership.objects.filter(in_last_year, child=child, professional_role__code=SOCIAL_WORKER_ROLE)
        .values("user")
        .distinct()
        .count()
    )
    return Continuity(lead_professionals=lead_professionals, social_workers=social_workers)


def team_managers_for(*, child: Child) -> list[User]:
    """The team managers where the child's lead professional works: they get continuity alerts."""
    lead = current_lead_appointment(child=child)
    if lead is None or lead.membership.organisation_id is None:
        return []
    return [
        membership.user
        for membership in OrganisationMembership.objects.current()
        .filter(
            organisation_id=lead.membership.organisation_id,
            role__code=TEAM_MANAGER_ROLE,
            user__is_active=True,
        )
        .select_related("user")
    ]


def lead_professional_children(*, user: User) -> QuerySet[Child]:
    """Every child ``user`` is the active lead professional for (used to refuse deactivation)."""
    return Child.objects.filter(
        lead_appointments__ended_on__isnull=True, lead_appointments__membership__user=user
    )


@dataclass(frozen=True)
class CaseloadRow:
    child: Child
    turns_18_on: date | None

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
    """The lead professional's caseload with what needs their attention (R18), in one query.

    ``only`` narrows it: "overdue" (overdue actions), "flags" (three or more current vulnerabilities),
    "meeting" (a meeting planned), "waiting" (on a waiting list, where ``user`` may see referrals).
    Columns later issues fill (consent gaps) are shown as "none yet" by the page.
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
    from apps.appointments.selectors import caseload_attendance_annotations

    children = children.annotate(**caseload_attendance_annotations(user=user, today=today, now=now))
    # Waiting status (R63): on a waiting list, since when, the next contact due; within consent.
    from apps.referrals.selectors import caseload_waiting_annotations

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
    children = children.order_by(*CASELOAD_SORTS.get(sort, CASELOAD_SORTS["name"]))
    rows = []
    for child in children:
        child.current_flag_count = child.current_flag_count or 0
        child.overdue_action_count = child.overdue_action_count or 0
        child.open_follow_up_count = child.open_follow_up_count or 0
        child.overdue_follow_up_count = child.overdue_follow_up_count or 0
        rows.append(
            CaseloadRow(child=child, turns_18_on=_eighteenth_birthday_if_soon(child.date_of_birth, today))
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


def children_without_lead_professional(*, user: User) -> QuerySet[Child]:
    """Children the manager can see who have more than one service involved but no lead professional (R16)."""
    has_lead = LeadProfessionalAppointment.objects.filter(child=OuterRef("pk"), ended_on__isnull=True)
    organisations_involved = (
        TeamMembership.objects.current()
        .filter(child=OuterRef("pk"), kind=TeamMembership.Kind.PROFESSIONAL)
        .values("child")
        .annotate(count=Count("organisation", distinct=True))
        .values("count")
    )
    return (
        Child.objects.restrict(user, "view_child")
        .annotate(services_involved=Subquery(organisations_involved[:1]))
        .filter(~Exists(has_lead), services_involved__gte=2)
        .order_by("family_name", "given_name", "pk")
    )


def lead_professional_caseload_sizes(*, user: User) -> QuerySet[User]:
    """Each lead professional in the manager's organisations, with how many children they lead for (R158).

    Counts only: the manager sees the size of a caseload, not which children are on it.
    """
    organisations = OrganisationMembership.objects.current().filter(user=user).values("organisation")
    colleagues = (
        OrganisationMembership.objects.current().filter(organisation__in=organisations).values("user")
    )
    return (
        User.objects.filter(pk__in=colleagues, is_active=True, kind=User.Kind.PROFESSIONAL)
        .annotate(
            lead_for=Count(
                "team_memberships__lead_appointments",
                filter=Q(team_memberships__lead_appointments__ended_on__isnull=True),
                distinct=True,
            )
        )
        .order_by("-lead_for", "display_name", "username")
    )
