"""What a chronology source is: its reader, its kinds of event as rows for the union, and their words."""

import operator
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import reduce

from django.db.models import (
    BooleanField,
    DateTimeField,
    Expression,
    ExpressionWrapper,
    F,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import OrganisationMembership, User
from apps.children.models import Child
from apps.chronology.entries import ChronologyFilters
from apps.chronology.models import SIGNIFICANT_EVENT_CATEGORIES
from apps.sharing.access import ChildAccess

# The columns every source's rows give the ``UNION ALL``, in this order.
COLUMNS = ("c_kind", "c_pk", "c_at", "c_category", "c_agency", "c_involved")


@dataclass
class Reader:
    """Who reads the chronology, through the one access decision, and whether it is the young person's own
    view (which leaves out what a professional marked not for them, and overrides they have not been told of).
    """

    access: ChildAccess
    child: Child
    for_young_person: bool = False
    now: datetime = field(default_factory=timezone.now)
    # Why each withheld category is withheld, asked once per page (``ChildAccess.withheld_reason`` queries).
    reasons: dict[str, str] = field(default_factory=dict)

    @property
    def user(self) -> User:
        return self.access.user

    @property
    def today(self) -> date:
        return timezone.localdate(self.now)

    @property
    def is_own_record(self) -> bool:
        return self.user.is_young_person and self.child.account_id == self.user.pk

    @property
    def sees_register(self) -> bool:
        """The consent register's rule: any professional who may see the child, and the young person."""
        return (self.user.is_professional and self.access.can_see_child) or self.is_own_record

    def sees(self, category: str, *, involved: bool) -> bool:
        """An entry of ``category``: text in a sensitive category needs that category itself (never a
        parent or carer); any other is seen with its category or by the professional who holds the item."""
        return self.access.sees_text(category, involved=involved)

    def keep(self, category: str, involved: Q | None, *, visible_only: bool) -> Q | None:
        """Which rows of ``category`` the page lists: all (``Q()``), the ones the reader holds, or none.

        Withheld rows are listed as withheld, except where even that would tell the reader something: to a
        parent or carer a sensitive category's existence (``may_know_withheld``), and under a filter by
        agency or kind the agency or kind that matched (``visible_only``).
        """
        if self.sees(category, involved=False):
            return Q()
        if not visible_only and self.access.may_know_withheld(category):
            return Q()
        if involved is not None and self.sees(category, involved=True):
            return involved
        return None

    def withheld_reason(self, category: str) -> str:
        if category not in self.reasons:
            self.reasons[category] = self.access.withheld_reason(category)
        return self.reasons[category]


@dataclass(frozen=True)
class Member:
    """One kind of event a source holds: which rows, when, from which agency, which the reader holds."""

    kind: str
    rows: QuerySet
    at: str | Expression
    agency: Expression
    # A calendar day (a DateField) rather than a moment.
    date_only: bool = False
    # The rows the reader holds themselves, for a professional; None where holding one opens nothing.
    involved: Q | None = None


@dataclass(frozen=True)
class Description:
    summary: str
    summary_for_young_person: str
    link: str = ""
    record_id: uuid.UUID | None = None
    not_for_young_person_reason: str = ""


def _london_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def as_organisation(expression) -> ExpressionWrapper:
    return ExpressionWrapper(expression, output_field=IntegerField())


def agency_of(person: str, *, on) -> Coalesce:
    """The organisation ``person`` (a user field of the row) worked for on the day ``on``, else the first
    they ever worked for: the agency an entry came from, as it was then, for someone who has since moved."""
    memberships = OrganisationMembership.objects.filter(user=OuterRef(person)).order_by("started_on", "pk")
    then = memberships.filter(started_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
    return Coalesce(
        Subquery(then.values("organisation")[:1]),
        Subquery(memberships.values("organisation")[:1]),
        output_field=IntegerField(),
    )


def day_of(moment: str) -> TruncDate:
    """The England calendar day of the outer row's datetime ``moment``."""
    # Typed by the wrapper: a bare reference to the outer query has no type for TruncDate to check.
    outer = ExpressionWrapper(OuterRef(moment), output_field=DateTimeField())
    return TruncDate(outer, tzinfo=timezone.get_current_timezone())


def held_by_professional(reader: Reader, condition) -> Q | None:
    """Holding an item opens it only to a professional (``ChildAccess.sees_item``)."""
    return condition if reader.user.is_professional else None


def first_name(user: User | None) -> str:
    """How a young person's pages name a worker: their first name, never a title."""
    if user is None:
        return "Someone"
    if user.first_name.strip():
        return user.first_name.strip()
    words = [
        word for word in str(user).split() if word.rstrip(".").lower() not in {"dr", "mr", "mrs", "ms", "mx"}
    ]
    return words[0] if words else str(user)


def lower_first(text: str) -> str:
    """A label inside a sentence: "Foster care" becomes "foster care", "CAMHS clinician" stays."""
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


class Source:
    """A kind of record the chronology reads. Subclasses say which rows are events and what each says."""

    model: type[Model]
    kinds: tuple[str, ...] = ()
    # The category of its entries; None where each row holds its own (significant events).
    category: str | None = None
    # Consents and overrides: shown by the consent register's rule rather than a category's.
    register: bool = False

    def members(self, reader: Reader) -> list[Member]:
        raise NotImplementedError

    def details(self, pks: list[int]) -> dict[int, Model]:
        return self.model._default_manager.in_bulk(pks)

    def describe(self, record, kind: str, reader: Reader) -> Description:
        raise NotImplementedError

    def keep(self, reader: Reader, member: Member, *, visible_only: bool) -> Q | None:
        if self.register:
            return Q() if reader.sees_register else None
        if self.category is not None:
            return reader.keep(self.category, member.involved, visible_only=visible_only)
        # Each row holds its own category: the rows of each category the reader may have listed.
        kept = [
            Q(category=category) & rows
            for category in SIGNIFICANT_EVENT_CATEGORIES
            if (rows := reader.keep(category, member.involved, visible_only=visible_only)) is not None
        ]
        return reduce(operator.or_, kept) if kept else None

    def visible(self, reader: Reader, category: str, *, involved: bool) -> bool:
        return reader.sees_register if self.register else reader.sees(category, involved=involved)

    def rows(self, reader: Reader, filters: ChronologyFilters, *, visible_only: bool) -> list[QuerySet]:
        """Each of this source's kinds the filters allow, as rows with ``COLUMNS`` annotated (the union's)."""
        found: list[QuerySet] = []
        if filters.kinds and not filters.kinds & set(self.kinds):
            return found
        for member in self.members(reader):
            if filters.kinds and member.kind not in filters.kinds:
                continue
            keep = self.keep(reader, member, visible_only=visible_only)
            if keep is None:
                continue
            rows = member.rows.order_by().filter(keep)
            at: Combinable  # An expression, or a field reference (F).
            if isinstance(member.at, str) and member.date_only:
                rows = rows.filter(**{f"{member.at}__lte": reader.today})
                if filters.starts:
                    rows = rows.filter(**{f"{member.at}__gte": filters.starts})
                if filters.ends:
                    rows = rows.filter(**{f"{member.at}__lte": filters.ends})
                at = Cast(F(member.at), DateTimeField())
            else:
                at = F(member.at) if isinstance(member.at, str) else member.at
                rows = rows.alias(w_at=at).filter(w_at__lte=reader.now)
                if filters.starts:
                    rows = rows.filter(w_at__gte=_london_midnight(filters.starts))
                if filters.ends:
                    rows = rows.filter(w_at__lt=_london_midnight(filters.ends + timedelta(days=1)))
            if filters.agency is not None:
                rows = rows.alias(w_agency=member.agency).filter(w_agency=filters.agency.pk)
            involved = (
                ExpressionWrapper(member.involved, output_field=BooleanField())
                if member.involved is not None
                else Value(False, output_field=BooleanField())
            )
            category = Value(self.category) if self.category is not None else F("category")
            found.append(
                rows.annotate(
                    c_kind=Value(member.kind),
                    c_pk=F("pk"),
                    c_at=at,
                    c_category=category,
                    c_agency=member.agency,
                    c_involved=involved,
                )
            )
        return found

    def _child_url(self, reader: Reader, name: str, *extra, anchor: str = "") -> str:
        return reverse(name, args=[reader.child.public_id, *extra]) + (f"#{anchor}" if anchor else "")
