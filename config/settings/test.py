"""Settings for the test suite: real PostgreSQL and Redis, as on this machine by default."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-a-secret")
# A fixed, non-secret key for the audit chain; production sets its own (config/settings/base.py).
os.environ.setdefault("BEACON_AUDIT_KEY", "test-only-not-a-secret-audit-key")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/beacon")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
# pytest-xdist runs the suite in worker processes gw0, gw1, ...; as pytest-django gives each its own
# database, each gets its own Redis db: the one REDIS_URL names plus the worker's number. Only once per
# process tree: a process a test starts (a Celery worker) inherits the marker and keeps the URL it is given.
if (_worker := os.environ.get("PYTEST_XDIST_WORKER", "")).startswith("gw") and (
    "BEACON_TEST_REDIS_PER_WORKER" not in os.environ
):
    import urllib.parse

    _redis = urllib.parse.urlsplit(os.environ["REDIS_URL"])
    _db = int(_redis.path.strip("/") or 0) + int(_worker.removeprefix("gw"))
    if _db > 15:
        raise RuntimeError(f"Redis has dbs 0-15: {os.environ['REDIS_URL']} leaves none for worker {_worker}")
    os.environ["REDIS_URL"] = urllib.parse.urlunsplit(_redis._replace(path=f"/{_db}"))
    os.environ["BEACON_TEST_REDIS_PER_WORKER"] = os.environ["REDIS_URL"]

from .base import *

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # Fast hashing for tests only.
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
# Reliability tests run a real worker process, which cannot share locmem's outbox or run eagerly: they
# set these two variables for it (tests/notifications/test_reliability.py).
EMAIL_BACKEND = env("BEACON_TEST_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
CELERY_TASK_ALWAYS_EAGER = env.bool("BEACON_TEST_CELERY_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
# The test client and pytest-django's live server serve static files from the finders.
MIDDLEWARE.remove("whitenoise.middleware.WhiteNoiseMiddleware")
# Django's PostgreSQL backend, but its flush (after transactional_db tests) may empty the audit log, which a
# trigger otherwise refuses (apps/audit/migrations/0005; why it is sound: tests/audit/flush_backend).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "tests.audit.flush_backend"
