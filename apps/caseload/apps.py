from django.apps import AppConfig


class CaseloadConfig(AppConfig):
    """Read models and the pages that gather several apps (the caseload, the child's page, the child's
    information by category): above teams, appointments and referrals, whose facts they show."""

    name = "apps.caseload"
    label = "caseload"
