"""Deciding a referral: accepting it, declining it with alternatives, and the senior review of a
decline (R38-R42).
"""

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.selectors import OrganisationUse, organisation_type_problem
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.categories import Category
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.core.locking import lock_for_change
from apps.notifications.models import Notification
from apps.notifications.routing import AlertKind, alert_route
from apps.notifications.services import notification_send, task_alert, task_done
from apps.referrals.models import DeclineAlternative, Referral, WaitingListEntry
from apps.referrals.services.common import (
    INSTABILITY_REASONS,
    MOST_DEPRIVED_DECILES,
    SOCIAL_WORK_PRIORITY,
    STATE_FIELDS,
    _check_choice,
    _grant_accepted_referral_access,
    _referral_link,
    _require_receiving_staff,
    _when,
    decline_review_task_key,
    may_senior_review,
)
from apps.referrals.services.telling import referral_tell
from apps.sharing.models import LawfulBasis


def _waiting_priority(referral: Referral) -> list[str]:
    """Why a child's first waiting contact comes sooner, in words (R64)."""
    reasons = []
    if referral.social_work_status_at_referral in SOCIAL_WORK_PRIORITY:
        reasons.append("social-work involvement")
    if referral.deprivation_decile_at_referral in MOST_DEPRIVED_DECILES:
        reasons.append("lives in one of the most deprived areas")
    if referral.is_equity_risk_decline:
        # Someone tried to turn the child away for instability and was overturned: they are unstable.
        reasons.append("unstable situation")
    return reasons


def _accept_check(referral: Referral) -> None:
    if referral.status != Referral.Status.TRIAGED:
        raise ApplicationError(
            "Triage the referral (set its urgency) before accepting it."
            if referral.status == Referral.Status.RECEIVED
            else f"This referral is {referral.get_status_display().lower()}: it cannot be accepted now.",
            field="status",
        )


def referral_accept(
    *, actor: User, referral: Referral, unstable_situation: bool = False, accepted_at: datetime | None = None
) -> Referral:
    """Accept a triaged referral and put the child on the waiting list (R63, R64).

    The first trust-building contact is due sooner for children with social-work involvement, in the
    most deprived fifth of areas, or in an unstable situation (the triager says so).
    """
    _require_receiving_staff(
        actor=actor, organisation_id=referral.receiving_organisation_id, doing="accept it"
    )
    _accept_check(referral)
    now = _when(accepted_at, after=referral.triaged_at, field="accepted_at")
    reasons = _waiting_priority(referral)
    if unstable_situation:
        reasons.append("unstable situation")
    days = (
        settings.BEACON_WAITING_PRIORITY_FIRST_CONTACT_DAYS
        if reasons
        else settings.BEACON_WAITING_FIRST_CONTACT_DAYS
    )
    first_due = timezone.localdate(now) + timedelta(days=days)
    with transaction.atomic():
        # Read the status again under the row's lock: a decline or an acceptance a moment ago wins.
        lock_for_change(referral, *STATE_FIELDS)
        _accept_check(referral)
        referral.status = Referral.Status.ACCEPTED
        referral.decided_by = actor
        referral.decided_at = now
        referral.save(update_fields=["status", "decided_by", "decided_at"])
        entry = WaitingListEntry.objects.create(
            referral=referral,
            child=referral.child,
            organisation=referral.receiving_organisation,
            started_at=now,
            is_priority=bool(reasons),
            priority_reasons=", ".join(reasons),
            first_contact_due_on=first_due,
            next_contact_due_on=first_due,
        )
        _grant_accepted_referral_access(referral=referral, granted_by=actor)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=referral,
            child=referral.child,
            detail={"fields": ["status"], "status": referral.status, "waiting_entry": str(entry.public_id)},
        )
        referral_tell(referral=referral, actor=actor, event="accepted")
    return referral


