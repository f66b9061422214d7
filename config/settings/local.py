"""Settings for `make run` on a developer's or newcomer's machine: embedded defaults, demo data."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "local-development-only-not-a-secret")
# A fixed, non-secret key for the audit chain; production sets its own (config/settings/base.py).
os.environ.setdefault("BEACON_AUDIT_KEY", "local-development-only-not-a-secret-audit-key")

from .base import *

DEBUG = env.bool("DJANGO_DEBUG", default=True)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = [
    "rest_framework.renderers.JSONRenderer",
    "rest_framework.renderers.BrowsableAPIRenderer",
]
# runserver serves static files itself in DEBUG; WhiteNoise is for production's collected files.
MIDDLEWARE.remove("whitenoise.middleware.WhiteNoiseMiddleware")
