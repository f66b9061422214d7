"""How many requests for help one address may send through the public form, which needs no account.

A parent sends one, perhaps two; a script sends thousands, each a row and a message to the front door team.
``BEACON_FRONT_DOOR_RATE`` allows the first and not the second. The counter is kept per client address in
the Django cache (as ``apps.children.throttling`` keeps its own per person), whoever is signed in.
"""

import math

from django.conf import settings
from django.http import HttpRequest
from rest_framework.throttling import SimpleRateThrottle


class FrontDoorThrottle(SimpleRateThrottle):
    scope = "front_door"

    def get_rate(self) -> str:
        return settings.BEACON_FRONT_DOOR_RATE

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def front_door_wait_seconds(request: HttpRequest) -> int | None:
    """None if this request may be sent (and it is counted), else the seconds until one may."""
    throttle = FrontDoorThrottle()
    if throttle.allow_request(request, view=None):
        return None
    return max(1, math.ceil(throttle.wait() or 1))
