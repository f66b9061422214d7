"""Asking for access to a record found while adding a child, instead of a way round (R2).

The asker learns nothing of a record they may not see; their reason reaches the record's lead professional
(or, without one, the safeguarding leads of the organisation holding it), who answers once: access given,
declined, or a different child.
"""

import datetime

import pytest
from django.urls import reverse

from apps.children.models import Child, DifferentChildConfirmation
from apps.children.services import child_create
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.notifications.models import Notification
from apps.sharing.access import child_access
from apps.sharing.models import AccessGrant
from apps.teams.models import AccessRequest, TeamMembership
from apps.teams.services import access_request_answer, access_request_create
from tests.auth import sign_in
from tests.concurrency import one_wins, run_together
from tests.factories import ChildFactory, ProfessionalFactory
from tests.teams.factories import lead_for

pytestmark = pytest.mark.django_db

BORN = datetime.date(2012, 3, 27)
FIND = reverse("children:find")
ASK = reverse("children:ask-for-access")
REQUESTS = reverse("teams:access-requests")


@pytest.fixture
def record(lead_professional, social_care):
    """Samira Okafor's record, held by social care, led by the lead professional."""
    child = ChildFactory(
        given_name="Samira",
        family_name="Okafor",
        preferred_name="Sam",
        date_of_birth=BORN,
        created_by_organisation=social_care,
    )
    lead_for(child, lead_professional)
    return child


@pytest.fixture
def asker():
    return ProfessionalFactory(username="asker", display_name="Ada Asker")


def _ask(asker, **details):
    details = details or {"given_name": "Samira", "family_name": "Okafor", "date_of_birth": BORN}
    (request,) = access_request_create(actor=asker, reason="I am Samira's new school nurse.", **details)
    return request


def _sees(user, child) -> bool:
    return child_access(user=user, child=child).can_see_child


# --- Asking, in the browser ------------------------------------------------------------------------------


def test_a_hidden_match_leads_to_ask_for_access_which_reaches_the_lead_and_reveals_nothing(
    client, asker, record, lead_professional
):
    sign_in(client, asker)
    found = client.post(
        FIND,
        {
            "given_name": "Okafor",
            "family_name": "Samira",
            "date_of_birth_0": "27",
            "date_of_birth_1": "3",
            "date_of_birth_2": "2012",
        },
    ).text
    assert f'href="{ASK}"' in found

    ask_page = client.get(ASK).text
    response = client.post(ASK, {"reason": "I am Samira's new school nurse."}, follow=True)

    access_request = AccessRequest.objects.get()
    assert (access_request.child, access_request.requested_by) == (record, asker)
    assert (
        access_request.matched_on == "same date of birth, with the first and last names the other way round"
    )
    assert response.redirect_chain[-1][0] == REQUESTS
    # Nothing about the record reaches the asker: not its name, id, NHS number or holder.
    for page in (found, ask_page, response.content.decode()):
        for detail in ("Sam ", str(record.public_id), record.nhs_number, "Synthetic Borough", "Lena Lead"):
            assert detail not in page
    assert "Waiting for an answer" in response.content.decode()
    # The lead professional is told, by name of the child (they see the record), with a link to answer.
    told = Notification.objects.get(recipient=lead_professional, kind=Notification.Kind.ACCESS_REQUEST)
    assert told.child == record
    assert told.link == reverse("teams:access-request", args=[access_request.public_id])
    assert "Ada Asker" in told.subject
    assert not _sees(asker, record)


def test_asking_without_a_search_goes_back_to_the_find_page_and_needs_a_reason(client, asker, record):
    sign_in(client, asker)
    assert client.get(ASK).url == FIND
    client.post(FIND, {"nhs_number": record.nhs_number})

    page = client.post(ASK, {"reason": ""}).text

    assert "Say why you need access to the child" in page
    assert not AccessRequest.objects.exists()


def test_asking_twice_is_refused_and_a_shared_record_is_nothing_to_ask(asker, record, lead_professional):
    _ask(asker)
    with pytest.raises(ApplicationError, match="already asked"):
        _ask(asker)
    with pytest.raises(ApplicationError, match="nothing to ask"):
        access_request_create(actor=lead_professional, reason="Mine.", nhs_number=record.nhs_number)
    assert AccessRequest.objects.count() == 1


