"""Appointments where the young person chooses, and what happens when one is missed (R53-R62, R67).

Seed 000: "Missed appointments should be actively investigated to establish why the young person or
parents did not attend ... to ensure that the child or young person is safe", and "not attending
appointments should not lead to the families or young people being rejected from services". So a
missed appointment here is never the end of anything: it creates a follow-up for the lead
professional, due in working days, that can only be completed by saying why, how the child was seen
to be safe, and what was offered instead; repeated misses reach the safeguarding lead.
"""

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.core.validation import validate_event_date, validate_printable_name


class Appointment(models.Model):
    """One appointment for a child: where, with whom, who comes with them, the practical help, the outcome."""

    class Location(models.TextChoices):
        # R53: away from traditional NHS settings whenever the young person wants.
        CLINIC = "clinic", "Clinic"
        HOME = "home", "Home"
        SCHOOL = "school", "School or college"
        COMMUNITY_PLACE = "community_place", "A community place the young person chose"
        YOUTH_CLUB = "youth_club", "Youth club"
        PUBLIC_PLACE = "public_place", "Café, park or other public place"
        PHONE = "phone", "Phone call"
        VIDEO = "video", "Video call"
        ONLINE_TEXT = "online_text", "Online text chat"

    class Companion(models.TextChoices):
        """Who the young person wants with them (R56)."""

        NOBODY = "nobody", "Nobody, they want to come on their own"
        PARENT_CARER = "parent_carer", "A parent or carer"
        FAMILY_MEMBER = "family_member", "Another family member"
        TRUSTED_ADULT = "trusted_adult", "Their trusted adult"
        KEY_WORKER = "key_worker", "Their key worker"
        ADVOCATE = "advocate", "An advocate"
        FRIEND = "friend", "A friend"

    class PracticalSupport(models.TextChoices):
        """The practical offer for families in poverty (R67)."""

        TRANSPORT_VOUCHER = "transport_voucher", "Transport voucher"
        TRAVEL_COSTS = "travel_costs", "Travel costs paid back"
        NEARER_VENUE = "nearer_venue", "A venue nearer home"
        CHILDCARE = "childcare", "Help with childcare for brothers or sisters"

    class Outcome(models.TextChoices):
        ATTENDED = "attended", "Attended"
        # A young person deciding for themselves not to come.
        DID_NOT_ATTEND = "did_not_attend", "Did not attend"
        # A child who depends on an adult to bring them: the adult did not (NSPCC "was not brought").
        WAS_NOT_BROUGHT = "was_not_brought", "Was not brought"
        CANCELLED_BY_FAMILY = "cancelled_by_family", "Cancelled by the young person or family"
        CANCELLED_BY_SERVICE = "cancelled_by_service", "Cancelled by the service"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="appointments")
    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        help_text="The referral this appointment is part of, if any.",
    )
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="appointments",
        help_text="Who the young person is seeing.",
    )
    purpose = models.CharField(max_length=200, help_text="For example 'first assessment' or 'session 3'.")
    starts_at = models.DateTimeField(validators=[validate_event_date])
    duration_minutes = models.PositiveSmallIntegerField(default=50)
    location = models.CharField(max_length=20, choices=Location.choices)
    location_detail = models.CharField(
        "where exactly", max_length=200, blank=True, help_text="The address, room or name of the place."
    )
    chosen_by_young_person = models.BooleanField("the young person chose the place", default=False)

    companion = models.CharField(
        "who the young person wants with them", max_length=20, choices=Companion.choices, blank=True
    )
    companion_name = models.CharField(max_length=150, blank=True, validators=[validate_printable_name])
    companion_wish_met = models.BooleanField(null=True, blank=True)
    companion_wish_not_met_reason = models.TextField(blank=True)

    # A list of PracticalSupport codes (checked in apps.appointments.services). JSON rather than an
    # ArrayField so that `make run` works on SQLite as well as PostgreSQL.
    practical_support = models.JSONField(default=list, blank=True)
    practical_support_taken_up = models.BooleanField(null=True, blank=True)

    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A second recording of the outcome is a correction, with its reason and what it replaced.
    previous_outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    outcome_correction_reason = models.TextField(blank=True)
    # A child younger than BEACON_WAS_NOT_BROUGHT_UNDER_AGE depends on an adult to bring them: "did not
    # attend" for them needs the reason it was their own choice and not "was not brought" (R57-R59).
    did_not_attend_reason = models.TextField("why 'did not attend' and not 'was not brought'", blank=True)
    # Team around the worker (R20): a supporting member booked to see the young person directly is a new
    # face for a young person who said who they trust; the booker was warned and said why.
    direct_contact_acknowledged = models.BooleanField(default=False, db_default=False)
    direct_contact_reason = models.TextField(
        "why this member sees the young person directly", blank=True, default="", db_default=""
    )

    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["child", "-starts_at"], name="appointment_child_time")]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome_recorded_at__isnull=False),
                name="appointment_outcome_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(companion_wish_met=False) | ~Q(companion_wish_not_met_reason=""),
                name="appointment_unmet_companion_wish_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5), name="appointment_at_least_five_minutes"
            ),
            models.CheckConstraint(
                condition=Q(direct_contact_acknowledged=False) | ~Q(direct_contact_reason=""),
                name="appointment_direct_contact_acknowledged_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} on {self.starts_at:%d %b %Y}"

    @property
    def is_missed(self) -> bool:
        return self.outcome in MISSED_OUTCOMES

    @property
    def practical_support_labels(self) -> list[str]:
        return [self.PracticalSupport(item).label for item in self.practical_support]


# The two outcomes that are a missed appointment: each creates a follow-up.
MISSED_OUTCOMES = frozenset({Appointment.Outcome.DID_NOT_ATTEND, Appointment.Outcome.WAS_NOT_BROUGHT})
CANCELLED_OUTCOMES = frozenset(
    {Appointment.Outcome.CANCELLED_BY_FAMILY, Appointment.Outcome.CANCELLED_BY_SERVICE}
)


class MissedAppointmentFollowUpQuerySet(models.QuerySet):
    def open(self) -> "MissedAppointmentFollowUpQuerySet":
        return self.filter(status=MissedAppointmentFollowUp.Status.OPEN)

    def overdue(self, *, today: date | None = None) -> "MissedAppointmentFollowUpQuerySet":
        """Open follow-ups past their due date: ``MissedAppointmentFollowUp.is_overdue`` in the database."""
        return self.open().filter(due_on__lt=today or timezone.localdate())


class MissedAppointmentFollowUp(models.Model):
    """The mandatory follow-up of a missed appointment (R57, R60): find out why, check safe, offer another."""

    class Status(models.TextChoices):
        OPEN = "open", "To do"
        COMPLETED = "completed", "Done"
        # The outcome was corrected to one that is not a missed appointment: nothing to follow up.
        WITHDRAWN = "withdrawn", "No longer needed"

    class AssignedAs(models.TextChoices):
        LEAD_PROFESSIONAL = "lead_professional", "Lead professional"
        TEAM_MANAGER = "team_manager", "Team manager (the child has no lead professional)"
        SAFEGUARDING_LEAD = "safeguarding_lead", "Safeguarding lead (the child has no lead professional)"
        RECORDER = "recorder", "Recorded the missed appointment (nobody else was found)"

    class Reason(models.TextChoices):
        """Why the appointment was missed (R60), for the young person's plan and for reporting (R132)."""

        TRANSPORT_COST = "transport_cost", "Could not afford the travel"
        SCHOOL_REFUSED = "school_refused", "School would not let them out"
        FELT_UNSAFE = "felt_unsafe", "Did not feel safe going there"
        DID_NOT_TRUST = "did_not_trust", "Did not know or trust the professional"
        SETTING_OFF_PUTTING = "setting_off_putting", "The clinic or setting was off-putting"
        CARING = "caring", "Caring responsibilities at home"
        UNWELL = "unwell", "Unwell"
        NOT_TOLD = "not_told", "Was not told about the appointment"
        FORGOT = "forgot", "Forgot, or mixed up the time"
        NOT_READY = "not_ready", "Not ready to talk yet"
        OTHER = "other", "Another reason"

    class SafetyCheck(models.TextChoices):
        SEEN_IN_PERSON = "seen_in_person", "Saw the young person in person"
        SPOKE_TO_YOUNG_PERSON = "spoke_to_young_person", "Spoke to the young person"
        SPOKE_TO_PARENT_CARER = "spoke_to_parent_carer", "Spoke to a parent or carer"
        ANOTHER_PROFESSIONAL = "another_professional", "Another professional saw them (school, social worker)"

    class Alternative(models.TextChoices):
        """What was offered instead (R57): a different time, a different place, or a trusted worker."""

        DIFFERENT_TIME = "different_time", "A different time"
        DIFFERENT_PLACE = "different_place", "A different place"
        TRUSTED_WORKER = "trusted_worker", "Seeing a worker they already trust"
        PRACTICAL_HELP = "practical_help", "Practical help to get there"
        KEEP_IN_TOUCH = "keep_in_touch", "Keeping in touch until they are ready"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="follow_ups")
    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="missed_follow_ups")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="missed_appointment_follow_ups"
    )
    assigned_as = models.CharField(max_length=20, choices=AssignedAs.choices)
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    missed_in_a_row = models.PositiveSmallIntegerField(
        help_text="Missed appointments in a row, this one included, when it was recorded."
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalation_reason = models.CharField(max_length=200, blank=True)

    reason = models.CharField(max_length=30, choices=Reason.choices, blank=True)
    reason_detail = models.TextField(blank=True)
    child_safe = models.BooleanField(null=True, blank=True)
    safety_check = models.CharField(max_length=30, choices=SafetyCheck.choices, blank=True)
    safety_note = models.TextField(blank=True)
    alternative = models.CharField(max_length=20, choices=Alternative.choices, blank=True)
    alternative_detail = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MissedAppointmentFollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["due_on"], condition=Q(status="open"), name="open_follow_ups_due"),
            models.Index(fields=["assigned_to", "status"], name="follow_ups_by_assignee"),
        ]
        constraints = [
            # One live follow-up per missed appointment, however many times its outcome is recorded.
            models.UniqueConstraint(
                fields=["appointment"], condition=~Q(status="withdrawn"), name="one_live_follow_up"
            ),
            # Done means every question answered: why, that the child is safe and how, what was offered.
            models.CheckConstraint(
                condition=~Q(status="completed")
                | (
                    Q(completed_at__isnull=False, child_safe__isnull=False)
                    & ~Q(reason="")
                    & ~Q(safety_check="")
                    & ~Q(alternative="")
                ),
                name="completed_follow_up_is_answered",
            ),
        ]

    def __str__(self) -> str:
        return f"Missed appointment follow-up due {self.due_on:%d %b %Y}"

    @property
    def is_overdue(self) -> bool:
        """Still to do, and its due date (a Europe/London day) has passed: what the pages and the API show,
        the caseload counts and the daily sweep escalates to the team manager (R57)."""
        return self.status == self.Status.OPEN and self.due_on < timezone.localdate()


