"""Organisation pickers offer only what makes sense (issue 14): a GP surgery is never a responsible local
authority or a service to refer to, and the service declining a referral is never its own alternative.
The rule is one (``apps.accounts.selectors.ORGANISATION_TYPES_FOR``): the form does not offer the wrong
kind, and the service behind the form and the API refuses it with a message saying what to choose.
"""

import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.accounts.models import OrganisationType
from apps.accounts.selectors import OrganisationUse, organisations_for
from apps.children.models import SocialWorkInvolvement
from apps.children.services import social_work_status_record
from apps.core.exceptions import ApplicationError
from apps.referrals.models import Consultation, DeclineAlternative, Referral
from apps.referrals.services import referral_decline
from tests.auth import sign_in
from tests.factories import OrganisationFactory
from tests.referrals.factories import NEEDS, referral_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def gp_surgery():
    return OrganisationFactory(
        name="Synthetic Lane Surgery", type=OrganisationType.objects.get(code="gp-practice")
    )


@pytest.fixture
def youth_project():
    return OrganisationFactory(
        name="Synthetic Youth Project", type=OrganisationType.objects.get(code="voluntary-sector")
    )


def _option_values(page: str, select_name: str) -> str:
    start = page.index(f'name="{select_name}"')
    return html.unescape(page[start : page.index("</select>", start)])


# --- The responsible local authority ------------------------------------------------------------------


def test_the_responsible_authority_picker_offers_local_authorities_only(
    client, lead_professional, child, social_care, gp_surgery, camhs
):
    sign_in(client, lead_professional)
    page = client.get(reverse("children:social-work-status", args=[child.public_id])).content.decode()
    options = _option_values(page, "responsible_authority")
    assert social_care.name in options
    assert gp_surgery.name not in options
    assert camhs.name not in options


def test_a_gp_surgery_posted_as_responsible_authority_is_refused_by_the_form(
    client, lead_professional, child, gp_surgery
):
    sign_in(client, lead_professional)
    response = client.post(
        reverse("children:social-work-status", args=[child.public_id]),
        {
            "status": "child_in_need",
            "started_on_0": "1",
            "started_on_1": "3",
            "started_on_2": "2025",
            "responsible_authority": str(gp_surgery.pk),
        },
    )
    assert response.status_code == 200
    assert "Select a local authority from the list" in response.content.decode()
    assert not SocialWorkInvolvement.objects.filter(child=child).exists()


