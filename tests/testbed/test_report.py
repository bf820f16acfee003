"""The ablation report: headline numbers from paired runs, and a page that renders in a real browser."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from testbed.cli import app
from testbed.report import growth_exponent, mean_ci, prior_effects

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def rec(agent: str, game: str, seed: int, won: int, kappa: float = 0.0) -> dict:
    return {"agent": agent, "game": game, "seed": seed, "budget": 100, "levels_won": won, "n_levels": 5,
            "kappa": kappa}


def test_prior_effects_pair_runs_and_split_by_the_audit() -> None:
    records = [rec("empa", "a", 0, 5, 0.1), rec("empa", "a", 1, 4, 0.1), rec("empa", "b", 0, 3, 0.05),
               rec("empa:-walls_known", "a", 0, 4, 0.05), rec("empa:-walls_known", "a", 1, 4, 0.1),
               rec("empa:-walls_known", "b", 0, 4, 0.1), rec("empa:-walls_known", "c", 0, 1)]  # c: no pair
    audit = {"a": {"walls_known": {"holds": True}}, "b": {"walls_known": {"holds": False}}}
    rows = {(r["prior"], r["split"]): r for r in prior_effects(records, audit)}
    holds, false = rows[("walls_known", "holds")], rows[("walls_known", "false")]
    assert holds["pairs"] == 2 and holds["d_won"][0] == pytest.approx(-10.0)  # (-20 + 0) / 2 points
    assert false["pairs"] == 1 and false["d_won"] == pytest.approx((20.0, 20.0, 20.0))
    assert false["d_kappa"][0] == pytest.approx(0.05)


def test_bootstrap_mean_and_growth_exponent() -> None:
    m, lo, hi = mean_ci([0.0, 10.0, 20.0, 30.0])
    assert m == 15.0 and 0.0 <= lo < m < hi <= 30.0
    x = [1.0, 2.0, 4.0, 8.0, 16.0]
    import numpy as np

    assert growth_exponent(np.array(x), np.array([v**2 for v in x])) == pytest.approx(2.0)


def test_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    res = runner.invoke(app, ["ablate", "--games", "short_maze,coin_dash", "--seeds", "0,1", "--budget", "60",
                              "--priors", "walls_known,object_state", "--workers", "2", "--db", str(db), "--quiet"])
    assert res.exit_code == 0, res.output
    # The neural agent comes from another study, merged in through its export.
    neural_db, neural_export = tmp_path / "n.sqlite", tmp_path / "n.jsonl"
    res = runner.invoke(app, ["run", "--agents", "ppo-grid:n_steps=32,batch_size=64,n_envs=2,random", "--games",
                              "short_maze,coin_dash", "--seeds", "0", "--neural-budget", "256", "--workers", "2",
                              "--db", str(neural_db), "--quiet"])
    assert res.exit_code == 0, res.output
    assert runner.invoke(app, ["export", "--db", str(neural_db), "--out", str(neural_export)]).exit_code == 0
    out = tmp_path / "report"
    assert runner.invoke(app, ["export", "--db", str(db), "--out", str(tmp_path / "s.jsonl")]).exit_code == 0
    symbolic_only = runner.invoke(app, ["report", "--db", str(db), "--out", str(out),
                                        "--neural-from", str(tmp_path / "s.jsonl")])
    assert symbolic_only.exit_code == 2 and "no neural" in symbolic_only.output
    res = runner.invoke(app, ["report", "--db", str(db), "--out", str(out), "--gifs", "2",
                              "--neural-from", str(neural_export)])
    assert res.exit_code == 0, res.output
    md = (out / "report.md").read_text()
    assert "| `walls_known` | holds |" in md and "| `object_state` | n/a |" in md
    assert "`ppo-grid:" in md.split("## Per game")[1]  # the neural agent joins, its study's random does not
    per_game_header = next(line for line in md.splitlines() if line.startswith("| game | broken |"))
    assert per_game_header.count("`random`") == 1
    for title in ("Headline", "Performance profiles", "Learning curves", "Planning cost", "Replays", "Per game"):
        assert f"## {title}" in md
    assert_renders(out / "index.html", tmp_path, min_images=6, tables=3)  # five figures and at least one GIF


def test_committed_ablation_report_renders(tmp_path: Path) -> None:
    """The study's report in leaderboards/ablation opens from the file system with every image loaded."""
    page = ROOT / "leaderboards" / "ablation" / "index.html"
    assert page.exists(), "leaderboards/ablation/index.html is committed (bash scripts/study.sh export)"
    md = (page.parent / "report.md").read_text()
    for title in ("Headline", "Levels won against", "Performance profiles", "Learning curves", "Planning cost",
                  "Replays", "Per game"):
        assert f"## {title}" in md
    assert_renders(page, tmp_path, min_images=8, tables=3)


def assert_renders(page: Path, tmp_path: Path, min_images: int, tables: int) -> None:
    """Every table is in the page and, in headless Chromium, every image loaded."""
    text = page.read_text()
    n_images, n_tables = text.count("<img "), text.count("<table>")
    assert n_images >= min_images and n_tables == tables
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (.ci/run installs Debian's chromium)")
    dom = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                          "--disable-background-networking", "--disable-component-update", "--disable-sync",
                          f"--user-data-dir={tmp_path / 'chrome'}", "--virtual-time-budget=15000", "--dump-dom",
                          page.resolve().as_uri()], capture_output=True, text=True, timeout=120).stdout
    loaded = re.search(r'data-images="([^"]*)"', dom)
    assert loaded, "the page's load check did not run"
    states = loaded.group(1).split()
    assert len(states) == n_images and all(s == "ok" for s in states), states
    assert dom.count("<table>") == n_tables and dom.count("<tr>") > 10
