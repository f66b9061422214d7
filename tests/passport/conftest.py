"""People around a young person's passport: the young person who owns it, their team, and others."""

import pytest

from apps.passport.services import passport_create
from apps.teams.services import team_member_add
from tests.factories import OrganisationFactory, ProfessionalFactory, YoungPersonUserFactory


@pytest.fixture
def young_person(child):
    """Sam's own Beacon account, linked to ``child``."""
    account = YoungPersonUserFactory(username="sam", display_name="Sam")
    child.account = account
    child.save(update_fields=["account"])
    return account


@pytest.fixture
def lead_on_team(lead_professional, child):
    """The lead professional, in the team around the child."""
    team_member_add(actor=lead_professional, child=child, kind="professional", user=lead_professional)
    return lead_professional


@pytest.fixture
def camhs():
    return OrganisationFactory(name="Synthetic CAMHS")


@pytest.fixture
def clinician(child, lead_on_team, camhs):
    """A CAMHS clinician in the team around the child."""
    person = ProfessionalFactory(
        username="clinician",
        display_name="Cara Clinician",
        organisation=camhs,
        organisation__role="camhs-clinician",
    )
    team_member_add(actor=lead_on_team, child=child, kind="professional", user=person)
    return person


@pytest.fixture
def passport(child, young_person, lead_on_team):
    """Sam's passport, started with the lead professional; nothing written or shared yet."""
    return passport_create(actor=lead_on_team, child=child)
