"""Human play, driven headless with synthetic key events, and exact replays."""

from __future__ import annotations

import json

import pygame
import pytest

from tests.conftest import GAMES
from vgdl.errors import VGDLError
from vgdl.play import HumanPlay, Trajectory, replay


def key(k: int) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=k)


def test_play_saves_a_trajectory_that_replays_exactly(tmp_path) -> None:  # type: ignore[no-untyped-def]
    session = HumanPlay("coin_dash", level=0, seed=4, tile_size=8, out_dir=tmp_path)
    for k in [pygame.K_RIGHT] * 4 + [pygame.K_DOWN, pygame.K_SPACE]:
        session.handle(key(k))
    # space (USE) is not an action of this avatar: the key is ignored
    assert session.game.tick == 5 and session.game.score == 1
    session.handle(key(pygame.K_r))  # restart: the abandoned attempt is saved
    assert session.game.tick == 0
    session.handle(key(pygame.K_LEFT))
    session.handle(key(pygame.K_ESCAPE))
    assert not session.running
    paths = session.run(max_frames=1)
    assert len(paths) == 2
    first = Trajectory.load(paths[0])
    assert first.actions == ["ACTION_RIGHT"] * 4 + ["ACTION_DOWN"]
    assert json.loads(paths[0].read_text())["seed"] == 4
    assert Trajectory.load(paths[1]).actions == ["ACTION_LEFT"]
    game = replay(first, tile_size=4, gif=tmp_path / "play.gif")
    assert (game.tick, game.score) == (first.tick, first.score)
    assert (tmp_path / "play.gif").read_bytes()[:6] == b"GIF89a"


def test_replay_detects_divergence(tmp_path) -> None:  # type: ignore[no-untyped-def]
    t = Trajectory(str(GAMES / "coin_dash" / "game.txt"), str(GAMES / "coin_dash" / "level0.txt"), 0, 0,
                   actions=["ACTION_RIGHT"] * 3, winner="WIN", score=5, tick=3)
    with pytest.raises(VGDLError, match="diverged"):
        replay(t)


def test_real_time_play_uses_the_held_key(tmp_path) -> None:  # type: ignore[no-untyped-def]
    session = HumanPlay("coin_dash", tile_size=4, out_dir=tmp_path, fps=1000)
    session.run(max_frames=5)
    assert session.game.tick == 5 and session.trajectory.actions == ["ACTION_NIL"] * 5
