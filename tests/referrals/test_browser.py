"""The single point of access clinician triages a referral from the queue and declines it with an
alternative, in headless Chromium. Screenshots go to ``test-artifacts/`` (ignored by git)."""

from pathlib import Path

import pytest

from apps.sharing.models import AccessGrant
from apps.sharing.services import child_access_grant
from tests.auth import browser_sign_in
from tests.factories import ChildFactory, ProfessionalFactory
from tests.referrals.factories import NEEDS, camhs_organisation, referral_for

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium"),
]


# The live server's thread must see the test's data, so this test commits; serialized_rollback puts back
# what the data migrations seeded (organisation types, roles) after the flush that ends it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_spa_clinician_triages_and_declines_only_with_an_alternative(live_server):
    sync_api = pytest.importorskip("playwright.sync_api")
    camhs = camhs_organisation()
    ProfessionalFactory(username="spa", organisation=camhs, organisation__role="camhs-clinician")
    teacher = ProfessionalFactory(username="teacher", organisation__role="designated-teacher")
    child = ChildFactory(given_name="Oscar", family_name="Lowe")
    child_access_grant(child=child, user=teacher, basis=AccessGrant.Basis.CREATOR, granted_by=teacher)
    referral_for(child, teacher, camhs, route="school")
    ARTIFACTS.mkdir(exist_ok=True)

    # Everything in the database is set up above: no ORM calls inside Playwright's event loop.
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            browser_sign_in(page, live_server.url, "spa")
            page.get_by_role("link", name="Referrals").click()
            sync_api.expect(page.locator("h1")).to_contain_text("triage queue")
            page.get_by_role("link", name="Oscar Lowe").click()
            sync_api.expect(page.locator("main")).to_contain_text(NEEDS)

            page.get_by_role("button", name="Triage").click()
            page.get_by_label("Urgent").check()
            page.get_by_role("button", name="Save triage").click()
            sync_api.expect(page.locator("main")).to_contain_text("Target for first appointment")

            page.get_by_role("button", name="Do not accept").click()
            sync_api.expect(page.locator("main")).to_contain_text("Needs senior agreement")
            page.get_by_label("Reason").select_option("not_specialist_need")
            page.get_by_label("Explain the decision in plain English").fill("Help is better near school.")
            page.get_by_role("button", name="Do not accept, with these alternatives").click()
            sync_api.expect(page.locator(".govuk-error-summary")).to_contain_text("without an alternative")
            page.screenshot(path=str(ARTIFACTS / "referral-decline-refused.png"), full_page=True)

            page.locator("#id_alternative_1_kind").select_option("named_service")
            page.locator("#id_alternative_1_service_name").fill("Open Door Youth Project")
            page.locator("#id_alternative_1_detail").fill("Open Door will see Oscar at school on Thursdays.")
            page.get_by_role("button", name="Do not accept, with these alternatives").click()
            main = page.locator("main")
            sync_api.expect(main).to_contain_text("not the right service for this")
            sync_api.expect(main).to_contain_text("Open Door will see Oscar at school on Thursdays.")
            page.screenshot(path=str(ARTIFACTS / "referral-declined.png"), full_page=True)
        finally:
            browser.close()
