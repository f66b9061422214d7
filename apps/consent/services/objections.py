"""A competent young person's objections to their lead professional's coordination basis."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.models import Child
from apps.consent.models import (
    CoordinationObjection,
)
from apps.consent.selectors import (
    young_person_competent,
)
from apps.consent.services.common import _access_changed, _today
from apps.core.exceptions import ApplicationError, NotPermitted


def coordination_objection_record(
    *, actor: User, child: Child, category: str, judgement: str, in_their_words: str = ""
) -> CoordinationObjection:
    """A competent young person objects to their lead professional seeing a category without their consent.

    The lead professional sees what they coordinate (team, appointments, referrals, plans) on a coordination
    basis, not consent; the young person's voice still holds. Only a young person able to decide (16 or over,
    or Gillick competent) can object, themselves or through a professional who records it with the judgement
    they made. From the next request the lead sees that category only with consent or a safeguarding override.
    """
    from apps.children.categories import COORDINATED

    if actor.is_young_person and child.account_id != actor.pk:
        raise NotPermitted("Only the young person themselves can object to who sees their information.")
    if not (actor.is_young_person or actor.is_professional):
        raise NotPermitted("A young person's objection is theirs: a parent or carer cannot make it for them.")
    errors = {}
    if category not in COORDINATED:
        errors["category"] = (
            "Choose what the lead professional coordinates: the team, appointments, referrals, or plans and "
            "meetings"
        )
    if not judgement.strip():
        errors["judgement"] = "Record the professional judgement you made with the young person"
    if not young_person_competent(child=child):
        errors["category"] = (
            f"{child.known_as} is under 16 and has not been assessed as competent to decide about sharing "
            "their information, so cannot object yet. Record a competence assessment first"
        )
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            objection = CoordinationObjection.objects.create(
                child=child,
                category=category,
                in_their_words=in_their_words.strip(),
                judgement=judgement.strip(),
                recorded_by=actor,
                recorded_on=_today(),
            )
            _access_changed(child=child)
            audit_record(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                target=objection,
                child=child,
                detail={"category": category},
            )
    except IntegrityError:  # Another request recorded the same objection at the same moment.
        raise ValidationError({"category": "The young person has already objected to this"}) from None
    return objection


def coordination_objection_end(*, actor: User, objection: CoordinationObjection) -> CoordinationObjection:
    """The young person lets their lead professional see this category again on a coordination basis."""
    if actor.is_young_person and objection.child.account_id != actor.pk:
        raise NotPermitted("Only the young person themselves can end their objection.")
    with transaction.atomic():
        ended = CoordinationObjection.objects.filter(pk=objection.pk, ended_on__isnull=True).update(
            ended_on=_today(), ended_by=actor
        )
        if not ended:
            raise ApplicationError("This objection has already ended.")
        objection.refresh_from_db()
        _access_changed(child=objection.child)
        audit_record(actor=actor, action=AuditEvent.Action.UPDATE, target=objection, child=objection.child)
    return objection
