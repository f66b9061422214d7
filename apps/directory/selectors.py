"""Reading the service directory: the professionals' search and the entries offered in pickers."""

from django.db.models import Q

from apps.directory.models import RouteIn, Service, ServiceQuerySet

ROUTE_FIELDS = {
    RouteIn.SELF: "takes_self_referral",
    RouteIn.PARENT: "takes_parent_referral",
    RouteIn.PROFESSIONAL: "takes_professional_referral",
}


def service_search(
    *, text: str = "", kind: str = "", age: int | None = None, route_in: str = ""
) -> ServiceQuerySet:
    """Listed services matching every filter given: words in the name, summary, eligibility or catchment;
    a kind; an age the service takes; a route in."""
    services = Service.objects.listed().select_related("organisation")
    for word in text.split():
        services = services.filter(
            Q(name__icontains=word)
            | Q(summary__icontains=word)
            | Q(eligibility__icontains=word)
            | Q(catchment__icontains=word)
        )
    if kind:
        services = services.filter(kind=kind)
    if age is not None:
        services = services.filter(min_age__lte=age, max_age__gte=age)
    if route_in in ROUTE_FIELDS:
        services = services.filter(**{ROUTE_FIELDS[RouteIn(route_in)]: True})
    return services.order_by("name")


def service_listed(*, public_id) -> Service | None:
    return Service.objects.listed().filter(public_id=public_id).first()


def service_of_organisation(*, organisation_id: int | None) -> Service | None:
    """The listed directory entry an organisation runs, if any: its "what to expect" page goes with a
    referral's acknowledgement and first appointment (R141). The first by name when it runs several."""
    if organisation_id is None:
        return None
    return Service.objects.listed().filter(organisation_id=organisation_id).order_by("name").first()
