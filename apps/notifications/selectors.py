from django.db.models import QuerySet

from apps.accounts.models import User
from apps.notifications.models import ContactPreference, Notification


def notification_list(*, user: User) -> QuerySet[Notification]:
    """A person's own notifications, newest first. Nobody sees anyone else's."""
    return Notification.objects.filter(recipient=user).select_related("child")


def notification_unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def contact_preference_for(*, user: User) -> ContactPreference | None:
    """How the person chose to hear from Beacon outside it; None means the default (email only)."""
    return ContactPreference.objects.filter(user=user).first()
