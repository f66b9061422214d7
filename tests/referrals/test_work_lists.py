"""Work lists at any size (issue 14): the triage queue, the waiting list, senior reviews, consultations and
missed-appointment follow-ups are paged, cost the same queries at 10 rows as at a few hundred, and audit
only the rows shown. The triage queue shows age, need, referrer, concern and target state, and filters and
sorts by them; waiting time reads the same everywhere, counted from the referral being received (R128).
"""

import datetime
import re
import uuid

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from apps.appointments.models import Appointment
from apps.appointments.models import MissedAppointmentFollowUp as FollowUp
from apps.audit.models import AuditEvent
from apps.referrals.models import Consultation, Referral, WaitingListEntry
from apps.referrals.selectors import QueueFilters, TargetState, triage_queue, waiting_time
from apps.referrals.services import referral_decline, referral_triage
from apps.sharing.models import AccessGrant, OrganisationAccessGrant
from apps.sharing.services import child_access_grant, organisation_access_grant
from tests.appointments.factories import missed
from tests.auth import sign_in
from tests.factories import ChildFactory, OrganisationFactory, ProfessionalFactory, share_with
from tests.referrals.factories import accepted_referral, referral_for
from tests.teams.factories import lead_for

pytestmark = pytest.mark.django_db

PAGE = 25  # settings.BEACON_WORK_LIST_PAGE_SIZE
FEW_HUNDRED = 260
NOW = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def bulk_referrals(count, *, referrer, receiving, **fields) -> list[Referral]:
    """``count`` open referrals to ``receiving``, inserted in bulk (children, grants, referrals)."""
    children = ChildFactory.create_batch(count)
    for child in children:
        organisation_access_grant(
            child=child,
            organisation=receiving,
            basis=OrganisationAccessGrant.Basis.REFERRAL_RECEIVED,
            granted_by=referrer,
        )
    values = {
        "route": "school",
        "made_by": referrer,
        "presenting_needs": "Bulk: low mood and not going to school. " + "She says nothing helps. " * 40,
        "professional_concern": "medium",
        "family_concern": "low",
        "consent_to_refer": "young_person",
        "received_at": NOW - datetime.timedelta(days=3),
        **fields,
    }
    return Referral.objects.bulk_create(
        Referral(child=child, receiving_organisation=receiving, **values) for child in children
    )


def _sees(child, user) -> None:
    child_access_grant(child=child, user=user, basis=AccessGrant.Basis.CREATOR, granted_by=None)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def _listed(user) -> int:
    return AuditEvent.objects.filter(actor=user, action=AuditEvent.Action.LIST).count()


def _rows(page: str) -> int:
    return len(re.findall(r'<tr class="govuk-table__row">', page)) - 1  # Less the header row.


def test_the_triage_queue_costs_the_same_queries_at_10_and_a_few_hundred_and_audits_one_page(
    client, lead_professional, camhs, spa_clinician, django_assert_num_queries
):
    bulk_referrals(10, referrer=lead_professional, receiving=camhs)
    sign_in(client, spa_clinician)
    url = reverse("referrals:queue")
    small = _queries(client, url)

    bulk_referrals(FEW_HUNDRED - 10, referrer=lead_professional, receiving=camhs)
    before = _listed(spa_clinician)
    with django_assert_num_queries(small):
        page = client.get(url).content.decode()
    assert _listed(spa_clinician) - before == PAGE  # Only the rows shown, not all 260.
    assert _rows(page) == PAGE
    assert f"{FEW_HUNDRED} referrals, showing 1 to {PAGE}" in page
    assert 'class="govuk-pagination"' in page
    # The long presenting needs are not sent: one line each.
    assert page.count("Bulk: low mood") == PAGE
    assert "She says nothing helps. " * 5 not in page
    with django_assert_num_queries(small):
        last = client.get(url, {"page": "11"}).content.decode()
    assert _rows(last) == FEW_HUNDRED - 10 * PAGE


def test_a_filtered_queue_costs_the_same_queries_at_both_sizes(
    client, lead_professional, camhs, spa_clinician, django_assert_num_queries
):
    bulk_referrals(10, referrer=lead_professional, receiving=camhs, professional_concern="high")
    sign_in(client, spa_clinician)
    query = {
        "concern": "high",
        "target": "none",
        "age_band": "11-15",
        "referrer_organisation": str(lead_professional.memberships.get().organisation.public_id),
        "sort": "target",
    }
    url = reverse("referrals:queue") + "?" + "&".join(f"{k}={v}" for k, v in query.items())
    small = _queries(client, url)
    bulk_referrals(FEW_HUNDRED, referrer=lead_professional, receiving=camhs, professional_concern="high")
    with django_assert_num_queries(small):
        assert client.get(url).status_code == 200


