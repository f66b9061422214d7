from django.db.models import QuerySet

from apps.accounts.models import Organisation, OrganisationMembership, User


def user_current_organisations(*, user: User) -> QuerySet[Organisation]:
    """The organisations a professional works for today (memberships with no end date)."""
    return Organisation.objects.filter(memberships__user=user, memberships__ended_on__isnull=True).distinct()


def user_primary_membership(*, user: User) -> OrganisationMembership | None:
    """The membership shown beside a person's name: their earliest current one."""
    return (
        OrganisationMembership.objects.current()
        .filter(user=user)
        .select_related("organisation", "role")
        .order_by("started_on", "pk")
        .first()
    )
