"""The API keeps its published contract.

Schemathesis generates requests from the OpenAPI schema (valid ones, and ones the schema says are
invalid) and calls every operation in-process, as a signed-in professional (an API token) and as a
young person (their browser session). No answer may be a server error, and every answer must be one
the schema documents: its status code, its content type and its body's shape.

Path parameters are drawn twice: at random (mostly 404s) and as the ids of real records the
professional can see, so that the 200s, 400s and 403 ``withheld`` answers are exercised too.

Bounded in time (3 examples per operation and kind, no shrinking): about a minute on two cores. Set
``BEACON_SCHEMATHESIS_EXAMPLES`` for a longer, freshly random run.

It drives schemathesis' Python API in one test rather than its pytest plugin: the plugin's lazy loader
(``schemathesis.pytest.from_fixture``), needed to load the schema from the test database, does not work
with pytest 9.
"""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from knox.models import AuthToken
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup

from apps.appointments.models import Appointment, MissedAppointmentFollowUp
from apps.consent.models import Consent, ConsentReview, ParentWithholding, SafeguardingOverride
from apps.notifications.models import Notification
from apps.passport.models import Passport, PassportProposal, PassportShare
from apps.referrals.models import Consultation, Referral, WaitingListEntry
from apps.teams.models import Action, Meeting, TeamMembership
from tests.appointments.factories import missed
from tests.factories import share_with
from tests.portal.factories import young_person_world
from tests.referrals.factories import camhs_organisation, referral_for
from tests.teams.factories import action_for, planned_meeting

# One xdist group with the schema tests: the schema they share is built once per run (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("openapi-schema")]

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = int(os.environ.get("BEACON_SCHEMATHESIS_EXAMPLES", "3"))
# `make test` draws the same examples every run, so a failure there is never down to chance; a deeper
# run (BEACON_SCHEMATHESIS_EXAMPLES set) explores afresh each time.
DERANDOMIZE = "BEACON_SCHEMATHESIS_EXAMPLES" not in os.environ

# The record each path parameter names, for drawing real ids.
PATH_PARAMETER_MODELS = {
    "appointment_id": Appointment,
    "follow_up_id": MissedAppointmentFollowUp,
    "consent_id": Consent,
    "review_id": ConsentReview,
    "override_id": SafeguardingOverride,
    "withholding_id": ParentWithholding,
    "notification_id": Notification,
    "passport_id": Passport,
    "proposal_id": PassportProposal,
    "share_id": PassportShare,
    "referral_id": Referral,
    "consultation_id": Consultation,
    "entry_id": WaitingListEntry,
    "action_id": Action,
    "meeting_id": Meeting,
    "membership_id": TeamMembership,
}


@pytest.fixture
def wsgi_app(settings):
    """The WSGI app, called in this thread inside the test's transaction, as Django's test client does.

    Django closes the database connection as each request starts and ends; inside the test's
    transaction that would end it, so (like ``django.test.Client``) those handlers are detached meanwhile.
    """
    settings.ALLOWED_HOSTS = ["localhost"]  # The host schemathesis' WSGI client sends.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    cache.clear()
    yield get_wsgi_application()
    cache.clear()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world():
    """Kay's world (tests/portal/factories.py) with an appointment missed, a meeting planned, an action,
    and a referral: records of most kinds an endpoint names, some in categories Hannah may not see."""
    world = young_person_world(with_passport=True)
    share_with(world.child, world.lead, "appointments")
    # Kay's team works around her therapist (R20): the lead, a supporting member, is booked with a reason.
    missed(
        world.child,
        world.lead,
        direct_contact_acknowledged=True,
        direct_contact_reason="The therapist is on leave; Kay asked to keep her Thursday slot",
    )
    planned_meeting(world.child, world.lead)
    action_for(world.child, world.lead)
    referral_for(world.child, world.lead, camhs_organisation())
    return world


@pytest.fixture
def personas(world, client):
    """Credentials for each call: a professional's API token, and a young person's browser session.

    Each call gets a fresh token, because the sign-out operations end the token they are called with.
    """
    client.force_login(world.young_person)
    session = client.cookies["sessionid"].value

    def professional() -> dict:
        _instance, token = AuthToken.objects.create(world.lead)
        return {"headers": {"Authorization": f"Token {token}"}}

    def young_person() -> dict:
        return {"cookies": {"sessionid": session}}

    return [professional, young_person]


@pytest.fixture
def real_path_parameters(world) -> dict[str, str]:
    found = {
        name: str(public_id)
        for name, model in PATH_PARAMETER_MODELS.items()
        if (public_id := model.objects.values_list("public_id", flat=True).first())
    }
    return {"public_id": str(world.child.public_id), "section": "about_me", **found}


def _run(strategy, personas) -> None:
    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=DERANDOMIZE,
        phases=[Phase.explicit, Phase.generate],  # No shrinking: the report shows the request as sent.
        suppress_health_check=list(HealthCheck),
    )
    def call(case):
        for credentials in personas:
            case.call_and_validate(checks=CHECKS, **credentials())

    call()


def test_every_operation_answers_inside_its_documented_contract(
    openapi_schema, wsgi_app, personas, real_path_parameters
):
    # The schema /api/schema/ serves (tests/core/test_api_schema.py), built once for the run; the calls go
    # to the app in-process, as schemathesis.openapi.from_wsgi would send them.
    schema = schemathesis.openapi.from_dict(openapi_schema)
    schema.app = wsgi_app
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        names = {parameter.name for parameter in operation.path_parameters}
        strategies = [
            ("random ids", operation.as_strategy(generation_mode=GenerationMode.POSITIVE)),
            ("invalid input", operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)),
        ]
        if names:
            known = {name: real_path_parameters[name] for name in names if name in real_path_parameters}
            strategies.append(("real ids", operation.as_strategy(path_parameters=known)))
        for kind, strategy in strategies:
            try:
                _run(strategy, personas)
            except Unsatisfiable:
                continue  # Nothing in this operation can be made invalid (no parameters, no body).
            except (Exception, FailureGroup) as error:  # Every operation's failures are reported together.
                failures.append(f"{operation.label} ({kind}): {error}")
    assert not failures, "\n\n".join(failures)
