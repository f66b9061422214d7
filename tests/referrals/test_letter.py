"""The decision letter is a letter (issue 14): dated, saying who asked for help and who decided, how to
reach the service (or saying plainly there is no number), what was arranged instead with the directory's
"what to expect" page, what to do if things get worse, the crisis numbers from the one setting, and a
Print button. Who may read it is unchanged (tests/referrals/test_letter_access.py, the permission matrix).
"""

import datetime

import pytest
import time_machine
from django.urls import reverse

from apps.accounts.models import OrganisationMembership
from apps.referrals.models import Referral
from apps.referrals.services import referral_decline, referral_triage
from tests.auth import sign_in
from tests.directory.factories import service
from tests.referrals.factories import referral_for

pytestmark = pytest.mark.django_db

RECEIVED = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
DECIDED = datetime.datetime(2026, 3, 5, 14, 0, tzinfo=datetime.UTC)
PRINTED = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC)


def _declined(child, referrer, camhs, clinician, *, reason="not_specialist_need", alternatives=None):
    with time_machine.travel(RECEIVED, tick=False):
        referral = referral_for(child, referrer, camhs)
        referral_triage(actor=clinician, referral=referral, urgency="routine", triage_note="Low risk today.")
    kooth = service("Kooth online counselling")
    with time_machine.travel(DECIDED, tick=False):
        referral_decline(
            actor=clinician,
            referral=referral,
            reason=reason,
            explanation="MARKER-WHY: Sam's needs can be met nearer home, sooner.",
            alternatives=alternatives
            or [
                {
                    "kind": "named_service",
                    "directory_service": kooth,
                    "detail": "MARKER-ALT-1: Kooth can talk.",
                },
                {"kind": "network_meeting", "detail": "MARKER-ALT-2: a meeting with school on Friday."},
            ],
        )
    return referral, kooth


def _letter(client, user, child, referral) -> str:
    sign_in(client, user)
    url = reverse("referrals:referral-letter", args=[child.public_id, referral.public_id])
    with time_machine.travel(PRINTED, tick=False):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _membership(user, **fields) -> None:
    assert OrganisationMembership.objects.filter(user=user).update(**fields) == 1


def test_a_decline_letter_is_dated_and_says_who_asked_who_decided_and_how_to_reach_them(
    client, child, lead_professional, camhs, spa_clinician, settings
):
    settings.BEACON_SITE_URL = "https://beacon.example.nhs.uk"
    _membership(spa_clinician, phone="01632 960001", job_title="Single point of access clinician")
    referral, kooth = _declined(child, lead_professional, camhs, spa_clinician)
    page = _letter(client, lead_professional, child, referral)

    assert "Date: 5 March 2026" in page  # the day it was decided
    assert "Printed on 10 March 2026" in page
    assert "Lena Lead from Synthetic Borough Children&#x27;s Services asked Synthetic NHS CAMHS" in page
    assert "On 2 March 2026" in page
    assert "Sol Spa, Single point of access clinician" in page
    assert "Phone: 01632 960001" in page
    assert "We do not have a phone number" not in page
    assert "MARKER-WHY: Sam&#x27;s needs can be met nearer home, sooner." in page
    assert "MARKER-ALT-1" in page
    assert "MARKER-ALT-2" in page
    expect = "https://beacon.example.nhs.uk" + reverse("directory:what-to-expect", args=[kooth.public_id])
    assert f'href="{expect}"' in page  # a full address: it can be typed from paper
    assert page.count("/what-to-expect/") == 2  # the link and its address as text, for the Kooth line only
    assert "If things get worse" in page
    assert "they can ask us again" in page


def test_the_phone_number_falls_back_to_the_services_directory_entry(
    client, child, lead_professional, camhs, spa_clinician
):
    service(
        "Synthetic CAMHS single point of access",
        organisation=camhs,
        phone="01632 960999",
        email="spa@example.org",
    )
    referral, _ = _declined(child, lead_professional, camhs, spa_clinician)
    page = _letter(client, lead_professional, child, referral)
    assert "Phone: 01632 960999" in page
    assert "Email: spa@example.org" in page
    assert "We do not have a phone number" not in page


