from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "apps.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        # Registers the deployment check that refuses a missing, short or published audit key.
        from apps.audit import checks  # noqa: F401
