"""Conformance to the GVGAI Java engine: replay its recorded traces step by step.

Needs ../shared/gvgai beside the checkout; skips with a message when it is absent.
"""

from __future__ import annotations

import pytest

import vgdl
from tests.conftest import SKIP_NO_SHARED, gvgai_index
from vgdl.conformance import Trace, outcome_distribution, replay
from vgdl.rng import JavaRandom

pytestmark = SKIP_NO_SHARED
GAMES = gvgai_index()


@pytest.mark.parametrize("entry", GAMES, ids=[g["name"] for g in GAMES])
def test_traces_match_every_step(entry: dict, shared_gvgai) -> None:  # type: ignore[no-untyped-def]
    failures = []
    for run in entry["runs"]:
        result = replay(Trace.load(shared_gvgai / run["trace"]), shared_gvgai, entry["deterministic"])
        if not result.exact:
            failures.append(f"{result.trace}: step {result.first_diff_step}: {result.error or result.diffs}")
    # Deterministic games must match exactly. Our generator reproduces java.util.Random and
    # GVGAI's draw order, so stochastic games are held to the same bar.
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("entry", GAMES, ids=[g["name"] for g in GAMES])
def test_every_level_runs_1000_seeded_random_steps(entry: dict, shared_gvgai) -> None:  # type: ignore[no-untyped-def]
    rules = vgdl.load_rules(shared_gvgai / entry["game_file"])
    for level_index, level_file in enumerate(entry["level_files"]):
        game = vgdl.load_game(rules, shared_gvgai / level_file, seed=level_index)
        rng = JavaRandom(100 + level_index)
        for _ in range(1000):
            if game.ended:
                game = vgdl.load_game(rules, shared_gvgai / level_file, seed=game.tick)
            game.step(game.actions[rng.next_int(len(game.actions))])


STOCHASTIC = [g for g in GAMES if not g["deterministic"]][::4]


@pytest.mark.parametrize("entry", STOCHASTIC, ids=[g["name"] for g in STOCHASTIC])
def test_stochastic_outcomes_cover_the_trace(entry: dict, shared_gvgai) -> None:  # type: ignore[no-untyped-def]
    trace = Trace.load(shared_gvgai / entry["runs"][0]["trace"])
    dist = outcome_distribution(trace, shared_gvgai, seeds=20)
    assert dist["min_score"] <= dist["trace_score"] <= dist["max_score"], dist
