"""GVGAI game-loop rules, each on a small purpose-built game (docs/semantics.md)."""

from __future__ import annotations

from tests.vgdl.helpers import game_from, positions


def test_block_size_rule_and_pixel_speeds() -> None:
    game = game_from("""
        BasicGame
            SpriteSet
                shot > Missile orientation=RIGHT speed=0.25
            LevelMapping
                s > shot
        """, "s" + "." * 39 + "\n")
    assert game.block_size == 800 // 40  # no square_size: 800 // max(width, height)
    game.step("ACTION_NIL")
    assert positions(game, "shot") == [(0.0, 0.0)]  # no passive move on the first tick
    game.step("ACTION_NIL")
    assert positions(game, "shot") == [(5 / 20, 0.0)]  # int(0.25 * 20) = 5 pixels
    game.step("ACTION_NIL")
    assert positions(game, "shot") == [(10 / 20, 0.0)]


def test_cooldown_gates_moves() -> None:
    game = game_from("""
        BasicGame square_size=10
            SpriteSet
                shot > Missile orientation=RIGHT cooldown=3
            LevelMapping
                s > shot
        """, "s.........\n")
    xs = []
    for _ in range(8):
        game.step("ACTION_NIL")
        xs.append(positions(game, "shot")[0][0])
    # first tick: no passive move; then a move whenever 3 ticks passed since the last one
    assert xs == [0, 0, 1, 1, 1, 2, 2, 2]


def test_oriented_avatar_turns_in_place_before_moving() -> None:
    game = game_from("""
        BasicGame square_size=10
            SpriteSet
                avatar > OrientedAvatar
        """, "....\n.A..\n....\n")
    game.step("ACTION_DOWN")
    av = game.avatar_state()
    assert (av["gx"], av["gy"], av["orientation"]) == (1, 1, [0, 1])
    game.step("ACTION_DOWN")
    av = game.avatar_state()
    assert (av["gx"], av["gy"]) == (1, 2)


def test_turns_in_place_names_the_avatar_classes_that_turn_before_they_move() -> None:
    from vgdl.ontology.avatars import turns_in_place

    assert turns_in_place("OrientedAvatar") and turns_in_place("ShootAvatar")  # inherited default
    assert not turns_in_place("MovingAvatar") and not turns_in_place("FlakAvatar")
    assert not turns_in_place("NoSuchAvatar")


WALLED = """
    BasicGame square_size=10
        SpriteSet
            box > Passive
            avatar > MovingAvatar
        LevelMapping
            b > box
        InteractionSet
            avatar wall EOS > stepBack
            box avatar > bounceForward
            box wall box > undoAll
        TerminationSet
            SpriteCounter stype=avatar limit=0 win=False
"""


def test_step_back_and_end_of_screen() -> None:
    game = game_from(WALLED, "A.w\n")
    game.step("ACTION_LEFT")  # off the screen: stepped back
    assert game.avatar_state()["gx"] == 0
    game.step("ACTION_RIGHT")
    game.step("ACTION_RIGHT")  # into the wall: stepped back
    assert game.avatar_state()["gx"] == 1


def test_push_and_blocked_push_undo_everything() -> None:
    game = game_from(WALLED, "Ab.b\n")
    game.step("ACTION_RIGHT")
    assert positions(game, "box") == [(2, 0), (3, 0)] and game.avatar_state()["gx"] == 1
    game.step("ACTION_RIGHT")  # box into box: undoAll puts everyone back
    assert positions(game, "box") == [(2, 0), (3, 0)] and game.avatar_state()["gx"] == 1


def test_effects_run_grouped_by_pair_in_first_appearance_order() -> None:
    game = game_from("""
        BasicGame square_size=10
            SpriteSet
                a > Immovable
                b > Immovable
                c > Immovable
                avatar > MovingAvatar
            LevelMapping
                x > a b c
            InteractionSet
                a b > changeResource resource=avatar value=1
                c a > changeResource resource=avatar value=1
                a b > changeResource resource=avatar value=1
            TerminationSet
                Timeout limit=100
        """, "xA\n")
    game.step("ACTION_NIL")
    events = [(e["type1"], e["type2"]) for e in game.events()]
    assert events == [("a", "b"), ("a", "b"), ("c", "a")]


