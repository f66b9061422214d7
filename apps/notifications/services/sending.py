"""Telling someone now: the notification, a delivery for each channel, and marking it read."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.notifications import sms
from apps.notifications.models import ContactPreference, Delivery, Notification
from apps.notifications.services.common import Channel, Status, _category_for, logger
from apps.notifications.services.deliveries import deliveries_enqueue
from apps.sharing.access import may_see


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
    task_key: str = "",
) -> tuple[Notification | None, bool]:
    """Notify ``recipient`` about one event, at most once: a second call with the same key changes nothing.

    A message about a child reaches a person only if they could see the ``category`` of the child's
    information it is about, today (the one access decision, ``apps.sharing.access.may_see``): a parent or
    carer never hears about a sensitive category or one the young person asked to keep from them, whatever
    the channel. ``involved`` says the recipient holds the item itself (the follow-up's assignee, the
    action's owner, the appointment's professional, the referral's maker): what a professional does, they
    see. Someone who may not see it gets nothing: ``(None, False)``, and a log line naming no one.

    ``task_key`` names the task it asks the recipient to act on ("follow-up:41"), if any: ``task_done`` clears
    it when the task is done. Its priority (urgent or normal) follows from ``kind``
    (``Notification.priority_for``) and is stored, so the inbox sorts and filters on it.

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
                priority=Notification.priority_for(kind),
                task_key=task_key,
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


def notification_mark_read(*, notification: Notification) -> Notification:
    """Mark one as read; marking one already read changes nothing (a conditional update)."""
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.refresh_from_db(fields=["read_at"])
    return notification


def notification_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of ``user`` as read, in one update; returns how many it marked.
    Running it again marks nothing."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
