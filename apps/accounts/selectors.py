from django.db.models import Q, QuerySet

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


def organisation_list(*, search: str = "", type_code: str = "") -> QuerySet[Organisation]:
    """Active organisations, by part of the name or the exact ODS / local code, and by type.

    Organisations are reference data that every professional may see: no per-record restriction applies.
    """
    organisations = Organisation.objects.filter(is_active=True).select_related("type").order_by("name", "pk")
    if search.strip():
        organisations = organisations.filter(
            Q(name__icontains=search.strip()) | Q(external_code__iexact=search.strip())
        )
    if type_code.strip():
        organisations = organisations.filter(type__code=type_code.strip())
    return organisations
