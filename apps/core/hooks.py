"""Hooks: how a lower app calls code that an app above it registers, without importing it (the layers in
``pyproject.toml``'s import contract).

A hook is declared where it is called (``CHILD_CREATED = Hook("a child's record was created")`` in
``apps/children/services.py``), and the app above registers its service from ``AppConfig.ready()``. Calls run
in the caller's transaction, in the order registered, and an error in one propagates to the caller, as a
direct call would: these are steps of one change (a grant, a review, an alert), not optional listeners.
"""

from collections.abc import Callable
from typing import Any


class Hook:
    """One point a lower app calls; the services registered with it, each taking keyword arguments."""

    def __init__(self, description: str) -> None:
        self.description = description
        self._services: list[Callable[..., Any]] = []

    def __repr__(self) -> str:
        return f"<Hook: {self.description}>"

    def register(self, service: Callable[..., Any]) -> None:
        """Add ``service``; registering it again (a second ``ready()`` in tests) changes nothing."""
        if service not in self._services:
            self._services.append(service)

    def __call__(self, **arguments: Any) -> None:
        """Call every registered service with ``arguments``."""
        for service in self._services:
            service(**arguments)

    def first_answer(self, **arguments: Any) -> Any:
        """The first answer any registered service gives that is not empty, or None (a refusal, say)."""
        for service in self._services:
            answer = service(**arguments)
            if answer:
                return answer
        return None
