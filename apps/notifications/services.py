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

import logging
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from apps.accounts.models import User
from apps.children.categories import Category
from apps.core.exceptions import ApplicationError
from apps.notifications import sms
from apps.notifications.messages import outgoing_text
from apps.notifications.models import ContactPreference, Delivery, Notification, Reminder
from apps.sharing.access import may_see

logger = logging.getLogger(__name__)

Channel = Delivery.Channel
Status = Delivery.Status

# The reason on a delivery left unsent because access ended between the event and the send.
NO_LONGER_SHARED = "No longer shares this information"


def notification_send(
    *,
    recipient: User,
    kind: str,
    dedupe_key: str,
    subject: str,
    subject_for_email: str,
    body: str = "",
    child=None,
    category: str = "",
    involved: bool = False,
    link: str = "",
) -> tuple[Notification | None, bool]:
    """Notify ``recipient`` about one event, at most once: a second call with the same key changes nothing.

    A message about a child reaches a person only if they could see the ``category`` of the child's
    information it is about, today (the one access decision, ``apps.sharing.access.may_see``): a parent or
    carer never hears about a sensitive category or one the young person asked to keep from them, whatever
    the channel. ``involved`` says the recipient holds the item itself (the follow-up's assignee, the
    action's owner, the appointment's professional, the referral's maker): what a professional does, they
    see. Someone who may not see it gets nothing: ``(None, False)``, and a log line naming no one.

    Returns the notification and whether it is new. It shows in Beacon at once; email and text message
    deliveries are enqueued after the transaction commits, so nothing goes out for a change that
    rolled back, and each is asked about again just before it leaves (``delivery_send``).
    """
    category = _category_for(child=child, category=category)
    if child is not None and not may_see(user=recipient, child=child, category=category, involved=involved):
        logger.info(
            "notification withheld: the recipient may not see what it is about",
            extra={"notification_kind": kind, "category": category, "dedupe_key": dedupe_key},
        )
        return None, False
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                kind=kind,
                dedupe_key=dedupe_key,
                subject=subject[:200],
                subject_for_email=subject_for_email[:200],
                body=body,
                child=child,
                category=category,
                involved=involved,
                link=link,
            )
            deliveries = _deliveries_create(notification=notification, recipient=recipient)
    except IntegrityError:
        return Notification.objects.get(dedupe_key=dedupe_key), False
    pending = [delivery.pk for delivery in deliveries if delivery.status == Status.PENDING]
    if pending:
        transaction.on_commit(lambda: deliveries_enqueue(delivery_ids=pending))
    return notification, True


def _category_for(*, child, category: str) -> str:
    """The category a message is about, checked: required for a message about a child, empty otherwise."""
    if child is None:
        return ""
    if category not in Category.values:
        # A programming error, not the user's: every message about a child says what it is about.
        raise ValueError(f"A notification about a child needs its category, one of {Category.values}")
    return category


def _deliveries_create(*, notification: Notification, recipient: User) -> list[Delivery]:
    """One row per channel, saying whether it is to be sent and, if not, why not."""
    preference = ContactPreference.objects.filter(user=recipient).first()
    by_email = preference.by_email if preference else True
    by_sms = bool(preference and preference.by_sms and preference.mobile_number)
    now = timezone.now()
    rows = [Delivery(notification=notification, channel=Channel.IN_APP, status=Status.SENT, sent_at=now)]
    if not recipient.is_active:
        # Someone who has left keeps the record in Beacon but gets nothing at their old address or phone.
        return Delivery.objects.bulk_create(
            [
                *rows,
                _not_needed(notification, Channel.EMAIL, "Account is not active"),
                _not_needed(notification, Channel.SMS, "Account is not active"),
            ]
        )
    if not recipient.email:
        rows.append(_not_needed(notification, Channel.EMAIL, "No email address"))
    elif not by_email:
        rows.append(_not_needed(notification, Channel.EMAIL, "Chose not to get emails"))
    else:
        rows.append(Delivery(notification=notification, channel=Channel.EMAIL))
    if not (preference and preference.mobile_number):
        rows.append(_not_needed(notification, Channel.SMS, "No mobile number"))
    elif not by_sms:
        rows.append(_not_needed(notification, Channel.SMS, "Chose not to get text messages"))
    elif not sms.sms_enabled():
        rows.append(_not_needed(notification, Channel.SMS, "Text messages are switched off in this Beacon"))
    else:
        rows.append(Delivery(notification=notification, channel=Channel.SMS))
    return Delivery.objects.bulk_create(rows)


