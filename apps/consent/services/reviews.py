"""Consent and competence reviews (R82): scheduling, completing, and the safer setting until one is done."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.models import Child
from apps.consent.models import (
    ConsentReview,
)
from apps.consent.selectors import (
    PRESUMED_COMPETENT_AGE,
)
from apps.consent.services.common import _access_changed, _today
from apps.core.exceptions import ApplicationError
from apps.core.locking import lock_for_change


def consent_review_schedule(*, child: Child, reason: str, due_on: date) -> tuple[ConsentReview, bool]:
    """Ask for consent and competence to be reviewed (R82). Until it is done, the safer setting holds.

    The safer setting: consents given by a parent alone are set aside, because the decision may now be
    the young person's. Scheduling the same review twice creates one.
    """
    try:
        with transaction.atomic():
            review = ConsentReview.objects.create(child=child, reason=reason, due_on=due_on)
    except IntegrityError:
        return ConsentReview.objects.get(child=child, reason=reason, due_on=due_on), False
    if due_on <= _today():
        _resync_everyone(child=child)
    return review, True


def placement_change_review_schedule(*, child: Child, started_on: date) -> None:
    """A looked-after child's placement changed: new people around them, so consent is looked at again
    from the day it began (R82). Registered with ``apps.children.services.PLACEMENT_CHANGED``."""
    consent_review_schedule(child=child, reason=ConsentReview.Reason.PLACEMENT_CHANGE, due_on=started_on)


def consent_review_complete(*, actor: User, review: ConsentReview, outcome_note: str) -> ConsentReview:
    """Record that consent and competence were reviewed with the young person; parental consents apply again
    where they are still valid."""
    if review.completed_on is not None:
        raise ApplicationError("This review is already done.")
    if not outcome_note.strip():
        raise ValidationError({"outcome_note": "Record what was decided with the young person"})
    with transaction.atomic():
        lock_for_change(review, "completed_on")
        if review.completed_on is not None:
            raise ApplicationError("This review is already done.")
        review.completed_on = _today()
        review.completed_by = actor
        review.outcome_note = outcome_note.strip()
        review.save(update_fields=["completed_on", "completed_by", "outcome_note"])
        _resync_everyone(child=review.child)
        audit_record(actor=actor, action=AuditEvent.Action.UPDATE, target=review, child=review.child)
    return review


def consent_review_sweep(*, today: date | None = None) -> int:
    """Schedule a review for every child who turns 16 today or turned 16 since the last run (R82).

    Looks back a week so that a sweep missed for a few days still catches every birthday; the unique
    constraint on (child, reason, date) keeps it to one review each.
    """
    today = today or _today()
    created = 0
    for days_ago in range(7):
        day = today - timedelta(days=days_ago)
        try:
            birthdays = day.replace(year=day.year - PRESUMED_COMPETENT_AGE)
        except ValueError:  # 29 February: those born on it turn 16 on 28 February in other years.
            continue
        for child in Child.objects.filter(date_of_birth=birthdays):
            created += consent_review_schedule(
                child=child, reason=ConsentReview.Reason.SIXTEENTH_BIRTHDAY, due_on=day
            )[1]
    return created


def _resync_everyone(*, child: Child) -> None:
    """Recompute permissions for everyone with any reason to see the child."""
    _access_changed(child=child)
