"""The results store: one SQLite file (WAL) that survives a killed tournament.

Why SQLite: a study must never lose or repeat work. Each unit's result is written in one
transaction keyed by the unit's key, so after a crash (even ``kill -9``) a unit is either fully
present or absent, and a resumed run skips what is present. Only the driver process writes.
Exports are JSON Lines, one object per unit (the same records the leaderboard reads), and an
import merges them idempotently on the key, so parts of a study run on several machines combine.

Schema changes are numbered migrations; a store written by a newer testbed is refused.
"""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from vgdl.protocol import kappa

DEFAULT_DB = Path("runs/testbed.sqlite")

#: migration k brings a store from schema version k to k + 1
MIGRATIONS: list[str] = [
    """
    CREATE TABLE units (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        agent TEXT NOT NULL, agent_base TEXT NOT NULL, kind TEXT NOT NULL,
        config TEXT NOT NULL, config_hash TEXT NOT NULL,
        game TEXT NOT NULL, game_hash TEXT NOT NULL, suite TEXT NOT NULL, split TEXT, family TEXT,
        broken_priors TEXT NOT NULL DEFAULT '[]',
        variant TEXT NOT NULL, seed INTEGER NOT NULL, budget INTEGER NOT NULL, budget_unit TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('done', 'failed')), error TEXT,
        n_levels INTEGER, levels_won INTEGER, total_steps INTEGER, kappa REAL,
        cpu_seconds REAL, wall_seconds REAL,
        command TEXT, backend TEXT, host TEXT, started_at TEXT, finished_at TEXT, versions TEXT, extra TEXT
    );
    CREATE INDEX units_agent_game ON units (agent, game);
    CREATE TABLE levels (
        unit_id INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,
        level INTEGER NOT NULL, won INTEGER NOT NULL, steps INTEGER NOT NULL, attempts INTEGER NOT NULL,
        score REAL, cpu_seconds REAL,
        PRIMARY KEY (unit_id, level)
    );
    CREATE TABLE curves (
        unit_id INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,
        step INTEGER NOT NULL, episode_return REAL, length INTEGER, level INTEGER, won INTEGER
    );
    CREATE INDEX curves_unit ON curves (unit_id);
    CREATE TABLE decisions (
        unit_id INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,
        level INTEGER, seconds REAL, nodes INTEGER, objects INTEGER, cells INTEGER
    );
    CREATE INDEX decisions_unit ON decisions (unit_id);
    CREATE TABLE trajectories (
        unit_id INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,
        level INTEGER NOT NULL, attempt INTEGER NOT NULL, game_seed INTEGER NOT NULL,
        actions TEXT NOT NULL, winner TEXT,
        PRIMARY KEY (unit_id, level, attempt)
    );
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)

_UNIT_COLUMNS = ("key", "agent", "agent_base", "kind", "config", "config_hash", "game", "game_hash", "suite",
                 "split", "family", "broken_priors", "variant", "seed", "budget", "budget_unit", "status", "error",
                 "n_levels", "levels_won", "total_steps", "kappa", "cpu_seconds", "wall_seconds", "command",
                 "backend", "host", "started_at", "finished_at", "versions", "extra")
_JSON_COLUMNS = ("config", "broken_priors", "versions", "extra")


class StoreError(RuntimeError):
    """The store cannot be used: newer schema, locked by another process, or not a store."""


def summarize(record: dict[str, Any]) -> dict[str, Any]:
    """Fill the record's derived totals (levels won, steps, kappa) from its per-level outcomes."""
    levels = record.get("levels") or []
    won = sum(bool(lv["won"]) for lv in levels)
    steps = sum(int(lv["steps"]) for lv in levels)
    n = int(record.get("n_levels") or 0)
    record.update(levels_won=won, total_steps=steps, kappa=kappa(won, n, steps))
    return record


class Store:
    """A results store at ``path`` (created with the current schema when absent)."""

    def __init__(self, path: str | Path = DEFAULT_DB, create: bool = True) -> None:
        self.path = Path(path)
        if not self.path.exists() and not create:
            raise StoreError(f"no results store at {self.path}")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock_file: IO[str] | None = None
        try:
            self.db = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            if "locked" in str(exc):
                raise StoreError(f"results store {self.path} is locked by another process ({exc}); "
                                 f"wait for it to finish or use another --db") from None
            raise StoreError(f"{self.path} is not a usable results store: {exc}") from None

    # -- schema ------------------------------------------------------------------------------------
    def _migrate(self) -> None:
        self.db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = self.db.execute("SELECT version FROM schema_version").fetchone()
        version = row[0] if row else 0
        if version > SCHEMA_VERSION:
            raise StoreError(f"results store {self.path} has schema version {version}, newer than this testbed's "
                             f"{SCHEMA_VERSION}: update the testbed to read it")
        for k in range(version, SCHEMA_VERSION):
            with self.transaction() as cur:
                for statement in MIGRATIONS[k].split(";"):
                    if statement.strip():
                        cur.execute(statement)
                cur.execute("DELETE FROM schema_version")
                cur.execute("INSERT INTO schema_version VALUES (?)", (k + 1,))

    @property
    def schema_version(self) -> int:
        return self.db.execute("SELECT version FROM schema_version").fetchone()[0]

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Cursor]:
        cur = self.db.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            yield cur
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        cur.execute("COMMIT")

    # -- exclusive use by one tournament driver ------------------------------------------------------
    def lock(self) -> None:
        """Take the store for this process; another driver on the same store gets a clear error."""
        lock_path = self.path.with_name(self.path.name + ".lock")
        handle = lock_path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "?"
            handle.close()
            raise StoreError(f"results store {self.path} is locked by another testbed process (pid {holder}); "
                             f"wait for it to finish or use another --db") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._lock_file = handle

    def close(self) -> None:
        self.db.close()
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ------------------------------------------------------------------------------------
    def status(self, keys: Iterable[str] | None = None) -> dict[str, str]:
        """``{key: "done" | "failed"}`` for stored units (all, or those of ``keys``)."""
        rows = self.db.execute("SELECT key, status FROM units").fetchall()
        if keys is None:
            return dict(rows)
        wanted = set(keys)
        return {k: s for k, s in rows if k in wanted}

    def put(self, record: dict[str, Any], replace: bool = False) -> bool:
        """Write one unit's full record in one transaction; returns False if the key was kept as it was.

        A present unit is kept unless ``replace``, or unless it failed and the new record is done
        (merging a store where the unit succeeded fixes a failure).
        """
        summarize(record)
        values = [json.dumps(record.get(c)) if c in _JSON_COLUMNS else record.get(c) for c in _UNIT_COLUMNS]
        with self.transaction() as cur:
            old = cur.execute("SELECT id, status FROM units WHERE key = ?", (record["key"],)).fetchone()
            if old and not replace and not (old[1] == "failed" and record.get("status") == "done"):
                return False
            if old:
                cur.execute("DELETE FROM units WHERE id = ?", (old[0],))
            cur.execute(f"INSERT INTO units ({', '.join(_UNIT_COLUMNS)}) VALUES ({', '.join('?' * len(values))})",
                        values)
            uid = cur.lastrowid
            cur.executemany("INSERT INTO levels VALUES (?, ?, ?, ?, ?, ?, ?)",
                            [(uid, lv["level"], int(bool(lv["won"])), lv["steps"], lv["attempts"], lv.get("score"),
                              lv.get("cpu_seconds")) for lv in record.get("levels") or []])
            cur.executemany("INSERT INTO curves VALUES (?, ?, ?, ?, ?, ?)",
                            [(uid, *row) for row in record.get("curve") or []])
            cur.executemany("INSERT INTO decisions VALUES (?, ?, ?, ?, ?, ?)",
                            [(uid, *row) for row in record.get("decisions") or []])
            cur.executemany("INSERT INTO trajectories VALUES (?, ?, ?, ?, ?, ?)",
                            [(uid, *row) for row in record.get("trajectories") or []])
        return True

    # -- reading ------------------------------------------------------------------------------------
    def records(self, status: str | None = "done", details: bool = True,
                decisions: bool | None = None) -> Iterator[dict[str, Any]]:
        """Every unit as an export record (ordered by agent, game, variant, seed); without ``details``
        no curves, decisions or trajectories (``decisions`` overrides it for the decisions alone)."""
        decisions = details if decisions is None else decisions
        where = "WHERE status = ?" if status else ""
        args = (status,) if status else ()
        cur = self.db.execute(f"SELECT id, {', '.join(_UNIT_COLUMNS)} FROM units {where} "
                              f"ORDER BY agent, game, variant, seed, budget", args)
        for row in cur.fetchall():
            uid, values = row[0], row[1:]
            rec = {c: (json.loads(v) if c in _JSON_COLUMNS and v is not None else v)
                   for c, v in zip(_UNIT_COLUMNS, values, strict=True)}
            rec["levels"] = [{"level": r[0], "won": bool(r[1]), "steps": r[2], "attempts": r[3], "score": r[4],
                              "cpu_seconds": r[5]} for r in self.db.execute(
                "SELECT level, won, steps, attempts, score, cpu_seconds FROM levels WHERE unit_id = ? "
                "ORDER BY level", (uid,))]
            if details:
                rec["curve"] = [list(r) for r in self.db.execute(
                    "SELECT step, episode_return, length, level, won FROM curves WHERE unit_id = ? ORDER BY rowid",
                    (uid,))]
                rec["trajectories"] = [list(r) for r in self.db.execute(
                    "SELECT level, attempt, game_seed, actions, winner FROM trajectories WHERE unit_id = ? "
                    "ORDER BY level, attempt", (uid,))]
            if decisions:
                rec["decisions"] = [list(r) for r in self.db.execute(
                    "SELECT level, seconds, nodes, objects, cells FROM decisions WHERE unit_id = ? ORDER BY rowid",
                    (uid,))]
            yield rec

    def failures(self) -> list[tuple[str, str, str]]:
        return self.db.execute("SELECT key, agent || ' on ' || game || ' seed ' || seed, error FROM units "
                               "WHERE status = 'failed' ORDER BY agent, game, seed").fetchall()


# -- JSON Lines ----------------------------------------------------------------------------------------
def _open_text(path: str | Path, mode: str) -> IO[str]:
    path = Path(path)
    if path.suffix == ".gz":
        return gzip.open(path, mode + "t", encoding="utf-8")  # type: ignore[return-value]
    return path.open(mode, encoding="utf-8")


def write_jsonl(records: Iterable[dict[str, Any]], out: str | Path) -> int:
    """Write records one per line (``.gz`` compresses); returns how many."""
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with _open_text(out, "w") as f:
        for rec in records:
            f.write(json.dumps(rec, sort_keys=True, separators=(",", ":")) + "\n")
            n += 1
    return n


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Records from an export; a malformed line is an error naming the file and line."""
    records = []
    with _open_text(path, "r") as f:
        for i, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise StoreError(f"{path}:{i}: not a JSON object ({exc.msg})") from None
            if not isinstance(rec, dict) or "key" not in rec or "levels" not in rec:
                raise StoreError(f"{path}:{i}: not a testbed export record (needs 'key' and 'levels')")
            records.append(rec)
    return records
