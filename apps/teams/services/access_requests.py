"""Asking for access to a record one cannot see, and answering (R2: one record per child, enforced).

A professional about to add a child finds that a record may already exist but is not shared with them. They
do not get a way round it: they ask the professional responsible for the record, with their reason. The
record is found again here, from the details they gave, so its identity never passes through their browser.
"""

import uuid
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.categories import Category
from apps.children.models import Child
from apps.children.selectors import child_matches_found, hidden_matches_cleared
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.core.locking import lock_for_change
from apps.core.nhs_number import normalise_nhs_number
from apps.notifications.models import Notification
from apps.notifications.services import notification_send, task_done
from apps.sharing.access import may_see
from apps.sharing.models import AccessGrant
from apps.sharing.services import child_access_grant
from apps.teams.models import AccessRequest, TeamMembership
from apps.teams.selectors import access_request_responders, current_lead_appointment
from apps.teams.services.membership import team_member_add

NOTHING_TO_ASK = (
    "No record that is not shared with you matches these details now, so there is nothing to ask for. "
    "Search again: you may be able to add the child's record."
)
ALREADY_ASKED = (
    "You have already asked for access with these details. You will get a message in Beacon when the "
    "professional responsible for the record answers."
)
MAY_NOT_ANSWER = (
    "Only the professional responsible for the record can answer a request for access to it: its lead "
    "professional or, where it has none, a safeguarding lead of the organisation that holds it."
)
ANSWER_NOTE_NEEDED: dict[str, str] = {
    AccessRequest.Status.DECLINED: "Say why you are not giving access. The person who asked will not see it",
    AccessRequest.Status.DIFFERENT_CHILD: (
        "Say how you know it is a different child. The person who asked will not see it"
    ),
}


def _request_link(access_request: AccessRequest) -> str:
    return reverse("teams:access-request", args=[access_request.public_id])


