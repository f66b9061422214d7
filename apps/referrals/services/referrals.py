"""Referrals through the single point of access (R34-R42): making one, triage, decisions, wait clocks."""

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from apps.accounts.models import Organisation, User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.categories import Category
from apps.children.models import Child, SocialWorkInvolvement
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.core.locking import lock_for_change
from apps.notifications.models import Notification
from apps.notifications.services import notification_send
from apps.referrals.models import (
    ConcernLevel,
    Consultation,
    DeclineAlternative,
    PreferredSupport,
    Referral,
    Route,
    WaitingListEntry,
)
from apps.referrals.services.common import (
    INSTABILITY_REASONS,
    MOST_DEPRIVED_DECILES,
    SENIOR_REVIEWER_ROLES,
    SOCIAL_WORK_PRIORITY,
    URGENCY_RANK,
    _check_choice,
    _grant_accepted_referral_access,
    _grant_referral_access,
    _referral_link,
    _require_receiving_staff,
    _tell_everyone,
    _tell_lead_professional,
    _when,
    organisation_staff,
    works_at,
)

# --- Referral (R34-R42) ----------------------------------------------------------------------------


def referral_create(
    *,
    actor: User,
    child: Child | None,
    receiving_organisation: Organisation | None,
    route: str,
    presenting_needs: str,
    professional_concern: str,
    family_concern: str,
    consent_to_refer: str,
    consent_note: str = "",
    what_has_been_tried: str = "",
    young_person_views: str = "",
    preferred_support: str = "",
    diagnosis: str = "",
    referrer_name: str = "",
    referrer_contact: str = "",
    consultation: Consultation | None = None,
    received_at: datetime | None = None,
) -> Referral:
    """Make a referral through the receiving service's single point of access (R34-R36).

    From any route (R35): a professional enters it, for themselves or for a young person or family
    member who referred themselves. It is about need; a diagnosis is optional. It must be about a child
    with a record: find them, or add them first (with the usual check for an existing record). The
    child's social-work involvement and area deprivation now are kept with it.
    """
    if not actor.is_professional:
        raise NotPermitted("Referrals are entered by a professional; young people and families can ask one.")
    if child is None:
        raise ApplicationError(
            "A referral must be about a child with a record in Beacon. Find the child, or add them first.",
            field="child",
        )
    if receiving_organisation is None or not receiving_organisation.is_active:
        raise ApplicationError("Choose the service you are referring to.", field="receiving_organisation")
    _check_choice(route, Route, field="route", message="Choose who the referral comes from.")
    if route in (Route.PARENT_CARER, Route.TRUSTED_ADULT) and not referrer_name.strip():
        raise ApplicationError(
            "Give the name of the parent, carer or trusted adult making the referral.", field="referrer_name"
        )
    if not presenting_needs.strip():
        raise ApplicationError(
            "Describe the young person's needs: what is happening for them.", field="presenting_needs"
        )
    _check_choice(
        professional_concern,
        ConcernLevel,
        field="professional_concern",
        message="Choose the level of professional concern.",
    )
    _check_choice(
        family_concern, ConcernLevel, field="family_concern", message="Choose the level of family concern."
    )
    _check_choice(
        consent_to_refer,
        Referral.ConsentToRefer,
        field="consent_to_refer",
        message="Say who agreed to the referral, or that it is made without consent.",
    )
    if consent_to_refer == Referral.ConsentToRefer.WITHOUT_CONSENT and not consent_note.strip():
        raise ApplicationError(
            "Explain why the referral is made without consent (the safeguarding reason).",
            field="consent_note",
        )
    _check_choice(
        preferred_support, PreferredSupport, field="preferred_support", message="Choose a kind of support."
    )
    if consultation is not None:
        if Referral.objects.filter(consultation=consultation).exists():
            raise ApplicationError("This consultation has already become a referral.", field="consultation")
        if consultation.child_id and consultation.child_id != child.pk:
            raise ApplicationError("The consultation was about a different child.", field="child")
    current_status = (
        SocialWorkInvolvement.objects.filter(child=child, ended_on__isnull=True)
        .values_list("status", flat=True)
        .first()
    )
    with transaction.atomic():
        if consultation is not None:
            # Under the consultation's lock: two referrals made from it at once become one, not a 500.
            lock_for_change(consultation, "child_id")
            if Referral.objects.filter(consultation=consultation).exists():
                raise ApplicationError(
                    "This consultation has already become a referral.", field="consultation"
                )
        referral = Referral.objects.create(
            child=child,
            consultation=consultation,
            receiving_organisation=receiving_organisation,
            route=route,
            made_by=actor,
            referrer_name=referrer_name.strip(),
            referrer_contact=referrer_contact.strip(),
            presenting_needs=presenting_needs.strip(),
            professional_concern=professional_concern,
            family_concern=family_concern,
            what_has_been_tried=what_has_been_tried.strip(),
            young_person_views=young_person_views.strip(),
            preferred_support=preferred_support,
            consent_to_refer=consent_to_refer,
            consent_note=consent_note.strip(),
            diagnosis=diagnosis.strip(),
            social_work_status_at_referral=current_status or "",
            deprivation_decile_at_referral=child.deprivation_decile,
            received_at=_when(
                received_at,
                after=consultation.requested_at if consultation is not None else None,
                field="received_at",
            ),
        )
        if consultation is not None and consultation.child_id is None:
            # The consultation was about a child not yet named: it now belongs to this child.
            consultation.child = child
            consultation.child_description = ""
            consultation.save(update_fields=["child", "child_description"])
        staff = organisation_staff(organisation=receiving_organisation)
        _grant_referral_access(
            child=child, organisation=receiving_organisation, granted_by=actor, referrer=actor
        )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=referral,
            child=child,
            detail={"route": route, "from_consultation": consultation is not None},
        )
        for person in staff:
            if person != actor:
                notification_send(
                    recipient=person,
                    kind=Notification.Kind.REFERRAL_RECEIVED,
                    dedupe_key=f"referral:{referral.pk}:received:{person.pk}",
                    subject=f"A referral for {child.known_as} is waiting for triage",
                    subject_for_email="a referral is waiting for triage",
                    link=_referral_link(referral),
                    child=child,
                    category=Category.REFERRALS,
                )
        _tell_lead_professional(
            referral=referral,
            actor=actor,
            event="received",
            subject=f"{child.known_as} was referred to {receiving_organisation.name}",
        )
    return referral


