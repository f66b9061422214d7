"""What the reminder engine's parts share: its logger, the delivery's channels and states, and the
category a notification is about.
"""

import logging

from apps.children.categories import Category
from apps.notifications.models import Delivery

# Named as before the split into modules, so log settings and searches by logger name still find it.
logger = logging.getLogger("apps.notifications.services")

Channel = Delivery.Channel
Status = Delivery.Status


def _category_for(*, child, category: str) -> str:
    """The category a message is about, checked: required for a message about a child, empty otherwise."""
    if child is None:
        return ""
    if category not in Category.values:
        # A programming error, not the user's: every message about a child says what it is about.
        raise ValueError(f"A notification about a child needs its category, one of {Category.values}")
    return category
