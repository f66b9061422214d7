"""Browser pages: consultation to referral, the triage queue, decline with alternatives, the waiting list."""

import datetime

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

from apps.referrals.models import Consultation, DeclineAlternative, Referral, WaitingContact
from apps.referrals.services import consultation_request, referral_triage
from tests.auth import sign_in
from tests.factories import ChildFactory, ProfessionalFactory, SocialWorkInvolvementFactory
from tests.referrals.factories import NEEDS, accepted_referral, referral_for

pytestmark = pytest.mark.django_db


def _detail(referral):
    return reverse(
        "referrals:referral-detail",
        kwargs={"public_id": referral.child.public_id, "referral_id": referral.public_id},
    )


def _referral_post(camhs, **overrides):
    return {
        "receiving_organisation": str(camhs.public_id),
        "route": "school",
        "presenting_needs": NEEDS,
        "professional_concern": "high",
        "family_concern": "high",
        "consent_to_refer": "young_person",
        "preferred_support": "",
        **overrides,
    }


def test_a_professional_makes_a_referral_in_the_browser(
    client, lead_professional, child, camhs, spa_clinician
):
    sign_in(client, lead_professional)
    url = reverse("referrals:referral-create", kwargs={"public_id": child.public_id})
    assert client.get(url).status_code == 200
    response = client.post(url, _referral_post(camhs))
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _detail(referral)
    page = client.get(response["Location"]).content.decode()
    assert NEEDS in page
    assert "Received" in page


def test_a_referral_without_needs_says_what_to_fix_and_saves_nothing(client, lead_professional, child, camhs):
    sign_in(client, lead_professional)
    url = reverse("referrals:referral-create", kwargs={"public_id": child.public_id})
    response = client.post(url, _referral_post(camhs, presenting_needs=""))
    assert response.status_code == 200
    assert (
        "Enter the reason for referral: what is happening for the young person" in response.content.decode()
    )
    assert not Referral.objects.exists()


def test_every_error_on_a_referral_shows_at_once_in_the_error_summary(client, lead_professional, child):
    sign_in(client, lead_professional)
    url = reverse("referrals:referral-create", kwargs={"public_id": child.public_id})
    response = client.post(url, {"consent_to_refer": "without_consent", "route": "parent_carer"})
    assert response.status_code == 200
    page = response.content.decode()
    summary = page[page.index("govuk-error-summary") : page.index("</ul>", page.index("govuk-error-summary"))]
    for message in (
        "Select the service you are referring to",
        "Enter the name of the parent, carer or trusted adult making the referral",
        "Enter the reason for referral: what is happening for the young person",
        "Select how worried professionals are",
        "Select how worried the family is",
        "Enter the safeguarding reason for making the referral without consent",
    ):
        assert message in summary, message
    assert "This field is required" not in page
    # "Made without consent" reveals the question it needs (a GOV.UK conditional radio).
    assert "govuk-radios__conditional" in page
    assert not Referral.objects.exists()


def test_an_unknown_service_and_the_missing_answers_show_together(client, lead_professional, child):
    sign_in(client, lead_professional)
    url = reverse("referrals:referral-create", kwargs={"public_id": child.public_id})
    response = client.post(url, {"receiving_organisation": "not-a-service", "route": "school"})
    page = response.content.decode()
    assert page.count("Select the service you are referring to") >= 2  # Summary and beside the field.
    assert "Enter the reason for referral" in page
    assert "Select who agreed to the referral" in page


