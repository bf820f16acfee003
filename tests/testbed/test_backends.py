"""The local backend survives its workers dying: lost units run again, twice-lost ones are failed."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from typing import Any

from agents.registry import parse
from testbed.backends import run_local
from testbed.games import select_games
from testbed.units import make_units


def _units(budget: int) -> list[dict[str, Any]]:
    games = select_games("short_maze,coin_dash")
    return [u.to_dict() for u in make_units([parse("random")], games, [""], [0, 1], budget, 0)]


def _kill_workers() -> int:
    """SIGKILL every live child process of this one (the pool's workers); returns how many."""
    children = multiprocessing.active_children()
    for p in children:
        if p.pid is not None:
            os.kill(p.pid, signal.SIGKILL)
    return len(children)


def test_a_worker_killed_once_loses_no_unit_and_repeats_none() -> None:
    units = _units(budget=3000)
    killed = threading.Event()

    def kill_when_started() -> None:
        while not killed.is_set():
            if _kill_workers():
                killed.set()
            killed.wait(0.3)

    out = []
    killer = threading.Thread(target=kill_when_started, daemon=True)
    killer.start()
    for unit, result in run_local(units, workers=2):
        out.append((unit["game"]["name"], unit["seed"], result["status"]))
    assert killed.is_set()
    assert sorted(out) == sorted((u["game"]["name"], u["seed"], "done") for u in units)


def test_units_whose_workers_keep_dying_are_stored_failed_and_the_run_ends() -> None:
    units = _units(budget=100000)
    stop = threading.Event()

    def keep_killing() -> None:
        while not stop.is_set():
            _kill_workers()
            stop.wait(0.2)

    killer = threading.Thread(target=keep_killing, daemon=True)
    killer.start()
    try:
        results = [result for _, result in run_local(units, workers=2)]
    finally:
        stop.set()
    assert len(results) == len(units)
    assert {r["status"] for r in results} == {"failed"}
    assert all("worker process died 2 times" in r["error"] for r in results)
