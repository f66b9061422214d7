"""One record per child, enforced (R2): the possible-match check on every route that makes a record.

The find page, the details page (whatever was searched before), the API's create and the service itself;
matched on the NHS number, the legal name, the preferred name as a first name, and first and last names
swapped; a record shared with the person needs their confirmation, one that is not is never a way round.
"""

import datetime

import pytest
from django.urls import reverse

from apps.children.models import Child, DifferentChildConfirmation
from apps.children.selectors import (
    SAME_NAME_AND_BIRTH,
    SAME_NHS_NUMBER,
    SAME_NHS_NUMBER_UNVERIFIED,
    SAME_PREFERRED_NAME_AND_BIRTH,
    SWAPPED_NAMES_AND_BIRTH,
    child_possible_matches,
)
from apps.children.services import DUPLICATE_NHS_NUMBER, PossibleDuplicate, child_create
from apps.children.verification import child_nhs_number_status_record
from apps.sharing.models import AccessGrant
from apps.sharing.services import child_access_grant
from tests.auth import sign_in
from tests.factories import ChildFactory, OrganisationFactory, ProfessionalFactory, nhs_number_from

pytestmark = pytest.mark.django_db

BORN = datetime.date(2012, 3, 27)
FIND = reverse("children:find")
CREATE = reverse("children:create")
API = "/api/v1/children/"


@pytest.fixture
def existing(lead_professional, social_care):
    """Samira "Sam" Okafor, born 27 March 2012, held by social care and shared with the lead professional."""
    record = ChildFactory(
        given_name="Samira",
        family_name="Okafor",
        preferred_name="Sam",
        date_of_birth=BORN,
        created_by_organisation=social_care,
    )
    child_access_grant(
        child=record, user=lead_professional, basis=AccessGrant.Basis.CREATOR, granted_by=lead_professional
    )
    return record


def _details(**overrides) -> dict:
    """The details page's form, for a child with a new, valid NHS number."""
    born = overrides.pop("date_of_birth", BORN)
    data = {
        "given_name": "Samira",
        "family_name": "Okafor",
        "preferred_name": "",
        "date_of_birth_0": str(born.day),
        "date_of_birth_1": str(born.month),
        "date_of_birth_2": str(born.year),
        "nhs_number": nhs_number_from(481_300),
        "deprivation_decile": "",
    }
    return {**data, **overrides}


# --- What matches -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "family", "preferred", "reason"),
    [
        ("  SAMIRA ", "okafor ", "", SAME_NAME_AND_BIRTH),
        ("Sam", "Okafor", "", SAME_PREFERRED_NAME_AND_BIRTH),
        ("Sammy", "Okafor", "Samira", SAME_PREFERRED_NAME_AND_BIRTH),
        ("Okafor", "Samira", "", SWAPPED_NAMES_AND_BIRTH),
    ],
    ids=["legal-name-trimmed-any-case", "preferred-name-as-first", "their-preferred-is-our-legal", "swapped"],
)
def test_a_record_matches_on_its_legal_or_preferred_name_or_swapped_names(
    lead_professional, existing, given, family, preferred, reason
):
    (match,) = child_possible_matches(
        user=lead_professional,
        given_name=given,
        family_name=family,
        preferred_name=preferred,
        date_of_birth=BORN,
    )
    assert match.child == existing
    assert match.reason == reason


def test_a_different_date_of_birth_is_not_a_match(lead_professional, existing):
    assert not child_possible_matches(
        user=lead_professional, given_name="Samira", family_name="Okafor", date_of_birth=BORN.replace(day=28)
    )


def test_an_unverified_nhs_number_matches_but_says_it_needs_checking(lead_professional, existing):
    (match,) = child_possible_matches(user=lead_professional, nhs_number=existing.nhs_number)
    assert match.reason == SAME_NHS_NUMBER_UNVERIFIED
    assert match.needs_checking
    child_nhs_number_status_record(
        actor=lead_professional, child=existing, status="verified", verified_on=datetime.date(2026, 1, 5)
    )
    (match,) = child_possible_matches(user=lead_professional, nhs_number=existing.nhs_number)
    assert match.reason == SAME_NHS_NUMBER
    assert not match.needs_checking


def test_a_merged_record_is_never_matched(lead_professional, existing):
    Child.objects.filter(pk=existing.pk).update(merged_into=ChildFactory(nhs_number=None))
    assert not child_possible_matches(user=lead_professional, nhs_number=existing.nhs_number)


# --- The find page ----------------------------------------------------------------------------------


def test_the_find_page_finds_a_swapped_name_shared_with_you(signed_in_client, existing):
    page = signed_in_client.post(
        FIND,
        {
            "given_name": "Okafor",
            "family_name": "Samira",
            "date_of_birth_0": "27",
            "date_of_birth_1": "3",
            "date_of_birth_2": "2012",
        },
    ).text

    assert "first and last names the other way round" in page
    assert reverse("children:detail", args=[existing.public_id]) in page


def test_the_find_page_says_an_unverified_number_needs_checking(signed_in_client, existing):
    page = signed_in_client.post(FIND, {"nhs_number": existing.nhs_number}).text

    assert "same NHS number, not yet verified" in page
    assert "has not been verified against the national register" in page


# --- The details page: the check runs again on what is saved ----------------------------------------------


def test_the_issue_s_route_a_new_nhs_number_then_an_existing_name_is_caught_on_the_details_page(
    signed_in_client, existing
):
    # The search was by a new, valid NHS number: nothing matched.
    signed_in_client.post(FIND, {"nhs_number": nhs_number_from(481_300)})
    before = Child.objects.count()

    page = signed_in_client.post(CREATE, _details()).text

    assert Child.objects.count() == before
    assert "This child may already have a record" in page
    assert reverse("children:detail", args=[existing.public_id]) in page
    assert "Is this a different child?" in page


