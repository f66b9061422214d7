"""A page of the chronology costs the same number of queries however long the chronology is: one union of
every source's rows, its count, and one query per source for the details of the rows shown."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.chronology.selectors import Chronology
from apps.chronology.services import significant_event_record
from apps.sharing.access import child_access
from tests.auth import sign_in

pytestmark = pytest.mark.django_db


def _older_events(world, count: int, *, start: int) -> None:
    """``count`` more significant events, older than anything on the first page."""
    agency = world.lead.primary_membership().organisation
    for day in range(start, start + count):
        significant_event_record(
            actor=world.lead,
            child=world.child,
            occurred_on=timezone.localdate() - datetime.timedelta(days=300 + day),
            what_happened=f"An older event, {day} of them",
            source_organisation=agency,
        )


def _queries(request) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = request()
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("viewer", ["lead", "clinician"])
def test_the_page_costs_the_same_queries_at_two_lengths(client, world, viewer, django_assert_num_queries):
    user = getattr(world, viewer)
    sign_in(client, user)
    url = reverse("chronology:chronology", args=[world.child.public_id])
    _older_events(world, 5, start=0)
    short = _queries(lambda: client.get(url))

    _older_events(world, 60, start=5)

    with django_assert_num_queries(short):
        client.get(url)


def test_printing_every_entry_costs_the_same_queries_at_two_lengths(client, world, django_assert_num_queries):
    sign_in(client, world.lead)
    url = reverse("chronology:chronology", args=[world.child.public_id]) + "?print=1"
    short = _queries(lambda: client.get(url))

    _older_events(world, 60, start=0)

    with django_assert_num_queries(short):
        response = client.get(url)
    assert response.content.decode().count("An older event") == 60


def test_the_api_page_costs_the_same_queries_at_two_lengths(world, django_assert_num_queries):
    client = APIClient()
    client.force_authenticate(world.clinician)
    url = f"/api/v1/children/{world.child.public_id}/chronology/"
    _older_events(world, 5, start=0)
    short = _queries(lambda: client.get(url, {"page_size": 30}))

    _older_events(world, 60, start=5)

    with django_assert_num_queries(short):
        client.get(url, {"page_size": 30})


def test_reading_a_page_is_a_handful_of_queries(world, django_assert_max_num_queries):
    """The selector alone: the union and its count, one per source shown and the agencies' names, and the
    reason for each withheld category (asked once per page)."""
    access = child_access(user=world.clinician, child=world.child)
    chronology = Chronology(child=world.child, access=access)

    with django_assert_max_num_queries(20):
        entries = chronology[0:25]
        len(chronology)
    assert len(entries) == 21
