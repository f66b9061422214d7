"""The young person's portal: their own things only, in plain words, with Easy Read."""

import pytest
from django.urls import reverse

from apps.passport.models import PassportProposal, PassportShare
from apps.passport.selectors import passport_sections_visible_to
from tests.auth import sign_in
from tests.factories import ChildFactory, YoungPersonUserFactory
from tests.portal.factories import young_person_world

pytestmark = pytest.mark.django_db

PORTAL_PAGES = [
    "portal:home",
    "portal:team",
    "portal:passport",
    "portal:proposals",
    "portal:sharing",
    "portal:preview",
]


@pytest.fixture
def world():
    return young_person_world()


@pytest.fixture
def kay(client, world):
    sign_in(client, world.young_person)
    return client


def test_home_shows_goals_team_passport_and_who_has_my_information(kay):
    page = kay.get(reverse("portal:home")).content.decode()

    assert "Hi Kay" in page
    assert "Go to college to study animal care." in page
    assert "Tomasz" in page  # the trusted worker, by first name
    assert "Hannah" in page  # the lead professional
    assert reverse("consent:my-information") in page
    assert "suggested 1 change" in page
    assert "0800 1111" in page  # 24-hour help (R149)


def test_who_is_working_with_me_uses_first_names_plain_roles_and_offers(kay):
    page = kay.get(reverse("portal:team")).content.decode()

    assert "Tomasz" in page
    assert "Dr Tomasz" not in page
    assert "Wieczorek" not in page
    assert "Brierley" not in page
    assert "Mental health worker (CAMHS)" in page
    assert "We talk every Thursday after school." in page
    assert "The worker you trust most" in page
    assert "Your lead professional" in page
    assert "Julie" in page
    assert "Foster carer" in page


def test_every_portal_page_opens_for_the_young_person(kay):
    for name in PORTAL_PAGES:
        assert kay.get(reverse(name)).status_code == 200, name
    assert kay.get(reverse("portal:section", args=["about_me"])).status_code == 200


@pytest.mark.parametrize("name", PORTAL_PAGES)
def test_professionals_cannot_open_portal_pages(client, world, name):
    sign_in(client, world.lead)
    assert client.get(reverse(name)).status_code == 403


def test_young_people_cannot_open_professional_pages(kay, world):
    assert kay.get(reverse("teams:team", args=[world.child.public_id])).status_code == 403
    assert kay.get(reverse("caseload:caseload")).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert reverse("accounts:sign-in") in response["Location"]


def test_a_young_person_without_a_linked_record_gets_a_404(client):
    sign_in(client, YoungPersonUserFactory(username="unlinked"))
    assert client.get(reverse("portal:home")).status_code == 404


def test_someone_elses_proposal_or_share_is_a_404_and_nothing_changes(kay, world):
    other = young_person_world(username="other", lead_username="other.lead")
    their_share = PassportShare.objects.create(
        passport=other.passport,
        section="about_me",
        recipient_user=other.lead,
        starts_at=other.passport.created_at,
        created_by=other.young_person,
    )

    assert kay.get(reverse("portal:proposal-decide", args=[other.proposal.public_id])).status_code == 404
    posted = kay.post(
        reverse("portal:proposal-decide", args=[other.proposal.public_id]), {"decision": "accept"}
    )
    assert posted.status_code == 404
    assert kay.post(reverse("portal:share-stop", args=[their_share.public_id])).status_code == 404
    other.proposal.refresh_from_db()
    their_share.refresh_from_db()
    assert other.proposal.status == PassportProposal.Status.PENDING
    assert their_share.revoked_at is None


def test_the_portal_never_takes_a_child_from_the_address(kay, world):
    other_child = ChildFactory()
    # No portal route has a child id in it: the page is Kay's whatever is appended.
    page = kay.get(reverse("portal:home") + f"?child={other_child.public_id}").content.decode()
    assert "Hi Kay" in page


