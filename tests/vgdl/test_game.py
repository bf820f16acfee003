"""The public facade: loading, stepping, scores, determinism and copies."""

from __future__ import annotations

import pytest

import vgdl
from tests.conftest import GAMES
from tests.vgdl.helpers import game_from, positions
from vgdl.rng import JavaRandom
from vgdl.sprite import Sprite

COIN_DASH = GAMES / "coin_dash"


def state(game: vgdl.Game) -> tuple:
    """Everything observable about a game, for equality checks."""
    return (game.tick, game.score, game.ended, game.winner,
            tuple((o["id"], o["type"], o["px"], o["py"], o["orientation"], tuple(sorted(o["resources"].items())))
                  for o in game.objects()))


def play(game: vgdl.Game, seed: int, n: int) -> list[tuple]:
    rng = JavaRandom(seed)
    out = []
    for _ in range(n):
        game.step(game.actions[rng.next_int(len(game.actions))])
        out.append(state(game))
    return out


def test_load_from_paths_and_text() -> None:
    game = vgdl.load_game(COIN_DASH / "game.txt", COIN_DASH / "level0.txt", seed=3)
    text = (COIN_DASH / "level0.txt").read_text()
    same = vgdl.load_game(str(COIN_DASH / "game.txt"), text, seed=3)
    assert state(game) == state(same)
    assert game.actions == ["ACTION_LEFT", "ACTION_RIGHT", "ACTION_DOWN", "ACTION_UP", "ACTION_NIL"]
    assert (game.tick, game.score, game.ended, game.winner) == (0, 0, False, None)


def test_step_rejects_unknown_actions_and_maps_unavailable_ones_to_nil() -> None:
    game = vgdl.load_game(COIN_DASH / "game.txt", COIN_DASH / "level0.txt")
    with pytest.raises(ValueError, match="unknown action"):
        game.step("JUMP")
    before = state(game)
    game.step("ACTION_USE")  # a GVGAI action this avatar does not have: NIL
    nil = vgdl.load_game(COIN_DASH / "game.txt", COIN_DASH / "level0.txt")
    nil.step("ACTION_NIL")
    assert state(game) == state(nil) and state(game) != before


def test_same_seed_same_trajectory_different_seed_differs() -> None:
    a = play(vgdl.load_game(COIN_DASH / "game.txt", COIN_DASH / "level0.txt", seed=7), 1, 300)
    b = play(vgdl.load_game(COIN_DASH / "game.txt", COIN_DASH / "level0.txt", seed=7), 1, 300)
    assert a == b


def test_copy_replays_identically_and_is_independent() -> None:
    game = vgdl.load_game(COIN_DASH / "game.txt", COIN_DASH / "level0.txt", seed=5)
    play(game, 2, 10)
    snapshot = state(game)
    twin = game.copy()
    assert state(twin) == snapshot
    future_a = play(twin, 9, 40)
    assert state(game) == snapshot  # the original did not move
    future_b = play(game.copy(), 9, 40)
    assert future_a == future_b
    assert play(game, 9, 40) == future_a


STOCHASTIC = """
BasicGame square_size=10
    SpriteSet
        floor > Immovable
        walker > RandomNPC cons=1
        spawner > SpawnPoint stype=bolt prob=0.3 cooldown=2
        bolt > RandomMissile speed=0.5
        avatar > MovingAvatar
    LevelMapping
        . > floor
        r > floor walker
        s > floor spawner
    InteractionSet
        walker wall > stepBack
        bolt wall EOS > killSprite
        avatar bolt walker > killSprite scoreChange=-1
        avatar wall > stepBack
    TerminationSet
        SpriteCounter stype=avatar limit=0 win=False
        Timeout limit=300 win=True
"""
STOCHASTIC_LEVEL = """
wwwwwwwwww
w.r....s.w
w..r.....w
w....A...w
w.s....r.w
wwwwwwwwww
"""