def test_asking_counts_against_the_possible_match_allowance(client, asker, record, settings):
    settings.BEACON_POSSIBLE_MATCH_RATE = "1/hour"
    sign_in(client, asker)
    client.post(FIND, {"nhs_number": record.nhs_number})  # Uses the one check allowed.

    response = client.post(ASK, {"reason": "I am her school nurse."})

    assert response.status_code == 429
    assert not AccessRequest.objects.exists()


# --- Answering ----------------------------------------------------------------------------------------


def test_access_given_by_the_lead_adds_the_asker_to_the_team_and_tells_them(
    client, asker, record, lead_professional
):
    access_request = _ask(asker)
    sign_in(client, lead_professional)
    url = reverse("teams:access-request", args=[access_request.public_id])
    page = client.get(url).text
    assert "I am Samira&#x27;s new school nurse." in page

    client.post(url, {"outcome": "granted"})

    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.GRANTED
    assert access_request.answered_by == lead_professional
    assert TeamMembership.objects.current().filter(child=record, user=asker).exists()
    assert _sees(asker, record)
    told = Notification.objects.get(recipient=asker, kind=Notification.Kind.ACCESS_REQUEST_ANSWER)
    assert told.link == reverse("children:detail", args=[record.public_id])


def test_a_declined_request_tells_the_asker_only_that_and_keeps_the_reason_from_them(
    asker, record, lead_professional
):
    access_request = _ask(asker)

    access_request_answer(
        actor=lead_professional,
        access_request=access_request,
        outcome="declined",
        note="Placement is secret.",
    )

    told = Notification.objects.get(recipient=asker, kind=Notification.Kind.ACCESS_REQUEST_ANSWER)
    assert told.child is None
    written = f"{told.subject} {told.body} {told.link}"
    for detail in ("Placement is secret", "Samira", str(record.public_id), "Lena"):
        assert detail not in written
    assert "declined" in told.subject
    assert not _sees(asker, record)


def test_a_decline_needs_a_reason_and_an_answer_is_given_once(asker, record, lead_professional):
    access_request = _ask(asker)
    with pytest.raises(Exception, match="Say why you are not giving access"):
        access_request_answer(actor=lead_professional, access_request=access_request, outcome="declined")

    access_request_answer(actor=lead_professional, access_request=access_request, outcome="granted")
    with pytest.raises(ApplicationError, match="already answered"):
        access_request_answer(
            actor=lead_professional,
            access_request=access_request,
            outcome="declined",
            note="Changed my mind.",
        )
    assert AccessRequest.objects.get().status == AccessRequest.Status.GRANTED


def test_only_the_professional_responsible_may_answer_and_others_get_a_404(client, asker, record):
    access_request = _ask(asker)
    url = reverse("teams:access-request", args=[access_request.public_id])
    for someone in (asker, ProfessionalFactory()):
        with pytest.raises(NotPermitted):
            access_request_answer(actor=someone, access_request=access_request, outcome="granted")
        sign_in(client, someone)
        assert client.get(url).status_code == 404
        assert client.post(url, {"outcome": "granted"}).status_code == 404
    assert AccessRequest.objects.get().status == AccessRequest.Status.PENDING


def test_a_different_child_answer_lets_the_asker_add_the_record_after_all(asker, record, lead_professional):
    access_request = _ask(asker)
    with pytest.raises(ApplicationError):
        child_create(actor=asker, given_name="Samira", family_name="Okafor", date_of_birth=BORN)

    access_request_answer(
        actor=lead_professional,
        access_request=access_request,
        outcome="different_child",
        note="Ours is a boy.",
    )
    child = child_create(actor=asker, given_name="Samira", family_name="Okafor", date_of_birth=BORN)

    confirmation = DifferentChildConfirmation.objects.get(child=child)
    assert confirmation.matched_child == record
    assert "Ours is a boy" not in confirmation.reason
    assert Child.objects.filter(given_name="Samira").count() == 2
    told = Notification.objects.get(recipient=asker, kind=Notification.Kind.ACCESS_REQUEST_ANSWER)
    assert "different child" in told.subject


