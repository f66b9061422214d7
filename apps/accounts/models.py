"""Organisations and the people who sign in to Beacon: professionals and young people.

Organisation types and professional roles are reference data that administrators edit, not code:
the bodies named in the source reports (CCGs, LSCBs) have since been renamed or abolished (R151, R164).
"""

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class User(AbstractUser):
    class Kind(models.TextChoices):
        PROFESSIONAL = "professional", "Professional"
        YOUNG_PERSON = "young_person", "Young person"
        PARENT_CARER = "parent_carer", "Parent or carer"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PROFESSIONAL)
    # What a person is called on screen; first/last name stay for Django's admin.
    display_name = models.CharField(max_length=150, blank=True)
    # "Sign out everywhere" adds one; each browser session remembers the number it signed in under and
    # ends on its next request once they differ (apps.core.middleware.SessionSecurityMiddleware).
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        db_table = "accounts_user"

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def is_professional(self) -> bool:
        return self.kind == self.Kind.PROFESSIONAL

    @property
    def is_young_person(self) -> bool:
        return self.kind == self.Kind.YOUNG_PERSON

    @property
    def is_parent_or_carer(self) -> bool:
        return self.kind == self.Kind.PARENT_CARER

    def primary_membership(self) -> "OrganisationMembership | None":
        """The membership shown beside a person's name: their earliest current one.

        On the model so that apps beneath accounts (the audit log records the actor's organisation) can
        ask it of the user they are given without importing accounts.
        """
        return (
            OrganisationMembership.objects.current()
            .filter(user=self)
            .select_related("organisation", "role")
            .order_by("started_on", "pk")
            .first()
        )


class OrganisationType(models.Model):
    """A kind of body: NHS CAMHS, local authority children's social care, school, youth justice ..."""

    code = models.SlugField(max_length=50, unique=True, help_text="Stable code used by the API.")
    name = models.CharField(max_length=120, unique=True)
    is_active = models.BooleanField(
        default=True, help_text="Inactive types cannot be given to new organisations."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    type = models.ForeignKey(OrganisationType, on_delete=models.PROTECT, related_name="organisations")
    # An ODS code (NHS), a local authority code or a school URN, where the organisation has one.
    external_code = models.CharField(max_length=20, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProfessionalRole(models.Model):
    """A role a professional holds in an organisation: social worker, CAMHS clinician, IRO ..."""

    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=120, unique=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationMembershipQuerySet(models.QuerySet):
    def current(self) -> "OrganisationMembershipQuerySet":
        return self.filter(ended_on__isnull=True)


class OrganisationMembership(models.Model):
    """A professional works for an organisation in a role; a person may belong to several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.ForeignKey(ProfessionalRole, on_delete=models.PROTECT, related_name="memberships")
    job_title = models.CharField(max_length=150, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    objects = OrganisationMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=Q(ended_on__isnull=True),
                name="one_current_membership_per_role",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="membership_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.role} at {self.organisation}"


class YoungPersonInviteQuerySet(models.QuerySet):
    def open(self) -> "YoungPersonInviteQuerySet":
        """Neither used nor withdrawn (it may still have run out: compare ``expires_at``)."""
        return self.filter(used_at__isnull=True, revoked_at__isnull=True)


class YoungPersonInvite(models.Model):
    """A one-time link the lead professional gives a young person to make their own Beacon account (R86).

    Only a SHA-256 hash of the link's random token is stored, so the link itself cannot be read back from
    the database or a backup: the professional sees it once, when it is made. It runs out after
    ``BEACON_INVITE_DAYS`` and works once; a new invite withdraws the one before.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="account_invites")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    account = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    objects = YoungPersonInviteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One link in circulation per child: a new one withdraws the old in the same transaction.
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(used_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invite_per_child",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="invite_expires_after_it_is_made"
            ),
            models.CheckConstraint(
                condition=Q(used_at__isnull=True) | Q(revoked_at__isnull=True),
                name="invite_used_or_revoked_not_both",
            ),
        ]

    def __str__(self) -> str:
        return f"Invite made {self.created_at:%d %b %Y}"


class FormDraft(models.Model):
    """What someone has typed into a long form and not yet sent, kept so that a session that ends for want
    of activity loses nothing (issue 14; the rules and why the server keeps it are in apps.accounts.drafts).

    One per person and form page (``key`` is the page's path). Only ever shown to ``user``, on that page,
    after the page's own view has asked the access decision; deleted when the form is sent and
    ``BEACON_FORM_DRAFT_HOURS`` after it was last saved.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="form_drafts")
    key = models.CharField(max_length=300)
    # The form's fields by name, each a list of values (a checkbox group has several): never a password,
    # code or token (apps.accounts.drafts.draft_save drops them).
    fields = models.JSONField(default=dict)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_draft_per_person_and_form")]
        indexes = [models.Index(fields=["updated_at"], name="form_draft_updated_at")]

    def __str__(self) -> str:
        return f"Draft of {self.key} saved {self.updated_at:%d %b %Y %H:%M}"
