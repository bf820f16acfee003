"""Object list, grid tensor, pixels and events describe the same state."""

from __future__ import annotations

import weakref

import numpy as np
import pytest

import vgdl
from tests.conftest import GAMES, SHARED_GVGAI
from tests.vgdl.helpers import game_from
from vgdl.png import encode_png
from vgdl.render import glyph_pattern, render_reference
from vgdl.rng import JavaRandom

COIN_DASH = GAMES / "coin_dash"


def coin_dash(seed: int = 0) -> vgdl.Game:
    return vgdl.load_game(COIN_DASH / "game.txt", COIN_DASH / "level0.txt", seed=seed)


def test_objects_fields() -> None:
    game = coin_dash()
    objs = game.objects()
    avatar = [o for o in objs if o["is_avatar"]]
    assert len(avatar) == 1 and avatar[0]["type"] == "avatar" and (avatar[0]["x"], avatar[0]["y"]) == (1.0, 1.0)
    for o in objs:
        assert {"id", "type", "ancestry", "x", "y", "orientation", "resources", "is_avatar"} <= o.keys()
        assert o["ancestry"][-1] == o["type"]
    assert len({o["id"] for o in objs}) == len(objs)


def test_grid_counts_match_objects() -> None:
    game = coin_dash()
    grid = game.grid()
    assert grid.shape == (game.height, game.width, len(game.type_names))
    objs = game.objects()
    for channel, name in enumerate(game.type_names):
        assert grid[..., channel].sum() == sum(o["type"] == name for o in objs)
    a = game.type_names.index("avatar")
    assert grid[1, 1, a] == 1


def test_pixels_shape_and_tile_size() -> None:
    game = coin_dash()
    for ts in (1, 4, 8, 13):
        frame = game.render_rgb(tile_size=ts)
        assert frame.shape == (game.height * ts, game.width * ts, 3) and frame.dtype == np.uint8
    frame = game.render_rgb(8)
    # the avatar is white and sits in cell (1, 1)
    assert (frame[8:16, 8:16] == (250, 250, 250)).all()
    assert encode_png(frame).startswith(b"\x89PNG")


def test_cached_frames_equal_the_reference_renderer_during_play() -> None:
    game = coin_dash(seed=3)
    rng = JavaRandom(4)
    for step in range(200):
        if game.ended:
            game = coin_dash(seed=step)
        game.step(game.actions[rng.next_int(len(game.actions))])
        for ts in (5, 8):
            assert np.array_equal(game.render_rgb(ts), render_reference(game, ts)), f"step {step}, tile {ts}"
        if step % 37 == 0:  # copies start a fresh cache
            twin = game.copy()
            assert np.array_equal(twin.render_rgb(8), game.render_rgb(8))


def test_frames_are_read_only_and_never_change_once_returned() -> None:
    """Rendering hands out the cache's own frame, read-only; a frame (or a view of one) still held
    when the next frame is drawn keeps its pixels, and one dropped is drawn over in place."""
    game = coin_dash(seed=1)
    rng = JavaRandom(2)
    with pytest.raises(ValueError):
        game.render_rgb(8)[0, 0, 0] = 1
    for hold in ("frame", "view"):
        frame = game.render_rgb(8)
        kept = frame if hold == "frame" else frame[8:, :]  # a view's base is the cache's array
        kept_at = kept.copy()
        del frame
        moved = False
        for _ in range(30):
            game.step(game.actions[rng.next_int(len(game.actions))])
            frame = game.render_rgb(8)
            moved |= not np.array_equal(frame if hold == "frame" else frame[8:, :], kept_at)
            assert np.array_equal(frame, render_reference(game, 8))
            assert np.array_equal(kept, kept_at), f"a held {hold} changed"
            del frame
        assert moved, "the test needs frames that differ from the held one"
        del kept
    # with nothing held, the cache draws into the same memory every frame (no copy per frame)
    memory = weakref.ref(game.render_rgb(8).base)  # (a weak reference holds nothing)
    for _ in range(3):
        game.step(game.actions[0])
        assert game.render_rgb(8).base is memory()