# The fields that say where a referral is in its journey: read again under the row's lock before a change.
STATE_FIELDS = ("status", "decided_by_id", "decided_at", "triaged_at", "urgency")
TRIAGE_FIELDS = (
    "urgency",
    "urgency_rank",
    "triage_note",
    "triaged_by",
    "triaged_at",
    "target_at",
    "needs_retriage",
    "retriage_reason",
)


def _triage_check(referral: Referral) -> None:
    if referral.status not in (Referral.Status.RECEIVED, Referral.Status.TRIAGED, Referral.Status.ACCEPTED):
        raise ApplicationError(
            f"This referral is {referral.get_status_display().lower()}: it cannot be triaged.",
            field="urgency",
        )


def referral_triage(
    *,
    actor: User,
    referral: Referral,
    urgency: str,
    triage_note: str = "",
    triaged_at: datetime | None = None,
) -> Referral:
    """Triage a referral: an urgency from the risk assessment, and the target that goes with it (R37, R38).

    The target for the first appointment is set from the urgency's configured hours and kept with the
    referral. Triage can be done again while the child waits (re-triage after things got worse).
    """
    _require_receiving_staff(
        actor=actor, organisation_id=referral.receiving_organisation_id, doing="triage it"
    )
    _check_choice(
        urgency, Referral.Urgency, field="urgency", message="Choose the urgency from the risk assessment."
    )
    _triage_check(referral)
    now = _when(triaged_at, after=referral.received_at, field="triaged_at")
    with transaction.atomic():
        # A decline decided a moment ago must not be turned back into "triaged" (see apps/core/locking.py).
        lock_for_change(referral, *STATE_FIELDS)
        _triage_check(referral)
        referral.urgency = urgency
        referral.urgency_rank = URGENCY_RANK[urgency]
        referral.triage_note = triage_note.strip()
        referral.triaged_by = actor
        referral.triaged_at = referral.triaged_at or now
        referral.target_at = referral.received_at + timedelta(
            hours=settings.BEACON_WAIT_TARGET_HOURS[urgency]
        )
        referral.needs_retriage = False
        referral.retriage_reason = ""
        if referral.status == Referral.Status.RECEIVED:
            referral.status = Referral.Status.TRIAGED
        referral.save(update_fields=[*TRIAGE_FIELDS, "status"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=referral,
            child=referral.child,
            detail={"fields": ["urgency", "triage_note", "target_at"]},
        )
    return referral


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
        _tell_everyone(
            referral=referral,
            actor=actor,
            event="accepted",
            kind=Notification.Kind.REFERRAL_ACCEPTED,
            subject=f"The referral for {referral.child.known_as} was accepted",
        )
    return referral


def _alternatives_build(
    *, referral: Referral, alternatives: Iterable[Mapping], actor: User
) -> list[DeclineAlternative]:
    built = []
    for number, item in enumerate(alternatives, start=1):
        kind = (item.get("kind") or "").strip()
        detail = (item.get("detail") or "").strip()
        organisation = item.get("organisation")
        service_name = (item.get("service_name") or "").strip()
        if not kind and not detail and organisation is None and not service_name:
            continue  # An empty row of the form.
        if kind not in DeclineAlternative.Kind.values:
            raise ApplicationError(f"Alternative {number}: choose what was arranged.", field="alternatives")
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
        built.append(
            DeclineAlternative(
                referral=referral,
                kind=kind,
                organisation=organisation,
                service_name=service_name,
                detail=detail,
                arranged_by=actor,
            )
        )
    if not built:
        raise ApplicationError(
            "A referral cannot be declined without an alternative. Record at least one: an onward referral, "
            "a named service, advice to the referrer or a network meeting.",
            field="alternatives",
        )
    return built


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
    built = _alternatives_build(referral=referral, alternatives=alternatives, actor=actor)
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
        DeclineAlternative.objects.bulk_create(built)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=referral,
            child=referral.child,
            detail={
                "fields": ["status", "decline_reason"],
                "status": referral.status,
                "alternatives": len(built),
            },
        )
        if needs_senior:
            for reviewer in organisation_staff(
                organisation=referral.receiving_organisation, roles=SENIOR_REVIEWER_ROLES
            ):
                if reviewer != actor:
                    notification_send(
                        recipient=reviewer,
                        kind=Notification.Kind.DECLINE_REVIEW,
                        dedupe_key=f"referral:{referral.pk}:decline-review:{referral.decided_at.isoformat()}:{reviewer.pk}",
                        subject=f"A decision not to accept {referral.child.known_as} needs your agreement",
                        subject_for_email="a decision not to accept a referral needs your agreement",
                        link=_referral_link(referral),
                        child=referral.child,
                        category=Category.REFERRALS,
                    )
        else:
            _tell_declined(referral=referral, actor=actor)
    return referral