def test_a_consultation_prefills_the_referral_form(client, lead_professional, child, camhs, spa_clinician):
    consultation = consultation_request(
        actor=lead_professional,
        receiving_organisation=camhs,
        route="social_care",
        concern="MARKER-CONCERN: panic attacks before school",
        child_description="Year 8 boy",
    )
    sign_in(client, lead_professional)
    refer = reverse("referrals:consultation-refer", kwargs={"consultation_id": consultation.public_id})
    search = client.get(refer, {"q": child.family_name}).content.decode()
    create = reverse("referrals:referral-create", kwargs={"public_id": child.public_id})
    assert f"{create}?consultation={consultation.public_id}" in search
    form = client.get(create, {"consultation": consultation.public_id}).content.decode()
    assert "MARKER-CONCERN: panic attacks before school" in form
    client.post(
        f"{create}?consultation={consultation.public_id}",
        _referral_post(camhs, presenting_needs="MARKER-CONCERN: panic attacks before school"),
    )
    referral = Referral.objects.get()
    assert referral.consultation == consultation
    assert Consultation.objects.get().child == child


def test_the_queue_shows_risk_first_with_social_work_and_a_fixed_number_of_queries(
    client, lead_professional, camhs, spa_clinician, django_assert_max_num_queries
):
    from apps.sharing.models import AccessGrant
    from apps.sharing.services import child_access_grant

    def referred(urgency):
        child = ChildFactory()
        child_access_grant(
            child=child, user=lead_professional, basis=AccessGrant.Basis.CREATOR, granted_by=None
        )
        SocialWorkInvolvementFactory(child=child, status="child_protection")
        referral = referral_for(child, lead_professional, camhs)
        referral_triage(actor=spa_clinician, referral=referral, urgency=urgency)
        return referral

    routine = referred("routine")
    sign_in(client, spa_clinician)
    url = reverse("referrals:queue")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    crisis = referred("crisis")
    referred("urgent")
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(url).content.decode()
    assert page.index(crisis.child.known_as) < page.index(routine.child.known_as)
    assert "Child protection plan" in page


