"""Reference data: the kinds of organisation and the professional roles Beacon starts with.

Administrators rename, add and retire these in the admin; codes stay stable for the API.
"""

from django.db import migrations

ORGANISATION_TYPES = [
    ("nhs-camhs", "NHS children and young people's mental health service (CAMHS)"),
    ("la-childrens-social-care", "Local authority children's social care"),
    ("school-or-college", "School or college"),
    ("youth-justice", "Youth justice service"),
    ("police", "Police"),
    ("voluntary-sector", "Voluntary and community sector"),
    ("adult-mental-health", "Adult mental health service"),
    ("gp-practice", "GP practice"),
    ("other", "Other"),
]

ROLES = [
    ("social-worker", "Social worker"),
    ("camhs-clinician", "CAMHS clinician"),
    ("designated-teacher", "Designated teacher"),
    ("senco", "Special educational needs co-ordinator (SENCO)"),
    ("yot-worker", "Youth justice (YOT) worker"),
    ("personal-adviser", "Personal adviser"),
    ("iro", "Independent reviewing officer (IRO)"),
    ("safeguarding-lead", "Safeguarding lead"),
    ("virtual-mental-health-lead", "Virtual mental health lead"),
    ("team-manager", "Team manager"),
    ("gp", "GP"),
    ("school-nurse", "School nurse"),
    ("youth-worker", "Youth worker"),
    ("police-officer", "Police officer"),
    ("adult-mental-health-practitioner", "Adult mental health practitioner"),
    ("other", "Other professional"),
]


def seed(apps, schema_editor):
    OrganisationType = apps.get_model("accounts", "OrganisationType")
    ProfessionalRole = apps.get_model("accounts", "ProfessionalRole")
    for code, name in ORGANISATION_TYPES:
        OrganisationType.objects.update_or_create(code=code, defaults={"name": name})
    for code, name in ROLES:
        ProfessionalRole.objects.update_or_create(code=code, defaults={"name": name})


def unseed(apps, schema_editor):
    apps.get_model("accounts", "OrganisationType").objects.filter(
        code__in=[code for code, _ in ORGANISATION_TYPES], organisations__isnull=True
    ).delete()
    apps.get_model("accounts", "ProfessionalRole").objects.filter(
        code__in=[code for code, _ in ROLES], memberships__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
