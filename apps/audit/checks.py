"""Settings checks for the audit log, run by ``manage.py check`` (and ``check --deploy``) and at start-up.

Without ``BEACON_AUDIT_KEY`` the settings do not load at all (django-environ names the variable). These
checks catch a key that is set but would not protect the chain: too short to resist guessing, or one of
the non-secret keys that local and test settings publish in this repository.
"""

from django.conf import settings
from django.core.checks import Error, Tags, register

# The fixed keys in config/settings/local.py and test.py: public, so never good enough for production.
KNOWN_NON_SECRET_KEYS = frozenset(
    {"local-development-only-not-a-secret-audit-key", "test-only-not-a-secret-audit-key"}
)
MINIMUM_KEY_LENGTH = 32


@register(Tags.security, deploy=True)
def audit_key_check(app_configs, **kwargs) -> list[Error]:
    key = getattr(settings, "BEACON_AUDIT_KEY", "")
    if key in KNOWN_NON_SECRET_KEYS or len(key) < MINIMUM_KEY_LENGTH:
        return [
            Error(
                "BEACON_AUDIT_KEY is missing, shorter than 32 characters or a published test key: the audit "
                "log's chain would not resist someone who can write to the database.",
                hint=(
                    "Set BEACON_AUDIT_KEY in the environment to a long random string kept outside the "
                    "database, e.g. from `python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
                ),
                id="audit.E001",
            )
        ]
    return []
