"""The conformance modules' kit batches (tests/kit_batches.py), graded in a process of their own."""

from __future__ import annotations

import pytest
from kit_batches import KitBatches

BATCHES = pytest.StashKey[KitBatches]()


def batches(config: pytest.Config) -> KitBatches:
    if BATCHES not in config.stash:
        config.stash[BATCHES] = KitBatches()
        config.add_cleanup(config.stash[BATCHES].stop)
    return config.stash[BATCHES]


def pytest_collection_finish(session: pytest.Session) -> None:
    """In a serial run, the batches of every module whose selected tests read one start now, while
    the tests before them run. (An xdist worker cannot know yet which tests it will get.)"""
    if not hasattr(session.config, "workerinput"):
        wanted = [item.module.__name__ for item in session.items if "kit_batches" in getattr(item, "fixturenames", ())]
        batches(session.config).start(wanted)


@pytest.fixture(scope="session")
def kit_batches(request) -> KitBatches:
    """`kit_batches(__name__)` is the module's batch, graded (started now if it was not)."""
    return batches(request.config)