def _tell_declined(*, referral: Referral, actor: User) -> None:
    _tell_everyone(
        referral=referral,
        actor=actor,
        event="declined",
        kind=Notification.Kind.REFERRAL_DECLINED,
        subject=f"The referral for {referral.child.known_as} was not accepted; an alternative was arranged",
    )


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
    if not works_at(
        user=actor, organisation_id=referral.receiving_organisation_id, roles=SENIOR_REVIEWER_ROLES
    ):
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
        if outcome == Referral.SeniorReviewOutcome.AGREED:
            _tell_declined(referral=referral, actor=actor)
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


def referral_clock_record(*, actor: User, referral: Referral, clock: str, at: datetime) -> Referral:
    """Record the time of a later step of the wait (R66): first appointment or treatment start.

    Set once each. The first appointment ends the waiting-list entry. (Appointments, once they link to
    the referral, call this when the first appointment is offered.)
    """
    _require_receiving_staff(
        actor=actor, organisation_id=referral.receiving_organisation_id, doing="record this"
    )
    fields = {"first_appointment": "first_appointment_at", "treatment_started": "treatment_started_at"}
    if clock not in fields:
        raise ApplicationError(
            "Choose the step to record: first appointment or treatment start.", field="clock"
        )
    if referral.status != Referral.Status.ACCEPTED:
        raise ApplicationError(
            "Only an accepted referral has a first appointment or a treatment start.", field="clock"
        )
    if at is None:
        raise ApplicationError("Give the date and time.", field="at")
    if at < referral.received_at:
        raise ApplicationError("The time must be after the referral was received.", field="at")
    if getattr(referral, fields[clock]) is not None:
        raise ApplicationError("This step has already been recorded.", field="clock")
    if clock == "treatment_started" and referral.first_appointment_at is None:
        raise ApplicationError("Record the first appointment before the start of treatment.", field="clock")
    with transaction.atomic():
        lock_for_change(referral, "status", *fields.values())
        if referral.status != Referral.Status.ACCEPTED or getattr(referral, fields[clock]) is not None:
            raise ApplicationError("This step has already been recorded.", field="clock")
        if clock == "treatment_started" and referral.first_appointment_at is None:
            raise ApplicationError(
                "Record the first appointment before the start of treatment.", field="clock"
            )
        setattr(referral, fields[clock], at)
        referral.save(update_fields=[fields[clock]])
        if clock == "first_appointment":
            # Off the waiting list now: the first appointment is booked (it may still be ahead).
            WaitingListEntry.objects.filter(referral=referral, ended_at__isnull=True).update(
                ended_at=min(at, timezone.now()), end_reason="First appointment booked"
            )
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=referral,
            child=referral.child,
            detail={"fields": [fields[clock]]},
        )
    return referral


