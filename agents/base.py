"""The interface every agent implements, so the runner and tournaments treat them alike.

An agent is built from a config (a dataclass, recorded with every run). It only ever sees what
the Gymnasium env gives: observations, rewards, termination flags, the action names, and the
``info`` dict (score, level; plus ``info["privileged"]`` when a run explicitly asks the env for
privileged information). It never reads the game's VGDL text or engine internals.
"""

from __future__ import annotations

import abc
import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar

import gymnasium as gym
import numpy as np


@dataclass
class AgentConfig:
    """Base config: every agent's config is a dataclass deriving from this one."""

    seed: int = 0

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


class Agent(abc.ABC):
    """An agent that acts in an episode and may learn from what it sees.

    Life cycle per episode: ``reset`` once (with the episode's first observation and info), then
    ``act`` -> env.step -> ``observe``, repeatedly.
    Agents that train offline of the protocol (e.g. deep RL) also implement ``learn``.
    """

    name: ClassVar[str] = "agent"
    config_class: ClassVar[type[AgentConfig]] = AgentConfig

    def __init__(self, config: AgentConfig | None = None) -> None:
        self.config = config or self.config_class()
        self.action_names: list[str] = []
        self.observation_space: gym.Space | None = None

    def reset(self, action_names: list[str], observation_space: gym.Space, observation: Any = None,
              info: dict[str, Any] | None = None) -> None:
        """A new episode starts; ``action_names[i]`` is the meaning of action ``i``.

        ``observation`` and ``info`` are what ``env.reset`` returned (the runner always passes them),
        so the first decision of an episode sees its own episode's info, not the previous one's.
        """
        self.action_names = list(action_names)
        self.observation_space = observation_space

    @abc.abstractmethod
    def act(self, observation: Any) -> int:
        """The index of the action to take."""

    def observe(self, action: int, reward: float, next_observation: Any, terminated: bool, truncated: bool,
                info: dict[str, Any]) -> None:
        """What happened after ``action`` (default: nothing to learn)."""
        return None

    def learn(self, env: gym.Env, budget: int) -> None:
        """Train for ``budget`` env steps on ``env`` (agents that learn online in ``observe`` need not)."""
        return None

    def describe(self) -> dict[str, Any]:
        """The run record's description of this agent: its name and full config."""
        return {"agent": self.name, "config": self.config.to_dict()}


@dataclass
class RandomConfig(AgentConfig):
    pass


class RandomAgent(Agent):
    """Uniformly random actions from a seeded generator: the floor every agent must beat."""

    name = "random"
    config_class = RandomConfig

    def __init__(self, config: RandomConfig | None = None) -> None:
        super().__init__(config)
        self.rng = np.random.default_rng(self.config.seed)

    def act(self, observation: Any) -> int:
        return int(self.rng.integers(len(self.action_names)))
