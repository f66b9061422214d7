"""Signing people in for tests the way a real sign-in leaves them.

Use ``sign_in(client, user)`` rather than ``client.force_login(user)``: once professionals need two factors
(issue 5) a bare ``force_login`` leaves them half signed in, and every page sends them to enter a code.
``browser_sign_in(page, base_url, username)`` does the same through the real sign-in pages in Playwright.
"""

from tests.factories import PASSWORD


def sign_in(client, user):
    """Sign ``user`` in to a Django or DRF test client, as far as a real sign-in would get them."""
    client.force_login(user)
    return client


def browser_sign_in(page, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real pages in a Playwright ``page``; returns once the next page has loaded."""
    page.goto(f"{base_url}/accounts/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state()
