"""Actions on the team's members: adding one, completing it, and the daily reminder of those due or
overdue.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.categories import Category
from apps.children.models import Child
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.core.locking import lock_for_change
from apps.notifications.models import Notification
from apps.notifications.services import notification_send
from apps.sharing.access import child_access
from apps.teams.free_text import free_text_shown
from apps.teams.models import ACTION_COMPLETE_REFUSED, Action, LeadProfessionalAppointment
from apps.teams.services.common import _action_build, _child_link, _today


def action_add(
    *,
    actor: User,
    child: Child,
    description: str,
    owner: User | None,
    due_on: date | None,
    description_category: str = "",
    meeting=None,
) -> Action:
    """Agree an action for a child: one owner in the team, and a date it is due.

    The action is held in the category it describes; one about a sensitive category goes only to an owner
    who may see that category, so nobody is given a task they are not allowed to read (R80).
    """
    action = _action_build(
        child=child,
        index=None,
        item={
            "description": description,
            "description_category": description_category,
            "owner": owner,
            "due_on": due_on,
        },
        actor=actor,
        meeting=meeting,
    )
    with transaction.atomic():
        action.save()
        audit_record(actor=actor, action=AuditEvent.Action.CREATE, target=action, child=child)
    return action


def action_complete(*, actor: User, action: Action, completed_on: date | None = None) -> Action:
    """Mark an action done. Reminders and escalations stop with it.

    The owner marks their own action done; anyone else needs to be able to change the child's record.
    """
    can_change_record = child_access(user=actor, child=action.child).can_change
    if not action.may_be_completed_by(actor, can_change_record=can_change_record):
        raise NotPermitted(ACTION_COMPLETE_REFUSED)
    if action.completed_on is not None:
        raise ApplicationError(f"This action was already marked as done on {action.completed_on:%-d %B %Y}.")
    completed_on = completed_on or _today()
    if completed_on > _today():
        raise ValidationError({"completed_on": "The date it was done must be today or in the past"})
    with transaction.atomic():
        lock_for_change(action, "completed_on")
        if action.completed_on is not None:
            raise ApplicationError(
                f"This action was already marked as done on {action.completed_on:%-d %B %Y}."
            )
        action.completed_on = completed_on
        action.save(update_fields=["completed_on"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            target=action,
            child=action.child,
            detail={"fields": ["completed_on"]},
        )
    return action


def _action_body(*, action: Action, recipient: User) -> str:
    """What a reminder says about the action: its words only if the recipient could read them on the page
    (a sensitive action escalated to a lead professional without that consent says only where to look)."""
    access = child_access(user=recipient, child=action.child)
    shown = free_text_shown(access=access, record=action, field="description")
    if shown.withheld or not shown.text:
        return "Open the child's team page in Beacon to see the action and who owns it."
    return shown.text


def action_reminder_sweep(*, today: date | None = None) -> dict[str, int]:
    """Remind owners before an action is due, and tell the lead professional about overdue actions.

    Runs from a periodic Celery task. Each reminder has its own dedupe key, so running the sweep twice,
    or two at once, sends nothing twice. Returns how many new notifications each kind produced.
    """
    today = today or _today()
    remind_from = today + timedelta(days=settings.BEACON_ACTION_REMINDER_DAYS)
    counts = {"due_soon": 0, "overdue": 0}
    open_actions = Action.objects.open().select_related("child", "owner")
    for action in open_actions.filter(due_on__gte=today, due_on__lte=remind_from):
        _, created = notification_send(
            recipient=action.owner,
            kind=Notification.Kind.ACTION_DUE_SOON,
            dedupe_key=f"action:{action.pk}:due-soon",
            subject=f"An action for {action.child.known_as} is due on {action.due_on:%-d %B %Y}",
            subject_for_email=f"an action is due on {action.due_on:%-d %B %Y}",
            body=_action_body(action=action, recipient=action.owner),
            child=action.child,
            # Actions belong to plans, meetings and reviews; the owner holds this one.
            category=Category.PLANS,
            involved=True,
            link=_child_link(action.child),
        )
        counts["due_soon"] += created
    overdue = list(Action.objects.overdue(today=today).select_related("child", "owner"))
    leads = {
        appointment.child_id: appointment.membership.user
        for appointment in LeadProfessionalAppointment.objects.filter(
            child_id__in={action.child_id for action in overdue}, ended_on__isnull=True
        ).select_related("membership__user")
    }
    for action in overdue:
        # Escalate to the lead professional; a child without one leaves it with the owner.
        recipient = leads.get(action.child_id) or action.owner
        _, created = notification_send(
            recipient=recipient,
            kind=Notification.Kind.ACTION_OVERDUE,
            dedupe_key=f"action:{action.pk}:overdue",
            subject=f"An action for {action.child.known_as} owned by {action.owner} is overdue",
            subject_for_email="an action for a child on your caseload is overdue",
            body=_action_body(action=action, recipient=recipient),
            child=action.child,
            category=Category.PLANS,
            involved=recipient.pk == action.owner_id,
            link=_child_link(action.child),
        )
        counts["overdue"] += created
    return counts
