"""Who is alerted to act, for each kind of alert: one rule per kind, with fallbacks, never nobody (issue 14).

Every safety net that asks a person to act (a missed appointment escalated, an override to review, a
decline for an unstable placement to agree, an overdue follow-up) asks here who that person is, and nowhere
else decides it. Each kind has a chain of steps, tried in order; the first step that finds anyone active
answers:

- the organisation responsible for the task (the one that must act: see each caller) has a **safeguarding
  lead**, or a **team manager**, or (for a referral decision) a **senior reviewer** (clinical lead or team
  manager);
- failing those, any **safeguarding lead of the organisation holding the record** (``child.created_by_
  organisation``, the record holder);
- failing everyone, **Beacon's administrators**: in this codebase an administrator is an active professional
  account with ``is_staff`` set (the people who run Beacon and its ``/admin/`` site; the demo's ``admin``).
  No role at an organisation stands for "administrator", and the staff flag is already what grants the
  admin site, so it is the one notion used.

The answer (``Route``) says who was chosen and why (which step, at which organisation), so a caller can say
truthfully who was told. It is empty only where Beacon has no active administrator at all: a deployment
fault that the page saying who was told then names plainly, never hides.

``task_alert`` (``apps.notifications.services.tasks``) sends the alert and gives each person chosen the access
the task needs; ``task_done`` clears the alerts and ends that access when the task is done.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models

from apps.accounts.models import Organisation, OrganisationMembership, User
from apps.children.models import Child
from apps.consent.services import SAFEGUARDING_LEAD_ROLE

# The role codes the rule looks for (reference data in accounts.ProfessionalRole; the same codes as
# apps.teams.selectors.TEAM_MANAGER_ROLE and apps.referrals' senior reviewers, apps above this one).
TEAM_MANAGER_ROLE = "team-manager"
CLINICAL_LEAD_ROLE = "clinical-lead"


class AlertKind(models.TextChoices):
    ESCALATION = "escalation", "Safeguarding escalation of a missed appointment"
    OVERRIDE_REVIEW = "override_review", "Safeguarding override to review"
    DECLINE_REVIEW = "decline_review", "Decline for an unstable placement to review"
    FOLLOW_UP_OVERDUE = "follow_up_overdue", "Overdue missed-appointment follow-up"


class Step(models.TextChoices):
    SAFEGUARDING_LEAD = "safeguarding_lead", "safeguarding lead"
    TEAM_MANAGER = "team_manager", "team manager"
    SENIOR_REVIEWER = "senior_reviewer", "clinical lead or team manager"
    HOLDER_SAFEGUARDING_LEAD = (
        "holder_safeguarding_lead",
        "safeguarding lead of the organisation holding the record",
    )
    ADMINISTRATOR = "administrator", "Beacon administrator"
    NOBODY = "nobody", "nobody"


# The rule: for each kind, the steps in the order they are tried.
CHAINS: dict[str, tuple[Step, ...]] = {
    # A missed appointment of a child at risk, and an override's review, are safeguarding work first.
    AlertKind.ESCALATION: (
        Step.SAFEGUARDING_LEAD,
        Step.TEAM_MANAGER,
        Step.HOLDER_SAFEGUARDING_LEAD,
        Step.ADMINISTRATOR,
    ),
    AlertKind.OVERRIDE_REVIEW: (
        Step.SAFEGUARDING_LEAD,
        Step.TEAM_MANAGER,
        Step.HOLDER_SAFEGUARDING_LEAD,
        Step.ADMINISTRATOR,
    ),
    # A decline for an unstable placement is agreed by a senior clinician or manager of the service (R40).
    AlertKind.DECLINE_REVIEW: (
        Step.SENIOR_REVIEWER,
        Step.SAFEGUARDING_LEAD,
        Step.HOLDER_SAFEGUARDING_LEAD,
        Step.ADMINISTRATOR,
    ),
    # "An incomplete task escalates to the team manager" (R57).
    AlertKind.FOLLOW_UP_OVERDUE: (
        Step.TEAM_MANAGER,
        Step.SAFEGUARDING_LEAD,
        Step.HOLDER_SAFEGUARDING_LEAD,
        Step.ADMINISTRATOR,
    ),
}

_ROLES = {
    Step.SAFEGUARDING_LEAD: (SAFEGUARDING_LEAD_ROLE,),
    Step.TEAM_MANAGER: (TEAM_MANAGER_ROLE,),
    Step.SENIOR_REVIEWER: (CLINICAL_LEAD_ROLE, TEAM_MANAGER_ROLE),
    Step.HOLDER_SAFEGUARDING_LEAD: (SAFEGUARDING_LEAD_ROLE,),
}


@dataclass(frozen=True)
class Route:
    """Who an alert goes to, and why: the step of the kind's chain that found them, at which organisation."""

    kind: str
    people: tuple[User, ...]
    step: Step
    organisation: Organisation | None = None

    def __bool__(self) -> bool:
        return bool(self.people)

    @property
    def why(self) -> str:
        """The step in words: "the safeguarding lead at Northbrook CAMHS", "a Beacon administrator (no
        safeguarding lead or team manager was found)"."""
        if self.step == Step.NOBODY:
            return "nobody: Beacon has no active administrator to fall back on"
        where = f" at {self.organisation}" if self.organisation is not None else ""
        if self.step == Step.HOLDER_SAFEGUARDING_LEAD:
            return f"safeguarding lead{where}, which holds the record (no one nearer could be found)"
        if self.step == Step.ADMINISTRATOR:
            return "Beacon administrator (no one at the organisations concerned could be found)"
        return f"{self.step.label}{where}"

    @property
    def described(self) -> str:
        """Who was told, by name, and why: for the page or answer that says so."""
        if not self.people:
            return "Nobody could be alerted: Beacon has no active administrator to fall back on."
        names = ", ".join(str(person) for person in self.people)
        return f"{names} ({self.why})"


