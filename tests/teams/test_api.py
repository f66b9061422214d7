"""The team around the child over the REST API: who may call what, clear errors, the audit trail."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.children.models import VulnerabilityFlag
from apps.sharing.models import AccessGrant
from apps.sharing.services import child_access_grant
from apps.teams.models import Action, Handover, LeadProfessionalAppointment, Meeting, TeamMembership
from apps.teams.services import lead_professional_appoint, meeting_record, team_member_add
from tests.auth import current_code
from tests.factories import PASSWORD, ChildFactory, ProfessionalFactory, share_with, vulnerability_type

pytestmark = pytest.mark.django_db

PROFESSIONAL = TeamMembership.Kind.PROFESSIONAL
CASELOAD_URL = "/api/v1/caseload/"
NOT_A_MEMBERSHIP = "00000000-0000-0000-0000-000000000000"


def child_url(child, rest: str = "") -> str:
    return f"/api/v1/children/{child.public_id}/{rest}"


def _error_attrs(response) -> list[str]:
    return [error["attr"] for error in response.json()["errors"]]


def _today() -> datetime.date:
    return timezone.localdate()


def _no_integer_keys(value) -> bool:
    """True when no object in the JSON has an integer primary key field ("id" or "pk")."""
    if isinstance(value, dict):
        return not ({"id", "pk"} & set(value)) and all(_no_integer_keys(item) for item in value.values())
    if isinstance(value, list):
        return all(_no_integer_keys(item) for item in value)
    return True


def _api_event(action: str, target) -> AuditEvent:
    return AuditEvent.objects.get(
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.public_id),
        interface=AuditEvent.Interface.API,
    )


# --- The team: Lena Lead coordinates; Mo Member (CAMHS) is in the team and may only look -------------


@pytest.fixture
def lead_membership(child, lead_professional):
    membership = team_member_add(
        actor=lead_professional, child=child, kind=PROFESSIONAL, user=lead_professional
    )
    lead_professional_appoint(actor=lead_professional, membership=membership, route="social_care")
    share_with(child, lead_professional, "plans")  # meetings and actions follow consent
    return membership


@pytest.fixture
def team_member():
    return ProfessionalFactory(
        username="member", display_name="Mo Member", organisation__role="camhs-clinician"
    )


@pytest.fixture
def member_membership(child, lead_professional, lead_membership, team_member):
    membership = team_member_add(
        actor=lead_professional,
        child=child,
        kind=PROFESSIONAL,
        user=team_member,
        offering="Weekly sessions on managing anxiety",
        contact_details="Duty line 01632 960000",
    )
    share_with(child, team_member, "plans", actor=lead_professional)
    return membership


@pytest.fixture
def lead_client(api_client, lead_professional, lead_membership):
    api_client.force_authenticate(lead_professional)
    return api_client


@pytest.fixture
def member_client(member_membership, team_member):
    client = APIClient()
    client.force_authenticate(team_member)
    return client


@pytest.fixture
def meeting(child, lead_professional, member_membership, team_member):
    return meeting_record(
        actor=lead_professional,
        child=child,
        kind=Meeting.Kind.TEAM_AROUND_CHILD,
        held_at=timezone.now() - datetime.timedelta(days=1),
        young_person_views="I want to stay at my school.",
        # Owned by the lead, so the member (who may only look) is refused when they try to complete it.
        actions=[{"description": "Book a CAMHS review", "owner": lead_professional, "due_on": _today()}],
    )


@pytest.fixture
def action(meeting):
    return meeting.actions.get()


# --- Who may call what ----------------------------------------------------------------------------

READS = ["team/", "meetings/", "actions/"]
WRITES = [
    ("team/members/", {"kind": "trusted_adult", "person_name": "Coach Dee"}),
    ("team/members/{membership}/end/", {}),
    ("team/members/{membership}/trusted-worker/", {}),
    ("team/members/{membership}/direct-contact/", {"reason": "Needs it", "confirmed": True}),
    ("lead-professional/", {"membership": "{membership}", "route": "social_care"}),
    ("lead-professional/hand-over/", {"successor": "{membership}", "note": "Knows her well"}),
    ("trusted-worker/hand-over/", {"successor": "{membership}", "note": "Knows her well"}),
    ("meetings/", {"kind": "network", "held_at": "2030-01-01T10:00:00Z"}),
    ("actions/", {"description": "Call school", "owner": "{owner}", "due_on": "2030-01-01"}),
    ("actions/{action}/complete/", {}),
]


def _fill(template, *, membership, action, owner):
    """Put the fixtures' ids into a path or payload template."""
    ids = {"membership": membership.public_id, "action": action.public_id, "owner": owner.public_id}
    if isinstance(template, dict):
        return {
            key: _fill(value, membership=membership, action=action, owner=owner)
            for key, value in template.items()
        }
    return template.format(**ids) if isinstance(template, str) else template


