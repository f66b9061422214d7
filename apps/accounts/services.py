"""Writes to organisations and to the people who sign in: professionals and young people.

Used by the demo loader today and by onboarding screens later. Each validates first and writes in one
transaction. Nothing here gives anyone access to a child: that is ``apps.sharing``'s job alone.
"""

from datetime import date

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
)
from apps.core.exceptions import ApplicationError
from apps.core.hooks import Hook


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


# Why someone cannot be deactivated yet, asked of the apps above accounts that know (teams: a lead
# professional hands over first, R24). Takes the user; answers a refusal in words, or None. Registered from
# AppConfig.ready() (apps/core/hooks.py).
DEACTIVATION_REFUSAL = Hook("why a professional cannot be deactivated yet")


def professional_deactivation_refusal(*, user: User) -> str | None:
    """Why ``user`` cannot be deactivated yet, or None: each registered check may refuse (R24)."""
    return DEACTIVATION_REFUSAL.first_answer(user=user)


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
