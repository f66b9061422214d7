"""What each team member offers, in plain words for the young person's "who is working with me" (R91)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.teams.services import team_member_offer_for_young_person_set
from tests.factories import ProfessionalFactory
from tests.teams.factories import lead_for, professional_joins

pytestmark = pytest.mark.django_db


@pytest.fixture
def membership(child, lead_professional):
    lead_for(child, lead_professional)
    return professional_joins(child, ProfessionalFactory(), actor=lead_professional)


def test_the_offer_is_saved_tidied_and_audited(membership, lead_professional):
    team_member_offer_for_young_person_set(
        actor=lead_professional, membership=membership, offer="  We talk   every Thursday.  "
    )

    membership.refresh_from_db()
    assert membership.offer_for_young_person == "We talk every Thursday."
    event = AuditEvent.objects.filter(target_id=str(membership.public_id)).latest("pk")
    assert event.detail == {
        "fields": ["offer_for_young_person", "offer_for_young_person_category"]
    }  # names only, never the words


def test_a_long_offer_is_refused_and_nothing_changes(membership, lead_professional):
    with pytest.raises(ValidationError, match="Keep it short"):
        team_member_offer_for_young_person_set(
            actor=lead_professional, membership=membership, offer="x" * 301
        )
    membership.refresh_from_db()
    assert membership.offer_for_young_person == ""


def test_the_lead_professional_writes_it_on_the_team_page(signed_in_client, child, membership):
    url = reverse("teams:member-offer", args=[child.public_id, membership.public_id])
    assert signed_in_client.get(url).status_code == 200

    response = signed_in_client.post(url, {"offer_for_young_person": "I help you plan for college."})

    assert response.status_code == 302
    team_page = signed_in_client.get(reverse("teams:team", args=[child.public_id])).content.decode()
    assert "I help you plan for college." in team_page
