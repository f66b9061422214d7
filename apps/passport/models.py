"""The young person's passport: their story told once, in their own words, shared on their terms (R83-R91).

Seed 000: "young people own their information and decide when they wish to share the information with
other professionals". Seed 004: children "had to 'start again' every time they met a new person".

- ``Passport``: one per young person, owned by them (or by a parent or carer for a young child). It is
  never removed when a case closes or at 18: only its owner deletes it (R87).
- ``PassportVersion``: every text a section has ever had, immutable and numbered 1, 2, 3 ... (R83).
- ``PassportProposal``: a professional's suggested change; the owner accepts or rejects each (R83).
- ``PassportShare``: which section the owner shows to which professional or organisation, until when.
  It is read at the moment of every read, so a revoke works on the very next request (R84).
- ``PassportRead``: who opened which sections, and when, for the young person to see (R88).

Passport access is deliberately NOT a django-guardian permission and never comes from the consent
register (R71): see ``apps.passport.selectors.passport_sections_visible_to``.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class Section(models.TextChoices):
    """The sections of the passport, in the order they are shown (R85; CYP IAPT passport headings, R89)."""

    ABOUT_ME = "about_me", "About me"
    STRENGTHS_AND_INTERESTS = "strengths_and_interests", "My strengths and interests"
    WHAT_HELPS = "what_helps", "What helps and what does not"
    MY_STORY = "my_story", "My story so far"
    MY_GOALS = "my_goals", "My goals"
    COMMUNICATION = "communication", "How I like to communicate"
    MEETING_PREFERENCES = "meeting_preferences", "Where and when I like to meet"
    WHO_I_WANT_WITH_ME = "who_i_want_with_me", "Who I want with me"
    TRUSTED_ADULT = "trusted_adult", "My trusted adult"
    CRISIS_PLAN = "crisis_plan", "My crisis plan"


# A prompt for each section, in plain words, shown when writing it (R85: "I" statements).
SECTION_PROMPTS = {
    Section.ABOUT_ME: "Things you would like people to know about you. For example: I am ..., I like ...",
    Section.STRENGTHS_AND_INTERESTS: "What you are good at and what you enjoy.",
    Section.WHAT_HELPS: "What helps you when things are hard, and what makes things worse.",
    Section.MY_STORY: "The things that have happened to you that you want people to know, "
    "so you do not have to tell your story again.",
    Section.MY_GOALS: "What you want to happen, and what you are working towards.",
    Section.COMMUNICATION: "How you like people to talk with you: face to face, text, pictures, "
    "an interpreter, more time ...",
    Section.MEETING_PREFERENCES: "Where you like to meet, and which days and times are good for you.",
    Section.WHO_I_WANT_WITH_ME: "Who you would like with you at meetings and appointments.",
    Section.TRUSTED_ADULT: "The adult you trust most, and how to reach them.",
    Section.CRISIS_PLAN: "In your own words: the signs that things are getting too much, what you will do, "
    "and what you would like other people to do.",
}

SECTION_TEXT_MAX_LENGTH = 5000


def label_in_sentence(label: str) -> str:
    """A section's name inside a sentence: "my goals", "how I like to communicate" (never "how i")."""
    return label[:1].lower() + label[1:]


class PassportQuerySet(models.QuerySet):
    def current(self) -> "PassportQuerySet":
        """Passports that have not been deleted by their owner."""
        return self.filter(deleted_at__isnull=True)


class Passport(models.Model):
    """A young person's passport. Kept after discharge and after 18 until the owner deletes it (R87).

    After deletion only this row stays, with no text: who owned it and when it was deleted, for the
    audit trail. A new passport can then be started for the same young person.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # PROTECT: a passport outlives the case; nothing but its owner's deletion removes its content.
    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="passports")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="passports")
    # For a parent or carer who owns the passport of a young child: who they are to the child.
    owner_family_member = models.ForeignKey(
        "children.FamilyMember", on_delete=models.PROTECT, null=True, blank=True, related_name="passports"
    )
    # R83: "created together with a professional".
    created_with = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = PassportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=Q(deleted_at__isnull=True), name="one_current_passport_per_child"
            ),
        ]

    def __str__(self) -> str:
        return f"Passport {self.public_id}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class ImmutableRowError(Exception):
    """Something tried to change a passport version once written."""


class PassportVersionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableRowError("Passport versions are never changed: write a new version instead.")


class PassportVersion(models.Model):
    """One text a section had: every version is kept, numbered from 1 for each section (R83).

    Written by the owner directly, or by a professional whose proposal the owner accepted (``from_proposal``).
    Rows are never changed; they are removed only when the owner deletes the whole passport.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    passport = models.ForeignKey(Passport, on_delete=models.CASCADE, related_name="versions")
    section = models.CharField(max_length=30, choices=Section.choices)
    number = models.PositiveIntegerField()
    text = models.TextField(max_length=SECTION_TEXT_MAX_LENGTH)
    # Whose words these are: the owner, or the professional who proposed them.
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The owner who made this the section's text (by writing it, or by accepting a proposal).
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField()
    from_proposal = models.OneToOneField(
        "PassportProposal", on_delete=models.PROTECT, null=True, blank=True, related_name="version"
    )

    objects = PassportVersionQuerySet.as_manager()

    class Meta:
        ordering = ["section", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["passport", "section", "number"], name="one_version_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="version_numbers_start_at_one"),
        ]

    def __str__(self) -> str:
        return f"{self.get_section_display()} version {self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRowError("Passport versions are never changed: write a new version instead.")
        super().save(*args, **kwargs)