def test_the_queue_shows_age_need_referrer_concern_and_a_passed_target_highlighted(
    client, lead_professional, camhs, spa_clinician
):
    today = timezone.localdate()
    child = ChildFactory(preferred_name="Ayo", date_of_birth=today.replace(year=today.year - 14))
    _sees(child, lead_professional)
    with time_machine.travel(NOW - datetime.timedelta(days=40), tick=False):
        late = referral_for(
            child,
            lead_professional,
            camhs,
            presenting_needs="Panic attacks on the bus to school\nSecond line never shown in the queue",
        )
        referral_triage(actor=spa_clinician, referral=late, urgency="routine")  # 28 days: passed.
    sign_in(client, spa_clinician)
    page = client.get(reverse("referrals:queue")).content.decode()
    assert "Age 14" in page
    assert "Panic attacks on the bus to school…" in page
    assert "Second line never shown" not in page
    assert "Lena Lead" in page
    assert escape(lead_professional.memberships.get().organisation.name) in page
    assert '<strong class="govuk-tag govuk-tag--red">High</strong>' in page
    assert '<strong class="govuk-tag govuk-tag--red">Target passed</strong>' in page
    assert str(waiting_time(received_at=late.received_at)) in page
    assert "40 days since referral received on 14 Oct 2026" in page


def test_target_states_filter_the_queue(lead_professional, camhs, spa_clinician):
    def triaged(urgency, *, received_days_ago):
        with time_machine.travel(NOW - datetime.timedelta(days=received_days_ago), tick=False):
            [referral] = bulk_referrals(1, referrer=lead_professional, receiving=camhs)
            referral.received_at = timezone.now()
            referral.save()
            return referral_triage(actor=spa_clinician, referral=referral, urgency=urgency)

    passed = triaged("urgent", received_days_ago=8)  # 7-day target: passed yesterday.
    due_soon = triaged("routine", received_days_ago=25)  # 28 days: 80% gone, 3 left.
    on_track = triaged("routine", received_days_ago=2)
    [untriaged] = bulk_referrals(1, referrer=lead_professional, receiving=camhs)

    def found(state):
        return set(triage_queue(user=spa_clinician, filters=QueueFilters(target=state)))

    assert found(TargetState.PASSED) == {passed}
    assert found(TargetState.DUE_SOON) == {due_soon}
    assert found(TargetState.ON_TRACK) == {on_track}
    assert found(TargetState.NONE) == {untriaged}
    # Soonest target first, untriaged last.
    assert list(triage_queue(user=spa_clinician, filters=QueueFilters(sort="target"))) == [
        passed,
        due_soon,
        on_track,
        untriaged,
    ]


def test_the_queue_filters_by_concern_age_and_referrer_organisation_and_sorts(
    client, lead_professional, camhs, spa_clinician
):
    school = OrganisationFactory(name="Hillside Academy")
    teacher = ProfessionalFactory(display_name="Tess Teacher", organisation=school)
    today = timezone.localdate()
    young = ChildFactory(preferred_name="Yara", date_of_birth=today.replace(year=today.year - 7))
    older = ChildFactory(preferred_name="Omar", date_of_birth=today.replace(year=today.year - 16))
    _sees(young, lead_professional)
    _sees(older, teacher)
    with time_machine.travel(NOW - datetime.timedelta(days=9), tick=False):
        first = referral_for(
            young, lead_professional, camhs, professional_concern="low", family_concern="low"
        )
    with time_machine.travel(NOW - datetime.timedelta(days=2), tick=False):
        second = referral_for(older, teacher, camhs, professional_concern="low", family_concern="high")

    def listed(**filters):
        return list(triage_queue(user=spa_clinician, filters=QueueFilters(**filters)))

    assert listed(concern="high") == [second]  # The higher of the two concerns.
    assert listed(concern="low") == [first]
    assert listed(age_band="5-10") == [first]
    assert listed(age_band="16-17") == [second]
    assert listed(age_band="0-4") == []
    assert listed(referrer_organisation=school.pk) == [second]
    assert listed(sort="received") == [first, second]  # Longest wait first.
    assert listed(sort="concern") == [second, first]

    sign_in(client, spa_clinician)
    url = reverse("referrals:queue")
    page = client.get(url, {"referrer_organisation": str(school.public_id)}).content.decode()
    assert "Omar" in page
    assert "Yara" not in page
    assert "1 referral matching the filters" in page
    assert '<option value="' + str(school.public_id) + '" selected>' in page
    # A stale or made-up value is ignored, never an error page.
    page = client.get(url, {"referrer_organisation": str(uuid.uuid4()), "concern": "extreme"})
    assert page.status_code == 200
    assert "Omar" in page.content.decode()
    assert "Yara" in page.content.decode()


