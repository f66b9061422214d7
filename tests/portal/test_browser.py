"""Kay's whole journey on a phone-sized screen, in headless Chromium with Beacon's real CSP.

Invite link -> her own password -> her portal -> her passport -> yes to her worker's suggestion -> share a
part with her therapist -> stop sharing. Screenshots of each step go to ``test-artifacts/portal/``.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.urls import reverse

from apps.passport.selectors import passport_current, passport_sections_visible_to
from apps.passport.services import passport_change_propose
from apps.portal.services import young_person_invite_create
from tests.accessibility.browser import needs_chromium, phone_browser, screenshot
from tests.portal.factories import young_person_world

pytestmark = needs_chromium

KAYS_PASSWORD = "otters-hold-hands-asleep"
SUGGESTED = "Texting me the day before a visit helps. Surprise visits do not."


def _outside_the_browser(function):
    """Run database work in a thread of its own: Django refuses it inside Playwright's event loop."""

    def work():
        try:
            return function()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


# The live server's thread must see the test's data, so this test commits; serialized_rollback puts back
# what the data migrations seeded (organisation types, roles) after the flush that ends it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_kay_makes_her_account_answers_a_suggestion_shares_and_stops_sharing(live_server):
    sync_api = pytest.importorskip("playwright.sync_api")
    expect = sync_api.expect
    # A team around Kay, with someone else's account already made; Kay's own comes from a new invite.
    world = young_person_world(username="not.kay", with_passport=False)
    world.child.account = None
    world.child.save(update_fields=["account"])
    _invite, token = young_person_invite_create(actor=world.lead, child=world.child)
    child, lead, clinician = world.child, world.lead, world.clinician

    with phone_browser() as page:
        page.goto(live_server.url + reverse("invites:accept", args=[token]))
        expect(page.get_by_role("heading", level=1)).to_contain_text("Hi Kay, make your Beacon account")
        screenshot(page, "journey-1-invite")
        page.get_by_label("Choose a username").fill("kay.m")
        page.get_by_label("Choose a password").fill(KAYS_PASSWORD)
        page.get_by_label("Type your password again").fill(KAYS_PASSWORD)
        page.get_by_role("button", name="Make my account").click()

        page.wait_for_url(live_server.url + reverse("portal:home"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Hi Kay")
        expect(page.locator("body")).to_contain_text("Welcome to Beacon. Your account is ready.")
        expect(page.locator("body")).to_contain_text("Tomasz")
        screenshot(page, "journey-2-portal")

        page.get_by_role("link", name="Start my passport").click()
        page.get_by_role("button", name="Start my passport").click()
        expect(page.locator("body")).to_contain_text("Your passport has started")
        screenshot(page, "journey-3-passport")

        # Hannah, her lead professional, suggests words for one part (as she would from her own pages).
        def hannah_suggests():
            passport = passport_current(child=child)
            passport_change_propose(
                actor=lead, passport=passport, section="what_helps", text=SUGGESTED, reason="From our chat."
            )

        _outside_the_browser(hannah_suggests)

        page.reload()
        page.get_by_role("link", name="Look at the suggested change").click()
        page.get_by_role("link", name="Answer").click()
        expect(page.locator("body")).to_contain_text(SUGGESTED)
        page.get_by_label("Yes, use these words").check()
        screenshot(page, "journey-4-suggestion")
        page.get_by_role("button", name="Save my answer").click()
        expect(page.locator("body")).to_contain_text("Your passport now uses the new words")
        page.goto(live_server.url + reverse("portal:passport"))
        expect(page.locator("#what_helps")).to_contain_text(SUGGESTED)

        page.get_by_role("link", name="Choose who can see my passport").click()
        page.get_by_label("Dr Tomasz Wieczorek").check()
        page.get_by_label("What helps and what does not").check()
        page.get_by_role("button", name="Share", exact=True).click()
        expect(page.locator("body")).to_contain_text("Shared with Dr Tomasz Wieczorek")
        screenshot(page, "journey-5-shared")

        def tomasz_can_read():
            return set(passport_sections_visible_to(viewer=clinician, passport=passport_current(child=child)))

        assert _outside_the_browser(tomasz_can_read) == {"what_helps"}

        page.get_by_role("button", name="Stop sharing").click()
        expect(page.locator("body")).to_contain_text("can no longer see What helps and what does not")
        expect(page.locator("body")).to_contain_text("You are not sharing your passport with anyone")
        screenshot(page, "journey-6-stopped")
        assert _outside_the_browser(tomasz_can_read) == set()

        page.get_by_role("link", name="Switch to Easy Read").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Who can see my passport")
        page.goto(live_server.url + reverse("portal:passport"))
        expect(page.locator("body")).to_contain_text("This is your story.")
        screenshot(page, "journey-7-easy-read")
