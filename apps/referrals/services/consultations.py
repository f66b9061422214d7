"""Consultation before referral (R32, R33): advice without a referral, and the referral it may become."""

from datetime import datetime

from django.db import transaction
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.accounts.selectors import OrganisationUse, organisation_type_problem
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.categories import Category
from apps.children.models import Child
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.core.locking import lock_for_change
from apps.notifications.models import Notification
from apps.notifications.services import notification_send
from apps.referrals.models import (
    Consultation,
    PreferredSupport,
    Referral,
    Route,
)
from apps.referrals.services.common import (
    _check_choice,
    _grant_referral_access,
    _require_receiving_staff,
    _when,
    organisation_staff,
)

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
    wrong_service = organisation_type_problem(receiving_organisation, OrganisationUse.RECEIVES_REFERRALS)
    if wrong_service:
        raise ApplicationError(wrong_service, field="receiving_organisation")
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
            _grant_referral_access(child=child, organisation=receiving_organisation, granted_by=actor)
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
                    # A named child: the referrals category. An unnamed one: no child, no category.
                    category=Category.REFERRALS if child is not None else "",
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
        # Under the consultation's lock, so advice cannot be written on a consultation becoming a referral.
        lock_for_change(consultation, "advice")
        if Referral.objects.filter(consultation=consultation).exists():
            raise ApplicationError("This consultation has already become a referral.", field="outcome")
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
                category=Category.REFERRALS if consultation.child_id else "",
                involved=True,  # The consultation they asked for.
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