def _every_endpoint(child, membership, action, owner):
    for path in READS:
        yield "get", child_url(child, path), None
    yield "get", child_url(child, f"meetings/{action.meeting.public_id}/"), None
    for path, payload in WRITES:
        filled = _fill(payload, membership=membership, action=action, owner=owner)
        yield "post", child_url(child, _fill(path, membership=membership, action=action, owner=owner)), filled


def test_anonymous_callers_get_401_everywhere(api_client, child, member_membership, action, team_member):
    calls = [*_every_endpoint(child, member_membership, action, team_member), ("get", CASELOAD_URL, None)]
    for method, url, payload in calls:
        response = getattr(api_client, method)(url, payload, format="json")
        assert response.status_code == 401, (method, url)
        assert response.json()["errors"][0]["code"] == "not_authenticated"


def test_an_outsider_gets_404_everywhere_and_nothing_is_recorded(
    api_client, outsider, child, member_membership, action, team_member
):
    api_client.force_authenticate(outsider)
    # Only the refusals themselves are recorded (apps/audit/middleware.py): nothing read, nothing changed.
    recorded = AuditEvent.objects.exclude(action=AuditEvent.Action.REFUSED)
    events = recorded.count()
    for method, url, payload in _every_endpoint(child, member_membership, action, team_member):
        response = getattr(api_client, method)(url, payload, format="json")
        assert response.status_code == 404, (method, url)
        assert response.json()["errors"][0]["code"] == "not_found"
    assert recorded.count() == events


def test_a_team_member_can_read_the_team_meetings_and_actions(member_client, child, meeting):
    for path in [*READS, f"meetings/{meeting.public_id}/"]:
        assert member_client.get(child_url(child, path)).status_code == 200, path


@pytest.mark.parametrize(("path", "payload"), WRITES)
def test_a_team_member_who_may_only_look_gets_403_on_every_write(
    member_client, child, member_membership, action, team_member, path, payload
):
    filled = _fill(payload, membership=member_membership, action=action, owner=team_member)
    url = child_url(child, _fill(path, membership=member_membership, action=action, owner=team_member))
    response = member_client.post(url, filled, format="json")
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "permission_denied"


def test_the_lead_asking_about_another_child_gets_404(lead_client, member_membership, action, team_member):
    other = ChildFactory()
    for method, url, payload in _every_endpoint(other, member_membership, action, team_member):
        assert getattr(lead_client, method)(url, payload, format="json").status_code == 404, url


def test_a_membership_meeting_or_action_of_another_child_is_404_in_the_path(
    lead_client, lead_professional, child, member_membership
):
    other = ChildFactory()
    child_access_grant(child=other, user=lead_professional, basis=AccessGrant.Basis.CREATOR, granted_by=None)
    for path in [
        f"team/members/{member_membership.public_id}/end/",
        f"team/members/{member_membership.public_id}/trusted-worker/",
        f"team/members/{NOT_A_MEMBERSHIP}/direct-contact/",
        "team/members/not-a-uuid/end/",
        f"actions/{uuid.uuid4()}/complete/",
    ]:
        response = lead_client.post(child_url(other, path), {}, format="json")
        assert response.status_code == 404, path
    assert member_membership.ended_on is None
    share_with(other, lead_professional, "plans")  # so the meeting lookup itself is what answers
    assert lead_client.get(child_url(other, f"meetings/{uuid.uuid4()}/")).status_code == 404


