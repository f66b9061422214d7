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

# A safeguarding override was opened: notifications alerts each safeguarding lead who must review it.
# Takes the override, the person who opened it and the leads to alert.
OVERRIDE_OPENED = Hook("a safeguarding override was opened")


def _access_changed(*, child: Child) -> None:
    ACCESS_CHANGED(child=child)


def _today() -> date:
    return timezone.localdate()
