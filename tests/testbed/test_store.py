"""The results store: one transaction per unit, idempotent writes, schema versions, locks, exports."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from testbed.store import SCHEMA_VERSION, Store, StoreError, read_jsonl, write_jsonl


def record(key: str = "k1", won: tuple[bool, ...] = (True, False), status: str = "done") -> dict[str, Any]:
    return {"key": key, "agent": "random", "agent_base": "random", "kind": "online", "config": {"x": 1},
            "config_hash": "h", "game": "coin_dash", "game_hash": "g", "suite": "games", "split": "dev",
            "family": "collect", "broken_priors": [], "variant": "", "seed": 0, "budget": 10,
            "budget_unit": "steps_per_level", "status": status, "n_levels": len(won),
            "levels": [{"level": i, "won": w, "steps": 5 + i, "attempts": 1, "score": 1.0, "cpu_seconds": 0.1}
                       for i, w in enumerate(won)],
            "cpu_seconds": 0.2, "wall_seconds": 0.3, "curve": [[10, 1.0, 10, 0, 1]],
            "decisions": [[0, 0.01, 5, 3, 20]], "trajectories": [[0, 1, 42, "0123", "WIN"]]}


def test_put_is_idempotent_and_round_trips(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        assert store.put(record())
        assert not store.put(record())  # same key: kept, not duplicated
        (rec,) = store.records()
    assert rec["levels_won"] == 1 and rec["total_steps"] == 11 and rec["kappa"] == pytest.approx(0.5 * 1 / 11)
    assert rec["config"] == {"x": 1} and rec["curve"] == [[10, 1.0, 10, 0, 1]]
    assert rec["trajectories"] == [[0, 1, 42, "0123", "WIN"]]
    assert [lv["won"] for lv in rec["levels"]] == [True, False]


def test_replace_swaps_a_failed_unit_for_its_retry(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite") as store:
        store.put(record(status="failed", won=()))
        assert store.status() == {"k1": "failed"}
        assert not store.put(record(status="failed", won=()))  # a failure does not overwrite a failure
        assert store.put(record())  # a finished record replaces a failed one (merging another store)
        assert store.status() == {"k1": "done"}
        assert not store.put(record(status="failed", won=()))  # ... and is never replaced by a failure
        assert store.db.execute("SELECT COUNT(*) FROM levels").fetchone()[0] == 2  # the old rows went


def test_a_store_from_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer than this testbed"):
        Store(path)


def test_a_second_driver_gets_a_clear_lock_error(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with Store(path) as first:
        first.lock()
        with pytest.raises(StoreError, match="locked by another testbed process"):
            Store(path).lock()


def test_not_a_store_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_text("this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a usable results store"):
        Store(bad)
    with pytest.raises(StoreError, match="no results store"):
        Store(tmp_path / "absent.sqlite", create=False)


@pytest.mark.parametrize("name", ["e.jsonl", "e.jsonl.gz"])
def test_jsonl_round_trip_and_bad_lines(tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    assert write_jsonl([record("a"), record("b")], out) == 2
    assert [r["key"] for r in read_jsonl(out)] == ["a", "b"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"key": "a", "levels": []}\n{oops\n')
    with pytest.raises(StoreError, match="bad.jsonl:2"):
        read_jsonl(bad)
