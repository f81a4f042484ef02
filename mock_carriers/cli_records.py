"""The commands that read what a running server recorded: the journal (and following it), strict
mode's contract violations, and the webhook outbox."""

from __future__ import annotations

import json
import sys

import click

from mock_carriers.cli_common import admin_options, call, echo_json, problem


@click.command()
@click.option("--carrier", help="Only this carrier's requests.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="The newest N entries.")
@click.option("--json", "as_json", is_flag=True, help="The entries as JSON (with --follow, one entry per line).")
@click.option("--follow", "-f", is_flag=True, help="Then keep printing new entries as they come, until interrupted.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.05, max=60),
    default=0.5,
    show_default=True,
    help="Seconds between two looks at the journal with --follow.",
)
@admin_options
def journal(
    carrier: str | None,
    limit: int,
    as_json: bool,
    follow: bool,
    interval: float,
    url: str,
    namespace: str,
    admin_token: str | None,
) -> None:
    """The namespace's latest requests, newest last; with --follow, then every new one as it comes
    (like `tail -f`; Ctrl-C stops)."""
    params = {"limit": limit, **({"carrier": carrier} if carrier else {})}
    if not follow:
        entries = call(url, admin_token, "GET", f"/namespaces/{namespace}/journal", params=params)["entries"]
        if as_json:
            echo_json(entries)
        else:
            for entry in entries:
                click.echo(_journal_line(entry))
        return
    show = (
        (lambda entry: click.echo(json.dumps(entry, ensure_ascii=False)))
        if as_json
        else (lambda entry: click.echo(_journal_line(entry)))
    )
    try:
        _follow(url, admin_token, namespace, params, show, interval)
    except KeyboardInterrupt:
        pass


def _journal_line(entry: dict) -> str:
    faults = ",".join(f["effect"] for f in entry["faults"])
    count = len(entry.get("contract_violations") or ())
    return (
        f"{entry['at']}  {entry['request']['method']:<6} {entry['response']['status']}  "
        f"{entry['carrier'] or '-'}:{entry['operation'] or '-'}  {entry['request']['path']}"
        f"{'  [' + faults + ']' if faults else ''}"
        f"{f'  {count} violation' + ('s' if count > 1 else '') if count else ''}"
    )


def _follow(url: str, admin_token: str | None, namespace: str, params: dict, show, interval: float) -> None:
    """Poll the journal: a cheap look at the newest entry's id, then the entries after the last one
    shown. Entry ids count up per namespace, so an id lower than the last means it was reset."""
    import time

    import requests

    from mock_carriers.client import AdminError, _Admin

    admin, path, last, waiting = _Admin(url, admin_token), f"/namespaces/{namespace}/journal", 0, False

    def entries(limit: int) -> list[dict] | None:
        nonlocal waiting
        try:
            found = admin.call("GET", path, params={**params, "limit": limit})["entries"]
        except AdminError as error:
            if error.status != 404:
                raise click.ClickException(f"{error.status}: {problem(error.body)}") from None
            if not waiting:
                click.echo(f"(waiting for namespace {namespace}: not live yet)", err=True)
            waiting = True
            return None
        except requests.RequestException as error:
            raise click.ClickException(f"cannot reach {url}: {error}") from None
        if waiting:
            click.echo(f"(namespace {namespace} is live)", err=True)
            waiting = False
        return found

    batch = entries(params["limit"]) or []
    while True:
        for entry in batch:
            show(entry)
        last = batch[-1]["id"] if batch else last
        time.sleep(interval)
        newest = entries(1)
        if newest is None:
            last, batch = 0, []
            continue
        top = newest[0]["id"] if newest else 0
        if top < last:
            click.echo(f"(namespace {namespace} was reset)", err=True)
            last = 0
        batch = [entry for entry in entries(top - last + 100) or [] if entry["id"] > last] if top > last else []


@click.command()
@click.option("--clear", is_flag=True, help="Forget the violations shown.")
@click.option("--json", "as_json", is_flag=True, help="The violations as JSON.")
@admin_options
def violations(clear: bool, as_json: bool, url: str, namespace: str, admin_token: str | None) -> None:
    """Strict mode's contract violations in the namespace, grouped by request. Exits 1 if any."""
    from mock_carriers.client import violation_report

    found = call(url, admin_token, "DELETE" if clear else "GET", f"/namespaces/{namespace}/violations")["violations"]
    if as_json:
        echo_json(found)
    elif found:
        click.echo(violation_report(found))
    else:
        click.echo("no contract violations")
    if found:
        sys.exit(1)


@click.command()
@click.option("--carrier", help="Only this carrier's deliveries.")
@click.option("--json", "as_json", is_flag=True, help="The outbox as JSON (each attempt's full error text).")
@admin_options
def webhooks(carrier: str | None, as_json: bool, url: str, namespace: str, admin_token: str | None) -> None:
    """The outbox as a table: each delivery, its state and every attempt's answer (its status code,
    or what went wrong: refused, timeout, reset, no-answer, unknown-host, tls, cancelled)."""
    params = {"carrier": carrier} if carrier else {}
    outbox = call(url, admin_token, "GET", f"/namespaces/{namespace}/webhooks", params=params)
    if as_json:
        echo_json(outbox)
        return
    if not outbox["deliveries"]:
        count = len(outbox["subscriptions"])
        click.echo(f"no webhook deliveries in namespace {namespace} ({count} subscription{'' if count == 1 else 's'})")
    else:
        click.echo(f"{'DELIVERY':<10} {'CARRIER':<14} {'EVENT':<18} {'STATE':<12} {'ATTEMPTS':<30} URL")
    for delivery in outbox["deliveries"]:
        answers = (
            " ".join(
                str(a["status"]) if a["status"] is not None else _failure(a.get("error")) for a in delivery["attempts"]
            )
            or "-"
        )
        faults = f" [{','.join(delivery['faults'])}]" if delivery["faults"] else ""
        click.echo(
            f"{delivery['id']:<10} {delivery['carrier']:<14} {delivery['event']:<18} "
            f"{delivery['state']:<12} {answers:<30} {delivery['url']}{faults}"
        )
    if outbox.get("trimmed"):
        click.echo(
            f"{outbox['trimmed']} finished deliveries were trimmed from the outbox "
            f"(it keeps as many as --journal-limit)"
        )


_FAILURES = {  # the exception an attempt ended with (its `error` starts with the name) -> a word for the table
    "ConnectionRefusedError": "refused",
    "DeadlineExceeded": "timeout",
    "TimeoutError": "timeout",
    "timeout": "timeout",
    "ConnectionResetError": "reset",
    "BrokenPipeError": "reset",
    "ConnectionAbortedError": "reset",
    "RemoteDisconnected": "no-answer",
    "IncompleteRead": "no-answer",
    "BadStatusLine": "not-http",
    "LineTooLong": "not-http",
    "gaierror": "unknown-host",
    "SSLError": "tls",
    "SSLCertVerificationError": "tls",
    "Closed": "cancelled",
}


def _failure(error: str | None) -> str:
    """An attempt with no status, by what ended it (an unknown exception by its own name)."""
    name = (error or "").partition(":")[0].strip()
    return _FAILURES.get(name, name or "error")


COMMANDS = (journal, violations, webhooks)
