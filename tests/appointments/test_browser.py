"""A clinician marks a child as not brought; the lead professional sees it on her caseload and follows it up.

Headless Chromium against the live server; screenshots go to ``test-artifacts/`` (ignored by git).
"""

from pathlib import Path

import pytest

from apps.appointments.models import MissedAppointmentFollowUp
from tests.appointments.factories import booked
from tests.auth import browser_sign_in
from tests.factories import ProfessionalFactory, share_with
from tests.teams.factories import caseload_child, professional_joins

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's Chromium at /usr/bin/chromium"),
]


# The live server's thread must see the test's data, so this test commits; serialized_rollback puts back
# what the data migrations seeded (organisation types, roles) after the flush that ends it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_was_not_brought_reaches_the_lead_who_follows_it_up(live_server, social_care):
    sync_api = pytest.importorskip("playwright.sync_api")
    lead = ProfessionalFactory(username="lead.sw", display_name="Hannah Brierley", organisation=social_care)
    clinician = ProfessionalFactory(
        username="camhs.clinician", display_name="Priya Shah", organisation__role="camhs-clinician"
    )
    child = caseload_child(lead, given_name="Ellie-Mae", family_name="Dawson")
    share_with(child, lead, "appointments")
    professional_joins(child, clinician, actor=lead)
    share_with(child, clinician, "appointments", actor=lead)
    appointment = booked(child, lead, professional=clinician, location_detail="Northbrook Family Hub")
    ARTIFACTS.mkdir(exist_ok=True)
    appointments_url = f"{live_server.url}/children/{child.public_id}/appointments/"

    # Everything in the database is set up above: no ORM calls inside Playwright's event loop.
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        try:
            clinician_page = browser.new_context().new_page()
            browser_sign_in(clinician_page, live_server.url, "camhs.clinician")
            clinician_page.goto(f"{appointments_url}{appointment.public_id}/outcome/")
            sync_api.expect(clinician_page.locator("body")).to_contain_text("A child who depends on an adult")
            clinician_page.get_by_label("Was not brought").check()
            clinician_page.click("button:has-text('Record outcome')")
            sync_api.expect(clinician_page.locator(".govuk-notification-banner--success")).to_contain_text(
                "Hannah Brierley has a follow-up to do by"
            )
            clinician_page.screenshot(path=str(ARTIFACTS / "appointments.png"), full_page=True)

            lead_page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            browser_sign_in(lead_page, live_server.url, "lead.sw")
            lead_page.goto(f"{live_server.url}/caseload/")
            results = lead_page.locator("#caseload-results")
            sync_api.expect(results).to_contain_text("1 in a row")
            sync_api.expect(results).to_contain_text("1 follow-up to do")
            lead_page.screenshot(path=str(ARTIFACTS / "caseload-missed.png"), full_page=True)

            lead_page.get_by_role("link", name="1 follow-up to do").click()
            lead_page.get_by_role("link", name="Ellie-Mae Dawson").click()
            lead_page.click("button:has-text('Complete follow-up')")
            sync_api.expect(lead_page.locator(".govuk-error-summary")).to_contain_text(
                "Select why the appointment was missed"
            )
            lead_page.get_by_label("Was not told about the appointment").check()
            lead_page.get_by_label("Yes, they are safe").check()
            lead_page.get_by_label("Spoke to a parent or carer").check()
            lead_page.get_by_label("A different place").check()
            lead_page.get_by_label("Details of the offer (optional)").fill("At school, in the nurture room")
            lead_page.screenshot(path=str(ARTIFACTS / "follow-up.png"), full_page=True)
            lead_page.click("button:has-text('Complete follow-up')")
            sync_api.expect(lead_page.locator("body")).to_contain_text(
                "You have no missed-appointment follow-ups to do"
            )
        finally:
            browser.close()

    follow_up = MissedAppointmentFollowUp.objects.get()
    assert (follow_up.status, follow_up.reason, follow_up.alternative) == (
        "completed",
        "not_told",
        "different_place",
    )