def test_meetings_without_consent_to_share_plans_are_withheld_not_shown(api_client, child, lead_professional):
    from apps.teams.services import team_member_add as join

    reader = ProfessionalFactory()
    join(actor=lead_professional, child=child, kind=PROFESSIONAL, user=reader)
    api_client.force_authenticate(reader)
    response = api_client.get(child_url(child, "meetings/"))
    assert response.status_code == 403
    (error,) = response.json()["errors"]
    assert error["code"] == "withheld"
    assert error["detail"].startswith("Withheld: No consent or role of yours covers")
    assert "safeguarding override, would open it" in error["detail"]
    assert api_client.get(child_url(child, "team/")).status_code == 200  # the roster is the team's to see


def test_a_membership_of_another_child_in_the_body_is_a_400_naming_the_field(
    lead_client, lead_professional, child, member_membership
):
    other = ChildFactory()
    child_access_grant(child=other, user=lead_professional, basis=AccessGrant.Basis.CREATOR, granted_by=None)
    response = lead_client.post(
        child_url(other, "lead-professional/"),
        {"membership": str(member_membership.public_id), "route": "social_care"},
        format="json",
    )
    assert response.status_code == 400
    assert _error_attrs(response) == ["membership"]
    assert not LeadProfessionalAppointment.objects.filter(child=other).exists()


# --- Leaving the team ------------------------------------------------------------------------------


def test_leaving_the_team_revokes_api_access_on_the_very_next_request(
    lead_client, child, member_membership, team_member
):
    signed_in = APIClient().post(
        "/api/v1/auth/token/", {"username": "member", "password": PASSWORD, "otp_code": current_code()}
    )
    member = APIClient()
    member.credentials(HTTP_AUTHORIZATION=f"Token {signed_in.json()['token']}")
    assert member.get(child_url(child)).status_code == 200
    assert member.get(child_url(child, "team/")).status_code == 200

    response = lead_client.post(child_url(child, f"team/members/{member_membership.public_id}/end/"), {})

    assert response.status_code == 200, response.json()
    assert response.json()["ended_on"] == _today().isoformat()
    assert member.get(child_url(child)).status_code == 404
    assert member.get(child_url(child, "team/")).status_code == 404
    event = _api_event(AuditEvent.Action.UPDATE, member_membership)
    assert event.detail == {"fields": ["ended_on"]}
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.REVOKE, child=child, interface=AuditEvent.Interface.API
    ).exists()


def test_a_membership_cannot_end_before_it_started(lead_client, child, member_membership):
    day_before = member_membership.started_on - datetime.timedelta(days=1)

    response = lead_client.post(
        child_url(child, f"team/members/{member_membership.public_id}/end/"),
        {"ended_on": day_before.isoformat()},
    )

    assert response.status_code == 400
    assert _error_attrs(response) == ["ended_on"]
    assert "when they joined" in response.json()["errors"][0]["detail"]
    member_membership.refresh_from_db()
    assert member_membership.ended_on is None


def test_the_lead_professional_cannot_simply_leave(lead_client, child, lead_membership):
    response = lead_client.post(child_url(child, f"team/members/{lead_membership.public_id}/end/"), {})
    assert response.status_code == 400
    assert _error_attrs(response) == ["membership"]
    assert "Hand over" in response.json()["errors"][0]["detail"]


# --- The roster -------------------------------------------------------------------------------------


def test_the_team_shows_members_the_lead_and_continuity_by_public_ids(
    lead_client, child, lead_professional, lead_membership, member_membership, team_member
):
    response = lead_client.get(child_url(child, "team/"))

    assert response.status_code == 200
    body = response.json()
    by_id = {member["public_id"]: member for member in body["members"]}
    lead, member = by_id[str(lead_membership.public_id)], by_id[str(member_membership.public_id)]
    assert lead["is_lead_professional"] is True
    assert lead["user"] == str(lead_professional.public_id)
    assert member == {
        "public_id": str(member_membership.public_id),
        "kind": "professional",
        "user": str(team_member.public_id),
        "name": "Mo Member",
        "role": "CAMHS clinician",
        "organisation": {
            "public_id": str(member_membership.organisation.public_id),
            "name": member_membership.organisation.name,
        },
        "offering": "Weekly sessions on managing anxiety",
        "offering_withheld": False,
        "offer_for_young_person": "",
        "offer_for_young_person_withheld": False,
        "contact_details": "Duty line 01632 960000",
        "started_on": _today().isoformat(),
        "ended_on": None,
        "is_trusted_worker": False,
        "has_direct_contact": True,
        "direct_contact_reason": "",
        "direct_contact_reason_withheld": False,
        "is_lead_professional": False,
    }
    assert body["lead_professional"]["membership"] == str(lead_membership.public_id)
    assert body["lead_professional"]["route"] == "social_care"
    assert body["lead_professional"]["started_on"] == _today().isoformat()
    assert body["offered_first_as_lead"] == [str(lead_membership.public_id)]  # She is a social worker.
    assert body["continuity"] == {"lead_professionals": 1, "social_workers": 1, "alert_threshold": 3}
    assert _no_integer_keys(body)
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, child=child, interface=AuditEvent.Interface.API
    ).exists()


