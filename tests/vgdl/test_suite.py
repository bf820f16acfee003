"""Our game suite: a complete manifest, provably winnable levels, and the prior-tag requirements."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import GAMES
from vgdl.suite import PRIORS, ManifestError, check_game, discover, load_manifest

CARDS = load_manifest()


def test_suite_size_splits_and_prior_coverage() -> None:
    assert len(CARDS) >= 30
    heldout = [c for c in CARDS.values() if c.split == "heldout"]
    assert len(heldout) >= 10
    assert len({c.family for c in heldout}) >= 5, "held-out games must spread across families"
    breaking = [c for c in CARDS.values() if c.broken_priors()]
    assert len(breaking) * 3 >= len(CARDS), "at least a third of the games must break a prior"
    broken = Counter(p for c in CARDS.values() for p in c.broken_priors())
    for prior in PRIORS:
        assert broken[prior] >= 2, f"prior {prior} is broken by only {broken[prior]} games"
    for card in CARDS.values():
        if card.survival:
            assert not card.priors["objective_form"], f"{card.name}: a survival game breaks objective_form"


@pytest.mark.parametrize("name", sorted(CARDS))
def test_levels_are_winnable_and_idling_does_not_win(name: str) -> None:
    assert check_game(CARDS[name]) == []


def _manifest_copy(tmp_path: Path, text: str) -> Path:
    games = tmp_path / "games"
    shutil.copytree(GAMES / "coin_dash", games / "coin_dash")
    (games / "manifest.toml").write_text(text)
    return games / "manifest.toml"


GOOD_CARD = """[coin_dash]
description = "x"
family = "collect"
split = "heldout"
[coin_dash.priors]
avatar_known = true
walls_known = true
objective_form = true
deterministic_rules = true
resources_good = true
interaction_library = true
projectile_rollout = true
color_is_type = true
default_blocking = true
movement_library = true
"""


def test_a_valid_manifest_loads(tmp_path: Path) -> None:
    cards = load_manifest(_manifest_copy(tmp_path, GOOD_CARD))
    assert list(cards) == ["coin_dash"] and cards["coin_dash"].split == "heldout"


@pytest.mark.parametrize(("text", "message"), [
    (GOOD_CARD.replace('family = "collect"', 'family = "collect"\ncolour = "red"'), "unknown keys"),
    (GOOD_CARD + '[ghost_game]\ndescription = "x"\nfamily = "push"\nsplit = "dev"\npriors = {}\n', "no folder"),
    ("", "without a manifest card"),
    (GOOD_CARD.replace("[coin_dash.priors]", "[coin_dash.priorz]"), "missing keys"),
    (GOOD_CARD.replace("resources_good = true", "resources_good = 1"), "true or false"),
    (GOOD_CARD.replace("walls_known = true\n", ""), "priors must tag exactly"),
    (GOOD_CARD.replace('"heldout"', '"test"'), "split"),
    (GOOD_CARD.replace('"collect"', '"racing"'), "family"),
])
def test_bad_manifests_fail(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        load_manifest(_manifest_copy(tmp_path, text))


def test_external_suites_in_gvgai_layout(tmp_path: Path) -> None:
    (tmp_path / "maze.txt").write_text((GAMES / "coin_dash" / "game.txt").read_text())
    for k in range(2):
        (tmp_path / f"maze_lvl{k}.txt").write_text((GAMES / "coin_dash" / f"level{k}.txt").read_text())
    found = discover(tmp_path)
    assert list(found) == ["maze"] and len(found["maze"].level_files) == 2
