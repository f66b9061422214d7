"""The consent register, competence to decide, the safeguarding override and the disclosure log (R71-R82).

Shaped like the FHIR Consent resource: who consented (grantor), to what (categories), for whom
(recipient: an organisation, a role within one, or a named professional), why (purpose), for how long
(valid_from / valid_until), on what evidence, and when it was withdrawn. Nothing is deleted: the whole
history stays.
"""

import uuid
from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.children.categories import Category


class CompetenceAssessment(models.Model):
    """A Gillick competence assessment of a young person under 16, for one kind of decision (R73)."""

    class Outcome(models.TextChoices):
        COMPETENT = "competent", "Competent to decide"
        NOT_COMPETENT = "not_competent", "Not competent to decide"

    class Scope(models.TextChoices):
        INFORMATION_SHARING = "information_sharing", "Sharing information about them"
        TREATMENT = "treatment", "Their care and treatment"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(
        "children.Child", on_delete=models.CASCADE, related_name="competence_assessments"
    )
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_on = models.DateField()
    scope = models.CharField(max_length=30, choices=Scope.choices, default=Scope.INFORMATION_SHARING)
    decision = models.CharField("the decision it covers", max_length=300)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    notes = models.TextField(blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.assessed_on:%d %b %Y})"


class ConsentQuerySet(models.QuerySet):
    def in_force(self, on_date) -> "ConsentQuerySet":
        """Consents that apply on ``on_date``: started, not expired, not withdrawn."""
        return self.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=on_date),
            valid_from__lte=on_date,
            withdrawn_at__isnull=True,
        )


class Consent(models.Model):
    class Grantor(models.TextChoices):
        YOUNG_PERSON = "young_person", "The young person"
        PARENT = "parent", "A person with parental responsibility"
        BOTH = "both", "The young person and a person with parental responsibility"

    class RecipientKind(models.TextChoices):
        ORGANISATION = "organisation", "Everyone at an organisation"
        ROLE = "role", "A role within an organisation"
        PERSON = "person", "A named professional"

    class Form(models.TextChoices):
        VERBAL = "verbal", "Verbal"
        WRITTEN = "written", "Written"

    class Status(models.TextChoices):
        """Where a consent stands on a day (computed, not stored): ``Consent.status_on``."""

        IN_FORCE = "in_force", "In force"
        NOT_STARTED = "not_started", "Not started yet"
        EXPIRED = "expired", "Expired"
        WITHDRAWN = "withdrawn", "Withdrawn"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="consents")
    grantor = models.CharField("who gave consent", max_length=20, choices=Grantor.choices)
    parent = models.ForeignKey(
        "children.FamilyMember",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents_given",
    )
    competence_assessment = models.ForeignKey(
        CompetenceAssessment, on_delete=models.PROTECT, null=True, blank=True, related_name="consents"
    )
    recipient_kind = models.CharField(max_length=20, choices=RecipientKind.choices)
    recipient_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recipient_role = models.ForeignKey(
        "accounts.ProfessionalRole", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents_received",
    )
    purpose = models.CharField(max_length=300)
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    form = models.CharField(max_length=10, choices=Form.choices)
    evidence = models.TextField(
        help_text="Where the signed form is, or who heard the verbal consent and when."
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Set by the expiry sweep once the permissions of an expired consent have been removed.
    expiry_applied_at = models.DateTimeField(null=True, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="consent_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        recipient_kind="organisation",
                        recipient_organisation__isnull=False,
                        recipient_user__isnull=True,
                    )
                    | Q(
                        recipient_kind="role",
                        recipient_organisation__isnull=False,
                        recipient_role__isnull=False,
                        recipient_user__isnull=True,
                    )
                    | Q(recipient_kind="person", recipient_user__isnull=False)
                ),
                name="consent_names_its_recipient",
            ),
            models.CheckConstraint(
                condition=Q(grantor="young_person") | Q(parent__isnull=False),
                name="parental_consent_names_the_parent",
            ),
        ]

    def __str__(self) -> str:
        return f"Consent for {self.recipient_label} from {self.valid_from:%d %b %Y}"

    def status_on(self, day: date | None = None) -> "Consent.Status":
        """Where this consent stands on ``day`` (today in Europe/London by default): withdrawn, expired (its
        last day has passed), not started yet, or in force. In force exactly when ``ConsentQuerySet.in_force``
        includes it, so the register, the API and the access decision never disagree."""
        day = day or timezone.localdate()
        if self.withdrawn_at is not None:
            return self.Status.WITHDRAWN
        if self.valid_until is not None and self.valid_until < day:
            return self.Status.EXPIRED
        if self.valid_from > day:
            return self.Status.NOT_STARTED
        return self.Status.IN_FORCE

    @property
    def recipient_label(self) -> str:
        if self.recipient_kind == self.RecipientKind.PERSON:
            return str(self.recipient_user)
        if self.recipient_kind == self.RecipientKind.ROLE:
            return f"{self.recipient_role} at {self.recipient_organisation}"
        return str(self.recipient_organisation)


class ConsentCategory(models.Model):
    consent = models.ForeignKey(Consent, on_delete=models.CASCADE, related_name="categories")
    category = models.CharField(max_length=30, choices=Category.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["consent", "category"], name="consent_category_once")]

    def __str__(self) -> str:
        return self.get_category_display()


class SafeguardingOverrideQuerySet(models.QuerySet):
    def in_force(self, at: datetime | None = None) -> "SafeguardingOverrideQuerySet":
        """Overrides that give access at ``at`` (now by default): ``SafeguardingOverride.is_in_force``."""
        at = at or timezone.now()
        return self.filter(ended_at__isnull=True, starts_at__lte=at, expires_at__gt=at)


