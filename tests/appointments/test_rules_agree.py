"""The browser and the API answer the follow-up's rules the same way, because each is decided in one place:
which follow-ups are overdue (``MissedAppointmentFollowUp.is_overdue``) and who may complete one
(``apps.appointments.services.follow_up_check_may_complete``)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from rest_framework.test import APIClient

from apps.appointments.models import MissedAppointmentFollowUp as FollowUp
from apps.appointments.services import follow_up_overdue_sweep
from tests.appointments.factories import missed
from tests.auth import sign_in
from tests.factories import share_with
from tests.teams.factories import lead_for

pytestmark = pytest.mark.django_db

REFUSED = "Only the person this follow-up is assigned to, or the lead professional, can complete it."
OVERDUE_TAG = '<strong class="govuk-tag govuk-tag--red">Overdue</strong>'


@pytest.fixture
def lead(lead_professional, child):
    lead_for(child, lead_professional)
    share_with(child, lead_professional, "appointments")
    return lead_professional


@pytest.fixture
def follow_up(child, lead) -> FollowUp:
    return FollowUp.objects.get(appointment=missed(child, lead))


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _due(follow_up: FollowUp, days_from_today: int) -> None:
    FollowUp.objects.filter(pk=follow_up.pk).update(
        due_on=timezone.localdate() + datetime.timedelta(days=days_from_today)
    )


@pytest.mark.parametrize(("days_from_today", "overdue"), [(-1, True), (0, False), (2, False)])
def test_overdue_is_the_same_on_every_page_in_the_api_on_the_caseload_and_in_the_sweep(
    child, lead, follow_up, days_from_today, overdue
):
    _due(follow_up, days_from_today)
    browser = sign_in(Client(), lead)
    pages = [
        reverse("appointments:follow-up", args=[child.public_id, follow_up.public_id]),
        reverse("appointments:list", args=[child.public_id]),
        reverse("appointments:my-follow-ups"),
    ]

    tagged = [OVERDUE_TAG in browser.get(page).text for page in pages]
    [listed] = api(lead).get(f"/api/v1/children/{child.public_id}/follow-ups/").json()["results"]
    [mine] = api(lead).get("/api/v1/follow-ups/").json()["results"]
    [row] = api(lead).get("/api/v1/caseload/").json()["results"]
    escalated = follow_up_overdue_sweep()["overdue"]

    assert tagged == [overdue, overdue, overdue]
    assert listed["is_overdue"] is mine["is_overdue"] is overdue
    assert row["overdue_follow_up_count"] == int(overdue)
    assert escalated == int(overdue)
    follow_up.refresh_from_db()
    assert follow_up.is_overdue is overdue


def test_a_completed_follow_up_is_never_overdue(follow_up):
    _due(follow_up, -3)
    FollowUp.objects.filter(pk=follow_up.pk).update(status=FollowUp.Status.WITHDRAWN)
    follow_up.refresh_from_db()

    assert not follow_up.is_overdue
    assert not FollowUp.objects.overdue().exists()


def test_someone_who_may_only_look_is_refused_in_the_same_words_by_the_browser_and_the_api(
    child, lead, follow_up, read_only_professional
):
    share_with(child, read_only_professional, "appointments", actor=lead)
    page_url = reverse("appointments:follow-up", args=[child.public_id, follow_up.public_id])
    api_url = f"/api/v1/children/{child.public_id}/follow-ups/{follow_up.public_id}/complete/"

    page = sign_in(Client(), read_only_professional).post(page_url, {})
    response = api(read_only_professional).post(api_url, {}, format="json")

    assert page.status_code == 403
    assert escape(REFUSED) in page.text
    assert response.status_code == 403
    assert response.json()["errors"][0]["detail"] == REFUSED
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUp.Status.OPEN
