# The email status moved to Delivery rows in 0004; a separate migration so that PostgreSQL commits the
# copied rows before the columns go.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0004_deliveries_reminders_contact_preferences"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="notification",
            name="email_status",
        ),
        migrations.RemoveField(
            model_name="notification",
            name="emailed_at",
        ),
    ]
