"""Consultation before referral, the single point of access, and waiting well (R32-R42, R63-R69).

Seed 000: "initial contact with specialist mental health services without the need for a formal
referral". Seed 003: "not a single point of rejection". Seed 002: "CAMHS should be resourced to offer
at least one contact with young people on the waiting list". This app keeps the conversation that comes
before a referral, the referral itself (about need, never diagnosis alone), the decision on it, which
can only be "not accepted" with an alternative, and the wait that follows an acceptance.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.core.validation import validate_printable_name


class Route(models.TextChoices):
    """Who the referral or consultation comes from (R35): every route is accepted, none is required."""

    YOUNG_PERSON = "young_person", "The young person themselves"
    PARENT_CARER = "parent_carer", "A parent or carer"
    TRUSTED_ADULT = "trusted_adult", "The young person's trusted adult"
    SCHOOL = "school", "School or college"
    GP = "gp", "GP"
    SOCIAL_CARE = "social_care", "Social care"
    YOUTH_JUSTICE = "youth_justice", "Youth justice (YOT)"
    POLICE = "police", "Police"
    EMERGENCY_DEPARTMENT = "emergency_department", "Emergency department"
    VOLUNTARY_SECTOR = "voluntary_sector", "Voluntary sector"
    HEALTH_OTHER = "health_other", "Another health service"
    OTHER = "other", "Someone else"


# Routes where the referrer is the young person or their family, who may not sign in to Beacon.
FAMILY_ROUTES = frozenset({Route.YOUNG_PERSON, Route.PARENT_CARER, Route.TRUSTED_ADULT})


class PreferredSupport(models.TextChoices):
    """The kind of support the young person would prefer (R45), asked before anything else is decided."""

    NOT_ASKED = "", "Not asked yet"
    SELF_HELP = "self_help", "Self-help"
    PEER_MENTORING = "peer_mentoring", "Peer mentoring or peer support"
    COMMUNITY = "community", "A community or youth service"
    SCHOOL_BASED = "school_based", "Support in school or college"
    ONE_TO_ONE = "one_to_one", "Talking to someone one to one"
    FAMILY = "family", "Support with the family"
    GROUP = "group", "A group"
    NOT_SURE = "not_sure", "The young person is not sure"


class ConcernLevel(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Consultation(models.Model):
    """A conversation with the single point of access that is not (yet) a referral (R32, R33).

    Any professional, or a parent or carer, can ask for one. A consultation may be about a child who is
    not on Beacon, or whom the asker does not want to name yet: then ``child`` is empty and only the
    asker and the receiving service's staff see it. Once a child is linked the child's permissions and
    the referrals consent category apply as well.
    """

    class Channel(models.TextChoices):
        PHONE = "phone", "Phone"
        EMAIL = "email", "Email"
        ONLINE = "online", "Online form"
        API = "api", "Another system (API)"
        FACE_TO_FACE = "face_to_face", "Face to face or drop-in"

    class Outcome(models.TextChoices):
        ADVICE_ONLY = "advice_only", "Advice only"
        CASE_MANAGEMENT_ADVICE = "case_management_advice", "Case-management advice"
        CONVENE_NETWORK = "convene_network", "Convene the local network"
        FORMAL_REFERRAL = "formal_referral", "Formal referral"
        OTHER_NEED_FIRST = "other_need_first", "Another agency's need addressed first"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, null=True, blank=True, related_name="consultations"
    )
    # Without a child record: a description that does not identify (for example "Year 9 girl").
    child_description = models.CharField(max_length=200, blank=True)
    receiving_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="consultations_received"
    )
    route = models.CharField(max_length=30, choices=Route.choices)
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.ONLINE)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consultations_requested"
    )
    # Someone who does not sign in (a parent on the phone), recorded by the professional who took the call.
    requester_name = models.CharField(max_length=150, blank=True, validators=[validate_printable_name])
    requester_contact = models.CharField(max_length=300, blank=True)
    concern = models.TextField()
    what_has_been_tried = models.TextField(blank=True)
    preferred_support = models.CharField(
        max_length=20, choices=PreferredSupport.choices, blank=True, default=PreferredSupport.NOT_ASKED
    )
    # When it was asked (a phone call may be typed up later), not when it was typed.
    requested_at = models.DateTimeField(default=timezone.now)

    advice = models.TextField(blank=True)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    advised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    advised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(child__isnull=False) | ~Q(child_description=""),
                name="consultation_about_someone",
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | (~Q(advice="") & Q(advised_at__isnull=False)),
                name="consultation_outcome_has_advice",
            ),
        ]

    def __str__(self) -> str:
        return f"Consultation {self.public_id}"


class Referral(models.Model):
    """A referral to a receiving service through its single point of access (R34-R42).

    It is about need: presenting needs, levels of concern, what has been tried, the young person's
    views. A diagnosis is optional and never required (R36). The child's social-work involvement and
    area deprivation at the time of referral are kept with it (snapshots, because both change), so
    that equity reports can compare decisions for the children seed 002 found were turned away most.
    """

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        TRIAGED = "triaged", "Triaged"
        DECLINE_PENDING_REVIEW = "decline_pending_review", "Not accepted, waiting for senior agreement"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Not accepted, alternative arranged"
        CLOSED = "closed", "Closed"

    class Urgency(models.TextChoices):
        # Ordered by risk: the triage queue sorts on urgency_rank, crisis first (R38).
        ROUTINE = "routine", "Routine"
        URGENT = "urgent", "Urgent"
        EMERGENCY = "emergency", "Emergency"
        CRISIS = "crisis", "Crisis"

    class ConsentToRefer(models.TextChoices):
        YOUNG_PERSON = "young_person", "The young person agreed"
        PARENT_CARER = "parent_carer", "A parent or carer agreed"
        BOTH = "both", "The young person and a parent or carer agreed"
        WITHOUT_CONSENT = "without_consent", "Made without consent (safeguarding; reason recorded)"

    class DeclineReason(models.TextChoices):
        NOT_SPECIALIST_NEED = "not_specialist_need", "Needs can be met by a less specialist service"
        OTHER_SERVICE_BETTER = "other_service_better", "Another service is better placed"
        OUT_OF_AREA = "out_of_area", "Lives outside the service's area"
        OUTSIDE_AGE_RANGE = "outside_age_range", "Outside the service's age range"
        ALREADY_SUPPORTED = "already_supported", "Already receiving the support needed"
        # Instability reasons (R40): seed 002 found no evidence that stability is needed for therapy.
        UNSTABLE_PLACEMENT = "unstable_placement", "Unstable placement"
        OPEN_SAFEGUARDING = "open_safeguarding", "Open safeguarding case"
        RECENT_TRAUMA = "recent_trauma", "Recent trauma"
        PARENTAL_MENTAL_ILLNESS = "parental_mental_illness", "Parental mental illness"
        CANNOT_ATTEND_REGULARLY = "cannot_attend_regularly", "Cannot attend regularly"

    class SeniorReviewOutcome(models.TextChoices):
        AGREED = "agreed", "Agreed: the referral is not accepted"
        OVERTURNED = "overturned", "Not agreed: the referral goes back to triage"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="referrals")
    consultation = models.OneToOneField(
        Consultation, on_delete=models.PROTECT, null=True, blank=True, related_name="referral"
    )
    receiving_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="referrals_received"
    )
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.RECEIVED)

    # Who referred. ``made_by`` entered it; the referrer is them, or a young person or family member
    # named here when a professional takes a self-referral by phone or it arrives through the API.
    route = models.CharField(max_length=30, choices=Route.choices)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_made"
    )
    referrer_name = models.CharField(max_length=150, blank=True, validators=[validate_printable_name])
    referrer_contact = models.CharField(max_length=300, blank=True)

    # About need (R36, R45).
    presenting_needs = models.TextField()
    professional_concern = models.CharField(max_length=10, choices=ConcernLevel.choices)
    family_concern = models.CharField(max_length=10, choices=ConcernLevel.choices)
    what_has_been_tried = models.TextField(blank=True)
    young_person_views = models.TextField("the young person's views", blank=True)
    preferred_support = models.CharField(
        max_length=20, choices=PreferredSupport.choices, blank=True, default=PreferredSupport.NOT_ASKED
    )
    consent_to_refer = models.CharField(max_length=20, choices=ConsentToRefer.choices)
    consent_note = models.TextField(blank=True)
    diagnosis = models.CharField("diagnosis (optional)", max_length=200, blank=True)

    # Snapshots at referral (R3, R5, R125): these change, the referral keeps what was true then.
    social_work_status_at_referral = models.CharField(max_length=20, blank=True)
    deprivation_decile_at_referral = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )

    # Triage (R37, R38).
    urgency = models.CharField(max_length=10, choices=Urgency.choices, blank=True)
    urgency_rank = models.PositiveSmallIntegerField(default=0)
    triage_note = models.TextField(blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The target for the first appointment, fixed when triaged from the urgency's setting.
    target_at = models.DateTimeField(null=True, blank=True)
    needs_retriage = models.BooleanField(default=False)
    retriage_reason = models.TextField(blank=True)

    # Decision (R39, R40).
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(max_length=30, choices=DeclineReason.choices, blank=True)
    decline_explanation = models.TextField(blank=True)
    # An instability reason: needs a senior reviewer and is reported separately (R40, R125).
    is_equity_risk_decline = models.BooleanField(default=False)
    senior_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    senior_reviewed_at = models.DateTimeField(null=True, blank=True)
    senior_review_outcome = models.CharField(max_length=20, choices=SeniorReviewOutcome.choices, blank=True)
    senior_review_note = models.TextField(blank=True)

    # Wait clocks (R66): each step's time, set once.
    received_at = models.DateTimeField(default=timezone.now)
    triaged_at = models.DateTimeField(null=True, blank=True)
    first_contact_at = models.DateTimeField(null=True, blank=True)
    first_appointment_at = models.DateTimeField(null=True, blank=True)
    treatment_started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["receiving_organisation", "status"], name="referral_queue"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(deprivation_decile_at_referral__isnull=True)
                | Q(deprivation_decile_at_referral__range=(1, 10)),
                name="referral_deprivation_decile_1_to_10",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["declined", "decline_pending_review"]) | ~Q(decline_reason=""),
                name="referral_decline_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined", is_equity_risk_decline=True)
                | Q(senior_review_outcome="agreed"),
                name="referral_instability_decline_agreed_by_senior",
            ),
            models.CheckConstraint(
                condition=Q(senior_reviewer__isnull=True) | ~Q(senior_reviewer=models.F("decided_by")),
                name="referral_senior_reviewer_not_decider",
            ),
        ]

    def __str__(self) -> str:
        return f"Referral {self.public_id}"

    @property
    def social_work_at_referral_label(self) -> str:
        from apps.children.models import SocialWorkInvolvement

        labels = dict(SocialWorkInvolvement.Status.choices)
        return labels.get(self.social_work_status_at_referral, "None recorded")

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.RECEIVED, self.Status.TRIAGED, self.Status.DECLINE_PENDING_REVIEW)


class DeclineAlternative(models.Model):
    """What was arranged instead when a referral is not accepted (R39). At least one per decline."""

    class Kind(models.TextChoices):
        ONWARD_REFERRAL = "onward_referral", "Onward referral to another service"
        NAMED_SERVICE = "named_service", "Signposted to a named service"
        CONSULTATION_ADVICE = "consultation_advice", "Consultation advice to the referrer"
        NETWORK_MEETING = "network_meeting", "A network meeting convened"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="alternatives")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    service_name = models.CharField(max_length=200, blank=True)
    # The directory's entry for the service (R39, R49): its "what to expect" page goes to the family.
    directory_service = models.ForeignKey(
        "directory.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # In plain English: this is what the family reads.
    detail = models.TextField()
    arranged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    arranged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["arranged_at", "pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class WaitingListEntry(models.Model):
    """A child waiting after their referral was accepted (R63, R64).

    The first trust-building contact is due sooner for children with social-work involvement, in the
    most deprived areas or in an unstable situation (seed 002); after it, regular contacts follow at
    the configured interval until the first appointment.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="waiting_entry")
    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="waiting_entries")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    is_priority = models.BooleanField(default=False)
    # In words, why contact comes sooner: "social-work involvement", "most deprived 20% of areas" ...
    priority_reasons = models.CharField(max_length=300, blank=True)
    first_contact_due_on = models.DateField()
    next_contact_due_on = models.DateField()
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["next_contact_due_on", "pk"]
        verbose_name_plural = "waiting list entries"
        indexes = [models.Index(fields=["organisation", "next_contact_due_on"], name="waiting_contacts_due")]

    def __str__(self) -> str:
        return f"Waiting since {self.started_at:%d %b %Y}"


