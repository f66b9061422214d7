"""Leaks around the access decision, each closed with the test that would have caught it (issue 11)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.consent.models import Consent
from apps.consent.services import consent_record
from tests.auth import sign_in
from tests.factories import ChildFactory, ProfessionalFactory
from tests.teams.factories import lead_for, professional_joins

pytestmark = pytest.mark.django_db

PURPOSE = "MARKER-PURPOSE: his cannabis use and the county lines safety plan"
EVIDENCE = "MARKER-EVIDENCE: told the youth worker about the exploitation"


@pytest.fixture
def kay():
    return ChildFactory(date_of_birth=timezone.localdate() - datetime.timedelta(days=365 * 17))


@pytest.fixture
def lead(kay):
    person = ProfessionalFactory(username="lead.leaks")
    lead_for(kay, person)
    return person


@pytest.fixture
def youth_worker(kay, lead):
    """Holds the sensitive consent: may see substance misuse."""
    person = ProfessionalFactory(username="youth.worker")
    professional_joins(kay, person, actor=lead)
    consent_record(
        actor=lead,
        child=kay,
        grantor=Consent.Grantor.YOUNG_PERSON,
        categories=["core", "substance_misuse", "gang_involvement"],
        recipient_kind=Consent.RecipientKind.PERSON,
        recipient_user=person,
        purpose=PURPOSE,
        valid_from=timezone.localdate(),
        form=Consent.Form.WRITTEN,
        evidence=EVIDENCE,
    )
    return person


def test_the_consent_register_shows_a_sensitive_consents_purpose_only_to_those_who_may_see_it(
    client, kay, lead, youth_worker
):
    register = reverse("consent:child-consent", args=[kay.public_id])
    sign_in(client, lead)  # The lead sees the core record and coordinates, but not substance misuse.
    page = client.get(register).text
    assert PURPOSE not in page
    assert EVIDENCE not in page
    assert "it describes a sensitive kind of information you may not see" in page

    sign_in(client, youth_worker)
    page = client.get(register).text
    assert PURPOSE in page
    assert EVIDENCE in page


def test_the_consents_api_empties_a_sensitive_consents_text_for_those_who_may_not_see_it(
    kay, lead, youth_worker
):
    api = APIClient()
    api.force_authenticate(lead)
    body = api.get(f"/api/v1/children/{kay.public_id}/consents/").json()
    (consent,) = body["results"]
    assert consent["detail_withheld"] is True
    assert (consent["purpose"], consent["evidence"], consent["withdrawn_reason"]) == ("", "", "")
    assert PURPOSE not in str(body)

    api.force_authenticate(youth_worker)
    (consent,) = api.get(f"/api/v1/children/{kay.public_id}/consents/").json()["results"]
    assert consent["detail_withheld"] is False
    assert consent["purpose"] == PURPOSE
