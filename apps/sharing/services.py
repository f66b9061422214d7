"""Granting and removing access to a child: the one place that touches object permissions.

Every way a person comes to see a child is a reason with a lawful basis: an ``AccessGrant`` (created the
record, an administrator's grant, team membership, lead professional, a referral they made), an
``OrganisationAccessGrant`` for their service (a referral it receives or accepted), a consent naming them,
their organisation or their role there, or their own safeguarding override. The guardian permission rows
are recomputed from the reasons after every change, so removing one reason never removes access another
still justifies, and access ends on the very next request once no reason is left.

An organisation's or a role's permissions are held once, by its ``AccessGroup``, not copied to each
member of staff: the table grows with children and decisions, not with staff, and a person's access
follows their membership by construction (``access_groups_sync``).
"""

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from apps.accounts.models import Organisation, OrganisationMembership, ProfessionalRole, User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.categories import (
    CHANGE_CHILD,
    COORDINATED,
    PERMISSION,
    RECORD_APPOINTMENTS,
    SENSITIVE,
    VIEW_CHILD,
    VIEW_CHILD_TEAM,
    Category,
)
from apps.core.exceptions import ApplicationError
from apps.sharing.models import (
    BASIS_PREFERENCE,
    AccessGrant,
    AccessGroup,
    ChildGroupObjectPermission,
    ChildUserObjectPermission,
    LawfulBasis,
    OrganisationAccessGrant,
    TaskAccessGrant,
)

# The lawful basis each kind of grant rests on.
GRANT_LAWFUL_BASIS = {
    AccessGrant.Basis.CREATOR: LawfulBasis.DIRECT_CARE,
    AccessGrant.Basis.TEAM_MEMBER: LawfulBasis.DIRECT_CARE,
    AccessGrant.Basis.REFERRAL: LawfulBasis.DIRECT_CARE,
    AccessGrant.Basis.COORDINATION: LawfulBasis.COORDINATION,
    # An administrator grants access under the duty to share (Children's Wellbeing and Schools Act 2026),
    # with the reason in words.
    AccessGrant.Basis.ADMINISTRATOR: LawfulBasis.LEGAL_DUTY,
}

Wanted = dict[str, tuple[datetime | None, str]]


