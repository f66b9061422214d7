"""Who may see which child, and why.

``AccessGrant`` is the ledger of reasons a person can see a child (they created the record, an
administrator granted it; later, team membership and consent). django-guardian's direct foreign-key
permission tables are the projection of the active grants that ``Child.objects.restrict()`` reads.
Only the services in this app write either.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class ChildUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey("children.Child", on_delete=models.CASCADE)
    # When the reason for this permission runs out (a consent's end date, an override's time limit).
    # Checked on every read by restrict(), so access ends on time even before the expiry sweep runs.
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta(UserObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["user", "permission", "content_object"], name="child_uop_user_perm")]


class ChildGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey("children.Child", on_delete=models.CASCADE)


class AccessGrant(models.Model):
    class Basis(models.TextChoices):
        CREATOR = "creator", "Created the record"
        ADMINISTRATOR = "administrator", "Granted by an administrator"
        TEAM_MEMBER = "team_member", "Member of the team around the child"
        # Made a referral, or works at the service receiving it: the core record and the referrals
        # category only (apps.referrals), never the team or the record's other categories.
        REFERRAL = "referral", "Made or is receiving a referral"

    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="access_grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_grants")
    basis = models.CharField(max_length=20, choices=Basis.choices)
    # For a team member's grant: the membership it follows, so that leaving the team ends exactly it.
    membership = models.ForeignKey(
        "teams.TeamMembership", on_delete=models.PROTECT, null=True, blank=True, related_name="access_grants"
    )
    can_change = models.BooleanField(default=True)
    reason = models.TextField(blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "user", "basis"],
                condition=Q(revoked_at__isnull=True, membership__isnull=True),
                name="one_active_grant_per_basis",
            ),
            models.UniqueConstraint(
                fields=["membership"],
                condition=Q(revoked_at__isnull=True, membership__isnull=False),
                name="one_active_grant_per_membership",
            ),
            models.CheckConstraint(
                condition=Q(basis="team_member", membership__isnull=False)
                | (~Q(basis="team_member") & Q(membership__isnull=True)),
                name="team_grants_follow_a_membership",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.child_id}: {self.get_basis_display()}"
