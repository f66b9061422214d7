"""The team around the child, its one lead professional, and the worker the young person trusts (R16-R25).

Seed 000: "Often there is no lead agency or individual accountable for the child or young person".
Seed 004: "Services must identify a single member of staff to coordinate support for each child or
young person who needs help from more than one team." This app makes that person, and the team
around them, real: who is involved, what each offers, who coordinates, and who the young person trusts.
"""

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.children.categories import SENSITIVE, Category
from apps.core.validation import london_today, validate_event_date, validate_printable_name


def _described_category(home: Category, what: str) -> models.CharField:
    """The category of the child's information a piece of free text describes (R72, R80).

    Free text carries whatever its writer puts in it, so it is held in the category of what it says: its
    record's own (home) category by default, or a sensitive category when the writer says it describes one.
    The one access decision then shows it only to someone who sees that category.
    """
    return models.CharField(
        f"the category of {what}",
        max_length=30,
        choices=Category.choices,
        default=home,
        # Also in the database, so rows a release still running writes without it take the home category.
        db_default=home.value,
        help_text="Its record's own category, or a sensitive category it mentions.",
    )


def _home_or_sensitive(field: str, home: Category, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": [home.value, *sorted(category.value for category in SENSITIVE)]}),
        name=name,
    )


class TeamMembershipQuerySet(models.QuerySet):
    def current(self) -> "TeamMembershipQuerySet":
        return self.filter(ended_on__isnull=True)


class TeamMembership(models.Model):
    """One person in the team around a child: a professional, a caregiver, or the trusted adult.

    Professionals sign in to Beacon (``user``); caregivers and trusted adults outside every service may not,
    so their name and contact route are recorded here. Past members stay, with their end date.
    """

    class Kind(models.TextChoices):
        PROFESSIONAL = "professional", "Professional"
        CAREGIVER = "caregiver", "Caregiver"
        TRUSTED_ADULT = "trusted_adult", "Trusted adult"

    class CaregiverRole(models.TextChoices):
        FOSTER_CARER = "foster_carer", "Foster carer"
        KINSHIP_CARER = "kinship_carer", "Kinship carer"
        ADOPTIVE_PARENT = "adoptive_parent", "Adoptive parent"
        RESIDENTIAL_KEY_WORKER = "residential_key_worker", "Residential key worker"
        PARENT = "parent", "Parent"
        OTHER = "other", "Other caregiver"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="team_memberships")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="team_memberships",
    )
    person_name = models.CharField(
        max_length=150,
        blank=True,
        help_text="For someone who does not sign in to Beacon.",
        validators=[validate_printable_name],
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    professional_role = models.ForeignKey(
        "accounts.ProfessionalRole", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    caregiver_role = models.CharField(max_length=30, choices=CaregiverRole.choices, blank=True)
    role_description = models.CharField(
        max_length=200, blank=True, help_text="In words, for example 'youth worker at the boxing club'."
    )
    offering = models.TextField("what they are offering", blank=True)
    offering_category = _described_category(Category.TEAM, "the offer")
    # The same offer told to the young person, on their own "who is working with me" page (R91): short,
    # plain, spoken to them ("I see you every Thursday after school"). Never the professional wording
    # above, which may mention other people or use labels a young person should not meet first (R145).
    offer_for_young_person = models.CharField(
        "what I offer you, in plain words for the young person", max_length=300, blank=True
    )
    offer_for_young_person_category = _described_category(Category.TEAM, "the offer to the young person")
    contact_details = models.CharField("how to contact them", max_length=300, blank=True)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    # Team around the worker (AMBIT, R20): the person the young person says "gets me best".
    is_trusted_worker = models.BooleanField("the young person's trusted worker", default=False)
    has_direct_contact = models.BooleanField("has direct contact with the young person", default=True)
    direct_contact_reason = models.TextField(blank=True)
    direct_contact_reason_category = _described_category(Category.TEAM, "the direct-contact reason")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = TeamMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["-is_trusted_worker", "started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="team_membership_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=~Q(kind="professional") | Q(user__isnull=False),
                name="professional_members_sign_in",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(person_name=""),
                name="team_member_is_named",
            ),
            models.UniqueConstraint(
                fields=["child", "user"],
                condition=Q(ended_on__isnull=True, user__isnull=False),
                name="one_current_membership_per_person",
            ),
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(ended_on__isnull=True, is_trusted_worker=True),
                name="one_current_trusted_worker",
            ),
            _home_or_sensitive("offering_category", Category.TEAM, "membership_offering_team_or_sensitive"),
            _home_or_sensitive(
                "offer_for_young_person_category",
                Category.TEAM,
                "membership_offer_for_young_person_team_or_sensitive",
            ),
            _home_or_sensitive(
                "direct_contact_reason_category",
                Category.TEAM,
                "membership_direct_contact_reason_team_or_sensitive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.role_label})"

    @property
    def name(self) -> str:
        return str(self.user) if self.user_id else self.person_name

    @property
    def role_label(self) -> str:
        if self.kind == self.Kind.PROFESSIONAL and self.professional_role_id:
            return str(self.professional_role)
        if self.kind == self.Kind.CAREGIVER and self.caregiver_role:
            return self.get_caregiver_role_display()
        return self.role_description or self.get_kind_display()

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


class LeadProfessionalAppointment(models.Model):
    """The one accountable coordinator for a child, from any agency, and how they were appointed (R16-R17)."""

    class Route(models.TextChoices):
        EARLY_HELP = "early_help", "Early help assessment"
        TEAM_AROUND_CHILD = "team_around_child", "Team around the child or family"
        CARE_PROGRAMME_APPROACH = "care_programme_approach", "Care programme approach"
        YOUTH_JUSTICE = "youth_justice", "Youth justice statutory duty"
        SOCIAL_CARE = "social_care", "Children's social care"
        TROUBLED_FAMILIES = "troubled_families", "Supporting families programme"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="lead_appointments")
    membership = models.ForeignKey(TeamMembership, on_delete=models.PROTECT, related_name="lead_appointments")
    route = models.CharField(max_length=30, choices=Route.choices)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-started_on", "-pk"]
        constraints = [
            # Exactly one active lead professional per child, whatever two requests do at once.
            models.UniqueConstraint(
                fields=["child"], condition=Q(ended_on__isnull=True), name="one_active_lead_professional"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="lead_appointment_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership.name}, lead professional from {self.started_on:%d %b %Y}"


class Handover(models.Model):
    """A lead professional or trusted worker hands over to a named successor (R24)."""

    class Role(models.TextChoices):
        LEAD_PROFESSIONAL = "lead_professional", "Lead professional"
        TRUSTED_WORKER = "trusted_worker", "Trusted worker"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="handovers")
    role = models.CharField(max_length=20, choices=Role.choices)
    from_membership = models.ForeignKey(
        TeamMembership, on_delete=models.PROTECT, related_name="handovers_given"
    )
    to_membership = models.ForeignKey(
        TeamMembership, on_delete=models.PROTECT, related_name="handovers_taken"
    )
    note = models.TextField()
    overlap_until = models.DateField(null=True, blank=True)
    handed_over_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-handed_over_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_membership=models.F("to_membership")), name="handover_to_someone_else"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} handover on {self.handed_over_on:%d %b %Y}"