def test_slow_movers_over_floors_match_the_reference_at_tiles_smaller_than_blocks() -> None:
    """The cache works in frame pixels: a creep too small to show is skipped, one that shows repaints
    the two cells the tile straddles (with the floor under it)."""
    game = game_from("""
        BasicGame square_size=10
            SpriteSet
                floor > Immovable color=GRAY
                slug > Missile orientation=RIGHT speed=0.3 color=GREEN
                snail > Missile orientation=DOWN speed=0.15 color=BLUE shrinkfactor=0.5
                avatar > MovingAvatar
            LevelMapping
                f > floor
                s > slug floor
                n > snail
                A > avatar
            TerminationSet
                Timeout limit=200 win=True
        """, "sffffffffA\nffnfffffff\nffffffffff\nffffffffff\n")
    rng = JavaRandom(5)
    for step in range(90):
        game.step(game.actions[rng.next_int(len(game.actions))])
        for ts in (3, 4, 10, 13):
            assert np.array_equal(game.render_rgb(ts), render_reference(game, ts)), f"step {step}, tile {ts}"


def test_image_only_types_get_distinct_glyphs() -> None:
    game = game_from("""
        BasicGame square_size=10
            SpriteSet
                a > Immovable img=oryx/tree
                b > Immovable img=oryx/rock
                c > Immovable img=oryx/tree color=RED
            LevelMapping
                a > a
                b > b
                c > c
        """, "abc\n")
    frame = game.render_rgb(10)
    tiles = [frame[0:10, i * 10:(i + 1) * 10] for i in range(3)]
    assert not np.array_equal(tiles[0], tiles[1])
    assert (tiles[2] == (200, 0, 0)).all()  # a colour wins over an image name
    p1, c1 = glyph_pattern("oryx/tree")
    assert glyph_pattern("oryx/tree")[1] == c1 and np.array_equal(glyph_pattern("oryx/tree")[0], p1)


def test_events_name_effect_and_types() -> None:
    game = coin_dash()
    game.step("ACTION_RIGHT")
    game.step("ACTION_RIGHT")
    game.step("ACTION_RIGHT")
    game.step("ACTION_RIGHT")
    assert any(e["effect"] == "collectResource" and e["type1"] == "coin" and e["type2"] == "avatar"
               for e in game.events())
    game.step("ACTION_NIL")
    assert all(e["effect"] != "collectResource" for e in game.events())  # only the last tick


@pytest.mark.parametrize("name", ["frogs", "portals", "missilecommand", "boulderdash"])
def test_cached_frames_equal_the_reference_on_busy_gvgai_games(name: str) -> None:
    if SHARED_GVGAI is None:
        pytest.skip("../shared/gvgai is not present beside this checkout")
    games = SHARED_GVGAI / "games"
    start = vgdl.load_game(games / f"{name}.txt", games / f"{name}_lvl0.txt", seed=1)
    game = start.copy()
    rng = JavaRandom(9)
    for step in range(150):
        if game.ended:
            game = start.copy()
        game.step(game.actions[rng.next_int(len(game.actions))])
        assert np.array_equal(game.render_rgb(6), render_reference(game, 6)), f"{name} step {step}"


@pytest.mark.parametrize("name", ["frogs", "pacman", "sokoban"])
def test_frames_of_copies_and_new_episodes_equal_the_reference(name: str) -> None:
    """Frames start from a full frame kept for the lineage and follow the change log: check both paths."""
    if SHARED_GVGAI is None:
        pytest.skip("../shared/gvgai is not present beside this checkout")
    games = SHARED_GVGAI / "games"
    start = vgdl.load_game(games / f"{name}.txt", games / f"{name}_lvl0.txt", seed=2)
    rng = JavaRandom(4)
    game = start.copy()
    for step in range(200):
        if game.ended or step % 60 == 59:
            game = start.copy()  # a new episode: starts from a kept frame, then diffs by stamps
        if step % 7 == 3:
            twin = game.copy()  # a copy drawn from the middle of an episode, then played on
            for _ in range(3):
                twin.step(twin.actions[rng.next_int(len(twin.actions))])
                assert np.array_equal(twin.render_rgb(5), render_reference(twin, 5)), f"{name} copy at {step}"
        game.step(game.actions[rng.next_int(len(game.actions))])
        if step % 3:  # not every tick: the log then holds several ticks of changes
            assert np.array_equal(game.render_rgb(5), render_reference(game, 5)), f"{name} step {step}"