def _alternatives_build(
    *, referral: Referral, alternatives: Iterable[Mapping], actor: User
) -> list[DeclineAlternative]:
    arranged = []
    for number, item in enumerate(alternatives, start=1):
        kind = (item.get("kind") or "").strip()
        detail = (item.get("detail") or "").strip()
        organisation = item.get("organisation")
        service_name = (item.get("service_name") or "").strip()
        # A directory entry (R49) names the service and brings its "what to expect" page for the family.
        directory_service = item.get("directory_service")
        if directory_service is not None and not service_name:
            service_name = directory_service.name
        if not kind and not detail and organisation is None and not service_name:
            continue  # An empty row of the form.
        if kind not in DeclineAlternative.Kind.values:
            raise ApplicationError(f"Alternative {number}: choose what was arranged.", field="alternatives")
        if organisation is not None and organisation.pk == referral.receiving_organisation_id:
            raise ApplicationError(
                f"Alternative {number}: {organisation.name} is the service declining the referral, so it "
                "cannot be the alternative. Choose another service.",
                field="alternatives",
            )
        if wrong_service := organisation_type_problem(organisation, OrganisationUse.RECEIVES_REFERRALS):
            raise ApplicationError(f"Alternative {number}: {wrong_service}.", field="alternatives")
        if kind in (DeclineAlternative.Kind.ONWARD_REFERRAL, DeclineAlternative.Kind.NAMED_SERVICE) and not (
            organisation or service_name
        ):
            raise ApplicationError(
                f"Alternative {number}: name the service the young person is referred or signposted to.",
                field="alternatives",
            )
        if not detail:
            raise ApplicationError(
                f"Alternative {number}: describe, in plain English, what was arranged and what happens next.",
                field="alternatives",
            )
        arranged.append(
            DeclineAlternative(
                referral=referral,
                kind=kind,
                organisation=organisation,
                service_name=service_name,
                directory_service=directory_service,
                detail=detail,
                arranged_by=actor,
            )
        )
    if not arranged:
        raise ApplicationError(
            "A referral cannot be declined without an alternative. Record at least one: an onward referral, "
            "a named service, advice to the referrer or a network meeting.",
            field="alternatives",
        )
    return arranged


def _decline_check(referral: Referral) -> None:
    if referral.status not in (Referral.Status.RECEIVED, Referral.Status.TRIAGED):
        raise ApplicationError(
            f"This referral is {referral.get_status_display().lower()}: it cannot be declined now.",
            field="reason",
        )


def referral_decline(
    *,
    actor: User,
    referral: Referral,
    reason: str,
    explanation: str,
    alternatives: Iterable[Mapping],
    declined_at: datetime | None = None,
) -> Referral:
    """Decline a referral: only with a reason code and at least one alternative arranged (R39).

    An instability reason (R40) does not take effect until a senior reviewer (a team manager or clinical
    lead of the receiving service, not the person declining) agrees; it is marked for equity reporting.
    Otherwise the referrer, the lead professional and the young person or family are told at once.
    """
    _require_receiving_staff(
        actor=actor, organisation_id=referral.receiving_organisation_id, doing="decline it"
    )
    _decline_check(referral)
    _check_choice(
        reason,
        Referral.DeclineReason,
        field="reason",
        message="Choose the reason the referral is not accepted.",
    )
    if not explanation.strip():
        raise ApplicationError(
            "Explain the decision in plain English: the young person and family will read it.",
            field="explanation",
        )
    arranged = _alternatives_build(referral=referral, alternatives=alternatives, actor=actor)
    needs_senior = reason in INSTABILITY_REASONS
    decided_at = _when(declined_at, after=referral.triaged_at or referral.received_at, field="declined_at")
    with transaction.atomic():
        # Under the row's lock: a second decline (or an acceptance) a moment ago is refused here, before a
        # second set of alternatives is written or the family is told twice.
        lock_for_change(referral, *STATE_FIELDS)
        _decline_check(referral)
        referral.status = Referral.Status.DECLINE_PENDING_REVIEW if needs_senior else Referral.Status.DECLINED
        referral.decline_reason = reason
        referral.decline_explanation = explanation.strip()
        referral.is_equity_risk_decline = needs_senior
        referral.decided_by = actor
        referral.decided_at = decided_at
        referral.save(
            update_fields=[
                "status",
                "decline_reason",
                "decline_explanation",
                "is_equity_risk_decline",
                "decided_by",
                "decided_at",
            ]
        )
        DeclineAlternative.objects.bulk_create(arranged)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=referral,
            child=referral.child,
            detail={
                "fields": ["status", "decline_reason"],
                "status": referral.status,
                "alternatives": len(arranged),
            },
        )
        if needs_senior:
            # Routed (AlertKind.DECLINE_REVIEW): the receiving service's clinical leads and team managers,
            # else its safeguarding leads, else the record holder's, else an administrator; never the person
            # who declined. Each may see the core record and the referrals until the review is done.
            route = alert_route(
                kind=AlertKind.DECLINE_REVIEW,
                organisation=referral.receiving_organisation,
                child=referral.child,
                exclude=[actor],
            )
            task_alert(
                route=route,
                kind=Notification.Kind.DECLINE_REVIEW,
                task_key=decline_review_task_key(referral),
                dedupe_key=f"referral:{referral.pk}:decline-review:{referral.decided_at.isoformat()}",
                child=referral.child,
                categories=[Category.REFERRALS],
                lawful_basis=LawfulBasis.DIRECT_CARE,
                subject=f"A decision not to accept {referral.child.known_as} needs your agreement",
                subject_for_email="a decision not to accept a referral needs your agreement",
                link=_referral_link(referral),
            )
        else:
            referral_tell(referral=referral, actor=actor, event="declined")
    return referral


