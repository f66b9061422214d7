import pytest

from tests.factories import ProfessionalFactory
from tests.referrals.factories import camhs_organisation


@pytest.fixture
def camhs():
    return camhs_organisation()


@pytest.fixture
def spa_clinician(camhs):
    """A clinician at the single point of access of the receiving CAMHS."""
    return ProfessionalFactory(
        username="spa", display_name="Sol Spa", organisation=camhs, organisation__role="camhs-clinician"
    )


@pytest.fixture
def spa_manager(camhs):
    """The receiving CAMHS's team manager: a senior reviewer."""
    return ProfessionalFactory(
        username="spa.manager",
        display_name="Mo Manager",
        organisation=camhs,
        organisation__role="team-manager",
    )
