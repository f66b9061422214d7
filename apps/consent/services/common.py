"""What the consent services share: the role that reviews overrides, the hooks apps above consent
register from their AppConfig.ready() (one list each, re-exported by ``apps.consent.services``), and today.
"""

from datetime import date

from django.utils import timezone

from apps.children.models import Child
from apps.core.hooks import Hook

SAFEGUARDING_LEAD_ROLE = "safeguarding-lead"

# A reason for access changed: sharing recomputes the child's permissions (``child_access_resync``).
# Takes the child. Registered from AppConfig.ready() (apps/core/hooks.py).
ACCESS_CHANGED = Hook("a reason for access to a child changed")

# A safeguarding override was opened: notifications routes the review (``apps.notifications.routing``: the
# opener's organisation's safeguarding leads, then its team managers, then the record holder's safeguarding
# leads, then Beacon's administrators), alerts them and gives them what the review needs. Takes the override
# and the person who opened it.
OVERRIDE_OPENED = Hook("a safeguarding override was opened")

# An override was reviewed: its review task is done (the alerts clear and the access they gave ends). Takes
# the override and the reviewer.
OVERRIDE_REVIEWED = Hook("a safeguarding override was reviewed")

# Whether a person holds an open task (``user``, ``task_key``): sharing answers from the task grants it
# records for the people an alert was routed to (``first_answer``; None or False is "no").
TASK_ACCESS_HELD = Hook("whether a person was alerted to act on an open task")


def override_review_task_key(override) -> str:
    """The task of reviewing ``override``: the key its alerts and the access they give carry."""
    return f"override-review:{override.pk}"


def _access_changed(*, child: Child) -> None:
    ACCESS_CHANGED(child=child)


def _today() -> date:
    return timezone.localdate()