class PassportProposal(models.Model):
    """A professional suggests new text for a section; only the owner can make it part of the passport."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Not accepted"
        WITHDRAWN = "withdrawn", "Withdrawn by the professional"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    passport = models.ForeignKey(Passport, on_delete=models.CASCADE, related_name="proposals")
    section = models.CharField(max_length=30, choices=Section.choices)
    text = models.TextField(max_length=SECTION_TEXT_MAX_LENGTH)
    reason = models.TextField("why the change is suggested")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    # The section's version when the change was suggested (none if the section was empty): if the
    # section has changed since, the suggestion is out of date and the owner is told so.
    based_on = models.ForeignKey(
        PassportVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    based_on_number = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="decided_proposals_say_when",
            ),
        ]
        indexes = [models.Index(fields=["passport", "status"], name="proposal_passport_status")]

    def __str__(self) -> str:
        return f"Proposal for {self.get_section_display()} ({self.get_status_display()})"


class PassportShareQuerySet(models.QuerySet):
    def in_force(self, *, now, today) -> "PassportShareQuerySet":
        """Shares that apply at ``now``: started, not past their end date, not revoked."""
        return self.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=today),
            starts_at__lte=now,
            revoked_at__isnull=True,
        )


class PassportShare(models.Model):
    """The owner shows one section to one professional, or to everyone currently at one organisation (R84).

    ``ends_on`` is the last day the share applies (optional). A revoke is immediate. Rows are kept after
    they end, so the owner can see what they shared and when; a new share replaces the old one.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    passport = models.ForeignKey(Passport, on_delete=models.CASCADE, related_name="shares")
    section = models.CharField(max_length=30, choices=Section.choices)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="passport_shares_received",
    )
    recipient_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="passport_shares_received",
    )
    # In the owner's words or the mover's: "new placement", "moving to adult services".
    reason = models.CharField(max_length=200, blank=True)
    starts_at = models.DateTimeField()
    ends_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = PassportShareQuerySet.as_manager()

    class Meta:
        ordering = ["section", "-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient_user__isnull=False, recipient_organisation__isnull=True)
                | Q(recipient_user__isnull=True, recipient_organisation__isnull=False),
                name="passport_share_names_one_recipient",
            ),
            models.UniqueConstraint(
                fields=["passport", "section", "recipient_user"],
                condition=Q(revoked_at__isnull=True, recipient_user__isnull=False),
                name="one_open_share_per_section_and_person",
            ),
            models.UniqueConstraint(
                fields=["passport", "section", "recipient_organisation"],
                condition=Q(revoked_at__isnull=True, recipient_organisation__isnull=False),
                name="one_open_share_per_section_and_organisation",
            ),
        ]
        indexes = [models.Index(fields=["passport", "revoked_at"], name="passport_share_open")]

    def __str__(self) -> str:
        return f"{self.get_section_display()} shared with {self.recipient_label}"

    @property
    def recipient_label(self) -> str:
        return str(self.recipient_user or self.recipient_organisation)


class PassportRead(models.Model):
    """A professional opened the passport and saw these sections (R88): shown to the young person."""

    passport = models.ForeignKey(Passport, on_delete=models.CASCADE, related_name="reads")
    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    viewer_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sections = models.JSONField(default=list)
    interface = models.CharField(max_length=10)
    printed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-occurred_at", "-pk"]

    def __str__(self) -> str:
        return f"Passport read at {self.occurred_at:%Y-%m-%d %H:%M}"
