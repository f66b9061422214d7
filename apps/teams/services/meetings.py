"""Recording a team meeting, with the actions agreed at it."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.categories import Category
from apps.children.models import Child
from apps.teams.free_text import described_category_clean
from apps.teams.models import Action, Meeting, MeetingParticipant
from apps.teams.services.common import _action_build


def _meeting_errors(
    *, held_at: datetime, young_person_views: str, young_person_views_not_given_reason: str
) -> dict:
    if held_at <= timezone.now() and not (
        young_person_views.strip() or young_person_views_not_given_reason.strip()
    ):
        return {
            "young_person_views": "Record the young person's views in their own words, or say why they were "
            "not given"
        }
    return {}


def meeting_record(
    *,
    actor: User,
    child: Child,
    kind: str,
    held_at: datetime,
    location: str = "",
    young_person_views: str = "",
    young_person_views_not_given_reason: str = "",
    decisions: str = "",
    decisions_category: str = "",
    participants: list[dict] = (),
    actions: list[dict] = (),
) -> Meeting:
    """Record a multi-agency meeting: who came, the young person's views, decisions and actions (R25).

    A meeting that has happened must carry the young person's views in their own words, or why they were
    not given. Each action has one owner in the team and a due date. The decisions and each action are held
    in the category they describe: the plans category, or the sensitive one they mention (R80).
    """
    errors = {}
    try:
        decisions_category = described_category_clean(
            decisions_category, home=Category.PLANS, field="decisions_category"
        )
    except ValidationError as error:
        errors.update(error.message_dict)
        decisions_category = Category.PLANS.value
    meeting = Meeting(
        child=child,
        kind=kind,
        held_at=held_at,
        location=location.strip(),
        young_person_views=young_person_views.strip(),
        young_person_views_not_given_reason=young_person_views_not_given_reason.strip(),
        decisions=decisions.strip(),
        decisions_category=decisions_category,
        recorded_by=actor,
    )
    try:
        meeting.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    errors.update(
        _meeting_errors(
            held_at=held_at,
            young_person_views=young_person_views,
            young_person_views_not_given_reason=young_person_views_not_given_reason,
        )
    )
    action_rows = []
    for index, item in enumerate(actions):
        try:
            action_rows.append(_action_build(child=child, index=index, item=item, actor=actor))
        except ValidationError as error:
            errors.update(error.message_dict)
    participant_rows = []
    for index, item in enumerate(participants):
        membership = item.get("membership")
        if membership is not None and membership.child_id != child.pk:
            errors[f"participants.{index}.membership"] = ["Only members of this child's team can be chosen"]
        elif membership is None and not (item.get("name") or "").strip():
            errors[f"participants.{index}.name"] = ["Name the person, or choose them from the team"]
        participant_rows.append(
            MeetingParticipant(
                membership=membership,
                name=(item.get("name") or "").strip(),
                invited=item.get("invited", True),
                attended=item.get("attended", False),
            )
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting.save()
        for row in participant_rows:
            row.meeting = meeting
        MeetingParticipant.objects.bulk_create(participant_rows)
        for row in action_rows:
            row.meeting = meeting
        Action.objects.bulk_create(action_rows)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=meeting,
            child=child,
            detail={"participants": len(participant_rows), "actions": len(action_rows)},
        )
    return meeting
