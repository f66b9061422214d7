"""Signing in to the API with tokens, signing out, and the organisation lists clients need."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken
from rest_framework.throttling import ScopedRateThrottle

from apps.accounts.models import OrganisationType, User
from tests.auth import current_code, sign_in
from tests.factories import OrganisationFactory, ProfessionalFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
SIGN_OUT_URL = "/api/v1/auth/sign-out/"
SIGN_OUT_EVERYWHERE_URL = "/api/v1/auth/sign-out-everywhere/"


@pytest.fixture(autouse=True)
def _fresh_sign_in_throttle():
    """The sign-in throttle counts in the cache; start every test with none of its attempts counted."""
    cache.clear()
    yield
    cache.clear()


def _sign_in(api_client, username, password, otp_code=None):
    body = {"username": username, "password": password, "otp_code": otp_code or current_code()}
    return api_client.post(TOKEN_URL, body, format="json")


def _token(api_client, user, password, *, drift: int = 0) -> str:
    """A token for ``user``. Each code signs in once, so a second token in the same 30 seconds takes the
    next time step's code (``drift``), which the authenticator's one-step tolerance accepts."""
    response = _sign_in(api_client, user.username, password, current_code(drift=drift))
    assert response.status_code == 200, response.json()
    return response.json()["token"]


def test_a_professional_signs_in_and_the_token_lets_them_list_their_children(
    api_client, lead_professional, child, password
):
    response = _sign_in(api_client, "lead", password)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expiry"}
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    listed = api_client.get("/api/v1/children/")
    assert listed.status_code == 200
    assert [row["public_id"] for row in listed.json()["results"]] == [str(child.public_id)]


def test_a_wrong_password_is_a_400_in_the_standard_shape(api_client, lead_professional):
    response = _sign_in(api_client, "lead", "not-the-password")

    assert response.status_code == 400
    assert response.json() == {
        "type": "validation_error",
        "errors": [
            {
                "code": "invalid_credentials",
                "detail": "Enter a correct username, password and current one-time code. The username "
                "and password are case-sensitive. API tokens are for professionals who have set up "
                "two-factor sign-in on the Beacon website.",
                "attr": "non_field_errors",
            }
        ],
    }
    assert AuthToken.objects.count() == 0


def test_an_unknown_username_gets_the_same_answer_as_a_wrong_password(
    api_client, lead_professional, password
):
    wrong_password = _sign_in(api_client, "lead", "not-the-password").json()
    unknown_username = _sign_in(api_client, "nobody", password).json()
    assert unknown_username == wrong_password


def test_an_inactive_professional_gets_no_token(api_client, password):
    ProfessionalFactory(username="left", is_active=False)
    response = _sign_in(api_client, "left", password)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid_credentials"
    assert AuthToken.objects.count() == 0


def _no_token_account(kind: str):
    """An account whose correct password can never get a token, under the username "other"."""
    if kind == "professional_without_an_app":
        return ProfessionalFactory(username="other", authenticator=False)
    return UserFactory(username="other", kind=kind)


NO_TOKEN_KINDS = [User.Kind.YOUNG_PERSON, User.Kind.PARENT_CARER, "professional_without_an_app"]


@pytest.mark.parametrize("kind", NO_TOKEN_KINDS)
def test_a_correct_password_that_gets_no_token_answers_exactly_as_a_wrong_one(api_client, password, kind):
    _no_token_account(kind)
    correct = _sign_in(api_client, "other", password)
    wrong = _sign_in(api_client, "other", "not-the-password")

    assert correct.status_code == wrong.status_code == 400
    assert correct.json() == wrong.json()
    assert correct.json()["errors"][0]["code"] == "invalid_credentials"
    assert AuthToken.objects.count() == 0


@pytest.mark.parametrize("kind", NO_TOKEN_KINDS)
def test_a_correct_password_that_gets_no_token_does_the_same_work_as_a_wrong_one(api_client, password, kind):
    _no_token_account(kind)
    # Warm up: caches filled on first use, and django-axes' failure row for this username and address.
    _sign_in(api_client, "other", "warm-up")
    with CaptureQueriesContext(connection) as correct:
        _sign_in(api_client, "other", password)
    with CaptureQueriesContext(connection) as wrong:
        _sign_in(api_client, "other", "not-the-password")

    # The same queries; for a professional, two more reads (does she have an app, or backup codes?).
    extra = 2 if kind == "professional_without_an_app" else 0
    assert len(wrong) <= len(correct) <= len(wrong) + extra, (len(correct), len(wrong))


@override_settings(AXES_FAILURE_LIMIT=2)
@pytest.mark.parametrize("kind", NO_TOKEN_KINDS)
def test_a_correct_password_that_gets_no_token_counts_towards_the_lockout(api_client, password, kind):
    _no_token_account(kind)
    _sign_in(api_client, "other", password)
    _sign_in(api_client, "other", password)

    response = _sign_in(api_client, "other", password)

    assert response.status_code == 429
    assert response.json()["errors"][0]["code"] == "locked_out"


def test_missing_username_and_password_are_each_named(api_client):
    response = api_client.post(TOKEN_URL, {}, format="json")
    assert response.status_code == 400
    assert {error["attr"] for error in response.json()["errors"]} == {"username", "password", "otp_code"}


def test_sign_in_is_throttled_after_a_few_attempts(api_client, lead_professional, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "2/min"})
    for _ in range(2):
        assert _sign_in(api_client, "lead", "guess").status_code == 400

    response = _sign_in(api_client, "lead", "guess")

    assert response.status_code == 429
    assert response.json()["type"] == "client_error"
    assert response.json()["errors"][0]["code"] == "throttled"
    assert "Retry-After" in response.headers


def test_signing_out_revokes_only_the_token_used(api_client, lead_professional, password):
    first = _token(api_client, lead_professional, password, drift=0)
    second = _token(api_client, lead_professional, password, drift=1)

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert api_client.post(SIGN_OUT_URL).status_code == 204

    assert api_client.get("/api/v1/children/").status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert api_client.get("/api/v1/children/").status_code == 200


def test_signing_out_everywhere_revokes_every_token(api_client, lead_professional, outsider, password):
    tokens = [_token(api_client, lead_professional, password, drift=drift) for drift in (-1, 0, 1)]
    _token(api_client, outsider, password)

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {tokens[0]}")
    assert api_client.post(SIGN_OUT_EVERYWHERE_URL).status_code == 204

    assert AuthToken.objects.filter(user=lead_professional).count() == 0
    assert AuthToken.objects.filter(user=outsider).count() == 1
    for token in tokens:
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert api_client.get("/api/v1/children/").status_code == 401


def test_signing_out_needs_a_token(api_client, lead_professional):
    sign_in(api_client, lead_professional)  # A browser session is not a token to revoke.
    response = api_client.post(SIGN_OUT_URL)
    assert response.status_code == 401
    assert response.json()["type"] == "client_error"


def test_a_made_up_token_is_401_in_the_standard_shape(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api_client.get("/api/v1/children/")
    assert response.status_code == 401
    assert response.json() == {
        "type": "client_error",
        "errors": [{"code": "authentication_failed", "detail": "Invalid token.", "attr": None}],
    }


def test_organisations_lists_active_organisations_with_their_type(api_client, lead_professional, social_care):
    OrganisationFactory(name="Synthetic Closed Council", is_active=False)
    api_client.force_authenticate(lead_professional)

    response = api_client.get("/api/v1/organisations/", {"search": "synthetic borough"})

    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "public_id": str(social_care.public_id),
            "name": "Synthetic Borough Children's Services",
            "type": {"code": social_care.type.code, "name": social_care.type.name},
        }
    ]
    closed = api_client.get("/api/v1/organisations/", {"search": "closed"}).json()
    assert closed["count"] == 0


def test_organisations_can_be_narrowed_by_type(api_client, lead_professional, social_care):
    other_type = OrganisationType.objects.exclude(pk=social_care.type_id).first()
    school = OrganisationFactory(name="Synthetic Academy", type=other_type)
    api_client.force_authenticate(lead_professional)

    response = api_client.get("/api/v1/organisations/", {"type": other_type.code})

    assert [row["public_id"] for row in response.json()["results"]] == [str(school.public_id)]


def test_organisation_types_lists_each_active_code(api_client, lead_professional):
    api_client.force_authenticate(lead_professional)
    response = api_client.get("/api/v1/organisation-types/")
    assert response.status_code == 200
    codes = {row["code"] for row in response.json()}
    assert codes == set(OrganisationType.objects.filter(is_active=True).values_list("code", flat=True))


def test_anonymous_callers_cannot_list_organisations(api_client):
    response = api_client.get("/api/v1/organisations/")
    assert response.status_code == 401
    assert response.json()["type"] == "client_error"


def _token_for(api_client, user, password):
    response = _sign_in(api_client, user.username, password)
    return {"HTTP_AUTHORIZATION": f"Token {response.json()['token']}"}


def test_an_administrator_adds_an_organisation_by_type_code(api_client, password):
    from apps.accounts.models import Organisation
    from tests.factories import ProfessionalFactory

    admin = ProfessionalFactory(is_staff=True)
    response = api_client.post(
        "/api/v1/organisations/",
        {"name": "Westfield Youth Club", "type": "voluntary-sector"},
        **_token_for(api_client, admin, password),
    )
    assert response.status_code == 201
    assert response.json()["type"]["code"] == "voluntary-sector"
    assert Organisation.objects.filter(name="Westfield Youth Club").exists()


def test_an_unknown_organisation_type_is_a_400_naming_the_type_field(api_client, password):
    from apps.accounts.models import Organisation
    from tests.factories import ProfessionalFactory

    admin = ProfessionalFactory(is_staff=True)
    before = Organisation.objects.count()
    response = api_client.post(
        "/api/v1/organisations/",
        {"name": "Somewhere", "type": "clinical-commissioning-group"},
        **_token_for(api_client, admin, password),
    )
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["attr"] == "type"
    assert "organisation-types" in error["detail"]
    assert Organisation.objects.count() == before


def test_only_administrators_add_organisations(api_client, lead_professional, password):
    response = api_client.post(
        "/api/v1/organisations/",
        {"name": "Somewhere", "type": "police"},
        **_token_for(api_client, lead_professional, password),
    )
    assert response.status_code == 403