# --- Adding members -------------------------------------------------------------------------------


def test_the_lead_adds_a_professional_by_user_id_and_they_can_then_see_the_child(lead_client, child):
    youth_worker = ProfessionalFactory(display_name="Yara Youth", organisation__role="youth-worker")

    response = lead_client.post(
        child_url(child, "team/members/"),
        {"kind": "professional", "user": str(youth_worker.public_id), "offering": "Boxing club on Tuesdays"},
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["name"], body["role"], body["is_lead_professional"]) == ("Yara Youth", "Youth worker", False)
    membership = TeamMembership.objects.get(public_id=body["public_id"])
    assert _api_event(AuditEvent.Action.CREATE, membership).actor.username == "lead"
    client = APIClient()
    client.force_authenticate(youth_worker)
    assert client.get(child_url(child)).status_code == 200


def test_the_lead_adds_a_trusted_adult_by_name(lead_client, child):
    response = lead_client.post(
        child_url(child, "team/members/"),
        {
            "kind": "trusted_adult",
            "person_name": "Coach Dee",
            "role_description": "Boxing coach",
            "contact_details": "Through the club",
        },
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["name"], response.json()["role"], response.json()["user"]) == (
        "Coach Dee",
        "Boxing coach",
        None,
    )


@pytest.mark.parametrize(
    ("payload", "attr"),
    [
        ({"kind": "professional"}, "user"),
        ({"kind": "professional", "user": str(uuid.uuid4())}, "user"),
        ({"kind": "professional", "user": "not-a-uuid"}, "user"),
        ({"kind": "sorcerer", "person_name": "X"}, "kind"),
        ({"kind": "caregiver", "caregiver_role": "foster_carer"}, "person_name"),
        ({"kind": "trusted_adult", "person_name": "   "}, "person_name"),
        ({"kind": "caregiver", "person_name": "X", "caregiver_role": "aunt-ish"}, "caregiver_role"),
        ({"kind": "trusted_adult", "person_name": "X", "started_on": "2999-01-01"}, "started_on"),
    ],
)
def test_adding_a_member_with_bad_input_is_a_400_naming_the_field(lead_client, child, payload, attr):
    members = TeamMembership.objects.count()
    response = lead_client.post(child_url(child, "team/members/"), payload)
    assert response.status_code == 400
    assert _error_attrs(response) == [attr]
    assert TeamMembership.objects.count() == members


def test_adding_someone_already_in_the_team_is_a_400_on_user(
    lead_client, child, member_membership, team_member
):
    response = lead_client.post(
        child_url(child, "team/members/"), {"kind": "professional", "user": str(team_member.public_id)}
    )
    assert response.status_code == 400
    assert _error_attrs(response) == ["user"]
    assert "already in the team" in response.json()["errors"][0]["detail"]


# --- The lead professional ----------------------------------------------------------------------------


def test_the_first_lead_professional_is_appointed(api_client, lead_professional, child, team_member):
    membership = team_member_add(actor=lead_professional, child=child, kind=PROFESSIONAL, user=team_member)
    api_client.force_authenticate(lead_professional)

    response = api_client.post(
        child_url(child, "lead-professional/"),
        {"membership": str(membership.public_id), "route": "care_programme_approach"},
    )

    assert response.status_code == 201, response.json()
    appointment = LeadProfessionalAppointment.objects.get(child=child, ended_on__isnull=True)
    assert response.json()["public_id"] == str(appointment.public_id)
    assert response.json()["membership"] == str(membership.public_id)
    assert response.json()["route_name"] == "Care programme approach"
    assert _api_event(AuditEvent.Action.CREATE, appointment).actor == lead_professional


