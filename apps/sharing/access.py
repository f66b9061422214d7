"""The one access decision: may this person see this category of this child, may they change it, and on what
lawful basis (R16-R21, R71-R80, R150, R163; Caldicott principles; the Children's Wellbeing and Schools Act
2026 duty to share).

Every page, API endpoint, export, notification and task asks here; nothing else derives the rule. The
answer is read from the permission rows the sharing services keep (``apps.sharing.services``): the person's
own and their organisation's and role's groups, each with its lawful basis and end, in one query. What a
professional does, they see: an item they hold (the appointment they book or hold, the referral they made or
received, the follow-up or action assigned to them, the meeting they attend) is visible to them even where
the rest of its category is not (``ChildAccess.sees_item``).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from apps.accounts.models import User
from apps.children.categories import (
    CHANGE_CHILD,
    COORDINATED,
    PERMISSION,
    RECORD_APPOINTMENTS,
    SENSITIVE,
    VIEW_CHILD,
    Category,
)
from apps.core.exceptions import NotPermitted, Withheld
from apps.sharing.models import (
    BASIS_PREFERENCE,
    ChildGroupObjectPermission,
    ChildUserObjectPermission,
    LawfulBasis,
)

# Everything about themselves is theirs to see: a young person's own record, through the portal.
ALL_PERMISSIONS = frozenset(PERMISSION.values())


@dataclass(frozen=True)
class ChildAccess:
    """What ``user`` may do with ``child`` now, and why: the one answer a page, message or task needs."""

    user: User
    child: object
    permissions: frozenset[str]
    # The lawful basis (a ``LawfulBasis`` value) of each permission held.
    bases: Mapping[str, str] = field(default_factory=dict)

    @property
    def can_see_child(self) -> bool:
        return VIEW_CHILD in self.permissions

    @property
    def can_change(self) -> bool:
        return CHANGE_CHILD in self.permissions

    @property
    def may_record_appointments(self) -> bool:
        """Book the child's appointments and record what happened: the team, the lead professional, and a
        service that accepted a referral (direct care)."""
        return self.can_change or RECORD_APPOINTMENTS in self.permissions

    @property
    def sees_consent_register(self) -> bool:
        """The child's consent register (who consented to what, reviews, competence, overrides) and the gaps
        in it: any professional who may see the child, as the consent page is (parents and carers never:
        it names who else was told what)."""
        return self.can_see_child and self.user.is_professional

    @property
    def categories(self) -> list[str]:
        """The categories of the child's information this person may see, in the register's order."""
        return [category for category in Category if PERMISSION[category] in self.permissions]

    def sees(self, category: str) -> bool:
        return PERMISSION[Category(category)] in self.permissions

    def sees_item(self, category: str, *, involved: bool) -> bool:
        """An item of ``category``: seen with the category, or by a professional who holds the item itself."""
        return self.sees(category) or (involved and self.can_see_child and self.user.is_professional)

    def sees_text(self, category: str, *, involved: bool = False) -> bool:
        """Free text recorded as describing ``category`` (an offer, a reason, a decision, an action).

        Text in its record's own category goes with the record, to whoever sees the category or holds the
        item (the owner of an action). Text about a sensitive category needs that category itself: holding
        the item is not consent to its sensitive facts, and a parent or carer never reads it (R80).
        """
        category = Category(category)
        if category in SENSITIVE:
            return self.sees(category) and not self.user.is_parent_or_carer
        return self.sees_item(category, involved=involved)

    def may_know_withheld(self, category: str) -> bool:
        """Whether even saying that something of ``category`` is withheld is allowed: to a parent or carer,
        naming a sensitive category would tell them it exists (R80)."""
        return not (self.user.is_parent_or_carer and category in SENSITIVE)

    def basis(self, category: str = Category.CORE) -> str | None:
        """The lawful basis on which this person sees ``category``, or None where they do not."""
        return self.bases.get(PERMISSION[Category(category)])

    def basis_label(self, category: str = Category.CORE) -> str:
        basis = self.basis(category)
        return LawfulBasis(basis).label if basis else ""

    def require(self, category: str) -> None:
        """Go on only if this person sees ``category``; else ``Withheld`` (403): why, and what opens it."""
        if not self.sees(category):
            raise Withheld(Category(category).label, reason=self.withheld_reason(category))

    def require_change(self) -> None:
        if not self.can_change:
            raise NotPermitted("You can see this child's record but not change it.")

    def require_record_appointments(self) -> None:
        if not self.may_record_appointments:
            raise NotPermitted(
                "Only the team around the child, the lead professional or a service that accepted a referral "
                "can book appointments and record what happened."
            )

    def withheld_reason(self, category: str) -> str:
        """Why this category is withheld from this person, and what would open it, in plain words."""
        from apps.consent.selectors import coordination_objected_categories, parent_withheld_categories
        from apps.sharing.models import AccessGrant

        category = Category(category)
        label = category.label[0].lower() + category.label[1:]
        name = getattr(self.child, "known_as", "The young person")
        if self.user.is_parent_or_carer:
            if category in SENSITIVE:
                return f"Information about {label} is never shared with parents or carers."
            if category in parent_withheld_categories(child=self.child):
                return f"{name} asked for their {label} to be kept from parents and carers."
        is_lead = AccessGrant.objects.filter(
            child=self.child, user=self.user, basis=AccessGrant.Basis.COORDINATION, revoked_at__isnull=True
        ).exists()
        if (
            is_lead
            and category in COORDINATED
            and category in coordination_objected_categories(child=self.child)
        ):
            return (
                f"{name} asked that their lead professional does not see their {label} without their "
                "consent. "
                "Only their consent, or a safeguarding override, opens it."
            )
        if category in SENSITIVE:
            return (
                f"{label[0].upper()}{label[1:]} is shared only with consent that names it, or under a "
                "safeguarding override."
            )
        return (
            f"No consent or role of yours covers {name}'s {label}. "
            "The young person's consent, or a safeguarding override, would open it."
        )


def _permission_rows(*, user: User, child_ids: Iterable[int] | None, group_ids: Iterable[int] | None = None):
    """The person's own and their groups' permissions in force, with their basis, in one query.

    ``group_ids``, when given, are the person's groups read just before (``_group_ids``): written into the
    query as values, the planner reads a page's children's rows through the ``content_object_id`` index
    rather than every row of a group that may hold 128,000 (bench/README.md, issue 11).
    """
    current = Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
    direct = ChildUserObjectPermission.objects.filter(current, user=user)
    if group_ids is None:
        through_group = ChildGroupObjectPermission.objects.filter(current, group__user=user)
    else:
        through_group = ChildGroupObjectPermission.objects.filter(current, group_id__in=list(group_ids))
    if child_ids is not None:
        direct = direct.filter(content_object_id__in=child_ids)
        through_group = through_group.filter(content_object_id__in=child_ids)
    fields = ("content_object_id", "permission__codename", "basis")
    if group_ids is not None and not group_ids:  # In no group: the person's own rows alone.
        return direct.values_list(*fields)
    return direct.values_list(*fields).union(through_group.values_list(*fields), all=True)


def _group_ids(user: User) -> list[int]:
    """The groups the person is in now: read when asked, never cached on the user (memberships change)."""
    return list(user.groups.through.objects.filter(user_id=user.pk).values_list("group_id", flat=True))


def _decide(*, user: User, child, rows) -> ChildAccess:
    if getattr(child, "account_id", None) is not None and child.account_id == user.pk:
        return ChildAccess(user=user, child=child, permissions=ALL_PERMISSIONS)
    bases: dict[str, str] = {}
    for codename, basis in rows:
        held = bases.get(codename)
        if held is None or BASIS_PREFERENCE.index(basis) < BASIS_PREFERENCE.index(held):
            bases[codename] = basis
    return ChildAccess(user=user, child=child, permissions=frozenset(bases), bases=bases)


def child_access(*, user: User, child) -> ChildAccess:
    """The access decision for one child (one query; none for a young person's own record)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ChildAccess(user=user, child=child, permissions=frozenset())
    if child.account_id is not None and child.account_id == user.pk:
        return _decide(user=user, child=child, rows=[])
    rows = [(codename, basis) for _, codename, basis in _permission_rows(user=user, child_ids=[child.pk])]
    return _decide(user=user, child=child, rows=rows)


def child_access_if_visible(*, user: User, child) -> ChildAccess | None:
    """The access decision for one child, or None where the person may not see the child at all: no
    ``view_child`` of their own or their groups' in force, the rule ``Child.objects.restrict()`` applies (so
    a young person's own record, too, is theirs to open through a row, as in the list). One query."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    rows = [(codename, basis) for _, codename, basis in _permission_rows(user=user, child_ids=[child.pk])]
    if VIEW_CHILD not in {codename for codename, _ in rows}:
        return None
    return _decide(user=user, child=child, rows=rows)


def children_access(*, user: User, children: Iterable) -> dict[int, ChildAccess]:
    """The access decision for a page of children, in two queries (groups, then rows), keyed by child pk."""
    children = list(children)
    if user is None or not user.is_authenticated or not user.is_active or not children:
        return {child.pk: ChildAccess(user=user, child=child, permissions=frozenset()) for child in children}
    by_child: dict[int, list[tuple[str, str]]] = {child.pk: [] for child in children}
    # The groups first, as values (one small query): see ``_permission_rows``.
    rows = _permission_rows(user=user, child_ids=list(by_child), group_ids=_group_ids(user))
    for child_id, codename, basis in rows:
        by_child[child_id].append((codename, basis))
    return {child.pk: _decide(user=user, child=child, rows=by_child[child.pk]) for child in children}


def may_see(*, user: User, child, category: str, involved: bool = False) -> bool:
    """Whether ``user`` could see ``category`` of ``child`` today: what every message about a child asks
    before it reaches them (an email, a text, an in-app notification, a letter)."""
    return child_access(user=user, child=child).sees_item(category, involved=involved)


def visible_items(access: ChildAccess, items, *, category: str, involved: Q):
    """Narrow a child's ``items`` of ``category`` to those this person may see: all of them with the category,
    else (for a professional who may see the child) those ``involved`` selects, the ones they hold themselves.
    """
    if access.sees(category):
        return items
    if not (access.can_see_child and access.user.is_professional):
        return items.none()
    return items.filter(involved)
