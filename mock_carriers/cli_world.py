"""The commands that set up a running server's world through its admin API: scenarios (the shipped
ones by name too), namespaces, fault rules, the clock and tokens."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from mock_carriers.cli_common import (
    NamespaceName,
    ScenarioSource,
    admin_options,
    call,
    echo_json,
    scenario_namespace,
    server_options,
    shipped_scenarios,
)


@click.group()
def scenario() -> None:
    """Scenario files, and the ones shipped with mock-carriers."""


@scenario.command("list")
def list_scenarios() -> None:
    """The shipped scenarios: name, namespace, and what each sets up."""
    from mock_carriers.admin.scenario import summary

    for name, path in shipped_scenarios().items():
        found = summary(name, path)
        click.echo(f"{name:<32} {found['namespace']:<20} {found['description']}")


@scenario.command("show")
@click.argument("name", type=ScenarioSource())
def show_scenario(name: Path) -> None:
    """Print scenario NAME (or a file), to read or to copy and change."""
    click.echo(name.read_text(encoding="utf-8"), nl=False)


@scenario.command("apply")
@click.argument("file", type=ScenarioSource())
@click.option("--namespace", "-n", type=NamespaceName(), default=None, help="Overrides the scenario's own `namespace`.")
@server_options
def apply_scenario(file: Path, url: str, namespace: str | None, admin_token: str | None) -> None:
    """Apply FILE, or a shipped scenario by name, to a running server (replacing the namespace's world)."""
    raw = file.read_bytes()
    target = namespace or scenario_namespace(raw)
    result = call(
        url,
        admin_token,
        "POST",
        f"/namespaces/{target}/scenario",
        "the scenario",
        data=raw,
        headers={"Content-Type": "application/yaml"},
    )
    click.echo(
        f"applied {file} to {target}: {len(result['faults'])} fault rules, "
        f"{len(result['subscriptions'])} subscriptions, clock {result['clock']['now']}"
    )


@click.group()
def namespaces() -> None:
    """The namespaces of a running server: each an isolated world (state, tokens, clock, faults,
    journal, outbox)."""


@namespaces.command("list")
@click.option("--json", "as_json", is_flag=True, help="The namespaces as JSON.")
@server_options
def list_namespaces(as_json: bool, url: str, admin_token: str | None) -> None:
    """The live namespaces: name, seed and when each was created."""
    found = call(url, admin_token, "GET", "/namespaces")["namespaces"]
    if as_json:
        echo_json(found)
        return
    width = max(len("NAMESPACE"), *(len(ns["namespace"]) for ns in found))
    click.echo(f"{'NAMESPACE':<{width}}  {'SEED':<10}  CREATED")
    for ns in found:
        click.echo(f"{ns['namespace']:<{width}}  {ns['seed']!s:<10}  {ns['created']}")


@namespaces.command("create")
@click.argument("name", type=NamespaceName())
@click.option("--seed", type=int, help="Its RNG seed (default: the server's).")
@click.option("--strict/--no-strict", default=None, help="Strict mode on or off for it (default: the server's).")
@click.option(
    "--fixtures",
    "overlay",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A YAML or JSON file of fixture overlays keyed by carrier, merged onto the shipped fixtures.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the namespace document (URLs, credentials, references).")
@server_options
def create_namespace(
    name: str,
    seed: int | None,
    strict: bool | None,
    overlay: Path | None,
    as_json: bool,
    url: str,
    admin_token: str | None,
) -> None:
    """Create NAME, or replace it with a fresh world; prints each carrier's base URL."""
    body: dict[str, Any] = {key: value for key, value in (("seed", seed), ("strict", strict)) if value is not None}
    if overlay is not None:
        body["fixtures"] = _read_overlay(overlay)
    document = call(url, admin_token, "PUT", f"/namespaces/{name}", json=body)
    if as_json:
        echo_json(document)
        return
    click.echo(f"created {name} ({_seed_and_strict(document)})")
    width = max(map(len, document["carriers"]))
    for carrier, described in document["carriers"].items():
        click.echo(f"  {carrier:<{width + 2}}{described['base_url']}")


def _read_overlay(path: Path) -> object:
    from mock_carriers.core import safe_yaml

    try:
        return safe_yaml.load(path.read_bytes())
    except safe_yaml.YamlError as exc:
        raise click.BadParameter(f"{path}: {exc}", param_hint="--fixtures") from None


def _seed_and_strict(document: dict) -> str:
    return f"seed {document['seed']}, strict {'on' if document['strict'] else 'off'}"


@namespaces.command("reset")
@click.argument("name", type=NamespaceName(), required=False)
@click.option("--all", "every", is_flag=True, help="Reset every namespace (the others are dropped).")
@server_options
def reset_namespace(name: str | None, every: bool, url: str, admin_token: str | None) -> None:
    """NAME's world starts again from the fixtures, keeping its seed and strict mode (not a fixture
    overlay it was created with: apply that again); --all resets every namespace."""
    if every == (name is not None):
        raise click.UsageError("give a namespace NAME or --all")
    if every:
        click.echo(f"reset {call(url, admin_token, 'POST', '/reset')['reset']} namespaces")
        return
    before = call(url, admin_token, "GET", f"/namespaces/{name}")
    document = call(
        url, admin_token, "PUT", f"/namespaces/{name}", json={"seed": before["seed"], "strict": before["strict"]}
    )
    click.echo(f"reset {name}: its world starts again from the fixtures ({_seed_and_strict(document)})")


@namespaces.command("drop")
@click.argument("name", type=NamespaceName())
@server_options
def drop_namespace(name: str, url: str, admin_token: str | None) -> None:
    """Forget NAME and everything in it; its next use starts a new one from the fixtures."""
    call(url, admin_token, "DELETE", f"/namespaces/{name}")
    click.echo("default starts again from the fixtures (it always exists)" if name == "default" else f"dropped {name}")


@click.group()
def fault() -> None:
    """Fault rules of a namespace."""


class _EffectsCommand(click.Command):
    """`fault add`, whose help ends with every effect and its parameters, read from the fault
    engine itself so the list cannot drift from what the server accepts."""

    def format_epilog(self, ctx, formatter) -> None:
        from mock_carriers.core.faults import AFTER, BEFORE, CONNECTION, PARAMETERS, WEBHOOK

        groups = (
            ("Effects on a request, before the carrier answers", BEFORE),
            ("Effects on the carrier's answer", AFTER),
            ("Effects on the connection (a real server: the carrier answers, the socket breaks)", CONNECTION),
            ("Effects on webhook deliveries (match --carrier and --event)", WEBHOOK),
        )
        for title, effects in groups:
            with formatter.section(title):
                formatter.write_dl(
                    [(effect, ", ".join(PARAMETERS.get(effect, ())) or "(no parameters)") for effect in effects]
                )


@fault.command("add", cls=_EffectsCommand)
@click.argument("effect")
@click.option("--carrier", help="Only this carrier's requests (or webhooks).")
@click.option("--operation", help="Only this operation (the operationId in the carrier's contract).")
@click.option("--method", help="Only requests with this HTTP method.")
@click.option("--path", help="Only paths matching this glob (the carrier's own path, e.g. '/api/orders*').")
@click.option("--event", help="Only this webhook event (webhook effects).")
@click.option("--probability", type=click.FloatRange(0, 1), help="Chance of firing on a match, 0 to 1 (default 1).")
@click.option("--times", type=click.IntRange(min=0), help="Fire at most this many times (default: no limit).")
@click.option("--after", type=click.IntRange(min=0), help="Skip the first N matches (default 0).")
@click.option("--description", help="A note shown by `fault list`.")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="An effect parameter (listed below), e.g. -p status=503 -p ms=250 (numbers are read as numbers).",
)
@admin_options
def add_fault(
    effect: str, params: tuple[str, ...], url: str, namespace: str, admin_token: str | None, **matchers
) -> None:
    """Add a rule with EFFECT to the namespace; it applies to requests (or webhook deliveries) that
    match every option given."""

    rule = {"effect": effect, **{key: value for key, value in matchers.items() if value is not None}}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--param")
        try:
            rule[key] = json.loads(value)
        except ValueError:
            rule[key] = value
    created = call(url, admin_token, "POST", f"/namespaces/{namespace}/faults", json=rule)
    click.echo(f"added {created['id']}")


@fault.command("list")
@admin_options
def list_faults(url: str, namespace: str, admin_token: str | None) -> None:
    """The rules, one per line: id, effect, what it matches, its parameters, counters."""
    from mock_carriers.core.faults import PARAMETERS

    rules = call(url, admin_token, "GET", f"/namespaces/{namespace}/faults")["faults"]
    if not rules:
        click.echo(f"no fault rules in namespace {namespace}")
    for rule in rules:
        matchers = " ".join(
            f"{key}={rule[key]}" for key in ("carrier", "operation", "method", "path", "event") if rule.get(key)
        )
        params = " ".join(
            f"{key}={_plain(rule.get(key))}" for key in PARAMETERS.get(rule["effect"], ()) if rule.get(key) is not None
        )
        decision = " ".join(
            f"{key}={rule[key]:g}" if key == "probability" else f"{key}={rule[key]}"
            for key, usual in (("probability", 1), ("times", None), ("after", 0))
            if rule.get(key) != usual
        )
        note = f"  # {rule['description']}" if rule.get("description") else ""
        click.echo(
            "  ".join(
                part
                for part in (
                    f"{rule['id']:<10} {rule['effect']:<15}",
                    matchers or "every request",
                    params,
                    decision,
                    f"matched={rule['matched']} fired={rule['fired']}{' retired' if rule['retired'] else ''}",
                )
                if part
            )
            + note
        )


def _plain(value) -> str:
    """A value as a user would type it after -p (JSON for anything but text)."""
    return value if isinstance(value, str) else json.dumps(value)


@fault.command("clear")
@click.argument("fault_id", required=False)
@admin_options
def clear_faults(fault_id: str | None, url: str, namespace: str, admin_token: str | None) -> None:
    """Remove FAULT_ID, or every rule."""
    if fault_id:
        call(url, admin_token, "DELETE", f"/namespaces/{namespace}/faults/{fault_id}")
        click.echo(f"removed {fault_id}")
    else:
        removed = call(url, admin_token, "DELETE", f"/namespaces/{namespace}/faults")["removed"]
        click.echo(f"removed {removed}")


@click.command()
@click.argument("action", type=click.Choice(["freeze", "resume", "advance", "set", "now"]))
@click.argument("value", required=False)
@admin_options
def clock(action: str, value: str | None, url: str, namespace: str, admin_token: str | None) -> None:
    """The namespace clock: now, freeze, resume, advance 90m, set 2026-01-01T00:00:00Z."""
    path = f"/namespaces/{namespace}/clock"
    if action == "now":
        state = call(url, admin_token, "GET", path)
    else:
        if action in ("advance", "set") and not value:
            raise click.UsageError(f"clock {action} needs a value")
        extra = {"by": value} if action == "advance" else {"to": value} if action == "set" else {}
        body = {"action": action, **extra}
        state = call(url, admin_token, "POST", path, json=body)
    click.echo(f"{state['now']}{' (frozen)' if state['frozen'] else ''}")


@click.command()
@click.argument("action", type=click.Choice(["expire", "revoke"]))
@click.option("--carrier", required=True, help="The carrier whose tokens change.")
@click.option("--token", "token_value", help="Only this token.")
@click.option("--client-id", help="Only the tokens issued to this client.")
@admin_options
def token(
    action: str,
    carrier: str,
    token_value: str | None,
    client_id: str | None,
    url: str,
    namespace: str,
    admin_token: str | None,
) -> None:
    """Expire or revoke a carrier's tokens (one, a client's, or all)."""
    body = {
        "carrier": carrier,
        **({"token": token_value} if token_value else {}),
        **({"client_id": client_id} if client_id else {}),
    }
    result = call(url, admin_token, "POST", f"/namespaces/{namespace}/tokens/{action}", json=body)
    click.echo(f"{action}d {result['affected']} tokens")


COMMANDS = (scenario, namespaces, fault, clock, token)
