"""Children are not edited in the admin: every change goes through the services, with its audit row.

Only the configurable vulnerability list (R6, R164) is reference data to edit here.
"""

from django.contrib import admin

from apps.children.models import VulnerabilityType


@admin.register(VulnerabilityType)
class VulnerabilityTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "display_order", "is_active"]
    list_editable = ["display_order", "is_active"]
    search_fields = ["name", "code"]
