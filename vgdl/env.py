"""Gymnasium environments over the engine: one game, any of its levels, four observation types.

A thin layer: the game logic is the engine's; this module maps it onto Gymnasium's API.

- Actions: ``Discrete(n)`` over the avatar's GVGAI action names (``env.unwrapped.action_names``).
- Observations (``obs_type``): ``"pixels"`` (RGB uint8), ``"objects"`` (a variable number of
  object rows, ``vgdl.observations.TABLE_COLUMNS``), ``"grid"`` (``H x W x n_types`` counts), or
  ``"all"`` (a Dict of the three). Pixels and grid are padded to the largest level of the game,
  so one space fits every level.
- Reward: the change of the game's score. ``terminated``: won or lost. ``truncated``: after
  ``max_steps`` steps. ``info``: ``score``, ``winner``, ``tick``, ``level``.
- ``privileged``: names of extra information to put in ``info["privileged"]`` (empty unless asked
  for, so a run's config shows exactly what an agent was given); see :data:`PRIVILEGED`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from vgdl.game import Game
from vgdl.level import level_rows
from vgdl.loading import load_rules
from vgdl.observations import TABLE_COLUMNS
from vgdl.parser import read_text
from vgdl.text_view import render_ansi
from vgdl.variants import make_variant

OBS_TYPES = ("pixels", "objects", "grid", "all")
RENDER_MODES = ("rgb_array", "human", "ansi")
MAX_GRID_COUNT = 255
AVATAR_COLUMN = TABLE_COLUMNS.index("is_avatar")


def _channel(game: Game, name: str) -> int:
    itype = game.rules.itype_of.get(name)
    return -1 if itype is None else game.rules.channel_of.get(itype, -1)


def _events(game: Game) -> Any:
    """The last tick's effects, with each type also given as its observation channel."""
    return [{**e, "channel1": _channel(game, e["type1"]), "channel2": _channel(game, e["type2"])}
            for e in game.events()]


def _avatar(game: Game) -> Any:
    """Which type the avatar is, its class and what it shoots (the agent prior ``avatar_known``)."""
    av = game.avatar()
    if av is None:
        return None
    beh = av.kind.behaviour
    shots = [game.rules.kinds[i].name for i in getattr(beh, "shots", []) if i >= 0]
    if getattr(beh, "shot", -1) >= 0:
        shots.append(game.rules.kinds[beh.shot].name)  # type: ignore[union-attr]
    return {"type": av.kind.name, "channel": _channel(game, av.kind.name), "class": type(beh).__name__,
            "shoots": shots, "shoot_channels": [_channel(game, n) for n in shots],
            "x": av.x / game.block_size, "y": av.y / game.block_size}


def _inventory(game: Game) -> Any:
    """The avatar's resources by type channel (EMPA read the avatar's inventory directly)."""
    av = game.avatar()
    if av is None or not av.resources:
        return {}
    return {game.rules.channel_of.get(r, -1): n for r, n in av.resources.items()}


def _walls(game: Game) -> Any:
    """Channels of the wall types (types that are, or descend from, one named ``wall``): prior ``walls_known``."""
    return [i for i, itype in enumerate(game.rules.sprite_order)
            if "wall" in game.rules.kinds[itype].ancestry_names]


def _type_names(game: Game) -> Any:
    return list(game.type_names)


#: Privileged information an env can hand out on request (never by default).
PRIVILEGED: dict[str, Callable[[Game], Any]] = {
    "events": _events,
    "avatar": _avatar,
    "type_names": _type_names,
    "inventory": _inventory,
    "walls": _walls,
}


