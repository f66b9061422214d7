"""The passport over the API: professionals read what is shared and propose; the owner decides and shares."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.passport.models import Passport, PassportProposal, PassportRead, PassportShare, PassportVersion
from apps.passport.services import passport_change_propose, passport_section_write, passport_share
from tests.auth import sign_in
from tests.factories import OrganisationFactory, ProfessionalFactory, UserFactory, YoungPersonUserFactory

pytestmark = pytest.mark.django_db

GOALS = "MARKER-GOALS: college, then art school."
STORY = "MARKER-STORY: I moved here when I was nine."


@pytest.fixture
def written(passport, young_person):
    passport_section_write(actor=young_person, passport=passport, section="my_goals", text=GOALS)
    passport_section_write(actor=young_person, passport=passport, section="my_story", text=STORY)
    return passport


def _as(api_client, user):
    api_client.logout()
    sign_in(api_client, user)
    return api_client


def _mine(name, passport, **kwargs):
    return reverse(f"passport-api:{name}", kwargs={"passport_id": passport.public_id, **kwargs})


def _errors(response) -> dict:
    return {error["attr"]: error["detail"] for error in response.json()["errors"]}


# --- Professionals --------------------------------------------------------------------------------------


def test_a_professional_reads_exactly_the_shared_sections(written, young_person, clinician, api_client):
    passport_share(actor=young_person, passport=written, sections=["my_goals"], recipient_user=clinician)
    response = _as(api_client, clinician).get(
        reverse("passport-api:child-passport", args=[written.child.public_id])
    )
    assert response.status_code == 200
    sections = {s["section"]: s for s in response.json()["sections"]}
    assert sections["my_goals"] == {
        **sections["my_goals"],
        "shared": True,
        "text": GOALS,
        "version": 1,
    }
    assert sections["my_story"]["shared"] is False
    assert sections["my_story"]["text"] is None
    assert STORY not in response.content.decode()
    assert PassportRead.objects.get(viewer=clinician).interface == "api"


def test_a_young_person_cannot_use_the_professional_endpoints(written, young_person, api_client):
    url = reverse("passport-api:child-passport", args=[written.child.public_id])
    assert _as(api_client, young_person).get(url).status_code == 403


def test_an_outsider_gets_404(written, outsider, api_client):
    url = reverse("passport-api:child-passport", args=[written.child.public_id])
    assert _as(api_client, outsider).get(url).status_code == 404


def test_a_professional_proposes_and_lists_their_proposals(written, clinician, api_client):
    url = reverse("passport-api:child-proposals", args=[written.child.public_id])
    client = _as(api_client, clinician)
    response = client.post(
        url,
        {"section": "my_goals", "text": "I want to go to college.", "reason": "You said so"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    assert [p["section"] for p in client.get(url).json()] == ["my_goals"]
    # The section is unchanged until the young person accepts.
    assert PassportVersion.objects.filter(passport=written, section="my_goals").count() == 1


def test_a_proposal_without_a_reason_names_the_field(written, clinician, api_client):
    url = reverse("passport-api:child-proposals", args=[written.child.public_id])
    response = _as(api_client, clinician).post(
        url, {"section": "my_goals", "text": "I want to go to college.", "reason": ""}, format="json"
    )
    assert response.status_code == 400
    assert "Say why" in _errors(response)["reason"]
    assert not PassportProposal.objects.exists()


def test_a_team_professional_starts_a_passport(child, young_person, lead_on_team, api_client):
    url = reverse("passport-api:child-passport", args=[child.public_id])
    response = _as(api_client, lead_on_team).post(url, {}, format="json")
    assert response.status_code == 201
    assert Passport.objects.get(child=child).owner == young_person
    again = api_client.post(url, {}, format="json")
    assert again.status_code == 400
    assert Passport.objects.count() == 1


def test_the_new_team_finds_passports_shared_with_their_organisation(written, young_person, api_client):
    new_service = OrganisationFactory()
    worker = ProfessionalFactory(organisation=new_service)
    passport_share(
        actor=young_person, passport=written, sections=["my_goals"], recipient_organisation=new_service
    )
    listing = _as(api_client, worker).get(reverse("passport-api:shared-with-me")).json()
    assert listing == [
        {
            "child": {"public_id": str(written.child.public_id), "known_as": written.child.known_as},
            "sections": ["my_goals"],
        }
    ]


# --- The owner --------------------------------------------------------------------------------------------


def test_the_owner_reads_and_writes_their_passport(written, young_person, api_client):
    client = _as(api_client, young_person)
    [listed] = client.get(reverse("passport-api:my-passports")).json()
    assert listed["public_id"] == str(written.public_id)
    response = client.put(
        _mine("my-section", written, section="my_goals"), {"text": "Art school."}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["number"] == 2
    history = client.get(_mine("my-section", written, section="my_goals")).json()
    assert [v["text"] for v in history] == ["Art school.", GOALS]


def test_someone_elses_passport_is_404_and_unchanged(written, api_client):
    other = _as(api_client, YoungPersonUserFactory())
    assert other.get(_mine("my-passport", written)).status_code == 404
    response = other.put(_mine("my-section", written, section="my_goals"), {"text": "Hacked"}, format="json")
    assert response.status_code == 404
    assert other.post(_mine("my-delete", written), {"confirm": True}, format="json").status_code == 404
    assert PassportVersion.objects.filter(passport=written).count() == 2
    assert Passport.objects.current().filter(pk=written.pk).exists()


def test_a_professional_cannot_open_the_owners_endpoints(written, lead_on_team, api_client):
    assert _as(api_client, lead_on_team).get(_mine("my-passport", written)).status_code == 404


def test_the_owner_accepts_and_rejects_proposals(written, young_person, clinician, api_client):
    first = passport_change_propose(
        actor=clinician, passport=written, section="my_goals", text="College first.", reason="Our chat"
    )
    second = passport_change_propose(
        actor=clinician, passport=written, section="about_me", text="I am Kay.", reason="Our chat"
    )
    client = _as(api_client, young_person)
    pending = client.get(_mine("my-proposals", written) + "?status=pending").json()
    assert {p["public_id"] for p in pending} == {str(first.public_id), str(second.public_id)}
    accepted = client.post(
        _mine("my-proposal-accept", written, proposal_id=first.public_id), {}, format="json"
    )
    assert accepted.status_code == 200
    assert accepted.json()["text"] == "College first."
    assert accepted.json()["from_proposal"] == str(first.public_id)
    rejected = client.post(
        _mine("my-proposal-reject", written, proposal_id=second.public_id), {"note": "Not me"}, format="json"
    )
    assert rejected.json()["status"] == "rejected"
    assert not PassportVersion.objects.filter(passport=written, section="about_me").exists()


def test_an_outdated_proposal_needs_confirming(written, young_person, clinician, api_client):
    proposal = passport_change_propose(
        actor=clinician, passport=written, section="my_goals", text="College first.", reason="Our chat"
    )
    passport_section_write(actor=young_person, passport=written, section="my_goals", text="Art school.")
    client = _as(api_client, young_person)
    url = _mine("my-proposal-accept", written, proposal_id=proposal.public_id)
    refused = client.post(url, {}, format="json")
    assert refused.status_code == 400
    assert "confirm_outdated" in _errors(refused)
    assert client.post(url, {"confirm_outdated": True}, format="json").json()["number"] == 3


def test_sharing_revoking_and_preview_over_the_api(written, young_person, clinician, api_client):
    owner = _as(api_client, young_person)
    created = owner.post(
        _mine("my-shares", written),
        {"sections": ["my_goals", "my_story"], "recipient_user": str(clinician.public_id)},
        format="json",
    )
    assert created.status_code == 201
    preview = owner.get(_mine("my-preview", written) + f"?person={clinician.public_id}").json()
    assert {s["section"] for s in preview if s["shared"]} == {"my_goals", "my_story"}
    story_share = next(s for s in created.json() if s["section"] == "my_story")
    revoked = owner.post(_mine("my-share-revoke", written, share_id=story_share["public_id"]), format="json")
    assert revoked.status_code == 200
    # Straight after the revoke, the professional's next read no longer has it.
    professional = _as(api_client, clinician)
    read = professional.get(reverse("passport-api:child-passport", args=[written.child.public_id])).json()
    assert {s["section"] for s in read["sections"] if s["shared"]} == {"my_goals"}
    owner = _as(api_client, young_person)
    assert [s["section"] for s in owner.get(_mine("my-shares", written)).json()] == ["my_goals"]
    reads = owner.get(_mine("my-reads", written)).json()
    assert reads[0]["viewer"]["name"] == "Cara Clinician"


@pytest.mark.parametrize("kind", ["young_person", "parent_carer"])
def test_sharing_with_someone_who_is_not_a_professional_is_a_400(written, young_person, api_client, kind):
    response = _as(api_client, young_person).post(
        _mine("my-shares", written),
        {"sections": ["my_goals"], "recipient_user": str(UserFactory(kind=kind).public_id)},
        format="json",
    )
    assert response.status_code == 400
    assert "only share your passport with a professional" in _errors(response)["recipient_user"]
    assert not PassportShare.objects.exists()


def test_an_end_date_in_the_past_is_a_400(written, young_person, clinician, api_client):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = _as(api_client, young_person).post(
        _mine("my-shares", written),
        {
            "sections": ["my_goals"],
            "recipient_user": str(clinician.public_id),
            "ends_on": yesterday.isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    assert "in the past" in _errors(response)["ends_on"]
    assert not PassportShare.objects.exists()


def test_moving_to_a_new_team_in_one_step(written, young_person, clinician, api_client):
    passport_share(actor=young_person, passport=written, sections=["my_goals"], recipient_user=clinician)
    adult_service = OrganisationFactory()
    response = _as(api_client, young_person).post(
        _mine("my-move", written), {"organisation": str(adult_service.public_id)}, format="json"
    )
    assert response.status_code == 201
    assert [(s["section"], s["recipient_organisation"]["name"]) for s in response.json()] == [
        ("my_goals", adult_service.name)
    ]


def test_deleting_needs_confirming(written, young_person, api_client):
    client = _as(api_client, young_person)
    refused = client.post(_mine("my-delete", written), {}, format="json")
    assert refused.status_code == 400
    assert "confirm" in _errors(refused)
    assert client.post(_mine("my-delete", written), {"confirm": True}, format="json").status_code == 204
    assert not PassportVersion.objects.filter(passport=written).exists()
    assert client.get(_mine("my-passport", written)).status_code == 404


def test_the_owners_endpoints_need_a_sign_in(written, api_client):
    assert api_client.get(_mine("my-passport", written)).status_code == 401


def test_a_parent_hands_the_passport_over_once_the_young_person_has_an_account(lead_professional, api_client):
    from apps.passport.services import passport_create
    from apps.teams.services import team_member_add
    from tests.factories import ChildFactory, FamilyMemberFactory

    young_child = ChildFactory(date_of_birth=timezone.localdate() - datetime.timedelta(days=365 * 11))
    team_member_add(actor=lead_professional, child=young_child, kind="professional", user=lead_professional)
    parent = UserFactory(kind="parent_carer")
    passport = passport_create(
        actor=lead_professional,
        child=young_child,
        owner=parent,
        owner_family_member=FamilyMemberFactory(child=young_child),
    )
    client = _as(api_client, parent)
    refused = client.post(_mine("my-hand-over", passport), format="json")
    assert refused.status_code == 400
    assert "needs their own Beacon account" in _errors(refused)["owner"]
    young_child.account = YoungPersonUserFactory()
    young_child.save()
    assert client.post(_mine("my-hand-over", passport), format="json").status_code == 200
    passport.refresh_from_db()
    assert passport.owner == young_child.account
    # The parent no longer finds it among their passports.
    assert client.get(reverse("passport-api:my-passports")).json() == []


def test_the_owners_own_reads_are_audited(written, young_person, api_client):
    from apps.audit.models import AuditEvent

    _as(api_client, young_person).get(_mine("my-passport", written))
    event = AuditEvent.objects.filter(actor=young_person, action="view").get()
    assert (event.target_id, event.basis) == (str(written.public_id), "owner")