class WaitingContact(models.Model):
    """One contact with a waiting child or family, with its risk check and signposting (R64, R65)."""

    class Kind(models.TextChoices):
        TRUST_BUILDING = "trust_building", "First contact: what the service offers and will ask"
        REGULAR = "regular", "Regular keeping-in-touch contact"

    class Method(models.TextChoices):
        PHONE = "phone", "Phone"
        VIDEO = "video", "Video call"
        FACE_TO_FACE = "face_to_face", "Face to face"
        TEXT = "text", "Text message conversation"
        LETTER = "letter", "Letter or email"

    class RiskCheck(models.TextChoices):
        BETTER = "better", "Things are better"
        SAME = "same", "Things are about the same"
        WORSE = "worse", "Things are getting worse"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    entry = models.ForeignKey(WaitingListEntry, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    method = models.CharField(max_length=20, choices=Method.choices)
    spoke_with = models.CharField(max_length=150, help_text="For example 'the young person and her dad'.")
    contacted_at = models.DateTimeField()
    explained_service = models.BooleanField(
        "explained what the service offers, its role and what it will ask", default=False
    )
    risk_check = models.CharField(max_length=10, choices=RiskCheck.choices)
    signposting = models.TextField("support signposted while waiting", blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-contacted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="trust_building") | Q(explained_service=True),
                name="trust_building_contact_explains_service",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.contacted_at:%d %b %Y}"


