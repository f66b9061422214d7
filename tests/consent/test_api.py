"""Consent, competence, overrides and disclosures over the REST API: who may call what, what is withheld."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.children.categories import SENSITIVE, Category
from apps.children.models import Child, VulnerabilityFlag
from apps.consent.models import Consent, Disclosure, SafeguardingOverride
from apps.consent.services import consent_record, safeguarding_override_open
from apps.notifications.models import Notification
from apps.sharing.models import ChildGroupObjectPermission
from tests.factories import (
    FamilyMemberFactory,
    OrganisationFactory,
    ProfessionalFactory,
    UserFactory,
    vulnerability_type,
)

pytestmark = pytest.mark.django_db


def withheld(section: dict) -> bool:
    """A withheld section: no data, and a reason in words saying why and what would open it."""
    return (
        set(section) == {"withheld", "reason"} and section["withheld"] is True and len(section["reason"]) > 20
    )


JUSTIFICATION = "Disclosure at school this morning suggests the child is at immediate risk at home."


def url(child, rest: str = "") -> str:
    return f"/api/v1/children/{child.public_id}/{rest}"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _attrs(response) -> list[str]:
    return [error["attr"] for error in response.json()["errors"]]


@pytest.fixture
def child(child, social_care):
    """The shared child, its record held by the lead professional's organisation."""
    Child.objects.filter(pk=child.pk).update(created_by_organisation=social_care)
    child.refresh_from_db()
    return child


@pytest.fixture
def parent(child):
    return FamilyMemberFactory(child=child, name="Grace Okafor", has_parental_responsibility=True)


@pytest.fixture
def camhs():
    return OrganisationFactory(name="Synthetic CAMHS")


@pytest.fixture
def camhs_clinician(camhs):
    """A professional in another organisation: sees only what consent shares with CAMHS."""
    return ProfessionalFactory(username="clinician", display_name="Cal Clinician", organisation=camhs)


@pytest.fixture
def safeguarding_lead(social_care):
    return ProfessionalFactory(
        username="dsl",
        display_name="Dee Lead",
        organisation=social_care,
        organisation__role="safeguarding-lead",
    )


@pytest.fixture
def lead_client(lead_professional):
    return client_for(lead_professional)


def _consent_body(family_member, **overrides) -> dict:
    return {
        "grantor": "parent",
        "parent": str(family_member.public_id) if family_member else None,
        "categories": ["core"],
        "recipient_kind": "organisation",
        "purpose": "Coordinating support between social care and CAMHS.",
        "valid_from": timezone.localdate().isoformat(),
        "form": "written",
        "evidence": "Signed form scanned to the case file.",
        **overrides,
    }


def _consent(*, actor, child, parent, categories, organisation=None, user=None, valid_until=None) -> Consent:
    return consent_record(
        actor=actor,
        child=child,
        grantor=Consent.Grantor.PARENT,
        parent=parent,
        categories=categories,
        recipient_kind=Consent.RecipientKind.PERSON if user else Consent.RecipientKind.ORGANISATION,
        recipient_organisation=organisation,
        recipient_user=user,
        purpose="Coordinating support.",
        valid_from=timezone.localdate(),
        valid_until=valid_until,
        form=Consent.Form.WRITTEN,
        evidence="Signed form on file.",
    )


def _flag(child, code: str) -> VulnerabilityFlag:
    return VulnerabilityFlag.objects.create(
        child=child, type=vulnerability_type(code), source="school", identified_on=datetime.date(2025, 1, 1)
    )


# --- The permission matrix --------------------------------------------------------------------------------

# (name in api_urls, method, path after the child, body, is a write needing change_child)
MATRIX = [
    ("information", "get", "information/", None, False),
    ("consents", "get", "consents/", None, False),
    ("consents", "post", "consents/", "consent", True),
    ("consent-withdraw", "post", "consents/{consent}/withdraw/", {"reason": "Changed my mind."}, True),
    ("competence-assessments", "get", "competence-assessments/", None, False),
    (
        "competence-assessments",
        "post",
        "competence-assessments/",
        {"assessed_on": "2025-01-01", "decision": "Sharing with CAMHS", "outcome": "competent"},
        True,
    ),
    (
        "safeguarding-overrides",
        "post",
        "safeguarding-overrides/",
        {"lawful_basis": "child_protection_enquiry", "justification": JUSTIFICATION, "categories": ["plans"]},
        False,
    ),
    ("disclosures", "get", "disclosures/", None, False),
]


