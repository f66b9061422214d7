"""Young people's invite links: made by the lead professional, single use, expiring, replaced by a new one."""

import datetime
import hashlib

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User, YoungPersonInvite
from apps.audit.models import AuditEvent
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.portal.services import young_person_invite_accept, young_person_invite_create
from tests.auth import sign_in
from tests.factories import ProfessionalFactory
from tests.teams.factories import lead_for, professional_joins

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "lighthouse-otter-marmalade"


@pytest.fixture
def led_child(child, lead_professional):
    """``child`` with ``lead_professional`` appointed their lead professional."""
    lead_for(child, lead_professional)
    return child


def _make_link(client, child) -> str:
    response = client.post(reverse("invites:create", args=[child.public_id]))
    assert response.status_code == 200
    return response.context["link"]


def _path(link: str) -> str:
    return link.split("testserver", 1)[1]


def test_the_lead_professional_makes_a_link_and_only_its_hash_is_kept(led_child, lead_professional):
    invite, token = young_person_invite_create(actor=lead_professional, child=led_child)

    assert invite.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in invite.token_hash
    assert len(token) >= 40
    assert invite.expires_at == invite.created_at + datetime.timedelta(days=7)
    assert AuditEvent.objects.filter(
        target_type="accounts.youngpersoninvite", target_id=str(invite.public_id), action="create"
    ).exists()


def test_someone_other_than_the_lead_professional_cannot_invite(led_child, lead_professional):
    colleague = ProfessionalFactory()
    professional_joins(led_child, colleague, actor=lead_professional)

    with pytest.raises(NotPermitted, match="the lead professional"):
        young_person_invite_create(actor=colleague, child=led_child)
    assert not YoungPersonInvite.objects.exists()


def test_the_professional_sees_the_link_once(signed_in_client, led_child):
    link = _make_link(signed_in_client, led_child)

    assert "/invite/" in link
    page = signed_in_client.get(reverse("invites:create", args=[led_child.public_id])).content.decode()
    assert link not in page
    assert "has not been used yet" in page