class VGDLEnv(gym.Env):
    """One VGDL game as a Gymnasium environment.

    :param game_file: path of the VGDL game file (or pass ``game_text``).
    :param level_files: the game's level files, in order (or pass ``level_texts``).
    :param level: index of the level to play, or a level's text.
    :param obs_type: ``"pixels"``, ``"objects"``, ``"grid"`` or ``"all"``.
    :param tile_size: pixels per cell in pixel observations and renders.
    :param render_mode: ``"rgb_array"``, ``"human"`` (a pygame window) or ``"ansi"`` (text).
    :param max_steps: steps after which an episode is truncated.
    :param variant: ``None``, ``"reskin"``, ``"rename"`` or ``"shuffle-levels"`` (with ``variant_seed``).
    :param privileged: names from :data:`PRIVILEGED` to add to ``info["privileged"]``.
    :param avatar_flag: keep the ``is_avatar`` column of object observations (``False`` zeroes it,
        for agents that must find the avatar themselves).
    :param status_bars: draw GVGAI's resource and health bars over sprites in pixel observations and
        ``rgb_array`` renders (off by default, so pixel results stay comparable with earlier ones; the
        ``human`` window always shows them, as GVGAI's does).
    """

    metadata = {"render_modes": list(RENDER_MODES), "render_fps": 12}

    def __init__(self, game_file: str | Path | None = None, level_files: Sequence[str | Path] = (),
                 level: int | str = 0, obs_type: str = "pixels", tile_size: int = 8, render_mode: str | None = None,
                 max_steps: int = 2000, variant: str | None = None, variant_seed: int = 0,
                 game_text: str | None = None, level_texts: Sequence[str] | None = None, name: str | None = None,
                 privileged: Sequence[str] = (), avatar_flag: bool = True, status_bars: bool = False) -> None:
        if obs_type not in OBS_TYPES:
            raise ValueError(f"obs_type must be one of {OBS_TYPES}, got {obs_type!r}")
        if render_mode is not None and render_mode not in RENDER_MODES:
            raise ValueError(f"render_mode must be one of {RENDER_MODES}, got {render_mode!r}")
        unknown = set(privileged) - set(PRIVILEGED)
        if unknown:
            raise ValueError(f"unknown privileged information {sorted(unknown)}; known: {sorted(PRIVILEGED)}")
        if game_text is None:
            if game_file is None:
                raise ValueError("pass game_file or game_text")
            game_text = read_text(game_file)
        texts = list(level_texts) if level_texts is not None else [read_text(p) for p in level_files]
        if isinstance(level, str):
            texts, level = [level], 0
        if not texts:
            raise ValueError("the game needs at least one level")
        if variant is not None:
            game_text, texts = make_variant(game_text, texts, variant, variant_seed)
        self.name = name or (Path(game_file).parent.name if game_file else "game")
        self.rules = load_rules(str(game_file or self.name), text=game_text)
        self.level_rows = [level_rows(t, f"{self.name} level {i}", strip=True) for i, t in enumerate(texts)]
        if not 0 <= level < len(self.level_rows):
            raise ValueError(f"level {level} out of range (0..{len(self.level_rows) - 1})")
        self.level = level
        self.obs_type = obs_type
        self.tile_size = tile_size
        self.render_mode = render_mode
        self.max_steps = max_steps
        self.privileged = tuple(privileged)
        self.avatar_flag = avatar_flag
        self.status_bars = status_bars
        self.height = max(len(r) for r in self.level_rows)
        self.width = max(len(r[0]) for r in self.level_rows)
        self.n_types = len(self.rules.sprite_order)
        self.game = self._new_game(self.level, seed=0)
        self.action_names: list[str] = self.game.actions
        self.action_space = spaces.Discrete(len(self.action_names))
        self.observation_space = self._observation_space()
        self._steps = 0
        self._score = 0.0
        self._window: Any = None

    # -------------------------------------------------------------------------------------------
    def _new_game(self, level: int, seed: int) -> Game:
        return Game(self.rules, self.level_rows[level], seed=seed, level_name=f"{self.name} level {level}")

    def _observation_space(self) -> spaces.Space:
        ts = self.tile_size
        pixels = spaces.Box(0, 255, (self.height * ts, self.width * ts, 3), np.uint8)
        grid = spaces.Box(0, MAX_GRID_COUNT, (self.height, self.width, self.n_types), np.uint8)
        limit = float(max(self.width, self.height, self.n_types, 1) * 4 + 10_000)
        objects = spaces.Sequence(spaces.Box(-limit, limit, (len(TABLE_COLUMNS),), np.float32), stack=True)
        by_type = {"pixels": pixels, "grid": grid, "objects": objects}
        if self.obs_type == "all":
            return spaces.Dict(by_type)
        return by_type[self.obs_type]

    def _pixels(self, status_bars: bool | None = None) -> np.ndarray:
        """The frame as an observation: a fresh, writable array the caller owns, as Gymnasium envs
        give (the engine's ``render_rgb`` is read-only and shared; torch, for one, warns on those)."""
        bars = self.status_bars if status_bars is None else status_bars
        frame = self.game.render_rgb(self.tile_size, status_bars=bars)
        if frame.shape[:2] == (self.height * self.tile_size, self.width * self.tile_size):
            return frame.copy()
        out = np.zeros((self.height * self.tile_size, self.width * self.tile_size, 3), np.uint8)
        out[:frame.shape[0], :frame.shape[1]] = frame
        return out

    def _grid(self) -> np.ndarray:
        g = self.game.grid()
        out = np.zeros((self.height, self.width, self.n_types), np.uint8)
        out[:g.shape[0], :g.shape[1]] = np.minimum(g, MAX_GRID_COUNT)
        return out

    def _objects(self) -> np.ndarray:
        table = self.game.object_table()
        if not self.avatar_flag and len(table):
            table = table.copy()
            table[:, AVATAR_COLUMN] = 0.0
        return table

    def _obs(self) -> Any:
        if self.obs_type == "pixels":
            return self._pixels()
        if self.obs_type == "grid":
            return self._grid()
        if self.obs_type == "objects":
            return self._objects()
        return {"pixels": self._pixels(), "grid": self._grid(), "objects": self._objects()}

    def _info(self) -> dict[str, Any]:
        g = self.game
        info: dict[str, Any] = {"score": g.score, "winner": g.winner, "tick": g.tick, "level": self.level}
        if self.privileged:
            info["privileged"] = {name: PRIVILEGED[name](g) for name in self.privileged}
        return info

    # -------------------------------------------------------------------------------------------
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[Any, dict]:
        """Start an episode.

        ``options={"level": k}`` switches level. The game's seed is drawn from ``np_random`` (so
        ``reset(seed=...)`` makes runs reproducible), unless ``options={"game_seed": s}`` fixes it,
        e.g. to replay a recorded solution.
        """
        super().reset(seed=seed)
        if options and "level" in options:
            level = int(options["level"])
            if not 0 <= level < len(self.level_rows):
                raise ValueError(f"level {level} out of range (0..{len(self.level_rows) - 1})")
            self.level = level
        game_seed = int(self.np_random.integers(0, 2**31 - 1))
        if options and options.get("game_seed") is not None:
            game_seed = int(options["game_seed"])
        self.game = self._new_game(self.level, seed=game_seed)
        self._steps = 0
        self._score = self.game.score
        if self.render_mode == "human":
            self.render()
        return self._obs(), self._info()

    def step(self, action: int) -> tuple[Any, float, bool, bool, dict]:
        name = self.action_names[int(action)]
        self.game.step(name)
        self._steps += 1
        score = self.game.score
        reward = float(score - self._score)
        self._score = score
        terminated = self.game.ended
        truncated = not terminated and self._steps >= self.max_steps
        if self.render_mode == "human":
            self.render()
        return self._obs(), reward, terminated, truncated, self._info()

    def render(self) -> Any:
        if self.render_mode == "rgb_array":
            return self._pixels()
        if self.render_mode == "ansi":
            return render_ansi(self.game)
        if self.render_mode == "human":
            from vgdl.window import Window

            if self._window is None:
                self._window = Window(f"VGDL {self.name}")
            caption = f"{self.name}  level {self.level}  score {self.game.score:g}  tick {self.game.tick}"
            self._window.show(self._pixels(status_bars=True), caption)
            return None
        return None

    def close(self) -> None:
        if self._window is not None:
            self._window.close()
            self._window = None


def make_env(game_file: str | Path, level_files: str | Path | Sequence[str | Path], **kwargs: Any) -> VGDLEnv:
    """An env for any VGDL game file and one level file (or a list of them, in order)."""
    if isinstance(level_files, str | Path):
        level_files = [level_files]
    return VGDLEnv(game_file=game_file, level_files=list(level_files), **kwargs)
