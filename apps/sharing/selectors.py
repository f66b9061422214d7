from django.db.models import Q
from django.utils import timezone

from apps.accounts.models import User
from apps.sharing.models import AccessGrant, ChildGroupObjectPermission, ChildUserObjectPermission


def child_access_basis(*, child, user: User) -> str:
    """In words, why ``user`` can see ``child`` today: recorded with every read in the audit log."""
    bases = (
        AccessGrant.objects.filter(child=child, user=user, revoked_at__isnull=True)
        .order_by("basis")
        .values_list("basis", flat=True)
    )
    return "; ".join(AccessGrant.Basis(basis).label for basis in bases)


def user_child_permissions(*, child, user: User) -> set[str]:
    """The permission codenames ``user`` holds on ``child``, for deciding what to offer on a page."""
    # Expired permissions (a consent's end date passed, an override ran out) count for nothing.
    direct = ChildUserObjectPermission.objects.filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()), user=user, content_object=child
    )
    through_group = ChildGroupObjectPermission.objects.filter(group__user=user, content_object=child)
    return set(
        direct.values_list("permission__codename", flat=True).union(
            through_group.values_list("permission__codename", flat=True)
        )
    )
