"""Gillick competence assessments of a young person under 16 (R73)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.models import Child
from apps.consent.models import (
    CompetenceAssessment,
)
from apps.consent.services.common import (
    _today,
)


def competence_assess(
    *,
    actor: User,
    child: Child,
    assessed_on: date,
    decision: str,
    outcome: str,
    scope: str = CompetenceAssessment.Scope.INFORMATION_SHARING,
    notes: str = "",
) -> CompetenceAssessment:
    """Record a Gillick competence assessment: assessor, date, the decision it covers, the outcome (R73)."""
    if assessed_on > _today():
        raise ValidationError({"assessed_on": "The assessment date must be today or in the past"})
    assessment = CompetenceAssessment(
        child=child,
        assessor=actor,
        assessed_on=assessed_on,
        decision=decision.strip(),
        outcome=outcome,
        scope=scope,
        notes=notes.strip(),
    )
    assessment.full_clean()
    with transaction.atomic():
        assessment.save()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=assessment,
            child=child,
            detail={"outcome": outcome},
        )
    return assessment
