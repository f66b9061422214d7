"""Give every existing message about a child the category it is about, from its kind, so the access
decision can be asked about it when it is listed or sent (issue 11).

The mapping is frozen here, not imported: callers now pass the category themselves. Passport and override
messages are about the passport or the override's review, whose own rules decide who sees them, so they
are asked about the core record only. The reverse empties the fields again.
"""

from django.db import migrations

CATEGORY_FOR_KIND = {
    "action_due_soon": "plans",
    "action_overdue": "plans",
    "handover": "team",
    "continuity": "team",
    "override": "core",
    "missed_appointment": "appointments",
    "follow_up_due": "appointments",
    "follow_up_overdue": "appointments",
    "safeguarding_escalation": "appointments",
    "appointment_reminder": "appointments",
    "waiting_contact_due": "referrals",
    "waiting_worse": "referrals",
    "wait_target_at_risk": "referrals",
    "consultation": "referrals",
    "referral_received": "referrals",
    "referral_accepted": "referrals",
    "referral_declined": "referrals",
    "decline_review": "referrals",
    "message": "core",
    "passport_proposal": "core",
    "passport_decision": "core",
}


def backfill(apps, schema_editor):
    for model_name in ("Notification", "Reminder"):
        model = apps.get_model("notifications", model_name)
        for kind, category in CATEGORY_FOR_KIND.items():
            model.objects.filter(child__isnull=False, category="", kind=kind).update(category=category)


def empty(apps, schema_editor):
    for model_name in ("Notification", "Reminder"):
        apps.get_model("notifications", model_name).objects.update(category="")


class Migration(migrations.Migration):
    dependencies = [("notifications", "0008_notification_category_and_involvement")]

    operations = [migrations.RunPython(backfill, empty)]
