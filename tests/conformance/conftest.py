"""The conformance modules' kit batches (tests/kit_batches.py), graded in a process of their own."""

from __future__ import annotations

import pytest
from head_start import head_start
from kit_batches import GradingAhead, KitBatches

BATCHES = pytest.StashKey[KitBatches]()


def batches(config: pytest.Config) -> KitBatches:
    if BATCHES not in config.stash:
        config.stash[BATCHES] = KitBatches()
        config.add_cleanup(config.stash[BATCHES].stop)
    return config.stash[BATCHES]


@head_start("kit_batches")
def grading(items: list[pytest.Item]) -> GradingAhead:
    """In a serial run, the batches of every module whose selected tests read one."""
    return GradingAhead(batches(items[0].config), [item.module.__name__ for item in items])


@pytest.fixture(scope="session")
def kit_batches(request) -> KitBatches:
    """`kit_batches(__name__)` is the module's batch, graded (started now if it was not)."""
    return batches(request.config)
