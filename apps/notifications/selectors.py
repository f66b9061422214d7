from collections.abc import Iterable

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from apps.accounts.models import User
from apps.children.categories import Category
from apps.notifications.models import ContactPreference, Notification
from apps.sharing.access import children_access

# What stands in for a message about information the person no longer sees. It names no category: to a
# parent or carer, even naming a sensitive one would tell them it exists (R80).
WITHHELD_SUBJECT = "A message about information that is no longer shared with you"


def notification_list(*, user: User) -> QuerySet[Notification]:
    """A person's own notifications, newest first. Nobody sees anyone else's."""
    return Notification.objects.filter(recipient=user).select_related("child")


def notification_inbox(
    *, user: User, unread: bool = False, urgent: bool = False, kind: str = ""
) -> QuerySet[Notification]:
    """A person's own notifications as their inbox shows them: unread before read, urgent before normal
    within each, then newest first; optionally only the unread, only the urgent, or only one kind.

    Sorted and filtered in the database (the priority is stored when a notification is sent), so a page of
    it costs the same whatever the inbox's size.
    """
    notifications = notification_list(user=user)
    if unread:
        notifications = notifications.filter(read_at__isnull=True)
    if urgent:
        notifications = notifications.filter(priority=Notification.Priority.URGENT)
    if kind:
        notifications = notifications.filter(kind=kind)
    is_unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    return notifications.order_by(is_unread.desc(), "-priority", "-created_at", "-pk")


def notification_kinds(*, user: User) -> list[tuple[str, str]]:
    """The kinds of notification the person has, as (value, label), for the inbox's filter: one query."""
    held = set(Notification.objects.filter(recipient=user).values_list("kind", flat=True).distinct())
    return [(value, label) for value, label in Notification.Kind.choices if value in held]


def task_alerted(*, task_key: str, kind: str = "") -> list[User]:
    """Who was alerted about the task ``task_key``, read from the notifications recorded: what a page says
    was sent is what was sent, never what should have been."""
    notifications = Notification.objects.filter(task_key=task_key)
    if kind:
        notifications = notifications.filter(kind=kind)
    return list(User.objects.filter(pk__in=notifications.values("recipient")).order_by("display_name", "pk"))


def notifications_readable(*, user: User, notifications: Iterable[Notification]) -> list[Notification]:
    """A page of the person's notifications as they may read them today.

    A message about a child stays in the list (it was theirs, and the unread count stays true), but if
    the one access decision no longer lets them see the category it is about (a consent withdrawn or
    ended, the young person asked to keep it from parents, a membership ended), its subject, text and
    link are withheld and ``is_withheld`` is set. One query for the whole page, whatever its length.
    """
    notifications = list(notifications)
    children = {n.child_id: n.child for n in notifications if n.child_id is not None}
    access = children_access(user=user, children=children.values())
    for notification in notifications:
        notification.is_withheld = notification.child_id is not None and not access[
            notification.child_id
        ].sees_item(notification.category or Category.CORE, involved=notification.involved)
        if notification.is_withheld:
            notification.subject, notification.body, notification.link = WITHHELD_SUBJECT, "", ""
    return notifications


def notification_unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def contact_preference_for(*, user: User) -> ContactPreference | None:
    """How the person chose to hear from Beacon outside it; None means the default (email only)."""
    return ContactPreference.objects.filter(user=user).first()
