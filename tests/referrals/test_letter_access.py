"""The decision letter to the young person and family keeps a young person's wish to keep their referrals
from their parents and carers (R74), exactly as pages and messages do."""

import pytest
from django.urls import reverse

from apps.children.categories import Category
from apps.consent.services import parent_withholding_record
from tests.auth import sign_in
from tests.factories import ProfessionalFactory
from tests.notifications.factories import young_person_competent
from tests.referrals.factories import accepted_referral, camhs_organisation

pytestmark = pytest.mark.django_db


def test_the_referral_letter_is_for_the_young_person_alone_when_referrals_are_kept_from_parents(
    client, child, lead_professional
):
    young_person_competent(child, lead_professional)
    camhs = camhs_organisation()
    clinician = ProfessionalFactory(
        username="clinician", organisation=camhs, organisation__role="camhs-clinician"
    )
    referral = accepted_referral(child, lead_professional, camhs, clinician)
    url = reverse("referrals:referral-letter", args=[child.public_id, referral.public_id])
    sign_in(client, lead_professional)
    assert "Give or send this letter to" not in client.get(url).content.decode()
    parent_withholding_record(
        actor=lead_professional, child=child, category=Category.REFERRALS, judgement="She asked, and is 16."
    )
    page = client.get(url).content.decode()
    assert f"Give or send this letter to {child.known_as} only" in page