def test_stochastic_copies_share_the_random_future() -> None:
    game = game_from(STOCHASTIC, STOCHASTIC_LEVEL, seed=11)
    play(game, 4, 5)
    twins = [game.copy() for _ in range(3)]
    futures = [play(t, 8, 60) for t in twins]
    assert futures[0] == futures[1] == futures[2]
    other_seed = game_from(STOCHASTIC, STOCHASTIC_LEVEL, seed=12)
    assert play(other_seed, 4, 65)[-60:] != futures[0]


def test_timeout_at_2000_is_a_loss_and_a_win_scores_at_least_one() -> None:
    game = game_from("""
        BasicGame
            SpriteSet
                avatar > MovingAvatar
        """, "A.\n")
    for _ in range(3000):
        if game.ended:
            break
        game.step("ACTION_NIL")
    assert (game.ended, game.winner, game.tick) == (True, "LOSE", 2001)
    win = game_from("""
        BasicGame
            SpriteSet
                avatar > MovingAvatar
            TerminationSet
                Timeout limit=3 win=True
        """, "A.\n")
    while not win.ended:
        win.step("ACTION_NIL")
    assert (win.winner, win.raw_score, win.score, win.tick) == ("WIN", 0, 1, 4)


DRIFT = """BasicGame square_size=10
    SpriteSet
        floor > Immovable
        car   > Missile orientation=RIGHT speed=0.5
        avatar > MovingAvatar
    LevelMapping
        . > floor
        c > floor car
        A > floor avatar
    TerminationSet
        Timeout limit=100 win=True
"""


def _car(game: vgdl.Game) -> Sprite:
    return next(s for s in game.sprites() if s.kind.name == "car")


def test_place_puts_a_sprite_between_cells_and_a_copy_keeps_the_original() -> None:
    game = game_from(DRIFT, "c.....\n..A...")
    twin = game.copy()
    game.place(_car(game), 25, 0)
    assert (_car(game).x, _car(game).y) == (25, 0)
    assert (_car(twin).x, _car(twin).y) == (0, 0)  # copy-on-write: the copy is untouched
    assert [o["px"] for o in game.objects() if o["type"] == "car"] == [25]


def test_settle_makes_new_sprites_drift_from_the_first_tick() -> None:
    fresh = game_from(DRIFT, "c.....\n..A...")
    settled = fresh.copy()
    settled.settle()
    for game in (fresh, settled):
        game.step("ACTION_NIL")
    assert _car(fresh).x == 0  # GVGAI: a new sprite skips its first tick's drift
    assert _car(settled).x == 5  # half a cell (speed 0.5) on the first tick
    settled.step("ACTION_NIL")
    fresh.step("ACTION_NIL")
    assert (_car(fresh).x, _car(settled).x) == (5, 10)


TURRET = """
BasicGame
    SpriteSet
        floor  > Immovable
        shell  > Missile orientation=DOWN speed=1
        turret > SpawnPoint stype=shell cooldown=5
        avatar > MovingAvatar
    LevelMapping
        . > floor
        t > floor turret
        A > floor avatar
    TerminationSet
        Timeout limit=100 win=True
"""


@pytest.mark.parametrize("played", [0, 3])
@pytest.mark.parametrize("next_in", [0, 1, 4, 5])
def test_set_spawn_phase_sets_the_step_of_the_next_spawn(played: int, next_in: int) -> None:
    """A mental game starts mid-play: its spawn points must spawn on the real game's steps."""
    game = game_from(TURRET, "t.....\n......\n......\n......\n......\n......\n......\n..A...")
    for _ in range(played):
        game.step("ACTION_NIL")
    game.set_spawn_phase(next(s for s in game.sprites() if s.kind.name == "turret"), next_in)
    counts = [len(positions(game, "shell"))]
    for _ in range(11):
        game.step("ACTION_NIL")
        counts.append(len(positions(game, "shell")))
    spawned_on = [i for i in range(11) if counts[i + 1] > counts[i]]  # 0: the first step after
    assert spawned_on == [k for k in range(11) if k % 5 == next_in % 5]
