"""The kit's catalogue as data: the tasks a driver can perform per carrier, and the checks that
grade it. Loaded from `catalogue.yaml` next to this module and checked as it loads, so a check that
names an unknown judge, task or setup key is an error at import time, not a wrong verdict later."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

CATALOGUE = Path(__file__).with_name("catalogue.yaml")
TASKS = ("track", "quote", "book", "sync", "receive-webhooks")
AUTH = ("renewable", "fixed", "none")
JUDGES = (
    "succeeds",
    "keeps_contract",
    "recovers_spaced",
    "gives_up_bounded",
    "waits_retry_after",
    "one_new_token",
    "reports_without_looping",
    "commits_once",
    "ends_in_time",
    "copes",
    "pages_once",
    "webhooks",
)
SETUP_KEYS = ("strict", "faults", "task_timeout", "fill_rate_limit", "deliveries")
NEEDS = ("renewable", "authenticated", "commit", "pages", "rate_limit")
_CHECK_KEYS = {"id", "title", "required", "applies", "setup", "judge", "proves", "why"}
_TASK_KEYS = {"references", "target", "goal", "commit", "auth", "token", "pages", "rate_limit", "webhooks"}


class CatalogueError(ValueError):
    """The catalogue file is not what the kit can run (a packaging mistake, named precisely)."""


@dataclass(frozen=True)
class TaskSpec:
    """One carrier's task: what the driver works on and which operations the checks aim at."""

    carrier: str
    task: str
    references: dict = field(default_factory=dict)
    target: tuple[str, ...] = ()
    goal: tuple[str, ...] = ()
    commit: tuple[str, ...] = ()
    auth: str = "none"
    token: tuple[str, ...] = ()
    pages: dict | None = None
    rate_limit: dict | None = None
    webhooks: dict | None = None

    def has(self, need: str) -> bool:
        return {
            "renewable": self.auth == "renewable",
            "authenticated": self.auth != "none",
            "commit": bool(self.commit),
            "pages": self.pages is not None,
            "rate_limit": self.rate_limit is not None,
        }[need]


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    required: bool
    tasks: tuple[str, ...]
    carriers: tuple[str, ...] | None  # None: every carrier that has the task
    needs: tuple[str, ...]
    setup: dict
    judge: str
    params: dict  # the judge's parameters
    proves: str
    why: str

    def applies(self, spec: TaskSpec) -> str | None:
        """None when the check applies to this carrier's task; else why not, for the report."""
        if spec.task not in self.tasks:
            return f"only for the {', '.join(self.tasks)} task{'s' if len(self.tasks) > 1 else ''}"
        if self.carriers is not None and spec.carrier not in self.carriers:
            return f"only for {', '.join(self.carriers)}"
        missing = [need for need in self.needs if not spec.has(need)]
        if missing:
            return _WHY_NOT[missing[0]].format(carrier=spec.carrier, task=spec.task)
        return None

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "required": self.required,
            "tasks": list(self.tasks),
            "carriers": list(self.carriers) if self.carriers else None,
            "needs": list(self.needs),
            "setup": self.setup,
            "judge": self.judge,
            "params": self.params,
            "proves": self.proves,
            "why": self.why,
        }


_WHY_NOT = {
    "renewable": "{carrier}'s {task} has no token the client can renew",
    "authenticated": "{carrier}'s {task} sends no credential",
    "commit": "{carrier}'s {task} commits nothing that could happen twice",
    "pages": "{carrier}'s {task} reads no paged list",
    "rate_limit": "{carrier} publishes no rate limit for {task}",
}


@dataclass(frozen=True)
class Catalogue:
    tasks: dict[tuple[str, str], TaskSpec]
    checks: tuple[Check, ...]
    error_fields: dict[str, str] = field(default_factory=dict)  # carrier -> a 2xx body's refusal field

    def task(self, carrier: str, task: str) -> TaskSpec:
        try:
            return self.tasks[(carrier, task)]
        except KeyError:
            offered = ", ".join(t for c, t in self.tasks if c == carrier) or "none"
            raise KeyError(f"{carrier} has no task {task!r} in the kit (its tasks: {offered})") from None

    def check(self, check_id: str) -> Check:
        for check in self.checks:
            if check.id == check_id:
                return check
        raise KeyError(f"no check {check_id!r}: the checks are {', '.join(c.id for c in self.checks)}")

    def pairs(self) -> list[tuple[str, str]]:
        """Every (carrier, task) the kit can grade, in catalogue order."""
        return list(self.tasks)


