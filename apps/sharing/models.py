"""Who may see which child, and why.

``AccessGrant`` is the ledger of reasons a person can see a child (they created the record, an
administrator granted it, they are on the team around the child, they are its lead professional, they
made a referral); ``OrganisationAccessGrant`` is the same for a whole organisation (a service receiving or
accepting a referral). django-guardian's direct foreign-key permission tables are the projection of the
active grants and consents that ``Child.objects.restrict()`` and the one access decision
(``apps.sharing.access``) read: per person, and per organisation or role through an ``AccessGroup`` whose
members are kept in step with current memberships, so access follows the job by construction.
Every permission row carries its lawful basis. Only the services in this app write any of them.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from apps.children.models import CREATOR_BASIS


class LawfulBasis(models.TextChoices):
    """Why sharing a child's information is lawful (UK GDPR Article 6 and the Children's Wellbeing and Schools
    Act 2026 duty to share). DfE's advice is that consent is often not the basis between agencies: direct care
    and coordination are, with the young person's voice kept through objections and withholdings."""

    CONSENT = "consent", "Consent"
    DIRECT_CARE = "direct_care", "Direct care: working with the young person"
    COORDINATION = "coordination", "Coordinating their care as lead professional"
    LEGAL_DUTY = "legal_duty", "A legal duty to share"
    SAFEGUARDING = "safeguarding", "Safeguarding override"


# Where two reasons give one permission, the basis recorded and shown is the most ordinary: the young
# person's own consent and the work people do with them come before coordination, a duty or an override.
BASIS_PREFERENCE = [
    LawfulBasis.CONSENT,
    LawfulBasis.DIRECT_CARE,
    LawfulBasis.COORDINATION,
    LawfulBasis.LEGAL_DUTY,
    LawfulBasis.SAFEGUARDING,
]

# In the young person's own words, for "who has my information" (R75).
BASIS_IN_PLAIN_WORDS = {
    LawfulBasis.CONSENT: "because you (or your parent or carer) said yes",
    LawfulBasis.DIRECT_CARE: "because they work with you",
    LawfulBasis.COORDINATION: "because they are your lead professional and organise the help you get",
    LawfulBasis.LEGAL_DUTY: "because the law says agencies must share this to help you",
    LawfulBasis.SAFEGUARDING: "because someone was worried about your safety",
}


class ChildUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey("children.Child", on_delete=models.CASCADE)
    # When the reason for this permission runs out (a consent's end date, an override's time limit).
    # Checked on every read by restrict(), so access ends on time even before the expiry sweep runs.
    expires_at = models.DateTimeField(null=True, blank=True)
    basis = models.CharField(max_length=20, choices=LawfulBasis.choices, default=LawfulBasis.DIRECT_CARE)

    class Meta(UserObjectPermissionBase.Meta):
        # restrict()'s direct half, answered from the index alone: the person's rows of one permission, with
        # their end date to drop the expired (guardian's unique index has the same three columns, no end).
        indexes = [
            models.Index(
                fields=["user", "permission", "content_object"],
                include=["expires_at"],
                name="child_uop_user_perm_live",
            )
        ]


class ChildGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey("children.Child", on_delete=models.CASCADE)
    expires_at = models.DateTimeField(null=True, blank=True)
    basis = models.CharField(max_length=20, choices=LawfulBasis.choices, default=LawfulBasis.CONSENT)

    class Meta(GroupObjectPermissionBase.Meta):
        # restrict()'s group half, likewise: a service's group may hold 40,000 children of one permission.
        indexes = [
            models.Index(
                fields=["group", "permission", "content_object"],
                include=["expires_at"],
                name="child_gop_group_perm_live",
            )
        ]


class AccessGroup(models.Model):
    """The guardian group that holds an organisation's (or a role at it) permissions on children.

    Its members are exactly the people with a current membership of that organisation (in that role): the
    sharing services keep them in step whenever a membership starts or ends, so someone who leaves loses
    what the organisation was given at once, and a newcomer gains it without a grant each.
    """

    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="access_group")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    role = models.ForeignKey(
        "accounts.ProfessionalRole", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"], condition=Q(role__isnull=True), name="one_group_per_organisation"
            ),
            models.UniqueConstraint(
                fields=["organisation", "role"], condition=Q(role__isnull=False), name="one_group_per_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} at {self.organisation}" if self.role_id else str(self.organisation)


class OrganisationAccessGrant(models.Model):
    """A reason a whole organisation's staff may see a child: a referral it receives or has accepted."""

    class Basis(models.TextChoices):
        # The core record and the referrals, to decide on the referral (direct care).
        REFERRAL_RECEIVED = "referral_received", "Receiving a referral"
        # Also the appointments, and booking them: the service's clinicians start the young person's care.
        REFERRAL_ACCEPTED = "referral_accepted", "Accepted a referral"

    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="organisation_grants")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    basis = models.CharField(max_length=30, choices=Basis.choices)
    lawful_basis = models.CharField(
        max_length=20, choices=LawfulBasis.choices, default=LawfulBasis.DIRECT_CARE
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "organisation", "basis"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_organisation_grant_per_basis",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} on {self.child_id}: {self.get_basis_display()}"


class AccessGrant(models.Model):
    class Basis(models.TextChoices):
        CREATOR = "creator", CREATOR_BASIS
        ADMINISTRATOR = "administrator", "Granted by an administrator"
        TEAM_MEMBER = "team_member", "Member of the team around the child"
        # Made a referral, or works at the service receiving it: the core record and the referrals
        # category only (apps.referrals), never the team or the record's other categories.
        REFERRAL = "referral", "Made or is receiving a referral"
        # The child's current lead professional (apps.teams keeps it in step with the appointment): the
        # categories a lead coordinates, unless a competent young person objected to one.
        COORDINATION = "coordination", "Lead professional"

    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="access_grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_grants")
    basis = models.CharField(max_length=20, choices=Basis.choices)
    lawful_basis = models.CharField(
        max_length=20, choices=LawfulBasis.choices, default=LawfulBasis.DIRECT_CARE
    )
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


class TaskAccessGrant(models.Model):
    """A reason a person alerted to act on a task may see a child: only the categories that task needs, and
    only while it is open (issue 14: every alert has a person who can act, and the means to act).

    Written when an alert is routed to someone (``apps.notifications.routing``), ended when the task is done
    (``task_access_end``, called by ``apps.notifications.services.task_done``): a follow-up completed, an
    override reviewed, a decline reviewed. ``task_key`` names the task ("follow-up:41"), the same key the
    alert's notification carries, so the one call that clears the alert ends the access it gave. Kept apart
    from ``AccessGrant`` because one person may hold several tasks on one child at once.
    """

    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="task_access_grants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="task_access_grants"
    )
    task_key = models.CharField(max_length=100)
    # The categories of the child's information the task needs (``Category`` values); the core record always.
    categories = models.JSONField(default=list)
    lawful_basis = models.CharField(
        max_length=20, choices=LawfulBasis.choices, default=LawfulBasis.LEGAL_DUTY
    )
    # Why, in words: the alert and the step of the routing rule that chose this person.
    reason = models.TextField(blank=True)
    granted_at = models.DateTimeField(auto_now_add=True)
    # A task with a time limit of its own: access ends then even if nobody closes the task.
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "task_key"],
                condition=Q(revoked_at__isnull=True),
                name="one_open_task_grant_per_person",
            ),
        ]
        indexes = [models.Index(fields=["task_key"], name="task_grant_task")]

    def __str__(self) -> str:
        return f"{self.user} on {self.child_id} for {self.task_key}"
