"""Sending notifications: each event reaches each person once, in Beacon and by email."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.notifications.models import Notification

logger = logging.getLogger(__name__)

# Emails say only that there is something to look at: names and details stay behind the sign-in,
# because an email can be read on a shared screen or a lock screen.
EMAIL_BODY = (
    "You have a new message in Beacon: {subject_for_email}.\n\n"
    "Sign in to Beacon to read it: {url}\n\n"
    "This email does not contain details about any child, to keep them private."
)


def notification_send(
    *,
    recipient: User,
    kind: str,
    dedupe_key: str,
    subject: str,
    subject_for_email: str,
    body: str = "",
    child=None,
    link: str = "",
) -> tuple[Notification, bool]:
    """Notify ``recipient`` about one event, at most once: a second call with the same key changes nothing.

    Returns the notification and whether it is new. A new one is emailed after the transaction commits,
    so an email never goes out for a change that rolled back.
    """
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                kind=kind,
                dedupe_key=dedupe_key,
                subject=subject[:200],
                body=body,
                child=child,
                link=link,
                email_status=Notification.EmailStatus.PENDING
                if recipient.email
                else Notification.EmailStatus.NOT_NEEDED,
            )
    except IntegrityError:
        return Notification.objects.get(dedupe_key=dedupe_key), False
    if notification.email_status == Notification.EmailStatus.PENDING:
        from apps.notifications.tasks import notification_email_deliver

        email_subject = subject_for_email[:200]
        notification_id = notification.pk
        transaction.on_commit(lambda: notification_email_deliver.delay(notification_id, email_subject))
    return notification, True


def notification_email_deliver(*, notification_id: int, subject_for_email: str) -> bool:
    """Email one notification, once. Claimed with a conditional UPDATE so a redelivered task does nothing.

    Returns whether this call sent it.
    """
    claimed = Notification.objects.filter(
        pk=notification_id, email_status=Notification.EmailStatus.PENDING
    ).update(email_status=Notification.EmailStatus.SENDING)
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    try:
        send_mail(
            subject=f"Beacon: {subject_for_email}",
            message=EMAIL_BODY.format(
                subject_for_email=subject_for_email, url=f"{settings.BEACON_SITE_URL}/notifications/"
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[notification.recipient.email],
        )
    except OSError:
        # Put it back for the retry: the task retries transient mail-server failures.
        Notification.objects.filter(pk=notification_id).update(email_status=Notification.EmailStatus.PENDING)
        raise
    Notification.objects.filter(pk=notification_id).update(
        email_status=Notification.EmailStatus.SENT, emailed_at=timezone.now()
    )
    return True


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
