from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The synthetic demo data and its commands: the top floor, free to use every app beneath it."""

    name = "apps.demo"
    label = "demo"
