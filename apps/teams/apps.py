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

        # One record per child (R2): children, beneath teams, asks whether a record's lead professional said
        # a hidden match is a different child, and tells the team when a merge moved its rows.
        from apps.children.merging import CHILD_MERGED
        from apps.children.selectors import HIDDEN_MATCH_CLEARED
        from apps.teams.services.access_requests import access_request_different_child_answer
        from apps.teams.services.merging import team_after_merge

        HIDDEN_MATCH_CLEARED.register(access_request_different_child_answer)
        CHILD_MERGED.register(team_after_merge)
