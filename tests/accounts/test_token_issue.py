"""Issuing an API token is ``apps.accounts.services.api_token_issue``'s decision; the API only parses the
request and shows what the service decided."""

import pytest
from axes.models import AccessAttempt, AccessLog
from django.core.cache import cache
from django.test import RequestFactory
from knox.models import AuthToken

from apps.accounts.services import WRONG_CREDENTIALS_OR_CODE, api_token_issue
from apps.core.exceptions import ApplicationError
from tests.auth import current_code
from tests.factories import YoungPersonUserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _fresh_sign_in_throttle():
    cache.clear()
    yield
    cache.clear()


def _request():
    return RequestFactory().post(TOKEN_URL, REMOTE_ADDR="127.0.0.1")


def test_the_service_issues_a_token_that_the_api_accepts(api_client, lead_professional, child, password):
    instance, token = api_token_issue(
        request=_request(), username="lead", password=password, otp_code=current_code()
    )

    assert instance.user == lead_professional
    assert AuthToken.objects.filter(user=lead_professional).count() == 1
    assert AccessLog.objects.filter(username="lead").exists()  # Recorded like a website sign-in.
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/children/").status_code == 200


@pytest.mark.parametrize("wrong", ["password", "code", "account"])
def test_every_refusal_is_the_same_from_the_service_and_the_api(
    api_client, lead_professional, password, wrong
):
    username, typed_password, code = "lead", password, current_code()
    if wrong == "password":
        typed_password = "not-the-password"
    elif wrong == "code":
        code = "000000" if code != "000000" else "111111"
    else:  # A young person's correct password can never get a token.
        YoungPersonUserFactory(username="young")
        username = "young"

    with pytest.raises(ApplicationError) as refused:
        api_token_issue(request=_request(), username=username, password=typed_password, otp_code=code)
    cache.clear()  # The throttle is the API's own; the second attempt is the API's answer to the same input.
    response = api_client.post(
        TOKEN_URL, {"username": username, "password": typed_password, "otp_code": code}, format="json"
    )

    assert refused.value.message == WRONG_CREDENTIALS_OR_CODE
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"code": "invalid_credentials", "detail": WRONG_CREDENTIALS_OR_CODE, "attr": "non_field_errors"}
    ]
    assert not AuthToken.objects.exists()
    assert AccessAttempt.objects.get(username=username).failures_since_start == 2  # Both counted.
