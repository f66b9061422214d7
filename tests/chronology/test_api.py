"""The chronology over the API: paged, filtered in the query, withheld entries in their own shape, a
parent or carer's view, and adding a significant event with clear 400s."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.audit.models import AuditEvent
from apps.chronology.models import SignificantEvent
from tests.chronology.factories import CHRONOLOGY_EVENT, SENSITIVE_EVENT
from tests.factories import ProfessionalFactory

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _url(world) -> str:
    return f"/api/v1/children/{world.child.public_id}/chronology/"


def test_the_chronology_is_paged_with_the_projects_pagination(world):
    client = _client(world.lead)

    first = client.get(_url(world), {"page_size": 5}).json()
    second = client.get(_url(world), {"page_size": 5, "page": 2}).json()

    assert first["count"] == 21
    assert len(first["results"]) == 5
    assert first["next"]
    assert first["results"][0]["date"] >= second["results"][0]["date"]
    assert {entry["summary"] for entry in first["results"]}.isdisjoint(
        {entry["summary"] for entry in second["results"]}
    )


def test_a_withheld_entry_says_only_that_it_is_withheld_its_category_and_why(world):
    body = _client(world.clinician).get(_url(world), {"page_size": 100}).json()

    withheld = [entry for entry in body["results"] if entry["withheld"]]
    assert len(withheld) == 5
    for entry in withheld:
        assert set(entry) == {"date", "withheld", "category", "reason"}
        assert entry["reason"]
    shown = next(entry for entry in body["results"] if entry["kind"] == "referral_decided")
    assert shown["agency"]["name"] == "Chronology CAMHS"
    assert shown["record_id"] == str(world.referral.public_id)
    assert CHRONOLOGY_EVENT not in str(body)


def test_filters_are_query_parameters(world):
    client = _client(world.lead)
    camhs = world.clinician.primary_membership().organisation
    thirty_days_ago = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()

    kinds = client.get(_url(world), {"kind": ["appointment_missed", "missed_appointment_follow_up"]}).json()
    agency = client.get(_url(world), {"agency": str(camhs.public_id)}).json()
    period = client.get(_url(world), {"since": thirty_days_ago, "until": thirty_days_ago}).json()

    assert sorted(entry["kind"] for entry in kinds["results"]) == [
        "appointment_missed",
        "missed_appointment_follow_up",
    ]
    assert {entry["agency"]["name"] for entry in agency["results"]} == {"Chronology CAMHS"}
    assert [entry["summary"] for entry in period["results"]] == [
        f"{CHRONOLOGY_EVENT} (recorded by Lena Lead)"
    ]


@pytest.mark.parametrize(
    ("params", "attr", "message"),
    [
        ({"agency": "not-a-uuid"}, "agency", "Enter the organisation's id"),
        ({"agency": "3f2b8c1e-7a4d-4f4e-9c1a-2b6d8e0f1a2b"}, "agency", "There is no organisation"),
        ({"kind": "gossip"}, "kind", "not a valid choice"),
        ({"since": "2026-03-01", "until": "2026-02-01"}, "until", "must be on or after"),
        ({"since": "1066-10-14"}, "since", "from 1900 to 2100"),
        ({"until": "9999-12-31"}, "until", "from 1900 to 2100"),
    ],
)
def test_a_filter_that_cannot_be_used_is_a_400_naming_it(world, params, attr, message):
    response = _client(world.lead).get(_url(world), params)

    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["attr"] == attr
    assert message in error["detail"]


def test_each_read_is_audited(world):
    _client(world.clinician).get(_url(world))

    audit = AuditEvent.objects.filter(actor=world.clinician, action="view").latest("pk")
    assert audit.detail["read"] == "chronology"
    assert audit.interface == "api"


def test_someone_the_child_is_not_shared_with_gets_404(world):
    assert _client(ProfessionalFactory()).get(_url(world)).status_code == 404


def test_a_parent_or_carer_reads_it_without_any_sensitive_entry_or_the_consent_register(world, carer):
    body = _client(carer).get(_url(world), {"page_size": 100}).json()

    assert body["count"] == len(body["results"]) == 16
    assert "sexual_health" not in str(body)
    assert SENSITIVE_EVENT not in str(body)
    assert not {"consent_given", "override_opened"} & {entry.get("kind") for entry in body["results"]}


def test_a_young_person_uses_the_portal_not_this_endpoint(world):
    assert _client(world.young_person).get(_url(world)).status_code == 403


# --- Adding a significant event --------------------------------------------------------------------------


def _event(world, **fields) -> dict:
    return {
        "occurred_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "what_happened": "Arrested after a fight in town; released without charge.",
        "source_organisation": str(world.lead.primary_membership().organisation.public_id),
        **fields,
    }


def test_the_lead_adds_a_significant_event(world):
    response = _client(world.lead).post(
        _url(world),
        _event(world, not_for_young_person=True, not_for_young_person_reason="She will hear it from me"),
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["category"] == "chronology"
    assert body["not_for_young_person_reason"] == "She will hear it from me"
    assert body["source_organisation"]["name"] == "Chronology Borough Council"
    assert SignificantEvent.objects.filter(public_id=body["public_id"]).exists()


@pytest.mark.parametrize(
    ("fields", "attr", "message"),
    [
        ({"occurred_on": "2999-01-01"}, "occurred_on", "must be today or in the past"),
        ({"occurred_on": "2001-01-01"}, "occurred_on", "date of birth"),
        ({"category": "gossip"}, "category", "not a valid choice"),
        ({"not_for_young_person": True}, "not_for_young_person_reason", "Say why"),
        ({"what_happened": ""}, "what_happened", "Say what happened"),
        ({"source_organisation": "nope"}, "source_organisation", "Enter the organisation's id"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_saves_nothing(world, fields, attr, message):
    before = SignificantEvent.objects.count()

    response = _client(world.lead).post(_url(world), _event(world, **fields), format="json")

    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["attr"] == attr
    assert message in error["detail"]
    assert SignificantEvent.objects.count() == before


def test_someone_who_may_only_read_the_record_gets_403_and_a_parent_too(world, carer):
    assert _client(world.clinician).post(_url(world), _event(world), format="json").status_code == 403
    assert _client(carer).post(_url(world), _event(world), format="json").status_code == 403
    assert SignificantEvent.objects.count() == 3