def test_a_second_lead_professional_is_refused_with_the_handover_message_and_nothing_changes(
    lead_client, child, lead_membership, member_membership
):
    before = list(LeadProfessionalAppointment.objects.values_list("pk", "membership_id", "ended_on"))

    response = lead_client.post(
        child_url(child, "lead-professional/"),
        {"membership": str(member_membership.public_id), "route": "team_around_child"},
    )

    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"
    assert response.json()["errors"] == [
        {
            "code": "invalid",
            "detail": "Lena Lead is already this child's lead professional. A child has one lead "
            "professional: keep them, or hand over to a successor.",
            "attr": "membership",
        }
    ]
    assert list(LeadProfessionalAppointment.objects.values_list("pk", "membership_id", "ended_on")) == before


def test_the_lead_hands_over_to_a_successor_who_gets_a_task_to_meet_the_family(
    lead_client, child, lead_membership, member_membership, team_member
):
    overlap = _today() + datetime.timedelta(days=14)

    response = lead_client.post(
        child_url(child, "lead-professional/hand-over/"),
        {
            "successor": str(member_membership.public_id),
            "note": "Sam likes to meet at the library.",
            "overlap_until": overlap.isoformat(),
        },
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["role"], body["from_membership"], body["to_membership"]) == (
        "lead_professional",
        str(lead_membership.public_id),
        str(member_membership.public_id),
    )
    assert body["overlap_until"] == overlap.isoformat()
    [task] = body["actions"]
    assert task["owner"] == {"public_id": str(team_member.public_id), "name": "Mo Member"}
    assert task["due_on"] == overlap.isoformat()
    current = LeadProfessionalAppointment.objects.get(child=child, ended_on__isnull=True)
    assert current.membership == member_membership
    assert _api_event(AuditEvent.Action.CREATE, Handover.objects.get()).child == child


def test_a_handover_without_a_successor_names_successor_and_changes_nothing(
    lead_client, child, lead_membership
):
    response = lead_client.post(child_url(child, "lead-professional/hand-over/"), {"note": "Over to you"})

    assert response.status_code == 400
    assert _error_attrs(response) == ["successor"]
    assert response.json()["errors"][0]["detail"] == "Name the successor who is taking over"
    assert (
        LeadProfessionalAppointment.objects.get(child=child, ended_on__isnull=True).membership
        == lead_membership
    )
    assert not Handover.objects.exists()


def test_a_handover_to_someone_in_another_childs_team_names_successor(
    lead_client, lead_professional, child, lead_membership
):
    other = ChildFactory()
    elsewhere = team_member_add(
        actor=lead_professional, child=other, kind=PROFESSIONAL, user=ProfessionalFactory()
    )
    response = lead_client.post(
        child_url(child, "lead-professional/hand-over/"),
        {"successor": str(elsewhere.public_id), "note": "Over to you"},
    )
    assert response.status_code == 400
    assert _error_attrs(response) == ["successor"]
    assert not Handover.objects.exists()


def test_a_handover_when_the_child_has_no_lead_is_a_400(api_client, lead_professional, child, team_member):
    membership = team_member_add(actor=lead_professional, child=child, kind=PROFESSIONAL, user=team_member)
    api_client.force_authenticate(lead_professional)
    response = api_client.post(
        child_url(child, "lead-professional/hand-over/"),
        {"successor": str(membership.public_id), "note": "Over to you"},
    )
    assert response.status_code == 400
    assert _error_attrs(response) == ["non_field_errors"]


# --- Team around the worker -----------------------------------------------------------------------------


def test_naming_the_trusted_worker_makes_others_supporting_members(
    lead_client, child, lead_membership, member_membership
):
    response = lead_client.post(child_url(child, f"team/members/{lead_membership.public_id}/trusted-worker/"))

    assert response.status_code == 200, response.json()
    assert response.json()["is_trusted_worker"] is True
    member_membership.refresh_from_db()
    assert member_membership.has_direct_contact is False
    assert _api_event(AuditEvent.Action.UPDATE, lead_membership).detail == {"fields": ["is_trusted_worker"]}


