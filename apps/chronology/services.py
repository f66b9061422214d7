"""Writing to a child's chronology: the one thing it stores, a significant event told once (R12)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Organisation, User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.categories import Category
from apps.children.models import Child
from apps.chronology.models import SIGNIFICANT_EVENT_CATEGORIES, SignificantEvent
from apps.sharing.access import ChildAccess, child_access

# Long enough for a paragraph, short enough to stay a line in a timeline: the detail lives in its source.
WHAT_HAPPENED_MAX = 2000


def _access(actor: User, child: Child) -> ChildAccess:
    """The decision ``access_child`` already made for this person, else made now."""
    access = getattr(child, "access", None)
    if isinstance(access, ChildAccess) and access.user == actor:
        return access
    return child_access(user=actor, child=child)


def significant_event_record(
    *,
    actor: User,
    child: Child,
    occurred_on: date | None,
    what_happened: str,
    source_organisation: Organisation | None,
    category: str = Category.CHRONOLOGY,
    in_plain_words: str = "",
    not_for_young_person: bool = False,
    not_for_young_person_reason: str = "",
) -> SignificantEvent:
    """Add a significant event to the child's chronology: what happened, on which day, from which agency.

    Only someone who may change the child's record adds one (``NotPermitted`` otherwise). The day is in the
    past (or today) and not before the child was born: a chronology records what has happened. It is held in
    the chronology category unless it describes a sensitive one (a disclosure of exploitation), which only
    those who may see that category will read, never a parent or carer (R80). Kept from the young person's
    own chronology only with the reason recorded (R12). A reason given for an event that is not kept from
    them means nothing and is not stored.
    """
    _access(actor, child).require_change()
    errors: dict[str, str] = {}
    what_happened = (what_happened or "").strip()
    in_plain_words = (in_plain_words or "").strip()
    reason = (not_for_young_person_reason or "").strip() if not_for_young_person else ""
    today = timezone.localdate()
    if occurred_on is None:
        errors["occurred_on"] = "Enter the date it happened"
    elif occurred_on > today:
        errors["occurred_on"] = (
            "The date it happened must be today or in the past: a chronology records what has happened"
        )
    elif occurred_on < child.date_of_birth:
        errors["occurred_on"] = (
            f"The date it happened must be on or after {child.known_as}'s date of birth, "
            f"{child.date_of_birth:%-d %B %Y}"
        )
    if not what_happened:
        errors["what_happened"] = "Say what happened"
    elif len(what_happened) > WHAT_HAPPENED_MAX:
        errors["what_happened"] = (
            f"What happened must be {WHAT_HAPPENED_MAX:,} characters or fewer: link to the record that holds "
            "the detail"
        )
    if len(in_plain_words) > WHAT_HAPPENED_MAX:
        errors["in_plain_words"] = (
            f"The words for the young person must be {WHAT_HAPPENED_MAX:,} characters or fewer"
        )
    if source_organisation is None:
        errors["source_organisation"] = "Select the agency it came from"
    if category not in SIGNIFICANT_EVENT_CATEGORIES:
        allowed = ", ".join(f"“{choice.value}”" for choice in SIGNIFICANT_EVENT_CATEGORIES)
        errors["category"] = (
            f"Choose the chronology, or the sensitive category it describes: {allowed}. "
            f"“{str(category)[:40]}” is not one of them."
        )
    if not_for_young_person and not reason:
        errors["not_for_young_person_reason"] = (
            "Say why the young person should not see this: the reason is recorded with it"
        )
    if errors or occurred_on is None or source_organisation is None:
        raise ValidationError(errors)
    event = SignificantEvent(
        child=child,
        occurred_on=occurred_on,
        what_happened=what_happened,
        in_plain_words=in_plain_words,
        source_organisation=source_organisation,
        category=category,
        not_for_young_person=not_for_young_person,
        not_for_young_person_reason=reason,
        recorded_by=actor,
    )
    with transaction.atomic():
        event.save()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            target=event,
            child=child,
            detail={"category": category, "not_for_young_person": not_for_young_person},
        )
    return event
