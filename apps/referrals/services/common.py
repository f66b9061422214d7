"""What the referral services share: who works at the receiving service, access, times, and telling people.

The services are split by the journey: ``consultations``, then a referral's ``making``, ``triage``,
``decisions`` and wait ``clocks``, and ``waiting`` (waiting well). Import them from
``apps.referrals.services``.
"""

from collections.abc import Iterable
from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Organisation, OrganisationMembership, User
from apps.children.models import Child, SocialWorkInvolvement
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.referrals.models import (
    Referral,
)
from apps.sharing.models import AccessGrant, OrganisationAccessGrant
from apps.sharing.selectors import task_access_held
from apps.sharing.services import child_access_grant, organisation_access_grant

# Reasons about a child's instability (R40): seed 002 found no evidence that therapy needs stability,
# and children with social-work involvement were turned away two to three times as often.
INSTABILITY_REASONS = frozenset(
    {
        Referral.DeclineReason.UNSTABLE_PLACEMENT,
        Referral.DeclineReason.OPEN_SAFEGUARDING,
        Referral.DeclineReason.RECENT_TRAUMA,
        Referral.DeclineReason.PARENTAL_MENTAL_ILLNESS,
        Referral.DeclineReason.CANNOT_ATTEND_REGULARLY,
    }
)
SENIOR_REVIEWER_ROLES = frozenset({"team-manager", "clinical-lead"})
URGENCY_RANK = {
    Referral.Urgency.ROUTINE: 1,
    Referral.Urgency.URGENT: 2,
    Referral.Urgency.EMERGENCY: 3,
    Referral.Urgency.CRISIS: 4,
}
# Social-work involvement that makes the first waiting contact come sooner (seed 002).
SOCIAL_WORK_PRIORITY = frozenset(
    {
        SocialWorkInvolvement.Status.CHILD_IN_NEED,
        SocialWorkInvolvement.Status.CHILD_PROTECTION,
        SocialWorkInvolvement.Status.EDGE_OF_CARE,
        SocialWorkInvolvement.Status.LOOKED_AFTER,
        SocialWorkInvolvement.Status.CARE_LEAVER,
    }
)
MOST_DEPRIVED_DECILES = (1, 2)

# The fields that say where a referral is in its journey: read again under the row's lock before a change.
STATE_FIELDS = ("status", "decided_by_id", "decided_at", "triaged_at", "urgency")


def _referral_link(referral: Referral) -> str:
    return reverse(
        "referrals:referral-detail",
        kwargs={"public_id": referral.child.public_id, "referral_id": referral.public_id},
    )


def organisation_staff(*, organisation: Organisation, roles: Iterable[str] | None = None) -> list[User]:
    """The active professionals with a current membership of ``organisation`` (optionally in these roles)."""
    memberships = OrganisationMembership.objects.current().filter(
        organisation=organisation, user__is_active=True, user__kind=User.Kind.PROFESSIONAL
    )
    if roles is not None:
        memberships = memberships.filter(role__code__in=list(roles))
    return list({m.user_id: m.user for m in memberships.select_related("user").order_by("pk")}.values())


def works_at(*, user: User, organisation_id: int, roles: Iterable[str] | None = None) -> bool:
    memberships = OrganisationMembership.objects.current().filter(
        user=user, organisation_id=organisation_id, user__is_active=True
    )
    if roles is not None:
        memberships = memberships.filter(role__code__in=list(roles))
    return user.is_professional and memberships.exists()


def decline_review_task_key(referral: Referral) -> str:
    """The task of the senior review of ``referral``'s decline: the key its alerts and their access carry."""
    return f"referral:{referral.pk}:decline-review"


def may_senior_review(*, user: User, referral: Referral) -> bool:
    """A team manager or clinical lead of the receiving service (R40), or the person the routing rule sent
    the review to where the service has none (``apps.notifications.routing``, recorded by the task grant)."""
    return works_at(
        user=user, organisation_id=referral.receiving_organisation_id, roles=SENIOR_REVIEWER_ROLES
    ) or task_access_held(user=user, task_key=decline_review_task_key(referral))


def _require_receiving_staff(*, actor: User, organisation_id: int, doing: str) -> None:
    if not works_at(user=actor, organisation_id=organisation_id):
        raise NotPermitted(f"Only staff of the service receiving it can {doing}.")


