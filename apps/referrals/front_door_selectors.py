"""Reading the front door's requests for help: only the staff of the service they were sent to see them."""

from django.db.models import Case, QuerySet, When

from apps.accounts.models import User
from apps.referrals.models import HelpRequest
from apps.referrals.selectors import user_organisation_ids


def help_requests_open(*, user: User) -> QuerySet[HelpRequest]:
    """The front door's requests waiting at the services ``user`` works at: urgent first, then the oldest."""
    return (
        HelpRequest.objects.filter(
            receiving_organisation_id__in=user_organisation_ids(user=user),
            status=HelpRequest.Status.NEW,
        )
        .select_related("child", "receiving_organisation")
        .annotate(urgent_first=Case(When(urgency=HelpRequest.Urgency.URGENT, then=0), default=1))
        .order_by("urgent_first", "received_at", "pk")
    )


def help_request_for_staff(*, user: User, request_id) -> HelpRequest | None:
    """One request for help, for staff of the service it was sent to; None for anyone else."""
    return (
        HelpRequest.objects.filter(
            public_id=request_id, receiving_organisation_id__in=user_organisation_ids(user=user)
        )
        .select_related("child", "receiving_organisation", "closed_by")
        .prefetch_related("routing_steps__to_service", "routing_steps__routed_by")
        .first()
    )
