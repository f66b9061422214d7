from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "apps.consent"
    label = "consent"
    verbose_name = "Consent and information sharing"

    def ready(self) -> None:
        # A new placement means a consent review (R82): the child's record, beneath consent, calls the hooks
        # registered with it rather than importing consent.
        from apps.children.services import PLACEMENT_CHANGED
        from apps.consent.services import placement_change_review_schedule

        PLACEMENT_CHANGED.register(placement_change_review_schedule)
