"""What one line of a child's chronology is, and what a reader may narrow it to (R12).

An entry is built for one reader: what they may see of it, in words for a professional and in plain words
for the young person. A withheld entry carries its day, its category and why it is withheld, and nothing
else: not its kind, its agency or any of its words.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from django.db import models
from django.utils import timezone

from apps.accounts.models import Organisation
from apps.children.categories import Category


class Kind(models.TextChoices):
    """What happened, one kind per source record's event. The order is the one filters offer."""

    REFERRAL_MADE = "referral_made", "Referral made"
    REFERRAL_DECIDED = "referral_decided", "Referral decided"
    APPOINTMENT_ATTENDED = "appointment_attended", "Appointment attended"
    APPOINTMENT_MISSED = "appointment_missed", "Appointment missed"
    APPOINTMENT_CANCELLED = "appointment_cancelled", "Appointment cancelled"
    FOLLOW_UP = "missed_appointment_follow_up", "Follow-up of a missed appointment"
    MEETING = "meeting", "Meeting and its decisions"
    LEAD_PROFESSIONAL = "lead_professional", "Lead professional appointed"
    TEAM_MEMBER_JOINED = "team_member_joined", "Joined the team"
    TEAM_MEMBER_LEFT = "team_member_left", "Left the team"
    SOCIAL_WORK_STATUS = "social_work_status", "Social-work status or placement changed"
    CONSENT_GIVEN = "consent_given", "Consent given"
    CONSENT_WITHDRAWN = "consent_withdrawn", "Consent withdrawn"
    OVERRIDE_OPENED = "override_opened", "Safeguarding override opened"
    OVERRIDE_ENDED = "override_ended", "Safeguarding override ended"
    SIGNIFICANT_EVENT = "significant_event", "Significant event"


@dataclass(frozen=True)
class ChronologyEntry:
    """One line of the chronology as one reader may see it.

    ``when`` is a datetime where the source records a moment (an appointment, a decision) and a date where
    it records a day (a team member joining, a significant event). ``involved`` says the reader holds the
    item themselves (the appointment they hold, the referral they made): what a professional does, they
    see, even without the rest of its category.
    """

    when: datetime | date
    category: str
    kind: str = ""
    agency: Organisation | None = None
    summary: str = ""
    summary_for_young_person: str = ""
    link: str = ""
    involved: bool = False
    withheld: bool = False
    withheld_reason: str = ""
    record_id: uuid.UUID | None = None
    # A significant event kept from the young person's own chronology, and why (shown to professionals).
    not_for_young_person_reason: str = ""

    @property
    def day(self) -> date:
        """The calendar day it happened on, in England."""
        return timezone.localdate(self.when) if isinstance(self.when, datetime) else self.when

    @property
    def has_time(self) -> bool:
        return isinstance(self.when, datetime)

    @property
    def category_label(self) -> str:
        return Category(self.category).label

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label if self.kind else ""


# The days a period may run between: outside them a year was mistyped (and a day further out cannot be turned
# into a moment in England). A bound beyond them narrows nothing, as nothing Beacon holds lies beyond them.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2100, 12, 31)


@dataclass(frozen=True)
class ChronologyFilters:
    """What a reader narrowed the chronology to: one agency, some kinds, a period of days (both ends in)."""

    agency: Organisation | None = None
    kinds: frozenset[str] = frozenset()
    since: date | None = None
    until: date | None = None

    @property
    def starts(self) -> date | None:
        return self.since if self.since and self.since > EARLIEST_DAY else None

    @property
    def ends(self) -> date | None:
        return self.until if self.until and self.until < LATEST_DAY else None

    @property
    def narrows_by_what(self) -> bool:
        """Narrowed by agency or kind: then a withheld entry is left out rather than shown as withheld,
        since its matching would tell the reader its agency or kind, which are part of what is withheld."""
        return self.agency is not None or bool(self.kinds)
