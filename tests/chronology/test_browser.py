"""The professional's chronology page in a real browser: filtered, printed and adding an event, with no
WCAG 2.2 AA violation. Screenshots go to ``test-artifacts/portal/`` with the young person's pages."""

import pytest
from django.urls import reverse

from tests.accessibility.browser import axe_violations, describe, needs_chromium, phone_browser, screenshot
from tests.auth import browser_sign_in
from tests.chronology.factories import CHRONOLOGY_EVENT, chronology_world

pytestmark = needs_chromium


# The live server's thread must see the test's data, so this test commits; serialized_rollback puts back
# what the data migrations seeded (organisation types, roles) after the flush that ends it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_chronology_pages_have_no_wcag_22_aa_violations(live_server):
    world = chronology_world()
    chronology = reverse("chronology:chronology", args=[world.child.public_id])
    add = reverse("chronology:significant-event-add", args=[world.child.public_id])
    with phone_browser(bypass_csp=True) as page:  # axe-core is injected as a script
        page.set_viewport_size({"width": 1280, "height": 900})
        browser_sign_in(page, live_server.url, world.lead.username)
        for name, path in [
            ("chronology", chronology),
            ("chronology-filtered", chronology + "?kind=significant_event&kind=meeting"),
            ("chronology-print", chronology + "?print=1"),
            ("chronology-add", add),
        ]:
            page.goto(live_server.url + path)
            screenshot(page, f"professional-{name}")
            assert not (violations := axe_violations(page)), f"{name}:\n{describe(violations)}"
        assert CHRONOLOGY_EVENT in page.goto(live_server.url + chronology).text()
        # The form with its errors: where accessibility most often breaks.
        page.goto(live_server.url + add)
        page.click("button:has-text('Add to the chronology')")
        page.wait_for_load_state()
        screenshot(page, "professional-chronology-add-errors")
        assert "There is a problem" in page.content()
        assert not (violations := axe_violations(page)), describe(violations)
