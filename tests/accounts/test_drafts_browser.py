"""A worker types up a meeting, is called away, and the session ends: signing in again brings her back to the
form with what she typed (issue 14). Headless Chromium against the live server, with Playwright's fake clock
for the page's timers and time-machine for the server's clock.
"""

import datetime
import re
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse

from tests.auth import browser_sign_in, current_code
from tests.factories import PASSWORD, ProfessionalFactory
from tests.teams.factories import caseload_child

CHROMIUM = Path("/usr/bin/chromium")
VIEWS = "Sam said she does not feel safe walking home past the park after dark."

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium"),
]


# The live server's thread must see the test's data, so this test commits; serialized_rollback puts back
# what the data migrations seeded (organisation types, roles) after the flush that ends it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_what_was_typed_survives_the_session_timing_out(live_server, social_care, settings):
    sync_api = pytest.importorskip("playwright.sync_api")
    settings.BEACON_SESSION_IDLE_MINUTES = 30
    settings.BEACON_KEEP_ALIVE_SECONDS = 60
    lead = ProfessionalFactory(username="lead.sw", display_name="Hannah Brierley", organisation=social_care)
    child = caseload_child(lead, given_name="Ellie-Mae", family_name="Dawson")
    form_path = reverse("teams:meeting-record", args=[child.public_id])

    # Everything in the database is set up above: no ORM calls inside Playwright's event loop.
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        server_clock = None
        try:
            page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            page.clock.install()
            browser_sign_in(page, live_server.url, "lead.sw")
            page.goto(f"{live_server.url}{form_path}")
            views_box = page.get_by_label("The young person's views, in their own words")
            views_box.press_sequentially(VIEWS[:20])  # keydown and input, as typing makes
            views_box.fill(VIEWS)

            # A minute after the page opened, typing tells the server, with the draft.
            with page.expect_response(lambda response: "keep-alive" in response.url) as sent:
                page.clock.run_for(61_000)
            assert sent.value.status == 204

            # She is called away. Half an hour passes on the server; the page warns, in plain words ...
            server_clock = time_machine.travel(
                datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(minutes=32), tick=True
            )
            server_clock.start()
            page.clock.run_for(29 * 60_000)
            warning = page.locator("#session-timeout-warning")
            sync_api.expect(warning).to_be_visible()
            sync_api.expect(warning).to_contain_text("Typing counts as doing something")
            sync_api.expect(warning).to_contain_text("what you typed into a meeting")

            # ... and at the end reloads: the server has ended the session and asks her to sign in.
            page.clock.run_for(2 * 60_000)
            page.wait_for_url(re.compile(r"/accounts/sign-in/\?next="))
            signed_out = "signed out after 30 minutes without activity"
            sync_api.expect(page.locator("body")).to_contain_text(signed_out)

            page.fill("#id_username", "lead.sw")
            page.fill("#id_password", PASSWORD)
            page.click("button:has-text('Sign in')")
            page.wait_for_load_state()
            page.fill("#id_otp_code", current_code())
            page.click("button:has-text('Continue')")
            page.wait_for_url(f"**{form_path}")

            # Back on the form, with what she typed and a banner saying so.
            banner = page.locator("#form-draft-restored")
            sync_api.expect(banner).to_be_visible()
            restored = re.compile(r"We restored what you had typed at \d\d:\d\d")
            sync_api.expect(banner).to_contain_text(restored)
            views_box = page.get_by_label("The young person's views, in their own words")
            sync_api.expect(views_box).to_have_value(VIEWS)
        finally:
            if server_clock is not None:
                server_clock.stop()
            browser.close()