def test_accepting_a_suggestion_makes_a_new_version(kay, world):
    url = reverse("portal:proposal-decide", args=[world.proposal.public_id])
    assert "Do you want to use" in kay.get(url).content.decode()

    response = kay.post(url, {"decision": "accept"})

    assert response.status_code == 302
    world.proposal.refresh_from_db()
    assert world.proposal.status == PassportProposal.Status.ACCEPTED
    page = kay.get(reverse("portal:passport")).content.decode()
    assert "Texting before a visit helps me." in page


def test_saying_no_keeps_the_words(kay, world):
    url = reverse("portal:proposal-decide", args=[world.proposal.public_id])
    kay.post(url, {"decision": "reject", "note": "I want to write it myself"})

    world.proposal.refresh_from_db()
    assert world.proposal.status == PassportProposal.Status.REJECTED
    assert "Texting before a visit" not in kay.get(reverse("portal:passport")).content.decode()


def test_no_answer_to_a_suggestion_asks_for_one(kay, world):
    response = kay.post(reverse("portal:proposal-decide", args=[world.proposal.public_id]), {})
    assert "Choose yes or no" in response.content.decode()


def test_writing_a_section_keeps_the_earlier_version(kay, world):
    url = reverse("portal:section", args=["about_me"])
    kay.post(url, {"text": "I am Kay. I love dogs and guitar."})

    page = kay.get(url).content.decode()
    assert "I am Kay. I love dogs and guitar." in page
    assert "What this part said before (1)" in page
    assert "I am Kay. I like animals." in page


def test_an_unknown_section_is_a_404(kay):
    assert kay.get(reverse("portal:section", args=["not_a_section"])).status_code == 404


def test_sharing_a_section_and_stopping_it(kay, world):
    response = kay.post(
        reverse("portal:sharing"),
        {"recipient": str(world.clinician.public_id), "sections": ["about_me", "my_goals"]},
    )
    assert response.status_code == 302
    visible = passport_sections_visible_to(viewer=world.clinician, passport=world.passport)
    assert set(visible) == {"about_me", "my_goals"}

    preview = kay.get(reverse("portal:preview") + f"?person={world.clinician.public_id}").content.decode()
    assert "I am Kay. I like animals." in preview
    assert "Hidden" in preview

    share = PassportShare.objects.get(section="about_me", revoked_at__isnull=True)
    kay.post(reverse("portal:share-stop", args=[share.public_id]))
    assert set(passport_sections_visible_to(viewer=world.clinician, passport=world.passport)) == {"my_goals"}


def test_sharing_with_an_end_date_in_the_past_is_refused(kay, world):
    response = kay.post(
        reverse("portal:sharing"),
        {
            "recipient": str(world.clinician.public_id),
            "sections": ["about_me"],
            "ends_on_0": "1",
            "ends_on_1": "1",
            "ends_on_2": "2020",
        },
    )
    assert response.status_code == 200
    assert "The end date is in the past" in response.content.decode()
    assert not PassportShare.objects.filter(passport=world.passport).exists()


def test_sharing_with_nobody_chosen_says_what_to_do(kay, world):
    response = kay.post(reverse("portal:sharing"), {"sections": ["about_me"]})
    assert "Choose who you want to share with" in response.content.decode()
    assert not PassportShare.objects.exists()


def test_easy_read_is_remembered_for_the_visit_and_can_be_switched_back(kay):
    response = kay.get(reverse("portal:easy-read") + "?next=" + reverse("portal:passport"))
    assert response["Location"] == reverse("portal:passport")

    page = kay.get(reverse("portal:passport")).content.decode()
    assert "This is your story." in page
    assert "beacon-easy-read" in page
    assert "This is your story." not in kay.get(reverse("portal:team")).content.decode()  # team: own words
    assert "These people help you." in kay.get(reverse("portal:team")).content.decode()

    kay.get(reverse("portal:standard"))
    assert "This is your story." not in kay.get(reverse("portal:passport")).content.decode()


def test_easy_read_starts_on_when_the_record_says_they_prefer_it(kay, world):
    world.child.prefers_easy_read = True
    world.child.save(update_fields=["prefers_easy_read"])
    assert "This is your page." in kay.get(reverse("portal:home")).content.decode()


