"""The browser and the API answer the team's rules the same way, because each rule is decided in one place:
who may mark an action done and which actions are overdue (``apps.teams.models.Action``), and the time of a
meeting (``apps.core.validation.parse_time_of_day``)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from rest_framework.test import APIClient

from apps.teams.models import ACTION_COMPLETE_REFUSED, Action, Meeting
from apps.teams.services import action_reminder_sweep
from tests.auth import sign_in
from tests.factories import ProfessionalFactory, share_with
from tests.teams.factories import action_for, lead_for, professional_joins

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


def page_url(name: str, child, *args) -> str:
    return reverse(f"teams:{name}", args=[child.public_id, *args])


def api_url(child, rest: str) -> str:
    return f"/api/v1/children/{child.public_id}/{rest}"


def date_parts(name: str, value: datetime.date) -> dict:
    return {f"{name}_0": str(value.day), f"{name}_1": str(value.month), f"{name}_2": str(value.year)}


@pytest.fixture
def lead(child, lead_professional):
    lead_for(child, lead_professional)
    share_with(child, lead_professional, "plans")
    return lead_professional


@pytest.fixture
def member(child, lead):
    """A CAMHS clinician in the team who may see the child's plans but not change the record."""
    member = ProfessionalFactory(username="member", organisation__role="camhs-clinician")
    professional_joins(child, member, actor=lead)
    share_with(child, member, "plans", actor=lead)
    return member


def browser(user):
    from django.test import Client

    return sign_in(Client(), user)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- Who may mark an action done ----------------------------------------------------------------


def test_someone_elses_action_is_refused_in_the_same_words_by_the_browser_and_the_api(child, lead, member):
    action = action_for(child, lead)

    page = browser(member).post(
        page_url("action-complete", child, action.public_id), date_parts("completed_on", today())
    )
    response = api(member).post(api_url(child, f"actions/{action.public_id}/complete/"), {}, format="json")

    assert page.status_code == 403
    assert escape(ACTION_COMPLETE_REFUSED) in page.text
    assert response.status_code == 403
    assert response.json()["errors"][0]["detail"] == ACTION_COMPLETE_REFUSED
    action.refresh_from_db()
    assert action.completed_on is None


def test_the_team_page_offers_mark_as_done_exactly_where_the_rule_allows_it(child, lead, member):
    own = action_for(child, member, description="Send the CBT plan to school")
    leads = action_for(child, lead, description="Book the review")

    page = browser(member).get(page_url("team", child)).text

    for action in (own, leads):
        offered = page_url("action-complete", child, action.public_id) in page
        assert offered == action.may_be_completed_by(member, can_change_record=False)
    assert page_url("action-complete", child, own.public_id) in page
    assert page_url("action-complete", child, leads.public_id) not in page


def test_the_owner_who_may_only_look_completes_their_own_action_through_either_interface(child, lead, member):
    by_page = action_for(child, member, description="Ring the school")
    by_api = action_for(child, member, description="Write to the GP")

    page = browser(member).post(
        page_url("action-complete", child, by_page.public_id), date_parts("completed_on", today())
    )
    response = api(member).post(api_url(child, f"actions/{by_api.public_id}/complete/"), {}, format="json")

    assert page.status_code == 302
    assert response.status_code == 200
    assert Action.objects.filter(pk__in=[by_page.pk, by_api.pk], completed_on=today()).count() == 2


# --- Overdue --------------------------------------------------------------------------------------


def test_overdue_means_the_same_on_the_page_in_the_api_on_the_caseload_and_in_the_escalation(child, lead):
    late = action_for(child, lead, due_in_days=-1, description="Ring the school")
    due_today = action_for(child, lead, due_in_days=0, description="Write to the GP")
    action_for(child, lead, due_in_days=3, description="Book the review")
    done_late = action_for(child, lead, due_in_days=-5, description="Send the plan")
    Action.objects.filter(pk=done_late.pk).update(completed_on=today())

    listed = api(lead).get(api_url(child, "actions/")).json()["results"]
    overdue_in_api = {row["description"] for row in listed if row["is_overdue"]}
    page = browser(lead).get(page_url("team", child)).text
    tags_on_page = len(re.findall(r'govuk-tag--red">Overdue<', page))
    [row] = api(lead).get("/api/v1/caseload/").json()["results"]
    escalated = action_reminder_sweep()["overdue"]

    assert overdue_in_api == {"Ring the school"}
    assert {a.description for a in Action.objects.filter(child=child) if a.is_overdue} == {"Ring the school"}
    assert set(Action.objects.overdue().values_list("pk", flat=True)) == {late.pk}
    assert tags_on_page == 1
    assert row["overdue_action_count"] == 1
    assert escalated == 1
    assert not due_today.is_overdue  # Due today is not yet overdue, on every interface.


# --- The time of a meeting ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "clock"),
    [
        ("12am", "00:00"),
        ("12pm", "12:00"),
        ("9:30", "09:30"),
        ("09:30", "09:30"),
        ("9.30am", "09:30"),
        ("2:30pm", "14:30"),
    ],
)
def test_a_meeting_time_typed_in_the_browser_is_the_time_the_api_takes(child, lead, typed, clock):
    day = today() + datetime.timedelta(days=3)
    page = browser(lead).post(
        page_url("meeting-record", child),
        {"kind": "network", **date_parts("held_on", day), "held_time": typed},
    )
    local = timezone.make_aware(datetime.datetime.combine(day, datetime.time.fromisoformat(clock)))
    response = api(lead).post(
        api_url(child, "meetings/"), {"kind": "network", "held_at": local.isoformat()}, format="json"
    )

    assert page.status_code == 302, page.text
    assert response.status_code == 201, response.json()
    by_page, by_api = Meeting.objects.filter(child=child).order_by("pk")
    assert by_page.held_at == by_api.held_at == local


@pytest.mark.parametrize("typed", ["13pm", "0am", "24:00", "teatime"])
def test_a_time_that_is_not_one_records_no_meeting(child, lead, typed):
    day = today() + datetime.timedelta(days=3)

    page = browser(lead).post(
        page_url("meeting-record", child),
        {"kind": "network", **date_parts("held_on", day), "held_time": typed},
    )

    assert page.status_code == 200
    assert "govuk-error-summary" in page.text
    assert not Meeting.objects.exists()
