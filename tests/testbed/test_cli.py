"""The `testbed` CLI end to end: runs, resume after kill -9, Ray, export/import, leaderboards, errors."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from testbed.cli import app
from testbed.store import read_jsonl
from tests.conftest import GAMES

runner = CliRunner()
THREE_GAMES = "short_maze,coin_dash,ember_crossing"
_TIMING = ("cpu_seconds", "wall_seconds", "started_at", "finished_at", "command", "backend", "host", "extra")


def cli(*args: str) -> Any:
    return runner.invoke(app, list(args))


def comparable(path: Path) -> dict[str, dict[str, Any]]:
    """An export's records without what may differ between runs of the same unit (timings, host)."""
    out = {}
    for rec in read_jsonl(path):
        for k in _TIMING:
            rec.pop(k)
        for lv in rec["levels"]:
            lv.pop("cpu_seconds")
        rec["decisions"] = [[d[0], *d[2:]] for d in rec["decisions"]]  # drop each decision's seconds
        out[rec["key"]] = rec
    return out


def export(db: Path, out: Path) -> dict[str, dict[str, Any]]:
    res = cli("export", "--db", str(db), "--out", str(out))
    assert res.exit_code == 0, res.output
    return comparable(out)


def test_run_stores_every_unit_once_and_skips_them_next_time(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    args = ["run", "--agents", "random,empa", "--games", "short_maze,coin_dash", "--seeds", "0,1", "--budget", "60",
            "--workers", "1", "--db", str(db), "--quiet"]
    res = cli(*args)
    assert res.exit_code == 0, res.output
    assert "ran 8, skipped 0" in res.output
    res = cli(*args)
    assert "ran 0, skipped 8" in res.output
    res = cli("status", "--db", str(db))
    assert res.exit_code == 0 and "empa" in res.output and "60 steps_per_level" in res.output
    res = cli("list")
    assert res.exit_code == 0 and "empa-noprior" in res.output and "walls_known" in res.output
    recs = export(db, tmp_path / "a.jsonl")
    assert len(recs) == 8
    rec = next(r for r in recs.values() if r["agent"] == "empa")
    assert {"agent", "config", "game", "variant", "seed", "budget", "levels", "kappa"} <= set(rec)
    assert rec["decisions"] and rec["trajectories"]  # per-decision cost and replayable attempts
    assert all(len(r["levels"]) == 5 for r in recs.values())
    head = subprocess.run(["git", "-C", str(GAMES.parent), "rev-parse", "--short=12", "HEAD"], capture_output=True,
                          text=True).stdout.strip()
    if head:  # a git checkout: every record names the commit that made it
        assert {r["versions"]["code"] for r in recs.values()} <= {head, f"{head}-dirty"}
    res = cli("leaderboard", "--db", str(db), "--suite", "t", "--out", str(tmp_path))
    assert res.exit_code == 0 and "- code: " in (tmp_path / "t.md").read_text()


def test_same_units_same_results_in_any_order_and_worker_count(tmp_path: Path) -> None:
    base = ["--games", "short_maze,coin_dash", "--budget", "80", "--neural-budget", "128", "--quiet"]
    ppo = "ppo-grid:n_steps=32,batch_size=64,n_envs=2"
    cli("run", "--agents", f"random,empa,{ppo}", "--seeds", "0,1", "--workers", "2",
        "--db", str(tmp_path / "a.sqlite"), *base)
    # reversed order of agents and seeds, one worker
    cli("run", "--agents", f"{ppo},empa,random", "--seeds", "1,0", "--workers", "1",
        "--db", str(tmp_path / "b.sqlite"), *base)
    a = export(tmp_path / "a.sqlite", tmp_path / "a.jsonl")
    assert len(a) == 12 and any(r["curve"] for r in a.values())  # the neural units' learning curves
    trained_on = {r["extra"]["torch_device"] for r in read_jsonl(tmp_path / "a.jsonl") if r["kind"] == "neural"}
    assert trained_on == {"cpu"}  # each neural result says where it trained
    assert a == export(tmp_path / "b.sqlite", tmp_path / "b.jsonl")


def _done_units(db: Path) -> int:
    try:
        con = sqlite3.connect(db, timeout=1)
        try:
            return con.execute("SELECT COUNT(*) FROM units").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def test_a_tournament_killed_with_sigkill_resumes_without_losing_or_repeating_units(tmp_path: Path) -> None:
    """A subprocess driver is killed (SIGKILL, with its workers) after its first finished units;
    the resumed run stores every unit once, with the results of an uninterrupted run."""
    args = ["--agents", "random", "--games", THREE_GAMES, "--seeds", "0-3", "--budget", "1500", "--workers", "1",
            "--quiet"]
    killed = tmp_path / "killed.sqlite"
    cmd = [sys.executable, "-m", "testbed.cli", "run", *args, "--db", str(killed)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 120
    while _done_units(killed) < 2 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    stored = _done_units(killed)
    assert 2 <= stored < 12, f"the kill should land mid-way, found {stored} of 12 units stored"
    res = cli("run", *args, "--db", str(killed))
    assert res.exit_code == 0, res.output
    assert f"ran {12 - stored}, skipped {stored}" in res.output
    res = cli("run", *args, "--db", str(tmp_path / "clean.sqlite"))
    assert res.exit_code == 0, res.output
    resumed, clean = export(killed, tmp_path / "k.jsonl"), export(tmp_path / "clean.sqlite", tmp_path / "c.jsonl")
    assert len(resumed) == 12 and resumed == clean
    con = sqlite3.connect(killed)
    assert con.execute("SELECT COUNT(*), COUNT(DISTINCT key) FROM units").fetchone() == (12, 12)


def test_ray_backend_gives_the_local_results(tmp_path: Path) -> None:
    pytest.importorskip("ray")
    common = ["run", "--agents", "random,empa", "--games", "short_maze,coin_dash", "--seeds", "0", "--budget", "60",
              "--workers", "2", "--quiet"]
    res = cli(*common, "--backend", "ray", "--db", str(tmp_path / "ray.sqlite"))
    assert res.exit_code == 0, res.output
    cli(*common, "--db", str(tmp_path / "local.sqlite"))
    ray_recs = export(tmp_path / "ray.sqlite", tmp_path / "r.jsonl")
    assert len(ray_recs) == 4 and ray_recs == export(tmp_path / "local.sqlite", tmp_path / "l.jsonl")


def test_export_import_merges_idempotently(tmp_path: Path) -> None:
    a, b, merged = tmp_path / "a.sqlite", tmp_path / "b.sqlite", tmp_path / "m.sqlite"
    common = ["run", "--agents", "random", "--games", "short_maze", "--budget", "50", "--workers", "1", "--quiet"]
    cli(*common, "--seeds", "0,1", "--db", str(a))
    cli(*common, "--seeds", "1,2", "--db", str(b))
    for db in (a, b):
        cli("export", "--db", str(db), "--out", str(tmp_path / f"{db.stem}.jsonl"))
    res = cli("import", str(tmp_path / "a.jsonl"), "--db", str(merged))
    assert "imported 2 new units, 0 already present" in res.output
    res = cli("import", str(tmp_path / "b.jsonl"), "--db", str(merged))
    assert "imported 1 new units, 1 already present" in res.output
    res = cli("import", str(tmp_path / "b.jsonl"), "--db", str(merged))
    assert "imported 0 new units, 2 already present" in res.output
    recs = export(merged, tmp_path / "m.jsonl")
    assert sorted(r["seed"] for r in recs.values()) == [0, 1, 2]
    assert recs == {**comparable(tmp_path / "a.jsonl"), **comparable(tmp_path / "b.jsonl")}


def test_export_newest_leaves_out_superseded_units(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    common = ["run", "--agents", "random", "--games", "short_maze", "--workers", "1", "--quiet", "--db", str(db)]
    cli(*common, "--seeds", "0,1", "--budget", "30")
    time.sleep(1.1)  # finish times have whole seconds
    cli(*common, "--seeds", "1", "--budget", "40")  # supersedes seed 1 at 30 steps
    assert len(export(db, tmp_path / "all.jsonl")) == 3
    res = cli("export", "--db", str(db), "--out", str(tmp_path / "new.jsonl"), "--newest")
    assert res.exit_code == 0, res.output
    kept = sorted((r["seed"], r["budget"]) for r in comparable(tmp_path / "new.jsonl").values())
    assert kept == [(0, 30), (1, 40)]


def test_leaderboard_from_store_and_from_export_agree(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    cli("run", "--agents", "random,empa", "--games", "short_maze,coin_dash", "--seeds", "0,1", "--budget", "60",
            "--workers", "1", "--db", str(db), "--quiet", "--leaderboard", str(tmp_path / "z"), "--suite", "check")
    cli("export", "--db", str(db), "--out", str(tmp_path / "a.jsonl"))
    res = cli("leaderboard", "--db", str(db), "--suite", "check", "--out", str(tmp_path / "x"))
    assert res.exit_code == 0, res.output
    cli("leaderboard", "--from", str(tmp_path / "a.jsonl"), "--suite", "check", "--out", str(tmp_path / "y"))
    body = [(tmp_path / d / "check.md").read_text().split("\n- written")[1].split("\n", 1)[1] for d in "xyz"]
    assert body[0] == body[1] == body[2]  # the run's own leaderboard too (decision times included)
    assert "## Decision time" in body[0] and "| `empa` |" in body[0].split("## Decision time")[1]
    assert "| `empa` | 4 | 2 | 0,1 |" in body[0] and "| coin_dash |" in body[0]
    csv_text = (tmp_path / "x" / "check.csv").read_text().splitlines()
    assert csv_text[0].startswith("agent,units,games,seeds,levels_won,levels,levels_won_pct_iqm")
    assert len(csv_text) == 3


@pytest.mark.parametrize(("args", "message"), [
    (["run", "--agents", "random,alphazero"], "unknown agent 'alphazero'; valid agents: random, empa"),
    (["run", "--agents", "empa:-walls"], "unknown prior 'walls'; valid priors:"),
    (["run", "--agents", "ppo-grid:lr=1"], "unknown config field 'lr'"),
    (["run", "--agents", "random", "--games", "short_maze,pacman"], "unknown game(s) pacman; valid: dev, heldout"),
    (["run", "--agents", "random", "--games", "dev", "--variants", "mirror"], "unknown variant(s) mirror"),
    (["run", "--agents", "random", "--games", "dev", "--seeds", "a"], "seeds must be"),
    (["run", "--agents", "human", "--games", "dev"], "import-plays"),
    (["run", "--agents", "random", "--games", "dev", "--backend", "slurm"], "unknown backend"),
    (["run", "--agents", "ppo-grid", "--games", "dev", "--torch-device", "tpu9"], "'tpu9' is not usable"),
])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path: Path, args: list[str], message: str) -> None:
    db = tmp_path / "never.sqlite"
    proc = subprocess.run([sys.executable, "-m", "testbed.cli", *args, "--db", str(db)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2
    assert message in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert not db.exists()


def test_a_failed_unit_is_stored_the_run_goes_on_and_retry_reruns_it(tmp_path: Path) -> None:
    db = tmp_path / "f.sqlite"
    # an override SB3 rejects at construction: the neural unit raises inside the worker
    args = ["run", "--agents", "random,ppo-grid:n_steps=-5", "--games", "short_maze", "--budget", "30",
            "--neural-budget", "64", "--workers", "1", "--db", str(db), "--quiet"]
    res = cli(*args)
    assert res.exit_code == 1
    assert "FAILED: ppo-grid:n_steps=-5 on short_maze seed 0" in res.output
    res = cli("failures", "--db", str(db))
    assert "Traceback" in res.output and "1 failed units" in res.output
    assert "ran 0, skipped 2" in cli(*args).output
    assert "ran 1, skipped 1" in cli(*args, "--retry-failed").output
    exported = read_jsonl_from(db, tmp_path)  # failed units are exported too, with their status and error
    assert sorted(r["status"] for r in exported) == ["done", "failed"]
    res = cli("leaderboard", "--db", str(db), "--suite", "f", "--out", str(tmp_path))
    assert "**1 units failed** and are left out" in (tmp_path / "f.md").read_text()


def test_a_unit_past_its_time_limit_is_stored_as_failed(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite"
    res = cli("run", "--agents", "random", "--games", "warp_chute_delivery", "--budget", "100000",
              "--unit-timeout", "1", "--workers", "1", "--db", str(db), "--quiet")
    assert res.exit_code == 1
    (rec,) = read_jsonl_from(db, tmp_path)
    assert rec["status"] == "failed" and "UnitTimeout" in rec["error"] and rec["wall_seconds"] < 30


def read_jsonl_from(db: Path, tmp_path: Path) -> list[dict[str, Any]]:
    cli("export", "--db", str(db), "--out", str(tmp_path / "o.jsonl"))
    return read_jsonl(tmp_path / "o.jsonl")


def test_external_game_directories_and_variants_run(tmp_path: Path) -> None:
    import shutil

    ext = tmp_path / "ext"
    shutil.copytree(GAMES / "short_maze", ext / "maze_copy")
    db = tmp_path / "e.sqlite"
    res = cli("run", "--agents", "random", "--games", str(ext), "--variants", "none,reskin", "--budget", "40",
                  "--workers", "1", "--db", str(db), "--quiet")
    assert res.exit_code == 0, res.output
    recs = read_jsonl_from(db, tmp_path)
    assert sorted(r["variant"] for r in recs) == ["", "reskin"]
    assert {r["game"] for r in recs} == {"maze_copy"} and {r["suite"] for r in recs} == {str(ext)}


def test_stored_attempts_replay_with_vgdl_replay(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    cli("run", "--agents", "empa", "--games", "short_maze", "--budget", "100", "--workers", "1", "--db", str(db),
            "--quiet")
    (rec,) = read_jsonl_from(db, tmp_path)
    level, attempt = rec["trajectories"][-1][:2]
    out = tmp_path / "t.json"
    res = cli("trajectory", "--db", str(db), "--key", rec["key"], "--level", str(level), "--attempt",
                  str(attempt), "--out", str(out))
    assert res.exit_code == 0, res.output
    from vgdl.play import Trajectory, replay

    traj = Trajectory.load(out)
    game = replay(traj)  # raises if the replay diverged from the stored outcome
    assert game.winner == (rec["trajectories"][-1][4] or None)
    assert json.loads(out.read_text())["format"] == "vgdl-trajectory-v1"


def test_broken_pseudo_prior_switches_off_what_the_audit_finds_false_per_game(tmp_path: Path) -> None:
    from agents.registry import parse
    from testbed.games import select_games
    from testbed.units import audited_broken, make_units

    games = select_games("brittle_wall_breakers,coin_dash")
    units = make_units([parse("empa:-broken")], games, [""], [0], 40, 0)
    off = {u.game.name: u.config["priors_off"] for u in units}
    assert off["coin_dash"] == audited_broken(games[1]) and "walls_known" in off["brittle_wall_breakers"]
    assert {u.agent for u in units} == {"empa:-broken"} and len({u.config_hash for u in units}) == 2
    db = tmp_path / "b.sqlite"
    res = cli("run", "--agents", "empa:-broken", "--games", "brittle_wall_breakers", "--budget", "30",
              "--workers", "1", "--db", str(db), "--quiet")
    assert res.exit_code == 0, res.output
    rec = next(iter(export(db, tmp_path / "b.jsonl").values()))
    assert "walls_known" in rec["config"]["priors_off"] and "broken" not in rec["config"]["priors_off"]