def test_the_waiting_list_is_paged_with_a_fixed_query_count(
    client, lead_professional, child, camhs, spa_clinician, django_assert_num_queries
):
    referral = accepted_referral(child, lead_professional, camhs, spa_clinician)
    template = WaitingListEntry.objects.get(referral=referral)

    def more(count):
        referrals = bulk_referrals(count, referrer=lead_professional, receiving=camhs, status="accepted")
        WaitingListEntry.objects.bulk_create(
            WaitingListEntry(
                referral=r,
                child=r.child,
                organisation=camhs,
                started_at=template.started_at,
                first_contact_due_on=template.first_contact_due_on,
                next_contact_due_on=template.next_contact_due_on,
            )
            for r in referrals
        )

    more(9)
    sign_in(client, spa_clinician)
    url = reverse("referrals:waiting-list")
    small = _queries(client, url)
    more(FEW_HUNDRED)
    before = _listed(spa_clinician)
    with django_assert_num_queries(small):
        page = client.get(url).content.decode()
    assert _listed(spa_clinician) - before == PAGE
    assert _rows(page) == PAGE
    assert f"{FEW_HUNDRED + 10} waiting, showing 1 to {PAGE}" in page


def test_the_senior_review_queue_is_paged_with_a_fixed_query_count(
    client, lead_professional, camhs, spa_clinician, spa_manager, django_assert_num_queries
):
    def declined(count):
        for referral in bulk_referrals(count, referrer=lead_professional, receiving=camhs):
            referral_decline(
                actor=spa_clinician,
                referral=referral,
                reason="unstable_placement",
                explanation="Placement is changing.",
                alternatives=[
                    {"kind": "named_service", "service_name": "Kooth", "detail": "Online support."}
                ],
            )

    declined(3)
    sign_in(client, spa_manager)
    url = reverse("referrals:senior-review-queue")
    small = _queries(client, url)
    declined(PAGE)
    before = _listed(spa_manager)
    with django_assert_num_queries(small):
        page = client.get(url).content.decode()
    assert _listed(spa_manager) - before == PAGE
    assert f"{PAGE + 3} decisions, showing 1 to {PAGE}" in page


def test_the_consultation_list_is_paged_with_a_fixed_query_count(
    client, lead_professional, camhs, spa_clinician, django_assert_num_queries
):
    def asked(count):
        children = ChildFactory.create_batch(count)
        Consultation.objects.bulk_create(
            Consultation(
                child=c,
                receiving_organisation=camhs,
                route="school",
                requested_by=lead_professional,
                concern="Worried about low mood.",
            )
            for c in children
        )

    asked(5)
    sign_in(client, spa_clinician)
    url = reverse("referrals:consultation-list")
    small = _queries(client, url)
    asked(FEW_HUNDRED)
    with django_assert_num_queries(small):
        page = client.get(url).content.decode()
    assert _rows(page) == PAGE
    assert f"your service received: {FEW_HUNDRED + 5}, showing 1 to {PAGE}" in page


def test_the_follow_ups_list_is_paged_with_a_fixed_query_count(
    client, lead_professional, child, django_assert_num_queries
):
    lead_for(child, lead_professional)
    share_with(child, lead_professional, "appointments")
    appointment = missed(child, lead_professional)
    follow_up = FollowUp.objects.get(appointment=appointment)

    def more(count):
        appointments = []
        for _ in range(count):
            appointment.pk = None
            appointment.public_id = uuid.uuid4()
            appointments.append(
                Appointment(
                    **{f.attname: getattr(appointment, f.attname) for f in Appointment._meta.concrete_fields}
                )
            )
        created = Appointment.objects.bulk_create(appointments)
        copies = []
        for made in created:
            values = {f.attname: getattr(follow_up, f.attname) for f in FollowUp._meta.concrete_fields}
            values.update(id=None, public_id=uuid.uuid4(), appointment_id=made.pk)
            copies.append(FollowUp(**values))
        FollowUp.objects.bulk_create(copies)

    more(4)
    sign_in(client, lead_professional)
    url = reverse("appointments:my-follow-ups")
    small = _queries(client, url)
    more(FEW_HUNDRED)
    with django_assert_num_queries(small):
        page = client.get(url).content.decode()
    assert f"{FEW_HUNDRED + 5} to do, showing 1 to {PAGE}" in page
    assert 'class="govuk-pagination"' in page


def test_waiting_time_reads_the_same_on_every_page_counted_from_referral_received(
    client, lead_professional, child, camhs, spa_clinician
):
    with time_machine.travel(NOW - datetime.timedelta(days=11), tick=False):
        referral = referral_for(child, lead_professional, camhs)
    with time_machine.travel(NOW - datetime.timedelta(days=3), tick=False):
        referral_triage(actor=spa_clinician, referral=referral, urgency="routine")
        from apps.referrals.services import referral_accept

        referral_accept(actor=spa_clinician, referral=referral)  # On the list 3 days; waiting 11.
    label = "11 days since referral received on 12 Nov 2026"
    assert str(waiting_time(received_at=referral.received_at)) == label
    lead_for(child, lead_professional)
    sign_in(client, spa_clinician)
    detail = reverse(
        "referrals:referral-detail", kwargs={"public_id": child.public_id, "referral_id": referral.public_id}
    )
    for url in (reverse("referrals:waiting-list"), detail):
        assert label in client.get(url).content.decode(), url
    sign_in(client, lead_professional)
    assert label in client.get(reverse("caseload:caseload")).content.decode()
