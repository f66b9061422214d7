"""Grants made before the lawful basis was recorded: an administrator's rests on a legal duty to share, the
lead professional's team grant keeps direct care (its coordination grant is added by ``access_resync``)."""

from django.db import migrations


def forwards(apps, schema_editor):
    AccessGrant = apps.get_model("sharing", "AccessGrant")
    AccessGrant.objects.filter(basis="administrator").update(lawful_basis="legal_duty")


def backwards(apps, schema_editor):
    AccessGrant = apps.get_model("sharing", "AccessGrant")
    AccessGrant.objects.update(lawful_basis="direct_care")


class Migration(migrations.Migration):
    dependencies = [("sharing", "0006_lawful_basis_and_organisation_groups")]

    operations = [migrations.RunPython(forwards, backwards)]
