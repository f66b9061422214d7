"""Writes for consultations, referrals, decisions and waiting well (R32-R42, R63-R69).

Every function validates before writing, writes inside one transaction with its audit row, and tells
the people R51 names after each change of state. Nothing is half-saved: an error is raised before the
first write, or inside the transaction so that it rolls back.
"""

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Min, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Organisation, OrganisationMembership, User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.models import Child, SocialWorkInvolvement
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.notifications.models import Notification
from apps.notifications.services import notification_send
from apps.referrals.models import (
    ConcernLevel,
    Consultation,
    DeclineAlternative,
    PreferredSupport,
    Referral,
    Route,
    WaitingContact,
    WaitingListEntry,
)
from apps.sharing.models import AccessGrant
from apps.sharing.services import child_access_grant

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


def _today() -> date:
    return timezone.localdate()


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


def _require_receiving_staff(*, actor: User, organisation_id: int, doing: str) -> None:
    if not works_at(user=actor, organisation_id=organisation_id):
        raise NotPermitted(f"Only staff of the service receiving it can {doing}.")


def _grant_referral_access(*, child: Child, users: Iterable[User], granted_by: User) -> None:
    """Let the referrer and the receiving service's staff see the child's core record and referrals."""
    for user in users:
        if user.is_professional and user.is_active:
            child_access_grant(
                child=child,
                user=user,
                basis=AccessGrant.Basis.REFERRAL,
                granted_by=granted_by,
                can_change=False,
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


# --- Consultation (R32, R33) ---------------------------------------------------------------------


def consultation_request(
    *,
    actor: User,
    receiving_organisation: Organisation | None,
    route: str,
    concern: str,
    channel: str = Consultation.Channel.ONLINE,
    child: Child | None = None,
    child_description: str = "",
    requester_name: str = "",
    requester_contact: str = "",
    what_has_been_tried: str = "",
    preferred_support: str = "",
    requested_at: datetime | None = None,
) -> Consultation:
    """Ask the single point of access for advice without making a referral (R32).

    Any professional, or a parent or carer, may ask. The child may be named (a record the asker can
    already see) or only described, so that advice can be given before anyone is identified.
    """
    if actor.is_young_person:
        raise NotPermitted("Young people ask for help through a professional or a self-referral.")
    if receiving_organisation is None or not receiving_organisation.is_active:
        raise ApplicationError(
            "Choose the service you are asking for advice.", field="receiving_organisation"
        )
    if actor.is_parent_or_carer:
        route = Route.PARENT_CARER
    _check_choice(route, Route, field="route", message="Choose who is asking for the consultation.")
    _check_choice(channel, Consultation.Channel, field="channel", message="Choose how the request came in.")
    _check_choice(
        preferred_support, PreferredSupport, field="preferred_support", message="Choose a kind of support."
    )
    if not concern.strip():
        raise ApplicationError("Describe the concern you would like advice about.", field="concern")
    if child is None and not child_description.strip():
        raise ApplicationError(
            "Choose the child, or describe them without naming them (for example 'Year 9 pupil').",
            field="child_description",
        )
    with transaction.atomic():
        consultation = Consultation.objects.create(
            child=child,
            child_description=child_description.strip() if child is None else "",
            requested_at=_when(requested_at, field="requested_at"),
            receiving_organisation=receiving_organisation,
            route=route,
            channel=channel,
            requested_by=actor,
            requester_name=requester_name.strip(),
            requester_contact=requester_contact.strip(),
            concern=concern.strip(),
            what_has_been_tried=what_has_been_tried.strip(),
            preferred_support=preferred_support,
        )
        staff = organisation_staff(organisation=receiving_organisation)
        if child is not None:
            _grant_referral_access(child=child, users=staff, granted_by=actor)
            audit_record(actor=actor, action=AuditEvent.Action.CREATE, target=consultation, child=child)
        link = reverse("referrals:consultation-detail", kwargs={"consultation_id": consultation.public_id})
        for person in staff:
            if person != actor:
                notification_send(
                    recipient=person,
                    kind=Notification.Kind.CONSULTATION,
                    dedupe_key=f"consultation:{consultation.pk}:requested:{person.pk}",
                    subject=f"A consultation was requested by {actor}",
                    subject_for_email="a consultation was requested",
                    link=link,
                    child=child,
                )
    return consultation


def consultation_advise(
    *, actor: User, consultation: Consultation, advice: str, outcome: str, advised_at: datetime | None = None
) -> Consultation:
    """Record the advice given and the outcome of a consultation (R32): receiving service staff only."""
    _require_receiving_staff(
        actor=actor, organisation_id=consultation.receiving_organisation_id, doing="record advice"
    )
    if not advice.strip():
        raise ApplicationError("Write down the advice that was given.", field="advice")
    _check_choice(
        outcome, Consultation.Outcome, field="outcome", message="Choose the outcome of the consultation."
    )
    if hasattr(consultation, "referral") and consultation.referral is not None:
        raise ApplicationError("This consultation has already become a referral.", field="outcome")
    with transaction.atomic():
        consultation.advice = advice.strip()
        consultation.outcome = outcome
        consultation.advised_by = actor
        consultation.advised_at = _when(advised_at, after=consultation.requested_at, field="advised_at")
        consultation.save(update_fields=["advice", "outcome", "advised_by", "advised_at"])
        if consultation.child_id:
            audit_record(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                target=consultation,
                child=consultation.child,
                detail={"fields": ["advice", "outcome"]},
            )
        if consultation.requested_by != actor:
            notification_send(
                recipient=consultation.requested_by,
                kind=Notification.Kind.CONSULTATION,
                dedupe_key=f"consultation:{consultation.pk}:advised:{consultation.advised_at.isoformat()}",
                subject="Advice was recorded on the consultation you asked for",
                subject_for_email="advice was recorded on your consultation",
                link=reverse(
                    "referrals:consultation-detail", kwargs={"consultation_id": consultation.public_id}
                ),
                child=consultation.child,
            )
    return consultation


def referral_initial_from_consultation(*, consultation: Consultation) -> dict:
    """What a referral made from this consultation starts with, so nothing is typed twice (R33)."""
    return {
        "receiving_organisation": consultation.receiving_organisation,
        "route": consultation.route,
        "referrer_name": consultation.requester_name,
        "referrer_contact": consultation.requester_contact,
        "presenting_needs": consultation.concern,
        "what_has_been_tried": consultation.what_has_been_tried,
        "preferred_support": consultation.preferred_support,
    }


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
        _grant_referral_access(child=child, users=[actor, *staff], granted_by=actor)
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
                )
        _tell_lead_professional(
            referral=referral,
            actor=actor,
            event="received",
            subject=f"{child.known_as} was referred to {receiving_organisation.name}",
        )
    return referral


