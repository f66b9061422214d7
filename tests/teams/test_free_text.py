"""Free text is held in the category of what it describes (issue 11, "free text leaks across categories").

Each kind of free text in the team around the child (what a member offers, what they offer the young person
in plain words, the direct-contact reason, a meeting's decisions, an action) may say it describes a sensitive
category. A professional who may not see that category reads "withheld" and why, never the text, on the
page and in the API; one who may, reads it; a category that is not one of the choices is a clear error.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.notifications.models import Notification
from apps.teams.models import Action, Meeting, TeamMembership
from apps.teams.services import (
    action_add,
    action_reminder_sweep,
    meeting_record,
    team_member_add,
    team_member_direct_contact_give,
    team_member_offer_for_young_person_set,
    trusted_worker_name,
)
from tests.auth import sign_in
from tests.factories import ProfessionalFactory, share_with
from tests.teams.factories import lead_for, professional_joins

pytestmark = pytest.mark.django_db

SECRET = "weekly sessions about his cannabis use"
SENSITIVE = "substance_misuse"
PROFESSIONAL = TeamMembership.Kind.PROFESSIONAL


@dataclass(frozen=True)
class Kind:
    """One kind of free text: where it is written, and where it is read."""

    name: str
    field: str  # in the API's output
    page: str  # "team" or "meeting"
    api: str  # "team", "meetings" or "actions"


KINDS = [
    Kind("offering", "offering", "team", "team"),
    Kind("offer_for_young_person", "offer_for_young_person", "team", "team"),
    Kind("direct_contact_reason", "direct_contact_reason", "team", "team"),
    Kind("decisions", "decisions", "meeting", "meetings"),
    Kind("action", "description", "meeting", "actions"),
]


def _yesterday() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=1)


@pytest.fixture
def lead(child, lead_professional):
    """Lena Lead coordinates, and the young person's consent lets her see plans and substance misuse."""
    membership = professional_joins(child, lead_professional)
    lead_for(child, lead_professional)
    share_with(child, lead_professional, "plans", SENSITIVE)
    return membership


@pytest.fixture
def reader(child, lead_professional, lead):
    """A team member with consent to plans, but not to substance misuse."""
    person = ProfessionalFactory(username="reader-without", display_name="Rory Reader")
    team_member_add(actor=lead_professional, child=child, kind=PROFESSIONAL, user=person)
    share_with(child, person, "plans")
    return person


@pytest.fixture
def consented_reader(child, lead_professional, lead):
    """A team member whose consent names substance misuse."""
    person = ProfessionalFactory(username="reader-with", display_name="Cora Consented")
    team_member_add(actor=lead_professional, child=child, kind=PROFESSIONAL, user=person)
    share_with(child, person, "plans", SENSITIVE)
    return person


def _write(kind: Kind, *, child, actor, category: str = SENSITIVE) -> Meeting | None:
    """Write ``SECRET`` as this kind of free text, describing ``category``; the meeting it is in, if any."""
    if kind.name == "offering":
        team_member_add(
            actor=actor,
            child=child,
            kind=TeamMembership.Kind.TRUSTED_ADULT,
            person_name="Alex Mentor",
            offering=SECRET,
            offering_category=category,
        )
    elif kind.name == "offer_for_young_person":
        membership = child.team_memberships.get(user=actor)
        team_member_offer_for_young_person_set(
            actor=actor, membership=membership, offer=SECRET, offer_category=category
        )
    elif kind.name == "direct_contact_reason":
        worker = ProfessionalFactory(display_name="Tia Trusted")
        trusted_worker_name(actor=actor, membership=professional_joins(child, worker, actor=actor))
        team_member_direct_contact_give(
            actor=actor,
            membership=child.team_memberships.get(user=actor),
            reason=SECRET,
            reason_category=category,
            confirmed=True,
        )
    elif kind.name == "decisions":
        return meeting_record(
            actor=actor,
            child=child,
            kind=Meeting.Kind.TEAM_AROUND_CHILD,
            held_at=_yesterday(),
            young_person_views="I want to keep going to boxing.",
            decisions=SECRET,
            decisions_category=category,
        )
    else:
        meeting = meeting_record(
            actor=actor,
            child=child,
            kind=Meeting.Kind.TEAM_AROUND_CHILD,
            held_at=_yesterday(),
            young_person_views="I want to keep going to boxing.",
        )
        action_add(
            actor=actor,
            child=child,
            description=SECRET,
            description_category=category,
            owner=actor,
            due_on=timezone.localdate() + datetime.timedelta(days=7),
            meeting=meeting,
        )
        return meeting
    return None


