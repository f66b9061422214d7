from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "apps.notifications"
    label = "notifications"

    def ready(self) -> None:
        from apps.consent.services import OVERRIDE_OPENED, OVERRIDE_REVIEWED
        from apps.notifications import checks  # noqa: F401 - registers the engine's settings checks
        from apps.notifications.consent_alerts import override_review_done, override_review_request_send

        # A safeguarding override alerts the leads who must review it: consent, beneath notifications,
        # calls the hooks registered with it rather than importing notifications.
        OVERRIDE_OPENED.register(override_review_request_send)
        OVERRIDE_REVIEWED.register(override_review_done)
