"""Reading a child's chronology: one timeline across agencies, newest first, as one reader may see it (R12).

Built from the source records each time it is read (``apps.chronology.sources``), never from a copy: the
referral, the appointment, the team and the consent register are the truth, and a second copy would drift
from them. The only rows of its own are the significant events professionals add by hand.

A page costs the same few queries however long the chronology is: one ``UNION ALL`` of every source's
event rows for the child (``kind, row, when, category, agency, held``) ordered and cut in SQL, one count of
it, then for the rows on the page the reader may see, one query per source for their details and one for
the agencies' names. Filters (agency, kind, period) and what the reader may not even know exists are
applied inside that SQL, so the count and the pages agree with what is shown.

Each entry is shown only in the category the access decision allows (``ChildAccess.sees_item`` /
``sees_text``); otherwise it is a withheld row (its day, its category and why), and to a parent or carer an
entry of a sensitive category is left out altogether (``may_know_withheld``).
"""

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import overload

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from apps.accounts.models import Organisation, User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.models import Child
from apps.chronology.entries import ChronologyEntry, ChronologyFilters, Kind
from apps.chronology.sources import COLUMNS, SOURCES, Reader, Source
from apps.consent.services import disclosure_record
from apps.sharing.access import ChildAccess

# The number of entries on a page of the browser's chronology, and of the young person's.
PAGE_SIZE = 25

SOURCE_OF_KIND: dict[str, Source] = {kind: source for source in SOURCES for kind in source.kinds}
DATE_ONLY_KINDS = frozenset(
    {
        Kind.LEAD_PROFESSIONAL,
        Kind.TEAM_MEMBER_JOINED,
        Kind.TEAM_MEMBER_LEFT,
        Kind.SOCIAL_WORK_STATUS,
        Kind.CONSENT_GIVEN,
        Kind.SIGNIFICANT_EVENT,
    }
)


def _union(querysets: list[QuerySet]) -> QuerySet | None:
    if not querysets:
        return None
    first, *rest = querysets
    return first.union(*rest, all=True) if rest else first


class Chronology(Sequence[ChronologyEntry]):
    """A child's chronology for one reader, narrowed by ``filters``: a lazy sequence a ``Paginator`` pages.

    ``len()`` is one query (kept); a slice is one query for its rows plus the details of those it shows.
    Rows are newest first; a day without a time (a team member joining) sorts at that day's start.
    """

    ordered = True  # For Paginator: the order is fixed in SQL.

    def __init__(
        self,
        *,
        child: Child,
        access: ChildAccess,
        filters: ChronologyFilters | None = None,
        for_young_person: bool = False,
    ) -> None:
        self.reader = Reader(access=access, child=child, for_young_person=for_young_person)
        self.filters = filters or ChronologyFilters()
        self._count: int | None = None

    def _rows(self) -> QuerySet | None:
        visible_only = self.filters.narrows_by_what
        members = [
            rows.values_list(*COLUMNS)
            for source in SOURCES
            for rows in source.rows(self.reader, self.filters, visible_only=visible_only)
        ]
        return _union(members)

    def __len__(self) -> int:
        if self._count is None:
            rows = self._rows()
            self._count = rows.count() if rows is not None else 0
        return self._count

    @overload
    def __getitem__(self, index: int) -> ChronologyEntry: ...

    @overload
    def __getitem__(self, index: slice) -> list[ChronologyEntry]: ...

    def __getitem__(self, index: int | slice) -> ChronologyEntry | list[ChronologyEntry]:
        if isinstance(index, int):
            found = self[index : index + 1] if index >= 0 else []
            if not found:
                raise IndexError("No such entry in the chronology")
            return found[0]
        rows = self._rows()
        if rows is None:
            return []
        page = list(rows.order_by("-c_at", "c_kind", "-c_pk")[index])
        return self._entries(page)

    def __iter__(self) -> Iterator[ChronologyEntry]:
        """Every entry, for printing: the union once, then the details of what it shows."""
        return iter(self[0 : len(self)])

    def agencies(self) -> list[Organisation]:
        """The agencies of the entries this reader may see, by name: what the agency filter offers. The
        agencies of withheld entries are not offered (they are part of what is withheld)."""
        unfiltered = ChronologyFilters()
        members = [
            rows.values_list("c_agency")
            for source in SOURCES
            for rows in source.rows(self.reader, unfiltered, visible_only=True)
        ]
        if not members:
            return []
        first, *rest = members
        ids = {
            agency for (agency,) in (first.union(*rest) if rest else first.distinct()) if agency is not None
        }
        return list(Organisation.objects.filter(pk__in=ids).order_by("name"))

    def _entries(self, page: list[tuple]) -> list[ChronologyEntry]:
        reader = self.reader
        shown: dict[Source, list[int]] = defaultdict(list)
        for kind, pk, _at, category, _agency, involved in page:
            source = SOURCE_OF_KIND[kind]
            if source.visible(reader, category, involved=bool(involved)):
                shown[source].append(pk)
        visible = {(source, pk) for source, pks in shown.items() for pk in pks}
        # One query per source for the rows shown, and one for their agencies' names.
        records = {source: source.details(pks) for source, pks in shown.items()}
        agency_ids = {
            agency
            for kind, pk, _at, _category, agency, _involved in page
            if agency is not None and pk in records.get(SOURCE_OF_KIND[kind], {})
        }
        agencies = Organisation.objects.in_bulk(agency_ids) if agency_ids else {}
        entries = []
        for kind, pk, at, category, agency, involved in page:
            source = SOURCE_OF_KIND[kind]
            when = _when(kind, at)
            if (source, pk) not in visible:
                entries.append(
                    ChronologyEntry(
                        when=timezone.localdate(when) if isinstance(when, datetime) else when,
                        category=category,
                        withheld=True,
                        withheld_reason=reader.withheld_reason(category),
                    )
                )
                continue
            record = records[source].get(pk)
            if record is None:
                continue  # Removed between the two reads (a record deleted a moment ago): nothing to show.
            described = source.describe(record, kind, reader)
            entries.append(
                ChronologyEntry(
                    when=when,
                    category=category,
                    kind=kind,
                    agency=agencies.get(agency),
                    summary=described.summary,
                    summary_for_young_person=described.summary_for_young_person,
                    link=described.link,
                    involved=bool(involved),
                    record_id=described.record_id,
                    not_for_young_person_reason=described.not_for_young_person_reason,
                )
            )
        return entries