class Meeting(models.Model):
    """A team-around-the-child or family, network or CPA meeting (R25). Planned when in the future."""

    class Kind(models.TextChoices):
        TEAM_AROUND_CHILD = "team_around_child", "Team around the child"
        TEAM_AROUND_FAMILY = "team_around_family", "Team around the family"
        NETWORK = "network", "Network meeting"
        CARE_PROGRAMME_APPROACH = "cpa_review", "Care programme approach review"
        OTHER = "other", "Other multi-agency meeting"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    held_at = models.DateTimeField(validators=[validate_event_date])
    location = models.CharField(max_length=200, blank=True)
    # The voice of the child (UNCRC article 12): their views in their own words, or why they were not given.
    young_person_views = models.TextField("the young person's views, in their own words", blank=True)
    young_person_views_not_given_reason = models.TextField(
        "why the young person's views were not given", blank=True
    )
    decisions = models.TextField(blank=True)
    decisions_category = _described_category(Category.PLANS, "the decisions")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_at", "-pk"]
        constraints = [
            _home_or_sensitive("decisions_category", Category.PLANS, "meeting_decisions_plans_or_sensitive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.held_at:%d %b %Y}"


class MeetingParticipant(models.Model):
    """Someone invited to a meeting, and whether they came: a team member, the young person, family."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    membership = models.ForeignKey(
        TeamMembership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(
        max_length=150,
        blank=True,
        help_text="For someone not on the team, like a parent.",
        validators=[validate_printable_name],
    )
    invited = models.BooleanField(default=True)
    attended = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(membership__isnull=False) | ~Q(name=""), name="participant_is_named"
            ),
        ]

    def __str__(self) -> str:
        return self.membership.name if self.membership_id else self.name


# Who may mark an action done, in the words every interface refuses with.
ACTION_COMPLETE_REFUSED = (
    "Only the action's owner, or someone who can change the child's record, can mark it done."
)


class ActionQuerySet(models.QuerySet):
    def open(self) -> "ActionQuerySet":
        return self.filter(completed_on__isnull=True)

    def overdue(self, *, today: date | None = None) -> "ActionQuerySet":
        """Open actions whose due date has passed: the same rule as ``Action.is_overdue``, in the database."""
        return self.open().filter(due_on__lt=today or london_today())


class Action(models.Model):
    """Something someone agreed to do for a child, with one owner and a due date (R25, R24)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="actions")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="actions"
    )
    handover = models.ForeignKey(
        Handover, on_delete=models.CASCADE, null=True, blank=True, related_name="actions"
    )
    description = models.TextField()
    description_category = _described_category(Category.PLANS, "the action")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="team_actions")
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["due_on"], condition=Q(completed_on__isnull=True), name="open_actions_due")
        ]
        constraints = [
            _home_or_sensitive(
                "description_category", Category.PLANS, "action_description_plans_or_sensitive"
            ),
        ]

    def __str__(self) -> str:
        return f"Action due {self.due_on:%d %b %Y}"

    @property
    def is_overdue(self) -> bool:
        """Not done, and its due date (a Europe/London day) has passed: due today is not yet overdue.

        The team page, the API, the caseload's count and the lead professional's escalation all use this
        rule (or ``ActionQuerySet.overdue``, the same rule in the database).
        """
        return self.completed_on is None and self.due_on < london_today()

    def may_be_completed_by(self, user, *, can_change_record: bool) -> bool:
        """Whether ``user`` may mark this action done: its owner always; anyone else only if they can change
        the child's record (``can_change_record``, from the one access decision)."""
        return self.owner_id == user.pk or can_change_record