@pytest.fixture
def existing_consent(child, parent, lead_professional, camhs):
    return _consent(
        actor=lead_professional, child=child, parent=parent, categories=["core"], organisation=camhs
    )


def _call(client, method, child, path, body, *, parent, consent):
    if body == "consent":
        body = _consent_body(parent, recipient_organisation=str(consent.recipient_organisation.public_id))
    return getattr(client, method)(url(child, path.format(consent=consent.public_id)), body, format="json")


# Every consent route having a row is checked project-wide in tests/consent/test_permission_matrix.py.


@pytest.mark.parametrize(("name", "method", "path", "body", "write"), MATRIX)
def test_anonymous_callers_get_401(name, method, path, body, write, child, parent, existing_consent):
    response = _call(APIClient(), method, child, path, body, parent=parent, consent=existing_consent)
    assert response.status_code == 401


@pytest.mark.parametrize(("name", "method", "path", "body", "write"), MATRIX)
def test_outsider_gets_404_for_child(
    name, method, path, body, write, child, parent, existing_consent, outsider
):
    response = _call(client_for(outsider), method, child, path, body, parent=parent, consent=existing_consent)
    assert response.status_code == 404


@pytest.mark.parametrize(("name", "method", "path", "body", "write"), MATRIX)
def test_read_only_professional_gets_403_on_writes_and_can_read(
    name, method, path, body, write, child, parent, existing_consent, read_only_professional
):
    client = client_for(read_only_professional)
    response = _call(client, method, child, path, body, parent=parent, consent=existing_consent)
    assert response.status_code == (403 if write else 201 if method == "post" else 200)


@pytest.mark.parametrize(("name", "method", "path", "body", "write"), MATRIX)
def test_lead_professional_may_call_every_endpoint(
    name, method, path, body, write, child, parent, existing_consent, lead_client
):
    response = _call(lead_client, method, child, path, body, parent=parent, consent=existing_consent)
    assert response.status_code in (200, 201), response.json()


def test_granted_on_one_child_asking_for_another_gets_404(lead_client, lead_professional):
    from tests.factories import ChildFactory

    other = ChildFactory()
    for rest in ("information/", "consents/", "disclosures/", "competence-assessments/"):
        assert lead_client.get(url(other, rest)).status_code == 404


def test_a_malformed_child_id_is_a_404(lead_client):
    assert lead_client.get("/api/v1/children/not-a-uuid/information/").status_code == 404


def test_a_young_person_may_not_use_the_information_endpoint(child):
    young_person = UserFactory(kind=User.Kind.YOUNG_PERSON)
    assert client_for(young_person).get(url(child, "information/")).status_code == 403


# --- Recording consent ---------------------------------------------------------------------------------


def test_recording_consent_returns_it_with_its_categories_and_recipient(lead_client, child, parent, camhs):
    body = _consent_body(parent, categories=["core", "plans"], recipient_organisation=str(camhs.public_id))
    response = lead_client.post(url(child, "consents/"), body, format="json")
    assert response.status_code == 201, response.json()
    consent = response.json()
    assert consent["categories"] == ["core", "plans"]
    assert consent["recipient"] == "Synthetic CAMHS"
    assert consent["status"] == "in_force"
    assert lead_client.get(url(child, "consents/")).json()["results"][0]["public_id"] == consent["public_id"]


