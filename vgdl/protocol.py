"""EMPA's evaluation protocol as an environment: play a game's levels in order; a win advances.

An episode is one attempt at the current level. When it ends in a win, the next reset starts
the next level; after a loss or a truncation the same level is tried again. The wrapper records,
per level, the attempts, the steps spent and whether it was won, so that neural and symbolic
agents report comparable numbers (levels won, steps per level, and EMPA's efficiency kappa =
levels won / levels x levels won / total steps).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import gymnasium as gym


def kappa(levels_won: int, n_levels: int, total_steps: int) -> float:
    """EMPA's learning efficiency: levels won / levels x levels won / steps (0 when nothing was won)."""
    if not levels_won or not total_steps or not n_levels:
        return 0.0
    return (levels_won / n_levels) * (levels_won / total_steps)


@dataclass
class LevelRecord:
    level: int
    attempts: int = 0
    steps: int = 0
    won: bool = False
    score: float = 0.0  # score of the last attempt


@dataclass
class ProtocolRecord:
    """Per-level results of one run through the protocol."""

    levels: list[LevelRecord] = field(default_factory=list)
    n_levels: int = 0

    @property
    def levels_won(self) -> int:
        return sum(r.won for r in self.levels)

    @property
    def total_steps(self) -> int:
        return sum(r.steps for r in self.levels)

    @property
    def kappa(self) -> float:
        return kappa(self.levels_won, self.n_levels, self.total_steps)

    def as_dict(self) -> dict[str, Any]:
        return {"levels": [asdict(r) for r in self.levels], "n_levels": self.n_levels,
                "levels_won": self.levels_won, "total_steps": self.total_steps, "kappa": self.kappa}


class ProtocolEnv(gym.Wrapper):
    """Levels in order, a win advances (wraps a :class:`vgdl.env.VGDLEnv`).

    ``info`` gains ``protocol_level`` and, once the last level is won, ``protocol_done``. A reset
    after the whole game is won starts over at level 0 (the record keeps counting).
    """

    def __init__(self, env: gym.Env, start_level: int = 0) -> None:
        super().__init__(env)
        self.n_levels = len(env.unwrapped.level_rows)
        self.current = start_level
        self.record = ProtocolRecord(n_levels=self.n_levels)
        self._advance = False
        self.done = False

    def _level_record(self, level: int) -> LevelRecord:
        for r in self.record.levels:
            if r.level == level:
                return r
        rec = LevelRecord(level)
        self.record.levels.append(rec)
        return rec

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[Any, dict]:
        if self._advance:
            self._advance = False
            self.current += 1
            if self.current >= self.n_levels:
                self.current = 0
        options = dict(options or {})
        options["level"] = self.current
        obs, info = self.env.reset(seed=seed, options=options)
        self._level_record(self.current).attempts += 1
        info["protocol_level"] = self.current
        return obs, info

    def step(self, action: Any) -> tuple[Any, float, bool, bool, dict]:
        obs, reward, terminated, truncated, info = self.env.step(action)
        rec = self._level_record(self.current)
        rec.steps += 1
        rec.score = info.get("score", 0.0)
        info["protocol_level"] = self.current
        if terminated and info.get("winner") == "WIN":
            rec.won = True
            self._advance = True
            if self.current == self.n_levels - 1:
                self.done = True
                info["protocol_done"] = True
        return obs, reward, terminated, truncated, info


class SharedProgress:
    """Protocol progress shared by all envs of one vectorized training run.

    The current level is global: the first win of level k by any env moves every env on to level
    k + 1 at its next reset. ``steps`` counts every env step; a level's steps are those taken
    while it was the current level, up to its first win. After the last level is won, training
    goes on at the last level (``done`` is set).
    """

    def __init__(self, n_levels: int) -> None:
        self.n_levels = n_levels
        self.level = 0
        self.steps = 0
        self.done = False
        self.started_at = {0: 0}
        self.won_at: dict[int, int] = {}
        self.attempts = [0] * n_levels
        self.last_score = [0.0] * n_levels

    def record(self) -> ProtocolRecord:
        rec = ProtocolRecord(n_levels=self.n_levels)
        for k in sorted(self.started_at):
            end = self.won_at.get(k, self.steps)
            rec.levels.append(LevelRecord(k, self.attempts[k], end - self.started_at[k], k in self.won_at,
                                          self.last_score[k]))
        return rec

    def win(self, level: int) -> None:
        if level != self.level or level in self.won_at:
            return
        self.won_at[level] = self.steps
        if level + 1 < self.n_levels:
            self.level = level + 1
            self.started_at[self.level] = self.steps
        else:
            self.done = True

    def state(self) -> dict[str, Any]:
        return {"n_levels": self.n_levels, "level": self.level, "steps": self.steps, "done": self.done,
                "started_at": self.started_at, "won_at": self.won_at, "attempts": self.attempts,
                "last_score": self.last_score}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> SharedProgress:
        p = cls(state["n_levels"])
        p.level, p.steps, p.done = state["level"], state["steps"], state["done"]
        p.started_at = {int(k): v for k, v in state["started_at"].items()}
        p.won_at = {int(k): v for k, v in state["won_at"].items()}
        p.attempts, p.last_score = list(state["attempts"]), list(state["last_score"])
        return p


class SharedProtocolEnv(gym.Wrapper):
    """One env of a vectorized run under the protocol: it plays :class:`SharedProgress`'s current level.

    ``levels`` restricts the protocol to those game levels, in that order (default: all).
    """

    def __init__(self, env: gym.Env, progress: SharedProgress, levels: list[int] | None = None) -> None:
        super().__init__(env)
        self.progress = progress
        self.levels = levels
        self.playing = 0

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[Any, dict]:
        options = dict(options or {})
        self.playing = self.progress.level
        options["level"] = self.levels[self.playing] if self.levels else self.playing
        self.progress.attempts[self.playing] += 1
        obs, info = self.env.reset(seed=seed, options=options)
        info["protocol_level"] = self.playing
        return obs, info

    def step(self, action: Any) -> tuple[Any, float, bool, bool, dict]:
        obs, reward, terminated, truncated, info = self.env.step(action)
        self.progress.steps += 1
        info["protocol_level"] = self.playing
        if terminated or truncated:
            self.progress.last_score[self.playing] = float(info.get("score", 0.0))
            if terminated and info.get("winner") == "WIN":
                self.progress.win(self.playing)
        return obs, reward, terminated, truncated, info
