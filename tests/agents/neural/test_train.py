"""Neural baselines: smoke training of each algorithm x input, determinism, checkpoints and resume."""

from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path

import pytest

from agents.neural.agent import NeuralAgent
from agents.neural.train import RunConfig, latest_checkpoint, load_hyperparams, train
from agents.runner import run_protocol

SMOKE = {  # small settings so that the four runs take well under two minutes together
    "ppo": {"n_envs": 2, "n_steps": 64, "batch_size": 64, "n_epochs": 1},
    "dqn": {"learning_starts": 200, "buffer_size": 2000, "target_update_interval": 200},
}


def _cfg(algo: str, input_type: str, steps: int, run_dir: Path, seed: int = 0, **extra: object) -> RunConfig:
    hp = load_hyperparams(algo, input_type, {**SMOKE[algo], **extra})
    return RunConfig(algo, input_type, "short_maze", steps, seed, str(run_dir), checkpoint_every=512,
                     max_episode_steps=100, hyperparams=hp)


@pytest.mark.parametrize(("algo", "input_type"), [("ppo", "pixels"), ("ppo", "grid"), ("dqn", "pixels"),
                                                  ("dqn", "grid")])
def test_each_algorithm_and_input_trains_and_evaluates(algo: str, input_type: str, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = tmp_path / "system-temp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    result = train(_cfg(algo, input_type, 1200 if algo == "ppo" else 800, tmp_path / "run"))
    assert not list(scratch.glob("SB3-*")), "SB3 left a log folder in the system's temp directory"
    tmp_path = tmp_path / "run"
    proto = result["protocol"]
    assert result["steps"] >= 800 and proto["levels"][0]["steps"] > 0
    assert proto["levels_won"] >= 1  # level 0 is a five-step walk: won by chance while exploring
    config = json.loads((tmp_path / "config.json").read_text())
    assert config["config"]["hyperparams"]["batch_size"] > 0 and "torch" in config["versions"]
    rows = list(csv.DictReader((tmp_path / "curve.csv").open()))
    assert rows and all(int(r["step"]) <= result["steps"] for r in rows)
    agent = NeuralAgent.from_run(tmp_path)
    run = run_protocol(agent, "VGDL/ShortMaze-v0", budget_per_level=60, env_kwargs=agent.env_kwargs(
        "VGDL/ShortMaze-v0"))
    assert len(run.levels) == 5 and run.agent["agent"] == f"{algo}_{input_type}"


def test_same_seed_same_learning_curve(tmp_path: Path) -> None:
    a = train(_cfg("ppo", "grid", 1024, tmp_path / "a", seed=3))
    b = train(_cfg("ppo", "grid", 1024, tmp_path / "b", seed=3))
    curve_a = (tmp_path / "a" / "curve.csv").read_text()
    assert curve_a == (tmp_path / "b" / "curve.csv").read_text() and curve_a.count("\n") > 3
    assert a["protocol"] == b["protocol"]
    train(_cfg("ppo", "grid", 1024, tmp_path / "c", seed=4))
    assert (tmp_path / "c" / "curve.csv").read_text() != curve_a


def test_resume_continues_from_the_last_checkpoint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = tmp_path / "system-temp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    full = train(_cfg("dqn", "grid", 1600, tmp_path / "full", seed=1))
    part = train(_cfg("dqn", "grid", 1024, tmp_path / "run", seed=1))
    assert latest_checkpoint(tmp_path / "run") == part["steps"]
    # a crash after the checkpoint at 1024: the curve has rows beyond it, which resuming must drop
    with (tmp_path / "run" / "curve.csv").open("a") as f:
        f.write("1500,0.0,3,0,0\n")
    resumed = train(_cfg("dqn", "grid", 1600, tmp_path / "run", seed=1), resume=True)
    assert resumed["resumed_from"] == 1024 and resumed["steps"] == 1600
    assert not list(scratch.glob("SB3-*")), "SB3 left a log folder in the system's temp directory"
    steps = [int(r["step"]) for r in csv.DictReader((tmp_path / "run" / "curve.csv").open())]
    assert steps == sorted(steps) and 1500 not in steps
    levels = resumed["protocol"]["levels"]
    assert sum(lv["steps"] for lv in levels) == 1600 == sum(lv["steps"] for lv in full["protocol"]["levels"])