def test_a_role_recipient_is_given_by_its_code(lead_client, child, parent, camhs):
    body = _consent_body(
        parent,
        recipient_kind="role",
        recipient_organisation=str(camhs.public_id),
        recipient_role="social-worker",
    )
    response = lead_client.post(url(child, "consents/"), body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["recipient_role"] == "social-worker"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"grantor": "young_person", "parent": None}, "grantor"),
        ({"categories": []}, "categories"),
        ({"parent": "no-pr"}, "parent"),
        ({"categories": ["gossip"]}, "categories.0"),
        ({"recipient_role": "no-such-role", "recipient_kind": "role"}, "recipient_role"),
    ],
)
def test_bad_consent_is_a_400_naming_the_field_and_saves_nothing(
    lead_client, child, parent, camhs, overrides, field
):
    if overrides.get("parent") == "no-pr":
        no_responsibility = FamilyMemberFactory(child=child, has_parental_responsibility=False)
        overrides = {**overrides, "parent": str(no_responsibility.public_id)}
    body = _consent_body(parent, recipient_organisation=str(camhs.public_id), **overrides)
    response = lead_client.post(url(child, "consents/"), body, format="json")
    assert response.status_code == 400
    assert field in _attrs(response)
    assert not Consent.objects.exists()


def test_a_competent_under_16_may_consent_for_themselves(lead_client, child, camhs):
    assessment = {"assessed_on": "2025-01-01", "decision": "Sharing with CAMHS", "outcome": "competent"}
    assert (
        lead_client.post(url(child, "competence-assessments/"), assessment, format="json").status_code == 201
    )
    body = _consent_body(
        None, grantor="young_person", parent=None, recipient_organisation=str(camhs.public_id)
    )
    response = lead_client.post(url(child, "consents/"), body, format="json")
    assert response.status_code == 201, response.json()
    assert (
        lead_client.get(url(child, "competence-assessments/")).json()["results"][0]["outcome"] == "competent"
    )


def test_withdrawing_twice_is_a_400(lead_client, child, existing_consent):
    path = url(child, f"consents/{existing_consent.public_id}/withdraw/")
    assert lead_client.post(path, {"reason": "Changed my mind."}, format="json").status_code == 200
    assert lead_client.post(path, {"reason": "Again."}, format="json").status_code == 400


def test_withdrawing_without_a_reason_names_the_reason(lead_client, child, existing_consent):
    path = url(child, f"consents/{existing_consent.public_id}/withdraw/")
    response = lead_client.post(path, {}, format="json")
    assert response.status_code == 400
    assert _attrs(response) == ["reason"]


def test_withdrawing_another_childs_consent_is_a_404(lead_client, child, existing_consent, lead_professional):
    from tests.factories import ChildFactory

    other = ChildFactory()
    other_parent = FamilyMemberFactory(child=other)
    other_consent = _consent(
        actor=lead_professional, child=other, parent=other_parent, categories=["core"], user=lead_professional
    )
    path = url(child, f"consents/{other_consent.public_id}/withdraw/")
    assert lead_client.post(path, {"reason": "x"}, format="json").status_code == 404


# --- The category-scoped read -----------------------------------------------------------------------------


def test_information_has_every_category_and_withholds_what_is_not_consented(
    child, parent, lead_professional, camhs, camhs_clinician
):
    _consent(
        actor=lead_professional, child=child, parent=parent, categories=["core", "plans"], organisation=camhs
    )
    body = client_for(camhs_clinician).get(url(child, "information/")).json()

    assert set(body) == {"child", *Category.values}
    assert body["core"]["withheld"] is False
    assert body["core"]["record"]["known_as"] == child.known_as
    assert body["plans"] == {"withheld": False, "meetings": [], "open_actions": []}
    for category in set(Category.values) - {"core", "plans", "chronology"}:
        assert withheld(body[category]), category
    # The chronology is answered to anyone who sees the child, each entry by its own category.
    assert body["chronology"]["withheld"] is False
    assert all(
        entry["withheld"]
        for entry in body["chronology"]["items"]
        if entry["category"] not in {"core", "plans"}
    ), body["chronology"]["items"]


def test_a_category_with_nothing_recorded_is_empty_not_withheld(
    lead_professional, child, parent, camhs, camhs_clinician
):
    _consent(
        actor=lead_professional,
        child=child,
        parent=parent,
        categories=["core", "assessments"],
        organisation=camhs,
    )
    body = client_for(camhs_clinician).get(url(child, "information/")).json()
    # No competence assessed yet; the waiting-list risk checks name the service, so need referrals too.
    # Each category's real rows: tests/consent/test_information_categories.py.
    assert body["assessments"] == {"withheld": False, "competence_assessments": [], "risk_checks": None}


