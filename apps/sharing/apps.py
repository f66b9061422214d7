from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "apps.sharing"
    label = "sharing"
    verbose_name = "Information sharing"

    def ready(self) -> None:
        from apps.children.merging import CHILD_ACCESS_RECOMPUTE
        from apps.children.services import CHILD_CREATED
        from apps.consent.services import ACCESS_CHANGED, TASK_ACCESS_HELD
        from apps.sharing import signals  # noqa: F401 (connects the receivers)
        from apps.sharing.selectors import task_access_held
        from apps.sharing.services import child_access_resync, creator_access_grant

        # The creator's grant (children) and the permissions recomputed after every consent change
        # (consent): both apps sit beneath the access decision, so they call the hooks registered with
        # them rather than importing sharing. Each runs inside the caller's transaction.
        CHILD_CREATED.register(creator_access_grant)
        ACCESS_CHANGED.register(child_access_resync)
        # A merge (or its reversal) moved the grants and consents of a child: rebuild both children's
        # permissions from them, so a tombstone keeps none and appears in no list.
        CHILD_ACCESS_RECOMPUTE.register(child_access_resync)
        # Whether someone an alert was routed to still holds the task (an override's review, say).
        TASK_ACCESS_HELD.register(task_access_held)