def test_killed_avatar_is_disabled_and_counted_dead() -> None:
    game = game_from("""
        BasicGame square_size=10
            SpriteSet
                lava > Immovable
                avatar > MovingAvatar
            LevelMapping
                l > lava
            InteractionSet
                avatar lava > killSprite scoreChange=-2
            TerminationSet
                SpriteCounter stype=avatar limit=0 win=False
        """, "Al\n")
    game.step("ACTION_RIGHT")
    assert (game.ended, game.winner, game.score) == (True, "LOSE", -2)
    assert game.avatar_state()["disabled"] is True
    assert all(o["type"] != "avatar" for o in game.objects())


def test_singleton_limits_creation_and_flicker_lifetime() -> None:
    game = game_from("""
        BasicGame square_size=10
            SpriteSet
                sword > Flicker limit=1 singleton=True
                avatar > ShootAvatar stype=sword
            TerminationSet
                Timeout limit=100
        """, "A...\n")
    game.step("ACTION_USE")
    assert positions(game, "sword") == [(1, 0)]
    game.step("ACTION_USE")  # singleton: a second sword is refused
    assert len(positions(game, "sword")) == 1
    game.step("ACTION_NIL")
    assert positions(game, "sword") == []  # Flicker limit=1: killed on its third update


def test_resources_respect_their_limit() -> None:
    game = game_from("""
        BasicGame square_size=10
            SpriteSet
                gem > Resource limit=2
                avatar > MovingAvatar
            LevelMapping
                g > gem
            InteractionSet
                gem avatar > collectResource scoreChange=1
            TerminationSet
                Timeout limit=100
        """, "Aggg\n")
    for _ in range(3):
        game.step("ACTION_RIGHT")
    assert game.avatar_state()["resources"] == {"gem": 2}
    # the third gem could not be collected: it stays, and scored nothing
    assert positions(game, "gem") == [(3, 0)] and game.score == 2


def test_time_effect_without_next_execution_fires_at_tick_zero_then_repeats() -> None:
    game = game_from("""
        BasicGame square_size=10
            SpriteSet
                avatar > MovingAvatar
            InteractionSet
                avatar TIME > changeResource resource=avatar value=0 timer=3 repeating=True scoreChange=1
            TerminationSet
                Timeout limit=100
        """, "A\n")
    scores = []
    for _ in range(8):
        game.step("ACTION_NIL")
        scores.append(game.score)
    assert scores == [1, 1, 1, 2, 2, 2, 3, 3]


def test_shield_blocks_the_shielded_effect_for_the_rest_of_the_tick() -> None:
    frog = """
        BasicGame square_size=10
            SpriteSet
                water > Immovable
                log > Immovable
                avatar > MovingAvatar
            LevelMapping
                ~ > water
                = > water log
            InteractionSet
                avatar log > shieldFrom ftype=killSprite stype=water
                avatar water > killSprite
            TerminationSet
                SpriteCounter stype=avatar limit=0 win=False
                Timeout limit=50 win=True
        """
    game = game_from(frog, "A=~\n")
    game.step("ACTION_RIGHT")
    assert not game.ended  # on the log: safe
    game.step("ACTION_RIGHT")
    assert game.winner == "LOSE"  # in the water: dead


def test_ancestor_class_rule_at_run_time() -> None:
    game = game_from("""
        BasicGame square_size=10
            SpriteSet
                structure > Immovable
                    goal > Missile orientation=RIGHT
            LevelMapping
                g > goal
            TerminationSet
                Timeout limit=50
        """, "g...\n")
    for _ in range(3):
        game.step("ACTION_NIL")
    assert positions(game, "goal") == [(0, 0)]  # an Immovable, as in GVGAI
