"""The production cache: Redis, falling back to this process's memory while Redis cannot be reached.

What lives in the cache is rate limits: API sign-in attempts per address (DRF's ScopedRateThrottle), refused
requests per person (apps/audit/middleware.py) and existing-record checks per person
(apps/children/throttling.py). With plain Django ``RedisCache`` an unreachable Redis raised on every read,
so API sign-in, and every page of a signed-in person, answered 500.

Fail safe, not open: while Redis is down each limit keeps counting, per web process, in memory. A person can
then try at most the limit times the number of processes (gunicorn's workers), not without limit, and the
sign-in lockout per username and address (django-axes) is kept in PostgreSQL, so it holds whatever Redis
does. Refusing every sign-in with a 503 instead would lock every partner system out for a cache outage,
which would stop the work of keeping children safe while protecting nothing the fallback does not. The
fall-back is logged as an error (once per ``RETRY_AFTER_SECONDS``), so the outage is seen, and Redis is tried
again after that long; what was counted in memory meanwhile is not carried back.
"""

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# How long the cache answers from memory after Redis failed, before it tries Redis again.
RETRY_AFTER_SECONDS = 30

# The cache operations Django's RedisCache implements: each one falls back.
_OPERATIONS = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
)


class FailSafeRedisCache(RedisCache):
    """Django's Redis cache that answers from this process's memory while Redis is unreachable."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._fallback = LocMemCache(f"beacon-redis-fallback-{id(self)}", {"TIMEOUT": self.default_timeout})
        self._redis_down_until = 0.0

    def _call(self, operation: str, *args, **kwargs):
        if time.monotonic() >= self._redis_down_until:
            try:
                return getattr(super(), operation)(*args, **kwargs)
            except (RedisError, OSError):
                self._redis_down_until = time.monotonic() + RETRY_AFTER_SECONDS
                logger.exception(
                    "Redis unreachable: rate limits now count in this process's memory only; "
                    "Redis is tried again in %s seconds",
                    RETRY_AFTER_SECONDS,
                    extra={"cache_operation": operation},
                )
        return getattr(self._fallback, operation)(*args, **kwargs)


def _fail_safe(operation: str):
    def method(self, *args, **kwargs):
        return self._call(operation, *args, **kwargs)

    method.__name__ = operation
    method.__doc__ = f"``{operation}`` on Redis, or on this process's memory while Redis is unreachable."
    return method


for _operation in _OPERATIONS:
    setattr(FailSafeRedisCache, _operation, _fail_safe(_operation))
