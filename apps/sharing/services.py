"""Granting and removing access to a child: the one place that touches object permissions.

Every way a person comes to see a child is an ``AccessGrant`` with a basis. The guardian permission
rows are recomputed from the person's active grants after every change, so removing one reason
(leaving a team, say) never removes access that another reason still justifies, and access ends on
the very next request once no reason is left.
"""

from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.core.exceptions import ApplicationError
from apps.sharing.models import AccessGrant, ChildUserObjectPermission

VIEW_CHILD = "view_child"
CHANGE_CHILD = "change_child"
VIEW_CHILD_TEAM = "view_child_team"


def _child_permissions_sync(*, child, user: User) -> None:
    """Make the user's guardian permissions on ``child`` exactly what their active grants justify."""
    grants = AccessGrant.objects.filter(child=child, user=user, revoked_at__isnull=True)
    wanted = set()
    for can_change in grants.values_list("can_change", flat=True):
        # Any reason to see the child shows the core record and who is in the team around them (R19).
        wanted.update({VIEW_CHILD, VIEW_CHILD_TEAM})
        if can_change:
            wanted.add(CHANGE_CHILD)
    held = set(
        ChildUserObjectPermission.objects.filter(user=user, content_object=child).values_list(
            "permission__codename", flat=True
        )
    )
    for codename in wanted - held:
        assign_perm(codename, user, child)
    for codename in held - wanted:
        remove_perm(codename, user, child)


def child_access_grant(
    *,
    child,
    user: User,
    basis: str,
    granted_by: User | None,
    can_change: bool = True,
    reason: str = "",
    membership=None,
) -> AccessGrant:
    """Let a professional see (and, with ``can_change``, edit) a child's core record.

    Only professionals can be granted access to a case record; young people see their own
    information through the portal. Granting the same basis twice keeps the one active grant and
    records nothing new. A team member's grant follows their ``membership`` of the team around the
    child, one grant per membership.
    """
    if not user.is_active or not user.is_professional:
        raise ApplicationError(
            "Access to a child's record can only be given to an active professional.", field="user"
        )
    if basis == AccessGrant.Basis.ADMINISTRATOR and not reason.strip():
        raise ApplicationError("Say why this person needs access to the child's record.", field="reason")
    with transaction.atomic():
        grant, created = AccessGrant.objects.get_or_create(
            child=child,
            user=user,
            basis=basis,
            membership=membership,
            revoked_at__isnull=True,
            defaults={"can_change": can_change, "reason": reason, "granted_by": granted_by},
        )
        changed = not created and grant.can_change != can_change
        if changed:
            grant.can_change = can_change
            grant.save(update_fields=["can_change"])
        if not (created or changed):
            return grant  # Already granted on this basis: nothing to record.
        _child_permissions_sync(child=child, user=user)
        audit_record(
            actor=granted_by,
            action=AuditEvent.Action.GRANT,
            target=child,
            child=child,
            basis=grant.get_basis_display(),
            detail={"grantee": str(user.public_id), "can_change": can_change},
        )
    return grant


def child_access_revoke(*, grant: AccessGrant, revoked_by: User | None) -> AccessGrant:
    """End one reason for access; the person keeps access only if another active reason remains."""
    with transaction.atomic():
        updated = AccessGrant.objects.filter(pk=grant.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=revoked_by
        )
        grant.refresh_from_db()
        if updated:
            _child_permissions_sync(child=grant.child, user=grant.user)
            audit_record(
                actor=revoked_by,
                action=AuditEvent.Action.REVOKE,
                target=grant.child,
                child=grant.child,
                basis=grant.get_basis_display(),
                detail={"grantee": str(grant.user.public_id)},
            )
    return grant


def membership_access_revoke(*, membership, revoked_by: User | None) -> None:
    """End the access that a membership of the team around the child gave (leaving the team).

    Takes effect on the very next request: the permission rows are removed in this transaction.
    """
    for grant in AccessGrant.objects.filter(membership=membership, revoked_at__isnull=True).select_related(
        "child", "user"
    ):
        child_access_revoke(grant=grant, revoked_by=revoked_by)
