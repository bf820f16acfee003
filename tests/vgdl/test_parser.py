"""The parser: GVGAI's reading of VGDL, and clear errors for bad input."""

from __future__ import annotations

import textwrap

import pytest

import vgdl
from vgdl.errors import VGDLError
from vgdl.parser import parse_game

GOOD = """\
BasicGame square_size=10
    SpriteSet
        floor > Immovable color=GRAY
        structure > Immovable
            goal > Door color=GREEN
            entry > Portal stype=goal
                entry1 >
        moving >
            avatar > MovingAvatar
            enemy > RandomNPC speed=0.5
    LevelMapping
        . > floor
        g > floor goal
        e > floor enemy
    InteractionSet
        moving wall EOS > stepBack
        goal avatar > killSprite scoreChange=1
    TerminationSet
        SpriteCounter stype=goal limit=0 win=True
"""


def test_sections_tree_and_inheritance() -> None:
    desc = parse_game(GOOD, "good.txt")
    assert desc.game_class == "BasicGame"
    assert desc.params["square_size"].raw == "10"
    enemy = desc.types["enemy"]
    assert enemy.ancestry == ("moving", "enemy")
    assert enemy.params["speed"].raw == "0.5"
    # GVGAI: the nearest ancestor that declares a class imposes it on the subtree
    assert desc.types["goal"].vgdl_class == "Immovable"
    assert desc.types["entry"].vgdl_class == "Immovable"
    assert desc.types["entry1"].vgdl_class == "Portal"
    # built-ins come first; "avatar" is always drawn last
    assert list(desc.types)[:2] == ["wall", "avatar"]
    assert desc.sprite_order[-1] == "avatar"
    assert "wall" in desc.sprite_order and desc.sprite_order[0] == "wall"
    # w and A are built-in level characters
    assert desc.level_mapping["w"].types == ("wall",)
    assert desc.level_mapping["A"].types == ("avatar",)


def test_multi_partner_lines_share_one_effect_and_eos_is_case_insensitive() -> None:
    text = GOOD.replace("moving wall EOS > stepBack", "moving wall eos > stepBack")
    desc = parse_game(text, "g.txt")
    pairs = [(r.actor, r.partner) for r in desc.interactions if r.effect == "stepBack"]
    assert pairs == [("moving", "wall"), ("moving", "EOS")]
    rules = vgdl.load_rules("g.txt", text=text)
    assert rules.eos_effects and rules.pair_effects[0].effects[0] is rules.eos_effects[rules.itype_of["moving"]][0]


def test_sections_in_any_order_and_tabs() -> None:
    text = ("BasicGame\n\tTerminationSet\n\t\tSpriteCounter stype=avatar win=False\n"
            "\tSpriteSet\n\t\tavatar > MovingAvatar\n")
    desc = parse_game(text, "t.txt")
    assert desc.terminations[0].kind == "SpriteCounter"
    assert desc.types["avatar"].vgdl_class == "MovingAvatar"


def _error(text: str, file: str = "bad.txt") -> VGDLError:
    with pytest.raises(VGDLError) as info:
        vgdl.load_rules(file, text=textwrap.dedent(text))
    return info.value


def test_unknown_sprite_class_names_line_column_and_suggestion() -> None:
    err = _error(GOOD.replace("RandomNPC", "RandomNCP"))
    assert err.file == "bad.txt" and err.line == 10
    assert "RandomNCP" in str(err) and "did you mean 'RandomNPC'" in str(err)


def test_unknown_effect_and_termination() -> None:
    err = _error(GOOD.replace("killSprite", "kilSprite"))
    assert (err.line, err.column) == (17, 23)
    assert "did you mean 'killSprite'" in str(err)
    err = _error(GOOD.replace("SpriteCounter", "SpriteCountr"))
    assert err.line == 19 and "did you mean 'SpriteCounter'" in str(err)


def test_unknown_type_in_interaction_is_located() -> None:
    err = _error(GOOD.replace("goal avatar >", "gaol avatar >"))
    assert err.line == 17 and err.column == 9
    assert "'gaol'" in str(err) and "did you mean 'goal'" in str(err)