def _lead_professional(child: Child) -> User | None:
    from apps.teams.selectors import current_lead_appointment

    appointment = current_lead_appointment(child=child)
    return appointment.membership.user if appointment and appointment.membership.user_id else None


def _tell_lead_professional(*, referral: Referral, actor: User, event: str, subject: str) -> None:
    lead = _lead_professional(referral.child)
    if lead is not None and lead != actor:
        notification_send(
            recipient=lead,
            kind={
                "accepted": Notification.Kind.REFERRAL_ACCEPTED,
                "declined": Notification.Kind.REFERRAL_DECLINED,
            }.get(event, Notification.Kind.REFERRAL_RECEIVED),
            dedupe_key=f"referral:{referral.pk}:{event}:lead:{lead.pk}",
            subject=subject,
            subject_for_email=f"a referral for a child you lead on was {event}",
            link=_referral_link(referral),
            child=referral.child,
        )


def _family_accounts(child: Child) -> list[User]:
    """The young person's own sign-in and the parent and carer accounts consent names for them."""
    from apps.consent.models import Consent
    from apps.consent.selectors import consent_audience

    people = {child.account} if child.account_id and child.account.is_active else set()
    for consent in Consent.objects.filter(child=child, withdrawn_at__isnull=True):
        people.update(user for user in consent_audience(consent=consent) if user.is_parent_or_carer)
    return sorted(people, key=lambda user: user.pk)