def test_the_format_switch_never_sends_people_to_another_site(kay):
    response = kay.get(reverse("portal:easy-read") + "?next=https://example.com/")
    assert response["Location"] == reverse("portal:home")


def test_beacon_in_the_header_takes_young_people_home(kay):
    assert kay.get("/")["Location"] == reverse("portal:home")


def test_who_has_my_information_is_in_the_portal_with_easy_read(kay):
    standard = kay.get(reverse("consent:my-information")).content.decode()
    assert "You decide who sees what about you." in standard
    assert reverse("portal:easy-read") in standard

    kay.get(reverse("portal:easy-read"))
    easy = kay.get(reverse("consent:my-information")).content.decode()
    assert "You choose who can see things about you." in easy


def test_suggestions_and_the_preview_have_easy_read_words(kay, world):
    kay.get(reverse("portal:easy-read"))

    assert "You say yes or no." in kay.get(reverse("portal:proposals")).content.decode()
    preview = kay.get(reverse("portal:preview") + f"?person={world.clinician.public_id}").content.decode()
    assert "They cannot see this." in preview


def test_the_team_page_query_count_does_not_grow_with_the_team(kay, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import ProfessionalFactory
    from tests.teams.factories import professional_joins

    with CaptureQueriesContext(connection) as before:
        kay.get(reverse("portal:team"))
    for _ in range(3):
        professional_joins(world.child, ProfessionalFactory(), actor=world.lead)
    with CaptureQueriesContext(connection) as after:
        page = kay.get(reverse("portal:team")).content.decode()

    assert page.count('class="govuk-summary-card__title"') == 6
    assert len(after) == len(before)


def test_moving_on_shares_what_is_already_shared_with_the_new_team_in_one_step(kay, world):
    from apps.passport.selectors import passport_sections_shared_with_organisation
    from tests.factories import OrganisationFactory

    kay.post(
        reverse("portal:sharing"), {"recipient": str(world.clinician.public_id), "sections": ["my_goals"]}
    )
    adult_services = OrganisationFactory(name="Northbrook Adult Mental Health")

    response = kay.post(reverse("portal:new-team"), {"new_team-organisation": str(adult_services.public_id)})

    assert response.status_code == 302
    shared = passport_sections_shared_with_organisation(passport=world.passport, organisation=adult_services)
    assert set(shared) == {"my_goals"}


def test_moving_on_without_choosing_where_changes_nothing(kay, world):
    kay.post(reverse("portal:new-team"), {"new_team-organisation": ""})
    assert not PassportShare.objects.filter(recipient_organisation__isnull=False).exists()


def test_home_lists_my_coming_appointments_in_my_words_and_not_the_past_or_called_off(kay, world):
    import datetime

    from django.utils import timezone

    from apps.appointments.services import appointment_book, appointment_outcome_record

    professional = world.lead

    def book(days, location, detail="", purpose="Catch-up"):
        return appointment_book(
            actor=professional,
            child=world.child,
            professional=professional,
            purpose=purpose,
            starts_at=timezone.now() + datetime.timedelta(days=days),
            location=location,
            location_detail=detail,
            # Kay's team works around her therapist (R20): the lead, a supporting member, gives a reason.
            direct_contact_acknowledged=True,
            direct_contact_reason="Catch-ups with the lead while the therapist is on leave",
        )

    book(3, "youth_club", "Northbrook Youth Hub")
    book(-2, "clinic", purpose="Past session")
    called_off = book(5, "clinic", purpose="Called off")
    appointment_outcome_record(actor=professional, appointment=called_off, outcome="cancelled_by_service")

    page = kay.get(reverse("portal:home")).content.decode()

    assert "My appointments" in page
    assert "At the youth club: Northbrook Youth Hub, with Hannah" in page
    assert "At the clinic" not in page  # The past one and the called-off one are not listed.
    assert "Catch-up" not in page  # What it is for is the professionals' wording.


def test_home_says_plainly_when_nothing_is_booked(kay):
    page = kay.get(reverse("portal:home")).content.decode()

    assert "You have no appointments booked." in page
