"""Writes to organisations and to the people who sign in: professionals and young people.

Used by the demo loader today and by onboarding screens later. Each validates first and writes in one
transaction. Nothing here gives anyone access to a child: that is ``apps.sharing``'s job alone.
"""

import hashlib
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import authenticate, password_validation, user_logged_in, user_login_failed
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from knox.models import AuthToken
from knox.settings import knox_settings

from apps.accounts import two_factor
from apps.accounts.models import (
    Organisation,
    OrganisationMembership,
    OrganisationType,
    ProfessionalRole,
    User,
    YoungPersonInvite,
)
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.children.models import Child
from apps.core.exceptions import ApplicationError, NotPermitted


def organisation_create(
    *,
    name: str,
    type: OrganisationType,
    external_code: str = "",
) -> Organisation:
    """Add an organisation (a council's children's services, a CAMHS team, a school ...).

    Names are unique across Beacon so that people can tell two bodies apart in any list. Only an active
    organisation type can be given to a new organisation: retired types (a CCG, say) stay on old rows only.
    """
    if not type.is_active:
        raise ApplicationError(f"{type} is no longer in use for new organisations.", field="type")
    organisation = Organisation(name=name.strip(), type=type, external_code=external_code.strip())
    organisation.full_clean()
    with transaction.atomic():
        organisation.save()
    return organisation


def _user_build(
    *,
    username: str,
    kind: str,
    display_name: str,
    first_name: str,
    last_name: str,
    email: str,
    password: str | None,
    password_hash: str | None,
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """An unsaved, validated user with the password set (or unusable when neither password is given)."""
    if password is not None and password_hash is not None:
        raise TypeError("Give either password or password_hash, not both")
    user = User(
        username=username.strip(),
        kind=kind,
        display_name=display_name.strip(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip(),
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    if password is not None:
        password_validation.validate_password(password, user)
        user.set_password(password)
    elif password_hash is not None:
        user.password = password_hash
    else:
        user.set_unusable_password()
    user.full_clean()
    return user


def professional_create(
    *,
    username: str,
    display_name: str,
    organisation: Organisation,
    role: ProfessionalRole,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    job_title: str = "",
    phone: str = "",
    started_on: date | None = None,
    password: str | None = None,
    password_hash: str | None = None,
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """Create a professional's sign-in and their current membership of an organisation in a role.

    The password, when given, must pass the site's password rules. ``password_hash`` (from
    ``make_password``) is for loaders that give many accounts the same password, since hashing is slow on
    purpose; with neither, the person cannot sign in until a password is set. A new professional sees no
    child until access is granted through ``apps.sharing``; staff and superuser status change only what the
    admin site offers, never which children a person can see.
    """
    if not role.is_active:
        raise ApplicationError(f"{role} is no longer in use for new members of staff.", field="role")
    if not organisation.is_active:
        raise ApplicationError(f"{organisation} is no longer active.", field="organisation")
    user = _user_build(
        username=username,
        kind=User.Kind.PROFESSIONAL,
        display_name=display_name,
        first_name=first_name,
        last_name=last_name,
        email=email,
        password=password,
        password_hash=password_hash,
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    membership = OrganisationMembership(
        organisation=organisation,
        role=role,
        job_title=job_title.strip(),
        phone=phone.strip(),
        started_on=started_on or timezone.localdate(),
    )
    membership.full_clean(exclude=["user"])
    with transaction.atomic():
        user.save()
        membership.user = user
        membership.save()
    return user


def professional_deactivation_refusal(*, user: User) -> str | None:
    """Why ``user`` cannot be deactivated yet, or None: a lead professional hands over first (R24)."""
    from apps.teams.selectors import lead_professional_children

    leading = lead_professional_children(user=user).count()
    if not leading:
        return None
    children = "child" if leading == 1 else "children"
    return (
        f"{user} is the lead professional for {leading} {children}. Hand each one over to a successor first."
    )


def professional_deactivate(*, actor: User | None, user: User) -> User:
    """Stop a professional signing in, unless a child would be left without a lead professional (R24)."""
    refusal = professional_deactivation_refusal(user=user)
    if refusal:
        raise ApplicationError(refusal, field="is_active")
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        from knox.models import AuthToken

        AuthToken.objects.filter(user=user).delete()  # API tokens end with the account.
    return user


def user_sign_out_everywhere(*, user: User) -> User:
    """End every browser session and revoke every API token the person holds (OWASP ASVS 3.3.4).

    For a lost phone or a shared computer left signed in. Browser sessions end on their next request,
    when the session middleware sees the person's session epoch has moved on; tokens go at once.
    """
    from knox.models import AuthToken

    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(session_epoch=models.F("session_epoch") + 1)
        AuthToken.objects.filter(user=user).delete()
    user.refresh_from_db(fields=["session_epoch"])
    return user


# One answer for every refusal: a wrong username, password or code, an account that is not a
# professional's, or one without two-factor sign-in set up. Anything else would confirm a correct
# password, and say what kind of account it opens, to someone guessing.
WRONG_CREDENTIALS_OR_CODE = (
    "Enter a correct username, password and current one-time code. The username and password are "
    "case-sensitive. API tokens are for professionals who have set up two-factor sign-in on the Beacon "
    "website."
)


def api_token_issue(
    *, request: HttpRequest, username: str, password: str, otp_code: str
) -> tuple[AuthToken, str]:
    """An API token for an active professional who gives their password and a current one-time code;
    returns the token's row and the token itself (shown once: only its hash is kept).

    Only professionals with a second factor get tokens (OWASP ASVS 2.2, 3.5): the same people who may use
    the website. Every refusal is the one ``ApplicationError`` above, counted by django-axes as a failed
    sign-in, so neither the answer, the work done nor the lockout tells which part was wrong. A token lives
    no longer than its absolute lifetime, whatever the idle time is set to. Sign-ins and failures are
    recorded as for the website: django-axes logs each from the signals sent here.
    """
    wrong = ApplicationError(WRONG_CREDENTIALS_OR_CODE, code="invalid_credentials")
    # Django's ModelBackend refuses inactive users and hashes a password even for unknown usernames, so
    # neither the answer nor its timing tells which of the two was wrong.
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise wrong
    if not user.is_professional or not two_factor.has_second_factor(user):
        # A correct password that can never get a token is counted like a wrong one.
        user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
        raise wrong
    try:
        two_factor.second_factor_check(request=request, user=user, code=otp_code)
    except ApplicationError:
        raise wrong from None
    expiry = min(knox_settings.TOKEN_TTL, knox_settings.AUTO_REFRESH_MAX_TTL or knox_settings.TOKEN_TTL)
    instance, token = AuthToken.objects.create(user, expiry=expiry, prefix=knox_settings.TOKEN_PREFIX)
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return instance, token


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
    from apps.sharing.access import child_access
    from apps.teams.selectors import current_lead_appointment

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
    from apps.accounts.selectors import (
        INVITE_PROBLEMS,
        young_person_invite_for_token,
        young_person_invite_problem,
    )

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
