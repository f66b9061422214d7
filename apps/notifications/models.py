"""Messages to people, in Beacon and by email. Each is sent at most once, by construction.

``dedupe_key`` names the event a notification is about ("action 41 is overdue"); a unique constraint
on it means a sweep that runs twice, or two schedulers at once, can never create a second copy.
Email delivery is claimed with a conditional UPDATE, so a redelivered task never sends twice.
"""

import uuid

from django.conf import settings
from django.db import models


class Notification(models.Model):
    class Kind(models.TextChoices):
        ACTION_DUE_SOON = "action_due_soon", "Action due soon"
        ACTION_OVERDUE = "action_overdue", "Action overdue"
        HANDOVER = "handover", "Handover"
        CONTINUITY = "continuity", "Continuity alert"
        OVERRIDE = "override", "Safeguarding override to review"
        # The passport (apps.passport): a suggested change for its owner, the owner's answer for its author.
        PASSPORT_PROPOSAL = "passport_proposal", "Suggested change to a passport"
        PASSPORT_DECISION = "passport_decision", "Decision on a suggested passport change"

    class EmailStatus(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        NOT_NEEDED = "not_needed", "No email address"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    dedupe_key = models.CharField(max_length=200, unique=True)
    child = models.ForeignKey(
        "children.Child", on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    # Shown in Beacon to a signed-in professional; may name the child.
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(max_length=12, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_inbox")]

    def __str__(self) -> str:
        return self.subject
