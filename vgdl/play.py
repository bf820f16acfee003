"""Human play in a pygame window, and exact replays of recorded plays (optionally as a GIF).

Keys: arrows move, space is USE, R restarts the level, Esc quits. By default each key press is
one game tick (turn based, like GVGAI's ``key_handler=Pulse``); with ``fps`` set, the game ticks
in real time with the held key (or NIL). Every finished or abandoned attempt is saved as a
trajectory (game, level, seed, actions, outcome) that ``vgdl replay`` reproduces exactly.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from vgdl.errors import VGDLError
from vgdl.game import Game
from vgdl.loading import load_game

TRAJECTORY_FORMAT = "vgdl-trajectory-v1"


@dataclass
class Trajectory:
    game_file: str
    level_file: str
    level: int
    seed: int
    actions: list[str] = field(default_factory=list)
    winner: str | None = None
    score: float = 0.0
    tick: int = 0
    format: str = TRAJECTORY_FORMAT

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self), indent=1) + "\n")
        return path

    @classmethod
    def load(cls, path: str | Path) -> Trajectory:
        data = json.loads(Path(path).read_text())
        if data.get("format") != TRAJECTORY_FORMAT:
            raise VGDLError(f"not a {TRAJECTORY_FORMAT} file", str(path))
        return cls(**data)


def resolve_game(game: str | Path, level: int) -> tuple[Path, Path]:
    """A game folder, a game name under games/, or a GVGAI-style ``name.txt`` -> (game file, level file)."""
    from vgdl.suite import GAMES_DIR

    path = Path(game)
    if not path.exists() and (GAMES_DIR / str(game)).is_dir():
        path = GAMES_DIR / str(game)
    if path.is_dir():
        return path / "game.txt", path / f"level{level}.txt"
    if path.suffix == ".txt" and path.exists():
        return path, path.with_name(f"{path.stem}_lvl{level}.txt")
    raise VGDLError("no such game (give a game folder, a name under games/, or a GVGAI game file)", str(game))


class HumanPlay:
    """The play loop; ``handle`` takes pygame events, so tests can drive it with synthetic ones."""

    def __init__(self, game: str | Path, level: int = 0, seed: int = 0, tile_size: int = 24,
                 out_dir: str | Path = "runs/play", fps: float | None = None) -> None:
        import pygame

        self.pg = pygame
        self.game_file, self.level_file = resolve_game(game, level)
        self.level, self.seed, self.tile_size, self.fps = level, seed, tile_size, fps
        self.out_dir = Path(out_dir)
        self.saved: list[Path] = []
        self.running = True
        self.keymap = {pygame.K_UP: "ACTION_UP", pygame.K_DOWN: "ACTION_DOWN", pygame.K_LEFT: "ACTION_LEFT",
                       pygame.K_RIGHT: "ACTION_RIGHT", pygame.K_SPACE: "ACTION_USE"}
        from vgdl.window import Window

        self.window = Window(f"VGDL {self.game_file.parent.name or self.game_file.stem}")
        self._start()

    def _start(self) -> None:
        self.game: Game = load_game(self.game_file, self.level_file, seed=self.seed)
        self.trajectory = Trajectory(str(self.game_file), str(self.level_file), self.level, self.seed)
        self.draw()

    def draw(self) -> None:
        g = self.game
        status = f"level {self.level}  score {g.score:g}  tick {g.tick}"
        if g.ended:
            status += f"  {g.winner or 'ENDED'} - R restarts, Esc quits"
        self.window.show(g.render_rgb(self.tile_size, status_bars=True), status)

    def _finish(self) -> None:
        t = self.trajectory
        if not t.actions:
            return
        t.winner, t.score, t.tick = self.game.winner, float(self.game.score), self.game.tick
        stamp = time.strftime("%Y%m%d-%H%M%S")
        name = f"{self.game_file.parent.name or self.game_file.stem}-lvl{self.level}-{stamp}-{len(self.saved)}.json"
        self.saved.append(t.save(self.out_dir / name))

    def act(self, action: str) -> None:
        if self.game.ended or action not in self.game.actions:
            return
        self.game.step(action)
        self.trajectory.actions.append(action)
        if self.game.ended:
            self._finish()
        self.draw()

    def handle(self, event: Any) -> None:
        pg = self.pg
        if event.type == pg.QUIT or (event.type == pg.KEYDOWN and event.key == pg.K_ESCAPE):
            if not self.game.ended:
                self._finish()
            self.running = False
        elif event.type == pg.KEYDOWN and event.key == pg.K_r:
            if not self.game.ended:
                self._finish()
            self._start()
        elif event.type == pg.KEYDOWN and event.key in self.keymap and self.fps is None:
            self.act(self.keymap[event.key])

    def held_action(self) -> str:
        pressed = self.pg.key.get_pressed()
        for key, action in self.keymap.items():
            if pressed[key]:
                return action
        return "ACTION_NIL"

    def run(self, max_frames: int | None = None) -> list[Path]:
        """Process events until Esc or the window closes (or ``max_frames`` loop turns)."""
        clock = self.pg.time.Clock()
        frames = 0
        while self.running and (max_frames is None or frames < max_frames):
            for event in self.pg.event.get():
                self.handle(event)
            if self.fps is not None and self.running and not self.game.ended:
                self.act(self.held_action())
            clock.tick(self.fps or 60)
            frames += 1
        self.window.close()
        return self.saved


def replay(trajectory: Trajectory, tile_size: int = 16, gif: str | Path | None = None,
           frame_ms: int = 120) -> Game:
    """Play a trajectory's actions again; check the outcome; optionally write an animated GIF."""
    game = load_game(trajectory.game_file, trajectory.level_file, seed=trajectory.seed)
    frames: list[np.ndarray] = [game.render_rgb(tile_size, status_bars=True)] if gif else []
    for action in trajectory.actions:
        game.step(action)
        if gif:
            frames.append(game.render_rgb(tile_size, status_bars=True))
    if trajectory.actions and (game.winner, game.tick) != (trajectory.winner, trajectory.tick):
        raise VGDLError(f"replay diverged: recorded {trajectory.winner} at tick {trajectory.tick}, "
                        f"replayed {game.winner} at tick {game.tick}", trajectory.game_file)
    if gif:
        from PIL import Image

        images = [Image.fromarray(f) for f in frames]
        images[0].save(gif, save_all=True, append_images=images[1:], duration=frame_ms, loop=0)
    return game
