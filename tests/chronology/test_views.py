"""The chronology's browser pages: the timeline with its filters, paging and print, adding a significant
event, the young person's own page in the portal, and the audit of every read."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.chronology.models import SignificantEvent
from apps.chronology.selectors import PAGE_SIZE
from apps.chronology.services import significant_event_record
from apps.consent.models import Disclosure
from tests.auth import sign_in
from tests.chronology.factories import (
    CHRONOLOGY_EVENT,
    HIDDEN_EVENT,
    HIDDEN_REASON,
    PLAIN_WORDS,
    SENSITIVE_EVENT,
)
from tests.factories import ProfessionalFactory

pytestmark = pytest.mark.django_db


def _page(client, user, world, **params):
    sign_in(client, user)
    return client.get(reverse("chronology:chronology", args=[world.child.public_id]), params)


# --- The timeline -------------------------------------------------------------------------------------------


def test_the_lead_professional_reads_the_chronology_with_withheld_rows_saying_why(client, world):
    response = _page(client, world.lead, world)

    page = response.content.decode()
    assert response.status_code == 200
    assert CHRONOLOGY_EVENT in page
    assert "Withheld" in page
    assert "shared only with consent that names it" in page
    assert SENSITIVE_EVENT not in page
    # She may change the record, so she is offered the form; the entry kept from Sam says so, and why.
    assert reverse("chronology:significant-event-add", args=[world.child.public_id]) in page
    assert "Not for the young person" in page
    assert HIDDEN_EVENT in page
    assert HIDDEN_REASON in page


def test_someone_the_child_is_not_shared_with_gets_404(client, world):
    assert _page(client, ProfessionalFactory(), world).status_code == 404


def test_the_childs_page_links_to_the_chronology(client, world):
    sign_in(client, world.clinician)

    page = client.get(reverse("children:detail", args=[world.child.public_id])).content.decode()

    assert reverse("chronology:chronology", args=[world.child.public_id]) in page


def test_the_filters_narrow_by_kind_agency_and_period(client, world):
    camhs = world.clinician.primary_membership().organisation
    by_kind = _page(client, world.lead, world, kind="significant_event").content.decode()
    by_agency = _page(client, world.lead, world, agency=str(camhs.public_id)).content.decode()
    thirty_days_ago = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    by_day = _page(client, world.lead, world, since=thirty_days_ago, until=thirty_days_ago).content.decode()

    assert CHRONOLOGY_EVENT in by_kind
    assert "attended." not in by_kind
    assert "Chronology CAMHS accepted the referral" in by_agency
    assert CHRONOLOGY_EVENT not in by_agency
    assert CHRONOLOGY_EVENT in by_day
    assert "1 entry" in by_day


def test_a_period_that_ends_before_it_starts_is_an_error_not_a_filter(client, world):
    response = _page(client, world.lead, world, since="2026-03-01", until="2026-02-01")

    assert response.status_code == 200
    assert "The to date must be the same as or after the from date" in response.content.decode()


def test_the_page_holds_a_page_of_entries_and_print_holds_them_all(client, world):
    for day in range(PAGE_SIZE):
        significant_event_record(
            actor=world.lead,
            child=world.child,
            occurred_on=timezone.localdate() - datetime.timedelta(days=200 + day),
            what_happened=f"Early event {day}",
            source_organisation=world.lead.primary_membership().organisation,
        )
    total = 21 + PAGE_SIZE  # the world's 21, and these

    first = _page(client, world.lead, world).content.decode()
    last = _page(client, world.lead, world, page=2).content.decode()
    printed = _page(client, world.lead, world, print=1).content.decode()

    assert f"{total} entries" in first
    assert first.count('<tr class="govuk-table__row">') == PAGE_SIZE + 1  # and the header
    assert last.count('<tr class="govuk-table__row">') == total - PAGE_SIZE + 1
    assert printed.count('<tr class="govuk-table__row">') == total + 1
    assert "data-beacon-print" in printed
    assert f"Early event {PAGE_SIZE - 1}" in printed


# --- Auditing -----------------------------------------------------------------------------------------------


def test_each_read_is_audited_with_the_categories_it_showed(client, world):
    _page(client, world.clinician, world)

    audit = AuditEvent.objects.filter(actor=world.clinician, child=world.child, action="view").latest("pk")
    assert audit.detail["read"] == "chronology"
    assert "appointments" in audit.detail["categories"]
    assert "plans" not in audit.detail["categories"]  # withheld from her: not read
    assert audit.detail["withheld"] == 5


def test_a_read_from_another_organisation_is_a_disclosure_and_from_the_records_own_is_not(client, world):
    _page(client, world.clinician, world)  # CAMHS reads a council's record
    _page(client, world.lead, world)  # the council reads its own

    assert Disclosure.objects.filter(child=world.child, viewer=world.clinician).exists()
    assert not Disclosure.objects.filter(child=world.child, viewer=world.lead).exists()


def test_printing_is_audited_as_printed(client, world):
    _page(client, world.lead, world, print=1)

    audit = AuditEvent.objects.filter(actor=world.lead, child=world.child, action="view").latest("pk")
    assert audit.detail["printed"] is True
    assert audit.detail["entries"] == 21


# --- Adding a significant event -----------------------------------------------------------------------------


def _add_url(world) -> str:
    return reverse("chronology:significant-event-add", args=[world.child.public_id])


def _form(world, **fields) -> dict:
    day = timezone.localdate() - datetime.timedelta(days=2)
    return {
        "occurred_on_0": str(day.day),
        "occurred_on_1": str(day.month),
        "occurred_on_2": str(day.year),
        "what_happened": "Excluded from school for two days.",
        "source_organisation": str(world.lead.primary_membership().organisation.public_id),
        "category": "chronology",
        "for_young_person": "yes",
        "in_plain_words": "",
        "not_for_young_person_reason": "",
        **fields,
    }


def test_the_lead_adds_a_significant_event_and_sees_it_in_the_chronology(client, world):
    sign_in(client, world.lead)

    response = client.post(_add_url(world), _form(world))

    assert response.status_code == 302
    assert response["Location"] == reverse("chronology:chronology", args=[world.child.public_id])
    assert "Excluded from school for two days." in client.get(response["Location"]).content.decode()


def test_a_future_date_on_the_form_gets_a_clear_message_and_saves_nothing(client, world):
    sign_in(client, world.lead)
    before = SignificantEvent.objects.count()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = client.post(
        _add_url(world),
        _form(world, occurred_on_0=tomorrow.day, occurred_on_1=tomorrow.month, occurred_on_2=tomorrow.year),
    )

    assert response.status_code == 200
    assert "must be today or in the past" in response.content.decode()
    assert SignificantEvent.objects.count() == before


def test_keeping_it_from_the_young_person_needs_the_reason(client, world):
    sign_in(client, world.lead)
    before = SignificantEvent.objects.count()

    response = client.post(_add_url(world), _form(world, for_young_person="no"))

    assert "Say why the young person should not see this" in response.content.decode()
    assert SignificantEvent.objects.count() == before
    client.post(_add_url(world), _form(world, for_young_person="no", not_for_young_person_reason="Not yet"))
    assert SignificantEvent.objects.filter(not_for_young_person_reason="Not yet").exists()


def test_someone_who_may_only_read_the_record_is_not_offered_the_form(client, world):
    page = _page(client, world.clinician, world).content.decode()

    assert _add_url(world) not in page
    assert client.get(_add_url(world)).status_code == 403
    assert client.post(_add_url(world), _form(world)).status_code == 403


# --- The young person's own page ----------------------------------------------------------------------------


def test_the_young_person_reads_her_chronology_in_plain_words_without_what_was_kept_from_her(client, world):
    sign_in(client, world.young_person)

    response = client.get(reverse("portal:chronology"))

    page = response.content.decode()
    assert response.status_code == 200
    assert PLAIN_WORDS in page
    assert "You went to your appointment with Cara." in page
    assert HIDDEN_EVENT not in page
    assert HIDDEN_REASON not in page
    assert "Withheld" not in page
    # The professional wording of a referral stays with the professionals.
    assert "MARKER-REFERRAL" not in page
    audit = AuditEvent.objects.filter(actor=world.young_person, action="view").latest("pk")
    assert audit.basis == "their own record"
    assert not Disclosure.objects.filter(viewer=world.young_person).exists()


def test_the_portal_home_links_to_it_and_it_has_an_easy_read_version(client, world):
    sign_in(client, world.young_person)

    assert reverse("portal:chronology") in client.get(reverse("portal:home")).content.decode()
    client.get(reverse("portal:easy-read"))
    easy = client.get(reverse("portal:chronology")).content.decode()
    assert "This page shows what your workers did." in easy
    assert PLAIN_WORDS in easy


def test_professionals_get_403_on_the_young_persons_page(client, world):
    sign_in(client, world.lead)

    assert client.get(reverse("portal:chronology")).status_code == 403