class SafeguardingOverride(models.Model):
    """Seeing or sharing without consent to protect a child (R76): recorded, time-limited, reviewed, told."""

    class LawfulBasis(models.TextChoices):
        CHILD_PROTECTION_ENQUIRY = (
            "child_protection_enquiry",
            "Child protection enquiry (Children Act 1989, s47)",
        )
        RISK_OF_SERIOUS_HARM = "risk_of_serious_harm", "Risk of serious harm to the child or others"
        POLICE_INVESTIGATION = "police_investigation", "Prevention or detection of crime"
        COURT_ORDER = "court_order", "Court order"

    class ReviewOutcome(models.TextChoices):
        UPHELD = "upheld", "The override was justified"
        NOT_UPHELD = "not_upheld", "The override was not justified"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(
        "children.Child", on_delete=models.CASCADE, related_name="safeguarding_overrides"
    )
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    lawful_basis = models.CharField(max_length=40, choices=LawfulBasis.choices)
    justification = models.TextField()
    categories = models.JSONField(default=list)
    starts_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_outcome = models.CharField(max_length=20, choices=ReviewOutcome.choices, blank=True)
    review_note = models.TextField(blank=True)
    # The young person is told later, when a professional judges it safe (R76).
    young_person_told_on = models.DateField(null=True, blank=True)
    young_person_told_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = SafeguardingOverrideQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("starts_at")), name="override_expires_after_start"
            ),
            models.CheckConstraint(
                condition=Q(reviewed_by__isnull=True) | ~Q(reviewed_by=models.F("opened_by")),
                name="override_reviewed_by_someone_else",
            ),
        ]

    def __str__(self) -> str:
        return f"Safeguarding override from {self.starts_at:%d %b %Y %H:%M}"

    @property
    def is_in_force(self) -> bool:
        """Started, not yet run out and not ended: while it is, it gives its opener access (R76)."""
        now = timezone.now()
        return self.ended_at is None and self.starts_at <= now < self.expires_at


class ConsentReview(models.Model):
    """When consent and competence must be looked at again (R82). Until done, the safer setting holds."""

    class Reason(models.TextChoices):
        SIXTEENTH_BIRTHDAY = "sixteenth_birthday", "The young person turned 16"
        PLACEMENT_CHANGE = "placement_change", "Their placement changed"
        TRANSITION = "transition", "Moving to adult services"
        CONSENT_EXPIRED = "consent_expired", "A consent expired"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="consent_reviews")
    reason = models.CharField(max_length=30, choices=Reason.choices)
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            # One open review per reason and due date: the sweep can run any number of times.
            models.UniqueConstraint(
                fields=["child", "reason", "due_on"], name="one_review_per_reason_and_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} (due {self.due_on:%d %b %Y})"


class Disclosure(models.Model):
    """A child's information seen by someone outside the organisation that holds the record (R75)."""

    class Basis(models.TextChoices):
        # The lawful bases (apps.sharing.models.LawfulBasis), which every disclosure now records.
        CONSENT = "consent", "Consent"
        DIRECT_CARE = "direct_care", "Direct care: working with the young person"
        COORDINATION = "coordination", "Coordinating their care as lead professional"
        LEGAL_DUTY = "legal_duty", "A legal duty to share"
        SAFEGUARDING = "safeguarding", "Safeguarding override"
        # Recorded before the lawful basis was: kept so the history still reads.
        OVERRIDE = "override", "Safeguarding override"
        TEAM = "team", "Member of the team around the child"
        GRANT = "grant", "Access granted by an administrator"

    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="disclosures")
    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    viewer_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    categories = models.JSONField(default=list)
    interface = models.CharField(max_length=10)
    basis = models.CharField(max_length=20, choices=Basis.choices)
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    override = models.ForeignKey(
        SafeguardingOverride, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["child", "-occurred_at"], name="disclosure_child_time")]

    def __str__(self) -> str:
        return f"Disclosure at {self.occurred_at:%Y-%m-%d %H:%M}"


class ParentWithholding(models.Model):
    """A competent young person asks that a category is not shared with their parents or carers (R74).

    Staff record the judgement they made. It holds against any consent, until the young person ends it; a
    safeguarding override still applies.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="parent_withholdings")
    category = models.CharField(max_length=30, choices=Category.choices)
    judgement = models.TextField("the judgement made by staff")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["category", "-recorded_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "category"],
                condition=Q(ended_on__isnull=True),
                name="one_current_withholding",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} not shared with parents or carers"


class CoordinationObjection(models.Model):
    """A competent young person objects to their lead professional seeing a category on a coordination basis.

    The lead professional coordinates the team, appointments, referrals and plans without needing consent
    (the Children's Wellbeing and Schools Act 2026 duty to share), but the young person's voice holds: once
    they object, only consent they give, or a safeguarding override, opens that category again. Staff record
    the professional judgement they made with the objection. Nothing is deleted; ``ended_on`` ends it.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(
        "children.Child", on_delete=models.CASCADE, related_name="coordination_objections"
    )
    category = models.CharField(max_length=30, choices=Category.choices)
    in_their_words = models.TextField("what the young person said", blank=True)
    judgement = models.TextField("the professional judgement recorded with it")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["category", "-recorded_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "category"], condition=Q(ended_on__isnull=True), name="one_current_objection"
            ),
        ]

    def __str__(self) -> str:
        return f"Objects to the lead professional seeing {self.get_category_display().lower()}"
