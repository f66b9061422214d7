"""Young people's own accounts: made for a child, or by the young person from an invite link (R86).

These live in the portal, above the child's record, the access decision and the team, because an invite
is decided by who leads the child's team and who may change the record; accounts beneath them keeps the
account itself (``apps.accounts.services._user_build``) and the invite's model and selectors.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User, YoungPersonInvite
from apps.accounts.selectors import (
    INVITE_PROBLEMS,
    young_person_invite_for_token,
    young_person_invite_problem,
)
from apps.accounts.services import _user_build
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.models import Child
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.sharing.access import child_access
from apps.teams.selectors import current_lead_appointment


def young_person_create(
    *,
    actor: User | None,
    username: str,
    display_name: str,
    child: Child | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    password: str | None = None,
    password_hash: str | None = None,
) -> User:
    """Create a young person's own sign-in, for the portal and passport, optionally linked to their record.

    A young person's account is never a route into case records (``child_access_grant`` refuses them);
    it only ever identifies the one child it is linked to. A child has at most one account, so linking a
    child who already has one is refused rather than silently moving it. The link is a change to the
    child's record and is audited as one, in the same transaction.
    """
    if child is not None and child.account_id is not None:
        raise ApplicationError(f"{child} already has a Beacon account.", field="child")
    user = _user_build(
        username=username,
        kind=User.Kind.YOUNG_PERSON,
        display_name=display_name,
        first_name=first_name,
        last_name=last_name,
        email=email,
        password=password,
        password_hash=password_hash,
    )
    with transaction.atomic():
        user.save()
        if child is not None:
            # A conditional UPDATE, so two requests cannot both link an account to the same child.
            linked = Child.objects.filter(pk=child.pk, account__isnull=True).update(
                account=user, updated_at=timezone.now()
            )
            if not linked:
                raise ApplicationError(f"{child} already has a Beacon account.", field="child")
            child.account = user
            audit_record(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                target=child,
                child=child,
                detail={"fields": ["account"]},
            )
    return user


# --- Young people's invites (R86) ------------------------------------------------------------------


def _invite_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def young_person_invite_create(*, actor: User, child: Child) -> tuple[YoungPersonInvite, str]:
    """Make a one-time link for a young person to set up their own Beacon account; return it and its token.

    The lead professional invites (the person accountable for coordinating the young person's care, R16);
    a child with no lead professional yet may be invited by someone who can change their record. The token
    is shown to the professional once, to pass on in person or by message: only its hash is kept. It runs
    out after ``BEACON_INVITE_DAYS`` days. A new invite withdraws any earlier one still in circulation, so
    only the latest link works.
    """
    lead = current_lead_appointment(child=child)
    if lead is not None and lead.membership.user_id != actor.pk:
        raise NotPermitted(f"Only {lead.membership.name}, the lead professional, can invite {child}.")
    if lead is None and not child_access(user=actor, child=child).can_change:
        raise NotPermitted(f"Only someone who can change {child}'s record can invite them.")
    if Child.objects.filter(pk=child.pk, account__isnull=False).exists():
        raise ApplicationError(f"{child} already has a Beacon account.", field="child")
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        for earlier in YoungPersonInvite.objects.open().filter(child=child).select_for_update():
            _invite_revoke(invite=earlier, actor=actor, now=now)
        invite = YoungPersonInvite.objects.create(
            child=child,
            token_hash=_invite_token_hash(token),
            created_by=actor,
            created_at=now,
            expires_at=now + timedelta(days=settings.BEACON_INVITE_DAYS),
        )
        audit_record(actor=actor, action=AuditEvent.Action.CREATE, target=invite, child=child)
    return invite, token


def _invite_revoke(*, invite: YoungPersonInvite, actor: User, now) -> None:
    invite.revoked_at, invite.revoked_by = now, actor
    invite.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.REVOKE,
        target=invite,
        child=invite.child,
        detail={"fields": ["revoked_at"]},
    )


def young_person_invite_revoke(*, actor: User, invite: YoungPersonInvite) -> YoungPersonInvite:
    """Withdraw an invite link that has not been used, say because it was sent to the wrong number."""
    if invite.used_at is not None:
        raise ApplicationError("This invite has already been used to make an account.")
    if invite.revoked_at is not None:
        raise ApplicationError("This invite has already been withdrawn.")
    with transaction.atomic():
        _invite_revoke(invite=invite, actor=actor, now=timezone.now())
    return invite


def young_person_invite_accept(*, token: str, username: str, password: str) -> User:
    """The young person uses their invite link: a username and password of their own, linked to their record.

    The link works once. It is claimed with a conditional UPDATE inside the transaction that creates the
    account, so two submissions at once (a double tap) make one account and the other is told the link is
    used; if the account cannot be made (the username is taken, the password too weak) the claim rolls
    back with it and the link still works. The password must pass the site's password rules.
    """
    invite = young_person_invite_for_token(token=token)
    problem = young_person_invite_problem(invite=invite)
    if problem is not None:
        raise ApplicationError(f"{problem.title}. {problem.message}", code=problem.code)
    username = username.strip()
    if not username:
        raise ApplicationError("Choose a username", field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError("That username is already taken. Try another one.", field="username")
    child = invite.child
    with transaction.atomic():
        now = timezone.now()
        claimed = YoungPersonInvite.objects.filter(
            pk=invite.pk, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
        if not claimed:
            used = INVITE_PROBLEMS["used"]
            raise ApplicationError(f"{used.title}. {used.message}", code=used.code)
        user = young_person_create(
            actor=None,
            username=username,
            display_name=child.known_as,
            first_name=child.preferred_name or child.given_name,
            last_name=child.family_name,
            child=child,
            password=password,
        )
        YoungPersonInvite.objects.filter(pk=invite.pk).update(account=user)
        audit_record(
            actor=user,
            action=AuditEvent.Action.UPDATE,
            target=invite,
            child=child,
            detail={"fields": ["used_at", "account"]},
        )
    return user