def _api_items(kind: Kind, response) -> list[dict]:
    body = response.json()
    if kind.api == "team":
        return body["members"]
    return body["results"]


def _api_get(user, child, kind: Kind):
    client = APIClient()
    client.force_authenticate(user)
    return client.get(f"/api/v1/children/{child.public_id}/{kind.api}/")


def _page(client, child, kind: Kind, meeting: Meeting | None):
    if kind.page == "team":
        return client.get(reverse("teams:team", args=[child.public_id]))
    return client.get(reverse("teams:meeting-detail", args=[child.public_id, meeting.public_id]))


# --- The API -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_a_professional_without_the_category_gets_the_text_empty_and_marked_withheld_in_the_api(
    kind, child, lead_professional, lead, reader
):
    _write(kind, child=child, actor=lead_professional)
    response = _api_get(reader, child, kind)
    assert response.status_code == 200
    assert SECRET not in response.content.decode()
    withheld = [item for item in _api_items(kind, response) if item[f"{kind.field}_withheld"]]
    assert len(withheld) == 1
    assert withheld[0][kind.field] == ""  # Still a string: the record's other fields are all there.
    assert withheld[0]["public_id"]


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_a_professional_with_the_category_reads_the_text_in_the_api(
    kind, child, lead_professional, lead, consented_reader
):
    _write(kind, child=child, actor=lead_professional)
    response = _api_get(consented_reader, child, kind)
    assert response.status_code == 200
    (item,) = [item for item in _api_items(kind, response) if item[kind.field] == SECRET]
    assert item[f"{kind.field}_withheld"] is False


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_text_in_its_home_category_is_read_by_everyone_who_sees_the_record(
    kind, child, lead_professional, lead, reader
):
    home = "team" if kind.api == "team" else "plans"
    _write(kind, child=child, actor=lead_professional, category=home)
    response = _api_get(reader, child, kind)
    assert [item[kind.field] for item in _api_items(kind, response) if item[kind.field] == SECRET] == [SECRET]


def test_without_the_callers_access_decision_the_api_shapes_show_no_text(child, lead_professional, lead):
    from apps.teams.api import TeamMemberOutputSerializer

    _write(KINDS[0], child=child, actor=lead_professional, category="team")
    membership = child.team_memberships.get(offering=SECRET)
    data = TeamMemberOutputSerializer(membership).data
    assert data["offering"] == ""
    assert data["offering_withheld"] is True


NEW_MEMBER = {"kind": "trusted_adult", "person_name": "Alex Mentor"}
PLANNED_MEETING = {"kind": "network", "held_at": "2030-01-01T10:00:00Z"}


@pytest.mark.parametrize(
    ("path", "body", "attr"),
    [
        ("team/members/", {**NEW_MEMBER, "offering_category": "gossip"}, "offering_category"),
        ("actions/", {"description": "Call", "description_category": "core"}, "description_category"),
        ("meetings/", {**PLANNED_MEETING, "decisions_category": "gossip"}, "decisions_category"),
    ],
)
def test_an_unknown_category_is_a_clear_400_and_nothing_is_saved(
    path, body, attr, child, lead_professional, lead
):
    client = APIClient()
    client.force_authenticate(lead_professional)
    before = (TeamMembership.objects.count(), Action.objects.count(), Meeting.objects.count())
    response = client.post(f"/api/v1/children/{child.public_id}/{path}", body, format="json")
    assert response.status_code == 400
    (error,) = [error for error in response.json()["errors"] if error["attr"] == attr]
    assert "Choose what this text describes" in error["detail"]
    assert (TeamMembership.objects.count(), Action.objects.count(), Meeting.objects.count()) == before


def test_a_meetings_actions_name_their_own_unknown_category(child, lead_professional, lead):
    client = APIClient()
    client.force_authenticate(lead_professional)
    body = {
        "kind": "network",
        "held_at": "2030-01-01T10:00:00Z",
        "actions": [{"description": "Call", "description_category": "gossip"}],
    }
    response = client.post(f"/api/v1/children/{child.public_id}/meetings/", body, format="json")
    assert response.status_code == 400
    assert "actions.0.description_category" in [error["attr"] for error in response.json()["errors"]]
    assert not Meeting.objects.exists()


