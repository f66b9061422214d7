"""The information endpoint returns each category's real rows, and withholds them category by category
(issue 13): appointments (and what a professional holds without the category), referrals, assessments, and
the young person's own words about their sexual orientation and gender identity.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.appointments.services import appointment_book, appointment_outcome_record
from apps.consent.models import Consent
from apps.consent.services import competence_assess, consent_record
from apps.referrals.services import waiting_contact_record
from tests.factories import FamilyMemberFactory, ProfessionalFactory, UserFactory, share_with
from tests.referrals.factories import accepted_referral, camhs_organisation
from tests.teams.factories import lead_for, professional_joins

pytestmark = pytest.mark.django_db

LEAD_PLACE = "MARKER-LEAD-APPOINTMENT at the family hub"
MEMBER_PLACE = "MARKER-MEMBER-APPOINTMENT at the boxing club"


def _information(user) -> dict:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _get(user, child) -> dict:
    response = _information(user).get(f"/api/v1/children/{child.public_id}/information/")
    assert response.status_code == 200
    return response.json()


def _book(child, *, actor, professional, place, days_ago: int):
    return appointment_book(
        actor=actor,
        child=child,
        professional=professional,
        purpose="A session",
        starts_at=timezone.now() - datetime.timedelta(days=days_ago),
        location="community_place",
        location_detail=place,
    )


@pytest.fixture
def world(child, lead_professional):
    """Sam, 14, with Lena as lead professional; a team member's own appointment (missed); Lena's appointment;
    a referral accepted by CAMHS with a risk check while Sam waits; a competence assessment."""
    lead_for(child, lead_professional)
    member = ProfessionalFactory(username="member.info", display_name="Mo Member")
    professional_joins(child, member, actor=lead_professional)
    lead_appointment = _book(
        child, actor=lead_professional, professional=lead_professional, place=LEAD_PLACE, days_ago=3
    )
    member_appointment = _book(child, actor=member, professional=member, place=MEMBER_PLACE, days_ago=2)
    appointment_outcome_record(actor=member, appointment=member_appointment, outcome="did_not_attend")
    camhs = camhs_organisation()
    spa = ProfessionalFactory(username="spa.info", organisation=camhs, organisation__role="camhs-clinician")
    referral = accepted_referral(child, lead_professional, camhs, spa)
    waiting_contact_record(
        actor=spa,
        entry=referral.waiting_entry,
        method="phone",
        spoke_with="Sam and his mum",
        contacted_at=timezone.now(),
        explained_service=True,
        risk_check="worse",
        signposting="Kooth",
    )
    assessment = competence_assess(
        actor=lead_professional,
        child=child,
        assessed_on=timezone.localdate(),
        decision="Whether Sam can decide who sees his plans",
        outcome="not_competent",
    )
    return {
        "child": child,
        "lead": lead_professional,
        "member": member,
        "lead_appointment": lead_appointment,
        "member_appointment": member_appointment,
        "referral": referral,
        "assessment": assessment,
        "camhs": camhs,
    }


def test_someone_who_sees_each_category_gets_its_real_rows(world):
    child, reader = world["child"], ProfessionalFactory(username="reader.info")
    share_with(child, reader, "core", "appointments", "referrals", "assessments")

    body = _get(reader, child)

    appointments = body["appointments"]
    assert appointments["withheld"] is False
    assert appointments["held_only"] is False
    assert [a["public_id"] for a in appointments["items"]] == [
        str(world["member_appointment"].public_id),
        str(world["lead_appointment"].public_id),
    ]  # Newest first.
    assert [f["appointment"] for f in appointments["follow_ups"]] == [
        str(world["member_appointment"].public_id)
    ]
    assert [r["public_id"] for r in body["referrals"]["items"]] == [str(world["referral"].public_id)]
    assert body["referrals"]["items"][0]["status"] == "accepted"
    assessments = body["assessments"]
    # Ours, and the one ``share_with`` records before Sam's own consent.
    assert str(world["assessment"].public_id) in [
        a["public_id"] for a in assessments["competence_assessments"]
    ]
    assert len(assessments["competence_assessments"]) == 2
    [risk_check] = assessments["risk_checks"]
    assert risk_check["risk_check"] == "worse"
    assert risk_check["service"]["public_id"] == str(world["camhs"].public_id)


def test_a_professional_without_the_appointments_category_gets_only_those_they_hold(world):
    body = _get(world["member"], world["child"])

    appointments = body["appointments"]
    assert appointments["withheld"] is False
    assert appointments["held_only"] is True
    assert len(appointments["reason"]) > 20  # Why the rest is withheld.
    assert [a["public_id"] for a in appointments["items"]] == [str(world["member_appointment"].public_id)]
    assert LEAD_PLACE not in str(body)
    for category in ("referrals", "assessments", "plans"):
        assert body[category]["withheld"] is True, category
        assert set(body[category]) == {"withheld", "reason"}, category


def test_the_chronology_section_is_the_chronology_s_first_page_each_entry_decided_on_its_own(world):
    member, child = world["member"], world["child"]
    body = _get(member, child)
    listed = _information(member).get(f"/api/v1/children/{child.public_id}/chronology/").json()

    chronology = body["chronology"]
    assert chronology["withheld"] is False
    assert chronology["count"] == listed["count"] > 0
    assert chronology["items"] == listed["results"][: len(chronology["items"])]
    # Mo holds his own missed appointment: shown. The referral he has no part in: withheld, without words.
    shown = [entry for entry in chronology["items"] if not entry["withheld"]]
    withheld = [entry for entry in chronology["items"] if entry["withheld"]]
    assert {entry["kind"] for entry in shown} >= {"appointment_missed"}
    assert {entry["category"] for entry in withheld} >= {"referrals"}
    assert all(set(entry) == {"date", "withheld", "category", "reason"} for entry in withheld)
    assert LEAD_PLACE not in str(chronology)


def test_a_professional_holding_nothing_of_a_category_gets_it_withheld(world):
    reader = ProfessionalFactory(username="reader.core")
    share_with(world["child"], reader, "core")
    body = _get(reader, world["child"])
    assert set(body["appointments"]) == {"withheld", "reason"}
    assert MEMBER_PLACE not in str(body)


def test_risk_checks_need_the_referrals_category_as_they_name_the_service(world):
    reader = ProfessionalFactory(username="reader.assessments")
    share_with(world["child"], reader, "core", "assessments")
    assessments = _get(reader, world["child"])["assessments"]
    assert len(assessments["competence_assessments"]) == 2  # Ours and share_with's.
    assert assessments["risk_checks"] is None


def test_a_parent_gets_the_appointments_and_referrals_consented_but_no_follow_ups_or_competence(world):
    child, lead = world["child"], world["lead"]
    carer = UserFactory(kind=User.Kind.PARENT_CARER, display_name="Grace Okafor")
    consent_record(
        actor=lead,
        child=child,
        grantor=Consent.Grantor.PARENT,
        parent=FamilyMemberFactory(child=child, name="Grace Okafor"),
        categories=["core", "appointments", "referrals", "assessments"],
        recipient_kind=Consent.RecipientKind.PERSON,
        recipient_user=carer,
        purpose="Keeping Mum informed.",
        valid_from=timezone.localdate(),
        form=Consent.Form.WRITTEN,
        evidence="Signed.",
    )
    body = _get(carer, child)

    assert len(body["appointments"]["items"]) == 2
    # Follow-ups record whether the child is safe; the competence assessment is the consent register's.
    assert body["appointments"]["follow_ups"] is None
    assert body["assessments"]["competence_assessments"] is None
    assert len(body["assessments"]["risk_checks"]) == 1
    assert len(body["referrals"]["items"]) == 1
    assert body["core"]["record"]["consent_gaps"] is None


def test_the_lead_professional_sees_what_she_coordinates(world):
    body = _get(world["lead"], world["child"])
    assert len(body["appointments"]["items"]) == 2
    assert len(body["referrals"]["items"]) == 1
    assert body["assessments"]["withheld"] is True  # Not coordinated: consent would open it.


def test_the_endpoint_reads_a_fixed_number_of_queries_however_many_rows(world, django_assert_num_queries):
    child, lead, reader = world["child"], world["lead"], ProfessionalFactory(username="reader.count")
    share_with(child, reader, "core", "team", "plans", "appointments", "referrals", "assessments")
    client = _information(reader)
    url = f"/api/v1/children/{child.public_id}/information/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200

    for days_ago in range(4, 10):
        _book(child, actor=lead, professional=lead, place="Another", days_ago=days_ago)
    competence_assess(
        actor=lead, child=child, assessed_on=timezone.localdate(), decision="Again", outcome="not_competent"
    )
    with django_assert_num_queries(len(few)):
        body = client.get(url).json()
    assert len(body["appointments"]["items"]) == 8