def test_a_decline_without_an_alternative_is_refused_on_the_page(
    client, lead_professional, child, camhs, spa_clinician
):
    referral = referral_for(child, lead_professional, camhs)
    sign_in(client, spa_clinician)
    url = reverse(
        "referrals:referral-decline", kwargs={"public_id": child.public_id, "referral_id": referral.public_id}
    )
    page = client.get(url).content.decode()
    assert "Needs senior agreement" in page
    response = client.post(url, {"reason": "not_specialist_need", "explanation": "Better met at school."})
    assert response.status_code == 200
    assert "cannot be declined without an alternative" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Referral.Status.RECEIVED
    assert not DeclineAlternative.objects.exists()
    response = client.post(
        url,
        {
            "reason": "not_specialist_need",
            "explanation": "Better met at school.",
            "alternative_1_kind": "named_service",
            "alternative_1_service_name": "Hillside school counsellor",
            "alternative_1_detail": "The school counsellor will see Sam on Mondays from next week.",
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DECLINED
    page = client.get(_detail(referral)).content.decode()
    assert "not the right service for this, but here is what we have arranged instead" in page


def test_the_referrer_cannot_triage_their_own_referral(client, lead_professional, child, camhs):
    referral = referral_for(child, lead_professional, camhs)
    sign_in(client, lead_professional)
    url = reverse(
        "referrals:referral-triage", kwargs={"public_id": child.public_id, "referral_id": referral.public_id}
    )
    assert client.get(url).status_code == 403
    assert client.get(_detail(referral)).status_code == 200


def test_someone_who_may_see_the_child_but_not_referrals_is_told_withheld(
    client, lead_professional, child, camhs
):
    referral = referral_for(child, lead_professional, camhs)
    reader = ProfessionalFactory()
    from apps.sharing.models import AccessGrant
    from apps.sharing.services import child_access_grant

    child_access_grant(
        child=child, user=reader, basis=AccessGrant.Basis.ADMINISTRATOR, granted_by=None, reason="x"
    )
    sign_in(client, reader)
    response = client.get(_detail(referral))
    assert response.status_code == 403
    assert "Withheld" in response.content.decode()
    assert NEEDS not in response.content.decode()


MORNING = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)
AFTERNOON = datetime.datetime(2026, 11, 23, 15, 0, tzinfo=datetime.UTC)


def test_the_waiting_list_shows_contacts_due_and_records_one(
    client, lead_professional, child, camhs, spa_clinician
):
    with time_machine.travel(MORNING, tick=False):
        referral = accepted_referral(child, lead_professional, camhs, spa_clinician)
    entry = referral.waiting_entry
    entry.next_contact_due_on = datetime.date(2026, 11, 22)
    entry.save()
    traveller = time_machine.travel(AFTERNOON, tick=False)
    traveller.start()
    sign_in(client, spa_clinician)
    page = client.get(reverse("referrals:waiting-list"), {"due": "1"}).content.decode()
    assert child.known_as in page
    assert "Overdue" in page
    assert "Not checked yet" in page  # No contact yet, so no risk check: said as it is.
    url = reverse(
        "referrals:waiting-contact", kwargs={"public_id": child.public_id, "entry_id": entry.public_id}
    )
    response = client.post(
        url,
        {
            "method": "phone",
            "spoke_with": "Sam and her dad",
            "contacted_on_0": 23,
            "contacted_on_1": 11,
            "contacted_on_2": 2026,
            "contacted_time": "2pm",
            "explained_service": "on",
            "risk_check": "same",
            "signposting": "Kooth; school nurse drop-in.",
        },
    )
    assert response.status_code == 302, response.content.decode()
    traveller.stop()
    contact = WaitingContact.objects.get()
    assert contact.kind == WaitingContact.Kind.TRUST_BUILDING
    with time_machine.travel(AFTERNOON, tick=False):
        page = client.get(reverse("referrals:waiting-list")).content.decode()
    assert "Not checked yet" not in page
    assert ">Same<" in page


@override_settings(BEACON_WAITING_CONTACT_INTERVAL_DAYS=0)
def test_a_follow_up_interval_of_zero_gives_a_clear_message_and_saves_nothing(
    client, lead_professional, child, camhs, spa_clinician
):
    with time_machine.travel(MORNING, tick=False):
        entry = accepted_referral(child, lead_professional, camhs, spa_clinician).waiting_entry
    traveller = time_machine.travel(AFTERNOON, tick=False)
    traveller.start()
    sign_in(client, spa_clinician)
    url = reverse(
        "referrals:waiting-contact", kwargs={"public_id": child.public_id, "entry_id": entry.public_id}
    )
    response = client.post(
        url,
        {
            "method": "phone",
            "spoke_with": "Sam",
            "contacted_on_0": 23,
            "contacted_on_1": 11,
            "contacted_on_2": 2026,
            "contacted_time": "2pm",
            "explained_service": "on",
            "risk_check": "same",
            "signposting": "Kooth",
        },
    )
    traveller.stop()
    assert response.status_code == 200
    assert "interval must be at least one day" in response.content.decode()
    assert not WaitingContact.objects.exists()


def test_the_caseload_shows_waiting_status_within_consent(
    client, lead_professional, child, camhs, spa_clinician
):
    from tests.teams.factories import lead_for

    lead_for(child, lead_professional)
    other = ChildFactory()
    lead_for(other, lead_professional)
    sign_in(client, lead_professional)
    page = client.get(reverse("caseload:caseload")).content.decode()
    assert "since referral received on" not in page
    # The lead professional referred: their referral grant lets them see the waiting status.
    accepted_referral(child, lead_professional, camhs, spa_clinician)
    # Someone else referred the other child: the lead still sees it, as she coordinates referrals.
    referrer = ProfessionalFactory()
    from apps.sharing.models import AccessGrant
    from apps.sharing.services import child_access_grant

    child_access_grant(
        child=other, user=referrer, basis=AccessGrant.Basis.ADMINISTRATOR, granted_by=None, reason="r"
    )
    accepted_referral(other, referrer, camhs, spa_clinician)
    page = client.get(reverse("caseload:caseload"), {"only": "waiting"}).content.decode()
    assert "since referral received on" in page
    assert camhs.name in page
    assert child.known_as in page
    assert other.known_as in page
    assert "Withheld" not in client.get(reverse("caseload:caseload")).content.decode()
