"""Real threads released at one barrier: what a check-then-write has to survive.

Each call runs in its own thread with its own database connection, so the race reaches the
database the way parallel requests do. Use with `transactional_db`, so that every thread sees the
rows the test created.
"""

import contextlib
import threading
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections


def race(calls: Sequence[Callable[[], Any]], *, timeout: float = 60.0) -> list[Any]:
    """Run every call at the same moment; each result is what the call returned or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=timeout)
            results[index] = call()
        except BaseException as error:  # the test inspects whatever happened
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a racing call did not finish"
    return results


def rendezvous(parties: int, *, timeout: float = 2.0) -> Callable[[], None]:
    """A point each racer waits at until all have reached it, to widen a read-to-write window that the
    scheduler would otherwise rarely open. A racer kept away by a lock (the fix under test) cannot
    arrive: the others wait `timeout` seconds, then go on alone."""
    barrier = threading.Barrier(parties)

    def arrive() -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=timeout)

    return arrive


def statuses(responses: Sequence[Any]) -> list[int]:
    """The HTTP statuses of raced API calls; a call that raised fails the test with its exception."""
    for response in responses:
        if isinstance(response, BaseException):
            raise response
    return sorted(response.status_code for response in responses)
