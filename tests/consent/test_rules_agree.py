"""The consent register in the browser and the API say the same about where each consent stands and whether
an override is in force, because each is decided in one place (``Consent.status_on``,
``SafeguardingOverride.is_in_force``), the same rule the access decision uses."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.caseload.consent_api import SafeguardingOverrideOutputSerializer
from apps.consent.models import Consent, SafeguardingOverride
from apps.consent.selectors import overrides_in_force
from apps.consent.services import consent_record
from tests.auth import sign_in
from tests.factories import FamilyMemberFactory, ProfessionalFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def _consent(child, actor, recipient, *, valid_from, valid_until=None) -> Consent:
    return consent_record(
        actor=actor,
        child=child,
        grantor=Consent.Grantor.PARENT,
        parent=FamilyMemberFactory(child=child),
        categories=["plans"],
        recipient_kind=Consent.RecipientKind.PERSON,
        recipient_user=recipient,
        purpose="To coordinate the team's meetings and actions",
        valid_from=valid_from,
        valid_until=valid_until,
        form=Consent.Form.WRITTEN,
        evidence="Signed form on the social care record",
    )


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_each_consent_stands_the_same_on_the_page_in_the_api_and_for_the_access_decision(
    child, lead_professional
):
    recipient = ProfessionalFactory(username="recipient")
    in_force = _consent(child, lead_professional, recipient, valid_from=TODAY(), valid_until=TODAY())
    not_started = _consent(child, lead_professional, recipient, valid_from=TODAY() + DAY)
    expired = _consent(child, lead_professional, recipient, valid_from=TODAY() - 5 * DAY)
    Consent.objects.filter(pk=expired.pk).update(valid_until=TODAY() - DAY)
    withdrawn = _consent(child, lead_professional, recipient, valid_from=TODAY() - 5 * DAY)
    Consent.objects.filter(pk=withdrawn.pk).update(withdrawn_at=timezone.now())
    expected = {in_force: "in_force", not_started: "not_started", expired: "expired", withdrawn: "withdrawn"}

    listed = _api(lead_professional).get(f"/api/v1/children/{child.public_id}/consents/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    in_api = {row["public_id"]: row["status"] for row in rows}
    page = sign_in(Client(), lead_professional).get(reverse("consent:child-consent", args=[child.public_id]))

    assert in_api == {str(consent.public_id): status for consent, status in expected.items()}
    for consent, status in expected.items():
        consent.refresh_from_db()
        assert consent.status_on() == status
        assert f">{Consent.Status(status).label}</strong>" in page.text
    assert set(Consent.objects.filter(child=child).in_force(TODAY())) == {in_force}


def test_an_override_is_in_force_on_the_page_in_the_api_and_for_the_access_decision(
    child, lead_professional, read_only_professional
):
    opened = _api(read_only_professional).post(
        f"/api/v1/children/{child.public_id}/safeguarding-overrides/",
        {
            "lawful_basis": SafeguardingOverride.LawfulBasis.CHILD_PROTECTION_ENQUIRY,
            "justification": "Disclosure at school today suggests the child is at immediate risk at home.",
            "categories": ["plans"],
        },
        format="json",
    )
    assert opened.status_code == 201, opened.json()
    override = SafeguardingOverride.objects.get(public_id=opened.json()["public_id"])
    browser = sign_in(Client(), lead_professional)
    page_url = reverse("consent:child-consent", args=[child.public_id])

    def answers():
        override.refresh_from_db()
        return (
            SafeguardingOverrideOutputSerializer(override).data["is_in_force"],
            'govuk-tag--red">Open</strong>' in browser.get(page_url).text,
            override.is_in_force,
            overrides_in_force(child=child, user=read_only_professional).filter(pk=override.pk).exists(),
        )

    assert opened.json()["is_in_force"] is True
    assert answers() == (True, True, True, True)
    SafeguardingOverride.objects.filter(pk=override.pk).update(
        starts_at=timezone.now() - 3 * DAY, expires_at=timezone.now() - DAY
    )
    assert answers() == (False, False, False, False)


def _told(child, override) -> tuple[str, str, dict]:
    page = reverse("consent:override-told", args=[child.public_id, override.public_id])
    api = f"/api/v1/children/{child.public_id}/safeguarding-overrides/{override.public_id}/told/"
    today = TODAY()
    return page, api, {"told_on_0": today.day, "told_on_1": today.month, "told_on_2": today.year}


def test_the_opener_who_may_only_look_records_told_through_either_interface_once(
    child, lead_professional, read_only_professional
):
    from apps.consent.services import safeguarding_override_open

    through_the_page, through_the_api = (
        safeguarding_override_open(
            actor=read_only_professional,
            child=child,
            lawful_basis=SafeguardingOverride.LawfulBasis.CHILD_PROTECTION_ENQUIRY,
            justification="Disclosure at school today suggests the child is at immediate risk at home.",
            categories=[category],
        )
        for category in ("plans", "assessments")
    )
    page_url, _, form = _told(child, through_the_page)
    _, api_url, _ = _told(child, through_the_api)
    client = sign_in(Client(), read_only_professional)
    api = _api(read_only_professional)

    page = client.post(page_url, form)
    response = api.post(api_url, {"told_on": str(TODAY())}, format="json")
    # Recorded once: a second recording, through the other interface, changes nothing.
    again = api.post(_told(child, through_the_page)[1], {"told_on": str(TODAY())}, format="json")

    assert page.status_code == 302
    assert response.status_code == 200, response.json()
    for override in (through_the_page, through_the_api):
        override.refresh_from_db()
        assert override.young_person_told_on == TODAY()
    assert again.status_code == 400
    assert again.json()["errors"][0]["detail"].startswith("Telling the young person was already recorded")


def test_someone_else_who_may_only_look_is_refused_told_in_the_same_words_by_both_interfaces(
    child, lead_professional, read_only_professional
):
    from django.utils.html import escape

    from apps.consent.services import OVERRIDE_TOLD_REFUSED, safeguarding_override_open

    override = safeguarding_override_open(
        actor=lead_professional,
        child=child,
        lawful_basis=SafeguardingOverride.LawfulBasis.CHILD_PROTECTION_ENQUIRY,
        justification="Disclosure at school today suggests the child is at immediate risk at home.",
        categories=["plans"],
    )
    page_url, api_url, form = _told(child, override)

    page = sign_in(Client(), read_only_professional).post(page_url, form)
    response = _api(read_only_professional).post(api_url, {"told_on": str(TODAY())}, format="json")

    assert page.status_code == 403
    assert escape(OVERRIDE_TOLD_REFUSED) in page.text
    assert response.status_code == 403
    assert response.json()["errors"][0]["detail"] == OVERRIDE_TOLD_REFUSED
    override.refresh_from_db()
    assert override.young_person_told_on is None
