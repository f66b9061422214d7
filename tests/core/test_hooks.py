"""Hooks: a lower app calls what the apps above it registered, once each, in order (apps/core/hooks.py)."""

import pytest

from apps.accounts.services import DEACTIVATION_REFUSAL
from apps.children.services import CHILD_CREATED, PLACEMENT_CHANGED
from apps.consent.services import ACCESS_CHANGED, OVERRIDE_OPENED
from apps.core.hooks import Hook


def test_a_service_registered_twice_is_called_once_and_in_the_order_registered():
    calls = []
    hook = Hook("something happened")

    def first(**arguments):
        calls.append(("first", arguments))

    def second(**arguments):
        calls.append(("second", arguments))

    hook.register(first)
    hook.register(second)
    hook.register(first)  # A second AppConfig.ready(), as in tests.
    hook(child="Sam")

    assert calls == [("first", {"child": "Sam"}), ("second", {"child": "Sam"})]


def test_an_error_in_a_service_reaches_the_caller():
    hook = Hook("something happened")

    def refuses(**arguments):
        raise ValueError("no")

    hook.register(refuses)
    with pytest.raises(ValueError, match="no"):
        hook()


def test_the_first_answer_is_the_first_that_is_not_empty():
    hook = Hook("why not")
    hook.register(lambda **arguments: None)
    hook.register(lambda **arguments: "Hand over first.")
    hook.register(lambda **arguments: "Never reached.")

    assert hook.first_answer(user="Lena") == "Hand over first."
    assert Hook("nobody answers").first_answer() is None


def test_every_hook_the_layers_rely_on_has_its_service_registered_at_start_up():
    from apps.consent.services import placement_change_review_schedule
    from apps.notifications.consent_alerts import override_review_request_send
    from apps.sharing.services import child_access_resync, creator_access_grant
    from apps.teams.selectors import lead_professional_deactivation_refusal

    assert CHILD_CREATED._services == [creator_access_grant]
    assert ACCESS_CHANGED._services == [child_access_resync]
    assert PLACEMENT_CHANGED._services == [placement_change_review_schedule]
    assert OVERRIDE_OPENED._services == [override_review_request_send]
    assert DEACTIVATION_REFUSAL._services == [lead_professional_deactivation_refusal]
