"""A CAMHS clinician reads the parts of Sam's passport shared with her, and prints them (R89).

Screenshots and the printed PDF go to ``test-artifacts/passport/`` (ignored by git).
"""

from pathlib import Path

import pytest

from apps.passport.services import passport_section_write, passport_share
from tests.auth import browser_sign_in

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "passport"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium"),
]

GOALS = "I want to go to college and study music production."
STORY = "I came into care when I was 13."


# The live server's thread must see the test's data, so this test commits; serialized_rollback puts back
# what the data migrations seeded (organisation types, roles) after the flush that ends it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_clinician_reads_the_shared_parts_and_prints_them(live_server, passport, young_person, clinician):
    sync_api = pytest.importorskip("playwright.sync_api")
    passport_section_write(actor=young_person, passport=passport, section="my_goals", text=GOALS)
    passport_section_write(actor=young_person, passport=passport, section="my_story", text=STORY)
    passport_share(actor=young_person, passport=passport, sections=["my_goals"], recipient_user=clinician)
    child_id = passport.child.public_id
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    # Everything in the database is set up above: no ORM calls inside Playwright's event loop.
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            blocked = []
            page.on(
                "console",
                lambda message: blocked.append(message.text) if "Content Security" in message.text else None,
            )
            browser_sign_in(page, live_server.url, clinician.username)

            page.goto(f"{live_server.url}/children/{child_id}/passport/")
            sync_api.expect(page.locator("#section-my_goals")).to_contain_text(GOALS)
            sync_api.expect(page.locator("#section-my_story")).to_contain_text("Not shared with you")
            sync_api.expect(page.locator("body")).not_to_contain_text(STORY)
            page.screenshot(path=str(ARTIFACTS / "passport-professional.png"), full_page=True)

            page.get_by_role("link", name="Print the parts shared with you").click()
            sync_api.expect(page.locator("h1")).to_contain_text("passport")
            # The Print button calls the browser's print, through the module script (no inline script).
            page.evaluate("window.print = () => { window.printWasCalled = true; }")
            page.get_by_role("button", name="Print").click()
            assert page.evaluate("window.printWasCalled") is True

            page.emulate_media(media="print")
            assert page.locator(".govuk-service-navigation").is_hidden()
            assert page.get_by_role("button", name="Print").is_hidden()
            sync_api.expect(page.locator(".beacon-passport-print")).to_contain_text(GOALS)
            page.screenshot(path=str(ARTIFACTS / "passport-print.png"), full_page=True)
            page.pdf(path=str(ARTIFACTS / "passport-print.pdf"))
            assert (ARTIFACTS / "passport-print.pdf").stat().st_size > 0
            assert blocked == []
        finally:
            browser.close()
