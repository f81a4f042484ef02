"""Slow set-ups a serial run starts as soon as collection ends, one after another on a thread of its
own (the "lane"), while the tests before the ones that read them run.

Such a set-up mostly waits (processes starting, drivers backing off, a check waiting out a
Retry-After), so the machine's other core does it meanwhile. A module or conftest registers one
(`@head_start("fixture")`) for the selected tests that use that fixture; the fixture then reads it
(`prepared`). The lane's thread runs at a lower priority, and so does every process it starts (on
Linux a niceness is a thread's, and a child takes its parent thread's): the tests running meanwhile
keep their core. Under xdist nothing starts ahead (a worker does not know yet which tests it will
get): the fixture runs the set-up there and then."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Protocol, TypeVar

import pytest

NICENESS = 10


class Job(Protocol):
    def run(self) -> None:
        """Start the work and wait for it to end (or be stopped)."""

    def stop(self) -> None:
        """End what is left and free what it holds: safe at any time, from any thread, more than once."""


J = TypeVar("J", bound=Job)
REGISTERED: dict[str, Callable[[list[pytest.Item]], Job]] = {}  # fixture -> job_for(the items using it)
QUEUED = pytest.StashKey[dict[str, tuple[Job, Future]]]()


def head_start(fixture: str) -> Callable[[Callable[[list[pytest.Item]], J]], Callable[[list[pytest.Item]], J]]:
    """Register `job_for(items)`: the set-up of the selected tests (items) that use `fixture`."""

    def register(job_for: Callable[[list[pytest.Item]], J]) -> Callable[[list[pytest.Item]], J]:
        REGISTERED[fixture] = job_for
        return job_for

    return register


def _lower_priority() -> None:
    os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)


def start(session: pytest.Session) -> None:
    """Queue the registered set-ups the selected tests use, in the order they were registered (the
    order of collection, so of the tests)."""
    config = session.config
    config.stash[QUEUED] = queued = {}
    if hasattr(config, "workerinput"):
        return
    lane = ThreadPoolExecutor(1, thread_name_prefix="head-start", initializer=_lower_priority)
    for fixture, job_for in REGISTERED.items():
        items = [item for item in session.items if fixture in getattr(item, "fixturenames", ())]
        if items:
            job = job_for(items)
            queued[fixture] = (job, lane.submit(job.run))

    def stop() -> None:
        lane.shutdown(wait=False, cancel_futures=True)
        for job, _ in queued.values():
            job.stop()

    config.add_cleanup(stop)


def prepared(request: pytest.FixtureRequest, fixture: str) -> Job:
    """The fixture's set-up, done: the one started ahead, or one run now. The fixture stops it."""
    found = request.config.stash.get(QUEUED, {}).get(fixture)
    if found is not None:
        job, done = found
        done.result()
        return job
    job = REGISTERED[fixture]([item for item in request.session.items if fixture in item.fixturenames])
    try:
        job.run()
    except BaseException:
        job.stop()
        raise
    return job
