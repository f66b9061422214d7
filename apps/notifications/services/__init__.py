"""The reminder engine: telling people things, now or at a due date, each exactly once per event.

How other apps use it (this is the whole public API)
----------------------------------------------------

Tell someone now::

    from apps.notifications.models import Notification
    from apps.notifications.services import notification_send

    notification_send(
        recipient=lead_professional,                    # a User
        kind=Notification.Kind.MISSED_APPOINTMENT,
        dedupe_key=f"appointment:{appointment.pk}:missed:{lead_professional.pk}",
        subject=f"{child.known_as} did not attend on 3 March: follow up",   # shown in Beacon only
        subject_for_email="a missed appointment needs a follow-up",         # no names, no clinical words
        body="Find out why, check they are safe, offer another time or place.",
        child=child,
        category=Category.APPOINTMENTS,                 # what it is about: required with a child
        involved=True,                                  # they hold the follow-up it is about
        link=reverse("children:detail", args=[child.public_id]),
    )

Tell someone at a due date (the due date lives in the database; ``reminder_due_sweep`` sends it)::

    from apps.notifications.services import reminder_schedule, reminder_cancel, reminder_reschedule

    reminder_schedule(
        recipient=lead_professional, kind=Notification.Kind.FOLLOW_UP_OVERDUE,
        dedupe_key=f"follow-up:{follow_up.pk}:overdue", due_at=follow_up.due_at,
        subject=..., subject_for_email=..., body=..., child=child, category=Category.APPOINTMENTS,
        involved=True, link=...,
    )
    reminder_reschedule(dedupe_key=..., due_at=...)   # the date moved
    reminder_cancel(dedupe_key=...)                     # done before it was due: nothing is sent

Who may be told: a message about a child names the ``category`` of the child's information it is about
(``apps.children.categories.Category``) and reaches a person only if the one access decision
(``apps.sharing.access.may_see``) lets them see that category today: asked when it is made (a person who
may not see it gets nothing, ``(None, False)``), again by the worker just before each email or text
leaves (access can end in between: the delivery is then "not needed" because the person no longer shares
this information), and when the in-app list is read (``notifications_readable``). ``involved=True`` is
for a recipient who holds the item itself: the follow-up's assignee, the action's owner, the
appointment's professional, the referral's maker. A message about no child needs no category.

Rules that make it exactly once:

* ``dedupe_key`` names the event *and the recipient* (one key per person told). Calling again with
  the same key does nothing and returns ``created=False``; a unique constraint backs this, so two
  sweeps at once cannot both create it. Use your app's name and the row's pk in the key.
* Call it inside your service's ``transaction.atomic()``: nothing leaves Beacon unless your change
  commits (emails and texts are enqueued by ``transaction.on_commit``). If the broker (Redis) is down,
  your request still succeeds; the delivery stays pending and ``deliveries_retry_sweep`` sends it.
* ``subject`` may name the child (it is shown only to the signed-in recipient). ``subject_for_email``
  must not: it goes to professionals' email and phones. Young people and parents or carers never see
  either outside Beacon: their email or text says only "You have a new message from Beacon"
  (``messages.py``).
* Recurring contacts (keep-in-touch, waiting-list contacts) are your app's own rows with a next-due
  date; schedule one reminder per occurrence with the occurrence in the key (``...:contact:3``).

Which channels: always in Beacon; by email to the account's address unless the person chose otherwise;
by text message when they gave a UK mobile number (``contact_preference_set``) and GOV.UK Notify is
configured. An inactive account gets neither. Each channel is a ``Delivery`` row saying why not.

Sweeps (config/celery.py): ``reminder_due_sweep`` every 5 minutes sends due reminders;
``deliveries_retry_sweep`` every 5 minutes re-enqueues deliveries whose enqueue failed and reclaims
those whose worker died mid-send.
"""

from apps.notifications.services.common import Channel, Status, logger
from apps.notifications.services.deliveries import (
    MARK_SENT_ATTEMPTS,
    MARK_SENT_FIRST_PAUSE_SECONDS,
    NO_LONGER_SHARED,
    deliveries_enqueue,
    deliveries_retry_sweep,
    delivery_send,
)
from apps.notifications.services.preferences import contact_preference_set
from apps.notifications.services.reminders import (
    reminder_cancel,
    reminder_due_sweep,
    reminder_reschedule,
    reminder_schedule,
)
from apps.notifications.services.sending import (
    notification_mark_all_read,
    notification_mark_read,
    notification_send,
)
from apps.notifications.services.task_alerts import task_alert, task_done

__all__ = [
    "MARK_SENT_ATTEMPTS",
    "MARK_SENT_FIRST_PAUSE_SECONDS",
    "NO_LONGER_SHARED",
    "Channel",
    "Status",
    "contact_preference_set",
    "deliveries_enqueue",
    "deliveries_retry_sweep",
    "delivery_send",
    "logger",
    "notification_mark_all_read",
    "notification_mark_read",
    "notification_send",
    "reminder_cancel",
    "reminder_due_sweep",
    "reminder_reschedule",
    "reminder_schedule",
    "task_alert",
    "task_done",
]