class HelpRequest(models.Model):
    """A request for help through the front door (R34, R35): no professional needed to ask.

    A young person asks from their own pages (``child`` is then their own record), or a parent or carer
    through the public form, with no account. A parent's request is never attached to a child record
    by Beacon: it names or describes the child, and finding whether the child is known is the single
    point of access team's job, so the form never says whether a child is known to services. It waits
    beside professionals' referrals until the team makes a referral, routes it to another service
    (a recorded ``RoutingStep``) or closes it with advice.
    """

    class Source(models.TextChoices):
        YOUNG_PERSON = "young_person_portal", "The young person, from their Beacon pages"
        PARENT_CARER = "parent_public_form", "A parent or carer, through the public form"

    class Urgency(models.TextChoices):
        # In the asker's own words; triage decides the referral's urgency (R38).
        URGENT = "urgent", "Urgent: someone may not be safe"
        SOON = "soon", "Soon: things are getting harder"
        NOT_URGENT = "not_urgent", "Not urgent"

    class ContactBy(models.TextChoices):
        PHONE = "phone", "A phone call"
        TEXT = "text", "A text message"
        EMAIL = "email", "An email"
        BEACON = "beacon", "A message in Beacon"

    class Status(models.TextChoices):
        NEW = "new", "Waiting to be looked at"
        ROUTED = "routed", "Routed to another service"
        CLOSED = "closed", "Closed"

    class Outcome(models.TextChoices):
        REFERRAL_MADE = "referral_made", "A referral was made"
        ADVICE_GIVEN = "advice_given", "Advice or signposting given"
        COULD_NOT_REACH = "could_not_reach", "Could not reach them after several tries"
        WITHDRAWN = "withdrawn", "They no longer want help"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.CharField(max_length=30, choices=Source.choices)
    receiving_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="help_requests"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    # Only the young person's own request carries their record; a parent's never does (see above).
    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, null=True, blank=True, related_name="help_requests"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The child as the parent or carer gave them: name and date of birth, or a description.
    child_name = models.CharField(max_length=150, blank=True)
    child_date_of_birth = models.DateField(null=True, blank=True)
    child_nhs_number = models.CharField(max_length=10, blank=True)
    child_description = models.CharField(max_length=300, blank=True)
    requester_name = models.CharField(max_length=150, blank=True)
    requester_relationship = models.CharField(max_length=100, blank=True)
    requester_phone = models.CharField(max_length=40, blank=True)
    requester_email = models.EmailField(blank=True)
    what_is_happening = models.TextField()
    urgency = models.CharField(max_length=12, choices=Urgency.choices)
    contact_by = models.CharField(max_length=10, choices=ContactBy.choices)
    contact_note = models.CharField("when or how it is safe to contact", max_length=300, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)

    class Meta:
        ordering = ["received_at", "pk"]
        indexes = [models.Index(fields=["receiving_organisation", "status"], name="help_request_queue")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source="young_person_portal") | Q(child__isnull=False, asked_by__isnull=False),
                name="help_request_young_person_has_record",
            ),
            models.CheckConstraint(
                condition=~Q(source="parent_public_form")
                | (
                    Q(child__isnull=True)
                    & ~Q(requester_name="")
                    & (~Q(child_name="") | ~Q(child_description=""))
                ),
                name="help_request_parent_names_child_not_record",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | (~Q(outcome="") & Q(closed_at__isnull=False)),
                name="help_request_closed_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"Request for help {self.public_id}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def who_for(self) -> str:
        if self.child is not None:
            return self.child.known_as
        return self.child_name or self.child_description


class RoutingStep(models.Model):
    """A request routed from the single point of access to the service best placed for it (R34).

    Every routing decision is recorded: who routed it, when, to which service, and why.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    help_request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="routing_steps")
    from_organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    to_service = models.ForeignKey("directory.Service", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    routed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    routed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["routed_at", "pk"]

    def __str__(self) -> str:
        return f"Routed to {self.to_service} on {self.routed_at:%d %b %Y}"


class WaitingContactAttempt(models.Model):
    """A try to make a waiting-list contact that reached nobody: the contact is still owed, due again soon.

    A contact is a conversation with a risk check; a voicemail is not one. So a try that reached nobody is
    recorded here, with what was tried, and never as a contact.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    entry = models.ForeignKey(WaitingListEntry, on_delete=models.CASCADE, related_name="attempts")
    method = models.CharField(max_length=20, choices=WaitingContact.Method.choices)
    what_was_tried = models.TextField()
    tried_at = models.DateTimeField()
    due_again_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-tried_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(what_was_tried=""), name="waiting_attempt_says_what"),
        ]

    def __str__(self) -> str:
        return f"Tried on {self.tried_at:%d %b %Y}"