def _not_needed(notification: Notification, channel: str, reason: str) -> Delivery:
    return Delivery(notification=notification, channel=channel, status=Status.NOT_NEEDED, reason=reason)


def deliveries_enqueue(*, delivery_ids: list[int]) -> int:
    """Hand deliveries to the worker. Never fails the caller: if the broker is unreachable the rows stay
    pending, the failure is logged, and ``deliveries_retry_sweep`` enqueues them once it is back.

    Returns how many were enqueued.
    """
    from apps.notifications.tasks import delivery_send

    enqueued = 0
    for delivery_id in delivery_ids:
        try:
            delivery_send.delay(delivery_id)
        except (BrokerError, OSError):
            # Stop at the first failure: each try costs the caller a few hundred milliseconds.
            logger.warning(
                "broker unreachable; deliveries left pending for the retry sweep",
                extra={"delivery_id": delivery_id, "left_pending": len(delivery_ids) - enqueued},
            )
            break
        enqueued += 1
    return enqueued


def delivery_send(*, delivery_id: int) -> bool:
    """Send one email or text message, once. Returns whether this call sent it.

    Exactly once, as close as it can honestly be: the delivery is claimed with a conditional UPDATE
    (pending -> sending) that only one caller can win, so a task delivered twice, retried, or racing a
    sweep sends nothing more. It is marked sent straight after the provider accepts it. One window is
    left: if the worker dies *after* the mail server or GOV.UK Notify accepted the message and *before*
    the row is marked sent, ``deliveries_retry_sweep`` later reclaims it and the person gets it twice.
    No system can close that window without the provider taking an idempotency key; Notify's
    ``reference`` carries the delivery's public id so a repeat is traceable. A repeat says only "you
    have a new message", so it does no harm beyond the noise. A database blip in that window (the
    connection dropped or the server restarted) does not reopen it: the mark is retried through a new
    connection (``_delivery_mark_sent``).
    """
    now = timezone.now()
    claimed = Delivery.objects.filter(pk=delivery_id, status=Status.PENDING).update(
        status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    delivery = Delivery.objects.select_related("notification__recipient", "notification__child").get(
        pk=delivery_id
    )
    notification = delivery.notification
    recipient = notification.recipient
    if not _still_shared(notification):
        # Access ended between the event and the send (a consent withdrawn or ended, a wish to keep it
        # from parents, a membership ended): the email or text is not needed any more.
        Delivery.objects.filter(pk=delivery_id, status=Status.SENDING, claimed_at=now).update(
            status=Status.NOT_NEEDED, reason=NO_LONGER_SHARED
        )
        logger.info(
            "delivery not sent: the recipient no longer shares what it is about",
            extra={"delivery_id": delivery_id, "notification_kind": notification.kind},
        )
        return False
    text = outgoing_text(notification=notification, recipient=recipient, channel=delivery.channel)
    provider_reference = ""
    try:
        if delivery.channel == Channel.EMAIL:
            send_mail(
                subject=text.subject,
                message=text.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[recipient.email],
            )
        elif delivery.channel == Channel.SMS:
            preference = ContactPreference.objects.get(user=recipient)
            provider_reference = sms.sms_send(
                phone_number=preference.mobile_number, message=text.body, reference=str(delivery.public_id)
            )
    except sms.DeliveryRejected as error:
        _delivery_release(delivery=delivery, claimed_at=now, failed_reason=str(error))
        return False
    except (OSError, sms.DeliveryTemporaryFailure) as error:
        gave_up = delivery.attempts >= settings.BEACON_DELIVERY_MAX_ATTEMPTS
        _delivery_release(
            delivery=delivery, claimed_at=now, failed_reason=f"Gave up: {error}"[:200] if gave_up else ""
        )
        if gave_up:
            return False
        raise
    _delivery_mark_sent(delivery_id=delivery_id, claimed_at=now, provider_reference=provider_reference)
    return True


# How often, and how long apart, the "sent" mark is tried through a new database connection: about 7.5
# seconds in all, well inside the task's soft time limit (45 s), and long enough for a failover or a
# restart of PostgreSQL's connection pooler.
MARK_SENT_ATTEMPTS = 5
MARK_SENT_FIRST_PAUSE_SECONDS = 0.5


def _delivery_mark_sent(*, delivery_id: int, claimed_at: datetime, provider_reference: str) -> None:
    """Mark a delivery sent once the provider has accepted it, through a database blip.

    The provider has the message: if this update were lost, the retry sweep would reclaim the delivery
    and send it again. So a dropped connection (``OperationalError`` / ``InterfaceError``) is closed and
    the update tried again on a new one, a few times with a growing pause. The update is conditional on
    this claim (its ``claimed_at``), so repeating it is harmless; it also matches a delivery the sweep put
    back to pending meanwhile but nobody has claimed again, which it must not send twice. Inside a
    transaction (an eager task in a test) a broken connection cannot be replaced: the error is raised.
    """
    pause = MARK_SENT_FIRST_PAUSE_SECONDS
    for attempt in range(1, MARK_SENT_ATTEMPTS + 1):
        try:
            Delivery.objects.filter(
                pk=delivery_id, status__in=[Status.SENDING, Status.PENDING], claimed_at=claimed_at
            ).update(status=Status.SENT, sent_at=timezone.now(), provider_reference=provider_reference)
            return
        except (OperationalError, InterfaceError):
            if connection.in_atomic_block or attempt == MARK_SENT_ATTEMPTS:
                logger.exception(
                    "delivery sent but not marked sent: the retry sweep may send it again",
                    extra={"delivery_id": delivery_id, "provider_reference": provider_reference},
                )
                raise
            logger.warning(
                "database connection lost marking a delivery sent; retrying on a new connection",
                extra={"delivery_id": delivery_id, "attempt": attempt},
            )
            connection.close()  # The next query opens a new connection.
            time.sleep(pause)
            pause *= 2


def _still_shared(notification: Notification) -> bool:
    """Whether the recipient could still see what ``notification`` is about, asked at the moment of sending.

    A notification made before messages carried their category (blank) is asked about the core record.
    """
    if notification.child_id is None:
        return True
    return may_see(
        user=notification.recipient,
        child=notification.child,
        category=notification.category or Category.CORE,
        involved=notification.involved,
    )


def _delivery_release(*, delivery: Delivery, claimed_at: datetime, failed_reason: str = "") -> None:
    """Give a claimed delivery back for a retry, or mark it failed with the reason."""
    update = (
        {"status": Status.FAILED, "reason": failed_reason} if failed_reason else {"status": Status.PENDING}
    )
    Delivery.objects.filter(pk=delivery.pk, status=Status.SENDING, claimed_at=claimed_at).update(**update)


def deliveries_retry_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Pick up deliveries that would otherwise be stuck, and enqueue them again.

    * pending for longer than ``BEACON_DELIVERY_RETRY_AFTER_SECONDS``: the enqueue after commit failed
      (broker down) or a retry is waiting; enqueuing again is safe because sending claims first.
    * sending, with a claim older than ``BEACON_DELIVERY_CLAIM_TIMEOUT_SECONDS`` (longer than the task's
      hard time limit, so no live task still holds it): the worker died mid-send. Put back to pending,
      conditionally on the same claim, so two sweeps at once reclaim it once.

    Returns how many of each were found.
    """
    now = now or timezone.now()
    stale_claim = now - timedelta(seconds=settings.BEACON_DELIVERY_CLAIM_TIMEOUT_SECONDS)
    reclaimed = 0
    for delivery_id, claimed_at in Delivery.objects.filter(
        status=Status.SENDING, claimed_at__lt=stale_claim
    ).values_list("pk", "claimed_at")[:500]:
        reclaimed += Delivery.objects.filter(
            pk=delivery_id, status=Status.SENDING, claimed_at=claimed_at
        ).update(status=Status.PENDING)
    waiting_since = now - timedelta(seconds=settings.BEACON_DELIVERY_RETRY_AFTER_SECONDS)
    pending = list(
        Delivery.objects.filter(status=Status.PENDING)
        .annotate(waiting_since=Coalesce("claimed_at", "created_at"))
        .filter(waiting_since__lt=waiting_since)
        .values_list("pk", flat=True)[:500]
    )
    return {"reclaimed": reclaimed, "enqueued": deliveries_enqueue(delivery_ids=pending)}


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


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


# --- Contact preferences ------------------------------------------------------------------------------


def contact_preference_set(
    *, user: User, mobile_number: str = "", by_email: bool = True, by_sms: bool = True
) -> ContactPreference:
    """Record how a person wants to hear from Beacon outside it. A mobile number must be a UK mobile."""
    number = sms.mobile_number_normalise(mobile_number) if mobile_number.strip() else ""
    if by_sms and not by_email and not number:
        # Texts only, with no number, would leave them hearing nothing outside Beacon.
        raise ApplicationError("Enter a mobile number to get text messages", field="mobile_number")
    with transaction.atomic():
        preference, _ = ContactPreference.objects.update_or_create(
            user=user, defaults={"mobile_number": number, "by_email": by_email, "by_sms": by_sms}
        )
    return preference