def test_a_young_person_uses_the_link_and_lands_on_their_portal(signed_in_client, led_child, client):
    path = _path(_make_link(signed_in_client, led_child))
    signed_in_client.logout()

    form = client.get(path)
    assert form.status_code == 200
    assert "make your Beacon account" in form.content.decode()
    response = client.post(
        path, {"username": "sam.o", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    account = User.objects.get(username="sam.o")
    assert account.kind == User.Kind.YOUNG_PERSON
    assert account.check_password(NEW_PASSWORD)
    led_child.refresh_from_db()
    assert led_child.account == account
    assert client.get(reverse("portal:home")).status_code == 200
    invite = YoungPersonInvite.objects.get()
    assert invite.used_at is not None
    assert invite.account == account


def test_a_link_used_twice_says_so_and_changes_nothing(signed_in_client, led_child, client):
    path = _path(_make_link(signed_in_client, led_child))
    signed_in_client.logout()
    data = {"username": "sam.o", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    client.post(path, data)
    client.logout()

    again = client.post(path, {**data, "username": "someone.else"})
    assert again.status_code == 410
    assert "This link has already been used" in again.content.decode()
    assert not User.objects.filter(username="someone.else").exists()
    assert User.objects.filter(kind=User.Kind.YOUNG_PERSON).count() == 1
    assert client.get(path).status_code == 410


def test_the_service_refuses_a_second_claim(led_child, lead_professional):
    """A double tap: the second submission finds the link claimed and makes no second account."""
    _invite, token = young_person_invite_create(actor=lead_professional, child=led_child)
    young_person_invite_accept(token=token, username="first", password=NEW_PASSWORD)

    with pytest.raises(ApplicationError, match="already been used"):
        young_person_invite_accept(token=token, username="second", password=NEW_PASSWORD)
    assert list(User.objects.filter(kind=User.Kind.YOUNG_PERSON).values_list("username", flat=True)) == [
        "first"
    ]


def test_a_link_that_has_run_out_says_ask_for_a_new_one(led_child, lead_professional, client):
    _invite, token = young_person_invite_create(actor=lead_professional, child=led_child)
    path = reverse("invites:accept", args=[token])

    with time_machine.travel(timezone.now() + datetime.timedelta(days=7, minutes=1)):
        page = client.get(path)
        posted = client.post(
            path, {"username": "late", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
        )

    assert page.status_code == 410
    assert "This link has run out" in page.content.decode()
    assert "Ask your worker for a new link" in page.content.decode()
    assert posted.status_code == 410
    assert not User.objects.filter(username="late").exists()
    assert YoungPersonInvite.objects.get().used_at is None


def test_a_link_works_until_it_runs_out(led_child, lead_professional, client):
    _invite, token = young_person_invite_create(actor=lead_professional, child=led_child)

    with time_machine.travel(timezone.now() + datetime.timedelta(days=6, hours=23)):
        assert client.get(reverse("invites:accept", args=[token])).status_code == 200


def test_a_new_link_replaces_the_old_one(led_child, lead_professional, client):
    first, old_token = young_person_invite_create(actor=lead_professional, child=led_child)
    _second, new_token = young_person_invite_create(actor=lead_professional, child=led_child)

    first.refresh_from_db()
    assert first.revoked_at is not None
    old = client.get(reverse("invites:accept", args=[old_token]))
    assert old.status_code == 410
    assert "This link has been replaced" in old.content.decode()
    assert client.get(reverse("invites:accept", args=[new_token])).status_code == 200


def test_a_withdrawn_link_stops_working(signed_in_client, led_child, client):
    path = _path(_make_link(signed_in_client, led_child))
    invite = YoungPersonInvite.objects.get()
    signed_in_client.post(reverse("invites:revoke", args=[led_child.public_id, invite.public_id]))
    signed_in_client.logout()

    assert client.get(path).status_code == 410


def test_an_unknown_link_is_a_plain_404(client):
    response = client.get(reverse("invites:accept", args=["not-a-real-token"]))
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()


def test_a_weak_password_is_refused_and_the_link_still_works(led_child, lead_professional, client):
    _invite, token = young_person_invite_create(actor=lead_professional, child=led_child)
    path = reverse("invites:accept", args=[token])

    response = client.post(path, {"username": "sam.o", "password": "password", "password_again": "password"})

    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()
    assert not User.objects.filter(username="sam.o").exists()
    assert YoungPersonInvite.objects.get().used_at is None
    ok = client.post(path, {"username": "sam.o", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert ok.status_code == 302


def test_a_taken_username_asks_for_another(led_child, lead_professional, client):
    _invite, token = young_person_invite_create(actor=lead_professional, child=led_child)

    response = client.post(
        reverse("invites:accept", args=[token]),
        {"username": "LEAD", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )

    assert "That username is already taken" in response.content.decode()
    assert YoungPersonInvite.objects.get().used_at is None


def test_two_different_passwords_are_refused(led_child, lead_professional, client):
    _invite, token = young_person_invite_create(actor=lead_professional, child=led_child)

    response = client.post(
        reverse("invites:accept", args=[token]),
        {"username": "sam.o", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD + "x"},
    )

    assert "The two passwords are different" in response.content.decode()
    assert not User.objects.filter(username="sam.o").exists()


def test_a_child_who_has_an_account_is_not_invited_again(led_child, lead_professional):
    _invite, token = young_person_invite_create(actor=lead_professional, child=led_child)
    young_person_invite_accept(token=token, username="sam.o", password=NEW_PASSWORD)

    with pytest.raises(ApplicationError, match="already has a Beacon account"):
        young_person_invite_create(actor=lead_professional, child=led_child)


def test_someone_signed_in_is_asked_to_sign_out_first(led_child, lead_professional, client):
    _invite, token = young_person_invite_create(actor=lead_professional, child=led_child)
    sign_in(client, lead_professional)

    response = client.get(reverse("invites:accept", args=[token]))

    assert response.status_code == 409
    assert "sign out first" in response.content.decode()
    assert YoungPersonInvite.objects.get().used_at is None
