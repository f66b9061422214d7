"""Messages to people, in Beacon, by email and by text message. Each is sent at most once, by construction.

``dedupe_key`` names the event a notification is about ("action 41 is overdue"); a unique constraint
on it means a sweep that runs twice, or two schedulers at once, can never create a second copy.
Each channel (in Beacon, email, text message) is a ``Delivery`` row, unique per notification and
channel, claimed with a conditional UPDATE before anything leaves Beacon, so a redelivered task never
sends twice. A ``Reminder`` is a notification with a due date kept in the database until a sweep sends it.
"""

import uuid

from django.conf import settings
from django.db import models

from apps.children.categories import Category


class Notification(models.Model):
    class Kind(models.TextChoices):
        ACTION_DUE_SOON = "action_due_soon", "Action due soon"
        ACTION_OVERDUE = "action_overdue", "Action overdue"
        HANDOVER = "handover", "Handover"
        CONTINUITY = "continuity", "Continuity alert"
        OVERRIDE = "override", "Safeguarding override to review"
        # Issue 6: appointments, referrals and waiting well. Added together so every app can use them.
        MISSED_APPOINTMENT = "missed_appointment", "Missed appointment follow-up"
        FOLLOW_UP_DUE = "follow_up_due", "Follow-up due"
        FOLLOW_UP_OVERDUE = "follow_up_overdue", "Follow-up overdue"
        SAFEGUARDING_ESCALATION = "safeguarding_escalation", "Safeguarding escalation"
        APPOINTMENT_REMINDER = "appointment_reminder", "Appointment reminder"
        WAITING_CONTACT_DUE = "waiting_contact_due", "Waiting-list contact due"
        WAITING_WORSE = "waiting_worse", "Things getting worse while waiting"
        WAIT_TARGET_AT_RISK = "wait_target_at_risk", "Wait target at risk"
        CONSULTATION = "consultation", "Consultation"
        REFERRAL_RECEIVED = "referral_received", "Referral received"
        REFERRAL_ACCEPTED = "referral_accepted", "Referral accepted"
        REFERRAL_DECLINED = "referral_declined", "Referral declined"
        # Issue 14 (R51): every change of a referral's state is told, not only the decision.
        REFERRAL_TRIAGED = "referral_triaged", "Referral triaged"
        REFERRAL_OFFERED = "referral_offered", "First appointment offered"
        DECLINE_REVIEW = "decline_review", "Decline to review"
        MESSAGE = "message", "Message"
        # The passport (apps.passport): a suggested change for its owner, the owner's answer for its author.
        PASSPORT_PROPOSAL = "passport_proposal", "Suggested change to a passport"
        PASSPORT_DECISION = "passport_decision", "Decision on a suggested passport change"
        # One record per child (R2, apps.teams): a request for access to a record the asker could not see,
        # for the professional responsible for it, and their answer, for the asker.
        ACCESS_REQUEST = "access_request", "Request for access to a record"
        ACCESS_REQUEST_ANSWER = "access_request_answer", "Answer to a request for access"

    class Priority(models.IntegerChoices):
        # Stored (derived from the kind when sent) so the inbox sorts and filters on it in the database.
        NORMAL = 1, "Normal"
        URGENT = 2, "Urgent"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    priority = models.PositiveSmallIntegerField(
        choices=Priority.choices, default=Priority.NORMAL, db_default=Priority.NORMAL
    )
    dedupe_key = models.CharField(max_length=200, unique=True)
    # The task it asks the recipient to act on ("follow-up:41"), when it asks one: ``task_done`` clears every
    # notification about the task once it is done, and ends the access the alert gave.
    task_key = models.CharField(max_length=100, blank=True, default="", db_default="")
    # When the task it is about was done (by anyone): it no longer needs the recipient, and reads as done.
    cleared_at = models.DateTimeField(null=True, blank=True)
    child = models.ForeignKey(
        "children.Child", on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    # The category of the child's information it is about, and whether the recipient holds the item itself
    # (the follow-up's assignee, the action's owner): the access decision is asked with both when it is made,
    # again before each email or text leaves, and when it is listed. Blank only for a message about no child.
    category = models.CharField(max_length=30, choices=Category.choices, blank=True)
    involved = models.BooleanField(default=False)
    # Shown in Beacon to a signed-in professional; may name the child.
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # What an email or text to a professional may say about it: never a name or a clinical word, because
    # it can show on a lock screen. Young people and families get a fixed text instead (messages.py).
    subject_for_email = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_inbox"),
            models.Index(fields=["recipient", "priority", "created_at"], name="notification_priority"),
            models.Index(fields=["task_key"], condition=~models.Q(task_key=""), name="notification_task"),
        ]

    def __str__(self) -> str:
        return self.subject

    # Marked "Urgent" in the list: a child's safety may depend on someone acting today.
    URGENT_KINDS = frozenset(
        {
            Kind.SAFEGUARDING_ESCALATION,
            Kind.OVERRIDE,
            Kind.FOLLOW_UP_OVERDUE,
            Kind.WAITING_WORSE,
            Kind.WAIT_TARGET_AT_RISK,
        }
    )

    @classmethod
    def priority_for(cls, kind: str) -> int:
        """The priority a notification of ``kind`` is sent with: urgent where a child's safety may depend on
        someone acting today (``URGENT_KINDS``), normal otherwise."""
        return cls.Priority.URGENT if kind in cls.URGENT_KINDS else cls.Priority.NORMAL

    @property
    def is_urgent(self) -> bool:
        return self.priority == self.Priority.URGENT


