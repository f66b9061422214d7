"""What a competent young person keeps from their parents or carers (R74)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.categories import Category
from apps.children.models import Child
from apps.consent.models import (
    ParentWithholding,
)
from apps.consent.selectors import (
    young_person_competent,
)
from apps.consent.services.common import _access_changed, _today
from apps.core.exceptions import ApplicationError
from apps.core.locking import lock_for_change


def parent_withholding_record(
    *, actor: User, child: Child, category: str, judgement: str
) -> ParentWithholding:
    """A competent young person asks that a kind of information is kept from their parents or carers (R74).

    Only a young person able to decide (16 or over, or Gillick competent) can ask; staff record the judgement
    they made. From the next request no parent or carer sees that category, whatever consent says.
    """
    errors = {}
    if category not in Category.values:
        errors["category"] = "Choose the kind of information to keep from parents and carers"
    if not judgement.strip():
        errors["judgement"] = "Record the judgement you made with the young person"
    if not young_person_competent(child=child):
        errors["category"] = (
            f"{child.known_as} is under 16 and has not been assessed as competent to decide about sharing "
            "their information, so cannot ask for this yet"
        )
    if errors:
        raise ValidationError(errors)
    if ParentWithholding.objects.filter(child=child, category=category, ended_on__isnull=True).exists():
        raise ValidationError({"category": "This is already kept from parents and carers"})
    with transaction.atomic():
        withholding = ParentWithholding.objects.create(
            child=child,
            category=category,
            judgement=judgement.strip(),
            recorded_by=actor,
            recorded_on=_today(),
        )
        _access_changed(child=child)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=withholding,
            child=child,
            detail={"category": category},
        )
    return withholding


def parent_withholding_end(*, actor: User, withholding: ParentWithholding) -> ParentWithholding:
    """The young person lets their parents or carers see this category again, where consent allows."""
    if withholding.ended_on is not None:
        raise ApplicationError("This has already ended.")
    with transaction.atomic():
        lock_for_change(withholding, "ended_on")
        if withholding.ended_on is not None:
            raise ApplicationError("This has already ended.")
        withholding.ended_on = _today()
        withholding.save(update_fields=["ended_on"])
        _access_changed(child=withholding.child)
        audit_record(
            actor=actor, action=AuditEvent.Action.UPDATE, target=withholding, child=withholding.child
        )
    return withholding
