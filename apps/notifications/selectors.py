from collections.abc import Iterable

from django.db.models import QuerySet

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
