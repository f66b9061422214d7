"""Granting and removing access to a child: the one place that touches object permissions.

Every way a person comes to see a child is an ``AccessGrant`` with a basis. The guardian permission
rows are recomputed from the person's active grants after every change, so removing one reason
(leaving a team, say) never removes access that another reason still justifies, and access ends on
the very next request once no reason is left.
"""

from datetime import date, datetime, time, timedelta

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


def _end_of_day(day: date) -> datetime:
    """The moment a consent that runs until ``day`` stops: midnight at the end of that day in London."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _later(first: datetime | None, second: datetime | None) -> datetime | None:
    """The later of two expiries, where None means "no end"."""
    if first is None or second is None:
        return None
    return max(first, second)


def _wanted_permissions(*, child, user: User) -> dict[str, datetime | None]:
    """Every permission ``user`` should hold on ``child`` and when it ends, from every reason they have.

    - an access grant (created the record, administrator, team membership): the core record and the
      team; the lead professional and the record's creator may also change it; a referral grant (the
      referrer, the receiving service's staff): the core record and the referrals category;
    - each consent in force naming them, their organisation, or their role there: its categories, until
      its end date. While a consent review is due, consents given by a parent alone are set aside (the
      safer setting, R82);
    - their own safeguarding override, while it lasts: the categories it names.
    Parents and carers never receive a sensitive category (R80).
    """
    from apps.consent.categories import PERMISSION, SENSITIVE, Category
    from apps.consent.selectors import consents_naming, overrides_in_force, parent_withheld_categories

    wanted: dict[str, datetime | None] = {}

    def add(codename: str, expires_at: datetime | None) -> None:
        wanted[codename] = _later(wanted[codename], expires_at) if codename in wanted else expires_at

    for basis, can_change in AccessGrant.objects.filter(
        child=child, user=user, revoked_at__isnull=True
    ).values_list("basis", "can_change"):
        add(VIEW_CHILD, None)
        if basis == AccessGrant.Basis.REFERRAL:
            # The referrer and the receiving service see the referrals, to follow and to decide on them.
            add(PERMISSION[Category.REFERRALS], None)
            continue
        add(VIEW_CHILD_TEAM, None)
        if can_change:
            add(CHANGE_CHILD, None)
    for consent in consents_naming(child=child, user=user):
        expires_at = _end_of_day(consent.valid_until) if consent.valid_until else None
        for row in consent.categories.all():
            add(PERMISSION[row.category], expires_at)
    for override in overrides_in_force(child=child, user=user):
        for category in override.categories:
            add(PERMISSION[category], override.expires_at)
    if user.is_parent_or_carer:
        # Sensitive categories never reach parents or carers (R80), nor what the young person asked to keep
        # from them (R74); an override is for professionals, so nothing here gives it back.
        withheld = set(SENSITIVE) | set(parent_withheld_categories(child=child))
        for category in withheld:
            wanted.pop(PERMISSION[category], None)
    return wanted


def _child_permissions_sync(*, child, user: User) -> None:
    """Make the user's guardian permissions on ``child`` exactly what their reasons justify, with expiries."""
    wanted = _wanted_permissions(child=child, user=user)
    held = dict(
        ChildUserObjectPermission.objects.filter(user=user, content_object=child).values_list(
            "permission__codename", "expires_at"
        )
    )
    for codename, expires_at in wanted.items():
        if codename not in held:
            assign_perm(codename, user, child)
        if held.get(codename, "missing") != expires_at:
            ChildUserObjectPermission.objects.filter(
                user=user, content_object=child, permission__codename=codename
            ).update(expires_at=expires_at)
    for codename in held.keys() - wanted.keys():
        remove_perm(codename, user, child)


def child_permissions_resync(*, child, users) -> None:
    """Recompute the permissions of these people on ``child`` after a consent, review or override changed.

    Called by the consent services: this module stays the only one that writes permissions.
    """
    for user in users:
        _child_permissions_sync(child=child, user=user)


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
