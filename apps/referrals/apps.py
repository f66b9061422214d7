from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "apps.referrals"
    label = "referrals"
    verbose_name = "Consultations, referrals and waiting well"

    def ready(self) -> None:
        # Registers the settings checks (a zero waiting-contact interval is refused at start-up).
        from apps.referrals import checks  # noqa: F401
