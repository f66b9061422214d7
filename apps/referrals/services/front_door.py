"""The front door (R34, R35): a young person or a parent or carer asks for help without a professional.

Both land in the single point of access beside professionals' referrals. A young person's request carries
their own record; a parent's never carries one, whatever it says: Beacon does not look the child up, so
nothing the form answers can tell a stranger whether a child is known to services, and a request cannot
be attached to the wrong child by a guess. The single point of access team finds the child, makes a
referral, routes the request to a better-placed service (recorded, R34) or closes it with advice.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Organisation, User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.categories import Category
from apps.children.models import Child
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.core.locking import lock_for_change
from apps.core.nhs_number import normalise_nhs_number, validate_nhs_number
from apps.directory.models import Service
from apps.notifications.models import Notification
from apps.notifications.services import notification_send
from apps.referrals.models import HelpRequest, RoutingStep
from apps.referrals.services.common import _require_receiving_staff, organisation_staff
from apps.sharing.models import OrganisationAccessGrant
from apps.sharing.services import organisation_access_grant

FRONT_DOOR_ORGANISATION_TYPE = "nhs-camhs"


def front_door_organisation() -> Organisation | None:
    """The service whose single point of access receives the front door's requests.

    ``BEACON_FRONT_DOOR_ORGANISATION`` names it; unset, it is the one active NHS CAMHS organisation, if
    there is exactly one. None when it cannot be told: the forms then say to phone instead.
    """
    name = settings.BEACON_FRONT_DOOR_ORGANISATION
    if name:
        return Organisation.objects.filter(name=name, is_active=True).first()
    candidates = list(
        Organisation.objects.filter(is_active=True, type__code=FRONT_DOOR_ORGANISATION_TYPE).order_by("pk")[
            :2
        ]
    )
    return candidates[0] if len(candidates) == 1 else None


def _request_problems(*, what_is_happening: str, urgency: str, contact_by: str, whose: str) -> dict[str, str]:
    """What is missing from any request for help, each problem at once (``whose``: "you", "your child")."""
    problems = {}
    if not what_is_happening.strip():
        problems["what_is_happening"] = f"Tell us what is going on for {whose}."
    if urgency not in HelpRequest.Urgency.values:
        problems["urgency"] = (
            "Choose how soon you need help." if whose == "you" else "Choose how soon help is needed."
        )
    if contact_by not in HelpRequest.ContactBy.values:
        problems["contact_by"] = "Choose how you would like us to contact you."
    return problems


def _front_door_organisation_or_refuse() -> Organisation:
    organisation = front_door_organisation()
    if organisation is None:
        raise ApplicationError("Asking for help online is not set up here yet.", field="what_is_happening")
    return organisation


def _request_link(help_request: HelpRequest) -> str:
    return reverse("referrals:help-request-detail", kwargs={"request_id": help_request.public_id})


def _help_request_received(*, help_request: HelpRequest, actor: User | None, from_whom: str) -> None:
    """A request has arrived: audited (by the young person, or by nobody signed in for a parent), and the
    receiving service's staff told, the urgent ones said to be urgent."""
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        target=help_request,
        child=help_request.child,
        detail={"source": help_request.source, "urgency": help_request.urgency},
    )
    urgent = "An urgent request" if help_request.urgency == HelpRequest.Urgency.URGENT else "A request"
    _tell_front_door_staff(
        help_request=help_request,
        subject=f"{urgent} for help from {from_whom} is waiting",
        subject_for_email=f"{urgent.lower()} for help is waiting at the front door",
    )


def _tell_front_door_staff(*, help_request: HelpRequest, subject: str, subject_for_email: str) -> None:
    for person in organisation_staff(organisation=help_request.receiving_organisation):
        notification_send(
            recipient=person,
            kind=Notification.Kind.REFERRAL_RECEIVED,
            dedupe_key=f"help-request:{help_request.pk}:received:{person.pk}",
            subject=subject,
            subject_for_email=subject_for_email,
            link=_request_link(help_request),
            # A young person's request is about their record: the access decision is asked for it. A
            # parent's names no record, so only the receiving service's own staff are told.
            child=help_request.child,
            category=Category.REFERRALS if help_request.child is not None else "",
        )


def help_request_from_young_person(
    *, actor: User, what_is_happening: str, urgency: str, contact_by: str, contact_note: str = ""
) -> HelpRequest:
    """A young person asks for help from their own pages: it reaches the single point of access (R35)."""
    if not actor.is_young_person:
        raise NotPermitted("Only a young person can ask for help for themselves here.")
    child: Child | None = getattr(actor, "child_record", None)
    if child is None:
        raise NotPermitted("Your account is not linked to your record yet. Ask your worker.")
    organisation = _front_door_organisation_or_refuse()
    problems = _request_problems(
        what_is_happening=what_is_happening, urgency=urgency, contact_by=contact_by, whose="you"
    )
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        help_request = HelpRequest.objects.create(
            source=HelpRequest.Source.YOUNG_PERSON,
            receiving_organisation=organisation,
            child=child,
            asked_by=actor,
            what_is_happening=what_is_happening.strip(),
            urgency=urgency,
            contact_by=contact_by,
            contact_note=contact_note.strip(),
        )
        # The young person asked this service for help: its single point of access may open their record to
        # make the referral, as it may for any referral it receives.
        organisation_access_grant(
            child=child,
            organisation=organisation,
            basis=OrganisationAccessGrant.Basis.REFERRAL_RECEIVED,
            granted_by=actor,
        )
        _help_request_received(
            help_request=help_request, actor=actor, from_whom=f"{child.known_as} (self-referral)"
        )
    return help_request


