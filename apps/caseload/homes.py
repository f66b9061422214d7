"""Each role's start page, a work queue first (issue 14): which homes a professional has, and the reads
behind the homes of the IRO, the designated teacher and the team manager.

The homes live here, beside "Your caseload", because they read consent, teams, referrals and appointments
together, as the caseload does, and this app sits just beneath the portal (whose start page sends a
professional to their home). The queues of overrides, escalations, declines and referrals are the selectors
of the apps that own those records; this module only pages and assembles them.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from apps.accounts.models import OrganisationMembership, User
from apps.appointments.selectors import overdue_follow_ups_by_worker
from apps.children.models import Child, SocialWorkInvolvement
from apps.consent.services.common import SAFEGUARDING_LEAD_ROLE
from apps.referrals.selectors import WAITING_BANDS, waiting_times_by_service
from apps.sharing.models import AccessGrant
from apps.sharing.selectors import open_task_ids
from apps.teams.models import Action, LeadProfessionalAppointment, Meeting, TeamMembership
from apps.teams.selectors import (
    TEAM_MANAGER_ROLE,
    continuity_alerts_by_lead,
    lead_professional_caseload_sizes,
    overdue_actions_by_owner,
)


@dataclass(frozen=True)
class Home:
    slug: str
    label: str
    url_name: str


# A role's home, in the order a person with several roles is offered them.
ROLE_HOMES = {
    "safeguarding-lead": Home("safeguarding", "Safeguarding", "caseload:home-safeguarding"),
    "clinical-lead": Home("declines", "Decisions to agree", "caseload:home-declines"),
    "team-manager": Home("team", "Your team", "caseload:home-team"),
    "iro": Home("looked-after", "Looked-after children", "caseload:home-looked-after"),
    "designated-teacher": Home("pupils", "Your pupils", "caseload:home-pupils"),
}
# Every professional has these: the lead professional's caseload and the referrals they made.
CASELOAD_HOME = Home("caseload", "Your caseload", "caseload:caseload")
REFERRALS_HOME = Home("referrals", "My referrals", "caseload:home-referrals")
HOMES_BY_SLUG = {home.slug: home for home in [*ROLE_HOMES.values(), CASELOAD_HOME, REFERRALS_HOME]}


def user_role_codes(*, user: User) -> set[str]:
    """The roles ``user`` holds today, in any organisation."""
    return set(
        OrganisationMembership.objects.current().filter(user=user).values_list("role__code", flat=True)
    )


def routed_safeguarding_work(*, user: User) -> tuple[list[int], list[int]]:
    """The overrides to review and the escalated follow-ups the routing rule gave ``user`` although they are
    no safeguarding lead (a team manager, an administrator: ``apps.notifications.routing``), still open."""
    return (
        open_task_ids(user=user, kind="override-review"),
        open_task_ids(user=user, kind="follow-up"),
    )


def home_roles(*, user: User) -> set[str]:
    """The roles whose homes ``user`` has: the roles they hold, and the safeguarding lead's home for as long
    as the routing rule has given them safeguarding work of its kind (so the alert's work has a home)."""
    roles = user_role_codes(user=user)
    if SAFEGUARDING_LEAD_ROLE not in roles and any(routed_safeguarding_work(user=user)):
        roles.add(SAFEGUARDING_LEAD_ROLE)
    return roles


def homes_for(*, roles: set[str]) -> tuple[list[Home], list[Home]]:
    """The role homes of someone holding ``roles``, and every home they have (role homes, then the
    caseload and their referrals), in the order they are offered."""
    role_homes = [home for code, home in ROLE_HOMES.items() if code in roles]
    return role_homes, [*role_homes, CASELOAD_HOME, REFERRALS_HOME]


def organisations_in_role(*, user: User, role: str) -> list[int]:
    return list(
        OrganisationMembership.objects.current()
        .filter(user=user, role__code=role)
        .values_list("organisation_id", flat=True)
    )


# --- The IRO and the designated teacher ----------------------------------------------------------


def _next_steps(children: QuerySet[Child], *, today: date) -> QuerySet[Child]:
    """What is next for each child, as far as Beacon records it today: the lead professional, the next
    meeting and overdue actions. The page shows each only where the access decision lets the viewer see it."""
    lead = LeadProfessionalAppointment.objects.filter(child=OuterRef("pk"), ended_on__isnull=True)
    next_meeting = (
        Meeting.objects.filter(child=OuterRef("pk"), held_at__gte=timezone.now())
        .order_by()
        .values("child")
        .annotate(first=Min("held_at"))
        .values("first")
    )
    overdue = (
        Action.objects.overdue(today=today)
        .filter(child=OuterRef("pk"))
        .order_by()
        .values("child")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return children.annotate(
        lead_professional_name=Subquery(lead.values("membership__user__display_name")[:1]),
        next_meeting_at=Subquery(next_meeting[:1]),
        overdue_action_count=Subquery(overdue[:1]),
    )


def looked_after_children_of(*, user: User) -> QuerySet[Child]:
    """The IRO's looked-after children (Children Act 1989 s.25B): children with a current social-work
    involvement of looked-after status whom the IRO is responsible for, that is a member of the team around
    the child, or given the record directly by an administrator (how an IRO is linked to a child today).
    Only children the access decision lets ``user`` see (``restrict``)."""
    looked_after = SocialWorkInvolvement.objects.filter(
        child=OuterRef("pk"), ended_on__isnull=True, status=SocialWorkInvolvement.Status.LOOKED_AFTER
    )
    on_team = TeamMembership.objects.current().filter(child=OuterRef("pk"), user=user)
    granted = AccessGrant.objects.filter(
        child=OuterRef("pk"), user=user, basis=AccessGrant.Basis.ADMINISTRATOR, revoked_at__isnull=True
    )
    children = (
        Child.objects.restrict(user, "view_child")
        .filter(Exists(looked_after))
        .filter(Exists(on_team) | Exists(granted))
    )
    return _next_steps(children, today=timezone.localdate()).order_by("family_name", "given_name", "pk")


def pupils_of(*, user: User) -> QuerySet[Child]:
    """The designated teacher's pupils: children whose team around them includes the teacher, or their
    school (an organisation they work for as designated teacher). Only children the access decision lets
    ``user`` see (``restrict``)."""
    schools = OrganisationMembership.objects.current().filter(user=user, role__code="designated-teacher")
    in_team = TeamMembership.objects.current().filter(
        Q(user=user) | Q(organisation_id__in=schools.values("organisation_id")), child=OuterRef("pk")
    )
    children = Child.objects.restrict(user, "view_child").filter(Exists(in_team))
    return _next_steps(children, today=timezone.localdate()).order_by("family_name", "given_name", "pk")


# --- The team manager -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkerRow:
    name: str
    caseload: int
    overdue_follow_ups: int
    overdue_actions: int
    continuity_alerts: int


@dataclass(frozen=True)
class TeamFigures:
    workers: list[WorkerRow]
    waiting: list[dict]
    waiting_bands: list[str]

    def chart(self, title: str, attribute: str) -> "BarChart":
        return bar_chart(title, [(row.name, getattr(row, attribute)) for row in self.workers])

    @property
    def charts(self) -> list["BarChart"]:
        return [
            self.chart("Overdue follow-ups of missed appointments", "overdue_follow_ups"),
            self.chart("Overdue actions", "overdue_actions"),
            self.chart("Children they lead for", "caseload"),
            self.chart("Children with a continuity alert (R23)", "continuity_alerts"),
        ]

    @property
    def waiting_chart(self) -> "BarChart":
        totals = [0] * len(self.waiting_bands)
        for row in self.waiting:
            totals = [total + count for total, count in zip(totals, row["bands"], strict=True)]
        return bar_chart(
            "Children waiting, by time waited", list(zip(self.waiting_bands, totals, strict=True))
        )


def team_figures(*, user: User, today: date | None = None) -> TeamFigures:
    """The team manager's figures for the organisations they manage (R23, R25, R57, R63, R158): per worker,
    caseload size, overdue follow-ups and actions, and children with a continuity alert; and waiting times per
    service. Counts only, each aggregated in the database: a fixed number of queries whatever the size."""
    today = today or timezone.localdate()
    organisations = organisations_in_role(user=user, role=TEAM_MANAGER_ROLE)
    staff = set(
        OrganisationMembership.objects.current()
        .filter(organisation_id__in=organisations, user__is_active=True, user__kind=User.Kind.PROFESSIONAL)
        .values_list("user_id", flat=True)
    )
    follow_ups = {
        row["assigned_to_id"]: row["count"]
        for row in overdue_follow_ups_by_worker(organisation_ids=organisations, today=today)
    }
    actions = {
        row["owner_id"]: row["count"]
        for row in overdue_actions_by_owner(organisation_ids=organisations, today=today)
    }
    continuity = {
        row["membership__user_id"]: row["count"]
        for row in continuity_alerts_by_lead(organisation_ids=organisations, today=today)
    }
    workers = [
        WorkerRow(
            name=str(person),
            caseload=getattr(person, "lead_for", 0),  # annotated by lead_professional_caseload_sizes
            overdue_follow_ups=follow_ups.get(person.pk, 0),
            overdue_actions=actions.get(person.pk, 0),
            continuity_alerts=continuity.get(person.pk, 0),
        )
        for person in lead_professional_caseload_sizes(user=user)
        if person.pk in staff
    ]
    return TeamFigures(
        workers=workers,
        waiting=waiting_times_by_service(organisation_ids=organisations, today=today),
        waiting_bands=[label for label, _low, _high in WAITING_BANDS],
    )


# --- Charts ------------------------------------------------------------------------------------------

CHART_BAR_WIDTH = 300  # The longest bar, in SVG user units; the others in proportion.


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    width: int
    y: int


@dataclass(frozen=True)
class BarChart:
    """A horizontal bar chart drawn on the server as SVG (no script, no inline style: the CSP allows
    neither), always shown beside its data table, which is what a screen reader reads."""

    title: str
    bars: list[Bar]

    @property
    def height(self) -> int:
        return max(len(self.bars), 1) * 28


def bar_chart(title: str, values: list[tuple[str, int]]) -> BarChart:
    largest = max((value for _label, value in values), default=0) or 1
    return BarChart(
        title=title,
        bars=[
            Bar(label=label, value=value, width=round(CHART_BAR_WIDTH * value / largest), y=index * 28)
            for index, (label, value) in enumerate(values)
        ],
    )
