"""Run callables at the same moment, each on its own PostgreSQL connection: the race tests' one helper.

Django gives each thread its own database connection, so two threads are two requests at once. A test that
uses this must commit (``@pytest.mark.django_db(transaction=True, serialized_rollback=True)``), or the
threads would not see its data. Give each callable its own copy of the rows it acts on (fetched before the
race), so that each starts from the state it read, as two browsers would: only the service's lock can then
tell them apart.
"""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection

# How long a thread may wait for the others at the start line, and for all to finish: far more than a race
# takes, so reaching it means a deadlock or a hang, never a slow machine.
START_TIMEOUT = 10
FINISH_TIMEOUT = 60


def run_together(*calls: Callable[[], Any]) -> list[Any]:
    """Start every call at once, on its own thread and connection; return what each returned or raised.

    The outcomes are in the order of the calls: a return value, or the exception (any ``Exception``). Each
    thread closes its connection before it ends, so the test database can be flushed afterwards.
    """
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=START_TIMEOUT)
            outcomes[index] = call()
        except Exception as error:  # Handed back to the test, which asserts on it.
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=FINISH_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a racing call never finished"
    return outcomes


def one_wins(outcomes: list[Any], *, refused: type[Exception]) -> tuple[Any, Exception]:
    """The winner's result and the loser's refusal, asserting that exactly one of two won and the other was
    refused with ``refused`` (anything else, such as a database error, fails the test with it)."""
    errors = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    winners = [outcome for outcome in outcomes if not isinstance(outcome, Exception)]
    assert len(winners) == 1, f"expected one winner and one refusal, got {outcomes!r}"
    assert len(errors) == 1, f"expected one winner and one refusal, got {outcomes!r}"
    if not isinstance(errors[0], refused):
        raise errors[0]
    return winners[0], errors[0]