def test_the_direct_contact_reason_refuses_an_unknown_category(child, lead_professional, lead):
    membership = child.team_memberships.get(user=lead_professional)
    client = APIClient()
    client.force_authenticate(lead_professional)
    response = client.post(
        f"/api/v1/children/{child.public_id}/team/members/{membership.public_id}/direct-contact/",
        {"reason": "Needs it", "reason_category": "referrals"},
        format="json",
    )
    assert response.status_code == 400
    assert [error["attr"] for error in response.json()["errors"]] == ["reason_category"]
    membership.refresh_from_db()
    assert membership.direct_contact_reason == ""


def test_a_sensitive_action_goes_only_to_an_owner_who_may_read_it(child, lead_professional, lead, reader):
    with pytest.raises(ValidationError, match="could not read this action"):
        action_add(
            actor=lead_professional,
            child=child,
            description=SECRET,
            description_category=SENSITIVE,
            owner=reader,
            due_on=timezone.localdate(),
        )
    assert not Action.objects.exists()


# --- The pages -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_a_professional_without_the_category_sees_withheld_and_why_on_the_page(
    kind, client, child, lead_professional, lead, reader
):
    meeting = _write(kind, child=child, actor=lead_professional)
    sign_in(client, reader)
    response = _page(client, child, kind, meeting)
    assert response.status_code == 200
    page = response.content.decode()
    assert SECRET not in page
    assert "Withheld." in page or "The reason is withheld." in page
    assert "shared only with consent that names it" in page


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_a_professional_with_the_category_reads_the_text_on_the_page(
    kind, client, child, lead_professional, lead, consented_reader
):
    meeting = _write(kind, child=child, actor=lead_professional)
    sign_in(client, consented_reader)
    response = _page(client, child, kind, meeting)
    assert SECRET in response.content.decode()


def test_marking_a_sensitive_action_done_does_not_quote_it_to_someone_without_the_category(
    client, child, lead_professional, lead, reader
):
    _write(KINDS[-1], child=child, actor=lead_professional)
    action = Action.objects.get(description=SECRET)
    change_without_sensitive = ProfessionalFactory(display_name="Ché Changer")
    from apps.sharing.models import AccessGrant
    from apps.sharing.services import child_access_grant

    child_access_grant(
        child=child,
        user=change_without_sensitive,
        basis=AccessGrant.Basis.ADMINISTRATOR,
        granted_by=None,
        reason="Covering the lead professional's leave.",
    )
    sign_in(client, change_without_sensitive)
    response = client.get(reverse("teams:action-complete", args=[child.public_id, action.public_id]))
    assert SECRET not in response.content.decode()


def test_the_meeting_form_refuses_an_unknown_category_with_a_form_error(
    client, child, lead_professional, lead
):
    sign_in(client, lead_professional)
    today = timezone.localdate()
    response = client.post(
        reverse("teams:meeting-record", args=[child.public_id]),
        {
            "kind": "network",
            "held_on_0": today.day,
            "held_on_1": today.month,
            "held_on_2": today.year + 1,
            "held_time": "10:00",
            "decisions": SECRET,
            "decisions_category": "gossip",
        },
    )
    assert response.status_code == 200
    assert "Choose what it mentions from the list" in response.content.decode()
    assert not Meeting.objects.exists()


def test_the_action_form_refuses_an_unknown_category_with_a_form_error(
    client, child, lead_professional, lead
):
    sign_in(client, lead_professional)
    response = client.post(
        reverse("teams:action-add", args=[child.public_id]),
        {"description": SECRET, "description_category": "core"},
    )
    assert response.status_code == 200
    assert "Choose what it mentions from the list" in response.content.decode()
    assert not Action.objects.exists()


# --- Messages ------------------------------------------------------------------------------------------


def test_an_overdue_sensitive_action_escalated_to_a_lead_without_the_category_does_not_carry_its_text(
    child, lead_professional, lead, consented_reader
):
    from apps.sharing.access import child_access

    action = action_add(
        actor=lead_professional,
        child=child,
        description=SECRET,
        description_category=SENSITIVE,
        owner=consented_reader,
        due_on=timezone.localdate(),
    )
    Action.objects.filter(pk=action.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=3))
    # The lead professional's consent to substance misuse ends; the escalation still reaches her.
    from apps.consent.models import Consent
    from apps.consent.services import consent_withdraw

    for consent in Consent.objects.filter(recipient_user=lead_professional, categories__category=SENSITIVE):
        consent_withdraw(actor=lead_professional, consent=consent, reason="Asked to stop.")
    assert not child_access(user=lead_professional, child=child).sees(SENSITIVE)
    action_reminder_sweep()
    notification = Notification.objects.get(
        kind=Notification.Kind.ACTION_OVERDUE, recipient=lead_professional
    )
    assert SECRET not in notification.body