def test_in_taw_mode_direct_contact_needs_a_reason_and_confirmation(
    lead_client, child, lead_membership, member_membership
):
    lead_client.post(child_url(child, f"team/members/{lead_membership.public_id}/trusted-worker/"))
    url = child_url(child, f"team/members/{member_membership.public_id}/direct-contact/")

    without_reason = lead_client.post(url, {"confirmed": True})
    unconfirmed = lead_client.post(url, {"reason": "Specialist assessment of low mood"})

    assert (without_reason.status_code, _error_attrs(without_reason)) == (400, ["reason"])
    assert (unconfirmed.status_code, _error_attrs(unconfirmed)) == (400, ["confirmed"])
    member_membership.refresh_from_db()
    assert member_membership.has_direct_contact is False

    response = lead_client.post(url, {"reason": "Specialist assessment of low mood", "confirmed": True})

    assert response.status_code == 200, response.json()
    assert response.json()["has_direct_contact"] is True
    assert response.json()["direct_contact_reason"] == "Specialist assessment of low mood"
    assert _api_event(AuditEvent.Action.UPDATE, member_membership).detail == {
        "fields": ["has_direct_contact", "direct_contact_reason", "direct_contact_reason_category"]
    }


def test_the_trusted_worker_hands_over(lead_client, child, lead_membership, member_membership):
    lead_client.post(child_url(child, f"team/members/{lead_membership.public_id}/trusted-worker/"))

    response = lead_client.post(
        child_url(child, "trusted-worker/hand-over/"),
        {"successor": str(member_membership.public_id), "note": "Sam trusts Mo already."},
    )

    assert response.status_code == 201, response.json()
    assert response.json()["role"] == "trusted_worker"
    member_membership.refresh_from_db()
    assert (member_membership.is_trusted_worker, member_membership.has_direct_contact) == (True, True)
    assert _api_event(AuditEvent.Action.CREATE, Handover.objects.get()).child == child


def test_a_trusted_worker_handover_without_a_trusted_worker_is_a_400(lead_client, child, member_membership):
    response = lead_client.post(
        child_url(child, "trusted-worker/hand-over/"),
        {"successor": str(member_membership.public_id), "note": "Over to you"},
    )
    assert response.status_code == 400
    assert _error_attrs(response) == ["non_field_errors"]


# --- Meetings and actions -----------------------------------------------------------------------------


def _meeting_payload(**overrides) -> dict:
    return {
        "kind": "team_around_child",
        "held_at": (timezone.now() - datetime.timedelta(hours=2)).isoformat(),
        "location": "School",
        "young_person_views": "I want to keep going to football.",
        "decisions": "CAMHS to offer weekly sessions.",
        **overrides,
    }


def test_recording_a_meeting_with_who_came_and_what_was_agreed(
    lead_client, child, member_membership, team_member
):
    due = _today() + datetime.timedelta(days=10)
    payload = _meeting_payload(
        participants=[
            {"membership": str(member_membership.public_id), "attended": True},
            {"name": "Ada Okafor (mother)", "attended": False},
        ],
        actions=[
            {"description": "Book a CAMHS review", "owner": str(team_member.public_id), "due_on": str(due)}
        ],
    )

    response = lead_client.post(child_url(child, "meetings/"), payload)

    assert response.status_code == 201, response.json()
    body = response.json()
    meeting = Meeting.objects.get(public_id=body["public_id"])
    assert response.headers["Location"] == child_url(child, f"meetings/{meeting.public_id}/")
    assert body["participants"] == [
        {
            "membership": str(member_membership.public_id),
            "name": "Mo Member",
            "invited": True,
            "attended": True,
        },
        {"membership": None, "name": "Ada Okafor (mother)", "invited": True, "attended": False},
    ]
    [action] = body["actions"]
    assert action["owner"]["public_id"] == str(team_member.public_id)
    assert action["meeting"] == str(meeting.public_id)
    assert _api_event(AuditEvent.Action.CREATE, meeting).detail == {"participants": 2, "actions": 1}
    assert lead_client.get(child_url(child, f"meetings/{meeting.public_id}/")).json() == body