def test_without_a_lead_the_safeguarding_leads_of_the_holding_organisation_answer_and_grant_read_only(
    client, asker, social_care
):
    record = ChildFactory(
        given_name="Noor", family_name="Ali", date_of_birth=BORN, created_by_organisation=social_care
    )
    dsl = ProfessionalFactory(
        username="dsl", organisation=social_care, organisation__role="safeguarding-lead"
    )
    access_request = _ask(asker, given_name="Noor", family_name="Ali", date_of_birth=BORN)

    told = Notification.objects.get(recipient=dsl, kind=Notification.Kind.ACCESS_REQUEST)
    assert told.child is None  # They may not see the record: nothing names the child.
    assert "Noor" not in told.subject
    sign_in(client, dsl)
    page = client.get(reverse("teams:access-request", args=[access_request.public_id])).text
    assert "not shared with you" in page
    client.post(reverse("teams:access-request", args=[access_request.public_id]), {"outcome": "granted"})

    grant = AccessGrant.objects.get(child=record, user=asker)
    assert grant.basis == AccessGrant.Basis.ADMINISTRATOR
    assert not grant.can_change
    assert _sees(asker, record)


# --- The API -------------------------------------------------------------------------------------------


def test_the_api_asks_lists_and_answers(api_client, asker, record, lead_professional):
    api_client.force_authenticate(asker)
    asked = api_client.post(
        "/api/v1/access-requests/",
        {
            "reason": "School nurse.",
            "given_name": "Samira",
            "family_name": "Okafor",
            "date_of_birth": "2012-03-27",
        },
        format="json",
    )
    assert asked.status_code == 201
    assert asked.json()["status"] == "Waiting for an answer"
    assert str(record.public_id) not in asked.content.decode()
    again = api_client.post(
        "/api/v1/access-requests/",
        {
            "reason": "School nurse.",
            "given_name": "Samira",
            "family_name": "Okafor",
            "date_of_birth": "2012-03-27",
        },
        format="json",
    )
    assert again.status_code == 400
    assert again.json()["errors"][0]["code"] == "already_asked"

    api_client.force_authenticate(lead_professional)
    (waiting,) = api_client.get("/api/v1/access-requests/to-answer/").json()
    assert waiting["child"] == str(record.public_id)
    answered = api_client.post(
        f"/api/v1/access-requests/{waiting['public_id']}/answer/", {"outcome": "granted"}
    )
    assert answered.status_code == 200
    assert answered.json()["status"] == "granted"

    api_client.force_authenticate(asker)
    (ask,) = api_client.get("/api/v1/access-requests/").json()
    assert ask["granted"] == [str(record.public_id)]
    assert api_client.get(f"/api/v1/access-requests/{waiting['public_id']}/").status_code == 404


# --- Two answers at the same moment ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_answers_at_once_one_stands_and_the_other_is_refused(asker, social_care):
    ChildFactory(
        given_name="Noor", family_name="Ali", date_of_birth=BORN, created_by_organisation=social_care
    )
    leads = [
        ProfessionalFactory(organisation=social_care, organisation__role="safeguarding-lead")
        for _ in range(2)
    ]
    access_request = _ask(asker, given_name="Noor", family_name="Ali", date_of_birth=BORN)
    copies = [AccessRequest.objects.get(pk=access_request.pk) for _ in leads]
    calls = [
        lambda: access_request_answer(actor=leads[0], access_request=copies[0], outcome="granted"),
        lambda: access_request_answer(
            actor=leads[1], access_request=copies[1], outcome="declined", note="Not needed."
        ),
    ]

    winner, refusal = one_wins(run_together(*calls), refused=ApplicationError)

    assert "already answered" in refusal.message
    access_request.refresh_from_db()
    assert access_request.status == winner.status
    assert (
        Notification.objects.filter(recipient=asker, kind=Notification.Kind.ACCESS_REQUEST_ANSWER).count()
        == 1
    )
    assert AccessGrant.objects.filter(user=asker).count() == (1 if winner.status == "granted" else 0)