def _tell_everyone(*, referral: Referral, actor: User, event: str, kind: str, subject: str) -> None:
    """Tell the referrer, the lead professional and the young person or family (R39, R51).

    Messages to the young person and family say only that there is news; what it is, in plain English,
    is behind their sign-in, because a phone's lock screen can be seen by anyone.
    """
    if referral.made_by != actor:
        notification_send(
            recipient=referral.made_by,
            kind=kind,
            dedupe_key=f"referral:{referral.pk}:{event}:referrer",
            subject=subject,
            subject_for_email=f"a referral you made was {event}",
            link=_referral_link(referral),
            child=referral.child,
        )
    _tell_lead_professional(referral=referral, actor=actor, event=event, subject=subject)
    for person in _family_accounts(referral.child):
        notification_send(
            recipient=person,
            kind=kind,
            dedupe_key=f"referral:{referral.pk}:{event}:family:{person.pk}",
            subject="There is news about the request for help. Sign in to read it.",
            subject_for_email="there is news for you",
            body=family_message(referral=referral),
            link="",
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
    if referral.status not in (Referral.Status.RECEIVED, Referral.Status.TRIAGED, Referral.Status.ACCEPTED):
        raise ApplicationError(
            f"This referral is {referral.get_status_display().lower()}: it cannot be triaged.",
            field="urgency",
        )
    now = _when(triaged_at, after=referral.received_at, field="triaged_at")
    with transaction.atomic():
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
        referral.save()
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
    if referral.status != Referral.Status.TRIAGED:
        raise ApplicationError(
            "Triage the referral (set its urgency) before accepting it."
            if referral.status == Referral.Status.RECEIVED
            else f"This referral is {referral.get_status_display().lower()}: it cannot be accepted now.",
            field="status",
        )
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
    if referral.status not in (Referral.Status.RECEIVED, Referral.Status.TRIAGED):
        raise ApplicationError(
            f"This referral is {referral.get_status_display().lower()}: it cannot be declined now.",
            field="reason",
        )
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
        referral.status = Referral.Status.DECLINE_PENDING_REVIEW if needs_senior else Referral.Status.DECLINED
        referral.decline_reason = reason
        referral.decline_explanation = explanation.strip()
        referral.is_equity_risk_decline = needs_senior
        referral.decided_by = actor
        referral.decided_at = decided_at
        referral.save()
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


def referral_senior_review(*, actor: User, referral: Referral, outcome: str, note: str) -> Referral:
    """A senior reviewer agrees with, or overturns, a decline for an instability reason (R40).

    Agreed: the decline takes effect and everyone is told. Overturned: the referral goes back to triage.
    The reviewer must be a team manager or clinical lead of the receiving service, and not the decider.
    """
    if referral.status != Referral.Status.DECLINE_PENDING_REVIEW:
        raise ApplicationError("This referral is not waiting for a senior review.", field="outcome")
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
        referral.senior_reviewer = actor
        referral.senior_reviewed_at = timezone.now()
        referral.senior_review_outcome = outcome
        referral.senior_review_note = note.strip()
        if outcome == Referral.SeniorReviewOutcome.AGREED:
            referral.status = Referral.Status.DECLINED
        else:
            # Back to triage; the attempted instability decline stays recorded for equity reporting.
            referral.status = Referral.Status.TRIAGED if referral.urgency else Referral.Status.RECEIVED
        referral.save()
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
            )
    return referral