def _end_of_day(day: date) -> datetime:
    """The moment a consent that runs until ``day`` stops: midnight at the end of that day in London."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _add(wanted: Wanted, codename: str, expires_at: datetime | None, basis: str) -> None:
    """Add one reason for a permission: the longest lasting wins (None is "no end"), with its basis."""
    if codename not in wanted:
        wanted[codename] = (expires_at, basis)
        return
    held_expiry, held_basis = wanted[codename]
    lasts_longer = held_expiry is not None and (expires_at is None or expires_at > held_expiry)
    as_long_and_more_ordinary = held_expiry == expires_at and (
        BASIS_PREFERENCE.index(basis) < BASIS_PREFERENCE.index(held_basis)
    )
    if lasts_longer or as_long_and_more_ordinary:
        wanted[codename] = (expires_at, basis)


def _add_consent(wanted: Wanted, consent) -> None:
    expires_at = _end_of_day(consent.valid_until) if consent.valid_until else None
    for row in consent.categories.all():
        _add(wanted, PERMISSION[row.category], expires_at, LawfulBasis.CONSENT)


def _wanted_permissions(*, child, user: User) -> Wanted:
    """Every permission ``user`` should hold on ``child`` themselves, when it ends and on what lawful basis.

    - a grant: the core record and the team (direct care); the lead professional and the record's creator
      may also change it; a team member books and records appointments; the referrer sees the referrals;
    - the lead professional (coordination): the categories a lead coordinates (team, appointments,
      referrals, plans and meetings), except those a competent young person objected to;
    - each consent in force naming them as a person: its categories, until its end date (consents to an
      organisation or a role are held by its group: ``_wanted_group_permissions``);
    - their own safeguarding override, while it lasts: the categories it names, objections or not;
    - each open task they were alerted to act on (``TaskAccessGrant``): the core record and the categories
      the task needs, until the task is done (or its own time limit).
    Parents and carers never receive a sensitive category (R80), nor one the young person asked to keep
    from them (R74); an override is for professionals, so nothing gives those back.
    """
    from apps.consent.selectors import (
        consents_naming_person,
        coordination_objected_categories,
        overrides_in_force,
        parent_withheld_categories,
    )

    wanted: Wanted = {}
    for basis, can_change, lawful_basis in AccessGrant.objects.filter(
        child=child, user=user, revoked_at__isnull=True
    ).values_list("basis", "can_change", "lawful_basis"):
        _add(wanted, VIEW_CHILD, None, lawful_basis)
        if basis == AccessGrant.Basis.REFERRAL:
            # The referrer follows the referral they made: the referrals, not the rest of the record.
            _add(wanted, PERMISSION[Category.REFERRALS], None, lawful_basis)
            continue
        _add(wanted, VIEW_CHILD_TEAM, None, lawful_basis)
        if basis == AccessGrant.Basis.COORDINATION:
            objected = set(coordination_objected_categories(child=child))
            for category in COORDINATED - objected:
                _add(wanted, PERMISSION[category], None, lawful_basis)
            _add(wanted, RECORD_APPOINTMENTS, None, lawful_basis)
        if basis == AccessGrant.Basis.TEAM_MEMBER:
            _add(wanted, RECORD_APPOINTMENTS, None, lawful_basis)
        if can_change:
            _add(wanted, CHANGE_CHILD, None, lawful_basis)
    for consent in consents_naming_person(child=child, user=user):
        _add_consent(wanted, consent)
    for override in overrides_in_force(child=child, user=user):
        for category in override.categories:
            _add(wanted, PERMISSION[category], override.expires_at, LawfulBasis.SAFEGUARDING)
    for categories, expires_at, lawful_basis in TaskAccessGrant.objects.filter(
        child=child, user=user, revoked_at__isnull=True
    ).values_list("categories", "expires_at", "lawful_basis"):
        # Alerted to act on a task: the core record and the categories that task needs, while it is open.
        for category in {Category.CORE, *categories}:
            _add(wanted, PERMISSION[Category(category)], expires_at, lawful_basis)
    if user.is_parent_or_carer:
        withheld = set(SENSITIVE) | set(parent_withheld_categories(child=child))
        for category in withheld:
            wanted.pop(PERMISSION[category], None)
        for codename in (CHANGE_CHILD, RECORD_APPOINTMENTS):
            wanted.pop(codename, None)
    return wanted


def _wanted_group_permissions(*, child, access_group: AccessGroup) -> Wanted:
    """Every permission an organisation's (or a role's) group should hold on ``child``.

    - a referral it receives: the core record and the referrals, to decide on it (direct care); once it has
      accepted one, the appointments too, and booking them, so the missed-appointment safety net starts;
    - each consent in force naming the organisation (for the organisation's group) or the role at it (for
      the role's group): its categories, until its end date.
    """
    from apps.consent.selectors import consents_naming_group

    wanted: Wanted = {}
    if access_group.role_id is None:
        for basis, lawful_basis in OrganisationAccessGrant.objects.filter(
            child=child, organisation_id=access_group.organisation_id, revoked_at__isnull=True
        ).values_list("basis", "lawful_basis"):
            _add(wanted, VIEW_CHILD, None, lawful_basis)
            _add(wanted, PERMISSION[Category.REFERRALS], None, lawful_basis)
            if basis == OrganisationAccessGrant.Basis.REFERRAL_ACCEPTED:
                _add(wanted, PERMISSION[Category.APPOINTMENTS], None, lawful_basis)
                _add(wanted, RECORD_APPOINTMENTS, None, lawful_basis)
    for consent in consents_naming_group(child=child, access_group=access_group):
        _add_consent(wanted, consent)
    return wanted


def _apply(*, wanted: Wanted, rows, assign, remove) -> None:
    """Make the permission rows ``rows`` exactly ``wanted``: add, update expiry and basis, remove."""
    held = {
        codename: (expires_at, basis)
        for codename, expires_at, basis in rows.values_list("permission__codename", "expires_at", "basis")
    }
    for codename, (expires_at, basis) in wanted.items():
        if codename not in held:
            assign(codename)
        if held.get(codename) != (expires_at, basis):
            rows.filter(permission__codename=codename).update(expires_at=expires_at, basis=basis)
    for codename in held.keys() - wanted.keys():
        remove(codename)


def _child_permissions_sync(*, child, user: User) -> None:
    """Make the user's own guardian permissions on ``child`` exactly what their reasons justify."""
    _apply(
        wanted=_wanted_permissions(child=child, user=user),
        rows=ChildUserObjectPermission.objects.filter(user=user, content_object=child),
        assign=lambda codename: assign_perm(codename, user, child),
        remove=lambda codename: remove_perm(codename, user, child),
    )


def _group_permissions_sync(*, child, access_group: AccessGroup) -> None:
    """Make an organisation's (or role's) group permissions on ``child`` exactly what its reasons justify."""
    group = access_group.group
    _apply(
        wanted=_wanted_group_permissions(child=child, access_group=access_group),
        rows=ChildGroupObjectPermission.objects.filter(group=group, content_object=child),
        assign=lambda codename: assign_perm(codename, group, child),
        remove=lambda codename: remove_perm(codename, group, child),
    )


def child_access_resync(*, child) -> None:
    """Recompute every permission on ``child``: each person's and each organisation's and role's.

    Called by every service that changes a reason for access (a consent, a withdrawal, a review, an override,
    an objection, a withholding), in its transaction: the change holds on the very next request for everyone
    it reached, including anyone still holding a row the change took away.
    """
    from apps.consent.models import Consent, SafeguardingOverride

    users = set(
        AccessGrant.objects.filter(child=child, revoked_at__isnull=True).values_list("user_id", flat=True)
    )
    users.update(
        Consent.objects.filter(child=child, recipient_user__isnull=False).values_list(
            "recipient_user_id", flat=True
        )
    )
    users.update(SafeguardingOverride.objects.filter(child=child).values_list("opened_by_id", flat=True))
    users.update(
        TaskAccessGrant.objects.filter(child=child, revoked_at__isnull=True).values_list("user_id", flat=True)
    )
    users.update(
        ChildUserObjectPermission.objects.filter(content_object=child).values_list("user_id", flat=True)
    )
    for user in User.objects.filter(pk__in=users):
        _child_permissions_sync(child=child, user=user)

    groups = {
        access_group_for(organisation=consent.recipient_organisation, role=consent.recipient_role)
        for consent in Consent.objects.filter(
            child=child, recipient_organisation__isnull=False
        ).select_related("recipient_organisation", "recipient_role")
    }
    groups.update(
        access_group_for(organisation=grant.organisation)
        for grant in OrganisationAccessGrant.objects.filter(child=child).select_related("organisation")
    )
    groups.update(
        AccessGroup.objects.filter(
            group__in=ChildGroupObjectPermission.objects.filter(content_object=child).values("group")
        ).select_related("group")
    )
    for access_group in groups:
        _group_permissions_sync(child=child, access_group=access_group)


def access_group_for(*, organisation: Organisation, role: ProfessionalRole | None = None) -> AccessGroup:
    """The group that holds this organisation's (or this role at it) permissions, made on first use with
    its current members."""
    existing = (
        AccessGroup.objects.filter(organisation=organisation, role=role).select_related("group").first()
    )
    if existing is not None:
        return existing
    name = f"access:org:{organisation.pk}" + (f":role:{role.pk}" if role else "")
    try:
        with transaction.atomic():
            group, _ = Group.objects.get_or_create(name=name)
            access_group = AccessGroup.objects.create(group=group, organisation=organisation, role=role)
    except IntegrityError:  # Made by another request at the same moment.
        return AccessGroup.objects.select_related("group").get(organisation=organisation, role=role)
    memberships = OrganisationMembership.objects.current().filter(organisation=organisation)
    if role is not None:
        memberships = memberships.filter(role=role)
    group.user_set.add(*User.objects.filter(pk__in=memberships.values("user"), kind=User.Kind.PROFESSIONAL))
    return access_group


def access_groups_sync(*, user: User) -> None:
    """Keep ``user``'s access groups exactly those of their current memberships (organisation, and role).

    Called whenever a membership starts or ends: someone who leaves an organisation stops seeing what it was
    given on their next request, and so does a withdrawal that reaches the organisation later.
    """
    wanted: set[int] = set()
    if user.is_professional:
        for membership in OrganisationMembership.objects.current().filter(user=user):
            wanted.update(
                AccessGroup.objects.filter(organisation_id=membership.organisation_id)
                .filter(role__isnull=True)
                .values_list("group_id", flat=True)
            )
            wanted.update(
                AccessGroup.objects.filter(
                    organisation_id=membership.organisation_id, role_id=membership.role_id
                ).values_list("group_id", flat=True)
            )
    held = set(user.groups.filter(access_group__isnull=False).values_list("pk", flat=True))
    if wanted - held:
        user.groups.add(*(wanted - held))
    if held - wanted:
        user.groups.remove(*(held - wanted))


def _check_grant(*, child, user: User, basis: str, reason: str) -> None:
    if not user.is_active or not user.is_professional:
        raise ApplicationError(
            "Access to a child's record can only be given to an active professional.", field="user"
        )
    if basis == AccessGrant.Basis.ADMINISTRATOR and not reason.strip():
        raise ApplicationError("Say why this person needs access to the child's record.", field="reason")
    if basis == AccessGrant.Basis.COORDINATION:
        lead = django_apps.get_model("teams", "LeadProfessionalAppointment")
        if not lead.objects.filter(child=child, ended_on__isnull=True, membership__user=user).exists():
            raise ApplicationError(
                "Only the child's lead professional sees information on a coordination basis.", field="basis"
            )


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
    """Let a professional see (and, with ``can_change``, edit) a child's core record, on a lawful basis.

    Only professionals can be granted access to a case record; young people see their own information
    through the portal. A coordination basis is only for the child's current lead professional. Granting the
    same basis twice keeps the one active grant and records nothing new. A team member's grant follows their
    ``membership`` of the team around the child, one grant per membership.
    """
    _check_grant(child=child, user=user, basis=basis, reason=reason)
    with transaction.atomic():
        grant, created = AccessGrant.objects.get_or_create(
            child=child,
            user=user,
            basis=basis,
            membership=membership,
            revoked_at__isnull=True,
            defaults={
                "can_change": can_change,
                "reason": reason,
                "granted_by": granted_by,
                "lawful_basis": GRANT_LAWFUL_BASIS[basis],
            },
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
            basis=grant.get_lawful_basis_display(),
            detail={"grantee": str(user.public_id), "can_change": can_change, "grant": basis},
        )
    return grant


def creator_access_grant(*, child, actor: User) -> None:
    """The person who creates a child's record can see and change it. Registered with
    ``apps.children.services.CHILD_CREATED`` by SharingConfig.ready()."""
    child_access_grant(child=child, user=actor, basis=AccessGrant.Basis.CREATOR, granted_by=actor)


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
                basis=grant.get_lawful_basis_display(),
                detail={"grantee": str(grant.user.public_id), "grant": grant.basis},
            )
    return grant


