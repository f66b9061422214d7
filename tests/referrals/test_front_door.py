"""The front door (R34, R35): young people and parents ask for help themselves; the team routes it."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.notifications.models import Notification
from apps.referrals.models import HelpRequest, RoutingStep
from apps.referrals.services.front_door import help_request_close, help_request_route
from apps.sharing.access import may_see
from tests.auth import sign_in
from tests.directory.factories import service
from tests.factories import ChildFactory, ProfessionalFactory, YoungPersonUserFactory

pytestmark = pytest.mark.django_db

PARENT_FORM = {
    "requester_name": "Pat Parent",
    "requester_relationship": "Mum",
    "requester_phone": "07700 900123",
    "requester_email": "",
    "child_name": "Sam Synthetic",
    "child_date_of_birth_0": "3",
    "child_date_of_birth_1": "4",
    "child_date_of_birth_2": "2011",
    "child_nhs_number": "",
    "child_description": "",
    "what_is_happening": "MARKER-PARENT: she has stopped going to school and cries every night.",
    "urgency": "soon",
    "contact_by": "phone",
    "contact_note": "",
    "website": "",
}


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def young_person(camhs):
    account = YoungPersonUserFactory(username="kai")
    ChildFactory(account=account, given_name="Kai")
    return account


def test_young_person_asks_for_help_and_it_lands_at_the_front_door(
    client, young_person, spa_clinician, camhs
):
    sign_in(client, young_person)
    assert client.get(reverse("portal:ask-for-help")).status_code == 200

    response = client.post(
        reverse("portal:ask-for-help"),
        {"what_is_happening": "MARKER-YP: I cannot sleep.", "urgency": "soon", "contact_by": "text"},
    )
    assert response.status_code == 302
    help_request = HelpRequest.objects.get()
    assert help_request.source == HelpRequest.Source.YOUNG_PERSON
    assert help_request.child == young_person.child_record
    assert help_request.receiving_organisation == camhs
    # The single point of access is told, and can open the young person's record to make the referral.
    assert Notification.objects.filter(
        recipient=spa_clinician, link__contains=str(help_request.public_id)
    ).exists()
    assert may_see(user=spa_clinician, child=young_person.child_record, category="referrals")

    sent = client.get(response["Location"]).content.decode()
    assert "Your request has been sent" in sent

    sign_in(client, spa_clinician)
    queue = client.get(reverse("referrals:help-request-list")).content.decode()
    assert "Kai" in queue
    assert "The young person, from their Beacon pages" in queue


def test_young_person_saying_it_is_urgent_sees_crisis_help_first(client, young_person, spa_clinician):
    sign_in(client, young_person)
    response = client.post(
        reverse("portal:ask-for-help"),
        {"what_is_happening": "I do not feel safe.", "urgency": "urgent", "contact_by": "phone"},
        follow=True,
    )
    page = response.content.decode()
    assert "You said you need help now" in page
    assert page.index("tel:999") < page.index("Your request has been sent")
    assert "0800 1111" in page


def test_young_person_form_shows_every_problem_at_once(client, young_person, spa_clinician):
    sign_in(client, young_person)
    page = client.post(reverse("portal:ask-for-help"), {}).content.decode()
    for message in (
        "Tell us what is going on for you",
        "Choose how soon you need help",
        "Choose how you would like us to contact you",
    ):
        assert message in page
    assert not HelpRequest.objects.exists()


def test_professional_cannot_use_the_young_persons_form(client, spa_clinician):
    sign_in(client, spa_clinician)
    assert client.get(reverse("portal:ask-for-help")).status_code == 403


def test_parent_asks_without_an_account_and_it_is_never_attached_to_a_record(client, spa_clinician, camhs):
    known = ChildFactory(given_name="Sam", family_name="Synthetic")
    form = {**PARENT_FORM, "child_nhs_number": known.nhs_number}
    response = client.post(reverse("front-door:ask"), form)
    assert response.status_code == 302

    help_request = HelpRequest.objects.get()
    assert help_request.source == HelpRequest.Source.PARENT_CARER
    assert help_request.child is None  # matching is the team's job, never Beacon's guess
    assert help_request.child_nhs_number == known.nhs_number
    assert help_request.requester_phone == "07700 900123"
    assert help_request.receiving_organisation == camhs
    assert Notification.objects.filter(recipient=spa_clinician).count() == 1

    sent = client.get(response["Location"]).content.decode()
    assert "What happens next" in sent
    assert "tel:999" in sent


def test_parent_confirmation_is_the_same_whether_or_not_the_child_is_known(client, spa_clinician):
    known = ChildFactory(given_name="Sam", family_name="Synthetic")
    pages = []
    for nhs_number in (known.nhs_number, "9990000018"):
        client.cookies.clear()
        response = client.post(
            reverse("front-door:ask"), {**PARENT_FORM, "child_nhs_number": nhs_number}, follow=True
        )
        page = response.content.decode()
        main = page[page.index("<main") : page.index("</main>")]  # outside it: per-response nonces
        pages.append((response.status_code, main))
    assert pages[0] == pages[1]
    assert HelpRequest.objects.filter(child__isnull=True).count() == 2


def test_parent_form_shows_every_problem_at_once(client, spa_clinician):
    form = {
        **PARENT_FORM,
        "requester_name": "",
        "requester_phone": "",
        "child_name": "",
        "what_is_happening": "",
        "child_nhs_number": "9990000019",
        "urgency": "",
    }
    response = client.post(reverse("front-door:ask"), form)
    page = response.content.decode()
    for message in (
        "Enter your name",
        "Enter a phone number or an email address so we can reach you",
        "Enter your child&#x27;s name, or describe them",
        "Tell us what is going on for your child",
        "Choose how soon help is needed",
        "the last digit does not match the check",
    ):
        assert message in page, message
    assert "There is a problem" in page
    assert not HelpRequest.objects.exists()


def test_parent_may_describe_the_child_instead_of_naming_them(client, spa_clinician):
    form = {
        **PARENT_FORM,
        "child_name": "",
        "child_date_of_birth_0": "",
        "child_date_of_birth_1": "",
        "child_date_of_birth_2": "",
        "child_description": "My 14-year-old son",
    }
    assert client.post(reverse("front-door:ask"), form).status_code == 302
    assert HelpRequest.objects.get().child_description == "My 14-year-old son"


def test_robots_filling_the_hidden_field_are_thanked_and_nothing_is_saved(client, spa_clinician):
    response = client.post(reverse("front-door:ask"), {**PARENT_FORM, "website": "http://spam.example"})
    assert response.status_code == 302
    assert not HelpRequest.objects.exists()
    assert not Notification.objects.exists()


def test_too_many_requests_from_one_address_get_a_clear_429(client, spa_clinician, settings):
    settings.BEACON_FRONT_DOOR_RATE = "2/hour"
    for _ in range(2):
        assert client.post(reverse("front-door:ask"), PARENT_FORM).status_code == 302
    refused = client.post(reverse("front-door:ask"), PARENT_FORM)
    assert refused.status_code == 429
    assert "Try again in" in refused.content.decode()
    assert refused["Retry-After"]
    assert HelpRequest.objects.count() == 2


def test_the_public_form_checks_csrf(spa_clinician):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("front-door:ask"), PARENT_FORM).status_code == 403
    assert not HelpRequest.objects.exists()


def test_routing_is_recorded_with_who_when_and_why(client, spa_clinician):
    client.post(reverse("front-door:ask"), PARENT_FORM)
    help_request = HelpRequest.objects.get()
    counselling = service("Synthetic Counselling")

    sign_in(client, spa_clinician)
    page = client.get(
        reverse("referrals:help-request-detail", args=[help_request.public_id])
    ).content.decode()
    assert "Not attached to any record" in page
    response = client.post(
        reverse("referrals:help-request-route", args=[help_request.public_id]),
        {
            "route-to_service": str(counselling.public_id),
            "route-reason": "Counselling fits; no specialist need.",
        },
    )
    assert response.status_code == 302
    step = RoutingStep.objects.get()
    assert (step.help_request, step.to_service, step.routed_by) == (help_request, counselling, spa_clinician)
    assert step.reason == "Counselling fits; no specialist need."
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.ROUTED
    assert AuditEvent.objects.filter(actor=spa_clinician, action=AuditEvent.Action.UPDATE).exists()


def test_only_the_receiving_service_sees_or_routes_a_request(client, spa_clinician):
    client.post(reverse("front-door:ask"), PARENT_FORM)
    help_request = HelpRequest.objects.get()
    outsider = ProfessionalFactory()
    sign_in(client, outsider)
    assert (
        client.get(reverse("referrals:help-request-detail", args=[help_request.public_id])).status_code == 404
    )
    assert "Sam Synthetic" not in client.get(reverse("referrals:help-request-list")).content.decode()
    from apps.core.exceptions import NotPermitted

    with pytest.raises(NotPermitted):
        help_request_route(actor=outsider, help_request=help_request, to_service=service("X"), reason="r")


def test_a_closed_request_cannot_be_routed_or_closed_again(spa_clinician, client):
    client.post(reverse("front-door:ask"), PARENT_FORM)
    help_request = HelpRequest.objects.get()
    help_request_close(
        actor=spa_clinician, help_request=help_request, outcome="advice_given", note="Rang mum."
    )
    from apps.core.exceptions import ApplicationError

    with pytest.raises(ApplicationError):
        help_request_close(actor=spa_clinician, help_request=help_request, outcome="withdrawn", note="again")
    with pytest.raises(ApplicationError):
        help_request_route(
            actor=spa_clinician, help_request=help_request, to_service=service("Y"), reason="r"
        )
    assert not RoutingStep.objects.exists()


def test_the_parent_service_itself_says_every_problem_at_once_and_saves_nothing(camhs):
    """Not only the form: the service collects every problem before raising, so no caller (a page, a later
    API) gets them one at a time, and nothing is half-saved."""
    from django.core.exceptions import ValidationError

    from apps.referrals.services.front_door import help_request_from_parent

    with pytest.raises(ValidationError) as refused:
        help_request_from_parent(
            requester_name="",
            requester_relationship="",
            requester_phone="",
            requester_email="",
            child_name="",
            child_date_of_birth=None,
            child_nhs_number="999 000 0019",
            child_description="",
            what_is_happening=" ",
            urgency="whenever",
            contact_by="pigeon",
        )
    assert set(refused.value.message_dict) == {
        "requester_name",
        "requester_phone",
        "child_name",
        "child_nhs_number",
        "what_is_happening",
        "urgency",
        "contact_by",
    }
    assert HelpRequest.objects.count() == 0


def test_every_link_the_request_page_offers_opens_for_the_front_door_team(
    client, young_person, spa_clinician, camhs
):
    """The detail page of a young person's request offers "Make a referral for them" and the directory
    entries it was routed to: each opens for the single point of access clinician it is offered to."""
    sign_in(client, young_person)
    client.post(
        reverse("portal:ask-for-help"),
        {"what_is_happening": "I cannot sleep.", "urgency": "soon", "contact_by": "text"},
    )
    help_request = HelpRequest.objects.get()
    help_request_route(
        actor=spa_clinician,
        help_request=help_request,
        to_service=service("Open Door"),
        reason="Closer to home",
    )
    sign_in(client, spa_clinician)
    page = client.get(reverse("referrals:help-request-detail", args=[help_request.public_id]))
    links = re.findall(r'href="(/[^"#]*)"', page.content.decode())
    offered = [link for link in links if "/referrals/new/" in link or "/directory/" in link]
    assert len(offered) >= 2
    for link in offered:
        assert client.get(link).status_code == 200, link
