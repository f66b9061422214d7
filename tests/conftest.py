"""Personas shared across the suite. Access is granted the real way, through apps.sharing services."""

import json

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from apps.sharing.models import AccessGrant
from apps.sharing.services import child_access_grant
from tests.auth import sign_in
from tests.factories import PASSWORD, ChildFactory, OrganisationFactory, ProfessionalFactory


def pytest_itemcollected(item: pytest.Item) -> None:
    """Tests that start processes (marked ``slow``: ``make run``, real Celery workers and their own Redis)
    run one after another on one pytest-xdist worker (``make test`` uses ``--dist loadgroup``): each picks
    free ports and has its own database, but side by side they would compete for the same two cores."""
    if item.get_closest_marker("slow") and not item.get_closest_marker("xdist_group"):
        item.add_marker(pytest.mark.xdist_group("processes"))


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def social_care():
    return OrganisationFactory(name="Synthetic Borough Children's Services")


@pytest.fixture
def lead_professional(social_care):
    """A local authority social worker who holds access to ``child``."""
    return ProfessionalFactory(username="lead", display_name="Lena Lead", organisation=social_care)


@pytest.fixture
def outsider():
    """A professional in an organisation linked to no child."""
    return ProfessionalFactory(username="outsider", display_name="Otto Outsider")


@pytest.fixture
def child(lead_professional):
    """A child shared with ``lead_professional`` only."""
    record = ChildFactory(given_name="Samira", family_name="Okafor", preferred_name="Sam")
    child_access_grant(
        child=record, user=lead_professional, basis=AccessGrant.Basis.CREATOR, granted_by=lead_professional
    )
    return record


@pytest.fixture
def read_only_professional(child):
    """A professional who may see ``child`` but not change it."""
    person = ProfessionalFactory(username="reader", display_name="Rita Reader")
    child_access_grant(
        child=child,
        user=person,
        basis=AccessGrant.Basis.ADMINISTRATOR,
        granted_by=None,
        can_change=False,
        reason="Needs sight of the record for a strategy meeting.",
    )
    return person


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def signed_in_client(client, lead_professional):
    sign_in(client, lead_professional)
    return client


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's administrator client, signed in with both factors as the admin requires."""
    sign_in(client, admin_user)
    return client


@pytest.fixture(scope="session")
def openapi_schema(tmp_path_factory) -> dict:
    """The API's OpenAPI schema, generated and validated once per test process (it takes seconds).

    ``--fail-on-warn`` turns any warning (an undocumented type, a name clash) into an error. The tests that
    read it share one pytest-xdist group ("openapi-schema"), so a parallel run builds it once too. Read only.
    """
    schema_file = tmp_path_factory.mktemp("openapi") / "schema.json"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", "--file", str(schema_file)
    )
    return json.loads(schema_file.read_text())
