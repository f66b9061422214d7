"""Reference data: the clinical lead role, who with the team manager agrees an instability decline (R40)."""

from django.db import migrations


def add_role(apps, schema_editor):
    apps.get_model("accounts", "ProfessionalRole").objects.update_or_create(
        code="clinical-lead", defaults={"name": "Clinical lead"}
    )


def remove_role(apps, schema_editor):
    apps.get_model("accounts", "ProfessionalRole").objects.filter(
        code="clinical-lead", memberships__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0001_referrals_consultations_waiting"),
        ("accounts", "0002_seed_organisation_types_and_roles"),
    ]

    operations = [migrations.RunPython(add_role, remove_role)]
