"""The service directory (R49, R141): professionals search it; anyone signed in reads "what to expect"."""

import pytest
from django.urls import reverse

from apps.directory.selectors import service_search
from tests.auth import sign_in
from tests.directory.factories import service
from tests.factories import ChildFactory, ProfessionalFactory, YoungPersonUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def services():
    return {
        "camhs": service(
            "Northbrook CAMHS", kind="statutory", min_age=0, max_age=18, typical_wait="12 weeks"
        ),
        "kooth": service("Online Chat", kind="online", takes_self_referral=True, min_age=11, max_age=25),
        "peer": service(
            "Peer Group",
            kind="peer",
            takes_self_referral=True,
            takes_parent_referral=True,
            takes_professional_referral=False,
            min_age=13,
            max_age=17,
        ),
        "retired": service("Closed Service", is_active=False),
    }


def test_search_filters_by_kind_age_route_and_words(services):
    assert set(service_search(kind="online")) == {services["kooth"]}
    assert set(service_search(age=5)) == {services["camhs"]}
    assert set(service_search(route_in="parent")) == {services["peer"]}
    assert set(service_search(route_in="self", age=20)) == {services["kooth"]}
    assert set(service_search(text="peer")) == {services["peer"]}
    # Taken out of the directory: found by nothing.
    assert services["retired"] not in service_search()


def test_professional_browses_and_filters_the_directory(client, services):
    sign_in(client, ProfessionalFactory())
    page = client.get(reverse("directory:list"), {"kind": "peer", "age": "14"}).content.decode()
    assert "Peer Group" in page
    assert "Online Chat" not in page
    assert "Closed Service" not in page

    bad = client.get(reverse("directory:list"), {"age": "40"})
    assert "Enter an age from 0 to 25." in bad.content.decode()


def test_young_person_reads_what_to_expect_but_not_the_professionals_directory(client, services):
    young_person = YoungPersonUserFactory()
    ChildFactory(account=young_person)
    sign_in(client, young_person)

    page = client.get(reverse("directory:what-to-expect", args=[services["kooth"].public_id]))
    assert page.status_code == 200
    assert "MARKER-EXPECT: you meet a counsellor." in page.content.decode()
    assert "0800 1111" in page.content.decode()  # crisis help on every what-to-expect page

    assert client.get(reverse("directory:list")).status_code == 403
    assert client.get(reverse("directory:detail", args=[services["kooth"].public_id])).status_code == 403
    retired = client.get(reverse("directory:what-to-expect", args=[services["retired"].public_id]))
    assert retired.status_code == 404


def test_what_to_expect_needs_a_sign_in(client, services):
    response = client.get(reverse("directory:what-to-expect", args=[services["kooth"].public_id]))
    assert response.status_code == 302


def test_api_lists_and_filters_without_exposing_ids(api_client, services):
    sign_in(api_client, ProfessionalFactory())
    body = api_client.get("/api/v1/directory/", {"route_in": "self"}).json()
    names = {row["name"] for row in body["results"]}
    assert names == {"Online Chat", "Peer Group"}
    assert all("id" not in row for row in body["results"])

    one = api_client.get(f"/api/v1/directory/{services['peer'].public_id}/").json()
    assert one["routes_in"] == [
        "The young person can ask themselves",
        "A parent or carer can ask",
    ]
    assert api_client.get("/api/v1/directory/not-a-uuid/").status_code == 404
    assert api_client.get(f"/api/v1/directory/{services['retired'].public_id}/").status_code == 404
