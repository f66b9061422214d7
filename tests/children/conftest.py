import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_possible_match_allowance():
    """The possible-match throttle counts in the cache: start every test with nothing counted."""
    cache.clear()
    yield
    cache.clear()
