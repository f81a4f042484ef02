"""The catalogue is data the kit checks as it loads: every check has a judge, every task the issue
of the driver protocol fixes exists, mistakes in the file are named, and the docs say what the
catalogue holds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from mock_carriers.client import MockCarriers
from mock_carriers.kit.catalogue import CATALOGUE, CatalogueError, load
from mock_carriers.kit.judges import JUDGES

ROOT = Path(__file__).resolve().parents[2]


def test_every_check_has_a_judge_and_every_judge_a_check():
    catalogue = load()
    assert {check.judge for check in catalogue.checks} == set(JUDGES)


def test_the_protocols_tasks_are_all_there():
    assert load().pairs() == [
        ("border-express", "track"),
        ("bex", "track"), ("bex", "quote"), ("bex", "book"), ("bex", "receive-webhooks"),
        ("parcel2go", "track"), ("parcel2go", "quote"), ("parcel2go", "book"), ("parcel2go", "receive-webhooks"),
        ("borderless360", "track"), ("borderless360", "sync"), ("borderless360", "receive-webhooks"),
        ("parcellab", "track"), ("parcellab", "receive-webhooks"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "carrier, task, check, reason",
    [
        ("bex", "track", "token-expiry", "bex's track has no token the client can renew"),
        ("bex", "track", "credential-revoked", "bex's track sends no credential"),
        ("parcel2go", "quote", "reset-after-commit", "only for the book task"),
        ("bex", "receive-webhooks", "webhook-stale", "only for parcel2go"),
        ("border-express", "track", "rate-limit", "border-express publishes no rate limit for track"),
    ],
)
def test_a_check_that_does_not_apply_says_why(carrier, task, check, reason):
    assert load().check(check).applies(load().task(carrier, task)) == reason


def _broken(tmp_path: Path, change) -> Path:
    document = yaml.safe_load(CATALOGUE.read_text())
    change(document)
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda d: d["checks"][2].update(judge="vibes"),
            r"checks\[2\] \(server-error-once\)\.judge: unknown judge 'vibes'",
        ),
        (
            lambda d: d["checks"][0]["setup"].update(fautls=[]),
            r"checks\[0\] \(baseline\)\.setup: unknown keys \['fautls'\]",
        ),
        (lambda d: d["checks"].append(dict(d["checks"][0])), r"check ids repeat: \['baseline', 'baseline'\]"),
        (lambda d: d["tasks"]["bex"]["quote"].pop("token"), r"tasks\.bex\.quote: a renewable auth names its token"),
        (lambda d: d["tasks"]["bex"].update(ship={"target": ["login"]}), r"tasks\.bex\.ship: unknown task"),
        (lambda d: d.pop("carriers"), r"must hold exactly `carriers`, `tasks` and `checks`"),
    ],
)
def test_a_mistake_in_the_catalogue_is_named(tmp_path, change, message):
    with pytest.raises(CatalogueError, match=message):
        load(_broken(tmp_path, change))


def _section(text: str, heading: str) -> str:
    """From `heading` to the next heading of its level or above."""
    start = text.index(heading + "\n")
    level = heading.split(" ")[0]
    ends = [text.find(f"\n{'#' * n} ", start + len(heading)) for n in range(1, len(level) + 1)]
    ends = [end for end in ends if end != -1]
    return text[start : min(ends) if ends else None]


def test_the_readme_explains_every_check():
    section = _section((ROOT / "README.md").read_text(), "## Client conformance kit")
    for check in load().checks:
        assert f"`{check.id}`" in section, f"the README does not explain {check.id}"


def test_the_protocol_doc_names_every_credential_the_namespace_gives():
    doc = (ROOT / "docs" / "conformance.md").read_text()
    table = _section(doc, "### Credentials (the `credentials` keys)")
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `([a-z0-9-]+)` \| (.*) \|$", table, re.M)}
    with MockCarriers.start() as mock:
        sandbox = mock.sandbox()
        for carrier in sandbox.document["carriers"]:
            for key in sandbox.credentials(carrier):
                assert f"`{key}`" in rows[carrier], f"docs/conformance.md does not name {carrier}'s {key}"
    for variable in ("MOCK_CARRIERS_CARRIER", "MOCK_CARRIERS_TASK", "MOCK_CARRIERS_BASE_URL", "MOCK_CARRIERS_CONTEXT",
                     "MOCK_CARRIERS_RESULT"):  # fmt: skip
        assert f"`{variable}`" in doc
