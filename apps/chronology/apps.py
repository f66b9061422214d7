from django.apps import AppConfig


class ChronologyConfig(AppConfig):
    name = "apps.chronology"
    label = "chronology"
    verbose_name = "Chronology"
