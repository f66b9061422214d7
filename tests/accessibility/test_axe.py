"""axe-core over every page a young person sees, on a phone-sized screen: WCAG 2.2 AA, zero violations (R146).

Each page is checked in the standard and the Easy Read version, and a form with errors is checked too,
since error summaries are where accessibility most often breaks. A screenshot of every page is saved to
``test-artifacts/portal/``.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User, YoungPersonInvite
from apps.children.models import FamilyMember
from apps.passport.models import Section
from apps.passport.services import passport_create, passport_share
from apps.portal.services import young_person_invite_create
from tests.accessibility.browser import axe_violations, describe, needs_chromium, phone_browser, screenshot
from tests.auth import browser_sign_in
from tests.directory.factories import service
from tests.factories import ChildFactory, OrganisationFactory, UserFactory
from tests.portal.factories import young_person_world
from tests.teams.factories import lead_for

pytestmark = needs_chromium


def _invite_links(lead) -> tuple[str, str]:
    """A working invite link and one that has run out, for two more children."""
    waiting = ChildFactory(given_name="Jordan")
    lead_for(waiting, lead)
    _invite, token = young_person_invite_create(actor=lead, child=waiting)
    late = ChildFactory(given_name="Riley")
    lead_for(late, lead)
    old, old_token = young_person_invite_create(actor=lead, child=late)
    past = timezone.now() - datetime.timedelta(days=10)
    YoungPersonInvite.objects.filter(pk=old.pk).update(
        created_at=past, expires_at=past + datetime.timedelta(days=7)
    )
    return reverse("invites:accept", args=[token]), reverse("invites:accept", args=[old_token])


def _passport_held_by_a_carer(world) -> None:
    """A young child's passport kept by her foster carer: she sees who holds it, not a form."""
    carer = UserFactory(
        username=f"{world.young_person.username}.carer",
        display_name="Julie Hart",
        kind=User.Kind.PARENT_CARER,
    )
    foster_carer = FamilyMember.objects.create(
        child=world.child, name="Julie Hart", relationship=FamilyMember.Relationship.FOSTER_CARER
    )
    passport_create(actor=world.lead, child=world.child, owner=carer, owner_family_member=foster_carer)


def _young_person_pages(world, college) -> list[tuple[str, str]]:
    pages = [
        ("home", reverse("portal:home")),
        ("team", reverse("portal:team")),
        ("passport", reverse("portal:passport")),
        ("suggestions", reverse("portal:proposals")),
        ("suggestion", reverse("portal:proposal-decide", args=[world.proposal.public_id])),
        ("sharing", reverse("portal:sharing")),
        ("preview-choose", reverse("portal:preview")),
        ("preview", reverse("portal:preview") + f"?person={world.clinician.public_id}"),
        ("preview-organisation", reverse("portal:preview") + f"?organisation={college.public_id}"),
        ("what-has-happened", reverse("portal:chronology")),
        ("who-has-my-information", reverse("consent:my-information")),
        ("about-me", reverse("portal:about-me")),
        ("ask-for-help", reverse("portal:ask-for-help")),
        ("account", reverse("accounts:account")),
        ("notifications", reverse("notifications:list")),
    ]
    pages += [
        (f"part-{section.value}", reverse("portal:section", args=[section.value])) for section in Section
    ]
    return pages


# The live server's thread must see the test's data, so this test commits; serialized_rollback puts back
# what the data migrations seeded (organisation types, roles) after the flush that ends it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_young_person_page_has_no_wcag_22_aa_violations(live_server):
    world = young_person_world(username="kay")
    young_person_world(username="alex", lead_username="alex.lead", with_passport=False)
    sam = young_person_world(username="sam", lead_username="sam.lead", with_passport=False)
    _passport_held_by_a_carer(sam)
    # Something shared, so the sharing page shows its list, its stop buttons and "moving on".
    kay, passport = world.young_person, world.passport
    passport_share(actor=kay, passport=passport, sections=["about_me"], recipient_user=world.clinician)
    college = OrganisationFactory(name="Northbrook College")
    passport_share(actor=kay, passport=passport, sections=["my_goals"], recipient_organisation=college)
    invite_url, expired_url = _invite_links(world.lead)
    pages = _young_person_pages(world, college)
    # The service directory's "what to expect" page, which goes with acknowledgements (R141).
    counselling = service("Northbrook Counselling")
    pages.append(("what-to-expect", reverse("directory:what-to-expect", args=[counselling.public_id])))
    failures = {}

    def check(page, name: str, url: str) -> None:
        page.goto(live_server.url + url)
        page.wait_for_load_state()
        screenshot(page, name)
        violations = axe_violations(page)
        if violations:
            failures[f"{name} ({url})"] = describe(violations)

    # Everything in the database is set up above: no ORM calls inside Playwright's event loop.
    # bypass_csp: add_script_tag(path=...) injects axe-core as an inline <script>, which Beacon's
    # Content-Security-Policy rightly refuses. CSP is switched off for this axe context only; the other
    # browser tests run with it on, and pages never need inline script.
    with phone_browser(bypass_csp=True) as page:
        check(page, "sign-in", reverse("accounts:sign-in"))
        check(page, "parent-ask-for-help", reverse("front-door:ask"))
        check(page, "invite", invite_url)
        check(page, "invite-expired", expired_url)
        page.goto(live_server.url + invite_url)
        page.click("button:has-text('Make my account')")  # empty: the error summary
        page.wait_for_load_state()
        screenshot(page, "invite-errors")
        if violations := axe_violations(page):
            failures["invite with errors"] = describe(violations)

        browser_sign_in(page, live_server.url, "kay")
        for name, url in pages:
            check(page, name, url)
        page.goto(live_server.url + reverse("portal:section", args=["about_me"]))
        page.fill("textarea", "")
        page.click("button:has-text('Save')")
        page.wait_for_load_state()
        screenshot(page, "part-with-errors")
        if violations := axe_violations(page):
            failures["passport part with errors"] = describe(violations)

        page.goto(live_server.url + reverse("portal:easy-read") + "?next=" + reverse("portal:home"))
        for name, url in pages:
            check(page, f"easy-read-{name}", url)

    with phone_browser(bypass_csp=True) as page:
        browser_sign_in(page, live_server.url, "alex")
        check(page, "passport-start", reverse("portal:passport"))

    with phone_browser(bypass_csp=True) as page:
        browser_sign_in(page, live_server.url, "sam")
        check(page, "passport-held", reverse("portal:passport"))

    assert not failures, "axe-core found WCAG 2.2 AA violations:\n" + "\n".join(
        f"- {page}:\n    {problems}".replace("\n", "\n    ") for page, problems in failures.items()
    )


def test_the_axe_check_does_find_violations():
    """The harness is not silently passing: a page with an unlabelled input and an image without alt fails."""
    with phone_browser(bypass_csp=True) as page:
        page.set_content(
            '<!DOCTYPE html><html lang="en"><head><title>Broken</title></head><body><main>'
            '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><input type="text"></main></body></html>'
        )
        rules = {violation["id"] for violation in axe_violations(page)}
    assert {"image-alt", "label"} <= rules
