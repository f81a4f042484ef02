"""`mock-carriers conform`: grade a driver command against the kit's catalogue, print the report
card, write it as JSON, JUnit XML or HTML on request, and exit non-zero when a required check
fails. The server runs in this process unless `--url` names one."""

from __future__ import annotations

import logging
import sys
import textwrap
from pathlib import Path

import click

from mock_carriers.cli_common import ServerUrl


def _ids(values: tuple[str, ...]) -> tuple[str, ...]:
    """`--only a --only b` and `--only a,b` alike."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _catalogue_listing(carrier: str | None, task: str | None) -> str:
    from mock_carriers.kit.catalogue import load

    catalogue = load()
    spec = catalogue.task(carrier, task) if carrier and task else None
    lines = []
    for check in catalogue.checks:
        why_not = check.applies(spec) if spec else None
        mark = "" if spec is None else ("  applies" if why_not is None else f"  n/a: {why_not}")
        lines.append(f"{check.id}{'' if check.required else ' (optional)'}: {check.title}{mark}")
        lines += textwrap.wrap(check.proves, 96, initial_indent="    ", subsequent_indent="    ")
    tasks = ", ".join(f"{c} {t}" for c, t in catalogue.pairs())
    lines += ["", *textwrap.wrap(f"carriers and tasks: {tasks}", 100)]
    return "\n".join(lines)


@click.command(context_settings={"ignore_unknown_options": False})
@click.option("--carrier", help="The carrier the driver's client talks to (border-express, bex, parcel2go, ...)")
@click.option("--task", help="The task the driver performs: track, quote, book, sync or receive-webhooks")
@click.option(
    "--url",
    type=ServerUrl(),
    envvar="MOCK_CARRIERS_URL",
    default=None,
    help="A running server to use; reads MOCK_CARRIERS_URL (default: one started in this process)",
)
@click.option("--admin-token", envvar="MOCK_CARRIERS_ADMIN_TOKEN", default=None, help="That server's admin token")
@click.option("--only", multiple=True, help="Run only these checks (repeatable, or comma-separated)")
@click.option("--skip", multiple=True, help="Skip these checks (repeatable, or comma-separated)")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the namespaces, events and secrets")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), help="Write the report as JSON")
@click.option("--junit", type=click.Path(dir_okay=False, path_type=Path), help="Write the report as JUnit XML")
@click.option("--html", type=click.Path(dir_okay=False, path_type=Path), help="Write the report as one HTML page")
@click.option(
    "--request-timeout",
    type=click.FloatRange(0.5, 25),
    default=5.0,
    show_default=True,
    help="Seconds the driver is told to give each request (the hang check holds an answer longer)",
)
@click.option(
    "--task-timeout",
    type=click.FloatRange(1, 600),
    default=20.0,
    show_default=True,
    help="Seconds a driver run may take before it is killed",
)
@click.option("--workers", type=click.IntRange(1, 32), default=6, show_default=True, help="Checks run at once")
@click.option(
    "--proxy",
    is_flag=True,
    help="For clients with hard-coded hosts: the base URL is the carrier's real https:// one, reached "
    "through the mock as HTTPS proxy (HTTPS_PROXY and the CA bundle variables are set for the driver)",
)
@click.option("--verbose", "-v", is_flag=True, help="Show the evidence of passing checks too")
@click.option("--list", "list_only", is_flag=True, help="List the checks (and which apply to --carrier/--task)")
@click.argument("command", nargs=-1, type=click.UNPROCESSED)
def conform(
    carrier, task, url, admin_token, only, skip, seed, json_path, junit, html, request_timeout, task_timeout,
    workers, proxy, verbose, list_only, command,
) -> None:  # fmt: skip
    """Grade a carrier client: run COMMAND (a driver, see docs/conformance.md) once per check, each
    in a fresh namespace, and judge it from the journal, the deliveries and its outcome.

    \b
      mock-carriers conform --carrier parcel2go --task book -- python my_driver.py

    Exit status 0 when every required check passed or does not apply, 1 when one failed.
    """
    from mock_carriers.kit.catalogue import TASKS, load
    from mock_carriers.kit.engine import Options, select
    from mock_carriers.kit.engine import conform as run

    catalogue = load()
    carriers = sorted({c for c, _ in catalogue.pairs()})
    if carrier is not None and carrier not in carriers:
        raise click.BadParameter(f"{carrier!r} is not one of {', '.join(carriers)}", param_hint="--carrier")
    if task is not None and task not in TASKS:
        raise click.BadParameter(f"{task!r} is not one of {', '.join(TASKS)}", param_hint="--task")
    if carrier and task and (carrier, task) not in catalogue.tasks:
        offered = ", ".join(t for c, t in catalogue.pairs() if c == carrier)
        raise click.UsageError(f"{carrier} has no {task} task in the kit; its tasks: {offered}")
    if list_only:
        click.echo(_catalogue_listing(carrier, task))
        return
    if not carrier or not task:
        raise click.UsageError("give --carrier and --task (or --list to see the checks)")
    if not command:
        raise click.UsageError("give the driver command after --, e.g. -- python my_driver.py")
    try:
        select(catalogue, _ids(only), _ids(skip))
    except KeyError as error:
        raise click.BadParameter(error.args[0], param_hint="--only/--skip") from None
    options = Options(
        seed=seed,
        only=_ids(only),
        skip=_ids(skip),
        request_timeout=request_timeout,
        task_timeout=task_timeout,
        workers=workers,
        proxy=proxy,
    )
    report = _grade(url, admin_token, carrier, task, list(command), options, run)
    _write(report, json_path, junit, html)
    from mock_carriers.kit.reports import table

    click.echo(table(report, verbose=verbose))
    sys.exit(0 if report.passed else 1)


def _grade(url, admin_token, carrier, task, command, options, run):
    from mock_carriers.client import AdminError, MockCarriers

    logger = logging.getLogger("mock_carriers")  # the server's own warnings: the report says it all
    if not any(isinstance(handler, logging.NullHandler) for handler in logger.handlers):
        logger.addHandler(logging.NullHandler())
    mock = MockCarriers.connect(url, admin_token) if url else MockCarriers.start()
    try:
        mock.health()
        return run(mock, carrier, task, command, options)
    except AdminError as error:
        raise click.ClickException(f"the mock's admin API refused the kit: {error}") from None
    except OSError as error:  # requests' ConnectionError is one
        raise click.ClickException(f"cannot reach the mock at {mock.url}: {type(error).__name__}") from None
    finally:
        mock.stop()


def _write(report, json_path: Path | None, junit: Path | None, html: Path | None) -> None:
    from mock_carriers.kit.reports import as_json, page
    from mock_carriers.kit.reports import junit as as_junit

    for path, render in ((json_path, as_json), (junit, as_junit), (html, page)):
        if path is not None:
            try:
                path.write_text(render(report), encoding="utf-8")
            except OSError as error:
                raise click.ClickException(f"cannot write {path}: {error.strerror or error}") from None
