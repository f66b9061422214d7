"""Reminders: notifications with a due date, scheduled, moved or cancelled, and sent by the sweep once due."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.children.categories import Category
from apps.core.exceptions import ApplicationError
from apps.notifications.models import Reminder
from apps.notifications.services.common import _category_for
from apps.notifications.services.sending import notification_send

# --- Reminders: notifications with a due date -----------------------------------------------------


def reminder_schedule(
    *,
    recipient: User,
    kind: str,
    dedupe_key: str,
    due_at: datetime,
    subject: str,
    subject_for_email: str,
    body: str = "",
    child=None,
    category: str = "",
    involved: bool = False,
    link: str = "",
) -> tuple[Reminder, bool]:
    """Keep a reminder until ``due_at``; ``reminder_due_sweep`` then sends it once through notification_send.

    The key is unique: scheduling the same key again returns the existing reminder unchanged
    (``created=False``); use ``reminder_reschedule`` to move it. A due date in the past is allowed and
    means "at the next sweep". A reminder about a child names its ``category`` (and ``involved``) like
    ``notification_send``; whether the recipient may see it is asked when it falls due, not now.
    """
    if due_at is None:
        raise ApplicationError("Enter when the reminder is due", field="due_at")
    if timezone.is_naive(due_at):
        raise ApplicationError("The reminder's due time needs a time zone", field="due_at")
    if not subject.strip() or not subject_for_email.strip():
        raise ApplicationError("A reminder needs a subject and a private subject for email", field="subject")
    category = _category_for(child=child, category=category)
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                recipient=recipient,
                kind=kind,
                dedupe_key=dedupe_key,
                due_at=due_at,
                subject=subject[:200],
                subject_for_email=subject_for_email[:200],
                body=body,
                child=child,
                category=category,
                involved=involved,
                link=link,
            )
    except IntegrityError:
        return Reminder.objects.get(dedupe_key=dedupe_key), False
    return reminder, True


def reminder_reschedule(*, dedupe_key: str, due_at: datetime) -> bool:
    """Move a reminder that has not been sent yet. Returns whether one was moved."""
    if due_at is None or timezone.is_naive(due_at):
        raise ApplicationError("Enter when the reminder is due, with a time zone", field="due_at")
    return bool(
        Reminder.objects.filter(dedupe_key=dedupe_key, status=Reminder.Status.SCHEDULED).update(due_at=due_at)
    )


def reminder_cancel(*, dedupe_key: str) -> bool:
    """Stop a reminder that is no longer needed (the task was done in time). Returns whether one stopped."""
    return bool(
        Reminder.objects.filter(dedupe_key=dedupe_key, status=Reminder.Status.SCHEDULED).update(
            status=Reminder.Status.CANCELLED
        )
    )


def reminder_due_sweep(*, now: datetime | None = None, batch: int = 500) -> int:
    """Send every reminder that has fallen due, once. Returns how many this run sent.

    Each reminder is locked with ``SELECT ... FOR UPDATE SKIP LOCKED`` and marked sent in the same
    transaction as its notification is created, so two sweeps at the same moment split the work
    between them; the notification's unique dedupe key would stop a second copy even if they did not.
    """
    now = now or timezone.now()
    sent = 0
    due_ids = list(
        Reminder.objects.filter(status=Reminder.Status.SCHEDULED, due_at__lte=now).values_list(
            "pk", flat=True
        )[:batch]
    )
    for reminder_id in due_ids:
        with transaction.atomic():
            reminder = (
                Reminder.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk=reminder_id, status=Reminder.Status.SCHEDULED)
                .select_related("recipient", "child")
                .first()
            )
            if reminder is None:
                continue
            notification, created = notification_send(
                recipient=reminder.recipient,
                kind=reminder.kind,
                dedupe_key=f"reminder:{reminder.dedupe_key}",
                subject=reminder.subject,
                subject_for_email=reminder.subject_for_email,
                body=reminder.body,
                child=reminder.child,
                category=reminder.category or (Category.CORE if reminder.child_id else ""),
                involved=reminder.involved,
                link=reminder.link,
            )
            # Withheld: the recipient can no longer see what it is about, so nothing went to them.
            reminder.status = Reminder.Status.SENT if notification else Reminder.Status.WITHHELD
            reminder.sent_at = now if notification else None
            reminder.notification = notification
            reminder.save(update_fields=["status", "sent_at", "notification"])
            sent += created
    return sent