class Delivery(models.Model):
    """One notification on one channel: shown in Beacon, emailed, or sent as a text message.

    Sending is claimed first (pending -> sending, with ``claimed_at``) by a conditional UPDATE that only
    one worker can win, and marked sent afterwards. See ``services.delivery_send`` for the one window in
    which a message could go out twice, and how it is kept traceable.
    """

    class Channel(models.TextChoices):
        IN_APP = "in_app", "In Beacon"
        EMAIL = "email", "Email"
        SMS = "sms", "Text message"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        NOT_NEEDED = "not_needed", "Not needed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    # Why it was not needed or why it failed, in words: never an address, a number or a message text.
    reason = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The provider's id for the message (GOV.UK Notify), to trace what reached the person.
    provider_reference = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["notification", "channel"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="one_delivery_per_channel"),
            models.CheckConstraint(
                condition=~models.Q(status="sending") | models.Q(claimed_at__isnull=False),
                name="delivery_being_sent_is_claimed",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="delivery_sent_has_sent_at",
            ),
        ]
        indexes = [models.Index(fields=["status", "claimed_at"], name="delivery_sweep")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.get_status_display()}"


class Reminder(models.Model):
    """A notification to send later: the due date lives here, and ``reminder_due_sweep`` sends it once."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        SENT = "sent", "Sent"
        CANCELLED = "cancelled", "Cancelled"
        # Fell due when the recipient could no longer see what it is about: nothing was sent.
        WITHHELD = "withheld", "Withheld"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dedupe_key = models.CharField(max_length=200, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=30, choices=Notification.Kind.choices)
    child = models.ForeignKey(
        "children.Child", on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    category = models.CharField(max_length=30, choices=Category.choices, blank=True)
    involved = models.BooleanField(default=False)
    due_at = models.DateTimeField()
    subject = models.CharField(max_length=200)
    subject_for_email = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    notification = models.OneToOneField(
        Notification, on_delete=models.SET_NULL, null=True, blank=True, related_name="reminder"
    )

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["status", "due_at"], name="reminder_due")]

    def __str__(self) -> str:
        return self.subject


class ContactPreference(models.Model):
    """How a person wants to hear from Beacon outside it: email, text message, both or neither.

    Kept here rather than on the user so the engine owns its own data. Without a row, a person gets
    email at their account's address and no texts.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact")
    # A UK mobile number, stored as +447XXXXXXXXX.
    mobile_number = models.CharField(max_length=13, blank=True)
    by_email = models.BooleanField(default=True)
    by_sms = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Contact preferences of {self.user}"
