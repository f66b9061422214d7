"""restrict() reads a person's (or a group's) rows of one permission and drops those past their end: the composite
indexes now carry ``expires_at`` (INCLUDE), so both halves are index-only scans, and they are found by the
permission id and group ids restrict() now reads first (bench/README.md, issue 11). The old indexes had
exactly the columns of guardian's unique indexes, so they bought nothing. The new ones are built before the
old are dropped, so reads always have an index; the build locks writes to the two tables for a few seconds at
a large authority's 740,000 rows."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("children", "0006_record_appointments_permission"),
        ("sharing", "0007_administrator_grants_rest_on_a_legal_duty"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="childuserobjectpermission",
            index=models.Index(
                fields=["user", "permission", "content_object"],
                include=("expires_at",),
                name="child_uop_user_perm_live",
            ),
        ),
        migrations.AddIndex(
            model_name="childgroupobjectpermission",
            index=models.Index(
                fields=["group", "permission", "content_object"],
                include=("expires_at",),
                name="child_gop_group_perm_live",
            ),
        ),
        migrations.RemoveIndex(model_name="childuserobjectpermission", name="child_uop_user_perm"),
        migrations.RemoveIndex(model_name="childgroupobjectpermission", name="child_gop_group_perm"),
    ]