def test_without_consent_another_agency_gets_404(child, camhs_clinician):
    assert client_for(camhs_clinician).get(url(child, "information/")).status_code == 404


def test_after_withdrawal_the_category_is_withheld_on_the_next_request(
    lead_client, child, parent, lead_professional, camhs, camhs_clinician
):
    _consent(actor=lead_professional, child=child, parent=parent, categories=["core"], organisation=camhs)
    plans = _consent(
        actor=lead_professional, child=child, parent=parent, categories=["plans"], organisation=camhs
    )
    clinician = client_for(camhs_clinician)
    assert clinician.get(url(child, "information/")).json()["plans"]["withheld"] is False

    withdraw = url(child, f"consents/{plans.public_id}/withdraw/")
    response = lead_client.post(withdraw, {"reason": "Mum asked us to stop."}, format="json")
    assert response.json()["status"] == "withdrawn"

    body = clinician.get(url(child, "information/")).json()
    assert withheld(body["plans"])
    assert body["core"]["withheld"] is False


def test_after_expiry_the_category_is_withheld_even_before_the_sweep_has_run(
    child, parent, lead_professional, camhs, camhs_clinician
):
    # Record, in the past, a consent that ran out a week ago; the database clock is today's.
    # Both are recorded then, as permissions are worked out from the consents in force when one is recorded.
    with time_machine.travel(timezone.now() - datetime.timedelta(days=10)):
        _consent(actor=lead_professional, child=child, parent=parent, categories=["core"], organisation=camhs)
        expired = _consent(
            actor=lead_professional,
            child=child,
            parent=parent,
            categories=["plans"],
            organisation=camhs,
            valid_until=timezone.localdate() + datetime.timedelta(days=2),
        )
    body = client_for(camhs_clinician).get(url(child, "information/")).json()

    assert withheld(body["plans"])
    expired.refresh_from_db()
    assert expired.expiry_applied_at is None  # The sweep has not run: the permission row is still there.
    # Held once by the organisation's access group, not copied to each member of staff.
    assert ChildGroupObjectPermission.objects.filter(
        group__user=camhs_clinician, content_object=child, permission__codename="view_child_plans"
    ).exists()
    statuses = {
        c["public_id"]: c["status"]
        for c in client_for(lead_professional).get(url(child, "consents/")).json()["results"]
    }
    assert statuses[str(expired.public_id)] == "expired"


def test_a_sensitive_category_is_shown_only_with_its_own_consent(
    child, parent, lead_professional, camhs, camhs_clinician
):
    _flag(child, "substance-misuse")
    _flag(child, "young-carer")
    _consent(actor=lead_professional, child=child, parent=parent, categories=["core"], organisation=camhs)
    clinician = client_for(camhs_clinician)
    body = clinician.get(url(child, "information/")).json()
    assert withheld(body["substance_misuse"])
    assert [f["type"]["code"] for f in body["core"]["record"]["current_vulnerabilities"]] == ["young-carer"]

    _consent(
        actor=lead_professional,
        child=child,
        parent=parent,
        categories=["substance_misuse"],
        organisation=camhs,
    )
    body = clinician.get(url(child, "information/")).json()
    assert [f["type"]["code"] for f in body["substance_misuse"]["items"]] == ["substance-misuse"]


def test_a_sensitive_category_is_never_returned_to_a_parent_or_carer(child, parent, lead_professional):
    _flag(child, "substance-misuse")
    carer = UserFactory(kind=User.Kind.PARENT_CARER, display_name="Grace Okafor")
    _consent(
        actor=lead_professional,
        child=child,
        parent=parent,
        categories=["core", *sorted(SENSITIVE)],
        user=carer,
    )
    response = client_for(carer).get(url(child, "information/"))
    assert response.status_code == 200
    body = response.json()
    assert body["core"]["withheld"] is False
    for category in SENSITIVE:
        assert withheld(body[category]), category
    assert body["core"]["record"]["current_vulnerabilities"] == []
    assert body["core"]["record"]["withheld_categories"] == []  # Not even that such a flag exists.
    assert "substance-misuse" not in response.content.decode()  # The flag's code, anywhere.


# --- The child detail endpoint --------------------------------------------------------------------------


