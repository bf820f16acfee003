"""A trained DQN/PPO baseline behind the common agent interface (for evaluation and tournaments).

The agent sees what the env gives (pixel frames or count grids), applies the same preprocessing
and frame stacking as training, and acts greedily with the trained network.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np

from agents.base import Agent, AgentConfig
from agents.neural.preprocess import square_frame


@dataclass
class NeuralConfig(AgentConfig):
    algo: str = "ppo"
    input: str = "pixels"
    model_path: str = ""
    hyperparams: dict[str, Any] = field(default_factory=dict)
    deterministic: bool = True


class NeuralAgent(Agent):
    """Acts with a trained stable-baselines3 model (see ``agents/neural/train.py``)."""

    name = "neural"
    config_class = NeuralConfig

    def __init__(self, config: NeuralConfig) -> None:
        import torch
        from stable_baselines3 import DQN, PPO

        super().__init__(config)
        torch.set_num_threads(1)
        cls = PPO if config.algo == "ppo" else DQN
        # only the weights are needed: schedules are not unpickled (they would run code)
        self.model = cls.load(config.model_path, device="cpu",
                              custom_objects={"learning_rate": 0.0, "lr_schedule": lambda _: 0.0,
                                              "clip_range": lambda _: 0.0, "exploration_schedule": lambda _: 0.0})
        self.stack: deque[np.ndarray] = deque(maxlen=max(1, config.hyperparams.get("frame_stack", 1)))
        self.name = f"{config.algo}_{config.input}"

    @classmethod
    def from_run(cls, run_dir: str | Path) -> NeuralAgent:
        """The agent of a finished training run (its config and last checkpoint)."""
        import json

        from agents.neural.train import latest_checkpoint

        run_dir = Path(run_dir)
        cfg = json.loads((run_dir / "config.json").read_text())["config"]
        steps = latest_checkpoint(run_dir)
        if steps is None:
            raise FileNotFoundError(f"no checkpoint in {run_dir}")
        return cls(NeuralConfig(seed=cfg["seed"], algo=cfg["algo"], input=cfg["input"],
                                model_path=str(run_dir / "checkpoints" / f"model_{steps}.zip"),
                                hyperparams=cfg["hyperparams"]))

    def env_kwargs(self, env_id: str) -> dict[str, Any]:
        """The env arguments that give this agent the observations it was trained on."""
        from agents.neural.preprocess import tile_for

        if self.config.input == "pixels":
            return {"obs_type": "pixels",
                    "tile_size": tile_for(gym.make(env_id), self.config.hyperparams.get("image_size", 64))}
        return {"obs_type": "grid"}

    def reset(self, action_names: list[str], observation_space: gym.Space, observation: Any = None,
              info: dict[str, Any] | None = None) -> None:
        super().reset(action_names, observation_space, observation, info)
        self.stack.clear()

    def _features(self, observation: Any) -> np.ndarray:
        if self.config.input == "pixels":
            hp = self.config.hyperparams
            return square_frame(observation, hp.get("image_size", 64), hp.get("grayscale", False))
        return np.asarray(observation)

    def act(self, observation: Any) -> int:
        frame = self._features(observation)
        if not self.stack:
            for _ in range(self.stack.maxlen or 1):
                self.stack.append(np.zeros_like(frame))
        self.stack.append(frame)
        stacked = np.concatenate(list(self.stack), axis=-1) if len(self.stack) > 1 else frame
        action, _ = self.model.predict(stacked, deterministic=self.config.deterministic)
        return int(action)
