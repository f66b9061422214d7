from django.apps import AppConfig


class CaseloadConfig(AppConfig):
    """The caseload read model and its page and endpoint: above teams, appointments and referrals."""

    name = "apps.caseload"
    label = "caseload"
