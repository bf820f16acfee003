"""The tournament driver: plan the units, skip what the store has, run the rest, store each result.

Resumable by construction: a unit's result is committed in one transaction as soon as it
arrives, and the next run with the same arguments only runs units the store lacks (failed ones
too with ``retry_failed``). Killing the driver loses at most the units in flight.
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from testbed.backends import run_local, run_ray
from testbed.store import Store
from testbed.units import Execution, Unit


@dataclass
class TournamentReport:
    planned: int = 0
    skipped: int = 0
    ran: int = 0
    failed: list[str] = field(default_factory=list)  # labels of units stored as failed (this run or before)
    wall_seconds: float = 0.0


@cache
def code_revision() -> str:
    """The checkout's commit, ``-dirty`` when the engine, agents, harness or games differ from it.

    The unit key leaves the code out (a study must resume across commits), so each record says
    which code made it: ``TESTBED_CODE_REVISION`` when set (a copy sent to another machine, whose
    ``.git`` may be missing or stale), else git's answer, else "unknown".
    """
    if os.environ.get("TESTBED_CODE_REVISION"):
        return os.environ["TESTBED_CODE_REVISION"]
    root = Path(__file__).resolve().parent.parent
    try:
        sha = subprocess.run(["git", "-C", str(root), "rev-parse", "--short=12", "HEAD"], capture_output=True,
                             text=True, timeout=30, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--", "vgdl", "agents", "testbed",
                                "games"], capture_output=True, text=True, timeout=30, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{sha}-dirty" if dirty else sha


def unit_record(unit: Unit, result: dict[str, Any], command: str, backend: str) -> dict[str, Any]:
    """The stored/exported record: the unit's identity plus its result (and the code that made it)."""
    g = unit.game
    result = {**result, "versions": {**(result.get("versions") or {}), "code": code_revision()}}
    return {"key": unit.key, "agent": unit.agent, "agent_base": unit.agent_base, "kind": unit.kind,
            "config": unit.config, "config_hash": unit.config_hash, "game": g.name, "game_hash": unit.game_hash,
            "suite": g.suite, "split": g.split, "family": g.family, "broken_priors": list(g.broken_priors),
            "variant": unit.variant, "seed": unit.seed, "budget": unit.budget, "budget_unit": unit.budget_unit,
            "command": command, "backend": backend, **result}


def run_tournament(units: list[Unit], store: Store, *, backend: str = "local", workers: int = 2,
                   ray_address: str | None = None, retry_failed: bool = False, command: str = "",
                   show_progress: bool = True, execution: Execution | None = None) -> TournamentReport:
    """Run every unit the store lacks; returns counts and the failed units' labels."""
    t0 = time.perf_counter()
    report = TournamentReport(planned=len(units))
    have = store.status(u.key for u in units)
    todo = [u for u in units if u.key not in have or (retry_failed and have[u.key] == "failed")]
    report.skipped = len(units) - len(todo)
    by_key = {u.key: u for u in todo}
    payload = [u.to_dict() for u in todo]
    how = asdict(execution or Execution())
    results = (run_ray(payload, workers, ray_address, how) if backend == "ray"
               else run_local(payload, workers, how))
    progress, task = _progress(show_progress, len(units), report.skipped)
    try:
        for unit_data, result in results:
            unit = by_key[Unit.from_dict(unit_data).key]
            store.put(unit_record(unit, result, command, backend), replace=True)
            report.ran += 1
            if result["status"] == "failed":
                report.failed.append(unit.label())
            if progress is not None:
                progress.update(task, advance=1, failures=len(report.failed))
    finally:
        if progress is not None:
            progress.stop()
    status = store.status(u.key for u in units)
    report.failed = [u.label() for u in units if status.get(u.key) == "failed"]
    report.wall_seconds = time.perf_counter() - t0
    return report


def _progress(show: bool, total: int, done: int) -> tuple[Any, Any]:
    if not show:
        return None, None
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    progress = Progress(TextColumn("units"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        TextColumn("ETA"), TimeRemainingColumn(), TextColumn("failures: {task.fields[failures]}"),
                        transient=False)
    progress.start()
    task = progress.add_task("units", total=total, completed=done, failures=0)
    return progress, task

