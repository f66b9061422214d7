"""The professional's passport pages: what is shared is shown, what is not is named only; suggest; print."""

import pytest
from django.urls import reverse

from apps.passport.models import Passport, PassportProposal, PassportRead
from apps.passport.services import (
    passport_change_propose,
    passport_section_write,
    passport_share,
    passport_share_revoke,
)
from tests.auth import sign_in
from tests.factories import OrganisationFactory, ProfessionalFactory, share_with

pytestmark = pytest.mark.django_db

STORY = "MARKER-STORY: I moved here from Leeds when I was nine."
GOALS = "MARKER-GOALS: I want to go to college and study art."


@pytest.fixture
def written(passport, young_person):
    passport_section_write(actor=young_person, passport=passport, section="my_story", text=STORY)
    passport_section_write(actor=young_person, passport=passport, section="my_goals", text=GOALS)
    return passport


def _page(client, user, child, name="passport:child-passport", **kwargs):
    client.logout()
    sign_in(client, user)
    return client.get(reverse(name, kwargs={"public_id": child.public_id, **kwargs}))


def test_the_page_shows_shared_sections_and_names_the_rest_not_shared(
    written, young_person, clinician, client
):
    passport_share(actor=young_person, passport=written, sections=["my_goals"], recipient_user=clinician)
    response = _page(client, clinician, written.child)
    page = response.content.decode()
    assert response.status_code == 200
    assert GOALS in page
    assert STORY not in page
    assert page.count("Not shared with you") == 9
    assert PassportRead.objects.filter(viewer=clinician, sections=["my_goals"]).exists()


def test_straight_after_a_revoke_the_page_no_longer_shows_it(written, young_person, clinician, client):
    [share] = passport_share(
        actor=young_person, passport=written, sections=["my_story"], recipient_user=clinician
    )
    assert STORY in _page(client, clinician, written.child).content.decode()
    passport_share_revoke(actor=young_person, share=share)
    page = _page(client, clinician, written.child).content.decode()
    assert STORY not in page
    assert "has not shared any part of their passport with you" in page


def test_consent_to_the_whole_record_shows_no_passport_text(written, clinician, lead_on_team, client):
    share_with(written.child, clinician, "core", "team", "plans", "assessments", actor=lead_on_team)
    page = _page(client, clinician, written.child).content.decode()
    assert STORY not in page
    assert GOALS not in page
    assert "Consent to see" in page


def test_an_organisation_share_lets_a_new_team_find_and_read_it(written, young_person, client):
    new_school = OrganisationFactory(name="Synthetic Sixth Form")
    teacher = ProfessionalFactory(organisation=new_school)
    passport_share(
        actor=young_person, passport=written, sections=["my_goals"], recipient_organisation=new_school
    )
    sign_in(client, teacher)
    listing = client.get(reverse("passport:shared-with-me")).content.decode()
    assert written.child.known_as in listing
    assert "my goals" in listing
    page = _page(client, teacher, written.child).content.decode()
    assert GOALS in page
    # The passport, not the case record: the child's record stays closed to them.
    assert client.get(reverse("children:detail", args=[written.child.public_id])).status_code == 404


def test_an_outsider_gets_404_and_the_shared_list_is_empty(written, outsider, client):
    assert _page(client, outsider, written.child).status_code == 404
    assert written.child.known_as not in client.get(reverse("passport:shared-with-me")).content.decode()


def test_a_young_person_cannot_use_the_professional_pages(written, young_person, client):
    assert _page(client, young_person, written.child).status_code == 403


def test_a_team_member_suggests_a_change_and_the_section_is_unchanged(
    written, young_person, clinician, client
):
    passport_share(actor=young_person, passport=written, sections=["my_goals"], recipient_user=clinician)
    form_page = _page(client, clinician, written.child, "passport:proposal-create", section="my_goals")
    assert GOALS in form_page.content.decode()  # the current words, to start from
    url = reverse("passport:proposal-create", args=[written.child.public_id, "my_goals"])
    response = client.post(url, {"text": "I want to study art at college.", "reason": "We talked on Tuesday"})
    assert response.status_code == 302
    proposal = PassportProposal.objects.get()
    assert (proposal.proposed_by, proposal.status, proposal.section) == (clinician, "pending", "my_goals")
    page = _page(client, clinician, written.child).content.decode()
    assert GOALS in page
    assert "Waiting for" in page


def test_suggesting_for_an_unshared_section_does_not_reveal_it(written, clinician, client):
    page = _page(
        client, clinician, written.child, "passport:proposal-create", section="my_story"
    ).content.decode()
    assert STORY not in page
    assert "does not share this part with you" in page


def test_a_suggestion_without_a_reason_says_what_to_fix(written, clinician, client):
    sign_in(client, clinician)
    url = reverse("passport:proposal-create", args=[written.child.public_id, "my_goals"])
    response = client.post(url, {"text": "I want to study art.", "reason": ""})
    assert response.status_code == 200
    assert "Say why you suggest this change" in response.content.decode()
    assert not PassportProposal.objects.exists()


def test_an_unknown_section_is_404(written, clinician, client):
    assert (
        _page(client, clinician, written.child, "passport:proposal-create", section="bank").status_code == 404
    )


def test_the_proposer_withdraws_their_suggestion(written, clinician, client):
    proposal = passport_change_propose(
        actor=clinician, passport=written, section="about_me", text="I am Sam.", reason="From our chat"
    )
    sign_in(client, clinician)
    client.post(reverse("passport:proposal-withdraw", args=[written.child.public_id, proposal.public_id]))
    proposal.refresh_from_db()
    assert proposal.status == "withdrawn"


def test_someone_else_cannot_withdraw_a_suggestion(written, clinician, lead_on_team, client):
    proposal = passport_change_propose(
        actor=clinician, passport=written, section="about_me", text="I am Sam.", reason="From our chat"
    )
    sign_in(client, lead_on_team)
    url = reverse("passport:proposal-withdraw", args=[written.child.public_id, proposal.public_id])
    assert client.post(url).status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == "pending"


def test_the_print_view_has_only_shared_sections_and_logs_a_printed_read(
    written, young_person, clinician, client
):
    passport_share(actor=young_person, passport=written, sections=["my_goals"], recipient_user=clinician)
    response = _page(client, clinician, written.child, "passport:passport-print")
    page = response.content.decode()
    assert response.status_code == 200
    assert GOALS in page
    assert STORY not in page
    assert "js/print.mjs" in page
    assert "style=" not in page  # CSP: no inline style
    assert PassportRead.objects.get(viewer=clinician).printed


def test_a_team_member_starts_the_passport_with_the_young_person(child, young_person, lead_on_team, client):
    page = _page(client, lead_on_team, child).content.decode()
    assert "does not have a passport yet" in page
    client.post(reverse("passport:passport-start", args=[child.public_id]))
    passport = Passport.objects.get(child=child)
    assert passport.owner == young_person


def test_starting_without_an_account_explains_and_creates_nothing(child, lead_on_team, client):
    page = _page(client, lead_on_team, child).content.decode()
    assert "needs a Beacon account" in page
    response = client.post(reverse("passport:passport-start", args=[child.public_id]), follow=True)
    assert "no Beacon account yet" in response.content.decode()
    assert not Passport.objects.exists()


def test_the_child_page_links_to_the_passport(child, lead_on_team, client):
    sign_in(client, lead_on_team)
    page = client.get(reverse("children:detail", args=[child.public_id])).content.decode()
    assert reverse("passport:child-passport", args=[child.public_id]) in page