def child_coordination_set(*, child, user: User, is_lead: bool, granted_by: User | None) -> None:
    """Give the lead professional the coordination basis, or end it for someone who is no longer the lead."""
    if is_lead:
        child_access_grant(
            child=child, user=user, basis=AccessGrant.Basis.COORDINATION, granted_by=granted_by
        )
        return
    for grant in AccessGrant.objects.filter(
        child=child, user=user, basis=AccessGrant.Basis.COORDINATION, revoked_at__isnull=True
    ):
        child_access_revoke(grant=grant, revoked_by=granted_by)


def membership_access_revoke(*, membership, revoked_by: User | None) -> None:
    """End the access that a membership of the team around the child gave (leaving the team).

    Takes effect on the very next request: the permission rows are removed in this transaction.
    """
    for grant in AccessGrant.objects.filter(membership=membership, revoked_at__isnull=True).select_related(
        "child", "user"
    ):
        child_access_revoke(grant=grant, revoked_by=revoked_by)


def organisation_access_grant(
    *, child, organisation: Organisation, basis: str, granted_by: User | None
) -> OrganisationAccessGrant:
    """Let a whole service see a child, once, for every member of staff it has now or later (direct care).

    A service receiving a referral sees the core record and the referrals to decide on it; once it accepts,
    it sees the appointments and books them. Granting the same basis twice records nothing new.
    """
    with transaction.atomic():
        grant, created = OrganisationAccessGrant.objects.get_or_create(
            child=child,
            organisation=organisation,
            basis=basis,
            revoked_at__isnull=True,
            defaults={"granted_by": granted_by},
        )
        if created:
            _group_permissions_sync(child=child, access_group=access_group_for(organisation=organisation))
            audit_record(
                actor=granted_by,
                action=AuditEvent.Action.GRANT,
                target=child,
                child=child,
                basis=grant.get_lawful_basis_display(),
                detail={"organisation": str(organisation.public_id), "grant": basis},
            )
    return grant


