"""Signing people in for tests the way a real sign-in leaves them.

Use ``sign_in(client, user)`` rather than ``client.force_login(user)``: a professional needs two factors,
and a bare ``force_login`` leaves them half signed in, so every page sends them to enter a code.
``browser_sign_in(page, base_url, username)`` goes through the real sign-in pages in Playwright, entering
a code computed from the factories' shared authenticator key.
"""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.two_factor import needs_second_factor
from tests.factories import PASSWORD, TEST_TOTP_KEY


def current_code(key_hex: str = TEST_TOTP_KEY, *, drift: int = 0) -> str:
    """The code an authenticator app with this key shows now (or ``drift`` 30-second steps away)."""
    return f"{totp(bytes.fromhex(key_hex), drift=drift):06d}"


def sign_in(client, user):
    """Sign ``user`` in to a Django or DRF test client with both factors, as a real sign-in would."""
    client.force_login(user)
    if needs_second_factor(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Authenticator app", key=TEST_TOTP_KEY)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def browser_sign_in(
    page, base_url: str, username: str, password: str = PASSWORD, key_hex: str | None = TEST_TOTP_KEY
) -> None:
    """Sign in through the real pages in a Playwright ``page``; returns once the next page has loaded.

    Professionals then get the code page: the code comes from ``key_hex`` (the factories' key unless
    given). Each code is accepted once, so one person signs in at most once in any 30 seconds.
    """
    page.goto(f"{base_url}/accounts/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state()
    if "/accounts/sign-in/code/" in page.url and key_hex:
        page.fill("#id_otp_code", current_code(key_hex))
        page.click("button:has-text('Continue')")
        page.wait_for_load_state()
