from django.contrib import admin, messages

from apps.sharing.forms import AdministratorGrantForm
from apps.sharing.models import AccessGrant
from apps.sharing.services import child_access_grant, child_access_revoke


@admin.register(AccessGrant)
class AccessGrantAdmin(admin.ModelAdmin):
    """Administrators grant and remove access here until team membership and consent take it over.

    Grants are made and revoked only through the sharing services, so permissions and audit stay true.
    """

    form = AdministratorGrantForm
    list_display = ["child_public_id", "user", "basis", "can_change", "granted_at", "revoked_at"]
    list_filter = ["basis", "can_change"]
    search_fields = ["user__username", "user__display_name", "child__public_id"]
    list_select_related = ["child", "user"]
    actions = ["revoke_selected"]

    @admin.display(description="Child (Beacon id)")
    def child_public_id(self, grant: AccessGrant) -> str:
        return str(grant.child.public_id)

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # A grant is never edited: revoke it and grant again, so the history stays true.

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        # The form admits only active professionals and requires a reason: the service's own rules.
        grant = child_access_grant(
            child=form.cleaned_data["child_reference"],
            user=form.cleaned_data["user"],
            basis=AccessGrant.Basis.ADMINISTRATOR,
            granted_by=request.user,
            can_change=form.cleaned_data["can_change"],
            reason=form.cleaned_data["reason"],
        )
        obj.pk = grant.pk

    @admin.action(description="Remove access for the selected grants")
    def revoke_selected(self, request, queryset) -> None:
        count = 0
        for grant in queryset.filter(revoked_at__isnull=True).select_related("child", "user"):
            child_access_revoke(grant=grant, revoked_by=request.user)
            count += 1
        self.message_user(request, f"Access removed for {count} grant(s).", messages.SUCCESS)
