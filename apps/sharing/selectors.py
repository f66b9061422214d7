"""Reads through the access decision: fetching a child (or one of their records) for a person and deciding
what they may do with it, recording the read; and who may see a child, for the young person's "who has my
information" (R75).

``access_child`` and ``child_owned`` are the fetch-and-authorise helpers every app's pages and API use;
they live here with the decision they apply (they began in apps/children/selectors.py).
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record, audit_record_reads
from apps.children.categories import CATEGORY_FOR_PERMISSION, RECORD_APPOINTMENTS, Category
from apps.children.models import Child
from apps.children.selectors import CHANGE, VIEW, _with_summary
from apps.consent.services import disclosure_record, disclosures_record_listed
from apps.core.exceptions import RecordMerged
from apps.sharing.access import child_access_if_visible, children_access
from apps.sharing.models import (
    BASIS_IN_PLAIN_WORDS,
    AccessGroup,
    ChildGroupObjectPermission,
    ChildUserObjectPermission,
    LawfulBasis,
    TaskAccessGrant,
)


@dataclass(frozen=True)
class WhoCanSee:
    """One person, organisation or role that can see some of a child's information, on one lawful basis."""

    who: str
    categories: list[str]
    basis: str

    @property
    def basis_in_plain_words(self) -> str:
        return BASIS_IN_PLAIN_WORDS[LawfulBasis(self.basis)]

    @property
    def what(self) -> str:
        labels = [Category(category).label for category in self.categories]
        return ", ".join(label[0].lower() + label[1:] for label in labels)


def who_can_see(*, child) -> list[WhoCanSee]:
    """Everyone who can see the child's information today, what and why: each person's own permissions and
    each organisation's or role's, by lawful basis (consent, direct care, coordination, a duty, an override).

    Read from the same permission rows the access decision reads, so it says exactly what is true now.
    """
    current = Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
    shares: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in ChildUserObjectPermission.objects.filter(
        current, content_object=child, user__is_active=True
    ).select_related("user", "permission"):
        if row.permission.codename in CATEGORY_FOR_PERMISSION:
            shares[(str(row.user), row.basis)].add(CATEGORY_FOR_PERMISSION[row.permission.codename])
    for group, codename, basis in ChildGroupObjectPermission.objects.filter(
        current, content_object=child, group__access_group__isnull=False
    ).values_list("group__access_group", "permission__codename", "basis"):
        if codename in CATEGORY_FOR_PERMISSION:
            shares[(f"group:{group}", basis)].add(CATEGORY_FOR_PERMISSION[codename])
    group_names = {
        f"group:{group.pk}": (
            f"{group.role} at {group.organisation}" if group.role_id else f"Staff at {group.organisation}"
        )
        for group in AccessGroup.objects.filter(
            pk__in=[int(key[6:]) for key, _ in shares if key.startswith("group:")]
        ).select_related("organisation", "role")
    }
    order = list(Category)
    return sorted(
        (
            WhoCanSee(
                who=group_names.get(who, who),
                categories=sorted(categories, key=order.index),
                basis=basis,
            )
            for (who, basis), categories in shares.items()
        ),
        key=lambda row: (row.who, row.basis),
    )


def child_list_audit(*, user: User, children, search: str = "") -> None:
    """Record that this page of children was shown to ``user`` (R150): one row per child, one query."""
    audit_record_reads(
        actor=user,
        action=AuditEvent.Action.LIST,
        children=children,
        detail={"searched": bool(search.strip())},
    )
    disclosures_record_listed(
        children=children, viewer=user, access_by_child=children_access(user=user, children=children)
    )


def access_child(user: User, public_id, *, perm: str = VIEW, audit: bool = True) -> Child:
    """Fetch a child for ``user``, decide what they may do with it, and record the read.

    404 whether the child does not exist or is not shared. The decision (``apps.sharing.access``) rides on
    the child as ``child.access``, so a page asks it for categories, changes and the lawful basis without
    reading permissions again. Asking for a category the person may not see is ``Withheld`` (403, saying why
    and what would open it); asking to change what they may only see is ``NotPermitted`` (403).
    """
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        raise Http404("No such child") from None
    # The one child first, then the decision for it alone: restrict() here would build every child the
    # person sees (40,000 for a service's staff) to find one. Not shared is 404 like not there.
    child = (
        _with_summary(Child.objects.filter(public_id=public_id))
        .select_related("created_by_organisation")
        .first()
    )
    if child is None:
        raise Http404("No such child")
    if child.merged_into_id is not None:
        _merged_record_redirect(user, child)
    access = child_access_if_visible(user=user, child=child)
    if access is None:
        raise Http404("No such child")
    child.access = access
    if perm == CHANGE:
        access.require_change()
    elif perm == RECORD_APPOINTMENTS:
        access.require_record_appointments()
    elif perm != VIEW:
        category = CATEGORY_FOR_PERMISSION.get(perm)
        if category is None:
            raise ValueError(f"Unknown permission {perm!r}")
        access.require(category)
    if audit:
        audit_record(
            actor=user,
            action=AuditEvent.Action.VIEW,
            target=child,
            child=child,
            basis=access.basis_label(),
        )
        disclosure_record(child=child, viewer=user, access=access)
    return child


# How many merges a chain of tombstones may hold before Beacon stops following it (a merge into a record later
# merged again): far more than a real record ever has.
MERGE_CHAIN_LIMIT = 10


def _merged_record_redirect(user: User, tombstone: Child) -> None:
    """A record merged into another (R2): ``RecordMerged`` naming the record that survived, if this person may
    see it (pages redirect to it, the API names it), else the same 404 as any record not shared with them.
    A tombstone itself is never shown: it holds nothing and no one's permissions."""
    survivor = tombstone
    for _ in range(MERGE_CHAIN_LIMIT):
        if survivor.merged_into_id is None:
            break
        survivor = Child.objects.only("pk", "public_id", "merged_into", "account").get(
            pk=survivor.merged_into_id
        )
    if survivor.merged_into_id is None and child_access_if_visible(user=user, child=survivor) is not None:
        raise RecordMerged(old_public_id=tombstone.public_id, survivor_public_id=survivor.public_id)
    raise Http404("No such child")


def child_owned(items: QuerySet, public_id) -> Model:
    """One of a child's own records (an appointment, a referral, a meeting) by public id, from ``items``: a
    queryset the caller has already narrowed to the child and to what the access decision lets this person
    see. A malformed id, another child's record and one withheld from this person are all 404."""
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        raise Http404("Not found") from None
    found = items.filter(public_id=public_id).first()
    if found is None:
        raise Http404("Not found")
    return found


def task_access_held(*, user: User, task_key: str) -> bool:
    """Whether ``user`` was alerted to act on the task ``task_key`` and it is still open: the recorded basis
    on which a person the routing rule chose (a team manager, an administrator) may do that task."""
    return TaskAccessGrant.objects.filter(user=user, task_key=task_key, revoked_at__isnull=True).exists()


def open_task_ids(*, user: User, kind: str) -> list[int]:
    """The records of the open tasks of one ``kind`` ("override-review", "follow-up") that ``user`` was
    alerted to act on (task keys are "<kind>:<pk>", "follow-up:41:concern" included): the work the routing
    rule gave a person whose role would not have listed it (a team manager reviewing an override)."""
    keys = TaskAccessGrant.objects.filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()),
        user=user,
        task_key__startswith=f"{kind}:",
        revoked_at__isnull=True,
    ).values_list("task_key", flat=True)
    return sorted({int(key.split(":")[1]) for key in keys if key.split(":")[1].isdigit()})