def task_access_grant(
    *,
    child,
    user: User,
    task_key: str,
    categories: Sequence[str],
    lawful_basis: str,
    reason: str,
    expires_at: datetime | None = None,
) -> TaskAccessGrant:
    """Let someone alerted to act on a task see what the task needs of ``child``, while it is open.

    The core record always, and ``categories`` (never more than the task needs); on ``lawful_basis`` (a
    legal duty to safeguard, or direct care for a referral decision), with ``reason`` saying which alert
    and why this person. Granting the same task to the same person again changes nothing. A task already
    done (``task_access_end``) is not reopened by a late alert: the caller closes tasks after alerting.
    """
    if not user.is_active or not user.is_professional:
        raise ApplicationError("Access to a child's record can only be given to an active professional.")
    wanted = sorted({Category(category).value for category in categories} - {Category.CORE.value})
    with transaction.atomic():
        grant, created = TaskAccessGrant.objects.get_or_create(
            user=user,
            task_key=task_key,
            revoked_at__isnull=True,
            defaults={
                "child": child,
                "categories": wanted,
                "lawful_basis": lawful_basis,
                "reason": reason,
                "expires_at": expires_at,
            },
        )
        if not created:
            return grant
        _child_permissions_sync(child=child, user=user)
        audit_record(
            actor=None,
            action=AuditEvent.Action.GRANT,
            target=child,
            child=child,
            basis=grant.get_lawful_basis_display(),
            detail={
                "grantee": str(user.public_id),
                "grant": "task",
                "task": task_key,
                "categories": [Category.CORE.value, *wanted],
            },
        )
    return grant


def task_access_end(*, task_key: str, ended_by: User | None = None) -> int:
    """End the access every person was given for the task ``task_key``: it is done. Returns how many.

    Each keeps access only where another reason still justifies it (their permissions are recomputed).
    Ending a task twice, or one that gave nobody access, changes nothing.
    """
    ended = 0
    with transaction.atomic():
        grants = list(
            TaskAccessGrant.objects.select_for_update()
            .filter(task_key=task_key, revoked_at__isnull=True)
            .select_related("child", "user")
        )
        now = timezone.now()
        for grant in grants:
            TaskAccessGrant.objects.filter(pk=grant.pk).update(revoked_at=now)
            _child_permissions_sync(child=grant.child, user=grant.user)
            audit_record(
                actor=ended_by,
                action=AuditEvent.Action.REVOKE,
                target=grant.child,
                child=grant.child,
                basis=grant.get_lawful_basis_display(),
                detail={"grantee": str(grant.user.public_id), "grant": "task", "task": task_key},
            )
            ended += 1
    return ended