def test_a_letter_with_no_number_anywhere_says_so_rather_than_printing_an_empty_line(
    client, child, lead_professional, camhs, spa_clinician
):
    service("Another service entirely", phone="01632 960555")  # not the receiving service's: not used
    referral, _ = _declined(child, lead_professional, camhs, spa_clinician)
    page = _letter(client, lead_professional, child, referral)
    assert "Phone:" not in page
    assert "01632 960555" not in page
    assert "We do not have a phone number for Synthetic NHS CAMHS to put on this letter." in page


def test_the_crisis_numbers_come_from_the_one_setting_on_the_letter_and_the_what_to_expect_page(
    client, child, lead_professional, camhs, spa_clinician, settings
):
    settings.BEACON_CRISIS_CONTACTS = [
        {
            "lead": "MARKER-CRISIS line: call",
            "number": "01632 960777",
            "href": "tel:01632960777",
            "note": "Any time.",
        }
    ]
    referral, kooth = _declined(child, lead_professional, camhs, spa_clinician)
    page = _letter(client, lead_professional, child, referral)
    assert (
        'MARKER-CRISIS line: call <a class="govuk-link" href="tel:01632960777">01632 960777</a>. Any time.'
        in page
    )
    assert "0800 1111" not in page
    with time_machine.travel(PRINTED, tick=False):  # the session signed in then is still alive
        expect = client.get(reverse("directory:what-to-expect", args=[kooth.public_id])).content.decode()
    assert "MARKER-CRISIS line" in expect
    assert "0800 1111" not in expect


def test_the_default_crisis_numbers_are_the_uk_ones(client, child, lead_professional, camhs, spa_clinician):
    referral, _ = _declined(child, lead_professional, camhs, spa_clinician)
    page = _letter(client, lead_professional, child, referral)
    for number, href in [
        ("999", "tel:999"),
        ("111", "tel:111"),
        ("0800 1111", "tel:08001111"),
        ("116 123", "tel:116123"),
        ("85258", "sms:85258"),
    ]:
        assert f'href="{href}">{number}</a>' in page
    assert "Choose option 2" in page


def test_the_letter_has_a_print_button_that_only_the_script_reveals(
    client, child, lead_professional, camhs, spa_clinician
):
    referral, _ = _declined(child, lead_professional, camhs, spa_clinician)
    page = _letter(client, lead_professional, child, referral)
    assert "data-beacon-print hidden>Print this letter</button>" in page
    assert "js/print.mjs" in page
    # The back link and the warning for the worker do not print; the letter itself does.
    assert page.index("beacon-no-print") < page.index("Back to the referral")


def test_a_decline_waiting_for_senior_review_is_not_written_as_a_decision(
    client, child, lead_professional, camhs, spa_clinician
):
    referral, _ = _declined(child, lead_professional, camhs, spa_clinician, reason="unstable_placement")
    assert Referral.objects.get(pk=referral.pk).status == Referral.Status.DECLINE_PENDING_REVIEW
    page = _letter(client, lead_professional, child, referral)
    assert "What we decided" not in page
    assert "MARKER-WHY" not in page
    assert "MARKER-ALT-1" not in page
    assert "Date: " not in page  # nothing is decided yet
    assert "Sol Spa" not in page  # the person who proposed it has not decided it
    assert "Printed on 10 March 2026" in page


def test_a_young_person_who_asked_themselves_is_told_so(
    client, child, lead_professional, camhs, spa_clinician
):
    with time_machine.travel(RECEIVED, tick=False):
        referral = referral_for(child, lead_professional, camhs, route="young_person")
    page = _letter(client, lead_professional, child, referral)
    assert "you asked Synthetic NHS CAMHS for help" in page
    assert "Lena Lead" not in page.split("Dear", 1)[1].split("If someone needs help now")[0]


def test_someone_who_cannot_see_the_childs_referrals_cannot_read_the_letter(
    client, child, lead_professional, camhs, spa_clinician, outsider
):
    referral, _ = _declined(child, lead_professional, camhs, spa_clinician)
    sign_in(client, outsider)
    url = reverse("referrals:referral-letter", args=[child.public_id, referral.public_id])
    response = client.get(url)
    assert response.status_code == 404
    assert "MARKER-WHY" not in response.content.decode()
