"""The planner on its own: its search stops at its work cap, each node counted with its own objects."""

from __future__ import annotations

import numpy as np
import pytest

from agents.empa.agent import EMPAConfig
from agents.empa.perception import Frame
from agents.empa.planner import Goals, Plan, Planner
from agents.empa.simulator import channel_tokens, compile_theory, mental_game
from agents.empa.theory import Movement, Spawner, Theory
from tests.agents.empa.grids import grid_frame

WALL, FLOOR, AVATAR, GARAGE, CAR, COIN = 0, 1, 2, 3, 4, 5
ACTIONS = ["ACTION_UP", "ACTION_DOWN", "ACTION_LEFT", "ACTION_RIGHT"]

#: An open room; the garage (G) makes a car every tick, the coin (c) sits in the wall.
ROOM = ["##########",
        "#A.......#",
        "#........#",
        "#...G....#",
        "#........#",
        "########c#"]


def _frame() -> Frame:
    codes = {"#": [WALL], ".": [FLOOR], "A": [FLOOR, AVATAR], "G": [FLOOR, GARAGE], "c": [WALL, COIN]}
    return grid_frame(ROOM, codes, AVATAR)


def _search(work: float, budget: int = 3000) -> tuple[Plan, int]:
    """Plan toward the unreachable coin in a room that fills with cars; also returns the root's objects."""
    th = Theory(avatar_type=AVATAR, walls={WALL}, seen_types={WALL, FLOOR, AVATAR, GARAGE, CAR, COIN})
    for t in (FLOOR, GARAGE, CAR):
        th.rule(AVATAR, t).add("nothing", (), None, 0)
    th.rule(COIN, AVATAR).add("kill", (), None, 10)
    th.movement[CAR] = Movement("random", 1)
    th.spawners[GARAGE] = Spawner(CAR, 1, 1.0, 10)
    frame = _frame()
    compiled = compile_theory(th, frame, {})
    game = mental_game(compiled, frame, None, seed=0)
    tokens = channel_tokens(game, compiled)
    goals = Goals(targets={COIN}, killers={COIN: {AVATAR}}, avatar=AVATAR)
    planner = Planner(EMPAConfig().constants(), False, np.random.default_rng(0))
    return planner.plan(game, tokens, ACTIONS, goals, budget, work), len(frame.objects)


def test_work_counts_each_node_with_its_own_objects() -> None:
    plan, root_objects = _search(float("inf"), budget=400)
    assert plan.nodes == 400
    assert plan.work > plan.nodes * root_objects  # the cars made in the search cost too


def test_the_search_stops_at_its_work_cap() -> None:
    unbounded, _ = _search(float("inf"))
    cap = unbounded.work // 4
    bounded, root_objects = _search(cap)
    assert bounded.nodes < unbounded.nodes
    # it may finish the node it was expanding: at most one node's children past the cap
    assert cap <= bounded.work <= cap + len(ACTIONS) * 3 * root_objects


#: A corridor: a coin two cells to the left of the avatar and one three cells to the right.
CORRIDOR = ["########",
            "#c.A..c#",
            "########"]


def test_a_subgoal_state_marked_a_dead_end_is_not_a_goal_again() -> None:
    """The nearer coin first led to a dead end on an earlier attempt: the plan goes for the other."""
    from agents.empa.planner import state_signature

    codes = {"#": [WALL], ".": [FLOOR], "A": [FLOOR, AVATAR], "c": [FLOOR, COIN]}
    frame = grid_frame(CORRIDOR, codes, AVATAR)
    th = Theory(avatar_type=AVATAR, walls={WALL}, seen_types={WALL, FLOOR, AVATAR, COIN})
    th.rule(AVATAR, FLOOR).add("nothing", (), None, 0)
    th.rule(AVATAR, COIN).add("nothing", (), None, 0)
    th.rule(COIN, AVATAR).add("kill", (), None, 10)
    compiled = compile_theory(th, frame, {})
    tokens = channel_tokens(mental_game(compiled, frame, None, seed=0), compiled)

    def plan(dead_ends: list) -> Plan:
        goals = Goals(targets={COIN}, killers={COIN: {AVATAR}}, avatar=AVATAR, dead_ends=dead_ends)
        planner = Planner(EMPAConfig().constants(), False, np.random.default_rng(0))
        return planner.plan(mental_game(compiled, frame, None, seed=0), tokens, ACTIONS, goals, 500)

    greedy = plan([])
    assert greedy.reason == "subgoal" and greedy.predicted[-1] == (1, 1)
    kinds = frozenset({COIN})
    left_taken = state_signature(kinds, (1, 1), (), [(COIN, 6, 1)])
    other = plan([(kinds, left_taken)])
    assert other.reason == "subgoal" and other.predicted[-1] == (6, 1)


