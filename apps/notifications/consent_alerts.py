"""What consent's changes tell people: registered with ``apps.consent.services`` by
NotificationsConfig.ready(), since consent sits beneath notifications and calls the hooks registered with
it rather than importing it."""

from django.urls import reverse

from apps.accounts.models import User
from apps.accounts.selectors import user_primary_membership
from apps.consent.models import SafeguardingOverride
from apps.consent.services import override_review_task_key
from apps.notifications.models import Notification
from apps.notifications.routing import AlertKind, Route, alert_route
from apps.notifications.services import task_alert, task_done
from apps.sharing.models import LawfulBasis


def override_review_request_send(*, override: SafeguardingOverride, actor: User) -> Route:
    """Route the review of an override just opened (R76) and alert whoever must do it, in its transaction.

    The routing rule (``AlertKind.OVERRIDE_REVIEW``): the safeguarding leads of the opener's organisation,
    else its team managers, else the record holder's safeguarding leads, else Beacon's administrators;
    never the opener. Each is given the child's core record while the review is open (a legal duty to
    safeguard): enough to open the record and judge the decision from the justification and the log of
    what was read under it, never the information the override opened (seeing that would be a further
    disclosure without consent, which the review does not need). The justification can name sensitive
    facts, so it stays behind the review page (``consent_views.overrides._override_for_review``).
    """
    child = override.child
    membership = user_primary_membership(user=actor)
    route = alert_route(
        kind=AlertKind.OVERRIDE_REVIEW,
        organisation=membership.organisation if membership is not None else None,
        child=child,
        exclude=[actor],
    )
    task_alert(
        route=route,
        kind=Notification.Kind.OVERRIDE,
        task_key=override_review_task_key(override),
        dedupe_key=f"override:{override.pk}",
        child=child,
        categories=[],
        lawful_basis=LawfulBasis.LEGAL_DUTY,
        subject=f"{actor} used a safeguarding override for {child.known_as}: please review it",
        subject_for_email="a safeguarding override needs your review",
        body="Read why it was opened, then say whether it was justified.",
        link=reverse("consent:override-review", args=[child.public_id, override.public_id]),
    )
    return route


def override_review_done(*, override: SafeguardingOverride, actor: User) -> None:
    """An override was reviewed: its review alerts clear and the access they gave ends."""
    task_done(task_key=override_review_task_key(override), actor=actor)
