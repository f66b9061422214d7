from django.contrib import admin

from apps.directory.models import Service


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "min_age", "max_age", "typical_wait", "is_active"]
    list_filter = ["kind", "is_active", "takes_self_referral", "takes_parent_referral"]
    search_fields = ["name", "summary", "eligibility", "catchment"]
    autocomplete_fields = ["organisation"]
    fieldsets = [
        (None, {"fields": ["name", "kind", "organisation", "summary", "is_active"]}),
        ("Who it is for", {"fields": ["eligibility", "min_age", "max_age", "catchment"]}),
        (
            "Routes in and waiting",
            {
                "fields": [
                    "takes_self_referral",
                    "takes_parent_referral",
                    "takes_professional_referral",
                    "typical_wait",
                    "takes_children_already_supported",
                    "takes_children_waiting_elsewhere",
                ]
            },
        ),
        ("Contact", {"fields": ["locations", "phone", "email", "website"]}),
        ("What to expect", {"fields": ["what_to_expect"]}),
    ]