def _grant_referral_access(
    *, child: Child, organisation: Organisation, granted_by: User, referrer: User | None = None
) -> None:
    """Let the receiving service see the child's core record and referrals, to decide (direct care).

    Given once to the service, held by its access group: staff who join later see the referral too, and
    staff who leave stop seeing it. The referrer, a person, follows the referral they made.
    """
    organisation_access_grant(
        child=child,
        organisation=organisation,
        basis=OrganisationAccessGrant.Basis.REFERRAL_RECEIVED,
        granted_by=granted_by,
    )
    if referrer is not None and referrer.is_professional and referrer.is_active:
        child_access_grant(
            child=child,
            user=referrer,
            basis=AccessGrant.Basis.REFERRAL,
            granted_by=granted_by,
            can_change=False,
        )


def _grant_accepted_referral_access(*, referral: Referral, granted_by: User) -> None:
    """The service that accepted a referral sees the appointments and books them: its first appointment
    starts the missed-appointment safety net (R57)."""
    organisation_access_grant(
        child=referral.child,
        organisation=referral.receiving_organisation,
        basis=OrganisationAccessGrant.Basis.REFERRAL_ACCEPTED,
        granted_by=granted_by,
    )


def _when(at: datetime | None, *, after: datetime | None = None, field: str = "at") -> datetime:
    """When a step happened: now, or earlier when it is recorded after the event (a phone referral typed
    up later). Never in the future, and never before the step it follows, so the wait clocks stay true."""
    now = timezone.now()
    if at is None:
        return now
    if at > now:
        raise ApplicationError("The time must not be in the future.", field=field)
    if after is not None and at < after:
        raise ApplicationError(
            f"The time must be after the step before it ({timezone.localtime(after):%-d %B %Y %H:%M}).",
            field=field,
        )
    return at


def _check_choice(value: str, choices, *, field: str, message: str) -> None:
    if value not in choices.values:
        raise ApplicationError(message, field=field)


def _lead_professional(child: Child) -> User | None:
    from apps.teams.selectors import current_lead_appointment

    appointment = current_lead_appointment(child=child)
    return appointment.membership.user if appointment and appointment.membership.user_id else None


def _alternative_line(alternative) -> str:
    """One alternative, with the directory's "what to expect" page when it names an entry (R141)."""
    if alternative.directory_service_id is None:
        return f"- {alternative.detail}"
    page = reverse("directory:what-to-expect", kwargs={"service_id": alternative.directory_service.public_id})
    return f"- {alternative.detail} What to expect from {alternative.directory_service.name}: {page}"


def _what_to_expect_line(referral: Referral) -> list[str]:
    """The receiving service's "what to expect" page, when it is in the directory (R141)."""
    from apps.directory.selectors import service_of_organisation

    service = service_of_organisation(organisation_id=referral.receiving_organisation_id)
    if service is None:
        return []
    page = reverse("directory:what-to-expect", kwargs={"service_id": service.public_id})
    return ["", f"What to expect from {service.name}: {page}"]


def family_message(*, referral: Referral) -> str:
    """What the young person and family read about the referral, in plain English (R39, R51), with the
    service's "what to expect" page when it is acknowledged and when a first appointment is offered (R141)."""
    service = referral.receiving_organisation.name
    if referral.status == Referral.Status.ACCEPTED and referral.first_appointment_at is not None:
        when = timezone.localtime(referral.first_appointment_at)
        lines = [
            f"{service} has offered a first appointment on {when:%A %-d %B %Y} at {when:%-I:%M%p}. "
            "The appointment letter or message says where. If the time does not suit you, or you need help "
            "getting there, tell them: you can change it.",
            *_what_to_expect_line(referral),
        ]
        return "\n".join(lines)
    if referral.status == Referral.Status.ACCEPTED:
        lines = [
            f"{service} has said yes to the request for help. While you wait for your first appointment, "
            "someone from the service will contact you to explain what they offer, what they do and what "
            "they will ask you. If things get worse while you wait, tell them or the person who referred "
            "you.",
            *_what_to_expect_line(referral),
        ]
        return "\n".join(lines)
    if referral.status == Referral.Status.DECLINED:
        lines = [
            f"{service} is not the right service for this, but here is what we have arranged instead:",
            *[_alternative_line(alternative) for alternative in referral.alternatives.all()],
            "",
            f"Why: {referral.decline_explanation}",
            "If things get worse, or this does not help, the person who referred you can ask again.",
        ]
        return "\n".join(lines)
    if referral.status == Referral.Status.TRIAGED:
        opening = (
            f"{service} has looked at the request for help and decided how soon they need to see you. "
            "They will be in touch about what happens next."
        )
    else:
        opening = f"{service} has your request for help and will be in touch about what happens next."
    lines = [
        opening,
        "If things get worse while you wait, tell the person who referred you, or call 111 and choose the "
        "mental health option.",
        *_what_to_expect_line(referral),
    ]
    return "\n".join(lines)
