"""Hostile admin input (YAML alias bombs, deep nesting, huge values) is refused quickly with a
short 400: the server's memory and CPU stay bounded and no error echoes more than a few hundred
characters of what it was sent."""

import json

import pytest
from click.testing import CliRunner

from mock_carriers.cli import main
from mock_carriers.core.limits import MAX_DEPTH, MAX_NODES

ECHO = 600  # characters of a response a refusal may take, all told (the message is in it twice)


def billion_laughs(levels: int, key: str = "seed") -> bytes:
    """Nine x's, then each level nine aliases of the one before: 9**levels nodes once expanded."""
    items = ["&l0 [x,x,x,x,x,x,x,x,x]"] + [f"&l{n} [{','.join([f'*l{n - 1}'] * 9)}]" for n in range(1, levels)]
    return f"{key}: [{', '.join(items)}]\n".encode()


def scenario(client, data: bytes, namespace: str = "bounds"):
    return client.post(f"/__admin/namespaces/{namespace}/scenario", data=data, content_type="application/yaml")


def refusal(response, *words: str) -> str:
    assert response.status_code == 400, response.data[:500]
    assert len(response.data) < 2 * ECHO, response.data[:500]
    text = json.dumps(response.get_json())
    for word in words:
        assert word in text, text
    return text


@pytest.mark.parametrize("key", ["seed", "fixtures", "faults"])
def test_a_yaml_alias_bomb_is_refused_before_it_expands(client, key):
    response = scenario(client, billion_laughs(9, key))  # 353 bytes; 387 million nodes expanded
    refusal(response, f"more than {MAX_NODES}")
    assert client.get("/__admin/namespaces/bounds").status_code == 404  # nothing was created


def test_a_smaller_bomb_past_the_node_bound_is_refused_too(client):
    refusal(scenario(client, billion_laughs(6)), f"more than {MAX_NODES}")


def test_aliases_of_a_long_string_count_its_characters(client):
    text = b'description: &s "' + b"x" * 200_000 + b'"\nfaults: [' + b", ".join([b"*s"] * 200) + b"]\n"
    refusal(scenario(client, text), "characters")


def test_an_alias_inside_its_own_anchor_is_refused(client):
    refusal(scenario(client, b"fixtures: &a {bex: *a}\n"), "its own anchor")


@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 500, 100_000])
def test_deep_yaml_is_refused_at_the_depth_bound(client, levels):
    refusal(scenario(client, b"seed: " + b"[" * levels + b"]" * levels + b"\n"), f"deeper than {MAX_DEPTH}")


def test_deep_json_scenario_is_refused_at_the_depth_bound(client):
    body = b'{"fixtures": {"bex": ' + b'{"a": ' * 100_000 + b"1" + b"}" * 100_000 + b"}}"
    refusal(
        client.post("/__admin/namespaces/bounds/scenario", data=body, content_type="application/json"),
        f"deeper than {MAX_DEPTH}",
    )


def test_yaml_just_within_the_depth_bound_is_read(client):
    nested = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    response = scenario(client, f"description: hi\nclock: {nested}\n".encode())
    assert "deeper" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path,method,prefix",
    [
        ("/__admin/namespaces/bounds", "put", b'{"fixtures": {"bex": '),
        ("/__admin/namespaces/default/faults", "post", b'{"effect": "status", "description": '),
        ("/__admin/namespaces/default/clock", "post", b'{"action": "advance", "by": '),
        ("/__admin/namespaces/default/webhooks/subscriptions", "post", b'{"carrier": "parcel2go", "headers": '),
    ],
)
@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 100_000])
def test_deep_json_admin_bodies_are_refused_at_the_depth_bound(client, path, method, prefix, levels):
    body = prefix + b"[" * levels + b"]" * levels + b"}" * prefix.count(b"{")
    response = getattr(client, method)(path, data=body, content_type="application/json")
    refusal(response, f"deeper than {MAX_DEPTH}")


def test_a_json_admin_body_past_the_node_bound_is_refused(client):
    body = json.dumps({"fixtures": {"bex": {"services": {"x": [0] * (MAX_NODES + 1)}}}})
    refusal(
        client.put("/__admin/namespaces/bounds", data=body, content_type="application/json"), f"more than {MAX_NODES}"
    )


HUGE = "x" * 100_000


@pytest.mark.parametrize(
    "path,method,body",
    [
        ("/__admin/namespaces/bounds", "put", {"fixtures": {"bex": {"services": HUGE}}}),
        ("/__admin/namespaces/bounds", "put", {"fixtures": {"bex": {"services": {"ON": [HUGE] * 50}}}}),
        ("/__admin/namespaces/bounds", "put", {HUGE: 1}),
        ("/__admin/namespaces/bounds", "put", {f"{n}{HUGE[:1000]}": 1 for n in range(2000)}),
        ("/__admin/namespaces/default/clock", "post", {"action": "advance", "by": HUGE}),
        ("/__admin/namespaces/default/clock", "post", {"action": "advance", "by": [HUGE] * 50}),
        ("/__admin/namespaces/default/clock", "post", {"action": "set", "to": HUGE}),
        ("/__admin/namespaces/default/faults", "post", {"effect": "quota", "limit": 1, "window": HUGE}),
        (
            "/__admin/namespaces/default/faults",
            "post",
            {f"{n}{HUGE[:1000]}": 1 for n in range(2000)} | {"effect": "drop"},
        ),
    ],
)
def test_an_error_never_echoes_more_than_a_few_hundred_characters(client, path, method, body):
    response = getattr(client, method)(path, data=json.dumps(body), content_type="application/json")
    refusal(response)


@pytest.mark.parametrize(
    "document",
    [
        f"seed: {HUGE}\n",
        f"fixtures: {{bex: {{services: {HUGE}}}}}\n",
        f"clock: [{{advance: {HUGE}}}]\n",
        f"faults: [{{effect: drop, carrier: {HUGE}}}]\n",
        f"{HUGE}: 1\n",
    ],
)
def test_a_scenario_error_never_echoes_more_than_a_few_hundred_characters(client, document):
    refusal(scenario(client, document.encode()))


def test_fixtures_check_refuses_a_bomb_naming_the_file(tmp_path):
    (tmp_path / "bex.yaml").write_bytes(billion_laughs(9, "services"))
    result = CliRunner().invoke(main, ["fixtures", "check", str(tmp_path)])
    assert result.exit_code != 0
    assert "bex.yaml" in result.output and f"more than {MAX_NODES}" in result.output


def test_fixtures_check_clips_a_long_value(tmp_path):
    (tmp_path / "bex.yaml").write_text(f"services: {HUGE}\n")
    result = CliRunner().invoke(main, ["fixtures", "check", str(tmp_path)])
    assert result.exit_code != 0 and "bex.yaml" in result.output
    assert all(len(line) < ECHO for line in result.output.splitlines())  # one line per mistake, each clipped


def test_serve_refuses_a_scenario_bomb(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_bytes(billion_laughs(9))
    result = CliRunner().invoke(main, ["serve", "--port", "0", "--scenario", str(path)])
    assert result.exit_code != 0 and f"more than {MAX_NODES}" in result.output
