"""Play any agent on any game under the protocol (levels in order, a win advances).

Returns per-level results (won, steps, attempts, score, CPU seconds) and EMPA's kappa, the same
numbers for neural and symbolic agents.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym

from agents.base import Agent
from vgdl.protocol import LevelRecord, ProtocolEnv, ProtocolRecord


@dataclass
class LevelResult(LevelRecord):
    """A level's protocol record plus the agent's CPU time on it."""

    cpu_seconds: float = 0.0


@dataclass
class RunResult(ProtocolRecord):
    """One agent's run through one game's levels (levels won, steps, kappa: see ProtocolRecord)."""

    game: str = ""
    agent: dict[str, Any] = field(default_factory=dict)
    budget_per_level: int = 0
    #: with ``record_trajectories``: per attempt, its level, engine seed, action indices and outcome
    trajectories: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"game": self.game, "agent": self.agent, "budget_per_level": self.budget_per_level,
                **super().as_dict()}


def run_protocol(agent: Agent, env_id: str, budget_per_level: int = 5000, seed: int = 0,
                 env_kwargs: dict[str, Any] | None = None, game_seed: int | None = None,
                 record_trajectories: bool = False) -> RunResult:
    """Play every level of ``env_id`` in order; a level gets ``budget_per_level`` steps to be won.

    A level not won within its budget is recorded as lost and the run moves on to the next one
    (so later levels are still measured). ``game_seed`` fixes the engine's seed of every attempt
    (default: drawn from ``seed``). ``record_trajectories`` keeps every attempt's engine seed and
    actions (enough to replay it exactly with ``vgdl replay``).
    """
    env = ProtocolEnv(gym.make(env_id, **(env_kwargs or {})).unwrapped)
    options = {"game_seed": game_seed} if game_seed is not None else None
    result = RunResult(n_levels=env.n_levels, game=env_id, agent=agent.describe(), budget_per_level=budget_per_level)
    obs, info = env.reset(seed=seed, options=options)
    attempt: dict[str, Any] = {}

    def start_attempt(level: int) -> None:
        nonlocal attempt
        if record_trajectories:
            attempt = {"level": level, "game_seed": env.unwrapped.game.seed, "actions": [], "winner": None}
            result.trajectories.append(attempt)

    for level in range(env.n_levels):
        if env.current != level:  # a lost level: move on
            env.current = level
            obs, info = env.reset(options=options)
        steps, attempts, won, start = 0, 1, False, time.process_time()
        agent.reset(env.unwrapped.action_names, env.observation_space, obs, info)
        start_attempt(level)
        while steps < budget_per_level:
            action = agent.act(obs)
            next_obs, reward, terminated, truncated, info = env.step(action)
            if record_trajectories:
                attempt["actions"].append(int(action))
                attempt["winner"] = info.get("winner")
            agent.observe(action, reward, next_obs, terminated, truncated, info)
            steps += 1
            obs = next_obs
            if terminated or truncated:
                won = info.get("winner") == "WIN"
                if won:
                    break
                attempts += 1
                obs, info = env.reset(options=options)
                agent.reset(env.unwrapped.action_names, env.observation_space, obs, info)
                start_attempt(level)
        result.levels.append(LevelResult(level, attempts, steps, won, float(info.get("score", 0.0)),
                                         cpu_seconds=time.process_time() - start))
        if won and level < env.n_levels - 1:
            obs, info = env.reset(options=options)
    env.close()
    return result
