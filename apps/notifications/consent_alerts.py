"""What consent's changes tell people: registered with ``apps.consent.services`` by
NotificationsConfig.ready(), since consent sits beneath notifications and calls the hooks registered with
it rather than importing it."""

from django.urls import reverse

from apps.accounts.models import User
from apps.consent.models import SafeguardingOverride
from apps.notifications.models import Notification
from apps.notifications.services import notification_send


def override_review_request_send(
    *, override: SafeguardingOverride, actor: User, reviewers: list[User]
) -> None:
    """Alert each safeguarding lead who must review an override just opened (R76), in its transaction."""
    child = override.child
    for lead in reviewers:
        # The review is the safeguarding lead's duty whether or not the child's record is shared with
        # them, and the review page decides who reads it
        # (``consent_views.overrides._override_for_review``): the message is about that task, not a
        # category of the child's information, so it carries no child.
        # The justification can name sensitive facts, so it stays behind that page.
        notification_send(
            recipient=lead,
            kind=Notification.Kind.OVERRIDE,
            dedupe_key=f"override:{override.pk}:{lead.pk}",
            subject=f"{actor} used a safeguarding override for {child.known_as}: please review it",
            subject_for_email="a safeguarding override needs your review",
            body="Read why it was opened, then say whether it was justified.",
            link=reverse("consent:override-review", args=[child.public_id, override.public_id]),
        )
