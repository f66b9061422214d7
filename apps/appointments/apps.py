from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "apps.appointments"
    label = "appointments"
    verbose_name = "Appointments and missed-appointment follow-up"

    def ready(self) -> None:
        from apps.appointments import checks  # noqa: F401 - registers the settings checks