def help_request_from_parent(
    *,
    requester_name: str,
    requester_relationship: str,
    requester_phone: str,
    requester_email: str,
    child_name: str,
    child_date_of_birth: date | None,
    child_nhs_number: str,
    child_description: str,
    what_is_happening: str,
    urgency: str,
    contact_by: str,
    contact_note: str = "",
) -> HelpRequest:
    """A parent or carer asks for help through the public form, with no account (R35).

    The child is named (name, date of birth, perhaps an NHS number) or described, and never looked up:
    the request is attached to no record, and what this returns is the same whether or not the child is
    known to anyone.
    """
    organisation = _front_door_organisation_or_refuse()
    problems = {}
    if not requester_name.strip():
        problems["requester_name"] = "Enter your name."
    if not (requester_phone.strip() or requester_email.strip()):
        problems["requester_phone"] = "Give a phone number or an email address so we can reach you."
    if not (child_name.strip() or child_description.strip()):
        problems["child_name"] = (
            "Give your child's name, or describe them if you would rather not name them yet."
        )
    if child_date_of_birth is not None and child_date_of_birth > timezone.localdate():
        problems["child_date_of_birth"] = "The date of birth must be in the past."
    nhs_number = normalise_nhs_number(child_nhs_number)
    if nhs_number:
        try:
            validate_nhs_number(nhs_number)
        except ValidationError as error:
            problems["child_nhs_number"] = " ".join(error.messages)
    problems |= _request_problems(
        what_is_happening=what_is_happening, urgency=urgency, contact_by=contact_by, whose="your child"
    )
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        help_request = HelpRequest.objects.create(
            source=HelpRequest.Source.PARENT_CARER,
            receiving_organisation=organisation,
            child=None,
            requester_name=requester_name.strip(),
            requester_relationship=requester_relationship.strip(),
            requester_phone=requester_phone.strip(),
            requester_email=requester_email.strip(),
            child_name=child_name.strip(),
            child_date_of_birth=child_date_of_birth,
            child_nhs_number=nhs_number,
            child_description=child_description.strip(),
            what_is_happening=what_is_happening.strip(),
            urgency=urgency,
            contact_by=contact_by,
            contact_note=contact_note.strip(),
        )
        _help_request_received(help_request=help_request, actor=None, from_whom="a parent or carer")
    return help_request


def _open_check(help_request: HelpRequest) -> None:
    if help_request.status == HelpRequest.Status.CLOSED:
        raise ApplicationError("This request for help is already closed.", field="reason")


def help_request_route(
    *, actor: User, help_request: HelpRequest, to_service: Service | None, reason: str
) -> RoutingStep:
    """Route a request to the service best placed to meet the need, recording who, when and why (R34)."""
    _require_receiving_staff(
        actor=actor, organisation_id=help_request.receiving_organisation_id, doing="route this request"
    )
    if to_service is None or not to_service.is_active:
        raise ApplicationError("Choose the service from the directory.", field="to_service")
    if not reason.strip():
        raise ApplicationError("Say why this service is better placed.", field="reason")
    _open_check(help_request)
    with transaction.atomic():
        lock_for_change(help_request, "status")
        _open_check(help_request)
        step = RoutingStep.objects.create(
            help_request=help_request,
            from_organisation=help_request.receiving_organisation,
            to_service=to_service,
            reason=reason.strip(),
            routed_by=actor,
        )
        help_request.status = HelpRequest.Status.ROUTED
        help_request.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=help_request,
            child=help_request.child,
            detail={"routed_to": str(to_service.public_id)},
        )
    return step


def help_request_close(*, actor: User, help_request: HelpRequest, outcome: str, note: str) -> HelpRequest:
    """Close a request: a referral was made, advice given, they could not be reached, or they withdrew."""
    _require_receiving_staff(
        actor=actor, organisation_id=help_request.receiving_organisation_id, doing="close this request"
    )
    if outcome not in HelpRequest.Outcome.values:
        raise ApplicationError("Choose what happened.", field="outcome")
    if not note.strip():
        raise ApplicationError("Say what was done, so the next person can follow it.", field="note")
    _open_check(help_request)
    with transaction.atomic():
        lock_for_change(help_request, "status")
        _open_check(help_request)
        help_request.status = HelpRequest.Status.CLOSED
        help_request.outcome = outcome
        help_request.outcome_note = note.strip()
        help_request.closed_by = actor
        help_request.closed_at = timezone.now()
        help_request.save(update_fields=["status", "outcome", "outcome_note", "closed_by", "closed_at"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=help_request,
            child=help_request.child,
            detail={"outcome": outcome},
        )
    return help_request
