"""Settings for `make run` on a developer's or newcomer's machine: embedded defaults, demo data."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "local-development-only-not-a-secret")
# A fixed, non-secret key for the audit chain; production sets its own (config/settings/base.py).
os.environ.setdefault("BEACON_AUDIT_KEY", "local-development-only-not-a-secret-audit-key")

from .base import *

# DEBUG off, as in production: a "not shared with you" 404, a 403 or a 500 shows Beacon's own page
# (templates/404.html ...), never Django's technical page with the URL list, settings and code of a
# request someone just made. A developer who wants the technical pages sets DJANGO_DEBUG=true.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# This is the demo, with its published personas, whatever DEBUG is: load_demo_data may load them.
BEACON_DEMO_SITE = True
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = [
    "rest_framework.renderers.JSONRenderer",
    "rest_framework.renderers.BrowsableAPIRenderer",
]
# runserver serves static files only in DEBUG, so WhiteNoise serves them here, straight from static/ and the
# apps (no collectstatic), looking again on each request so that edited files show.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
