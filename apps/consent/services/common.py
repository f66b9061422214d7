"""What the consent services share: the role that reviews overrides, the hooks apps above consent
register from their AppConfig.ready() (one list each, re-exported by ``apps.consent.services``), and today.
"""

from collections.abc import Callable
from datetime import date

from django.utils import timezone

from apps.children.models import Child

SAFEGUARDING_LEAD_ROLE = "safeguarding-lead"

# What apps above consent do after a change to a reason for access, inside the same transaction: sharing
# recomputes the child's permissions (``child_access_resync``). Each registers from its AppConfig.ready(),
# so consent needs no import of them; a hook takes the child.
ACCESS_CHANGED_HOOKS: list[Callable[..., None]] = []

# What apps above consent do when a safeguarding override is opened, inside the same transaction:
# notifications alerts each safeguarding lead who must review it. A hook takes the override, the person
# who opened it and the leads to alert.
OVERRIDE_OPENED_HOOKS: list[Callable[..., None]] = []


def _access_changed(*, child: Child) -> None:
    for hook in ACCESS_CHANGED_HOOKS:
        hook(child=child)


def _today() -> date:
    return timezone.localdate()