class FollowUpAttempt(models.Model):
    """One try to reach the young person or family about a missed appointment that did not reach them.

    The follow-up stays open: "done" means somebody was reached and the child was seen to be safe, so a
    try that reached nobody is recorded here with what was tried, and the follow-up is due again a
    working day or so later. Enough of them in a row reach the safeguarding lead.
    """

    class Method(models.TextChoices):
        PHONE = "phone", "Phoned"
        TEXT = "text", "Sent a text message"
        EMAIL_OR_LETTER = "email_or_letter", "Emailed or wrote"
        HOME_VISIT = "home_visit", "Visited the home"
        VIA_SCHOOL = "via_school", "Asked the school or college"
        VIA_PROFESSIONAL = "via_professional", "Asked another professional who knows them"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    follow_up = models.ForeignKey(
        MissedAppointmentFollowUp, on_delete=models.CASCADE, related_name="attempts"
    )
    # 1 for the first try, 2 for the second: numbered under the follow-up's lock.
    number = models.PositiveSmallIntegerField()
    method = models.CharField(max_length=20, choices=Method.choices)
    what_was_tried = models.TextField(
        help_text="For example 'rang mum's mobile twice, no answer, left a message'."
    )
    tried_at = models.DateTimeField()
    due_again_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["follow_up", "number"], name="follow_up_attempt_numbered_once"),
            models.CheckConstraint(condition=~Q(what_was_tried=""), name="follow_up_attempt_says_what"),
        ]

    def __str__(self) -> str:
        return f"Attempt {self.number} on {self.tried_at:%d %b %Y}"
