from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError

from apps.accounts.models import (
    Organisation,
    OrganisationMembership,
    OrganisationType,
    ProfessionalRole,
    User,
)


class MembershipInline(admin.TabularInline):
    model = OrganisationMembership
    extra = 0
    autocomplete_fields = ["organisation"]


class BeaconUserChangeForm(UserChangeForm):
    def clean_is_active(self) -> bool:
        is_active = self.cleaned_data["is_active"]
        if self.instance.pk and self.instance.is_active and not is_active:
            from apps.accounts.services import professional_deactivation_refusal

            refusal = professional_deactivation_refusal(user=self.instance)
            if refusal:
                raise ValidationError(refusal)
        return is_active


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Professionals' accounts. Young people's and parents' accounts are not here: a young person's
    account names a child, and the admin shows no child (issue 5). Their accounts are made and ended
    by invitation from the child's lead professional, with the audit that carries."""

    form = BeaconUserChangeForm
    list_display = ["username", "display_name", "kind", "email", "is_active", "is_staff"]
    list_filter = ["kind", "is_active", "is_staff"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email"]
    fieldsets = (*DjangoUserAdmin.fieldsets, ("Beacon", {"fields": ("kind", "display_name")}))
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(kind=User.Kind.PROFESSIONAL)


@admin.register(OrganisationType)
class OrganisationTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_active"]
    list_editable = ["is_active"]
    search_fields = ["name", "code"]


@admin.register(ProfessionalRole)
class ProfessionalRoleAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_active"]
    list_editable = ["is_active"]
    search_fields = ["name", "code"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "external_code", "is_active"]
    list_filter = ["type", "is_active"]
    search_fields = ["name", "external_code"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "type":  # Retired types cannot be given to organisations.
            kwargs["queryset"] = OrganisationType.objects.filter(is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