def test_an_action_without_an_owner_names_it_and_nothing_is_saved(lead_client, child, member_membership):
    payload = _meeting_payload(actions=[{"description": "Call school", "due_on": str(_today())}])

    response = lead_client.post(child_url(child, "meetings/"), payload)

    assert response.status_code == 400
    assert _error_attrs(response) == ["actions.0.owner"]
    assert "one owner" in response.json()["errors"][0]["detail"]
    assert not Meeting.objects.exists()


def test_an_action_owner_or_participant_from_another_childs_team_is_named(
    lead_client, lead_professional, child, member_membership
):
    stranger = ProfessionalFactory()
    other_membership = team_member_add(
        actor=lead_professional, child=ChildFactory(), kind=PROFESSIONAL, user=stranger
    )
    payload = _meeting_payload(
        participants=[{"membership": str(other_membership.public_id)}],
        actions=[{"description": "Call school", "owner": str(stranger.public_id), "due_on": str(_today())}],
    )

    response = lead_client.post(child_url(child, "meetings/"), payload)

    assert response.status_code == 400
    assert sorted(_error_attrs(response)) == ["actions.0.owner", "participants.0.membership"]
    assert not Meeting.objects.exists()


def test_a_meeting_that_happened_needs_the_young_persons_views(lead_client, child, member_membership):
    response = lead_client.post(child_url(child, "meetings/"), _meeting_payload(young_person_views=""))
    assert response.status_code == 400
    assert _error_attrs(response) == ["young_person_views"]


