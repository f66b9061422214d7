from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "apps.consent"
    label = "consent"
    verbose_name = "Consent and information sharing"

    def ready(self) -> None:
        # A new placement means a consent review (R82): the child's record, beneath consent, calls the hooks
        # registered with it rather than importing consent.
        from apps.children.services import PLACEMENT_CHANGE_HOOKS
        from apps.consent.services import placement_change_review_schedule

        if placement_change_review_schedule not in PLACEMENT_CHANGE_HOOKS:
            PLACEMENT_CHANGE_HOOKS.append(placement_change_review_schedule)
