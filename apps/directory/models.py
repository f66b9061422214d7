"""The service directory, or local offer (R49, R141).

Seed 004: "agree clear and comprehensive referral pathways and eligibility criteria across the whole
system, so that no child or young person falls in the gaps". Each entry is a service a child can be
signposted or referred to: statutory, voluntary, school-based, peer or online, with who it is for, how to
get in, how long the wait usually is, and a plain "what to expect" page a young person can read on a phone.
Decline alternatives, waiting-list signposting and the front door name entries from here.

It sits low in the layers (it knows only organisations), so referrals and the portal above can use it.
"""

import uuid

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q


class ServiceKind(models.TextChoices):
    STATUTORY = "statutory", "Statutory (NHS or council)"
    VOLUNTARY = "voluntary", "Voluntary or community"
    SCHOOL = "school", "School or college"
    PEER = "peer", "Peer support"
    ONLINE = "online", "Online or phone"


class RouteIn(models.TextChoices):
    """How a child reaches the service (R35: a service may take several; none is required of families)."""

    SELF = "self", "The young person can ask themselves"
    PARENT = "parent", "A parent or carer can ask"
    PROFESSIONAL = "professional", "A professional can refer"


class ServiceQuerySet(models.QuerySet):
    def listed(self) -> "ServiceQuerySet":
        return self.filter(is_active=True)


class Service(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=ServiceKind.choices)
    # The organisation that runs it, when it is one Beacon knows (an onward referral can then go to it).
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="directory_services",
    )
    summary = models.CharField(max_length=300, help_text="One line: what the service does and for whom.")
    eligibility = models.TextField(help_text="Who it is for, in plain words.")
    min_age = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(25)])
    max_age = models.PositiveSmallIntegerField(default=25, validators=[MaxValueValidator(25)])
    catchment = models.CharField(
        max_length=300, help_text="For example 'Living in Northbrook' or 'Anywhere'."
    )
    takes_self_referral = models.BooleanField("the young person can ask themselves", default=False)
    takes_parent_referral = models.BooleanField("a parent or carer can ask", default=False)
    takes_professional_referral = models.BooleanField("a professional can refer", default=True)
    typical_wait = models.CharField(max_length=120, help_text="For example 'About 6 weeks' or 'Same day'.")
    takes_children_already_supported = models.BooleanField(
        "takes children already supported by another service", default=True
    )
    takes_children_waiting_elsewhere = models.BooleanField(
        "takes children waiting for another service", default=True
    )
    locations = models.TextField("locations and drop-in times", blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    what_to_expect = models.TextField(
        "what to expect",
        help_text=(
            "In plain words a young person can read: what happens, the choices they have, how decisions "
            "are shared and what they will be asked. A blank line starts a new paragraph."
        ),
    )
    is_active = models.BooleanField(default=True, help_text="Untick to take it out of the directory.")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(min_age__lte=models.F("max_age")), name="service_age_range"),
            models.CheckConstraint(
                condition=Q(takes_self_referral=True)
                | Q(takes_parent_referral=True)
                | Q(takes_professional_referral=True),
                name="service_has_a_route_in",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def routes_in(self) -> list[str]:
        routes = [
            (self.takes_self_referral, RouteIn.SELF),
            (self.takes_parent_referral, RouteIn.PARENT),
            (self.takes_professional_referral, RouteIn.PROFESSIONAL),
        ]
        return [route.label for taken, route in routes if taken]

    @property
    def ages(self) -> str:
        return f"{self.min_age} to {self.max_age}"

    @property
    def what_to_expect_paragraphs(self) -> list[str]:
        return [part.strip() for part in self.what_to_expect.split("\n\n") if part.strip()]
