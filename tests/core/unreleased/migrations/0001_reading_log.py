"""A made-up table in the core app (which has none), for the linter test only: creating a table is safe."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="ReadingLog",
            fields=[
                ("id", models.BigAutoField(primary_key=True)),
                ("subject", models.CharField(max_length=200)),
                ("read_at", models.DateTimeField(null=True)),
            ],
        ),
    ]