class AccessRequest(models.Model):
    """A professional found a record of the child they were about to add, but it is not shared with them: they
    ask the professional responsible for it for access, with their reason, instead of adding a second (R2).

    The record is found again server-side from the details they gave (``apps.children.selectors``), never
    named to them: each record that matched gets one request, all sharing the ``ask_id`` of the one ask, and
    the asker is told only the outcome of their ask. The record's lead professional answers (or, where it has
    none, a safeguarding lead of the organisation that made the record): access given (they join the team
    around the child, or are given access under the duty to share), declined with a reason, or a different
    child (so the asker may add a record after all). Answered once, under a lock.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        GRANTED = "granted", "Access given"
        DECLINED = "declined", "Declined"
        DIFFERENT_CHILD = "different_child", "A different child"
        # The record was merged into another about which the same person had asked (apps.children.merging).
        WITHDRAWN = "withdrawn", "Withdrawn"

    ANSWERS = (Status.GRANTED, Status.DECLINED, Status.DIFFERENT_CHILD)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    ask_id = models.UUIDField(db_index=True, editable=False)
    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="access_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("why they need access")
    # What they gave to find the record, for the person answering to judge whether it is the same child.
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    nhs_number = models.CharField(max_length=10, blank=True)
    matched_on = models.CharField("what matched", max_length=100)
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # Why it was declined or is a different child: kept for the record and the audit, never shown to the
    # asker, who learns nothing more about a record they may not see.
    answer_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "requested_by"],
                condition=Q(status="pending"),
                name="one_open_access_request_per_person",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="access_request_has_reason"),
            models.CheckConstraint(
                condition=Q(status="pending", answered_at__isnull=True, answered_by__isnull=True)
                | (~Q(status="pending") & Q(answered_at__isnull=False)),
                name="access_request_answered_when_not_pending",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["granted", "declined", "different_child"])
                | Q(answered_by__isnull=False),
                name="access_request_answer_has_who",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["declined", "different_child"]) | ~Q(answer_note=""),
                name="access_request_refusal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Request for access by {self.requested_by_id}: {self.get_status_display()}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


# Each record's free text, with the field holding the category it describes and its home category: what the
# services validate and every page, API response and message asks the access decision about.
FREE_TEXT: dict[type[models.Model], dict[str, tuple[str, Category]]] = {
    TeamMembership: {
        "offering": ("offering_category", Category.TEAM),
        "offer_for_young_person": ("offer_for_young_person_category", Category.TEAM),
        "direct_contact_reason": ("direct_contact_reason_category", Category.TEAM),
    },
    Meeting: {"decisions": ("decisions_category", Category.PLANS)},
    Action: {"description": ("description_category", Category.PLANS)},
}