def access_request_create(
    *,
    actor: User,
    reason: str,
    nhs_number: str = "",
    given_name: str = "",
    family_name: str = "",
    preferred_name: str = "",
    date_of_birth: date | None = None,
) -> list[AccessRequest]:
    """Ask for access to the records matching these details that are not shared with ``actor`` (R2).

    The match runs again here (audited like any check), so the records asked about are exactly those the
    details find now. One request per record, sharing one ask id; each goes to the professional responsible
    for that record (``access_request_responders``), who is told in Beacon. A person asks once per record
    until it is answered. Callers throttle it with the possible-match check (apps.children.throttling).
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why you need access to the child's record"})
    names = {
        "nhs_number": normalise_nhs_number(nhs_number),
        "given_name": " ".join(given_name.split()),
        "family_name": " ".join(family_name.split()),
        "preferred_name": " ".join(preferred_name.split()),
    }
    found = child_matches_found(user=actor, date_of_birth=date_of_birth, **names)
    cleared = hidden_matches_cleared(user=actor, found=found)
    hidden = [match for match in found if not match.visible and match.child.pk not in cleared]
    if not hidden:
        raise ApplicationError(NOTHING_TO_ASK, code="nothing_to_ask")
    waiting = set(
        AccessRequest.objects.filter(
            requested_by=actor,
            status=AccessRequest.Status.PENDING,
            child__in=[match.child for match in hidden],
        ).values_list("child_id", flat=True)
    )
    new = [match for match in hidden if match.child.pk not in waiting]
    if not new:
        raise ApplicationError(ALREADY_ASKED, code="already_asked")
    ask_id = uuid.uuid4()
    requests = []
    try:
        with transaction.atomic():
            for match in new:
                access_request = AccessRequest.objects.create(
                    ask_id=ask_id,
                    child=match.child,
                    requested_by=actor,
                    reason=reason,
                    matched_on=match.reason,
                    **names,
                    date_of_birth=date_of_birth,
                )
                audit_record(
                    actor=actor,
                    action=AuditEvent.Action.CREATE,
                    target=access_request,
                    child=match.child,
                    basis="asking for access to a record that may be the child's",
                    detail={"matched_on": match.reason},
                )
                _request_notify(access_request)
                requests.append(access_request)
    except IntegrityError as error:  # The same ask sent twice at the same moment.
        raise ApplicationError(ALREADY_ASKED, code="already_asked") from error
    return requests


def access_request_task_key(access_request: AccessRequest) -> str:
    """The task of answering ``access_request``: its alerts carry the key and clear once it is answered."""
    return f"access-request:{access_request.pk}"


def _request_notify(access_request: AccessRequest) -> None:
    """Tell each person who answers for the record. Someone who may see it is told whose it is; a
    safeguarding lead who may not is told only that a record their organisation holds was asked about."""
    child = access_request.child
    asker = access_request.requested_by
    for responder in access_request_responders(child=child):
        sees = may_see(user=responder, child=child, category=Category.CORE)
        notification_send(
            recipient=responder,
            kind=Notification.Kind.ACCESS_REQUEST,
            dedupe_key=f"access-request:{access_request.pk}:{responder.pk}",
            subject=(
                f"{asker} asked for access to {child.known_as}'s record"
                if sees
                else f"{asker} asked for access to a record your organisation holds"
            ),
            subject_for_email="someone asked for access to a record",
            body="Check whether it is the same child, then give access, decline, or say it is a different "
            "child.",
            child=child if sees else None,
            category=Category.CORE if sees else "",
            link=_request_link(access_request),
            task_key=access_request_task_key(access_request),
        )


def access_request_check_may_answer(*, actor: User, access_request: AccessRequest) -> None:
    """Only someone ``access_request_responders`` names for the record now; anyone else ``NotPermitted``."""
    if actor not in access_request_responders(child=access_request.child):
        raise NotPermitted(MAY_NOT_ANSWER)


def _already_answered(access_request: AccessRequest) -> str:
    when = timezone.localtime(access_request.answered_at) if access_request.answered_at else None
    return (
        f"This request was already answered ({access_request.get_status_display().lower()}"
        + (f", on {when:%-d %B %Y}" if when else "")
        + "): the first answer stands."
    )


def _access_give(*, actor: User, access_request: AccessRequest) -> None:
    """Give the asker access on a lawful basis, through the services that already do: the lead professional
    adds them to the team around the child (direct care, R19); a safeguarding lead answering for a record
    with no lead gives them sight of the core record under the duty to share, read-only (sharing)."""
    child, asker = access_request.child, access_request.requested_by
    lead = current_lead_appointment(child=child)
    if lead is not None and lead.membership.user_id == actor.pk:
        if not TeamMembership.objects.current().filter(child=child, user=asker).exists():
            team_member_add(actor=actor, child=child, kind=TeamMembership.Kind.PROFESSIONAL, user=asker)
        return
    child_access_grant(
        child=child,
        user=asker,
        basis=AccessGrant.Basis.ADMINISTRATOR,
        granted_by=actor,
        can_change=False,
        reason=f"Asked for access to the record: {access_request.reason}",
    )


def access_request_answer(
    *, actor: User, access_request: AccessRequest, outcome: str, note: str = ""
) -> AccessRequest:
    """Answer a request for access, once (the first answer stands, whoever else answers at the same moment).

    Access given: the asker gets it now (``_access_give``) and is told, with a link to the record. Declined,
    or a different child: the reason is recorded (never shown to the asker, who learns nothing more about a
    record they may not see); the asker is told only the outcome. "A different child" lets them add a record
    with those details after all (``HIDDEN_MATCH_CLEARED``).
    """
    if outcome not in AccessRequest.ANSWERS:
        raise ValidationError(
            {"outcome": "Choose whether to give access, decline, or say it is a different child"}
        )
    note = note.strip()
    if outcome in ANSWER_NOTE_NEEDED and not note:
        raise ValidationError({"note": ANSWER_NOTE_NEEDED[outcome]})
    access_request_check_may_answer(actor=actor, access_request=access_request)
    with transaction.atomic():
        lock_for_change(access_request, "status", "answered_by_id", "answered_at")
        if access_request.status != AccessRequest.Status.PENDING:
            raise ApplicationError(_already_answered(access_request), code="already_answered")
        if outcome == AccessRequest.Status.GRANTED:
            _access_give(actor=actor, access_request=access_request)
        access_request.status = outcome
        access_request.answered_by = actor
        access_request.answered_at = timezone.now()
        access_request.answer_note = note
        access_request.save(update_fields=["status", "answered_by", "answered_at", "answer_note"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=access_request,
            child=access_request.child,
            detail={"outcome": outcome},
        )
        # Answered, by whoever: every responder's alert about it clears.
        task_done(task_key=access_request_task_key(access_request), actor=actor)
        _answer_notify(access_request)
    return access_request


def _answer_notify(access_request: AccessRequest) -> None:
    asker, child = access_request.requested_by, access_request.child
    Status = AccessRequest.Status  # noqa: N806 - the model's choices, read like its constant
    if access_request.status == Status.GRANTED:
        notification_send(
            recipient=asker,
            kind=Notification.Kind.ACCESS_REQUEST_ANSWER,
            dedupe_key=f"access-request:{access_request.pk}:granted",
            subject=f"You can now see {child.known_as}'s record",
            subject_for_email="your request for access to a record was answered",
            child=child,
            category=Category.CORE,
            involved=True,
            link=reverse("children:detail", args=[child.public_id]),
        )
        return
    # About no child: the asker may not see it. Once per ask and outcome, so that a second record answered
    # the same way does not tell them there were two.
    asked_on = f"{timezone.localtime(access_request.requested_at):%-d %B %Y}"
    if access_request.status == Status.DIFFERENT_CHILD:
        subject = f"The record that matched the details you gave on {asked_on} is a different child"
        body = "You can add the child's record: search again with the same details."
        link = reverse("children:find")
    else:
        subject = f"Your request for access of {asked_on} was declined"
        body = (
            "The professional responsible for the record decided not to give you access. If you still need "
            "it, contact the Beacon administrator at your single point of access (SPA)."
        )
        link = reverse("teams:access-requests")
    notification_send(
        recipient=asker,
        kind=Notification.Kind.ACCESS_REQUEST_ANSWER,
        dedupe_key=f"access-request:{access_request.ask_id}:{access_request.status}",
        subject=subject,
        subject_for_email="your request for access to a record was answered",
        body=body,
        link=link,
    )


def access_request_different_child_answer(*, user: User, child: Child) -> str:
    """Registered with ``apps.children.selectors.HIDDEN_MATCH_CLEARED``: whether the professional responsible
    for ``child``'s record answered ``user`` that it is a different child; the words recorded with the new
    record if so (never the answer's reason, which is about a record the asker may not see)."""
    answered = (
        AccessRequest.objects.filter(
            child=child, requested_by=user, status=AccessRequest.Status.DIFFERENT_CHILD
        )
        .order_by("-answered_at")
        .first()
    )
    if answered is None:
        return ""
    return (
        f"a different child (request for access {answered.public_id}, answered "
        f"{timezone.localtime(answered.answered_at):%-d %B %Y})"
    )