def test_child_detail_leaves_out_flags_of_a_withheld_sensitive_category(
    lead_client, child, parent, lead_professional
):
    _flag(child, "substance-misuse")
    _flag(child, "young-carer")
    body = lead_client.get(url(child)).json()
    assert [f["type"]["code"] for f in body["current_vulnerabilities"]] == ["young-carer"]
    assert body["current_vulnerability_count"] == 1
    assert body["withheld_categories"] == ["substance_misuse"]

    _consent(
        actor=lead_professional,
        child=child,
        parent=parent,
        categories=["substance_misuse"],
        user=lead_professional,
    )
    body = lead_client.get(url(child)).json()
    assert {f["type"]["code"] for f in body["current_vulnerabilities"]} == {"young-carer", "substance-misuse"}
    assert body["withheld_categories"] == []


# --- The safeguarding override ----------------------------------------------------------------------------


def test_an_override_shows_the_information_logs_it_and_alerts_the_safeguarding_lead(
    child, read_only_professional, safeguarding_lead
):
    client = client_for(read_only_professional)
    assert withheld(client.get(url(child, "information/")).json()["plans"])

    response = client.post(
        url(child, "safeguarding-overrides/"),
        {
            "lawful_basis": "child_protection_enquiry",
            "justification": JUSTIFICATION,
            "categories": ["core", "plans"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    override = SafeguardingOverride.objects.get(public_id=response.json()["public_id"])

    assert client.get(url(child, "information/")).json()["plans"]["withheld"] is False
    disclosure = Disclosure.objects.filter(child=child, viewer=read_only_professional).first()
    assert disclosure.basis == Disclosure.Basis.SAFEGUARDING
    assert disclosure.override == override
    assert Notification.objects.filter(recipient=safeguarding_lead, kind=Notification.Kind.OVERRIDE).exists()


def test_an_override_without_a_justification_names_it(child, lead_client):
    response = lead_client.post(
        url(child, "safeguarding-overrides/"),
        {"lawful_basis": "court_order", "justification": "x", "categories": ["plans"]},
        format="json",
    )
    assert response.status_code == 400
    assert _attrs(response) == ["justification"]
    assert not SafeguardingOverride.objects.exists()


@pytest.fixture
def override(child, read_only_professional):
    return safeguarding_override_open(
        actor=read_only_professional,
        child=child,
        lawful_basis=SafeguardingOverride.LawfulBasis.CHILD_PROTECTION_ENQUIRY,
        justification=JUSTIFICATION,
        categories=["plans"],
    )


def _review_url(child, override) -> str:
    return url(child, f"safeguarding-overrides/{override.public_id}/review/")


def test_the_safeguarding_lead_reviews_an_override(child, override, safeguarding_lead):
    response = client_for(safeguarding_lead).post(
        _review_url(child, override), {"outcome": "not_upheld", "note": "Could have waited."}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["review_outcome"] == "not_upheld"
    assert response.json()["ended_at"] is not None


def test_a_second_review_of_a_reviewed_override_is_a_400_and_the_first_stands(
    child, override, safeguarding_lead, social_care
):
    first = client_for(safeguarding_lead).post(
        _review_url(child, override), {"outcome": "upheld", "note": "Justified: risk of harm."}, format="json"
    )
    assert first.status_code == 200, first.json()
    colleague = ProfessionalFactory(organisation=social_care, organisation__role="safeguarding-lead")

    second = client_for(colleague).post(
        _review_url(child, override), {"outcome": "not_upheld", "note": "Could have waited."}, format="json"
    )

    assert second.status_code == 400
    assert "already been reviewed" in second.json()["errors"][0]["detail"]
    override.refresh_from_db()
    assert (override.reviewed_by, override.review_outcome, override.ended_at) == (
        safeguarding_lead,
        "upheld",
        None,
    )


@pytest.mark.parametrize(
    ("who", "status"), [("lead_professional", 403), ("read_only_professional", 403), ("outsider", 404)]
)
def test_only_a_safeguarding_lead_may_review_an_override(request, child, override, who, status):
    user = request.getfixturevalue(who)
    response = client_for(user).post(
        _review_url(child, override), {"outcome": "upheld", "note": "ok"}, format="json"
    )
    # Someone the child is not shared with gets a 404: they learn nothing about the child.
    assert response.status_code == status
    override.refresh_from_db()
    assert override.reviewed_at is None


def test_reviewing_an_override_needs_sign_in(child, override):
    assert APIClient().post(_review_url(child, override), {}, format="json").status_code == 401


def test_a_safeguarding_lead_elsewhere_gets_404(child, override):
    elsewhere = ProfessionalFactory(organisation__role="safeguarding-lead")
    response = client_for(elsewhere).post(
        _review_url(child, override), {"outcome": "upheld", "note": "ok"}, format="json"
    )
    assert response.status_code == 404


def test_a_review_without_a_note_names_it(child, override, safeguarding_lead):
    response = client_for(safeguarding_lead).post(
        _review_url(child, override), {"outcome": "upheld"}, format="json"
    )
    assert response.status_code == 400
    assert _attrs(response) == ["note"]


# --- The disclosure log ---------------------------------------------------------------------------------


def test_a_cross_organisation_read_leaves_a_disclosure_row(
    child, parent, lead_professional, lead_client, camhs, camhs_clinician
):
    consent = _consent(
        actor=lead_professional, child=child, parent=parent, categories=["core", "plans"], organisation=camhs
    )
    lead_client.get(url(child, "information/"))
    assert not Disclosure.objects.exists()  # The record's own organisation reading is no disclosure.

    client_for(camhs_clinician).get(url(child, "information/"))
    disclosure = Disclosure.objects.get(child=child)
    assert disclosure.viewer == camhs_clinician
    assert disclosure.viewer_organisation == camhs
    assert disclosure.basis == Disclosure.Basis.CONSENT
    assert disclosure.consent == consent
    assert disclosure.interface == "api"
    assert set(disclosure.categories) == {"core", "plans"}

    rows = lead_client.get(url(child, "disclosures/")).json()["results"]
    assert [(row["viewer"]["name"], row["basis"]) for row in rows] == [("Cal Clinician", "consent")]


def test_reviews_overrides_told_and_parent_withholding_through_the_api(api_client, lead_professional):
    from django.utils import timezone

    from apps.consent.models import ConsentReview, ParentWithholding
    from apps.consent.services import safeguarding_override_open
    from apps.sharing.models import AccessGrant
    from apps.sharing.services import child_access_grant
    from tests.factories import ChildFactory

    today = timezone.localdate()
    teenager = ChildFactory(date_of_birth=today.replace(year=today.year - 17))
    child_access_grant(
        child=teenager, user=lead_professional, basis=AccessGrant.Basis.CREATOR, granted_by=None
    )
    review = ConsentReview.objects.create(child=teenager, reason="placement_change", due_on=today)
    override = safeguarding_override_open(
        actor=lead_professional,
        child=teenager,
        lawful_basis="child_protection_enquiry",
        justification="Section 47 enquiry opened after a disclosure today.",
        categories=["plans"],
    )
    api_client.force_authenticate(lead_professional)
    base = f"/api/v1/children/{teenager.public_id}/"

    empty = api_client.post(f"{base}consent-reviews/{review.public_id}/complete/", {}, format="json")
    assert empty.status_code == 400
    assert empty.json()["errors"][0]["attr"] == "outcome_note"
    done = api_client.post(
        f"{base}consent-reviews/{review.public_id}/complete/",
        {"outcome_note": "Agreed with him"},
        format="json",
    )
    assert done.status_code == 200
    assert done.json()["completed_on"] == today.isoformat()

    told = api_client.post(
        f"{base}safeguarding-overrides/{override.public_id}/told/",
        {"told_on": today.isoformat()},
        format="json",
    )
    assert told.status_code == 200

    kept = api_client.post(
        f"{base}parent-withholdings/",
        {"category": "appointments", "judgement": "He is 17 and asked."},
        format="json",
    )
    assert kept.status_code == 201
    withholding = ParentWithholding.objects.get(child=teenager)
    assert api_client.get(f"{base}parent-withholdings/").json()[0]["category"] == "appointments"
    ended = api_client.post(f"{base}parent-withholdings/{withholding.public_id}/end/", {}, format="json")
    assert ended.json()["ended_on"] == today.isoformat()