def referral_first_appointments_sync(*, now: datetime | None = None) -> int:
    """Take the first-appointment clock from the appointments booked against accepted referrals (R66).

    The first appointment whose time has come stops the wait clock and takes the child off the waiting
    list; one still in the future leaves them waiting (and contacted) until then. Run by the sweep, so a
    booking made anywhere in Beacon reaches the clock within minutes. Returns how many were recorded.
    """
    now = now or timezone.now()
    recorded = 0
    waiting = (
        Referral.objects.filter(status=Referral.Status.ACCEPTED, first_appointment_at__isnull=True)
        .annotate(first_booked=Min("appointments__starts_at", filter=Q(appointments__starts_at__lte=now)))
        .filter(first_booked__isnull=False)
        .select_related("child")
    )
    for referral in waiting:
        with transaction.atomic():
            updated = Referral.objects.filter(pk=referral.pk, first_appointment_at__isnull=True).update(
                first_appointment_at=referral.first_booked
            )
            if not updated:
                continue  # Another sweep got there first.
            WaitingListEntry.objects.filter(referral=referral, ended_at__isnull=True).update(
                ended_at=referral.first_booked, end_reason="First appointment"
            )
            audit_record(
                actor=None,
                action=AuditEvent.Action.UPDATE,
                target=referral,
                child=referral.child,
                detail={"fields": ["first_appointment_at"], "from": "appointments"},
            )
            recorded += 1
    return recorded
