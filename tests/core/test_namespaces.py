from pathlib import Path

from mock_carriers.core.fixtures import FixtureStore
from mock_carriers.core.namespaces import NamespaceRegistry
from mock_carriers.resources import data_dir


def _registry(capacity: int = 10, idle_seconds: float = 300) -> NamespaceRegistry:
    return NamespaceRegistry(
        FixtureStore(data_dir("fixtures")), seed=3, journal_limit=5, capacity=capacity, idle_seconds=idle_seconds
    )


def test_namespaces_are_created_lazily_and_dropped():
    registry = _registry()
    assert registry.get("a", create=False) is None
    first = registry.get("a")
    assert registry.get("a") is first
    assert registry.drop("a") and not registry.drop("a")
    assert registry.get("a") is not first


def test_least_recently_used_idle_one_goes_first_beyond_the_cap(caplog):
    registry = _registry(capacity=2, idle_seconds=0)
    registry.get("a"), registry.get("b")
    registry.get("a")
    registry.get("c")
    assert [ns.name for ns in registry.live()] == ["default", "a", "c"]
    assert "'b' dropped" in caplog.text


def test_each_namespace_has_its_own_clock_rng_and_journal():
    registry = _registry()
    a, b = registry.get("a"), registry.get("b")
    assert a.clock is not b.clock and a.journal is not b.journal
    assert a.trace_id() == b.trace_id()  # same seed, same sequence: runs repeat exactly
    replaced = registry.replace("b", seed=4, overlays={})
    assert replaced.seed == 4 and replaced.trace_id() != registry.get("a").trace_id()


def test_clear_drops_everything():
    registry = _registry()
    for name in "abc":
        registry.get(name)
    assert registry.clear() == 4 and [ns.name for ns in registry.live()] == ["default"]


def test_shipped_fixtures_exist():
    assert Path(data_dir("fixtures") / "border-express.yaml").is_file()


def test_a_step_of_the_world_falls_due_holding_the_namespace_lock():
    """Timeline steps change what requests read, so they run under the lock requests take."""
    from datetime import timedelta

    from mock_carriers.core.lifecycle import Step

    namespace = _registry().get("t1")
    namespace.clock.freeze()
    held = []
    step = Step({}, namespace.clock.now() + timedelta(minutes=1))
    namespace.timelines.start([step], lambda event: held.append(namespace.lock._is_owned()))
    namespace.clock.advance(timedelta(minutes=2))
    assert held == [True]
