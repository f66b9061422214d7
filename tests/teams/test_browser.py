"""lead.sw signs in with headless Chromium, sees her caseload, and filters it in place with htmx.

The screenshot goes to ``test-artifacts/`` (ignored by git) so a person can look at what the test saw.
"""

from pathlib import Path

import pytest

from tests.auth import browser_sign_in
from tests.factories import ProfessionalFactory
from tests.teams.factories import caseload_child

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium"),
]


# The live server's thread must see the test's data, so this test commits; serialized_rollback puts back
# what the data migrations seeded (organisation types, roles) after the flush that ends it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_lead_signs_in_sees_her_caseload_and_filters_it_without_a_reload(live_server, social_care):
    sync_api = pytest.importorskip("playwright.sync_api")
    lead = ProfessionalFactory(username="lead.sw", display_name="Hannah Brierley", organisation=social_care)
    caseload_child(lead, given_name="Amara", family_name="Osei", flags=3, overdue_actions=1)
    caseload_child(lead, given_name="Ben", family_name="Carter", meeting_in_days=4)
    caseload_child(lead, given_name="Cleo", family_name="Doyle", flags=1)
    ARTIFACTS.mkdir(exist_ok=True)

    # Everything in the database is set up above: no ORM calls inside Playwright's event loop.
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            browser_sign_in(page, live_server.url, "lead.sw")

            page.wait_for_url(f"{live_server.url}/caseload/")
            results = page.locator("#caseload-results")
            sync_api.expect(results.locator("caption")).to_contain_text("3 children")
            for name in ("Amara Osei", "Ben Carter", "Cleo Doyle"):
                sync_api.expect(results).to_contain_text(name)
            page.screenshot(path=str(ARTIFACTS / "caseload.png"), full_page=True)

            # A mark on the window survives an htmx swap but not a full page load.
            page.evaluate("window.stillTheSamePage = true")
            page.get_by_label("With overdue actions").check()

            sync_api.expect(results.locator("caption")).to_contain_text("1 child with overdue actions")
            sync_api.expect(results).not_to_contain_text("Ben Carter")
            sync_api.expect(results).to_contain_text("Amara Osei")
            assert page.evaluate("window.stillTheSamePage") is True
            assert "only=overdue" in page.url  # The address follows, so the filtered view can be shared.
            page.screenshot(path=str(ARTIFACTS / "caseload-overdue.png"), full_page=True)
        finally:
            browser.close()
