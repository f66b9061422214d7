"""The safeguarding override (R76): opening one, the lead's review, telling the young person."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import OrganisationMembership, User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.categories import Category
from apps.children.models import Child
from apps.consent.models import (
    SafeguardingOverride,
)
from apps.consent.services.common import (
    OVERRIDE_OPENED,
    OVERRIDE_REVIEWED,
    SAFEGUARDING_LEAD_ROLE,
    TASK_ACCESS_HELD,
    _access_changed,
    _today,
    override_review_task_key,
)
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.core.locking import lock_for_change


def safeguarding_override_open(
    *,
    actor: User,
    child: Child,
    lawful_basis: str,
    justification: str,
    categories: Iterable[str],
) -> SafeguardingOverride:
    """See a child's information without consent to protect them (R76): break-glass.

    Only with a lawful basis, a justification in words and the categories of information needed, chosen one
    by one (none chosen is refused: it never means "everything", sensitive categories included); it lasts a
    limited time (72 hours unless configured); the review is routed and alerted by ``OVERRIDE_OPENED`` (the
    opener's organisation's safeguarding leads first, with fallbacks so it never reaches nobody:
    ``apps.notifications.routing``), and the young person is told later when that is judged safe.
    """
    categories = list(dict.fromkeys(categories))
    errors = {}
    if lawful_basis not in SafeguardingOverride.LawfulBasis.values:
        errors["lawful_basis"] = "Choose the lawful basis for seeing the information without consent"
    if len(justification.strip()) < 20:
        errors["justification"] = "Explain why this cannot wait for consent, in a sentence or two"
    if not categories:
        errors["categories"] = (
            "Choose the information you need to see: an override covers only what you choose"
        )
    elif any(c not in Category.values for c in categories):
        errors["categories"] = "Choose kinds of information from the list"
    if not actor.is_professional:
        raise ApplicationError("Only professionals can open a safeguarding override.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        override = SafeguardingOverride.objects.create(
            child=child,
            opened_by=actor,
            lawful_basis=lawful_basis,
            justification=justification.strip(),
            categories=categories,
            starts_at=now,
            expires_at=now + timedelta(hours=settings.BEACON_OVERRIDE_HOURS),
        )
        _access_changed(child=child)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.GRANT,
            target=override,
            child=child,
            basis=override.get_lawful_basis_display(),
            detail={"categories": categories},
        )
        OVERRIDE_OPENED(override=override, actor=actor)
    return override


def _already_reviewed(override: SafeguardingOverride) -> str:
    return (
        f"This override has already been reviewed, on {timezone.localtime(override.reviewed_at):%-d %B %Y}: "
        "the first review stands."
    )


OVERRIDE_REVIEW_REFUSED = (
    "Only a safeguarding lead of the organisation that holds the record, or of the organisation of the "
    "person who opened the override, or the person its review was sent to, can review it."
)


def safeguarding_override_concerned_organisations(*, override: SafeguardingOverride) -> set[int]:
    """The organisations an override concerns: the one that holds the child's record and the opener's own
    (today's memberships). Their safeguarding leads are the ones alerted to it, and the ones who review it."""
    holder = override.child.created_by_organisation_id
    return ({holder} if holder is not None else set()) | set(
        OrganisationMembership.objects.current()
        .filter(user_id=override.opened_by_id)
        .values_list("organisation_id", flat=True)
    )


def safeguarding_override_check_may_review(*, actor: User, override: SafeguardingOverride) -> None:
    """Who may review an override (R76): a current safeguarding lead of an organisation it concerns, or the
    person its review was routed to while that review is open (a team manager or administrator where there
    is no safeguarding lead: the task grant records it), never the person who opened it. Anyone else gets
    ``NotPermitted``; the page and the API both ask this."""
    if actor.pk == override.opened_by_id:
        raise NotPermitted(OVERRIDE_REVIEW_REFUSED)
    leads_at = OrganisationMembership.objects.current().filter(user=actor, role__code=SAFEGUARDING_LEAD_ROLE)
    if leads_at.filter(
        organisation_id__in=safeguarding_override_concerned_organisations(override=override)
    ).exists():
        return
    if override.reviewed_at is None and TASK_ACCESS_HELD.first_answer(
        user=actor, task_key=override_review_task_key(override)
    ):
        return
    raise NotPermitted(OVERRIDE_REVIEW_REFUSED)


def safeguarding_override_review(
    *, actor: User, override: SafeguardingOverride, outcome: str, note: str, end_now: bool = False
) -> SafeguardingOverride:
    """The safeguarding lead reviews an override: justified or not, with a note; they may end it at once.

    Only a safeguarding lead of an organisation the override concerns
    (``safeguarding_override_check_may_review``)."""
    if override.reviewed_at is not None:
        raise ApplicationError(_already_reviewed(override))
    if actor.pk == override.opened_by_id:
        raise ApplicationError("Someone else must review an override: not the person who opened it.")
    safeguarding_override_check_may_review(actor=actor, override=override)
    if outcome not in SafeguardingOverride.ReviewOutcome.values:
        raise ValidationError({"outcome": "Say whether the override was justified"})
    if not note.strip():
        raise ValidationError({"note": "Record the reasons for your decision"})
    with transaction.atomic():
        # Under the override's lock: a second review a moment later must not overwrite the first.
        lock_for_change(override, "reviewed_at", "reviewed_by_id", "ended_at")
        if override.reviewed_at is not None:
            raise ApplicationError(_already_reviewed(override))
        override.reviewed_by = actor
        override.reviewed_at = timezone.now()
        override.review_outcome = outcome
        override.review_note = note.strip()
        fields = ["reviewed_by", "reviewed_at", "review_outcome", "review_note"]
        if end_now or outcome == SafeguardingOverride.ReviewOutcome.NOT_UPHELD:
            override.ended_at = timezone.now()
            fields.append("ended_at")
        override.save(update_fields=fields)
        _access_changed(child=override.child)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=override,
            child=override.child,
            detail={"review_outcome": outcome},
        )
        OVERRIDE_REVIEWED(override=override, actor=actor)
    return override