def test_the_meetings_list_is_paged_and_fetched_in_a_fixed_number_of_queries(
    lead_client, child, meeting, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        response = lead_client.get(child_url(child, "meetings/"))
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert response.json()["results"][0]["public_id"] == str(meeting.public_id)


def test_agreeing_an_action_outside_a_meeting(lead_client, child, member_membership, team_member):
    response = lead_client.post(
        child_url(child, "actions/"),
        {
            "description": "Ring the school nurse",
            "owner": str(team_member.public_id),
            "due_on": str(_today()),
        },
    )
    assert response.status_code == 201, response.json()
    action = Action.objects.get(public_id=response.json()["public_id"])
    assert (action.owner, action.meeting) == (team_member, None)
    assert _api_event(AuditEvent.Action.CREATE, action).actor.username == "lead"


def test_an_action_without_an_owner_names_owner(lead_client, child, member_membership):
    response = lead_client.post(
        child_url(child, "actions/"), {"description": "Ring the school nurse", "due_on": str(_today())}
    )
    assert response.status_code == 400
    assert _error_attrs(response) == ["owner"]
    assert not Action.objects.exists()


def test_listing_only_open_actions(lead_client, child, action):
    Action.objects.filter(pk=action.pk).update(completed_on=_today())
    assert lead_client.get(child_url(child, "actions/")).json()["count"] == 1
    assert lead_client.get(child_url(child, "actions/"), {"open": "true"}).json()["count"] == 0


def test_completing_an_action(lead_client, child, action):
    response = lead_client.post(child_url(child, f"actions/{action.public_id}/complete/"), {})
    assert response.status_code == 200, response.json()
    assert response.json()["completed_on"] == _today().isoformat()
    action.refresh_from_db()
    assert action.completed_on == _today()
    assert _api_event(AuditEvent.Action.UPDATE, action).detail == {"fields": ["completed_on"]}


def test_an_action_cannot_be_completed_in_the_future(lead_client, child, action):
    tomorrow = _today() + datetime.timedelta(days=1)
    response = lead_client.post(
        child_url(child, f"actions/{action.public_id}/complete/"), {"completed_on": str(tomorrow)}
    )
    assert response.status_code == 400
    assert _error_attrs(response) == ["completed_on"]


# --- The caseload ----------------------------------------------------------------------------------


def _lead_for(user: User, count: int) -> None:
    """Make ``user`` the lead professional for ``count`` new children, each with something to show."""
    for _ in range(count):
        record = ChildFactory()
        child_access_grant(child=record, user=user, basis=AccessGrant.Basis.CREATOR, granted_by=None)
        membership = TeamMembership.objects.create(
            child=record, kind=PROFESSIONAL, user=user, started_on=datetime.date(2025, 1, 1)
        )
        LeadProfessionalAppointment.objects.create(
            child=record, membership=membership, route="early_help", started_on=datetime.date(2025, 1, 1)
        )
        Action.objects.create(
            child=record, description="Overdue", owner=user, due_on=datetime.date(2025, 2, 1)
        )
        Meeting.objects.create(
            child=record, kind="network", held_at=timezone.now() + datetime.timedelta(days=7)
        )
        VulnerabilityFlag.objects.create(
            child=record,
            type=vulnerability_type("young-carer"),
            source="school",
            identified_on=datetime.date(2025, 1, 1),
        )


def test_the_caseload_lists_the_children_i_lead_for_with_what_needs_attention(
    lead_client, lead_professional, child, lead_membership, member_membership, team_member
):
    Action.objects.create(
        child=child, description="Late", owner=team_member, due_on=_today() - datetime.timedelta(days=3)
    )
    ChildFactory()  # Not mine.

    response = lead_client.get(CASELOAD_URL)

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["public_id"] == str(child.public_id)
    assert row["known_as"] == "Sam Okafor"
    assert (row["overdue_action_count"], row["current_flag_count"], row["needs_attention"]) == (1, 0, True)
    assert set(row) == {
        "public_id",
        "known_as",
        "date_of_birth",
        "current_social_work_status",
        "current_flag_count",
        "overdue_action_count",
        "next_meeting_at",
        "turns_18_on",
        "needs_attention",
        "missed_in_a_row",
        "open_follow_up_count",
        "overdue_follow_up_count",
        "waiting_since",
        "consent_gaps",
    }
    assert row["waiting_since"] is None  # Not waiting.
    # The lead professional sees the appointments she coordinates: none missed, so zero, not withheld.
    assert row["missed_in_a_row"] == 0
    event = AuditEvent.objects.get(action=AuditEvent.Action.LIST, child=child)
    assert (event.actor, event.interface) == (lead_professional, AuditEvent.Interface.API)


def test_the_caseload_can_be_narrowed_and_sorted(lead_client, child, lead_membership):
    assert lead_client.get(CASELOAD_URL, {"only": "overdue"}).json()["count"] == 0
    assert lead_client.get(CASELOAD_URL, {"sort": "flags"}).json()["count"] == 1
    response = lead_client.get(CASELOAD_URL, {"sort": "shoe-size"})
    assert response.status_code == 400
    assert _error_attrs(response) == ["sort"]


def test_a_team_member_who_is_not_lead_has_an_empty_caseload(member_client):
    assert member_client.get(CASELOAD_URL).json()["count"] == 0


def test_the_caseload_runs_the_same_number_of_queries_at_5_and_50_children(
    api_client, lead_professional, django_assert_num_queries
):
    def caseload_page():
        # A fresh user object each time, as a real request has: nothing cached from the last one.
        api_client.force_authenticate(User.objects.get(pk=lead_professional.pk))
        response = api_client.get(CASELOAD_URL, {"page_size": 100})
        assert response.status_code == 200
        return response.json()

    _lead_for(lead_professional, 5)
    caseload_page()  # Warm any per-process caches.
    with CaptureQueriesContext(connection) as five:
        body = caseload_page()
    assert body["count"] == 5
    assert body["results"][0]["overdue_action_count"] == 1
    assert body["results"][0]["next_meeting_at"] is not None

    _lead_for(lead_professional, 45)
    with django_assert_num_queries(len(five)):
        assert len(caseload_page()["results"]) == 50


def test_the_owner_of_an_action_marks_it_done_without_change_rights(
    api_client, child, member_membership, team_member, lead_professional
):
    from apps.teams.services import action_add

    own = action_add(
        actor=lead_professional,
        child=child,
        description="Send the letter",
        owner=team_member,
        due_on=_today(),
    )
    api_client.force_authenticate(team_member)
    response = api_client.post(child_url(child, f"actions/{own.public_id}/complete/"), {}, format="json")
    assert response.status_code == 200
    assert response.json()["completed_on"] == _today().isoformat()
    again = api_client.post(child_url(child, f"actions/{own.public_id}/complete/"), {}, format="json")
    assert again.status_code == 400
