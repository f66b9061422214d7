"""The chronology's one stored record: a significant event a professional adds by hand (R12).

Everything else in a child's chronology is read from the records it is about (referrals, appointments, the
team, social-work status, consent) at the moment it is shown (``apps.chronology.selectors``): those rows are
the truth, and a copy of them would drift. What no other record holds (a disclosure at school, a move of
house, a court date) is written here, once, by the agency it came from.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.children.categories import SENSITIVE, Category

# The categories a significant event may be in: the chronology itself, or the sensitive category it
# describes (a disclosure of exploitation is read only by those who may see that), as free text elsewhere.
SIGNIFICANT_EVENT_CATEGORIES = [Category.CHRONOLOGY, *(c for c in Category if c in SENSITIVE)]


class SignificantEvent(models.Model):
    """Something that happened in the child's life, told once, by the agency it came from (R12)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey("children.Child", on_delete=models.CASCADE, related_name="significant_events")
    occurred_on = models.DateField("when it happened")
    what_happened = models.TextField()
    # What the young person reads on their own page, if the professional wording should not be it (R145).
    in_plain_words = models.TextField("in plain words for the young person", blank=True)
    source_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="from which agency"
    )
    category = models.CharField(max_length=30, choices=Category.choices, default=Category.CHRONOLOGY)
    # Kept from the young person's own chronology, with why (a professional's judgement, reviewable later).
    not_for_young_person = models.BooleanField(default=False)
    not_for_young_person_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["child", "-occurred_on"], name="significant_event_child_day")]
        constraints = [
            models.CheckConstraint(
                condition=Q(not_for_young_person=False) | ~Q(not_for_young_person_reason=""),
                name="significant_event_hidden_from_young_person_says_why",
                violation_error_message="Say why this is not for the young person to see.",
            ),
            models.CheckConstraint(
                condition=Q(category__in=[category.value for category in SIGNIFICANT_EVENT_CATEGORIES]),
                name="significant_event_chronology_or_sensitive",
            ),
        ]

    def __str__(self) -> str:
        return f"Significant event on {self.occurred_on:%d %b %Y}"
