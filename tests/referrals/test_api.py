"""The referrals API: the same rules as the browser, errors naming the field to fix."""

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.notifications.models import Notification
from apps.referrals.models import Consultation, DeclineAlternative, Referral, WaitingContact, WaitingListEntry
from tests.referrals.factories import NEEDS, accepted_referral, referral_for

pytestmark = pytest.mark.django_db


def _referral_url(name, referral, **extra):
    return reverse(
        f"referrals-api:{name}",
        kwargs={"public_id": referral.child.public_id, "referral_id": referral.public_id, **extra},
    )


def test_a_consultation_then_a_referral_from_it(api_client, lead_professional, child, camhs, spa_clinician):
    api_client.force_authenticate(lead_professional)
    response = api_client.post(
        reverse("referrals-api:consultations"),
        {
            "receiving_organisation": str(camhs.public_id),
            "route": "social_care",
            "concern": NEEDS,
            "child_description": "Year 10 pupil",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    consultation_id = response.json()["public_id"]
    api_client.force_authenticate(spa_clinician)
    advised = api_client.post(
        reverse("referrals-api:consultation-advice", kwargs={"consultation_id": consultation_id}),
        {"advice": "Please refer for assessment.", "outcome": "formal_referral"},
        format="json",
    )
    assert advised.json()["outcome"] == "formal_referral"
    api_client.force_authenticate(lead_professional)
    created = api_client.post(
        reverse("referrals-api:referrals", kwargs={"public_id": child.public_id}),
        {
            "receiving_organisation": str(camhs.public_id),
            "route": "social_care",
            "presenting_needs": NEEDS,
            "professional_concern": "high",
            "family_concern": "low",
            "consent_to_refer": "young_person",
            "consultation": consultation_id,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["consultation"] == consultation_id
    assert Consultation.objects.get().child == child


def test_a_decline_with_no_alternative_names_the_field_and_saves_nothing(
    api_client, lead_professional, child, camhs, spa_clinician
):
    referral = referral_for(child, lead_professional, camhs)
    api_client.force_authenticate(spa_clinician)
    response = api_client.post(
        _referral_url("referral-decline", referral),
        {"reason": "not_specialist_need", "explanation": "Better met at school.", "alternatives": []},
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["attr"] == "alternatives"
    assert "without an alternative" in error["detail"]
    referral.refresh_from_db()
    assert referral.status == Referral.Status.RECEIVED


def test_a_second_decision_on_a_declined_referral_is_a_400_and_changes_nothing(
    api_client, lead_professional, child, camhs, spa_clinician
):
    referral = referral_for(child, lead_professional, camhs)
    alternative = {
        "kind": "named_service",
        "service_name": "Kooth",
        "detail": "Online counselling this week.",
    }
    decline = {
        "reason": "not_specialist_need",
        "explanation": "Better met at school.",
        "alternatives": [alternative],
    }
    api_client.force_authenticate(spa_clinician)
    assert (
        api_client.post(_referral_url("referral-decline", referral), decline, format="json").status_code
        == 200
    )
    told = Notification.objects.count()

    again = api_client.post(_referral_url("referral-decline", referral), decline, format="json")
    accept = api_client.post(_referral_url("referral-accept", referral), {}, format="json")

    assert again.status_code == 400
    assert again.json()["errors"][0]["detail"].endswith("alternative arranged: it cannot be declined now.")
    assert accept.status_code == 400
    assert accept.json()["errors"][0]["detail"].endswith("alternative arranged: it cannot be accepted now.")
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DECLINED
    assert DeclineAlternative.objects.filter(referral=referral).count() == 1
    assert not WaitingListEntry.objects.filter(referral=referral).exists()
    assert Notification.objects.count() == told


def test_triage_accept_and_a_worse_waiting_contact(
    api_client, lead_professional, child, camhs, spa_clinician
):
    referral = referral_for(child, lead_professional, camhs)
    api_client.force_authenticate(spa_clinician)
    triaged = api_client.post(
        _referral_url("referral-triage", referral), {"urgency": "urgent"}, format="json"
    )
    assert triaged.json()["urgency"] == "urgent"
    accepted = api_client.post(_referral_url("referral-accept", referral), {}, format="json")
    assert accepted.json()["status"] == "accepted"
    waiting = api_client.get(reverse("referrals-api:waiting-list")).json()["results"]
    assert [row["referral"] for row in waiting] == [str(referral.public_id)]
    entry_id = waiting[0]["public_id"]
    url = reverse(
        "referrals-api:waiting-contacts", kwargs={"public_id": child.public_id, "entry_id": entry_id}
    )
    contact = api_client.post(
        url,
        {
            "method": "phone",
            "spoke_with": "Sam",
            "contacted_at": timezone.now().isoformat(),
            "explained_service": True,
            "risk_check": "worse",
            "signposting": "Crisis line and Kooth.",
        },
        format="json",
    )
    assert contact.status_code == 201, contact.json()
    assert contact.json()["kind"] == WaitingContact.Kind.TRUST_BUILDING
    referral.refresh_from_db()
    assert referral.needs_retriage
    queue = api_client.get(reverse("referrals-api:queue")).json()["results"]
    assert queue[0]["public_id"] == str(referral.public_id)


def test_the_referrer_may_read_but_not_decide(api_client, lead_professional, child, camhs, spa_clinician):
    referral = accepted_referral(child, lead_professional, camhs, spa_clinician)
    api_client.force_authenticate(lead_professional)
    assert api_client.get(_referral_url("referral", referral)).status_code == 200
    response = api_client.post(
        _referral_url("referral-triage", referral), {"urgency": "crisis"}, format="json"
    )
    assert response.status_code == 403


def test_a_referral_for_a_child_not_shared_is_404(api_client, outsider, child, camhs):
    api_client.force_authenticate(outsider)
    response = api_client.post(
        reverse("referrals-api:referrals", kwargs={"public_id": child.public_id}),
        {"receiving_organisation": str(camhs.public_id)},
        format="json",
    )
    assert response.status_code == 404
    assert not Referral.objects.exists()


def test_every_error_on_a_referral_is_in_one_400_with_what_to_fix(
    api_client, lead_professional, child, camhs
):
    api_client.force_authenticate(lead_professional)
    url = reverse("referrals-api:referrals", kwargs={"public_id": child.public_id})
    response = api_client.post(
        url,
        {"receiving_organisation": str(camhs.public_id), "route": "trusted_adult", "presenting_needs": ""},
        format="json",
    )
    assert response.status_code == 400
    errors = {error["attr"]: error["detail"] for error in response.json()["errors"]}
    assert errors == {
        "referrer_name": "Enter the name of the parent, carer or trusted adult making the referral",
        "presenting_needs": "Enter the reason for referral: what is happening for the young person",
        "professional_concern": "Select how worried professionals are",
        "family_concern": "Select how worried the family is",
        "consent_to_refer": "Select who agreed to the referral, or that it is made without consent",
    }
    assert not Referral.objects.exists()
    # With the shape right, the service's own problems come back the same way.
    response = api_client.post(
        url,
        {
            "receiving_organisation": str(camhs.public_id),
            "route": "parent_carer",
            "presenting_needs": " ",
            "professional_concern": "high",
            "family_concern": "high",
            "consent_to_refer": "without_consent",
        },
        format="json",
    )
    errors = {error["attr"]: error["detail"] for error in response.json()["errors"]}
    assert set(errors) == {"referrer_name", "presenting_needs", "consent_note"}
