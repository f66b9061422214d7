"""``{% load notifications %}``: the unread count shown in the header on every page."""

from django import template

from apps.notifications.selectors import notification_unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notification_count(context: template.Context) -> int:
    """How many of the signed-in person's notifications are unread (one query; none when signed out)."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    return notification_unread_count(user=user)
