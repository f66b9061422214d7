"""Signing in and out of the browser interface, and the error pages."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from tests.auth import current_code
from tests.factories import UserFactory, YoungPersonUserFactory

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("accounts:sign-in")
SIGN_OUT = reverse("accounts:sign-out")
CHILDREN = reverse("children:list")
DASH = "\N{EN DASH}"  # GOV.UK page titles put an en dash between page and service.


def test_sign_in_page_renders(client):
    response = client.get(SIGN_IN)

    assert response.status_code == 200
    assert f"<title>Sign in {DASH} Beacon</title>" in response.text
    assert 'name="username"' in response.text
    assert "This is a demonstration service with synthetic data only" in response.text


def test_wrong_password_shows_the_error_summary(client, lead_professional):
    response = client.post(SIGN_IN, {"username": "lead", "password": "not-the-password"})

    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert "Enter a correct username and password" in response.text
    assert f"<title>Error: Sign in {DASH} Beacon</title>" in response.text
    assert "_auth_user_id" not in client.session


def test_an_empty_sign_in_form_asks_for_username_and_password(client):
    response = client.post(SIGN_IN, {"username": "", "password": ""})

    assert 'href="#id_username">Enter your username</a>' in response.text
    assert 'href="#id_password">Enter your password</a>' in response.text


def test_correct_password_and_code_sign_in_and_go_to_the_caseload(client, lead_professional, password):
    response = client.post(SIGN_IN, {"username": "lead", "password": password}, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:sign-in-code"))

    response = client.post(response.redirect_chain[-1][0], {"otp_code": current_code()})

    assert response.status_code == 302
    assert response.url == reverse("caseload:home")
    # A lead professional with no other role's home starts at their caseload.
    assert client.get(response.url)["Location"] == reverse("caseload:caseload")


def test_sign_in_goes_back_to_the_page_asked_for(client, lead_professional, password, child):
    detail = reverse("children:detail", args=[child.public_id])
    response = client.post(f"{SIGN_IN}?next={detail}", {"username": "lead", "password": password})
    response = client.post(response.url, {"otp_code": current_code()})

    assert response.url == detail


def test_signed_in_page_shows_the_persons_name_and_a_sign_out_button(signed_in_client):
    page = signed_in_client.get(CHILDREN).text

    assert "Lena Lead" in page
    assert f'<form method="post" action="{SIGN_OUT}"' in page
    assert ">Sign out</button>" in page


def test_sign_out_must_be_a_post(signed_in_client):
    assert signed_in_client.get(SIGN_OUT).status_code == 405


def test_sign_out_ends_the_session(signed_in_client):
    response = signed_in_client.post(SIGN_OUT)

    assert response.status_code == 302
    assert response.url == SIGN_IN
    assert "You have signed out" in signed_in_client.get(SIGN_IN).text
    assert signed_in_client.get(CHILDREN).status_code == 302


def test_anonymous_is_redirected_to_sign_in(client):
    response = client.get(CHILDREN)

    assert response.status_code == 302
    assert response.url == f"{SIGN_IN}?next={CHILDREN}"


def test_young_person_may_sign_in_but_gets_403_on_the_children_list(client, password):
    YoungPersonUserFactory(username="young")

    assert client.post(SIGN_IN, {"username": "young", "password": password}).status_code == 302
    response = client.get(CHILDREN)

    assert response.status_code == 403
    assert "This part of Beacon is for professionals" in response.text


def test_page_not_found_is_a_govuk_page(signed_in_client):
    response = signed_in_client.get("/no-such-page/")

    assert response.status_code == 404
    assert f"<title>Page not found {DASH} Beacon</title>" in response.text


def test_server_error_page_needs_no_request():
    page = render_to_string("500.html")

    assert "Sorry, there is a problem with the service" in page
    assert 'class="govuk-template"' in page


def test_pages_have_no_inline_script_or_style(client, lead_professional):
    page = client.post(SIGN_IN, {"username": "lead", "password": "wrong"}).text

    # Every <script> loads a file, and nothing is styled inline: ready for a strict Content Security Policy.
    assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", page) == []
    assert " style=" not in page
    assert 'src="/static/js/beacon.mjs"' in page
    assert re.search(r'<script defer src="/static/vendor/htmx/htmx.min.js">', page)
    assert re.search(r"hx-headers='\{\"X-CSRFToken\": \"\w+\"\}'", page)


def test_a_young_person_lands_on_their_portal_after_signing_in(client, password):
    from apps.accounts.models import User
    from tests.factories import ChildFactory, UserFactory

    account = UserFactory(kind=User.Kind.YOUNG_PERSON, username="kay")
    ChildFactory(account=account)
    response = client.post(reverse("accounts:sign-in"), {"username": "kay", "password": password})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("kind", ["young_person", "parent_carer", "professional"])
def test_a_wrong_password_gets_the_same_page_whatever_kind_of_account(client, kind):
    sign_in_url = reverse("accounts:sign-in")
    unknown = client.post(sign_in_url, {"username": "someone", "password": "wrong-password"})
    UserFactory(username="someone", kind=kind)

    response = client.post(sign_in_url, {"username": "someone", "password": "wrong-password"})

    assert response.status_code == unknown.status_code == 200
    assert response.context["form"].errors == unknown.context["form"].errors
    assert _without_csrf(response.content.decode()) == _without_csrf(unknown.content.decode())


def _without_csrf(html: str) -> str:
    """The page without its CSRF tokens (in the form and in htmx's headers), which differ every time."""
    return re.sub(r"[A-Za-z0-9]{64}", "", html)