#: Two keys on the straight way to the water, which drowns an avatar holding two; the door behind it is new.
FERRY = ["########",
         "#Akk.~D#",
         "#....~.#",
         "########"]
KEY, WATER, DOOR = 6, 7, 8


def test_a_cell_reached_holding_keys_does_not_hide_it_reached_without() -> None:
    """Width 1 (the untuned planner), score valued: the search reaches the cells before the water first
    with both keys (each is score), and the water drowns that avatar. The same cells with no key in hand
    are new states, so the door behind the water is still found; with the cell alone as an atom they were
    pruned and the search found no way to the door (sinking_key_ferry, every prior off)."""
    from agents.empa.planner import Goals

    codes = {"#": [WALL], ".": [FLOOR], "A": [FLOOR, AVATAR], "k": [FLOOR, KEY], "~": [WATER], "D": [DOOR]}
    frame = grid_frame(FERRY, codes, AVATAR)
    th = Theory(avatar_type=AVATAR, walls={WALL}, seen_types={WALL, FLOOR, AVATAR, KEY, WATER, DOOR},
                resources={KEY})
    th.rule(AVATAR, FLOOR).add("nothing", (), None, 0)
    th.rule(AVATAR, KEY).add("nothing", (), None, 0)
    th.rule(KEY, AVATAR).add("collect", (), None, 10)
    th.rule(KEY, AVATAR).score = 1.0
    th.rule(AVATAR, WATER).add("kill", ((KEY, 2),), None, 999)  # drowned once, holding two
    compiled = compile_theory(th, frame, {})
    assert "killIfHasMore" in compiled.game_text
    tokens = channel_tokens(mental_game(compiled, frame, None, seed=0), compiled)
    constants = EMPAConfig(priors_off=["tuned_planner"]).constants()
    assert constants["width"] == 1
    planner = Planner(constants, False, np.random.default_rng(0))
    goals = Goals(novelty={DOOR}, avatar=AVATAR, value_score=True, resource_bonus=False)
    plan = planner.plan(mental_game(compiled, frame, None, seed=0), tokens, ACTIONS, goals, 1000)
    assert plan.reason == "novelty", plan


#: A crate to push down, then right into a cracked wall that guards a gem (brittle_wall_breakers level 0).
SMASH = ["#########",
         "#.......#",
         "#.A.b.###",
         "#.....xg#",
         "#########"]
CRATE, CRACKED, GEM = 6, 7, 8


def _smash_plan(monkeypatch: pytest.MonkeyPatch, max_width: int) -> Plan:
    import agents.empa.planner as planner_module

    monkeypatch.setattr(planner_module, "MAX_WIDTH", max_width)
    codes = {"#": [WALL], ".": [FLOOR], "A": [FLOOR, AVATAR], "b": [FLOOR, CRATE], "x": [FLOOR, CRACKED],
             "g": [FLOOR, GEM]}
    frame = grid_frame(SMASH, codes, AVATAR)
    th = Theory(avatar_type=AVATAR, seen_types={WALL, FLOOR, AVATAR, CRATE, CRACKED, GEM})
    th.rule(AVATAR, FLOOR).add("nothing", (), None, 0)
    for t in (WALL, CRACKED):
        th.rule(AVATAR, t).add("block", (), None, 0)
    th.rule(CRATE, AVATAR).add("push", (), None, 0)
    th.rule(CRATE, WALL).add("undo", (), None, 0)
    th.rule(CRATE, CRACKED).add("kill", (), None, 0)
    th.rule(CRACKED, CRATE).add("kill", (), None, 0)
    th.rule(GEM, AVATAR).add("kill", (), None, 0)
    compiled = compile_theory(th, frame, {})
    tokens = channel_tokens(mental_game(compiled, frame, None, seed=0), compiled)
    constants = EMPAConfig(priors_off=["tuned_planner"]).constants()
    assert constants["width"] == 1
    planner = Planner(constants, False, np.random.default_rng(0))
    goals = Goals(targets={GEM}, confirmed={GEM}, killers={GEM: {AVATAR}}, movable={CRATE}, avatar=AVATAR)
    return planner.plan(mental_game(compiled, frame, None, seed=0), tokens, ACTIONS, goals, 1000)


def test_a_width_one_search_that_prunes_itself_dry_goes_on_at_width_two(monkeypatch: pytest.MonkeyPatch) -> None:
    """The crate is pushed down from above, then right from its left: a cell the avatar already stood on
    (with the crate elsewhere), which width 1 prunes. IW(1) runs dry well within the budget; IW(2) wins."""
    narrow = _smash_plan(monkeypatch, max_width=1)
    assert narrow.reason != "win" and narrow.nodes < 1000
    plan = _smash_plan(monkeypatch, max_width=2)
    assert plan.reason == "win" and plan.nodes <= 1000
