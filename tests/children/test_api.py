"""The children's records over the REST API: who may see and change them, the error shape, the audit."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.children.models import (
    Child,
    ChildIdentifier,
    FamilyMember,
    SocialWorkInvolvement,
    VulnerabilityFlag,
)
from apps.children.selectors import HIDDEN_MATCH_NEXT_STEP
from apps.sharing.models import AccessGrant
from apps.sharing.services import child_access_grant
from tests.factories import (
    ChildFactory,
    ChildIdentifierFactory,
    FamilyMemberFactory,
    OrganisationFactory,
    SocialWorkInvolvementFactory,
    YoungPersonUserFactory,
    nhs_number_from,
    vulnerability_type,
)

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/children/"
MATCHES_URL = "/api/v1/children/possible-matches/"
VALID_NHS_NUMBER = nhs_number_from(480_808)


def detail_url(child_or_id) -> str:
    public_id = getattr(child_or_id, "public_id", child_or_id)
    return f"/api/v1/children/{public_id}/"


def _new_child(**overrides) -> dict:
    return {"given_name": "Jay", "family_name": "Mensah", "date_of_birth": "2011-05-01", **overrides}


def _error_attrs(response) -> list[str]:
    return [error["attr"] for error in response.json()["errors"]]


def _share(child, user, *, can_change=True):
    child_access_grant(
        child=child,
        user=user,
        basis=AccessGrant.Basis.ADMINISTRATOR,
        granted_by=None,
        can_change=can_change,
        reason="Test grant.",
    )


@pytest.fixture
def lead_client(api_client, lead_professional):
    api_client.force_authenticate(lead_professional)
    return api_client


# --- Who may call what ----------------------------------------------------------------------------


def test_anonymous_callers_get_401_in_the_standard_shape(api_client, child):
    for response in (api_client.get(LIST_URL), api_client.get(detail_url(child))):
        assert response.status_code == 401
        assert response.json() == {
            "type": "client_error",
            "errors": [
                {
                    "code": "not_authenticated",
                    "detail": "Authentication credentials were not provided.",
                    "attr": None,
                }
            ],
        }
        assert response.headers["WWW-Authenticate"] == "Token"


def test_a_young_person_signed_in_on_the_web_cannot_use_the_api(api_client, child):
    api_client.force_authenticate(YoungPersonUserFactory())
    response = api_client.get(LIST_URL)
    assert response.status_code == 403
    assert response.json()["type"] == "client_error"


def test_the_outsider_gets_404_for_a_child_that_exists(api_client, outsider, child):
    api_client.force_authenticate(outsider)
    for response in (
        api_client.get(detail_url(child)),
        api_client.patch(detail_url(child), {"preferred_name": "X"}, format="json"),
        api_client.post(f"{detail_url(child)}family-members/", {"name": "A", "relationship": "mother"}),
    ):
        assert response.status_code == 404
        assert response.json() == {
            "type": "client_error",
            "errors": [{"code": "not_found", "detail": "Not found.", "attr": None}],
        }
    # Only the refusals themselves (apps/audit/middleware.py): nothing read, nothing changed.
    assert not AuditEvent.objects.filter(actor=outsider).exclude(action=AuditEvent.Action.REFUSED).exists()


def test_a_malformed_id_and_an_unknown_id_are_both_404(lead_client, child):
    for public_id in ("not-a-uuid", "1", uuid.uuid4()):
        response = lead_client.get(detail_url(public_id))
        assert response.status_code == 404
        assert response.json()["errors"][0]["code"] == "not_found"


def test_granted_on_one_child_asking_for_another_is_404(lead_client, child):
    other = ChildFactory()
    assert lead_client.get(detail_url(other)).status_code == 404


def test_a_read_only_professional_can_read_but_gets_403_when_changing(
    api_client, read_only_professional, child
):
    api_client.force_authenticate(read_only_professional)
    assert api_client.get(detail_url(child)).status_code == 200

    response = api_client.patch(detail_url(child), {"preferred_name": "Changed"}, format="json")

    assert response.status_code == 403
    assert response.json() == {
        "type": "client_error",
        "errors": [
            {
                "code": "permission_denied",
                "detail": "You can see this child's record but not change it.",
                "attr": None,
            }
        ],
    }
    child.refresh_from_db()
    assert child.preferred_name == "Sam"


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("identifiers/", {"kind": "other", "value": "X1", "issuer": "00000000-0000-0000-0000-000000000000"}),
        ("social-work-statuses/", {"status": "child_in_need", "started_on": "2025-01-01"}),
        ("vulnerabilities/", {"type": "young-carer", "source": "school", "identified_on": "2025-01-01"}),
        ("family-members/", {"name": "Ann", "relationship": "mother"}),
    ],
)
def test_adding_to_a_record_needs_permission_to_change_it(
    api_client, read_only_professional, child, path, payload
):
    api_client.force_authenticate(read_only_professional)
    response = api_client.post(f"{detail_url(child)}{path}", payload, format="json")
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "permission_denied"


# --- Listing --------------------------------------------------------------------------------------


def test_the_list_shows_only_children_shared_with_the_caller(lead_client, child):
    ChildFactory(given_name="Hidden")
    SocialWorkInvolvementFactory(child=child)

    response = lead_client.get(LIST_URL)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["results"] == [
        {
            "public_id": str(child.public_id),
            "known_as": "Sam Okafor",
            "given_name": "Samira",
            "family_name": "Okafor",
            "preferred_name": "Sam",
            "date_of_birth": child.date_of_birth.isoformat(),
            "nhs_number": child.nhs_number,
            "nhs_number_status": "unverified",
            "nhs_number_verified_on": None,
            "current_social_work_status": "child_in_need",
            "current_vulnerability_count": 0,
        }
    ]


def test_the_list_can_be_searched_by_name(lead_client, lead_professional, child):
    other = ChildFactory(given_name="Priya", family_name="Shah")
    _share(other, lead_professional)

    response = lead_client.get(LIST_URL, {"search": "shah"})

    assert [row["public_id"] for row in response.json()["results"]] == [str(other.public_id)]


def test_listing_records_an_api_audit_row_for_each_child_shown(lead_client, lead_professional, child):
    lead_client.get(LIST_URL)
    event = AuditEvent.objects.get(action=AuditEvent.Action.LIST)
    assert event.child == child
    assert event.actor == lead_professional
    assert event.interface == AuditEvent.Interface.API


def test_the_list_query_count_does_not_grow_with_the_number_of_children(
    api_client, lead_professional, django_assert_num_queries
):
    children = ChildFactory.create_batch(30)
    for record in children[:3]:
        _share(record, lead_professional)
        SocialWorkInvolvementFactory(child=record)

    def list_children():
        # A fresh user object each time, as a real request has: nothing cached from the last one.
        api_client.force_authenticate(User.objects.get(pk=lead_professional.pk))
        response = api_client.get(LIST_URL, {"page_size": 50})
        assert response.status_code == 200
        return response

    list_children()  # Warm any per-process caches.
    with CaptureQueriesContext(connection) as three:
        assert list_children().json()["count"] == 3

    for record in children[3:]:
        _share(record, lead_professional)
        SocialWorkInvolvementFactory(child=record)
    with django_assert_num_queries(len(three)):
        assert len(list_children().json()["results"]) == 30


# --- Reading one record ---------------------------------------------------------------------------


def _no_integer_keys(value) -> bool:
    """True when no object in the JSON has an integer primary key field ("id" or "pk")."""
    if isinstance(value, dict):
        return not ({"id", "pk"} & set(value)) and all(_no_integer_keys(item) for item in value.values())
    if isinstance(value, list):
        return all(_no_integer_keys(item) for item in value)
    return True


def test_the_detail_shows_the_whole_record_by_public_ids_only(lead_client, child, social_care):
    ChildIdentifierFactory(child=child, issuer=social_care, value="SC-1")
    SocialWorkInvolvementFactory(
        child=child,
        status="child_in_need",
        started_on=datetime.date(2024, 1, 1),
        ended_on=datetime.date(2025, 1, 1),
    )
    SocialWorkInvolvementFactory(
        child=child,
        status="looked_after",
        legal_status="in_care",
        started_on=datetime.date(2025, 1, 1),
        responsible_authority=social_care,
    )
    VulnerabilityFlag.objects.create(
        child=child,
        type=vulnerability_type("young-carer"),
        source="school",
        identified_on=datetime.date(2025, 2, 1),
    )
    VulnerabilityFlag.objects.create(
        child=child,
        type=vulnerability_type("young-carer"),
        source="school",
        identified_on=datetime.date(2023, 2, 1),
        ended_on=datetime.date(2023, 6, 1),
    )
    member = FamilyMemberFactory(child=child, name="Ada Okafor")

    response = lead_client.get(detail_url(child))

    assert response.status_code == 200
    body = response.json()
    assert _no_integer_keys(body)
    assert body["public_id"] == str(child.public_id)
    assert body["known_as"] == "Sam Okafor"
    assert body["identifiers"] == [
        {
            "kind": "social_care_id",
            "kind_name": "Local authority social care ID",
            "value": "SC-1",
            "issuer": {"public_id": str(social_care.public_id), "name": social_care.name},
        }
    ]
    assert body["current_social_work_status"] == "looked_after"
    assert [period["status"] for period in body["social_work_history"]] == ["looked_after", "child_in_need"]
    assert body["social_work_history"][0]["responsible_authority"]["public_id"] == str(social_care.public_id)
    assert body["current_vulnerability_count"] == 1
    assert body["current_vulnerabilities"] == [
        {
            "type": {"code": "young-carer", "name": vulnerability_type("young-carer").name},
            "source": "school",
            "identified_on": "2025-02-01",
            "ended_on": None,
            "note": "",
        }
    ]
    assert [(m["public_id"], m["name"]) for m in body["family_members"]] == [
        (str(member.public_id), "Ada Okafor")
    ]


def test_reading_a_child_records_an_api_audit_row(lead_client, lead_professional, child):
    lead_client.get(detail_url(child))
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, child=child)
    assert event.actor == lead_professional
    assert event.interface == AuditEvent.Interface.API


# --- Creating -------------------------------------------------------------------------------------


def test_creating_a_child_stores_the_nhs_number_normalised_and_returns_the_record(lead_client, social_care):
    spaced = f"{VALID_NHS_NUMBER[:3]} {VALID_NHS_NUMBER[3:6]}-{VALID_NHS_NUMBER[6:]}"
    payload = _new_child(
        nhs_number=spaced,
        strengths="Great at football.",
        identifiers=[{"kind": "social_care_id", "value": "SC-77", "issuer": str(social_care.public_id)}],
    )

    response = lead_client.post(LIST_URL, payload, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    child = Child.objects.get(public_id=body["public_id"])
    assert child.nhs_number == VALID_NHS_NUMBER
    assert body["nhs_number"] == VALID_NHS_NUMBER
    assert response.headers["Location"] == detail_url(child)
    assert body["identifiers"][0]["issuer"]["public_id"] == str(social_care.public_id)
    assert ChildIdentifier.objects.get(child=child).value == "SC-77"
    assert lead_client.get(detail_url(child)).status_code == 200  # The creator can read it back.


def test_creating_a_child_records_an_api_audit_row(lead_client, lead_professional):
    response = lead_client.post(LIST_URL, _new_child(), format="json")
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, target_id=response.json()["public_id"])
    assert event.actor == lead_professional
    assert event.interface == AuditEvent.Interface.API


def _wrong_check_digit() -> str:
    return VALID_NHS_NUMBER[:9] + str((int(VALID_NHS_NUMBER[9]) + 1) % 10)


@pytest.mark.parametrize(
    ("case", "overrides", "attr"),
    [
        ("wrong NHS check digit", {"nhs_number": _wrong_check_digit()}, "nhs_number"),
        ("NHS number of the wrong length", {"nhs_number": "99900001"}, "nhs_number"),
        ("date of birth in the future", {"date_of_birth": "2999-01-01"}, "date_of_birth"),
        ("date of birth not a date", {"date_of_birth": "last tuesday"}, "date_of_birth"),
        ("yes or no that is neither", {"interpreter_needed": "perhaps"}, "interpreter_needed"),
        ("deprivation decile out of range", {"deprivation_decile": 11}, "deprivation_decile"),
        ("missing first name", {"given_name": ""}, "given_name"),
        (
            "malformed issuer id",
            {"identifiers": [{"kind": "social_care_id", "value": "SC-1", "issuer": "not-a-uuid"}]},
            "identifiers.0.issuer",
        ),
        (
            "unknown issuer",
            {"identifiers": [{"kind": "social_care_id", "value": "SC-1", "issuer": str(uuid.uuid4())}]},
            "identifiers.0.issuer",
        ),
        (
            "unknown identifier kind",
            {"identifiers": [{"kind": "passport", "value": "SC-1", "issuer": str(uuid.uuid4())}]},
            "identifiers.0.kind",
        ),
    ],
)
def test_creating_with_a_bad_field_is_a_400_naming_it_and_saves_nothing(lead_client, case, overrides, attr):
    children, audit_rows = Child.objects.count(), AuditEvent.objects.count()

    response = lead_client.post(LIST_URL, _new_child(**overrides), format="json")

    assert response.status_code == 400, case
    assert response.json()["type"] == "validation_error"
    assert attr in _error_attrs(response), response.json()
    assert Child.objects.count() == children
    assert AuditEvent.objects.count() == audit_rows


def test_creating_a_second_record_with_the_same_nhs_number_is_a_400(lead_client, child):
    children = Child.objects.count()

    response = lead_client.post(LIST_URL, _new_child(nhs_number=child.nhs_number), format="json")

    assert response.status_code == 400
    assert _error_attrs(response) == ["nhs_number"]
    assert "already has a record" in response.json()["errors"][0]["detail"]
    assert Child.objects.count() == children


def test_an_identifier_the_same_organisation_already_issued_is_a_400_on_its_value(lead_client, social_care):
    ChildIdentifierFactory(issuer=social_care, kind="social_care_id", value="SC-9")
    children, identifiers = Child.objects.count(), ChildIdentifier.objects.count()
    payload = _new_child(
        identifiers=[
            {"kind": "education_upn", "value": "UPN-1", "issuer": str(social_care.public_id)},
            {"kind": "social_care_id", "value": "SC-9", "issuer": str(social_care.public_id)},
        ]
    )

    response = lead_client.post(LIST_URL, payload, format="json")

    assert response.status_code == 400
    assert _error_attrs(response) == ["identifiers.1.value"]
    assert (Child.objects.count(), ChildIdentifier.objects.count()) == (children, identifiers)


def test_malformed_json_is_a_400_in_the_standard_shape(lead_client):
    response = lead_client.generic("POST", LIST_URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "client_error"
    assert body["errors"][0]["code"] == "parse_error"


def test_a_body_that_is_not_json_is_a_415_in_the_standard_shape(lead_client):
    response = lead_client.generic("POST", LIST_URL, "given_name=Jay", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["errors"][0]["code"] == "unsupported_media_type"


def test_a_method_the_endpoint_does_not_have_is_a_405_in_the_standard_shape(lead_client, child):
    response = lead_client.delete(detail_url(child))
    assert response.status_code == 405
    assert response.json()["errors"][0]["code"] == "method_not_allowed"


def test_a_path_that_is_no_endpoint_is_a_404_in_the_standard_shape(api_client):
    response = api_client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["type"] == "client_error"
    assert response.json()["errors"][0]["code"] == "not_found"


# --- Changing -------------------------------------------------------------------------------------


def test_the_lead_professional_changes_only_the_fields_sent(lead_client, lead_professional, child):
    response = lead_client.patch(detail_url(child), {"preferred_name": "Sami", "interpreter_needed": True})

    assert response.status_code == 200
    assert response.json()["known_as"] == "Sami Okafor"
    child.refresh_from_db()
    assert (child.preferred_name, child.interpreter_needed, child.given_name) == ("Sami", True, "Samira")
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, child=child)
    assert event.interface == AuditEvent.Interface.API
    assert event.detail == {"fields": ["interpreter_needed", "preferred_name"]}


def test_changing_to_an_invalid_nhs_number_is_a_400_and_changes_nothing(lead_client, child):
    before = child.nhs_number
    response = lead_client.patch(
        detail_url(child), {"nhs_number": _wrong_check_digit(), "preferred_name": "Z"}
    )
    assert response.status_code == 400
    assert _error_attrs(response) == ["nhs_number"]
    child.refresh_from_db()
    assert (child.nhs_number, child.preferred_name) == (before, "Sam")


# --- Possible matches -----------------------------------------------------------------------------


def test_possible_matches_show_a_shared_record(lead_client, child):
    response = lead_client.post(MATCHES_URL, {"nhs_number": child.nhs_number})
    assert response.status_code == 200
    assert response.json() == [
        {
            "visible": True,
            # Never checked against the national register: said so, for the person to check the rest.
            "reason": "same NHS number, not yet verified",
            "needs_checking": True,
            "public_id": str(child.public_id),
            "known_as": "Sam Okafor",
        }
    ]


def test_possible_matches_hide_who_an_unshared_record_is_about(lead_client):
    owner = OrganisationFactory(name="Synthetic CAMHS Team")
    hidden = ChildFactory(
        given_name="Nadia",
        family_name="Brooks",
        date_of_birth=datetime.date(2012, 3, 4),
        created_by_organisation=owner,
    )

    response = lead_client.post(
        MATCHES_URL, {"given_name": "nadia", "family_name": "BROOKS", "date_of_birth": "2012-03-04"}
    )

    assert response.status_code == 200
    assert response.json() == [
        {
            "visible": False,
            "reason": "same name and date of birth",
            "needs_checking": False,
            "next_step": HIDDEN_MATCH_NEXT_STEP,
        }
    ]
    for detail in (str(hidden.public_id), "Nadia", "Synthetic CAMHS Team"):
        assert detail not in response.content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.SEARCH, child__isnull=False)
    assert (event.child, event.interface) == (hidden, AuditEvent.Interface.API)


def test_possible_matches_name_no_record_once_for_several_hidden_ones(lead_client):
    for organisation in ("Synthetic CAMHS Team", "Synthetic School"):
        ChildFactory(
            given_name="Nadia",
            family_name="Brooks",
            date_of_birth=datetime.date(2012, 3, 4),
            created_by_organisation=OrganisationFactory(name=organisation),
        )

    response = lead_client.post(
        MATCHES_URL, {"given_name": "Nadia", "family_name": "Brooks", "date_of_birth": "2012-03-04"}
    )

    assert [match["visible"] for match in response.json()] == [False]


def test_possible_matches_are_limited_per_person(lead_client, settings, child):
    settings.BEACON_POSSIBLE_MATCH_RATE = "3/hour"
    for _ in range(3):
        assert lead_client.post(MATCHES_URL, {"nhs_number": nhs_number_from(481_234)}).status_code == 200

    response = lead_client.post(MATCHES_URL, {"nhs_number": nhs_number_from(481_234)})

    assert response.status_code == 429
    assert response.json()["errors"][0]["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


def test_possible_matches_need_an_nhs_number_or_a_name_and_date_of_birth(lead_client):
    response = lead_client.post(MATCHES_URL, {"given_name": "Nadia"})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "code": "not_enough_to_match",
            "detail": "Give an NHS number, or a first name, last name and date of birth.",
            "attr": "non_field_errors",
        }
    ]


# --- Adding to a record ---------------------------------------------------------------------------


def test_adding_an_identifier(lead_client, child, social_care):
    response = lead_client.post(
        f"{detail_url(child)}identifiers/",
        {"kind": "education_upn", "value": "A123", "issuer": str(social_care.public_id)},
    )
    assert response.status_code == 201
    assert response.json()["issuer"] == {"public_id": str(social_care.public_id), "name": social_care.name}
    assert child.identifiers.get().value == "A123"
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE, child=child, interface=AuditEvent.Interface.API
    ).exists()


def test_adding_an_identifier_already_issued_to_another_child_names_the_value(
    lead_client, child, social_care
):
    ChildIdentifierFactory(issuer=social_care, kind="education_upn", value="A123")
    response = lead_client.post(
        f"{detail_url(child)}identifiers/",
        {"kind": "education_upn", "value": "A123", "issuer": str(social_care.public_id)},
    )
    assert response.status_code == 400
    assert _error_attrs(response) == ["value"]
    assert not child.identifiers.exists()


def test_recording_a_social_work_status(lead_client, child, social_care):
    response = lead_client.post(
        f"{detail_url(child)}social-work-statuses/",
        {
            "status": "looked_after",
            "legal_status": "in_care",
            "placement_type": "foster_care",
            "started_on": "2025-03-01",
            "responsible_authority": str(social_care.public_id),
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status_name"] == "Looked after"
    assert SocialWorkInvolvement.objects.get(child=child).legal_status == "in_care"


def test_a_looked_after_status_without_a_legal_status_names_that_field(lead_client, child):
    response = lead_client.post(
        f"{detail_url(child)}social-work-statuses/", {"status": "looked_after", "started_on": "2025-03-01"}
    )
    assert response.status_code == 400
    assert _error_attrs(response) == ["legal_status"]
    assert not SocialWorkInvolvement.objects.filter(child=child).exists()


def test_recording_a_vulnerability_by_its_code(lead_client, child):
    response = lead_client.post(
        f"{detail_url(child)}vulnerabilities/",
        {"type": "young-carer", "source": "school", "identified_on": "2025-02-01"},
    )
    assert response.status_code == 201
    assert response.json()["type"]["code"] == "young-carer"
    assert VulnerabilityFlag.objects.get(child=child).source == "school"


def test_an_unknown_vulnerability_code_names_the_type_field(lead_client, child):
    response = lead_client.post(
        f"{detail_url(child)}vulnerabilities/",
        {"type": "no-such-thing", "source": "school", "identified_on": "2025-02-01"},
    )
    assert response.status_code == 400
    assert _error_attrs(response) == ["type"]


def test_a_vulnerability_identified_in_the_future_names_the_date(lead_client, child):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = lead_client.post(
        f"{detail_url(child)}vulnerabilities/",
        {"type": "young-carer", "source": "school", "identified_on": tomorrow.isoformat()},
    )
    assert response.status_code == 400
    assert _error_attrs(response) == ["identified_on"]


def test_adding_a_family_member(lead_client, child):
    response = lead_client.post(
        f"{detail_url(child)}family-members/",
        {"name": "Ada Okafor", "relationship": "mother", "has_parental_responsibility": True},
    )
    assert response.status_code == 201
    member = FamilyMember.objects.get(child=child)
    assert response.json()["public_id"] == str(member.public_id)
    assert member.has_parental_responsibility


def test_vulnerability_types_list_the_codes_to_use(lead_client):
    response = lead_client.get("/api/v1/vulnerability-types/")
    assert response.status_code == 200
    assert {"code": "young-carer", "name": vulnerability_type("young-carer").name} in response.json()
