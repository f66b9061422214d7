"""Identity you can trust (the Children's Wellbeing and Schools Act 2026): the NHS number's verification
status, held by the database's rules, recorded by one service, shown wherever the number is, and never used to
find a record silently while unverified."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.children.models import Child, NhsNumberStatus
from apps.children.services import child_update
from apps.children.verification import child_nhs_number_status_record
from apps.sharing.forms import AdministratorGrantForm
from tests.auth import sign_in
from tests.factories import ChildFactory, ProfessionalFactory, nhs_number_from

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 3)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 12, 3, 12, 0, tzinfo=datetime.UTC), tick=False):
        yield


def _verify(child, actor, on=datetime.date(2026, 12, 3)):
    return child_nhs_number_status_record(actor=actor, child=child, status="verified", verified_on=on)


# --- The database's rules -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "values",
    [
        {"nhs_number_status": "verified"},  # No date, no one.
        {"nhs_number_status": "verified", "nhs_number_verified_on": TODAY},  # No one.
        {
            "nhs_number_status": "unavailable",
            "nhs_number_unavailable_reason": "Not registered",
        },  # Has a number.
        {"nhs_number_status": "unavailable", "nhs_number": None},  # No reason.
        {"nhs_number_status": "unverified", "nhs_number_verified_on": TODAY},
        {"nhs_number_unavailable_reason": "Stray reason"},
        {"nhs_number_status": "made_up"},
    ],
    ids=[
        "verified-without-date",
        "verified-without-who",
        "unavailable-with-a-number",
        "unavailable-without-reason",
        "unverified-with-a-date",
        "reason-while-not-unavailable",
        "unknown-status",
    ],
)
def test_the_database_refuses_a_status_that_does_not_hold_together(values):
    child = ChildFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Child.objects.filter(pk=child.pk).update(**values)


def test_existing_records_read_as_unverified_and_the_database_default_covers_an_old_release():
    child = ChildFactory()
    assert Child.objects.values_list("nhs_number_status", flat=True).get(pk=child.pk) == "unverified"
    assert Child._meta.get_field("nhs_number_status").db_default == "unverified"


# --- The service ------------------------------------------------------------------------------------


def test_verifying_records_the_day_and_the_person_and_is_audited(lead_professional, child):
    _verify(child, lead_professional, on=datetime.date(2026, 11, 30))

    child.refresh_from_db()
    assert child.nhs_number_status == NhsNumberStatus.VERIFIED
    assert child.nhs_number_verified_on == datetime.date(2026, 11, 30)
    assert child.nhs_number_verified_by == lead_professional
    event = AuditEvent.objects.filter(child=child, detail__nhs_number_status="verified").get()
    assert event.actor == lead_professional


@pytest.mark.parametrize(
    ("arguments", "field", "message"),
    [
        ({"status": "verified"}, "verified_on", "Enter the date the NHS number was checked"),
        (
            {"status": "verified", "verified_on": TODAY + datetime.timedelta(days=1)},
            "verified_on",
            "today or in",
        ),
        ({"status": "verified", "verified_on": datetime.date(2000, 1, 1)}, "verified_on", "date of birth"),
        ({"status": "unavailable", "unavailable_reason": "Not registered"}, "status", "Remove it"),
        ({"status": "maybe"}, "status", "Choose whether"),
    ],
    ids=["without-a-date", "in-the-future", "before-birth", "unavailable-with-a-number", "unknown"],
)
def test_bad_verification_says_what_to_fix_and_saves_nothing(
    lead_professional, child, arguments, field, message
):
    with pytest.raises(ValidationError) as refused:
        child_nhs_number_status_record(actor=lead_professional, child=child, **arguments)

    assert message in " ".join(refused.value.message_dict[field])
    assert Child.objects.values_list("nhs_number_status", flat=True).get(pk=child.pk) == "unverified"


def test_no_number_cannot_be_verified_and_unavailable_needs_a_reason(lead_professional):
    child = ChildFactory(nhs_number=None)
    with pytest.raises(ValidationError, match="Add the NHS number"):
        _verify(child, lead_professional)
    with pytest.raises(ValidationError, match="Say why"):
        child_nhs_number_status_record(actor=lead_professional, child=child, status="unavailable")

    child_nhs_number_status_record(
        actor=lead_professional, child=child, status="unavailable", unavailable_reason="Arrived last week."
    )
    assert child.nhs_number_with_status == "Not available"


def test_a_changed_number_is_no_longer_verified(lead_professional, child):
    _verify(child, lead_professional)

    child_update(actor=lead_professional, child=child, nhs_number=nhs_number_from(481_500))

    child.refresh_from_db()
    assert child.nhs_number_status == NhsNumberStatus.UNVERIFIED
    assert child.nhs_number_verified_on is None
    assert child.nhs_number_verified_by is None


def test_adding_a_number_to_a_record_without_one_makes_it_unverified(lead_professional):
    child = ChildFactory(nhs_number=None)
    child_nhs_number_status_record(
        actor=lead_professional, child=child, status="unavailable", unavailable_reason="Not registered."
    )

    child_update(actor=lead_professional, child=child, nhs_number=nhs_number_from(481_501))

    child.refresh_from_db()
    assert child.nhs_number_status == NhsNumberStatus.UNVERIFIED
    assert child.nhs_number_unavailable_reason == ""


# --- Shown wherever the number is --------------------------------------------------------------------


def test_the_child_page_the_list_and_the_api_show_the_status(
    signed_in_client, api_client, lead_professional, child
):
    spaced = f"{child.nhs_number[:3]} {child.nhs_number[3:6]} {child.nhs_number[6:]}"
    assert (
        f"{spaced} (not verified)"
        in signed_in_client.get(reverse("children:detail", args=[child.public_id])).text
    )
    assert f"{spaced} (not verified)" in signed_in_client.get(reverse("children:list")).text

    _verify(child, lead_professional)

    assert (
        f"{spaced} (verified 3 Dec 2026)"
        in signed_in_client.get(reverse("children:detail", args=[child.public_id])).text
    )
    api_client.force_authenticate(lead_professional)
    body = api_client.get(f"/api/v1/children/{child.public_id}/").json()
    assert body["nhs_number_status"] == "verified"
    assert body["nhs_number_verified_on"] == "2026-12-03"
    assert body["nhs_number_verified_by"]["public_id"] == str(lead_professional.public_id)


def test_the_verification_page_records_it_and_refuses_a_date_in_the_future(signed_in_client, child):
    url = reverse("children:nhs-number", args=[child.public_id])

    page = signed_in_client.post(
        url, {"status": "verified", "verified_on_0": "4", "verified_on_1": "12", "verified_on_2": "2026"}
    ).text
    assert "The date it was verified must be today or in the past" in page
    response = signed_in_client.post(
        url, {"status": "verified", "verified_on_0": "1", "verified_on_1": "12", "verified_on_2": "2026"}
    )
    assert response.status_code == 302
    assert Child.objects.get(pk=child.pk).nhs_number_verified_on == datetime.date(2026, 12, 1)


def test_the_verification_page_is_403_for_read_only_and_404_for_outsiders(
    client, child, read_only_professional
):
    url = reverse("children:nhs-number", args=[child.public_id])
    sign_in(client, read_only_professional)
    assert client.get(url).status_code == 403
    sign_in(client, ProfessionalFactory())
    assert client.get(url).status_code == 404


def test_the_api_records_the_verification_and_names_the_field_to_fix(api_client, lead_professional, child):
    api_client.force_authenticate(lead_professional)
    url = f"/api/v1/children/{child.public_id}/nhs-number-status/"

    refused = api_client.post(url, {"status": "verified"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["attr"] == "verified_on"
    answered = api_client.post(url, {"status": "verified", "verified_on": "2026-12-02"}, format="json")
    assert answered.status_code == 200
    assert answered.json()["nhs_number_status"] == "verified"


# --- Never used silently to find a record while unverified ------------------------------------------------


def test_the_administrator_grant_finds_a_record_by_a_verified_number_only(lead_professional, child):
    form = AdministratorGrantForm(
        data={"child_reference": child.nhs_number, "user": lead_professional.pk, "reason": "Duty to share."}
    )
    assert not form.is_valid()
    assert "has not been verified" in form.errors["child_reference"][0]
    by_id = AdministratorGrantForm(
        data={
            "child_reference": str(child.public_id),
            "user": lead_professional.pk,
            "reason": "Duty to share.",
        }
    )
    assert by_id.is_valid(), by_id.errors

    _verify(child, lead_professional)

    form = AdministratorGrantForm(
        data={"child_reference": child.nhs_number, "user": lead_professional.pk, "reason": "Duty to share."}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["child_reference"] == child