def test_the_api_refuses_a_gp_surgery_as_responsible_authority_saying_why(
    api_client, lead_professional, child, gp_surgery
):
    sign_in(api_client, lead_professional)
    response = api_client.post(
        f"/api/v1/children/{child.public_id}/social-work-statuses/",
        {
            "status": "child_in_need",
            "started_on": "2025-03-01",
            "responsible_authority": str(gp_surgery.public_id),
        },
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["attr"] == "responsible_authority"
    assert error["detail"] == (
        "Select a local authority: Synthetic Lane Surgery is not a local authority's children's services"
    )
    assert not SocialWorkInvolvement.objects.filter(child=child).exists()


def test_the_service_refuses_a_wrong_authority_and_keeps_a_right_one(
    lead_professional, child, gp_surgery, social_care
):
    with pytest.raises(ValidationError) as refused:
        social_work_status_record(
            actor=lead_professional,
            child=child,
            status="child_in_need",
            started_on=child.date_of_birth,
            responsible_authority=gp_surgery,
        )
    assert "responsible_authority" in refused.value.message_dict
    period = social_work_status_record(
        actor=lead_professional,
        child=child,
        status="child_in_need",
        started_on=child.date_of_birth,
        responsible_authority=social_care,
    )
    assert period.responsible_authority == social_care


# --- The service a referral or consultation goes to ---------------------------------------------------


def test_the_referral_picker_offers_services_that_take_referrals_only(
    client, lead_professional, child, camhs, gp_surgery, youth_project
):
    sign_in(client, lead_professional)
    page = client.get(reverse("referrals:referral-create", args=[child.public_id])).content.decode()
    options = _option_values(page, "receiving_organisation")
    assert camhs.name in options
    assert youth_project.name in options
    assert gp_surgery.name not in options


def test_a_referral_to_a_gp_surgery_is_refused_by_the_form(client, lead_professional, child, gp_surgery):
    sign_in(client, lead_professional)
    response = client.post(
        reverse("referrals:referral-create", args=[child.public_id]),
        {
            "receiving_organisation": str(gp_surgery.public_id),
            "route": "school",
            "presenting_needs": NEEDS,
            "professional_concern": "high",
            "family_concern": "high",
            "consent_to_refer": "young_person",
        },
    )
    assert response.status_code == 200
    assert not Referral.objects.exists()
    assert "govuk-error-summary" in response.content.decode()


def test_the_api_refuses_a_referral_or_consultation_to_a_gp_surgery_saying_why(
    api_client, lead_professional, child, gp_surgery
):
    sign_in(api_client, lead_professional)
    referral = api_client.post(
        reverse("referrals-api:referrals", kwargs={"public_id": child.public_id}),
        {
            "receiving_organisation": str(gp_surgery.public_id),
            "route": "social_care",
            "presenting_needs": NEEDS,
            "professional_concern": "high",
            "family_concern": "low",
            "consent_to_refer": "young_person",
        },
        format="json",
    )
    consultation = api_client.post(
        reverse("referrals-api:consultations"),
        {
            "receiving_organisation": str(gp_surgery.public_id),
            "route": "social_care",
            "concern": NEEDS,
            "child_description": "Year 10 pupil",
        },
        format="json",
    )
    message = "Select a service that takes referrals: Synthetic Lane Surgery does not"
    for response in (referral, consultation):
        assert response.status_code == 400
        errors = {error["attr"]: error["detail"] for error in response.json()["errors"]}
        assert errors["receiving_organisation"] == message
    assert not Referral.objects.exists()
    assert not Consultation.objects.exists()


# --- Decline alternatives -----------------------------------------------------------------------------


def test_the_declining_service_is_never_offered_as_its_own_alternative(
    client, lead_professional, child, camhs, spa_clinician, youth_project, gp_surgery
):
    referral = referral_for(child, lead_professional, camhs)
    sign_in(client, spa_clinician)
    url = reverse("referrals:referral-decline", args=[child.public_id, referral.public_id])
    page = client.get(url).content.decode()
    options = _option_values(page, "alternative_1_organisation")
    assert youth_project.name in options
    assert camhs.name not in options
    assert gp_surgery.name not in options
    assert list(organisations_for(OrganisationUse.RECEIVES_REFERRALS, excluding=camhs)) == [
        org for org in organisations_for(OrganisationUse.RECEIVES_REFERRALS) if org != camhs
    ]

    response = client.post(
        url,
        {
            "reason": "not_specialist_need",
            "explanation": "Better met elsewhere.",
            "alternative_1_kind": "onward_referral",
            "alternative_1_organisation": str(camhs.public_id),
            "alternative_1_detail": "Referred on.",
        },
    )
    assert response.status_code == 200
    assert "not the one declining the referral" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Referral.Status.RECEIVED
    assert not DeclineAlternative.objects.exists()


def test_the_api_and_service_refuse_the_deciding_service_as_its_alternative(
    api_client, lead_professional, child, camhs, spa_clinician, youth_project, gp_surgery
):
    referral = referral_for(child, lead_professional, camhs)
    sign_in(api_client, spa_clinician)
    url = reverse(
        "referrals-api:referral-decline",
        kwargs={"public_id": child.public_id, "referral_id": referral.public_id},
    )

    def decline(organisation):
        return api_client.post(
            url,
            {
                "reason": "not_specialist_need",
                "explanation": "Better met elsewhere.",
                "alternatives": [
                    {
                        "kind": "onward_referral",
                        "organisation": str(organisation.public_id),
                        "detail": "Referred on.",
                    }
                ],
            },
            format="json",
        )

    itself = decline(camhs)
    assert itself.status_code == 400
    assert itself.json()["errors"][0]["detail"] == (
        "Alternative 1: Synthetic NHS CAMHS is the service declining the referral, so it cannot be the "
        "alternative. Choose another service."
    )
    surgery = decline(gp_surgery)
    assert surgery.status_code == 400
    assert surgery.json()["errors"][0]["detail"] == (
        "Alternative 1: Select a service that takes referrals: Synthetic Lane Surgery does not."
    )
    referral.refresh_from_db()
    assert referral.status == Referral.Status.RECEIVED
    assert not DeclineAlternative.objects.exists()

    with pytest.raises(ApplicationError, match="is the service declining the referral"):
        referral_decline(
            actor=spa_clinician,
            referral=referral,
            reason="not_specialist_need",
            explanation="Better met elsewhere.",
            alternatives=[{"kind": "onward_referral", "organisation": camhs, "detail": "Referred on."}],
        )

    assert decline(youth_project).status_code == 200
    assert DeclineAlternative.objects.get(referral=referral).organisation == youth_project
