"""Reads of the team around the child, the caseload and the manager's views; each is permission-scoped."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.accounts.models import OrganisationMembership, User
from apps.children.models import Child
from apps.consent.services.common import SAFEGUARDING_LEAD_ROLE
from apps.teams.models import AccessRequest, Action, LeadProfessionalAppointment, TeamMembership

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


def _in_last_year(today: date) -> Q:
    return Q(ended_on__isnull=True) | Q(ended_on__gte=today - timedelta(days=365))


def child_continuity(*, child: Child, today: date | None = None) -> Continuity:
    """How many different lead professionals and social workers the child has had in 12 months (R23)."""
    today = today or timezone.localdate()
    in_last_year = _in_last_year(today)
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


# --- Requests for access to a record (R2) -------------------------------------------------------------


def access_request_responders(*, child: Child) -> list[User]:
    """Who answers a request for access to ``child``'s record: its lead professional, the one accountable
    coordinator (R16). Where it has none, the safeguarding leads of the organisation that made the record
    (the organisation holding it, and the people who already answer for it: they review its safeguarding
    overrides). Where it has none of those either, the person who made the record, if still active."""
    lead = current_lead_appointment(child=child)
    lead_user = lead.membership.user if lead is not None else None
    if lead_user is not None and lead_user.is_active:
        return [lead_user]
    if child.created_by_organisation_id is not None:
        leads = list(
            User.objects.filter(
                is_active=True,
                kind=User.Kind.PROFESSIONAL,
                pk__in=OrganisationMembership.objects.current()
                .filter(organisation_id=child.created_by_organisation_id, role__code=SAFEGUARDING_LEAD_ROLE)
                .values("user"),
            ).order_by("pk")
        )
        if leads:
            return leads
    creator = child.created_by
    if creator is not None and creator.is_active and creator.is_professional:
        return [creator]
    return []


def access_requests_to_answer(*, user: User) -> list:
    """The requests for access waiting for ``user``'s answer, oldest first (``access_request_responders``)."""
    pending = (
        AccessRequest.objects.filter(status=AccessRequest.Status.PENDING)
        .select_related("child__created_by", "requested_by")
        .order_by("requested_at", "pk")
    )
    # Narrowed in the database to the records this person could answer for, then decided exactly.
    leads = LeadProfessionalAppointment.objects.filter(ended_on__isnull=True)
    without_lead = ~Exists(leads.filter(child=OuterRef("child")))
    organisations = OrganisationMembership.objects.current().filter(user=user).values("organisation")
    candidates = pending.filter(
        Q(child__in=leads.filter(membership__user=user).values("child"))
        | (without_lead & (Q(child__created_by_organisation__in=organisations) | Q(child__created_by=user)))
    )
    return [request for request in candidates if user in access_request_responders(child=request.child)]


@dataclass(frozen=True)
class AccessAsk:
    """One ask for access as its asker sees it: what they gave and when, and its outcome, never how many
    records it reached or whose they are (apart from those they have been given access to)."""

    ask_id: object
    requested_at: object
    reason: str
    searched: str
    status: str
    granted: list[Child]


def access_asks_of(*, user: User) -> list[AccessAsk]:
    """``user``'s own requests for access, newest first, one line per ask whatever the records it reached.

    Its outcome: access given (to the records listed, which they may now see) if any was given; waiting while
    any is unanswered; a different child if every record was said to be one; declined otherwise."""
    Status = AccessRequest.Status  # noqa: N806 - the model's choices, read like its constant
    asks: dict[object, list] = {}
    for request in (
        AccessRequest.objects.filter(requested_by=user)
        .select_related("child")
        .order_by("-requested_at", "pk")
    ):
        asks.setdefault(request.ask_id, []).append(request)
    result = []
    for ask_id, requests in asks.items():
        statuses = {request.status for request in requests}
        granted = [request.child for request in requests if request.status == Status.GRANTED]
        if granted:
            status = Status.GRANTED.label
        elif Status.PENDING in statuses:
            status = Status.PENDING.label
        elif statuses <= {Status.DIFFERENT_CHILD, Status.WITHDRAWN}:
            status = (
                Status.DIFFERENT_CHILD.label if Status.DIFFERENT_CHILD in statuses else Status.WITHDRAWN.label
            )
        else:
            status = Status.DECLINED.label
        first = requests[0]
        searched = ", ".join(
            part
            for part in (
                f"{first.given_name} {first.family_name}".strip(),
                f"born {first.date_of_birth:%-d %B %Y}" if first.date_of_birth else "",
                f"NHS number {first.nhs_number[:3]} {first.nhs_number[3:6]} {first.nhs_number[6:]}"
                if first.nhs_number
                else "",
            )
            if part
        )
        result.append(
            AccessAsk(
                ask_id=ask_id,
                requested_at=first.requested_at,
                reason=first.reason,
                searched=searched,
                status=status,
                granted=granted,
            )
        )
    return result


def continuity_alerts_by_lead(*, organisation_ids, today: date | None = None) -> QuerySet:
    """For the team manager (R23): how many children led from these organisations have had the alert
    threshold (``BEACON_CONTINUITY_ALERT_THRESHOLD``) of lead professionals or of social workers in 12 months,
    counted as ``child_continuity`` counts, per current lead professional. Counts only, in one query: the
    manager is told by their role, and the continuity notification names no child either."""
    today = today or timezone.localdate()
    threshold = settings.BEACON_CONTINUITY_ALERT_THRESHOLD
    leads_had = (
        LeadProfessionalAppointment.objects.filter(_in_last_year(today), child_id=OuterRef("child_id"))
        .order_by()
        .values("child_id")
        .annotate(count=Count("membership__user", distinct=True))
        .values("count")
    )
    social_workers_had = (
        TeamMembership.objects.filter(
            _in_last_year(today), child_id=OuterRef("child_id"), professional_role__code=SOCIAL_WORKER_ROLE
        )
        .order_by()
        .values("child_id")
        .annotate(count=Count("user", distinct=True))
        .values("count")
    )
    return (
        LeadProfessionalAppointment.objects.filter(
            ended_on__isnull=True, membership__organisation_id__in=organisation_ids
        )
        .annotate(
            leads_had=Coalesce(Subquery(leads_had[:1]), 0),
            social_workers_had=Coalesce(Subquery(social_workers_had[:1]), 0),
        )
        .filter(Q(leads_had__gte=threshold) | Q(social_workers_had__gte=threshold))
        .values("membership__user_id")
        .annotate(count=Count("child_id", distinct=True))
        .order_by("-count", "membership__user_id")
    )


def overdue_actions_by_owner(*, organisation_ids, today: date) -> QuerySet:
    """How many overdue actions (``Action.objects.overdue``) each worker of these organisations owns (R25),
    counted in the database, most first. Counts only: no child is named."""
    staff = (
        OrganisationMembership.objects.current()
        .filter(organisation_id__in=organisation_ids)
        .values("user_id")
    )
    return (
        Action.objects.overdue(today=today)
        .filter(owner_id__in=staff)
        .values("owner_id")
        .annotate(count=Count("pk"))
        .order_by("-count", "owner_id")
    )
