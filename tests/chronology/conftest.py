import pytest

from apps.accounts.models import User
from tests.chronology.factories import ChronologyWorld, chronology_world
from tests.factories import UserFactory, share_with


@pytest.fixture
def world(db) -> ChronologyWorld:
    return chronology_world()


@pytest.fixture
def carer(world) -> User:
    """Sam's foster carer, whom Sam's consent names for her core record, the chronology and (in vain, as a
    parent or carer never sees a sensitive category) sexual health and exploitation."""
    person = UserFactory(kind=User.Kind.PARENT_CARER, username="chron.carer", display_name="Julie Hart")
    share_with(world.child, person, "core", "chronology", "sexual_health", actor=world.lead)
    return person
