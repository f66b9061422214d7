"""How often one person may check whether a child already has a record, in the browser and the API.

The check answers across every record in Beacon, so without a limit it is a way to confirm that a
child is known to services (a probe made 40 checks in under 3 seconds). Adding children is occasional
work; ``BEACON_POSSIBLE_MATCH_RATE`` allows plenty for it and no more. The browser and the API share one
counter per person in the Django cache, so using both does not double the allowance.
"""

import math

from django.conf import settings
from django.http import HttpRequest
from rest_framework.throttling import UserRateThrottle


class PossibleMatchThrottle(UserRateThrottle):
    """DRF's per-person throttle, at ``BEACON_POSSIBLE_MATCH_RATE`` (read when each request is checked)."""

    scope = "possible_match"

    def get_rate(self) -> str:
        return settings.BEACON_POSSIBLE_MATCH_RATE


def possible_match_wait_seconds(request: HttpRequest) -> int | None:
    """For a browser request: None if this check is allowed (and it is counted), else seconds to wait."""
    throttle = PossibleMatchThrottle()
    if throttle.allow_request(request, view=None):
        return None
    return max(1, math.ceil(throttle.wait() or 1))
