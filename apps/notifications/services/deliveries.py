"""Delivering by email and text message: each delivery sent at most once, after the notification
commits, and the sweep that retries the ones left behind.
"""

import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import InterfaceError, OperationalError, connection
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from apps.children.categories import Category
from apps.notifications import sms
from apps.notifications.messages import outgoing_text
from apps.notifications.models import ContactPreference, Delivery, Notification
from apps.notifications.services.common import Channel, Status, logger
from apps.sharing.access import may_see

# The reason on a delivery left unsent because access ended between the event and the send.
NO_LONGER_SHARED = "No longer shares this information"


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