def _senior_review_check(referral: Referral) -> None:
    if referral.status != Referral.Status.DECLINE_PENDING_REVIEW:
        raise ApplicationError(
            "This referral is not waiting for a senior review."
            + (" Its decline has already been reviewed." if referral.senior_reviewer_id else ""),
            field="outcome",
        )


def referral_senior_review(*, actor: User, referral: Referral, outcome: str, note: str) -> Referral:
    """A senior reviewer agrees with, or overturns, a decline for an instability reason (R40).

    Agreed: the decline takes effect and everyone is told. Overturned: the referral goes back to triage.
    The reviewer must be a team manager or clinical lead of the receiving service, and not the decider.
    """
    _senior_review_check(referral)
    if not may_senior_review(user=actor, referral=referral):
        raise NotPermitted(
            "Only a team manager or clinical lead of the receiving service can review this decision."
        )
    if actor.pk == referral.decided_by_id:
        raise NotPermitted(
            "Someone other than the person who declined the referral must review the decision."
        )
    _check_choice(
        outcome,
        Referral.SeniorReviewOutcome,
        field="outcome",
        message="Agree with the decision, or overturn it.",
    )
    if not note.strip():
        raise ApplicationError("Record the reasons for your review decision.", field="note")
    with transaction.atomic():
        # A second reviewer a moment later finds the decision already reviewed and changes nothing.
        lock_for_change(referral, *STATE_FIELDS, "senior_reviewer_id")
        _senior_review_check(referral)
        referral.senior_reviewer = actor
        referral.senior_reviewed_at = timezone.now()
        referral.senior_review_outcome = outcome
        referral.senior_review_note = note.strip()
        if outcome == Referral.SeniorReviewOutcome.AGREED:
            referral.status = Referral.Status.DECLINED
        else:
            # Back to triage; the attempted instability decline stays recorded for equity reporting.
            referral.status = Referral.Status.TRIAGED if referral.urgency else Referral.Status.RECEIVED
        referral.save(
            update_fields=[
                "senior_reviewer",
                "senior_reviewed_at",
                "senior_review_outcome",
                "senior_review_note",
                "status",
            ]
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=referral,
            child=referral.child,
            detail={"fields": ["senior_review_outcome", "status"], "outcome": outcome},
        )
        # Reviewed: its alerts clear, and the access they gave ends.
        task_done(task_key=decline_review_task_key(referral), actor=actor)
        if outcome == Referral.SeniorReviewOutcome.AGREED:
            referral_tell(referral=referral, actor=actor, event="declined")
        elif referral.decided_by_id and referral.decided_by != actor:
            notification_send(
                recipient=referral.decided_by,
                kind=Notification.Kind.DECLINE_REVIEW,
                dedupe_key=f"referral:{referral.pk}:decline-overturned:{referral.senior_reviewed_at.isoformat()}",
                subject=f"The decision not to accept {referral.child.known_as} was overturned",
                subject_for_email="a decline you made was overturned on review",
                link=_referral_link(referral),
                child=referral.child,
                category=Category.REFERRALS,
                involved=True,  # The decision they made on the referral they received.
            )
    return referral
