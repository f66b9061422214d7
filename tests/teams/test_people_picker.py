"""The people picker is a search, not a select of every professional in Beacon (issue 14): the search is for
signed-in professionals, finds only people in scope, shows at most a page, is recorded, and the team's
"Add someone" page works without JavaScript (search, then choose) while refusing anyone out of scope.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import OrganisationMembership
from apps.accounts.selectors import PROFESSIONAL_SEARCH_PAGE
from apps.audit.models import AuditEvent
from apps.teams.models import TeamMembership
from tests.auth import sign_in
from tests.factories import OrganisationFactory, ProfessionalFactory, YoungPersonUserFactory
from tests.teams.factories import lead_for

pytestmark = pytest.mark.django_db

SEARCH = reverse("accounts:professional-search")


def _started(today: datetime.date) -> dict:
    return {"started_on_0": str(today.day), "started_on_1": str(today.month), "started_on_2": str(today.year)}


@pytest.fixture
def lead_membership(lead_professional, child):
    return lead_for(child, lead_professional).membership


def test_the_search_is_for_signed_in_professionals_only(client):
    assert client.get(SEARCH, {"q": "Nia"}).status_code == 302
    sign_in(client, YoungPersonUserFactory())
    assert client.get(SEARCH, {"q": "Nia"}).status_code == 403


def test_the_search_finds_by_name_job_title_or_organisation_and_is_recorded(client, lead_professional):
    school = OrganisationFactory(name="Synthetic Hillside Academy")
    nia = ProfessionalFactory(display_name="Nia Newcomer", organisation=school)
    OrganisationMembership.objects.filter(user=nia).update(job_title="Pastoral lead")
    ProfessionalFactory(display_name="Olu Other")
    sign_in(client, lead_professional)

    for query in ("newcomer", "pastoral", "hillside"):
        page = client.get(SEARCH, {"q": query}).content.decode()
        assert str(nia.public_id) in page, query
        assert "Olu Other" not in page, query
        assert "Nia Newcomer (Pastoral lead, Synthetic Hillside Academy)" in page

    searches = AuditEvent.objects.filter(actor=lead_professional, action=AuditEvent.Action.SEARCH)
    assert searches.count() == 3
    assert str(nia.public_id) in searches.first().detail["shown"]


def test_the_search_is_scoped_to_people_working_today(client, lead_professional):
    gone = ProfessionalFactory(display_name="Nia Left")
    OrganisationMembership.objects.filter(user=gone).update(ended_on=datetime.date(2025, 1, 1))
    inactive = ProfessionalFactory(display_name="Nia Inactive")
    inactive.is_active = False
    inactive.save()
    YoungPersonUserFactory(display_name="Nia Young")
    sign_in(client, lead_professional)

    page = client.get(SEARCH, {"q": "Nia"}).content.decode()

    assert "No one matches" in page
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SEARCH).exists()


def test_a_letter_finds_no_one_and_many_matches_come_a_page_at_a_time(client, lead_professional):
    for number in range(PROFESSIONAL_SEARCH_PAGE + 3):
        ProfessionalFactory(display_name=f"Nia Number {number:02d}")
    sign_in(client, lead_professional)

    assert 'name="user"' not in client.get(SEARCH, {"q": "N"}).content.decode()
    first = client.get(SEARCH, {"q": "Nia"}).content.decode()
    second = client.get(SEARCH, {"q": "Nia", "page": "2"}).content.decode()

    assert first.count('name="user"') == PROFESSIONAL_SEARCH_PAGE
    assert "show the next" in first
    assert second.count('name="user"') == 3
    assert "show the next" not in second
    assert "Nia Number 00" in first
    assert "Nia Number 12" in second


def test_the_add_page_offers_a_search_not_everyone(client, lead_professional, child, lead_membership):
    ProfessionalFactory(display_name="Nia Newcomer")
    sign_in(client, lead_professional)

    page = client.get(reverse("teams:member-add", args=[child.public_id])).content.decode()

    assert 'name="professional_query"' in page
    assert f'hx-get="{SEARCH}"' in page
    assert "Nia Newcomer" not in page  # Nobody is listed before a search.


def test_without_javascript_search_then_choose_keeps_the_typing(
    client, lead_professional, child, lead_membership
):
    nia = ProfessionalFactory(display_name="Nia Newcomer")
    url = reverse("teams:member-add", args=[child.public_id])
    sign_in(client, lead_professional)
    typed = {
        "kind": "professional",
        "professional_query": "newcomer",
        "offering": "Mentoring at school",
        **_started(timezone.localdate()),
    }

    searched = client.post(url, {**typed, "find_professional": "Search"})

    assert searched.status_code == 200
    page = searched.content.decode()
    assert f'value="{nia.public_id}"' in page
    assert "Mentoring at school" in page
    assert "govuk-error-summary" not in page
    assert not TeamMembership.objects.filter(user=nia).exists()

    chosen = client.post(url, {**typed, "user": str(nia.public_id), "add": "Add to the team"})

    assert chosen.status_code == 302
    assert TeamMembership.objects.current().get(child=child, user=nia).offering == "Mentoring at school"


def test_a_person_out_of_scope_is_refused_whatever_the_page_showed(
    client, lead_professional, child, lead_membership
):
    gone = ProfessionalFactory(display_name="Nia Left")
    OrganisationMembership.objects.filter(user=gone).update(ended_on=datetime.date(2025, 1, 1))
    url = reverse("teams:member-add", args=[child.public_id])
    sign_in(client, lead_professional)

    for person in (gone, lead_professional):  # Left their organisation; already in the team.
        response = client.post(
            url, {"kind": "professional", "user": str(person.public_id), **_started(timezone.localdate())}
        )
        assert response.status_code == 200
        assert "Choose a professional from the search results" in response.content.decode()
    assert not TeamMembership.objects.filter(user=gone).exists()
    assert TeamMembership.objects.filter(child=child, user=lead_professional).count() == 1
