"""The engine: runs a driver under each applicable check of the catalogue, each in a fresh
namespace, in parallel, and judges every run. The CLI (`mock-carriers conform`) and the pytest
fixture (`carriers_conformance`) are two ways into this one engine.

Reproducible: a seed fixes each namespace's RNG, the webhook events, ids and secrets, and the
generated references; the report lists checks in catalogue order whatever order they finished in.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, Iterable
from urllib.parse import urlsplit

from mock_carriers.carriers import CARRIERS
from mock_carriers.client import MockCarriers, Sandbox
from mock_carriers.kit import deliveries, ports, prepare
from mock_carriers.kit.catalogue import Catalogue, Check, TaskSpec, load
from mock_carriers.kit.driver import CRASHED, STOP_GRACE, Driver, Outcome, Run, as_driver, workspace
from mock_carriers.kit.evidence import Evidence
from mock_carriers.kit.judges import JUDGES, Finding
from mock_carriers.kit.reports import FAIL, NOT_APPLICABLE, PASS, Report, Verdict

REQUEST_TIMEOUT = 5.0  # seconds: what the kit tells a driver to give each request
TASK_TIMEOUT = 20.0  # seconds a driver has for one run


@dataclass
class Options:
    seed: int = 0
    only: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    request_timeout: float = REQUEST_TIMEOUT
    task_timeout: float = TASK_TIMEOUT
    workers: int = 6
    stop_grace: float = STOP_GRACE  # seconds a receive-webhooks driver has to end once asked to stop
    hints: dict = field(default_factory=dict)  # passed on in the context as `hints` (docs/conformance.md)
    listen_host: str = "127.0.0.1"
    proxy: bool = False  # drive the carrier's real https:// host through the mock as HTTPS proxy
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])


def select(catalogue: Catalogue, only: Iterable[str], skip: Iterable[str]) -> list[Check]:
    """The checks `--only` and `--skip` leave, in catalogue order; an unknown id is a KeyError
    naming the known ones."""
    only, skip = tuple(only), tuple(skip)
    for check_id in (*only, *skip):
        catalogue.check(check_id)
    return [c for c in catalogue.checks if (not only or c.id in only) and c.id not in skip]


def conform(
    mock: MockCarriers,
    carrier: str,
    task: str,
    driver: Any,
    options: Options | None = None,
    catalogue: Catalogue | None = None,
) -> Report:
    """Grade `driver` (a command as a list of arguments, or a callable) doing `task` on `carrier`."""
    options = options or Options()
    catalogue = catalogue or load()
    spec = catalogue.task(carrier, task)
    driver = as_driver(driver)
    checks = select(catalogue, options.only, options.skip)
    started = time.monotonic()
    runnable = [check for check in checks if check.applies(spec) is None]
    if spec.task == "receive-webhooks" and runnable:
        deliveries.harvest(carrier, options.seed)  # once, before the runs that share it
    with ThreadPoolExecutor(max_workers=max(1, options.workers), thread_name_prefix="kit-check") as pool:
        futures = {
            check.id: pool.submit(_run_check, mock, catalogue, spec, check, driver, options) for check in runnable
        }
        verdicts = [
            futures[check.id].result() if check.id in futures else _not_applicable(check, check.applies(spec))
            for check in checks
        ]
    return Report(
        carrier=carrier,
        task=task,
        driver=driver.label,
        seed=options.seed,
        url=mock.url,
        seconds=time.monotonic() - started,
        verdicts=verdicts,
    )


def _not_applicable(check: Check, why: str | None) -> Verdict:
    return Verdict(check.id, check.title, check.required, NOT_APPLICABLE, f"not applicable: {why}")


def _run_check(
    mock: MockCarriers, catalogue: Catalogue, spec: TaskSpec, check: Check, driver: Driver, options: Options
) -> Verdict:
    started = time.monotonic()
    name = f"kit-{options.run_id}-{check.id}"[:64]
    sandbox = mock.sandbox(
        name, seed=options.seed, fixtures=prepare.overlay(spec), strict=bool(check.setup.get("strict"))
    )
    try:
        evidence = _exercise(sandbox, catalogue, spec, check, driver, options)
        finding = JUDGES[check.judge](evidence, check.params)
    except Exception as exc:  # the kit's own failure on one check must not hide the others' verdicts
        finding = Finding(FAIL, f"the kit could not run this check: {type(exc).__name__}: {exc}")
        evidence = None
    finally:
        sandbox.drop()
    return Verdict(
        check.id,
        check.title,
        check.required,
        finding.status,
        finding.summary,
        evidence=finding.evidence,
        outcome=evidence.outcome.to_dict() if evidence else None,
        journal=evidence.journal_lines() if evidence and finding.status == FAIL else [],
        namespace=name,
        seconds=time.monotonic() - started,
    )


def _exercise(
    sandbox: Sandbox, catalogue: Catalogue, spec: TaskSpec, check: Check, driver: Driver, options: Options
) -> Evidence:
    """Set the namespace up, run the driver once, and gather what the judge needs."""
    resolve = prepare.resolver(spec, sandbox, options.seed, check.id)
    notes: dict = {"request_timeout": options.request_timeout, "prefix": urlsplit(sandbox.url(spec.carrier)).path}
    if check.setup.get("fill_rate_limit"):
        notes["setup"] = prepare.fill_rate_limit(spec, sandbox, resolve)
    if spec.pages:
        notes["count"] = prepare.list_size(spec, sandbox, resolve)
    for rule in prepare.fault_rules(check, spec):
        sandbox.faults.add(**rule)
    watermark = prepare.last_entry(sandbox)
    task_timeout = prepare.scaled(check.setup.get("task_timeout"), options.request_timeout) or options.task_timeout
    notes["task_timeout"] = task_timeout
    plan = spec.webhooks or {}
    secret = hashlib.sha256(f"{options.seed}:{check.id}:{spec.carrier}".encode()).hexdigest()[:40]
    listening = ports.listening_port(options.listen_host) if check.setup.get("deliveries") else nullcontext()
    with workspace() as folder, listening as port:
        run = Run(
            carrier=spec.carrier,
            task=spec.task,
            base_url=real_base_url(spec.carrier) if options.proxy else sandbox.url(spec.carrier),
            proxy_env=sandbox.proxy_env() if options.proxy else {},
            credentials=sandbox.credentials(spec.carrier),
            references=resolve(spec.references),
            timeouts={"request": options.request_timeout, "task": task_timeout},
            hints=dict(options.hints),
            context_path=os.path.join(folder, "context.json"),
            result_path=os.path.join(folder, "result.json"),
        )
        if port is not None:
            run.listen_host, run.listen_port, run.secret = options.listen_host, port, secret
        with open(run.context_path, "w", encoding="utf-8") as handle:
            json.dump(run.context(), handle, indent=2)
        sent: list[deliveries.Sent] = []
        outcome = _drive(driver, run, check, plan, task_timeout, options, sent, notes)
    entries = [entry for entry in sandbox.journal(spec.carrier) if entry["id"] > watermark]
    violations = [v for v in sandbox.violations() if v["entry"] > watermark] if check.setup.get("strict") else []
    return Evidence(check, spec, outcome, entries, violations, sent, notes, catalogue.error_fields.get(spec.carrier))


def real_base_url(carrier: str) -> str:
    """The carrier's own API address (its first registered host), for clients with hard-coded hosts."""
    hosts = CARRIERS.entry(carrier).hosts
    if not hosts:
        raise ValueError(f"{carrier} has no real host to reach through the proxy")
    return f"https://{hosts[0]}"


