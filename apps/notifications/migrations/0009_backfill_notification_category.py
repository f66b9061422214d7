"""Give every existing message about a child the category it is about, from its kind, so the access
decision can be asked about it when it is listed or sent (issue 11).

The mapping is frozen here, not imported: callers now pass the category themselves. Passport and override
messages are about the passport or the override's review, whose own rules decide who sees them, so they
are asked about the core record only. The reverse empties the fields again.

Not atomic, in batches of primary keys each updated in its own short transaction: as first released it updated
every notification and reminder in one transaction, holding their row locks (and the running release's writes
to them) until the last one. Only rows still without a category are touched, so it can be run again.
"""

from django.db import migrations, transaction
from django.db.models import Case, Value, When

BATCH = 5000

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


def _in_batches(apps, schema_editor, update):
    """Call ``update(queryset)`` on each model's rows, BATCH primary keys at a time, each in a transaction."""
    alias = schema_editor.connection.alias
    for model_name in ("Notification", "Reminder"):
        model = apps.get_model("notifications", model_name)
        last_pk = 0
        while True:
            with transaction.atomic(using=alias):
                pks = list(
                    model.objects.using(alias)
                    .filter(pk__gt=last_pk)
                    .order_by("pk")
                    .values_list("pk", flat=True)[:BATCH]
                )
                if not pks:
                    break
                last_pk = pks[-1]
                update(model.objects.using(alias).filter(pk__in=pks))


def backfill(apps, schema_editor):
    category_of_kind = Case(
        *(When(kind=kind, then=Value(category)) for kind, category in CATEGORY_FOR_KIND.items()),
        default=Value(""),
    )
    _in_batches(
        apps,
        schema_editor,
        lambda rows: rows.filter(child__isnull=False, category="", kind__in=CATEGORY_FOR_KIND).update(
            category=category_of_kind
        ),
    )


def empty(apps, schema_editor):
    _in_batches(apps, schema_editor, lambda rows: rows.exclude(category="").update(category=""))


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("notifications", "0008_notification_category_and_involvement")]

    operations = [migrations.RunPython(backfill, empty)]
