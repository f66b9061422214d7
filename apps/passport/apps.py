from django.apps import AppConfig


class PassportConfig(AppConfig):
    name = "apps.passport"
    label = "passport"
    verbose_name = "Young person's passport"
