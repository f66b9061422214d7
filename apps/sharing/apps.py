from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "apps.sharing"
    label = "sharing"
    verbose_name = "Information sharing"

    def ready(self) -> None:
        from apps.sharing import signals  # noqa: F401 (connects the receivers)