@cache
def load(path: Path = CATALOGUE) -> Catalogue:
    with open(path, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    if not isinstance(raw, dict) or set(raw) != {"carriers", "tasks", "checks"}:
        raise CatalogueError(f"{path}: must hold exactly `carriers`, `tasks` and `checks`")
    tasks = {
        (carrier, task): _task(carrier, task, body)
        for carrier, per_task in raw["tasks"].items()
        for task, body in per_task.items()
    }
    checks = tuple(_check(body, index) for index, body in enumerate(raw["checks"]))
    ids = [check.id for check in checks]
    if len(set(ids)) != len(ids):
        raise CatalogueError(f"{path}: check ids repeat: {sorted(i for i in ids if ids.count(i) > 1)}")
    error_fields = {carrier: body["error_field"] for carrier, body in (raw["carriers"] or {}).items()}
    return Catalogue(tasks, checks, error_fields)


def _task(carrier: str, task: str, body: dict) -> TaskSpec:
    where = f"tasks.{carrier}.{task}"
    if task not in TASKS:
        raise CatalogueError(f"{where}: unknown task (tasks: {', '.join(TASKS)})")
    unknown = set(body) - _TASK_KEYS
    if unknown:
        raise CatalogueError(f"{where}: unknown keys {sorted(unknown)}")
    auth = body.get("auth", "none")
    if auth not in AUTH:
        raise CatalogueError(f"{where}.auth: one of {', '.join(AUTH)}")
    if auth == "renewable" and not body.get("token"):
        raise CatalogueError(f"{where}: a renewable auth names its token operations")
    if task == "receive-webhooks" and not body.get("webhooks"):
        raise CatalogueError(f"{where}: says where a delivery's subject is (webhooks.subject)")
    if task != "receive-webhooks" and not body.get("target"):
        raise CatalogueError(f"{where}: names the operations it aims at (target)")
    target = tuple(body.get("target", ()))
    return TaskSpec(
        carrier,
        task,
        references=body.get("references") or {},
        target=target,
        goal=tuple(body.get("goal") or target),
        commit=tuple(body.get("commit", ())),
        auth=auth,
        token=tuple(body.get("token", ())),
        pages=body.get("pages"),
        rate_limit=body.get("rate_limit"),
        webhooks=body.get("webhooks"),
    )


def _check(body: Any, index: int) -> Check:
    where = f"checks[{index}]"
    if not isinstance(body, dict) or not {"id", "title", "required", "applies", "setup", "judge"} <= set(body):
        raise CatalogueError(f"{where}: needs id, title, required, applies, setup and judge")
    where = f"checks[{index}] ({body['id']})"
    if body["judge"] not in JUDGES:
        raise CatalogueError(f"{where}.judge: unknown judge {body['judge']!r} (judges: {', '.join(JUDGES)})")
    setup = body["setup"] or {}
    unknown = set(setup) - set(SETUP_KEYS)
    if unknown:
        raise CatalogueError(f"{where}.setup: unknown keys {sorted(unknown)} (known: {', '.join(SETUP_KEYS)})")
    applies = body["applies"]
    tasks = tuple(applies.get("tasks", TASKS))
    needs = tuple(applies.get("needs", ()))
    if not set(tasks) <= set(TASKS) or not set(needs) <= set(NEEDS):
        raise CatalogueError(f"{where}.applies: tasks from {', '.join(TASKS)}, needs from {', '.join(NEEDS)}")
    carriers = applies.get("carriers")
    return Check(
        id=body["id"],
        title=body["title"],
        required=bool(body["required"]),
        tasks=tasks,
        carriers=tuple(carriers) if carriers else None,
        needs=needs,
        setup=setup,
        judge=body["judge"],
        params={key: value for key, value in body.items() if key not in _CHECK_KEYS},
        proves=body.get("proves", ""),
        why=body.get("why", ""),
    )