def test_unknown_type_in_effect_parameter() -> None:
    err = _error(GOOD.replace("killSprite scoreChange=1", "transformTo stype=gole"))
    assert err.line == 17 and "gole" in str(err) and "did you mean 'goal'" in str(err)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty game"),
        ("NotAGame\n", "unknown game class"),
        ("BasicGame\n    SpriteSett\n", "did you mean 'SpriteSet'"),
        ("BasicGame\n    SpriteSet\n        avatar MovingAvatar\n", "expected '>'"),
        ("BasicGame\n    SpriteSet\n        avatar > MovingAvatar speed\n", "expected key=value"),
        ("BasicGame\n    SpriteSet\n        avatar > MovingAvatar speed=\n", "missing value"),
        ("BasicGame\n    LevelMapping\n        ab > wall\n", "one character"),
        ("BasicGame\n    InteractionSet\n        avatar > stepBack\n", "two or more sprite types"),
        ("BasicGame\n    InteractionSet\n        avatar wall >\n", "needs an effect"),
        ("BasicGame\n    SpriteSet\n    SpriteSet\n", "appears twice"),
    ],
)
def test_malformed_input_gives_one_error_type(text: str, fragment: str) -> None:
    err = _error(text)
    assert fragment in str(err)
    assert str(err).startswith("bad.txt")


def test_values_are_never_evaluated() -> None:
    # A value that would run code under eval is just text that does not fit a number.
    marker = "__import__('os').system('touch /tmp/vgdl_pwned')"
    text = GOOD.replace("speed=0.5", f"speed={marker.replace(' ', '')}")
    rules = vgdl.load_rules("evil.txt", text=text)
    assert any("does not fit" in w for w in rules.warnings)
    assert rules.kinds[rules.itype_of["enemy"]].speed == 1.0  # RandomNPC's default


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        ("speed=0.5", "speed=-1e308", "out of range"),
        ("speed=0.5", "speed=1e308", "out of range"),
        ("speed=0.5", "speed=1e999999", "not a finite number"),
        ("speed=0.5", "speed=nan", "not a finite number"),
        ("speed=0.5", "speed=-inf", "not a finite number"),
        ("speed=0.5", "speed=-1", "must be at least 0"),
        ("speed=0.5", "speed=0.5 cooldown=2.5", "must be a whole number"),
        ("speed=0.5", "speed=0.5 cooldown=99999999999", "32-bit"),
        ("speed=0.5", "speed=0.5 cooldown=-3", "must be at least 0"),
        ("scoreChange=1", "scoreChange=99999999999", "32-bit"),
    ],
)
def test_bad_numbers_are_located_errors(old: str, new: str, fragment: str) -> None:
    err = _error(GOOD.replace(old, new))
    assert fragment in str(err)
    line = next(i for i, text in enumerate(GOOD.replace(old, new).splitlines(), 1) if new in text)
    assert err.line == line and err.column is not None


def test_legal_numbers_still_load() -> None:
    # Negative scores and resource changes are common in GVGAI's games; only bounded fields refuse them.
    rules = vgdl.load_rules("ok.txt", text=GOOD.replace("scoreChange=1", "scoreChange=-100").replace(
        "speed=0.5", "speed=0.25 cooldown=0"))
    assert rules.kinds[rules.itype_of["enemy"]].speed == 0.25


def test_level_beyond_the_sprite_cap_is_an_error() -> None:
    rules = vgdl.load_rules("cap.txt", text=GOOD)
    side = 101  # 10,201 cells of floor + goal > the cap of 10,001 sprites
    level = "\n".join("g" * side for _ in range(side)) + "\n"
    err = pytest.raises(VGDLError, vgdl.load_game, rules, level).value
    assert "sprites" in str(err) and "cap" in str(err)
    assert err.line is not None and err.line <= 50 and err.column is not None


def test_unknown_parameters_warn_like_gvgai() -> None:
    rules = vgdl.load_rules("w.txt", text=GOOD.replace("speed=0.5", "sped=0.5"))
    assert any("unknown parameter 'sped=0.5'" in w and "did you mean 'speed'" in w for w in rules.warnings)


def test_typed_values() -> None:
    rules = vgdl.load_rules("t.txt", text=GOOD.replace("enemy > RandomNPC speed=0.5",
                                                       "enemy > Missile orientation=LEFT color=RED cooldown=3"))
    enemy = rules.kinds[rules.itype_of["enemy"]]
    assert enemy.orientation == (-1, 0)
    assert enemy.color == (200, 0, 0)
    assert enemy.cooldown == 3
    assert enemy.is_oriented


def test_missing_files_are_clear_errors(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(VGDLError, match="cannot read"):
        vgdl.load_game(tmp_path / "nope.txt", "w\n")
    game = tmp_path / "g.txt"
    game.write_text(GOOD)
    with pytest.raises(VGDLError, match="level file not found"):
        vgdl.load_game(game, tmp_path / "missing_level.txt")
    bad = tmp_path / "bin.txt"
    bad.write_bytes(b"BasicGame\n\xff\xfe\n")
    err = pytest.raises(VGDLError, vgdl.load_game, bad, "w\n").value
    assert "UTF-8" in str(err) and err.line == 2
