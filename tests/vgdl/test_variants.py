"""Held-out variants are valid games that play identically to the original."""

from __future__ import annotations

import pytest

import vgdl
from tests.conftest import GAMES
from vgdl.parser import parse_game
from vgdl.solve import load_solutions
from vgdl.suite import load_manifest
from vgdl.variants import VARIANTS, make_variant

CARDS = load_manifest()


def _texts(name: str) -> tuple[str, list[str]]:
    card = CARDS[name]
    return card.game_file.read_text(), [p.read_text() for p in card.level_files]


@pytest.mark.parametrize("name", sorted(CARDS))
def test_variants_replay_the_solutions(name: str) -> None:
    game_text, levels = _texts(name)
    solutions = load_solutions(CARDS[name].folder)
    for variant in ("reskin", "rename"):
        text, vlevels = make_variant(game_text, levels, variant, seed=7)
        rules = vgdl.load_rules(f"{name}-{variant}", text=text)
        assert not rules.warnings, rules.warnings
        for k, sol in solutions.items():
            game = vgdl.load_game(rules, vlevels[k], seed=sol["seed"])
            for action in sol["actions"]:
                game.step(action)
            assert game.winner == "WIN", f"{variant} level {k}"


def test_rename_hides_names_and_reskin_changes_colours() -> None:
    game_text, levels = _texts("coin_dash")
    renamed = parse_game(make_variant(game_text, levels, "rename", seed=1)[0])
    user_types = [n for n, t in renamed.types.items() if t.line > 0]
    assert all(n.startswith("t") and n[1:].isdigit() for n in user_types)
    original = vgdl.load_rules("o", text=game_text)
    reskinned = vgdl.load_rules("r", text=make_variant(game_text, levels, "reskin", seed=1)[0])
    changed = [k.name for k in original.kinds if k.color != reskinned.kinds[reskinned.itype_of[k.name]].color]
    assert len(changed) >= len(original.kinds) - 1


def test_variants_are_deterministic_from_the_seed() -> None:
    game_text, levels = _texts("coin_dash")
    for variant in VARIANTS:
        assert make_variant(game_text, levels, variant, 3) == make_variant(game_text, levels, variant, 3)
    assert make_variant(game_text, levels, "rename", 3) != make_variant(game_text, levels, "rename", 4)
    shuffled = make_variant(game_text, levels, "shuffle-levels", 3)[1]
    assert sorted(shuffled) == sorted(levels) and shuffled != levels
    with pytest.raises(ValueError):
        make_variant(game_text, levels, "mirror")


def test_env_variant_argument() -> None:
    import gymnasium as gym

    env = gym.make("VGDL/CoinDash-v0", variant="rename", variant_seed=2, obs_type="objects",
                   privileged=["avatar"])
    _, info = env.reset(seed=0)
    avatar_type = info["privileged"]["avatar"]["type"]
    assert avatar_type.startswith("t") and avatar_type[1:].isdigit()
    assert env.unwrapped.action_names == vgdl.load_game(GAMES / "coin_dash" / "game.txt",
                                                        GAMES / "coin_dash" / "level0.txt").actions
