"""GVGAI's resource and health bars over sprites (``render_rgb(status_bars=True)``, env ``status_bars``)."""

from __future__ import annotations

import numpy as np

from vgdl.env import VGDLEnv
from vgdl.loading import load_game, load_rules
from vgdl.values import COLORS

GAME = """BasicGame square_size=10
    SpriteSet
        gem    > Resource limit=3 color=GOLD
        flame  > Immovable color=ORANGE healthPoints=3 limitHealthPoints=6
        avatar > MovingAvatar color=WHITE
        wall   > Immovable color=GRAY
    LevelMapping
        g > gem
        f > flame
        A > avatar
        w > wall
    InteractionSet
        gem avatar > collectResource
        avatar wall flame > stepBack
    TerminationSet
        Timeout limit=100 win=True
"""
LEVEL = "wwwwwww\nwAg..fw\nwwwwwww\n"
TILE = 24


def _game():  # type: ignore[no-untyped-def]
    return load_game(load_rules("bars.txt", text=GAME), LEVEL, seed=0)


def _cell(frame: np.ndarray, cx: int, cy: int) -> np.ndarray:
    return frame[cy * TILE:(cy + 1) * TILE, cx * TILE:(cx + 1) * TILE]


def test_a_held_resource_is_a_bar_in_the_lower_third_of_its_holder() -> None:
    g = _game()
    g.step("ACTION_RIGHT")  # the avatar takes the gem: 1 of its limit 3
    plain, barred = g.render_rgb(TILE), g.render_rgb(TILE, status_bars=True)
    assert not barred.flags.writeable and not plain.flags.writeable
    diff = np.argwhere((_cell(plain, 2, 1) != _cell(barred, 2, 1)).any(axis=2))
    # GVGAI's geometry for a 24-pixel sprite: rows int(16) .. +int(24/3.5)=6, x from int(1.2);
    # filled int(1/3 * 21.6) = 7 pixels of the gem's colour, then int(2/3 * 21.6) = 14 black
    assert diff[:, 0].min() == 16 and diff[:, 0].max() == 21
    cell = _cell(barred, 2, 1)
    assert (cell[16:22, 1:8] == COLORS["GOLD"]).all()
    assert (cell[16:22, 8:22] == COLORS["BLACK"]).all()
    assert (cell[:16] == _cell(plain, 2, 1)[:16]).all() and (cell[22:] == _cell(plain, 2, 1)[22:]).all()


def test_health_is_a_vertical_bar_at_the_left_against_the_health_limit() -> None:
    g = _game()
    plain, barred = g.render_rgb(TILE), g.render_rgb(TILE, status_bars=True)
    cell, before = _cell(barred, 5, 1), _cell(plain, 5, 1)
    # 3 of limit 6: bar 2 pixels wide at x int(1.2) = 1, from y int(1.2) = 1; int(0.5 * 21.6) = 10 each
    assert (cell[1:11, 1:3] == COLORS["BLACK"]).all() and (cell[11:21, 1:3] == COLORS["RED"]).all()
    changed = (cell != before).any(axis=2)
    changed[1:21, 1:3] = False
    assert not changed.any(), "only the health bar's pixels change"


def test_without_anything_held_the_frame_is_the_plain_one() -> None:
    g = load_game(load_rules("bars.txt", text=GAME.replace(" healthPoints=3 limitHealthPoints=6", "")), LEVEL)
    assert g.render_rgb(TILE, status_bars=True) is g.render_rgb(TILE)
    g.step("ACTION_RIGHT")
    assert g.render_rgb(TILE, status_bars=True) is not g.render_rgb(TILE)


def test_the_env_shows_bars_in_pixel_observations_only_when_asked() -> None:
    kwargs = {"game_text": GAME, "level_texts": [LEVEL], "tile_size": TILE}
    plain, barred = VGDLEnv(**kwargs), VGDLEnv(**kwargs, status_bars=True)
    for env in (plain, barred):
        env.reset(seed=0)
    right = plain.action_names.index("ACTION_RIGHT")
    a, b = plain.step(right)[0], barred.step(right)[0]
    assert (a == plain.game.render_rgb(TILE)).all()
    assert (b == barred.game.render_rgb(TILE, status_bars=True)).all() and (a != b).any()