OVERRIDE_TOLD_REFUSED = (
    "Only the person who opened it, the safeguarding lead or the child's lead can record this."
)


def safeguarding_override_check_may_record_told(
    *, actor: User, override: SafeguardingOverride, may_change_record: bool
) -> None:
    """Who may record that the young person was told about an override (R76): the person who opened it,
    someone who may change the child's record (the lead professional), or a safeguarding lead. Anyone else
    gets ``NotPermitted``: whether and when to tell a young person is a safeguarding judgement.

    ``may_change_record`` is the access decision's answer for the actor and the child
    (``child_access(...).can_change``), asked by the page and the API, which sit above it."""
    if actor.pk == override.opened_by_id:
        return
    if (
        OrganisationMembership.objects.current()
        .filter(user=actor, role__code=SAFEGUARDING_LEAD_ROLE)
        .exists()
    ):
        return
    if not may_change_record:
        raise NotPermitted(OVERRIDE_TOLD_REFUSED)


def safeguarding_override_young_person_told(
    *, actor: User, override: SafeguardingOverride, told_on: date, may_change_record: bool
) -> SafeguardingOverride:
    """Record that the young person has been told about the override, once it was judged safe to (R76)."""
    safeguarding_override_check_may_record_told(
        actor=actor, override=override, may_change_record=may_change_record
    )
    if told_on > _today():
        raise ValidationError({"told_on": "The date must be today or in the past"})
    with transaction.atomic():
        lock_for_change(override, "young_person_told_on")
        if override.young_person_told_on is not None:
            told = f"{override.young_person_told_on:%-d %B %Y}"
            raise ApplicationError(
                f"Telling the young person was already recorded, on {told}.", field="told_on"
            )
        override.young_person_told_on = told_on
        override.young_person_told_by = actor
        override.save(update_fields=["young_person_told_on", "young_person_told_by"])
        audit_record(actor=actor, action=AuditEvent.Action.UPDATE, target=override, child=override.child)
    return override
