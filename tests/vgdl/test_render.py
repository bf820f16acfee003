"""The cell renderer's bookkeeping: stack ids, shared pixels, and a bank that starts over."""

from __future__ import annotations

import numpy as np

import vgdl
from tests.vgdl.helpers import game_from
from vgdl.render import _layout_for, render_reference
from vgdl.rng import JavaRandom

CREEPERS = """
    BasicGame square_size=10
        SpriteSet
            floor > Immovable color=GRAY
            slug > Missile orientation=RIGHT speed=0.3 color=GREEN
            snail > Missile orientation=DOWN speed=0.15 color=BLUE shrinkfactor=0.5
            rock > Immovable color=BROWN
            avatar > MovingAvatar
        LevelMapping
            f > floor
            s > slug floor
            n > snail floor
            r > rock floor
            A > avatar floor
        TerminationSet
            Timeout limit=300 win=True
    """
LEVEL = "sffffffffA\nffnfffrfff\nfsffffffff\nffffnfffff\n"


def creepers(seed: int = 0) -> vgdl.Game:
    return game_from(CREEPERS, LEVEL, seed=seed)


def test_stacks_that_look_alike_share_one_pixel_tile() -> None:
    """An opaque square covering the cell hides what is under it: those stacks are one picture, so a
    cell whose stack changes only under it is not written again."""
    game = creepers()
    layout = _layout_for(game, 10)
    bank = layout.bank
    rock, floor = game.rules.itype_of["rock"], game.rules.itype_of["floor"]

    def entry(itype: int) -> int:
        ((_, added, _),) = layout.place(itype, (0, 0))
        return added

    on_floor = bank.intern(tuple(sorted((entry(floor), entry(rock)))))
    alone = bank.intern((entry(rock),))
    assert on_floor != alone
    assert bank.look(on_floor) == bank.look(alone)
    assert bank.look(bank.intern((entry(floor),))) != bank.look(alone)


def test_a_bank_that_starts_over_still_draws_every_frame_right() -> None:
    """Past its limit of stacks the bank drops them all (a new generation); every cache drawn with it,
    its lineage's kept frames included, redraws rather than read ids that now mean other stacks."""
    start = creepers(seed=2)
    game = start.copy()
    bank = _layout_for(game, 4).bank
    bank.limit = 6  # (a real one is thousands)
    rng = JavaRandom(3)
    twin = None
    for step in range(120):
        if game.ended or step % 50 == 49:
            game = start.copy()  # from the lineage's kept frame, when its generation is current
        game.step(game.actions[rng.next_int(len(game.actions))])
        assert np.array_equal(game.render_rgb(4), render_reference(game, 4)), f"step {step}"
        if step % 9 == 0:
            twin = game.copy()  # a second cache on the same bank, drawn now and then
        if twin is not None and step % 4 == 0:
            twin.step(twin.actions[rng.next_int(len(twin.actions))])
            assert np.array_equal(twin.render_rgb(4), render_reference(twin, 4)), f"copy at step {step}"
    assert bank.generation >= 5, "the test needs a bank that started over several times"


def test_a_parent_type_that_gets_sprites_only_later_is_drawn() -> None:
    """A type outside the sprite order (a parent, made directly) is drawn before the leaves, as the
    reference draws it, also when its first sprite appears after the first frame."""
    game = game_from("""
        BasicGame square_size=10
            SpriteSet
                floor > Immovable color=GRAY
                beam > Immovable color=RED
                    bluebeam > color=BLUE
                spawner > SpawnPoint stype=beam cooldown=3 total=2 invisible=True
                avatar > MovingAvatar
            LevelMapping
                f > floor
                s > spawner
                b > bluebeam floor
                A > avatar floor
            TerminationSet
                Timeout limit=50 win=True
        """, "ffffb\nfsffA\n")
    assert not (game.render_rgb(5) == (200, 0, 0)).all(axis=2).any()  # the first frame: no beam yet
    for step in range(8):
        game.step("ACTION_NIL")
        assert np.array_equal(game.render_rgb(5), render_reference(game, 5)), f"step {step}"
    assert game.view.count(game.rules.itype_of["beam"]) > 0, "the test needs a beam made after the first frame"