def _in_roles(*, organisation_id: int, roles: Iterable[str], exclude: set[int]) -> tuple[User, ...]:
    memberships = OrganisationMembership.objects.current().filter(
        organisation_id=organisation_id, role__code__in=list(roles)
    )
    return tuple(
        User.objects.filter(pk__in=memberships.values("user"), is_active=True, kind=User.Kind.PROFESSIONAL)
        .exclude(pk__in=exclude)
        .order_by("pk")
    )


def administrators(*, exclude: Iterable[int] = ()) -> tuple[User, ...]:
    """Beacon's administrators: active professionals with ``is_staff`` (see the module's docstring)."""
    return tuple(
        User.objects.filter(is_active=True, is_staff=True, kind=User.Kind.PROFESSIONAL)
        .exclude(pk__in=list(exclude))
        .order_by("pk")
    )


def alert_route(
    *,
    kind: str,
    organisation: Organisation | None,
    child: Child,
    exclude: Iterable[User | None] = (),
) -> Route:
    """Who must act on an alert of ``kind`` about ``child``, for which ``organisation`` is responsible.

    ``exclude`` are people who must not be chosen (the person who opened the override, who made the
    decision under review, who holds the overdue follow-up). The kind's chain (``CHAINS``) is tried in
    order and the first step that finds anyone answers; the administrators answer last, and if every
    administrator is excluded they are asked anyway (someone must know), so the route is empty only where
    Beacon has no active administrator at all.
    """
    excluded = {person.pk for person in exclude if person is not None}
    holder = child.created_by_organisation
    for step in CHAINS[AlertKind(kind)]:
        if step == Step.ADMINISTRATOR:
            people = administrators(exclude=excluded) or administrators()
            if people:
                return Route(kind=kind, people=people, step=step)
            continue
        at = holder if step == Step.HOLDER_SAFEGUARDING_LEAD else organisation
        if at is None:
            continue
        people = _in_roles(organisation_id=at.pk, roles=_ROLES[step], exclude=excluded)
        if people:
            return Route(kind=kind, people=people, step=step, organisation=at)
    return Route(kind=kind, people=(), step=Step.NOBODY)
