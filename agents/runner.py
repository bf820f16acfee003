"""Play any agent on any game under the protocol (levels in order, a win advances).

Returns per-level results (won, steps, attempts, score, CPU seconds) and EMPA's kappa, the same
numbers for neural and symbolic agents.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

import gymnasium as gym

from agents.base import Agent
from vgdl.protocol import ProtocolEnv


@dataclass
class LevelResult:
    level: int
    won: bool
    steps: int
    attempts: int
    score: float
    cpu_seconds: float


@dataclass
class RunResult:
    game: str
    agent: dict[str, Any]
    budget_per_level: int
    levels: list[LevelResult] = field(default_factory=list)

    @property
    def levels_won(self) -> int:
        return sum(r.won for r in self.levels)

    @property
    def total_steps(self) -> int:
        return sum(r.steps for r in self.levels)

    @property
    def kappa(self) -> float:
        n = len(self.levels)
        if not self.levels_won or not n:
            return 0.0
        return (self.levels_won / n) * (self.levels_won / self.total_steps)

    def as_dict(self) -> dict[str, Any]:
        return {"game": self.game, "agent": self.agent, "budget_per_level": self.budget_per_level,
                "levels": [asdict(r) for r in self.levels], "levels_won": self.levels_won,
                "total_steps": self.total_steps, "kappa": self.kappa}


def run_protocol(agent: Agent, env_id: str, budget_per_level: int = 5000, seed: int = 0,
                 env_kwargs: dict[str, Any] | None = None, game_seed: int | None = None) -> RunResult:
    """Play every level of ``env_id`` in order; a level gets ``budget_per_level`` steps to be won.

    A level not won within its budget is recorded as lost and the run moves on to the next one
    (so later levels are still measured). ``game_seed`` fixes the engine's seed of every attempt
    (default: drawn from ``seed``).
    """
    env = ProtocolEnv(gym.make(env_id, **(env_kwargs or {})).unwrapped)
    options = {"game_seed": game_seed} if game_seed is not None else None
    result = RunResult(env_id, agent.describe(), budget_per_level)
    obs, info = env.reset(seed=seed, options=options)
    for level in range(env.n_levels):
        if env.current != level:  # a lost level: move on
            env.current = level
            obs, info = env.reset(options=options)
        steps, attempts, won, start = 0, 1, False, time.process_time()
        agent.reset(env.unwrapped.action_names, env.observation_space)
        while steps < budget_per_level:
            action = agent.act(obs)
            next_obs, reward, terminated, truncated, info = env.step(action)
            agent.observe(action, reward, next_obs, terminated, truncated, info)
            steps += 1
            obs = next_obs
            if terminated or truncated:
                won = info.get("winner") == "WIN"
                if won:
                    break
                attempts += 1
                obs, info = env.reset(options=options)
                agent.reset(env.unwrapped.action_names, env.observation_space)
        result.levels.append(LevelResult(level, won, steps, attempts, float(info.get("score", 0.0)),
                                         time.process_time() - start))
        if won and level < env.n_levels - 1:
            obs, info = env.reset(options=options)
    env.close()
    return result