def family_message(*, referral: Referral) -> str:
    """What the young person and family read about the decision, in plain English (R39, R51)."""
    service = referral.receiving_organisation.name
    if referral.status == Referral.Status.ACCEPTED:
        return (
            f"{service} has said yes to the request for help. While you wait for your first appointment, "
            "someone from the service will contact you to explain what they offer, what they do and what "
            "they will ask you. If things get worse while you wait, tell them or the person who referred you."
        )
    if referral.status == Referral.Status.DECLINED:
        lines = [
            f"{service} is not the right service for this, but here is what we have arranged instead:",
            *[f"- {alternative.detail}" for alternative in referral.alternatives.all()],
            "",
            f"Why: {referral.decline_explanation}",
            "If things get worse, or this does not help, the person who referred you can ask again.",
        ]
        return "\n".join(lines)
    return f"{service} has your request for help and will be in touch about what happens next."


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


# --- Waiting well (R63-R69) --------------------------------------------------------------------------


def waiting_contact_record(
    *,
    actor: User,
    entry: WaitingListEntry,
    method: str,
    spoke_with: str,
    contacted_at: datetime,
    explained_service: bool,
    risk_check: str,
    signposting: str,
    note: str = "",
) -> WaitingContact:
    """Record a contact with a waiting child or family: its risk check and the support signposted (R64, R65).

    The first contact that explains what the service offers, its role and what it will ask is the
    trust-building contact; after it, the next contact is due after the configured interval. "Worse"
    flags the referral for urgent re-triage and tells the lead professional and the triaging clinician.
    """
    _require_receiving_staff(
        actor=actor, organisation_id=entry.organisation_id, doing="record a waiting contact"
    )
    if entry.ended_at is not None:
        raise ApplicationError("This child is no longer on the waiting list.", field="contacted_at")
    _check_choice(method, WaitingContact.Method, field="method", message="Choose how the contact was made.")
    _check_choice(
        risk_check,
        WaitingContact.RiskCheck,
        field="risk_check",
        message="Record the risk check: are things better, about the same, or worse?",
    )
    if not spoke_with.strip():
        raise ApplicationError("Say who you spoke with.", field="spoke_with")
    if not signposting.strip():
        raise ApplicationError(
            "Record the support you told them about while they wait (or why none was needed).",
            field="signposting",
        )
    if contacted_at is None or contacted_at > timezone.now():
        raise ApplicationError(
            "The contact must have happened already: give its date and time.", field="contacted_at"
        )
    if contacted_at < entry.started_at:
        raise ApplicationError(
            "The contact must be after the child joined the waiting list.", field="contacted_at"
        )
    interval = settings.BEACON_WAITING_CONTACT_INTERVAL_DAYS
    if interval < 1:  # Refused at start-up too (apps/referrals/checks.py).
        raise ApplicationError("The waiting-contact interval must be at least one day.", field="contacted_at")
    trust_built = entry.contacts.filter(kind=WaitingContact.Kind.TRUST_BUILDING).exists()
    kind = (
        WaitingContact.Kind.TRUST_BUILDING
        if explained_service and not trust_built
        else WaitingContact.Kind.REGULAR
    )
    referral = entry.referral
    with transaction.atomic():
        contact = WaitingContact.objects.create(
            entry=entry,
            kind=kind,
            method=method,
            spoke_with=spoke_with.strip(),
            contacted_at=contacted_at,
            explained_service=explained_service,
            risk_check=risk_check,
            signposting=signposting.strip(),
            note=note.strip(),
            recorded_by=actor,
        )
        if trust_built or kind == WaitingContact.Kind.TRUST_BUILDING:
            entry.next_contact_due_on = timezone.localdate(contacted_at) + timedelta(days=interval)
        else:
            # The trust-building contact is still owed: it stays due on its date.
            entry.next_contact_due_on = entry.first_contact_due_on
        entry.save(update_fields=["next_contact_due_on"])
        if referral.first_contact_at is None or contacted_at < referral.first_contact_at:
            referral.first_contact_at = contacted_at
            referral.save(update_fields=["first_contact_at"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=contact,
            child=entry.child,
            detail={"kind": kind, "risk_check": risk_check},
        )
        if risk_check == WaitingContact.RiskCheck.WORSE:
            _escalate_worse(actor=actor, contact=contact, referral=referral)
    return contact


def _escalate_worse(*, actor: User, contact: WaitingContact, referral: Referral) -> None:
    """Things are getting worse while waiting (R63): urgent re-triage, and the right people told now."""
    referral.needs_retriage = True
    referral.retriage_reason = (
        f"Reported worse at a waiting contact on {timezone.localtime(contact.contacted_at):%-d %B %Y}"
    )
    referral.save(update_fields=["needs_retriage", "retriage_reason"])
    recipients = {
        person
        for person in (_lead_professional(referral.child), referral.triaged_by, referral.decided_by)
        if person
    }
    for person in sorted(recipients, key=lambda user: user.pk):
        notification_send(
            recipient=person,
            kind=Notification.Kind.WAITING_WORSE,
            dedupe_key=f"waiting-contact:{contact.pk}:worse:{person.pk}",
            subject=f"Things are getting worse for {referral.child.known_as} while waiting: re-triage now",
            subject_for_email="a child on the waiting list is getting worse",
            body=contact.note,
            link=_referral_link(referral),
            child=referral.child,
        )


def waiting_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Flag waiting contacts that are due and wait targets about to be breached (R64-R66).

    Run by a periodic Celery task. Each alert has a dedupe key naming the due date or target, so the
    sweep can run any number of times and each person hears about each one once.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    counts = {"contacts_due": 0, "targets_at_risk": 0}
    referral_first_appointments_sync(now=now)
    due = WaitingListEntry.objects.filter(
        ended_at__isnull=True, next_contact_due_on__lte=today
    ).select_related("referral__triaged_by", "referral__decided_by", "referral__child", "organisation")
    for entry in due:
        referral = entry.referral
        recipients = {p for p in (referral.decided_by, referral.triaged_by) if p} or set(
            organisation_staff(organisation=entry.organisation)
        )
        for person in sorted(recipients, key=lambda user: user.pk):
            _, created = notification_send(
                recipient=person,
                kind=Notification.Kind.WAITING_CONTACT_DUE,
                dedupe_key=f"waiting:{entry.pk}:contact-due:{entry.next_contact_due_on.isoformat()}:{person.pk}",
                subject=f"A waiting-list contact with {referral.child.known_as} is due",
                subject_for_email="a waiting-list contact is due",
                link=reverse("referrals:waiting-list"),
                child=referral.child,
            )
            counts["contacts_due"] += created
    fraction = settings.BEACON_WAIT_ALERT_FRACTION
    # An appointment booked before the target means the target will be met: no warning for it.
    booked_in_time = Exists(
        Referral.objects.filter(pk=OuterRef("pk"), appointments__starts_at__lte=OuterRef("target_at"))
    )
    open_waits = Referral.objects.filter(
        ~booked_in_time,
        status__in=[Referral.Status.TRIAGED, Referral.Status.ACCEPTED],
        target_at__isnull=False,
        first_appointment_at__isnull=True,
    ).select_related("child", "receiving_organisation", "triaged_by", "decided_by")
    for referral in open_waits:
        warn_at = referral.received_at + (referral.target_at - referral.received_at) * fraction
        if now < warn_at:
            continue
        recipients = {p for p in (referral.decided_by, referral.triaged_by) if p}
        recipients.update(
            organisation_staff(organisation=referral.receiving_organisation, roles=SENIOR_REVIEWER_ROLES)
        )
        for person in sorted(recipients, key=lambda user: user.pk):
            _, created = notification_send(
                recipient=person,
                kind=Notification.Kind.WAIT_TARGET_AT_RISK,
                dedupe_key=f"referral:{referral.pk}:target:{referral.target_at.isoformat()}:{person.pk}",
                subject=(
                    f"{referral.child.known_as} has no first appointment and the "
                    f"{referral.get_urgency_display().lower()} target is "
                    f"{timezone.localtime(referral.target_at):%-d %B %Y %H:%M}"
                ),
                subject_for_email="a wait target is about to be missed",
                link=_referral_link(referral),
                child=referral.child,
            )
            counts["targets_at_risk"] += created
    return counts