def test_a_shared_match_is_saved_only_with_a_confirmation_and_a_reason(
    signed_in_client, existing, lead_professional
):
    signed_in_client.post(FIND, {"nhs_number": nhs_number_from(481_300)})
    before = Child.objects.count()

    no_reason = signed_in_client.post(
        CREATE, _details(confirm_different_child="on", different_child_reason="")
    )
    assert "Say how you know this is a different child" in no_reason.text
    unticked = signed_in_client.post(
        CREATE, _details(different_child_reason="Twin brother's NHS number differs")
    )
    assert "confirm that this is a different child" in unticked.text
    assert Child.objects.count() == before

    response = signed_in_client.post(
        CREATE,
        _details(confirm_different_child="on", different_child_reason="Different GP and different mother."),
    )

    child = Child.objects.get(nhs_number=nhs_number_from(481_300))
    assert response.url == reverse("children:detail", args=[child.public_id])
    confirmation = DifferentChildConfirmation.objects.get(child=child)
    assert confirmation.matched_child == existing
    assert confirmation.reason == "Different GP and different mother."
    assert confirmation.confirmed_by == lead_professional


def test_a_hidden_match_on_the_details_page_offers_ask_for_access_and_no_way_round(client, existing):
    outsider = ProfessionalFactory()
    sign_in(client, outsider)
    client.post(FIND, {"nhs_number": nhs_number_from(481_300)})
    before = Child.objects.count()

    for data in (_details(), _details(confirm_different_child="on", different_child_reason="Trust me.")):
        page = client.post(CREATE, data).text
        assert "A record may already exist for this child" in page
        assert reverse("children:ask-for-access") in page
        for detail in ("Sam ", str(existing.public_id), existing.nhs_number, "Synthetic Borough"):
            assert detail not in page
    assert Child.objects.count() == before
    # The details typed on this page are what "Ask for access" finds the record by.
    assert client.session["children:searched"]["given_name"] == "Samira"


def test_the_same_nhs_number_is_never_a_second_record_even_confirmed(signed_in_client, existing):
    signed_in_client.post(
        FIND,
        {
            "given_name": "Jo",
            "family_name": "Bloggs",
            "date_of_birth_0": "1",
            "date_of_birth_1": "1",
            "date_of_birth_2": "2015",
        },
    )
    before = Child.objects.count()

    page = signed_in_client.post(
        CREATE,
        _details(
            given_name="Jo",
            family_name="Bloggs",
            nhs_number=existing.nhs_number,
            confirm_different_child="on",
            different_child_reason="Sure.",
        ),
    ).text

    assert DUPLICATE_NHS_NUMBER in page
    assert Child.objects.count() == before


# --- The API ------------------------------------------------------------------------------------------


def _api_body(**overrides) -> dict:
    return {"given_name": "Samira", "family_name": "Okafor", "date_of_birth": BORN.isoformat(), **overrides}


def test_the_api_answers_409_with_the_shared_match_and_accepts_a_confirmation(
    api_client, lead_professional, existing
):
    api_client.force_authenticate(lead_professional)

    response = api_client.post(API, _api_body(preferred_name=""), format="json")

    assert response.status_code == 409
    body = response.json()
    assert body["errors"][0]["code"] == "possible_duplicate"
    assert body["hidden_match"] is False
    assert body["matches"] == [
        {
            "visible": True,
            "reason": SAME_NAME_AND_BIRTH,
            "needs_checking": False,
            "public_id": str(existing.public_id),
            "known_as": "Sam Okafor",
        }
    ]
    confirmed = api_client.post(
        API,
        _api_body(
            confirm_different_child=True, different_child_reason="Different parents, checked with school."
        ),
        format="json",
    )
    assert confirmed.status_code == 201
    assert DifferentChildConfirmation.objects.get(matched_child=existing).reason.startswith(
        "Different parents"
    )


def test_the_api_answers_409_for_a_hidden_match_naming_nothing_and_a_confirmation_changes_nothing(
    api_client, existing
):
    api_client.force_authenticate(ProfessionalFactory())
    before = Child.objects.count()

    for body in (
        _api_body(given_name="Okafor", family_name="Samira"),
        _api_body(confirm_different_child=True, different_child_reason="Sure."),
    ):
        response = api_client.post(API, body, format="json")
        assert response.status_code == 409
        assert response.json()["hidden_match"] is True
        assert all(
            set(match) == {"visible", "reason", "needs_checking", "next_step"}
            for match in response.json()["matches"]
        )
        assert str(existing.public_id) not in response.content.decode()
    assert Child.objects.count() == before


def test_the_api_create_counts_against_the_possible_match_allowance(api_client, lead_professional, settings):
    settings.BEACON_POSSIBLE_MATCH_RATE = "1/hour"
    api_client.force_authenticate(lead_professional)

    assert api_client.post(API, _api_body(given_name="Ann"), format="json").status_code == 201
    assert api_client.post(API, _api_body(given_name="Bea"), format="json").status_code == 429


# --- The service, for every other route (a data load) ---------------------------------------------------


def test_the_service_refuses_a_hidden_match_whoever_calls_it(existing):
    with pytest.raises(PossibleDuplicate) as refused:
        child_create(
            actor=ProfessionalFactory(organisation=OrganisationFactory()),
            given_name="Sam",
            family_name="Okafor",
            date_of_birth=BORN,
            different_child_reason="Certain.",
        )
    assert refused.value.hidden
    assert [match.child for match in refused.value.matches] == [None]
