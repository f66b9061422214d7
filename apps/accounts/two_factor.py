"""Two-factor sign-in: who needs a second factor, setting up an app, backup codes, checking a code.

Every professional (and every administrator) needs a second factor on every page, in the admin and to get
an API token. A young person signs in with a password and may add a second factor on their account page;
once they have one, it is asked for like anyone else's.

The factors are django-otp devices: a TOTP device (an authenticator app, RFC 6238 codes that change every
30 seconds; django-otp refuses a code from a time step already used, so a code read over someone's
shoulder cannot be replayed) and a static device holding single-use backup codes (each is deleted when it
is used). A wrong code counts as a failed sign-in for django-axes, so guessing codes locks the username
and address out just as guessing passwords does.
"""

import secrets
from base64 import b32encode, b64encode
from io import BytesIO
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django.middleware.csrf import rotate_token
from django.urls import reverse
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.core.exceptions import ApplicationError

AUTHENTICATOR_NAME = "Authenticator app"
BACKUP_CODES_NAME = "Backup codes"
# Lower-case letters and digits without the ones people mix up (0/o, 1/l/i).
BACKUP_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
BACKUP_CODE_LENGTH = 10

WRONG_CODE = "Enter the 6-digit code from your authenticator app, or one of your backup codes"
CODE_REQUIRED = "Enter the 6-digit code from your authenticator app"
SET_UP_WRONG_CODE = "Enter the 6-digit code your authenticator app shows now for Beacon"


def needs_second_factor(user: User) -> bool:
    """Whether ``user`` must give a second factor before using Beacon.

    Professionals and administrators always; anyone else (a young person) once they have chosen to set
    one up.
    """
    if not user.is_authenticated:
        return False
    if user.is_professional or user.is_staff:
        return True
    # The middleware and the page header both ask on every request: look the devices up once.
    if not hasattr(user, "_beacon_needs_second_factor"):
        user._beacon_needs_second_factor = user_has_device(user)
    return user._beacon_needs_second_factor


def second_factor_given(user: User) -> bool:
    """Whether this session's ``user`` has given their second factor (django-otp's middleware says so).

    Straight after ``login()`` the request holds the bare user, whom the middleware has not seen yet:
    not verified.
    """
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def has_second_factor(user: User) -> bool:
    """Whether ``user`` has a confirmed device to give a code from."""
    return user_has_device(user)


def second_step_url(user: User, next_url: str) -> str:
    """The page that takes this person's second factor (or sets one up), coming back to ``next_url``."""
    name = "accounts:sign-in-code" if has_second_factor(user) else "accounts:two-factor-set-up"
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _code_from(typed: str) -> str:
    """The code as typed, without the spaces ("123 456") or hyphens ("abcde-fghjk") people copy with it."""
    code = "".join((typed or "").split()).replace("-", "").lower()
    if not code:
        raise ApplicationError(CODE_REQUIRED, field="otp_code", code="required")
    return code


def _wrong_code(*, request: HttpRequest | None, user: User, message: str) -> ApplicationError:
    """Count a wrong code as a failed sign-in for django-axes, and the error that says what to do."""
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)
    return ApplicationError(message, field="otp_code", code="invalid_otp")


def second_factor_check(*, request: HttpRequest | None, user: User, code: str) -> Device:
    """The device that accepts ``code`` for ``user``: their authenticator app, or one unused backup code.

    Raises ApplicationError (field ``otp_code``) for a missing, wrong, reused or too-frequent code, and
    reports the failure to django-axes against the username and address.
    """
    code = _code_from(code)
    with transaction.atomic():
        for device in devices_for_user(user, for_verify=True):
            if device.verify_token(code):
                return device
    raise _wrong_code(request=request, user=user, message=WRONG_CODE)


def second_factor_login(*, request: HttpRequest, device: Device) -> None:
    """Mark this session as past its second factor, under a new session id and CSRF token.

    The session was made at the password step, and a session id someone planted or read before then
    must not become a fully signed-in one (session fixation, OWASP ASVS 3.2.1). django-otp's ``login``
    only records the device in the session; Django's own ``login`` cycles the key, but it ran at the
    password step, so the key is cycled again here, keeping the session's contents.
    """
    otp_login(request, device)
    request.session.cycle_key()
    rotate_token(request)


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The authenticator app being set up: unconfirmed until a first code from it is accepted.

    The same pending device comes back on every call, so reloading the set-up page keeps the QR code the
    person may already have scanned.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def totp_provisioning_qr_data_uri(device: TOTPDevice) -> str:
    """An SVG QR code of the device's otpauth:// URL as a data: URI for an <img>, drawn here so the
    secret never goes to a third-party QR service."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10)
    out = BytesIO()
    image.save(out)
    return "data:image/svg+xml;base64," + b64encode(out.getvalue()).decode()


def totp_secret_for_people(device: TOTPDevice) -> str:
    """The secret in base32 groups of four, for typing into an app that cannot scan the code."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def totp_device_confirm(
    *, request: HttpRequest | None, user: User, device: TOTPDevice, code: str
) -> list[str]:
    """Confirm the pending authenticator app with a code from it; returns a fresh set of backup codes.

    Any other authenticator app the person had is removed: one phone at a time, so a lost phone stops
    working the moment a new one is set up.
    """
    if device.user_id != user.pk or device.confirmed:
        raise ApplicationError("Start setting up your authenticator app again", field="otp_code")
    if not device.verify_token(_code_from(code)):
        raise _wrong_code(
            request=request,
            user=user,
            message="Enter the 6-digit code your authenticator app shows now for Beacon",
        )
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _backup_codes_replace(user)
    audit_record(actor=user, action=AuditEvent.Action.UPDATE, target=user, detail={"second_factor": "set up"})
    return codes


def _backup_codes_replace(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_CODES_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [
        "".join(secrets.choice(BACKUP_CODE_ALPHABET) for _ in range(BACKUP_CODE_LENGTH))
        for _ in range(settings.BEACON_BACKUP_CODES)
    ]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def backup_codes_regenerate(*, user: User) -> list[str]:
    """A new set of backup codes; every earlier one stops working."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ApplicationError("Set up an authenticator app before making backup codes")
    codes = _backup_codes_replace(user)
    audit_record(
        actor=user, action=AuditEvent.Action.UPDATE, target=user, detail={"second_factor": "new backup codes"}
    )
    return codes


def backup_codes_remaining(*, user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def backup_code_display(code: str) -> str:
    """``abcdefghjk`` as ``abcde-fghjk``: easier to read out and copy; the hyphen is ignored on entry."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"