def _when(kind: str, at: datetime) -> datetime | date:
    """The row's moment, or its day where the source records only a day (cast to midnight UTC in SQL)."""
    if kind in DATE_ONLY_KINDS:
        return at.astimezone(UTC).date()
    return at


@dataclass(frozen=True)
class ChronologyPage:
    """One page of a chronology: its entries, and how many there are in all."""

    entries: list[ChronologyEntry]
    count: int
    page: int
    page_size: int


def chronology_page(
    *,
    child: Child,
    access: ChildAccess,
    page: int = 1,
    page_size: int = PAGE_SIZE,
    filters: ChronologyFilters | None = None,
) -> ChronologyPage:
    """A page of the child's chronology as ``access`` (the one access decision) lets its person see it, for a
    caller that has already fetched the child through ``access_child`` and audits the read itself (the
    information endpoint). Newest first; a fixed number of queries whatever its length."""
    chronology = Chronology(child=child, access=access, filters=filters)
    start = (max(page, 1) - 1) * page_size
    return ChronologyPage(
        entries=chronology[start : start + page_size],
        count=len(chronology),
        page=max(page, 1),
        page_size=page_size,
    )


def chronology_read_audit(
    *, actor: User, child: Child, access: ChildAccess, entries: list[ChronologyEntry], printed: bool = False
) -> None:
    """Record that ``actor`` read these chronology entries (R150): one audit row naming the categories shown
    and how many entries were withheld, and, for a reader from outside the organisation that holds the record,
    a disclosure on the lawful basis the access decision gives (R75). The young person reading their own is
    audited but is no disclosure."""
    shown = sorted({entry.category for entry in entries if not entry.withheld})
    detail = {
        "read": "chronology",
        "categories": shown,
        "entries": len(entries),
        "withheld": sum(entry.withheld for entry in entries),
    }
    if printed:
        detail["printed"] = True
    own_record = actor.is_young_person and child.account_id == actor.pk
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditEvent.Action.VIEW,
            target=child,
            child=child,
            basis="their own record" if own_record else access.basis_label(),
            detail=detail,
        )
        if not own_record:
            disclosure_record(child=child, viewer=actor, access=access)
