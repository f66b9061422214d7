from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "apps.teams"
    label = "teams"
    verbose_name = "Team around the child"

    def ready(self) -> None:
        # A lead professional cannot be deactivated until they hand over (R24): accounts, beneath teams,
        # asks the checks registered with it rather than importing teams.
        from apps.accounts.services import DEACTIVATION_REFUSAL
        from apps.teams.selectors import lead_professional_deactivation_refusal

        DEACTIVATION_REFUSAL.register(lead_professional_deactivation_refusal)