def _drive(
    driver: Driver,
    run: Run,
    check: Check,
    plan: dict,
    task_timeout: float,
    options: Options,
    sent: list,
    notes: dict,
) -> Outcome:
    """Run the driver; for a webhook check, send it the deliveries once it listens, then stop it."""
    handle = driver.start(run)
    deadline = time.monotonic() + task_timeout
    specs = check.setup.get("deliveries")
    if not specs:
        return handle.finish(deadline)
    assert run.listen_host is not None and run.listen_port is not None and run.secret is not None
    problem = ports.wait_listening(run.listen_host, run.listen_port, handle.alive, deadline)
    if problem is None:
        events = deliveries.choose(deliveries.harvest(run.carrier, options.seed), specs, plan)
        url = f"http://{run.listen_host}:{run.listen_port}/webhooks/{run.carrier}"
        for index, (sealed, spec) in enumerate(zip(events, specs)):
            delivery = deliveries.build(sealed, spec, run.secret, plan, index)
            deliveries.send(delivery, url, options.request_timeout)
            sent.append(delivery)
    else:
        notes["listening"] = problem
    if not handle.alive():
        return handle.finish(time.monotonic())
    handle.stop(options.stop_grace)
    outcome = handle.finish(min(deadline, time.monotonic() + options.stop_grace))
    if outcome.kind == CRASHED and problem:
        outcome.detail = f"{problem}; {outcome.detail}"
    return outcome


__all__ = ["Options", "conform", "select", "PASS", "FAIL", "NOT_APPLICABLE"]
