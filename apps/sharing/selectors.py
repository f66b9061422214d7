"""Reads of who may see a child, for the young person's "who has my information" (R75)."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from apps.children.categories import CATEGORY_FOR_PERMISSION, Category
from apps.sharing.models import (
    BASIS_IN_PLAIN_WORDS,
    AccessGroup,
    ChildGroupObjectPermission,
    ChildUserObjectPermission,
    LawfulBasis,
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
