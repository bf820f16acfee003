"""A DQN/PPO baseline as a registry agent: ``train`` it under the protocol, then it acts greedily.

Why a separate class: a tournament needs one object per spec that both trains (SB3, under the
protocol's shared progress, so its levels won and steps per level count experience the way the
symbolic agent's do) and, once trained, plays through the common interface.

    learner = agents.make("ppo-grid:learning_rate=1e-4", seed=0)
    out = learner.train("VGDL/ShortMaze-v0", budget=20_000)   # protocol record, curve, steps/s
    action = learner.act(observation)                          # the trained policy, greedy
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path
from typing import Any

import gymnasium as gym

from agents.base import Agent
from agents.neural.agent import NeuralAgent, NeuralConfig


class NeuralLearner(Agent):
    """Trains with ``agents.neural.train`` and then delegates acting to :class:`NeuralAgent`."""

    name = "neural"

    def __init__(self, config: dict[str, Any], seed: int = 0) -> None:
        super().__init__()
        self.spec_config = dict(config)
        self.seed = seed
        self.trained: NeuralAgent | None = None

    def describe(self) -> dict[str, Any]:
        return {"agent": f"{self.spec_config['algo']}_{self.spec_config['input']}", "config": self.spec_config,
                "seed": self.seed}

    def train(self, env_id: str, budget: int, env_kwargs: dict[str, Any] | None = None,
              run_dir: str | Path | None = None, device: str = "cpu") -> dict[str, Any]:
        """Train for ``budget`` env steps on ``env_id`` on torch ``device``; returns ``train``'s result and curve."""
        from agents.neural.train import RunConfig, train

        cfg = self.spec_config
        own_dir = run_dir is None
        directory = Path(tempfile.mkdtemp(prefix="neural-")) if own_dir else Path(run_dir)  # type: ignore[arg-type]
        run = RunConfig(algo=cfg["algo"], input=cfg["input"], game=env_id, steps=budget, seed=self.seed,
                        run_dir=str(directory), checkpoint_every=max(budget, 1) * 10, device=device,
                        max_episode_steps=int(cfg.get("max_episode_steps", 500)),
                        hyperparams=dict(cfg["hyperparams"]), env_id=env_id, env_kwargs=dict(env_kwargs or {}))
        result = train(run)
        with (directory / "curve.csv").open() as f:
            result["curve"] = [{"step": int(r["step"]), "return": float(r["return"]), "length": int(r["length"]),
                                "level": int(r["level"]) if r["level"] not in ("", "None") else None,
                                "won": int(r["won"])} for r in csv.DictReader(f)]
        ckpt = directory / "checkpoints" / f"model_{result['steps']}.zip"
        self.trained = NeuralAgent(NeuralConfig(seed=self.seed, algo=cfg["algo"], input=cfg["input"],
                                                model_path=str(ckpt), hyperparams=dict(cfg["hyperparams"])))
        if own_dir:
            import shutil

            shutil.rmtree(directory, ignore_errors=True)
        return result

    def reset(self, action_names: list[str], observation_space: gym.Space, observation: Any = None,
              info: dict[str, Any] | None = None) -> None:
        super().reset(action_names, observation_space, observation, info)
        if self.trained is not None:
            self.trained.reset(action_names, observation_space, observation, info)

    def act(self, observation: Any) -> int:
        if self.trained is None:
            raise RuntimeError("train() the learner before asking it to act")
        return self.trained.act(observation)
