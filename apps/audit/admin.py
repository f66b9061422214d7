from django.contrib import admin

from apps.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Information governance reads the log here. Nobody adds, changes or deletes a row."""

    list_display = [
        "occurred_at",
        "actor",
        "actor_organisation",
        "interface",
        "action",
        "target_type",
        "target_id",
        "basis",
    ]
    list_filter = ["action", "interface", "target_type"]
    search_fields = ["actor__username", "target_id", "child__public_id"]
    date_hierarchy = "occurred_at"
    list_select_related = ["actor", "actor_organisation"]
    readonly_fields = [field.name for field in AuditEvent._meta.fields]
    exclude = ["child"]  # The target id identifies the child; the admin shows no names.

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
