"""Operators see what was sent, what is waiting and what failed, and why; nobody edits a delivery by hand."""

from django.contrib import admin

from apps.notifications.models import Delivery, Reminder


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    # No subject, address or number: the reason and the provider's reference are enough to trace one.
    list_display = [
        "public_id",
        "channel",
        "status",
        "reason",
        "attempts",
        "created_at",
        "claimed_at",
        "sent_at",
    ]
    list_filter = ["status", "channel"]
    search_fields = ["public_id", "provider_reference"]
    date_hierarchy = "created_at"
    fields = [*list_display, "provider_reference"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "kind", "status", "due_at", "sent_at", "created_at"]
    list_filter = ["status", "kind"]
    search_fields = ["public_id", "dedupe_key"]
    date_hierarchy = "due_at"
    fields = [*list_display, "dedupe_key"]
