"""Two-factor sign-in: a password alone opens nothing for a professional: not a page, the admin or the API."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts import two_factor
from tests.auth import current_code, sign_in
from tests.factories import PASSWORD, ProfessionalFactory, YoungPersonUserFactory

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("accounts:sign-in")
CODE = reverse("accounts:sign-in-code")
SET_UP = reverse("accounts:two-factor-set-up")
CASELOAD = reverse("caseload:caseload")
# Where a professional lands once signed in: their role home (the caseload, for a lead professional).
LANDING = reverse("caseload:home")


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def _password_step(client, username, password=PASSWORD, next_url=""):
    data = {"username": username, "password": password}
    url = SIGN_IN + (f"?next={next_url}" if next_url else "")
    return client.post(url, data)


def test_the_password_step_leads_to_the_code_page_not_in(client, lead_professional):
    response = _password_step(client, "lead", next_url="/children/")

    assert response.status_code == 302
    assert response["Location"] == f"{CODE}?next=%2Fchildren%2F"
    assert DEVICE_ID_SESSION_KEY not in client.session


@pytest.mark.parametrize(
    "path",
    ["/caseload/", "/children/", "/notifications/", "/accounts/account/", "/admin/"],
)
def test_every_page_is_refused_with_only_the_password(client, lead_professional, path):
    lead_professional.is_staff = True
    lead_professional.save()
    _password_step(client, "lead")

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith(f"{CODE}?next=")


def test_an_htmx_request_with_only_the_password_is_sent_to_the_code_page_whole(client, lead_professional):
    _password_step(client, "lead")

    response = client.get(CASELOAD, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(CODE)


def test_the_right_code_signs_in_and_goes_where_they_were_going(client, lead_professional):
    _password_step(client, "lead", next_url="/children/")

    response = client.post(CODE, {"otp_code": current_code(), "next": "/children/"})

    assert response.status_code == 302
    assert response["Location"] == "/children/"
    assert client.get("/children/").status_code == 200


def test_a_code_typed_with_a_space_is_accepted(client, lead_professional):
    _password_step(client, "lead")
    code = current_code()

    response = client.post(CODE, {"otp_code": f"{code[:3]} {code[3:]}"})

    assert response.status_code == 302
    assert response["Location"] == LANDING


def _signed_in_with_session_key(session_key: str) -> bool:
    """Whether a browser presenting only this session id gets a page rather than a sign-in step."""
    browser = Client()
    browser.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return browser.get(CASELOAD).status_code == 200


def test_the_session_id_is_renewed_when_the_code_is_given(client, lead_professional):
    _password_step(client, "lead")
    key_after_password = client.session.session_key

    client.post(CODE, {"otp_code": current_code()})

    key_after_code = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert key_after_code != key_after_password
    assert _signed_in_with_session_key(key_after_code)
    # A session id planted (or read) before the code was given is worth nothing afterwards.
    assert not _signed_in_with_session_key(key_after_password)
    assert client.get(CASELOAD).status_code == 200


def test_the_session_id_is_renewed_when_a_first_app_is_set_up(client):
    _person, _page, device = _set_up_first_app(client)
    key_before = client.session.session_key

    client.post(SET_UP, {"otp_code": current_code(device.key)})

    assert client.cookies[settings.SESSION_COOKIE_NAME].value != key_before
    assert not _signed_in_with_session_key(key_before)
    assert client.get(CASELOAD).status_code == 200


def test_a_wrong_code_says_what_to_do_and_signs_nobody_in(client, lead_professional):
    _password_step(client, "lead")
    wrong = f"{(int(current_code()) + 1) % 1_000_000:06d}"

    response = client.post(CODE, {"otp_code": wrong})

    assert response.status_code == 200
    assert two_factor.WRONG_CODE in response.content.decode()
    assert client.get(CASELOAD).status_code == 302


def test_a_replayed_code_is_refused(client, lead_professional):
    code = current_code()
    _password_step(client, "lead")
    assert client.post(CODE, {"otp_code": code}).status_code == 302
    client.post(reverse("accounts:sign-out"))

    _password_step(client, "lead")
    response = client.post(CODE, {"otp_code": code})

    assert response.status_code == 200
    assert two_factor.WRONG_CODE in response.content.decode()
    assert client.get(CASELOAD).status_code == 302


def test_a_next_to_another_site_is_ignored(client, lead_professional):
    _password_step(client, "lead")

    response = client.post(CODE, {"otp_code": current_code(), "next": "https://evil.example/"})

    assert response["Location"] == LANDING


def _set_up_first_app(client, username="new.starter"):
    person = ProfessionalFactory(username=username, authenticator=False)
    response = _password_step(client, username)
    assert response["Location"].startswith(SET_UP)
    page = client.get(SET_UP)
    device = TOTPDevice.objects.get(user=person, confirmed=False)
    return person, page, device


def test_a_professional_without_an_app_must_set_one_up_before_anything_else(client):
    person, page, device = _set_up_first_app(client)

    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html  # The QR code is drawn here, not by a third party.
    assert two_factor.totp_secret_for_people(device) in html
    assert client.get(CASELOAD)["Location"].startswith(SET_UP)
    # Reloading keeps the same key, so a code already scanned still works.
    client.get(SET_UP)
    assert TOTPDevice.objects.filter(user=person).count() == 1


def test_confirming_the_app_shows_single_use_backup_codes_once(client):
    person, _, device = _set_up_first_app(client)

    response = client.post(SET_UP, {"otp_code": current_code(device.key)})

    assert response.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    codes = [code.replace("-", "") for code in response.context["codes"]]
    assert len(set(codes)) == 10
    stored = StaticToken.objects.filter(device__user=person).values_list("token", flat=True)
    assert sorted(stored) == sorted(codes)
    assert client.get(CASELOAD).status_code == 200


def test_a_wrong_code_while_setting_up_confirms_nothing(client):
    person, _, device = _set_up_first_app(client)

    wrong = f"{(int(current_code(device.key)) + 1) % 1_000_000:06d}"

    response = client.post(SET_UP, {"otp_code": wrong})

    assert response.status_code == 200
    assert "Enter the 6-digit code your authenticator app shows now" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticToken.objects.filter(device__user=person).exists()


def test_someone_with_an_app_cannot_swap_in_another_with_only_the_password(client, lead_professional):
    _password_step(client, "lead")

    response = client.get(SET_UP)

    assert response.status_code == 302
    assert response["Location"].startswith(CODE)
    assert not TOTPDevice.objects.filter(user=lead_professional, confirmed=False).exists()


def test_a_backup_code_signs_in_once(client, lead_professional):
    backup = two_factor.backup_codes_regenerate(user=lead_professional)[0]
    _password_step(client, "lead")

    response = client.post(CODE, {"otp_code": two_factor.backup_code_display(backup)}, follow=True)

    assert response.redirect_chain[-1][0] == CASELOAD
    assert "You used a backup code. You have 9 left." in response.content.decode()
    client.post(reverse("accounts:sign-out"))
    _password_step(client, "lead")
    assert client.post(CODE, {"otp_code": backup}).status_code == 200  # Used: refused.


def test_new_backup_codes_replace_the_old_ones(client, lead_professional):
    old = two_factor.backup_codes_regenerate(user=lead_professional)
    sign_in(client, lead_professional)

    response = client.post(reverse("accounts:backup-codes"))

    assert response.status_code == 200
    new = {code.replace("-", "") for code in response.context["codes"]}
    assert not new & set(old)
    assert (
        set(StaticToken.objects.filter(device__user=lead_professional).values_list("token", flat=True)) == new
    )


def test_a_young_person_signs_in_with_a_password_alone(client, password):
    YoungPersonUserFactory(username="kay")

    response = _password_step(client, "kay")

    assert response["Location"] == reverse("portal:home")
    assert client.get(reverse("accounts:account")).status_code == 200


def test_a_young_person_who_added_a_second_factor_is_asked_for_it(client):
    kay = YoungPersonUserFactory(username="kay")
    sign_in(client, kay)
    client.get(SET_UP)
    device = TOTPDevice.objects.get(user=kay)
    client.post(SET_UP, {"otp_code": current_code(device.key)})
    client.post(reverse("accounts:sign-out"))

    response = _password_step(client, "kay")

    assert response["Location"].startswith(CODE)


# --- the API --------------------------------------------------------------------------------------


def test_an_api_token_needs_the_code(api_client, lead_professional):
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "lead", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "code": "required",
            "detail": "Enter the 6-digit code from your authenticator app.",
            "attr": "otp_code",
        }
    ]


def test_a_wrong_code_gets_the_same_answer_as_a_wrong_password(api_client, lead_professional):
    wrong = f"{(int(current_code()) + 1) % 1_000_000:06d}"
    wrong_code = api_client.post(
        "/api/v1/auth/token/", {"username": "lead", "password": PASSWORD, "otp_code": wrong}, format="json"
    )
    wrong_password = api_client.post(
        "/api/v1/auth/token/",
        {"username": "lead", "password": "not-it", "otp_code": current_code()},
        format="json",
    )

    assert wrong_code.status_code == wrong_password.status_code == 400
    assert wrong_code.json() == wrong_password.json()


def test_a_replayed_code_gets_no_second_token(api_client, lead_professional):
    body = {"username": "lead", "password": PASSWORD, "otp_code": current_code()}
    assert api_client.post("/api/v1/auth/token/", body, format="json").status_code == 200

    assert api_client.post("/api/v1/auth/token/", body, format="json").status_code == 400


def test_a_professional_without_an_app_gets_the_wrong_credentials_answer_which_says_to_set_one_up(
    api_client,
):
    ProfessionalFactory(username="new.starter", authenticator=False)

    response = api_client.post(
        "/api/v1/auth/token/",
        {"username": "new.starter", "password": PASSWORD, "otp_code": "123456"},
        format="json",
    )

    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["code"] == "invalid_credentials"
    assert "set up two-factor sign-in on the Beacon website" in error["detail"]


def test_a_browser_session_without_the_code_is_not_signed_in_to_the_api(client, lead_professional):
    _password_step(client, "lead")

    assert client.get("/api/v1/children/").status_code == 401
    client.post(CODE, {"otp_code": current_code()})
    assert client.get("/api/v1/children/").status_code == 200


# --- the admin ------------------------------------------------------------------------------------


def test_the_admin_sign_in_is_the_one_sign_in(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"] == f"{SIGN_IN}?next=/admin/"


def test_an_administrator_with_both_factors_uses_the_admin(client):
    administrator = ProfessionalFactory(is_staff=True, is_superuser=True)
    sign_in(client, administrator)

    assert client.get("/admin/").status_code == 200


def test_the_admin_itself_refuses_a_session_without_the_second_factor(rf):
    from django.contrib import admin

    administrator = ProfessionalFactory(is_staff=True, is_superuser=True)
    request = rf.get("/admin/")
    request.user = administrator
    request.user.is_verified = lambda: False

    assert not admin.site.has_permission(request)


def test_the_code_page_shows_no_menu_or_notification_count(client, lead_professional):
    _password_step(client, "lead")

    html = client.get(CODE).content.decode()

    assert 'aria-label="Menu"' not in html
    assert "Notifications" not in html
    assert "Sign out" in html  # Its own button: someone at the wrong account can leave.


def test_a_signed_in_non_administrator_gets_the_403_page_not_a_sign_in_loop(signed_in_client):
    for address in ("/admin/", "/admin/accounts/user/"):
        response = signed_in_client.get(address)

        assert response.status_code == 403, address
        page = response.content.decode()
        assert "You cannot use this page" in page
        assert "Only Beacon administrators can use the administration pages" in page


def test_a_young_person_signed_in_gets_the_403_page_for_the_admin(client):
    sign_in(client, YoungPersonUserFactory())

    assert client.get("/admin/").status_code == 403


def test_someone_signed_out_is_sent_to_beacons_sign_in_for_the_admin(client):
    response = client.get("/admin/", follow=True)

    assert [url for url, _status in response.redirect_chain] == [
        "/admin/login/?next=/admin/",
        f"{SIGN_IN}?next=%2Fadmin%2F",
    ]
    assert response.status_code == 200
    assert "Sign in" in response.content.decode()
