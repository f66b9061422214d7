from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "apps.sharing"
    label = "sharing"
    verbose_name = "Information sharing"

    def ready(self) -> None:
        from apps.children.services import CHILD_CREATED_HOOKS
        from apps.consent.services import ACCESS_CHANGED_HOOKS
        from apps.sharing import signals  # noqa: F401 (connects the receivers)
        from apps.sharing.services import child_access_resync, creator_access_grant

        # The creator's grant (children) and the permissions recomputed after every consent change
        # (consent): both apps sit beneath the access decision, so they call the hooks registered with
        # them rather than importing sharing. Each runs inside the caller's transaction.
        if creator_access_grant not in CHILD_CREATED_HOOKS:
            CHILD_CREATED_HOOKS.append(creator_access_grant)
        if child_access_resync not in ACCESS_CHANGED_HOOKS:
            ACCESS_CHANGED_HOOKS.append(child_access_resync)
