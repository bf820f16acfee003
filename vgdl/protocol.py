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
