"""Reads of the team around the child, the caseload and the manager's views; each is permission-scoped."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from apps.accounts.models import OrganisationMembership, User
from apps.children.models import Child
from apps.teams.models import LeadProfessionalAppointment, TeamMembership

SOCIAL_WORKER_ROLE = "social-worker"
TEAM_MANAGER_ROLE = "team-manager"


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


def user_is_team_manager(*, user: User) -> bool:
    """Whether ``user`` currently holds the team manager role in any organisation (the manager's view)."""
    return OrganisationMembership.objects.current().filter(user=user, role__code=TEAM_MANAGER_ROLE).exists()


def lead_professional_deactivation_refusal(user: User) -> str | None:
    """Why ``user`` cannot be deactivated yet, or None: a lead professional hands over first (R24).

    Registered with ``apps.accounts.services.DEACTIVATION_REFUSAL`` by TeamsConfig.ready().
    """
    leading = lead_professional_children(user=user).count()
    if not leading:
        return None
    children = "child" if leading == 1 else "children"
    return (
        f"{user} is the lead professional for {leading} {children}. Hand each one over to a successor first."
    )
