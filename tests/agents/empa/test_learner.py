"""The learner on its own: movement models (speed, herding) and what the screen's edge does."""

from __future__ import annotations

from collections import Counter

import pytest

from agents.empa.agent import EMPAConfig
from agents.empa.learner import Learner, MoveStats
from agents.empa.perception import Frame
from agents.empa.priors import PriorSet
from agents.empa.simulator import compile_theory
from agents.empa.theory import Movement, Rule, Theory

FLOOR, CAR, AVATAR = 0, 1, 2
WIDTH = 10


def _learner(*priors_off: str) -> Learner:
    return Learner(Theory(avatar_type=AVATAR), PriorSet(frozenset(priors_off)).behaviour(), EMPAConfig().constants())


def _frame(car: tuple[float, float] | None, avatar: tuple[int, int] = (0, 3)) -> Frame:
    """A 10 x 4 floor, the avatar far from the car, and the car (id 100) where given."""
    objects = {i: (FLOOR, i % WIDTH, i // WIDTH) for i in range(WIDTH * 4)}
    objects[999] = (AVATAR, *avatar)
    exact = {}
    if car is not None:
        x, y = car
        objects[100] = (CAR, int(x + 0.5), int(y + 0.5))
        if x != int(x) or y != int(y):
            exact[100] = car
    return Frame(objects, 999, exact=exact)


def _drive(learner: Learner, positions: list[tuple[float, float] | None]) -> None:
    frames = [_frame(p) for p in positions]
    learner.start_episode(frames[0])
    for before, after in zip(frames, frames[1:], strict=False):
        learner.update(before, "ACTION_NIL", after, 0.0, False, None, None)


def test_a_mover_slower_than_a_cell_per_tick_is_learned_with_its_speed() -> None:
    learner = _learner()
    _drive(learner, [(1 + 0.5 * k, 0) for k in range(12)])
    model = learner.theory.movement[CAR]
    assert (model.kind, model.cooldown, model.speed) == ("missile", 1, 0.5)


def test_a_chaser_that_moves_straight_is_still_a_chaser() -> None:
    """In a corridor every move of a chaser is straight: it must not be taken for a missile."""
    learner = _learner()
    stats = MoveStats(seen=40, moves=20, pairs=19, straight=19, toward=19, away=1,
                      directions=Counter({(1, 0): 20}), gaps=Counter({2: 19}))
    assert learner._classify(stats).kind == "chaser"
    stats.toward, stats.away = 10, 10  # half toward, half away: a missile going past
    assert learner._classify(stats).kind == "missile"


def _walled_row(car_x: int) -> Frame:
    """A 10 x 4 floor, a wall (id 200, type 3) at the row's right end, the car (id 100) on row 0, the avatar
    far away."""
    objects = {i: (FLOOR, i % WIDTH, i // WIDTH) for i in range(WIDTH * 4) if i != WIDTH - 1}
    objects[200] = (3, WIDTH - 1, 0)
    objects[100] = (CAR, car_x, 0)
    objects[999] = (AVATAR, 0, 3)
    return Frame(objects, 999)


def test_without_the_event_log_a_missile_that_turns_back_at_a_wall_is_stepped_back_and_reversed_there() -> None:
    """A car runs right to the wall, stands a tick where it was stepped back, and comes back: without the
    event log that meeting is learned from the turn (before, the mental car ran on through the wall); the
    floor it crossed is not blamed; with the event log the log names it and nothing is read off the turn."""
    xs = [2, 3, 4, 5, 6, 7, 8, 8, 7, 6, 5, 4]
    for priors_off, learned in ((("event_log",), True), ((), False)):
        learner = _learner(*priors_off)
        frames = [_walled_row(x) for x in xs]
        learner.start_episode(frames[0])
        for before, after in zip(frames, frames[1:], strict=False):
            learner.update(before, "ACTION_NIL", after, 0.0, False, None, [] if "event_log" not in priors_off else None)
        th = learner.theory
        assert th.movement[CAR].kind == "missile"
        seen = [o.outcome for o in th.rules[(CAR, 3)].seen] if (CAR, 3) in th.rules else []
        assert seen == (["block+reverse"] if learned else []), priors_off
        assert (CAR, FLOOR) not in th.rules or all(o.outcome == "nothing" for o in th.rules[(CAR, FLOOR)].seen)


def test_a_mover_that_leaves_the_screen_vanishes_there() -> None:
    learner = _learner()
    _drive(learner, [(6, 0), (7, 0), (8, 0), (9, 0), None])
    assert learner.theory.edges == {CAR: "killSprite"}


def test_a_mover_that_comes_back_on_the_other_side_wraps_around() -> None:
    learner = _learner()
    _drive(learner, [(7, 0), (8, 0), (9, 0), (0, 0), (1, 0)])
    assert learner.theory.edges == {CAR: "wrapAround"}
    assert learner.theory.movement[CAR].speed == 1.0  # the jump across is not a move


def test_a_still_object_on_a_thin_level_is_not_a_wrap() -> None:
    """On a level two cells high every row touches an edge: staying put must not count as coming back."""
    learner = _learner()
    frames = [Frame({0: (FLOOR, 0, 0), 1: (FLOOR, 1, 1), 100: (CAR, 3, 0), 999: (AVATAR, 0, 1)}, 999)
              for _ in range(5)]
    learner.start_episode(frames[0])
    for before, after in zip(frames, frames[1:], strict=False):
        learner.update(before, "ACTION_NIL", after, 0.0, False, None, None)
    assert learner.theory.edges == {}


def test_a_missile_that_passes_the_avatar_was_never_met() -> None:
    """The avatar steps right as a dart flies left out of that cell: they swap cells without touching,
    so this is no evidence that darts are harmless (under deterministic rules it would overwrite a kill)."""
    learner = _learner()
    before = _frame((4, 0), avatar=(3, 0))
    after = _frame((3, 0), avatar=(4, 0))
    learner.start_episode(before)
    learner.update(before, "ACTION_RIGHT", after, 0.0, False, None, [])
    assert (AVATAR, CAR) not in learner.theory.rules
    learner.update(after, "ACTION_RIGHT", _frame((3, 0), avatar=(5, 0)), 0.0, False, None, [])
    learner.update(_frame((6, 0), avatar=(5, 0)), "ACTION_RIGHT", _frame((6, 0), avatar=(6, 0)), 0.0, False, None,
                   [])
    assert [o.outcome for o in learner.theory.rules[(AVATAR, CAR)].seen] == ["nothing"]  # a real meeting counts


def test_a_new_shot_flies_the_way_the_avatar_faces() -> None:
    """Before a shot is seen to move, the simulator needs its direction: the avatar's facing at the throw."""
    learner = _learner()
    shot = 3
    learner.theory.projectile = shot
    before = _frame(None, avatar=(4, 2))
    after = _frame(None, avatar=(4, 2))
    after.objects[500] = (shot, 4, 3)
    before.avatar_orientation = after.avatar_orientation = (0, 1)
    learner.start_episode(before)
    learner.update(before, "ACTION_USE", after, 0.0, False, None, None)
    assert learner.last_dir[500] == (0, 1)
    later = _frame(None, avatar=(4, 2))
    later.objects[501] = (shot, 4, 3)
    learner.update(after, "ACTION_NIL", later, 0.0, False, None, None)  # not thrown this step
    assert 501 not in learner.last_dir


def test_a_resource_conditioned_death_is_learned_with_its_resource_and_amount() -> None:
    """killIfHasMore (event log): dying in water while holding two keys is simulated as "water kills
    while holding two keys", not "water kills"; a pick-up is a contact the avatar has seen."""
    key_t, water = CAR, FLOOR
    learner = _learner()
    learner.theory.resources.add(key_t)
    before = Frame({999: (AVATAR, 2, 1), 5: (water, 3, 1), 7: (key_t, 2, 1)}, 999, {key_t: 2})
    after = Frame({5: (water, 3, 1), 7: (key_t, 2, 1)}, None, {key_t: 2})
    died = [{"effect": "killIfHasMore", "channel1": AVATAR, "channel2": water, "id1": 999, "id2": 5}]
    learner.start_episode(before)
    learner.update(before, "ACTION_RIGHT", after, -5.0, True, "LOSE", died)
    outcome, arg, _ = learner.theory.rules[(AVATAR, water)].outcome((), True)
    assert (outcome, arg) == ("killIfHasMore", (key_t, 2))
    picked = [{"effect": "collectResource", "channel1": key_t, "channel2": AVATAR, "id1": 7, "id2": 999}]
    start = Frame({999: (AVATAR, 1, 1), 7: (key_t, 2, 1)}, 999, {})
    end = Frame({999: (AVATAR, 2, 1)}, 999, {key_t: 1})
    learner.start_episode(start)
    learner.update(start, "ACTION_RIGHT", end, 0.0, False, None, picked)
    assert learner.theory.known(AVATAR, key_t) and learner.theory.known(key_t, AVATAR)


def test_a_condition_met_by_a_pick_up_is_learned_with_the_amount_held_as_it_fired() -> None:
    """The engine checks a condition mid-tick, after the pick-ups logged before it: picking up the
    second curse while holding one kills at two held, so one held is no threat (it was: the mental
    game then killed the avatar on its first curse, and a fountain behind one was never reached)."""
    curse = CAR
    learner = _learner()
    learner.theory.resources.add(curse)
    before = Frame({999: (AVATAR, 1, 1), 7: (curse, 2, 1)}, 999, {curse: 1})
    after = Frame({}, None, {curse: 2})
    died = [{"effect": "collectResource", "channel1": curse, "channel2": AVATAR, "id1": 7, "id2": 999},
            {"effect": "killIfHasMore", "channel1": AVATAR, "channel2": curse, "id1": 999, "id2": 7}]
    learner.start_episode(before)
    learner.update(before, "ACTION_RIGHT", after, -10.0, True, "LOSE", died)
    rule = learner.theory.rules[(AVATAR, curse)]
    assert [(o.outcome, o.inventory, o.arg) for o in rule.seen] == [("killIfHasMore", ((curse, 2),), (curse, 2))]
    # the pick-up itself is recorded with what was held before it
    assert [o.inventory for o in learner.theory.rules[(curse, AVATAR)].seen] == [((curse, 1),)]


def test_a_door_that_takes_the_key_it_opens_for_is_learned_with_what_it_took() -> None:
    """killIfOtherHasMore with subtract (event log), and the same door read from state differences: the
    key the avatar lost as the door went is the door's price (without it, the mental game kept the key
    and a level needing that key again later looked unwinnable)."""
    key_t, door = CAR, FLOOR
    before = Frame({999: (AVATAR, 1, 1), 5: (door, 2, 1)}, 999, {key_t: 2})
    after = Frame({999: (AVATAR, 1, 1)}, 999, {key_t: 1})
    opened = [{"effect": "killIfOtherHasMore", "channel1": door, "channel2": AVATAR, "id1": 5, "id2": 999}]
    for events in (opened, None):
        learner = _learner()
        learner.theory.resources.add(key_t)
        learner.start_episode(before)
        learner.update(before, "ACTION_RIGHT", after, 1.0, False, None, events)
        outcome, arg, _ = learner.theory.rules[(door, AVATAR)].outcome((), True)
        assert (outcome, arg) == ("killIfOtherHasMore" if events else "kill", (key_t, 1))
    learner = _learner()  # a coin taken costs nothing
    learner.start_episode(before)
    learner.update(before, "ACTION_RIGHT", Frame({999: (AVATAR, 1, 1)}, 999, {key_t: 2}), 1.0, False, None, None)
    assert learner.theory.rules[(door, AVATAR)].outcome((), True)[:2] == ("kill", None)


COIN, PAD = 3, 4


def _row(avatar_x: int, coin: bool, pad: bool = True, hidden: frozenset[int] = frozenset()) -> Frame:
    """A one-row level: the avatar (id 999), a coin (id 50) at x=1, a pad (id 60) at x=3."""
    objects = {999: (AVATAR, avatar_x, 0)}
    if coin:
        objects[50] = (COIN, 1, 0)
    if pad:
        objects[60] = (PAD, 3, 0)
    return Frame(objects, 999, hidden=hidden)


def test_a_contact_with_a_covered_object_is_judged_when_its_cell_shows_again() -> None:
    """Pixels: an avatar filling its tile hides what it steps on; covered is not killed, nor spared."""
    learner = _learner()
    th = learner.theory
    frames = [_row(0, True), _row(1, True, hidden=frozenset({50})), _row(2, False),
              _row(3, False, hidden=frozenset({60})), _row(4, False)]
    rewards = [1.0, 0.0, 0.0, 0.0]
    learner.start_episode(frames[0])
    learner.update(frames[0], "ACTION_RIGHT", frames[1], rewards[0], False, None, None)
    assert (COIN, AVATAR) not in th.rules or not th.rules[(COIN, AVATAR)].seen  # not judged while covered
    for k in (1, 2, 3):
        learner.update(frames[k], "ACTION_RIGHT", frames[k + 1], rewards[k], False, None, None)
    coin, pad = th.rules[(COIN, AVATAR)], th.rules[(PAD, AVATAR)]
    assert [o.outcome for o in coin.seen] == ["kill"] and coin.score == 1.0  # gone when uncovered: the step's reward
    assert [o.outcome for o in pad.seen] == ["nothing"]  # there again: the avatar only stood on it
    assert PAD not in th.falsified  # counted while covered (the coin, gone with no win, is falsified)


def test_a_thing_the_avatar_stands_on_remembered_out_of_the_table_has_not_reached_zero() -> None:
    """Pixels with the covered object kept out of the table (the agent's ``reclaim``): a vault the avatar
    steps onto without opening it is not falsified as the objective (it was, and the real goal with it)."""
    learner = _learner()
    start = _row(2, False)
    on_pad = Frame({999: (AVATAR, 3, 0)}, 999, hidden=frozenset({60}))
    learner.start_episode(start)
    learner.update(start, "ACTION_RIGHT", on_pad, 0.0, False, None, None)
    assert PAD not in learner.theory.falsified
    learner.update(on_pad, "ACTION_RIGHT", _row(4, False, pad=False), 0.0, False, None, None)
    assert PAD in learner.theory.falsified  # its cell shows again, empty: gone with no win


def test_a_win_on_the_step_the_last_target_was_covered_confirms_it() -> None:
    learner = _learner()
    start, covered = _row(0, True), _row(1, True, hidden=frozenset({50}))
    learner.start_episode(start)
    learner.update(start, "ACTION_RIGHT", covered, 1.0, True, "WIN", None)
    assert learner.theory.win_types == {COIN}
    # and the win says the covered coin went: stepping on it is how to remove it (no cell shows again)
    rule = learner.theory.rules[(COIN, AVATAR)]
    assert [o.outcome for o in rule.seen] == ["kill"] and rule.score == 1.0


def test_a_push_that_fails_blames_what_is_shown_not_what_it_hides() -> None:
    """Pixels: a crate (id 70) hides the floor (id 71) under it; the avatar pushes, crate and all stay put."""
    learner = _learner()
    crate, floor = 5, 6
    objects = {999: (AVATAR, 0, 0), 70: (crate, 1, 0), 71: (floor, 1, 0)}
    before = Frame(dict(objects), 999, hidden=frozenset({71}))
    after = Frame(dict(objects), 999, hidden=frozenset({71}))
    learner.start_episode(before)
    learner.update(before, "ACTION_RIGHT", after, 0.0, False, None, None)
    rules = learner.theory.rules
    assert [o.outcome for o in rules[(AVATAR, crate)].seen] == ["block"]
    assert (AVATAR, floor) not in rules or "block" not in {o.outcome for o in rules[(AVATAR, floor)].seen}


def test_the_avatar_meeting_two_objects_of_a_type_is_evidence_from_two_objects() -> None:
    """color_is_type off: a type's interaction counts as known once two of its objects showed it; the
    avatar is one object, so its own contacts count the objects it met (else every type stays novel)."""
    learner = _learner()
    th = learner.theory
    floor = {i: (FLOOR, i, 0) for i in (1, 2, 3)}  # three floor tiles right of the avatar

    def at(x: int) -> Frame:
        return Frame({**floor, 999: (AVATAR, x, 0)}, 999)

    learner.start_episode(at(0))
    learner.update(at(0), "ACTION_RIGHT", at(1), 0.0, False, None, None)
    assert th.known(AVATAR, FLOOR, 1) and not th.known(AVATAR, FLOOR, 2)
    learner.update(at(1), "ACTION_RIGHT", at(2), 0.0, False, None, None)
    assert th.known(AVATAR, FLOOR, 2)


def _coins(avatar_x: int, coins: tuple[int, ...], alive: bool = True) -> Frame:
    """A one-row level of look-alikes: coins (ids 50 + x, type COIN) on floor tiles (ids x, type FLOOR)."""
    objects = {x: (FLOOR, x, 0) for x in range(6)}
    objects.update({50 + x: (COIN, x, 0) for x in coins})
    if alive:
        objects[999] = (AVATAR, avatar_x, 0)
    return Frame(objects, 999 if alive else None)


def test_a_death_where_every_type_was_safe_names_the_objects_and_a_blamed_kind_kills() -> None:
    """The avatar collects a coin, then dies entering another coin's cell: the coin's type is safe, so
    nothing is blamed, but the objects there are named (a look-alike may have done it)."""
    learner = _learner("color_is_type")
    th = learner.theory
    learner.start_episode(_coins(0, (1, 3)))
    learner.update(_coins(0, (1, 3)), "ACTION_RIGHT", _coins(1, (3,)), 1.0, False, None, None)
    learner.update(_coins(1, (3,)), "ACTION_RIGHT", _coins(2, (3,)), 0.0, False, None, None)
    assert learner.unexplained == set()
    before = _coins(2, (3,))
    learner.update(before, "ACTION_RIGHT", _coins(0, (3,), alive=False), -5.0, True, "LOSE", None)
    assert "kill" not in {o.outcome for o in th.rules[(AVATAR, COIN)].seen}  # the coin type stays safe
    assert learner.unexplained == {2, 3, 53}  # what stood where it was and where it went (a coin there)
    learner.blame(before, {1_000_000})
    assert [o.outcome for o in th.rules[(AVATAR, 1_000_000)].seen] == ["kill"]
    assert th.known(AVATAR, 1_000_000, 2)  # a kind of one object: its one object's evidence is all there is
    assert 1_000_000 in th.harmful(False, ())


def test_a_death_by_a_coin_look_that_stays_is_left_to_split_even_once_the_coin_type_has_killed() -> None:
    """A first death at a coin before any was taken blames the coin type. Later, coins taken unharmed, a
    death where a coin-look stayed is unlike its look-alikes (a mimic): with color_is_type off it is left
    unexplained, to be split off, not one more kill for every coin; with the prior on, the type is blamed."""
    for priors_off, split in ((("color_is_type",), True), ((), False)):
        learner = _learner(*priors_off)
        th = learner.theory
        learner.start_episode(_coins(0, (1, 3)))
        learner.update(_coins(0, (1, 3)), "ACTION_RIGHT", _coins(0, (1, 3), alive=False), -5.0, True, "LOSE", None)
        assert [o.outcome for o in th.rules[(AVATAR, COIN)].seen] == ["kill"]  # never taken yet: blamed
        learner.start_episode(_coins(0, (1, 3)))
        learner.update(_coins(0, (1, 3)), "ACTION_RIGHT", _coins(1, (3,)), 1.0, False, None, None)
        learner.update(_coins(1, (3,)), "ACTION_RIGHT", _coins(2, (3,)), 0.0, False, None, None)
        learner.update(_coins(2, (3,)), "ACTION_RIGHT", _coins(0, (3,), alive=False), -5.0, True, "LOSE", None)
        kills = sum(o.count for o in th.rules[(AVATAR, COIN)].seen if o.outcome == "kill")
        assert (kills, 53 in learner.unexplained) == ((1, True) if split else (2, False)), priors_off


def test_what_the_avatar_loses_entering_a_cell_is_a_drain_by_what_it_met_there() -> None:
    """State differences: fuel burnt on lava (it survived, one resource fell) is the lava's drain on the
    avatar, not a price the lava took to vanish (pixels show covered lava as gone), nor the floor's;
    with a death there holding none, the rule is "deadly unless holding fuel, and it costs one"."""
    fuel, lava = CAR, FLOOR
    floor = 7
    learner = _learner()
    learner.theory.resources.add(fuel)
    start = Frame({999: (AVATAR, 0, 0), 5: (lava, 1, 0), 6: (floor, 0, 1)}, 999, {fuel: 2})
    learner.start_episode(start)
    learner.update(start, "ACTION_DOWN", Frame({999: (AVATAR, 0, 1), 5: (lava, 1, 0)}, 999, {fuel: 2}),
                   0.0, False, None, None)  # the floor: safe, and nothing lost
    on_floor = Frame({999: (AVATAR, 0, 1), 5: (lava, 1, 0), 8: (lava, 1, 1)}, 999, {fuel: 2})
    learner.update(on_floor, "ACTION_RIGHT", Frame({999: (AVATAR, 1, 1), 5: (lava, 1, 0)}, 999, {fuel: 1}),
                   0.0, False, None, None)  # lava 8 covered (gone, as pixels show it), one fuel burnt
    rule = learner.theory.rules[(AVATAR, lava)]
    assert rule.outcome(((fuel, 1),), True)[:2] == ("drain", (fuel, -1))
    assert learner.theory.rules[(lava, AVATAR)].outcome((), True)[:2] == ("kill", None)  # no price
    assert all(o.outcome == "nothing" for o in learner.theory.rules[(AVATAR, floor)].seen)
    dry = Frame({999: (AVATAR, 1, 1), 9: (lava, 2, 1)}, 999, {})
    learner.update(dry, "ACTION_RIGHT", Frame({9: (lava, 2, 1)}, None, {}), -5.0, True, "LOSE", None)
    pre = rule.precondition()  # (the least amount it was survived with: two, so far)
    assert pre is not None and (pre.with_resource, pre.without, pre.resource, pre.amount) == ("drain", "kill", fuel, 2)


def test_one_move_in_a_still_life_is_not_a_mover_when_movement_is_fitted_per_object() -> None:
    """color_is_type off fits movement per object: a car that moved once and then stood (pixels' tracking
    mistaking it for a look-alike) leaves its type static; one that moves on makes it a mover."""
    learner = _learner("color_is_type")
    _drive(learner, [(2, 0), (3, 0)] + [(3, 0)] * 10)
    assert learner.theory.movement.get(CAR) is None or learner.theory.movement[CAR].kind == "static"
    _drive(learner, [(3, 0), (4, 0), (5, 0), (6, 0)])
    assert learner.theory.movement[CAR].kind != "static"


def test_per_object_a_few_moves_in_a_long_still_life_are_no_mover() -> None:
    """A floor tile in a dart's lane is mis-tracked a few times in thousands of sightings: not a mover."""
    learner = _learner("color_is_type")
    _drive(learner, [(3, 0)] * 200 + [(4, 0)] + [(4, 0)] * 200 + [(3, 0)] + [(3, 0)] * 200)
    assert learner.theory.movement.get(CAR) is None or learner.theory.movement[CAR].kind == "static"


def test_a_loss_with_the_avatar_alive_and_nothing_removed_means_waiting_loses() -> None:
    """The clock ran out (or something drained away): waiting is no way to win, so a stuck attempt may be
    restarted even with objective_form off. A loss that came with a removal (a sheep drowned) is not it."""
    learner = _learner()
    still = _frame(None)
    learner.start_episode(still)
    learner.update(still, "ACTION_NIL", _frame(None), 0.0, False, None, None)
    assert not learner.theory.waiting_loses
    learner.update(still, "ACTION_NIL", _frame(None), 0.0, True, "LOSE", None)
    assert learner.theory.waiting_loses

    drowned = _learner()
    drowned.theory.rule(CAR, FLOOR).add("kill", (), None, 100)  # the car's contact with the floor removes it
    drowned._endings({(CAR, FLOOR)}, lost=True)
    assert not drowned.theory.waiting_loses


def test_remembering_pick_ups_what_went_before_the_avatar_was_found_voids_this_attempts_evidence() -> None:
    """Pixels, every prior off: the avatar is found by contingency a few steps in, and what went before
    (a key it took) was never counted, so a death then would be learned under too small a load
    (sinking_key_ferry: water drowning one key held, when it was two)."""
    behaviour = PriorSet(frozenset({"object_state"})).behaviour()
    learner = Learner(Theory(), behaviour, EMPAConfig().constants(), remember_pickups=True)
    unknown, key_gone = _frame((5, 0)), _frame(None)
    unknown.avatar = key_gone.avatar = None
    learner.start_episode(unknown)
    learner.update(unknown, "ACTION_RIGHT", key_gone, 0.0, False, None, None)  # something went, unseen who took it
    learner.theory.avatar_type = AVATAR  # found by contingency

    def seen() -> int:
        rule = learner.theory.rules.get((AVATAR, FLOOR))
        return sum(o.count for o in rule.seen) if rule is not None else 0

    before = seen()
    learner.update(_frame(None, (0, 3)), "ACTION_RIGHT", _frame(None, (1, 3)), 0.0, False, None, None)
    assert seen() == before
    learner.start_episode(_frame(None, (0, 3)))  # the next attempt: tracked from its start
    before = seen()
    learner.update(_frame(None, (0, 3)), "ACTION_RIGHT", _frame(None, (1, 3)), 0.0, False, None, None)
    assert seen() > before


def test_remembering_pick_ups_a_thing_covered_before_the_avatar_was_found_and_then_gone_was_missed() -> None:
    learner = Learner(Theory(), PriorSet(frozenset({"object_state"})).behaviour(), EMPAConfig().constants(),
                      remember_pickups=True)
    shown, covered, gone = _frame((5, 0)), _frame(None), _frame(None)
    shown.avatar = covered.avatar = None
    covered.hidden = frozenset({100})  # under the (not yet known) avatar
    learner.start_episode(shown)
    learner.update(shown, "ACTION_RIGHT", covered, 0.0, False, None, None)
    assert not learner.missed
    learner.update(covered, "ACTION_RIGHT", gone, 0.0, False, None, None)  # the avatar, found, moved on
    assert learner.missed


def test_remembering_pick_ups_a_door_that_opened_for_a_key_it_stood_shut_without_takes_one() -> None:
    """What a door spends is not seen on pixels: a door once shut to an empty-handed avatar that opens
    for a held key is taken to cost one (sinking_key_ferry, every prior off: the memory kept the key,
    the second door then stayed shut and level 1 was never won; now levels 0-2 are)."""
    key_t, door = CAR, FLOOR
    behaviour = PriorSet(frozenset({"object_state"})).behaviour()
    for shut_before, price in ((True, (key_t, 1)), (False, None)):
        learner = Learner(Theory(avatar_type=AVATAR), behaviour, EMPAConfig().constants(), remember_pickups=True)
        start = Frame({999: (AVATAR, 1, 1), 5: (door, 2, 1)}, 999)
        learner.start_episode(start)
        if shut_before:
            learner.update(start, "ACTION_RIGHT", Frame({999: (AVATAR, 1, 1), 5: (door, 2, 1)}, 999), 0.0, False,
                           None, None)
        learner.took[key_t] = 1  # taken earlier, by memory
        before = Frame({999: (AVATAR, 1, 1), 5: (door, 2, 1)}, 999, {key_t: 1})
        after = Frame({999: (AVATAR, 1, 1)}, 999, {key_t: 1})
        learner.update(before, "ACTION_RIGHT", after, 1.0, False, None, None)
        assert learner.theory.rules[(door, AVATAR)].seen[-1].arg == price
        assert after.inventory == ({} if price else {key_t: 1}) and learner.took[key_t] == (0 if price else 1)


def test_without_the_movement_library_a_mover_goes_on_as_it_went_only_once_its_heading_held() -> None:
    """No library: three straight moves make no missile (the library's grid would), eight pairs kept do;
    a random walker stays random."""
    learner = _learner("movement_library")
    pairs = int(learner.c["heading_pairs"])
    _drive(learner, [(1 + k, 0) for k in range(4)])
    assert learner.theory.movement[CAR].kind == "random"
    _drive(learner, [(1 + k, 0) for k in range(pairs + 2)])
    assert learner.theory.movement[CAR].kind == "missile"
    walker = MoveStats(seen=40, moves=20, pairs=19, straight=10, toward=11, away=9,
                       directions=Counter({(1, 0): 10, (0, 1): 10}), gaps=Counter({2: 19}))
    assert learner._classify(walker).kind == "random"


def test_without_the_movement_library_only_clear_evidence_makes_a_mover_approach_or_avoid_the_avatar() -> None:
    """No library: a mover is taken to approach (avoid) the avatar only once more of its moves went toward
    (away from) it than a random walker's could at most (half) by a binomial test; the library takes four
    such moves as enough. Six moves of six toward (1 in 64 by chance) are not, nor fifteen of twenty (1 in 50);
    nineteen of twenty are, and so are 32 of 40."""
    learner, library = _learner("movement_library"), _learner()
    for toward, away, moves, kind in ((6, 0, 6, "random"), (19, 1, 20, "chaser"), (32, 8, 40, "chaser"),
                                      (15, 5, 20, "random"), (1, 19, 20, "fleer"), (12, 8, 20, "random")):
        stats = MoveStats(seen=40, moves=moves, pairs=moves - 1, straight=moves // 2, toward=toward, away=away,
                          directions=Counter({(1, 0): moves // 2, (0, 1): moves - moves // 2}), gaps=Counter({2: 19}))
        assert learner._classify(stats).kind == kind, (toward, away, moves)
    few = MoveStats(seen=12, moves=6, pairs=5, straight=3, toward=6, directions=Counter({(1, 0): 3, (0, 1): 3}),
                    gaps=Counter({2: 5}))
    assert library._classify(few).kind == "chaser"


def test_per_object_the_type_follows_its_most_mobile_object_seen_move_most() -> None:
    """color_is_type off: of two cars that moved at every sighting, the one seen make many moves speaks
    for the type (one seen twice tells nothing of its heading)."""
    learner = _learner("color_is_type", "movement_library")
    learner.stats[(CAR, 1)] = MoveStats(seen=2, moves=2, pairs=1, straight=0, directions=Counter({(1, 0): 1,
                                                                                                   (0, 1): 1}))
    learner.stats[(CAR, 2)] = MoveStats(seen=12, moves=12, pairs=11, straight=11, directions=Counter({(1, 0): 12}))
    learner._fit()
    assert learner.theory.movement[CAR].kind == "missile"
    learner.stats[(CAR, 3)] = MoveStats(seen=2, moves=2, pairs=1, straight=0, directions=Counter({(0, 1): 2}))
    learner._fit()  # the latest look-alike seen twice does not take over
    assert learner.theory.movement[CAR].kind == "missile"


def test_a_death_as_a_mover_comes_in_blames_the_mover_alone() -> None:
    """The avatar steps onto a rail it never met as a train runs into the same cell, and dies: the train
    is blamed, not the rail as well (which would stay deadly in the record: every route crosses rails)."""
    rail, train = 5, CAR
    learner = _learner()
    th = learner.theory
    before = Frame({999: (AVATAR, 1, 0), 2: (rail, 2, 0), 100: (train, 3, 0)}, 999)
    learner.start_episode(before)
    dead = Frame({2: (rail, 2, 0), 100: (train, 2, 0)}, None)
    learner.update(before, "ACTION_RIGHT", dead, -1.0, True, "LOSE", None)
    assert [o.outcome for o in th.rules[(AVATAR, train)].seen] == ["kill"]
    assert (AVATAR, rail) not in th.rules


def test_a_mover_that_goes_its_own_way_as_the_avatar_comes_in_was_never_met() -> None:
    """A train known to move runs on ahead of the avatar, which steps into the cell it leaves: no push,
    no harmless meeting."""
    learner = _learner()
    th = learner.theory
    _drive(learner, [(3 + k, 0) for k in range(4)])  # the train is a known mover, going right
    assert th.movement[CAR].kind == "missile"
    behind = _frame((7, 0), avatar=(6, 0))
    learner.update(_frame((6, 0), avatar=(5, 0)), "ACTION_RIGHT", behind, 0.0, False, None, None)
    learner.update(behind, "ACTION_RIGHT", _frame((8, 0), avatar=(7, 0)), 0.0, False, None, None)
    assert (CAR, AVATAR) not in th.rules and (AVATAR, CAR) not in th.rules


def test_without_avatar_known_an_avatar_that_goes_on_by_itself_is_an_ongoing_one() -> None:
    """Right after a move, with nothing pressed, it moved on the same way three times: OngoingAvatar (and
    back to MovingAvatar once stops outweigh)."""
    def step(learner: Learner, x: int, action: str, to: int) -> None:
        learner.update(_frame(None, avatar=(x, 0)), action, _frame(None, avatar=(to, 0)), 0, False, None, None)

    learner = _learner("avatar_known")
    th = learner.theory
    th.avatar_class = th.avatar_classes[AVATAR] = "MovingAvatar"
    start = _frame(None, avatar=(0, 0))
    learner.start_episode(start)
    for x in (0, 2, 4):
        step(learner, x, "ACTION_RIGHT", x + 1)
        step(learner, x + 1, "ACTION_NIL", x + 2)  # it went on
    assert th.avatar_class == th.avatar_classes[AVATAR] == "OngoingAvatar"
    for x in (6, 7, 8):
        step(learner, x, "ACTION_RIGHT", x + 1)
        step(learner, x + 1, "ACTION_NIL", x + 1)  # it stopped
    assert th.avatar_class == "MovingAvatar"
    told = _learner()  # avatar_known on: the told class is never changed
    told.theory.avatar_class = "MovingAvatar"
    told.start_episode(start)
    for x in (0, 2, 4, 6):
        step(told, x, "ACTION_RIGHT", x + 1)
        step(told, x + 1, "ACTION_NIL", x + 2)
    assert told.theory.avatar_class == "MovingAvatar"


def test_per_object_a_movers_first_heading_is_known_again_on_the_next_attempt() -> None:
    """color_is_type off: before a car has moved this attempt, its heading is the one it first took from
    the same start on the last attempt (the same level's layout)."""
    learner = _learner("color_is_type")
    frames = [_frame((5 - k, 0)) for k in range(4)]  # it goes left
    learner.start_episode(frames[0], level=2)
    assert 100 not in learner.headings()
    for before, after in zip(frames, frames[1:], strict=False):
        learner.update(before, "ACTION_NIL", after, 0.0, False, None, None)
    learner.start_episode(frames[0], level=2)
    assert learner.headings()[100] == (-1, 0)
    learner.start_episode(frames[0], level=3)  # another level: another layout
    assert 100 not in learner.headings()


def test_without_avatar_known_the_shot_is_a_new_kind_beside_the_avatar_after_use_not_a_revealed_floor() -> None:
    """USE: the shot hits an emitter at once and a beam beside the avatar vanishes, showing the floor under
    it (a floor object never seen): the floor is no shot. The next USE shows a new kind there: the shot."""
    learner = _learner("avatar_known")
    beam, shot = 5, 6
    start = _frame(None, avatar=(4, 2))
    start.objects[300] = (beam, 5, 2)
    del start.objects[25]  # the floor under the beam is not shown
    learner.start_episode(start)
    revealed = _frame(None, avatar=(4, 2))
    revealed.objects[301] = revealed.objects.pop(25)  # a new floor object where the beam was
    learner.update(start, "ACTION_USE", revealed, 0.0, False, None, None)
    assert learner.theory.projectile is None
    fired = _frame(None, avatar=(4, 2))
    fired.objects[301] = fired.objects.pop(25)
    fired.objects[400] = (shot, 5, 2)
    learner.update(revealed, "ACTION_USE", fired, 0.0, False, None, None)
    assert learner.theory.projectile == shot


def test_without_the_event_log_a_floor_shown_where_things_vanished_killed_nothing() -> None:
    """A beam and its emitter vanish together (a shot out of sight hit the emitter): the floor shown under
    them is a still kind revealed, not a mover that came in and killed them."""
    learner = _learner("event_log", "interaction_library")
    beam = 5
    still = _frame(None)
    for cell, oid in ((25, 300), (26, 301)):
        still.objects[oid] = (beam, *still.objects.pop(cell)[1:])
    learner.start_episode(still)
    for _ in range(3):
        learner.update(still, "ACTION_NIL", still, 0.0, False, None, None)
    assert learner.theory.movement[FLOOR].kind == "static"
    shown = _frame(None)
    shown.objects[401], shown.objects[402] = shown.objects.pop(25), shown.objects.pop(26)
    learner.update(still, "ACTION_NIL", shown, 0.0, False, None, None)
    assert (beam, FLOOR) not in learner.theory.rules


def test_without_rollouts_and_the_library_short_lived_shots_are_missiles_on_all_their_flights() -> None:
    """Each shot flies four cells from beside the avatar and is gone: no one shot has enough pairs of moves
    to judge its heading, but its flights together do (counted from the first tick without rollouts)."""
    shot = 5
    learners = {"rollout": _learner("movement_library", "color_is_type"),
                "no rollout": _learner("projectile_rollout", "movement_library", "color_is_type")}
    for learner in learners.values():
        learner.theory.projectile = shot
        learner.start_episode(_frame(None))
        for k in range(3):
            frames = []
            for x in (*range(1, 6), None):
                frame = _frame(None)
                if x is not None:
                    frame.objects[500 + k] = (shot, x, 3)
                frames.append(frame)
            for before, after in zip(frames, frames[1:], strict=False):
                learner.update(before, "ACTION_NIL", after, 0.0, False, None, None)
    assert learners["no rollout"].theory.movement[shot].kind == "missile"
    assert learners["rollout"].theory.movement[shot].kind == "random"  # 3 pairs short: beside the avatar uncounted


SHOT, TARGET, BEAM, PEN, WALL, NEW_LOOK = 5, 6, 7, 8, 9, 10


def _room(extra: dict[int, tuple[int, int, int]], floors_under: bool = True, hiding: tuple[int, ...] = (),
          avatar: tuple[int, int] | None = (1, 3)) -> Frame:
    """A 9 x 5 room walled round, floor inside, the avatar (id 999) at (1, 3), and ``extra`` objects by id.
    ``floors_under`` off, as pixels show it: no floor where something else is, except under the objects
    ``hiding`` (known movers: the floor is kept there, perceived as covered). ``avatar``: its cell (None:
    dead)."""
    taken = {(x, y) for oid, (_, x, y) in extra.items() if oid not in hiding} | ({avatar} if avatar else set())
    covered = {(x, y) for oid, (_, x, y) in extra.items() if oid in hiding}
    objects: dict[int, tuple[int, int, int]] = {}
    for y in range(5):
        for x in range(9):
            if x in (0, 8) or y in (0, 4):
                objects[9 * y + x] = (WALL, x, y)
            elif floors_under or (x, y) not in taken:
                objects[9 * y + x] = (FLOOR, x, y)  # (a floor keeps its id while it shows)
    hidden = frozenset(9 * y + x for x, y in covered) if not floors_under else frozenset()
    if avatar is None:
        return Frame({**objects, **extra}, None, hidden=hidden)
    return Frame({**objects, **extra, 999: (AVATAR, *avatar)}, 999, hidden=hidden)


def _shot_flies(learner: Learner, xs: list[int], still: dict[int, tuple[int, int, int]],
                after: dict[int, tuple[int, int, int]]) -> None:
    """A shot (id 500) flies right along row 1 through ``xs`` and is gone; ``still`` stands meanwhile,
    ``after`` is what is left of it then."""
    frames = [_room({**still, 500: (SHOT, x, 1)}) for x in xs] + [_room(after)]
    learner.start_episode(frames[0])
    for before, nxt in zip(frames, frames[1:], strict=False):
        learner.update(before, "ACTION_NIL", nxt, 0.0, False, None, None)


def test_without_the_event_log_a_shot_and_its_target_gone_together_killed_each_other() -> None:
    """The shot flew into the target and both went, and every beam went with them: each killed the other,
    and that contact cleared the beams (a switch), which the simulator runs as killAll."""
    learner = _learner("event_log", "interaction_library")
    target_and_beams = {600: (TARGET, 7, 1), 700: (BEAM, 7, 2), 701: (BEAM, 7, 3)}
    _shot_flies(learner, [3, 4, 5, 6], target_and_beams, {})
    rules = learner.theory.rules
    assert rules[(SHOT, TARGET)].seen[-1].outcome == "kill"
    assert (rules[(TARGET, SHOT)].seen[-1].outcome, rules[(TARGET, SHOT)].seen[-1].arg) == ("kill+clear", BEAM)
    assert not any(o.outcome == "kill" for o in rules[(SHOT, FLOOR)].seen)  # it crossed floors unharmed


def test_without_the_event_log_a_shot_gone_at_a_wall_was_killed_by_the_wall() -> None:
    learner = _learner("event_log", "interaction_library")
    _shot_flies(learner, [3, 4, 5, 6, 7], {}, {})
    assert learner.theory.rules[(SHOT, WALL)].seen[-1].outcome == "kill"
    assert not any(o.outcome == "kill" for o in learner.theory.rules[(SHOT, FLOOR)].seen)


def test_without_the_event_log_a_mover_gone_beside_a_wall_went_into_what_lay_ahead() -> None:
    """A sheep walking left vanished beside the top wall, facing a pen: the pen took it, not the wall."""
    learner = _learner("event_log", "interaction_library")
    frames = [_room({400: (CAR, x, 1), 800: (PEN, 1, 1)}) for x in (5, 4, 3, 2)] + [_room({800: (PEN, 1, 1)})]
    learner.start_episode(frames[0])
    for before, nxt in zip(frames, frames[1:], strict=False):
        learner.update(before, "ACTION_NIL", nxt, 0.0, False, None, None)
    assert learner.theory.rules[(CAR, PEN)].seen[-1].outcome == "kill"
    assert (CAR, WALL) not in learner.theory.rules


def test_on_pixels_a_floor_covered_by_a_new_look_was_not_killed_with_the_mover_that_vanished() -> None:
    """A dart flying left over a beam takes a new look (a new object) on the next floor, which that look
    covers: the floor did not go with the dart, so neither killed the other."""
    learner = _learner("event_log", "interaction_library")
    frames = [_room({500: (SHOT, x, 1)}, floors_under=False, hiding=(500,)) for x in (7, 6, 5)]
    frames.append(_room({501: (NEW_LOOK, 4, 1)}, floors_under=False))
    learner.start_episode(frames[0])
    for before, nxt in zip(frames, frames[1:], strict=False):
        learner.update(before, "ACTION_NIL", nxt, 0.0, False, None, None)
    rules = learner.theory.rules
    assert (FLOOR, SHOT) not in rules
    assert not any(o.outcome == "kill" for o in rules.get((SHOT, FLOOR), Rule()).seen)


FUEL, LAVA = 11, 12


def _lava_strip(cells: dict[int, tuple[int, int, int]], steps: list[tuple[int | None, tuple[int, ...], tuple[int, ...]]]
                ) -> tuple[Learner, Frame]:
    """Pixels without bars, remembering pick-ups: the avatar walks right along row 1 over ``cells``; each
    step is (its column or None: dead, the ids gone, the ids it covers)."""
    learner = Learner(Theory(avatar_type=AVATAR), PriorSet(frozenset({"object_state", "event_log"})).behaviour(),
                      EMPAConfig().constants(), remember_pickups=True)
    ground = {9 * y + x: (FLOOR, x, y) for y in (2,) for x in range(1, 8)}

    def frame(avatar_x: int | None, gone: tuple[int, ...], hidden: tuple[int, ...]) -> Frame:
        objects = {**ground, **{o: v for o, v in cells.items() if o not in gone and o not in hidden}}
        if avatar_x is not None:
            objects[999] = (AVATAR, avatar_x, 1)
        return Frame(objects, 999 if avatar_x is not None else None, hidden=frozenset(hidden))

    frames = [frame(*step) for step in steps]
    learner.start_episode(frames[0])
    for before, nxt in zip(frames, frames[1:], strict=False):
        nxt.inventory = {r: n for r, n in learner.took.items() if n > 0}  # (as the agent does)
        learner.update(before, "ACTION_RIGHT", nxt, 0.0, nxt.avatar is None, "LOSE" if nxt.avatar is None else None,
                       None)
    return learner, frames[0]


def test_remembering_pick_ups_a_death_on_lava_crossed_safely_holding_fuel_is_a_hidden_drain() -> None:
    """Pixels without bars: the avatar took one fuel, stood on lava unharmed (the fuel it burnt there is not
    seen), and died stepping onto more lava. The lava spends a fuel each tick and kills with none left:
    what the engine's killIfHasLess and changeResource do."""
    learner, first = _lava_strip({50: (FUEL, 2, 1), 60: (LAVA, 3, 1), 61: (LAVA, 4, 1)},
                                 [(1, (), ()), (2, (50,), ()), (3, (50,), (60,)), (None, (50,), ())])
    rule = learner.theory.rules[(AVATAR, LAVA)]
    assert {(o.outcome, o.arg) for o in rule.seen} == {("drain", (FUEL, -1)), ("kill", None)}
    pre = rule.precondition()
    assert pre is not None and (pre.with_resource, pre.without, pre.resource, pre.amount) == ("drain", "kill", FUEL, 1)
    text = compile_theory(learner.theory, first, {}).game_text
    assert f"t{AVATAR} t{LAVA} > killIfHasLess resource=t{FUEL} limit=0" in text
    assert f"t{AVATAR} t{LAVA} > changeResource resource=t{FUEL} value=-1" in text


RUG = 13


def test_remembering_pick_ups_a_death_on_lava_entered_from_a_rug_is_no_drain() -> None:
    """Lava crossed safely holding fuel, then a rug, then a death stepping onto lava: the death did not come
    after a tick on the lava, so nothing says the lava burnt what was held (a trap drawn like lava would die
    the same way)."""
    learner, _ = _lava_strip({80: (RUG, 2, 1), 50: (FUEL, 3, 1), 60: (LAVA, 4, 1), 81: (RUG, 5, 1), 61: (LAVA, 6, 1)},
                             [(1, (), ()), (2, (), (80,)), (3, (50,), ()), (4, (50,), (60,)), (5, (50,), (81,)),
                              (None, (50,), ())])
    assert not any(o.outcome == "drain" for o in learner.theory.rules[(AVATAR, LAVA)].seen)
    assert not any(o.outcome == "drain" for o in learner.theory.rules[(AVATAR, RUG)].seen)


def test_remembering_pick_ups_water_crossed_with_one_key_that_drowns_under_two_kills_from_two() -> None:
    """Pixels without bars: water borne safely holding one key, then a second key taken, then a death
    stepping into water. The water was only ever met holding less: it kills under that load (the
    engine's killIfHasMore), and stays safe with one key."""
    key, water = FUEL, LAVA
    learner, first = _lava_strip({50: (key, 2, 1), 60: (water, 3, 1), 51: (key, 4, 1), 61: (water, 5, 1)},
                                 [(1, (), ()), (2, (50,), ()), (3, (50,), (60,)), (4, (50, 51), ()),
                                  (None, (50, 51), ())])
    rule = learner.theory.rules[(AVATAR, water)]
    pre = rule.precondition()
    assert pre is not None and (pre.with_resource, pre.without, pre.resource, pre.amount) == ("kill", "nothing", key, 2)
    assert rule.outcome(((key, 1),), True)[0] == "nothing"
    text = compile_theory(learner.theory, first, {}).game_text
    assert f"t{AVATAR} t{water} > killIfHasMore resource=t{key} limit=2" in text


def test_remembering_pick_ups_a_death_where_the_avatar_held_what_it_held_there_before_blames_no_load() -> None:
    """Water borne holding two keys, then a death in water holding two: the load is not what changed, so
    the water is not blamed for it (it stays unexplained)."""
    key, water = FUEL, LAVA
    learner, _ = _lava_strip({50: (key, 2, 1), 51: (key, 3, 1), 60: (water, 4, 1), 61: (water, 6, 1)},
                             [(1, (), ()), (2, (50,), ()), (3, (50, 51), ()), (4, (50, 51), (60,)),
                              (5, (50, 51), ()), (None, (50, 51), ())])
    assert not any(o.outcome == "kill" for o in learner.theory.rules[(AVATAR, water)].seen)


def test_without_the_event_log_what_only_seemed_pushed_is_blamed_when_the_avatar_dies_stepping_into_it() -> None:
    """A hornet flew on as the avatar stepped into its cell (it looked pushed: they never shared a cell), then
    the avatar stepped into it and died: the hornet killed it (it is no floor the avatar stood on safely)."""
    learner = _learner("event_log", "interaction_library")
    frames = [_room({600: (CAR, 3, 2)}, avatar=(2, 2)), _room({600: (CAR, 4, 2)}, avatar=(3, 2)),
              _room({600: (CAR, 4, 2)}, avatar=None)]
    learner.start_episode(frames[0])
    learner.update(frames[0], "ACTION_RIGHT", frames[1], 0.0, False, None, None)
    assert learner.theory.rules[(CAR, AVATAR)].seen[-1].outcome == "push"
    learner.update(frames[1], "ACTION_RIGHT", frames[2], 0.0, True, "LOSE", None)
    assert learner.theory.rules[(AVATAR, CAR)].seen[-1].outcome == "kill"


def test_without_the_event_log_a_missile_flying_on_between_its_moves_was_not_pushed() -> None:
    """A known missile heading right, still last tick (it moves every other tick), flies on as the avatar steps
    into its cell from behind: it went its own way, nobody pushed it."""
    learner = _learner("event_log", "interaction_library")
    learner.theory.movement[CAR] = Movement("missile", cooldown=2, orientation=(1, 0))
    frames = [_room({600: (CAR, 3, 2)}, avatar=(2, 2)), _room({600: (CAR, 4, 2)}, avatar=(3, 2))]
    learner.start_episode(frames[0])
    learner.last_dir[600] = (1, 0)
    learner.update(frames[0], "ACTION_RIGHT", frames[1], 0.0, False, None, None)
    assert (CAR, AVATAR) not in learner.theory.rules


@pytest.mark.parametrize("seen_before", [False, True])
def test_without_the_event_log_a_mover_on_its_first_move_goes_the_way_it_first_went_before(seen_before: bool) -> None:
    """color_is_type off: a hornet that flew right from this start on an earlier attempt flies on, on its first
    move of this one, as the avatar steps into its cell: it went its own way. Never seen to move from there,
    the same frames read as a push."""
    learner = _learner("event_log", "interaction_library", "color_is_type")
    learner.theory.movement[CAR] = Movement("missile", cooldown=2, orientation=(1, 0))
    if seen_before:  # the earlier attempt: the avatar far away, the hornet flies right from (3, 2)
        far = [_room({600: (CAR, 3, 2)}, avatar=(1, 1)), _room({600: (CAR, 4, 2)}, avatar=(1, 1))]
        learner.start_episode(far[0], level=1)
        learner.update(far[0], "ACTION_NIL", far[1], 0.0, False, None, None)
    frames = [_room({600: (CAR, 3, 2)}, avatar=(2, 2)), _room({600: (CAR, 4, 2)}, avatar=(3, 2))]
    learner.start_episode(frames[0], level=1)
    learner.update(frames[0], "ACTION_RIGHT", frames[1], 0.0, False, None, None)
    pushes = [o for o in learner.theory.rules.get((CAR, AVATAR), Rule()).seen if o.outcome == "push"]
    assert bool(pushes) != seen_before


def test_without_the_movement_library_per_object_a_type_approaches_on_all_its_objects_moves() -> None:
    """color_is_type off, on pixels: a goat's track is cut into pieces, and the piece that speaks for the
    type (the most mobile: four moves in five sightings) is too short to show anything; all the goat's
    pieces together went toward the avatar in 99 moves of 99, so the type approaches it, at the pace of all
    its pieces (a move every second tick; the short piece moved at four of five sightings)."""
    learner = _learner("color_is_type", "movement_library")
    learner.stats[(CAR, 1)] = MoveStats(seen=5, moves=4, pairs=3, straight=1, toward=4,
                                        directions=Counter({(1, 0): 2, (0, 1): 2}))
    learner._fit()
    assert learner.theory.movement[CAR].kind == "random"
    learner.stats[(CAR, 2)] = MoveStats(seen=190, moves=95, pairs=74, straight=51, toward=95,
                                        directions=Counter({(1, 0): 50, (0, 1): 45}), gaps=Counter({2: 66}))
    learner._fit()
    assert (learner.theory.movement[CAR].kind, learner.theory.movement[CAR].cooldown) == ("chaser", 2)


def test_without_the_movement_library_a_mover_that_shortens_its_route_round_walls_follows_routes() -> None:
    """A hunter behind a wall goes round it: its moves shorten the walkable route to the avatar (counted
    round what blocks the avatar) more often than the straight-line distance. Nineteen moves of twenty
    along the route, twelve straight toward: it follows routes; as many one way as the other: it does not."""
    learner = _learner("movement_library")
    learner.theory.walls = {3}
    floor = {i: (FLOOR, i % 5, i // 5) for i in range(5 * 4)}  # 5 x 4
    wall = {100 + y: (3, 2, y) for y in range(3)}  # a wall from the top down to row 2, at x = 2
    frame = Frame({**floor, **wall, 999: (AVATAR, 4, 0)}, 999)
    routes = learner._routes_to(frame, (4, 0))
    assert routes[(1, 0)] == 3 + 3 + 3 and (2, 0) not in routes  # down to row 3, across, and back up
    for toward, route_toward, follows in ((12, 19, True), (19, 19, False)):
        stats = MoveStats(seen=40, moves=20, pairs=19, straight=10, toward=toward, route_toward=route_toward,
                          directions=Counter({(1, 0): 10, (0, 1): 10}), gaps=Counter({2: 19}))
        model = learner._classify(stats)
        assert (model.kind, model.routes) == ("chaser", follows)


def _shove_row(avatar_x: int, crate_x: int | None, cracked: bool, hidden: frozenset[int] = frozenset()) -> Frame:
    """One row: the avatar (id 999), a crate (id 70) where given, a cracked wall (id 80) at x=3."""
    objects = {999: (AVATAR, avatar_x, 0)}
    if crate_x is not None:
        objects[70] = (5, crate_x, 0)
    if cracked:
        objects[80] = (6, 3, 0)
    return Frame(objects, 999, hidden=hidden)


@pytest.mark.parametrize("covered", [False, True])
def test_a_pushed_crate_that_vanishes_as_it_is_shoved_met_what_lay_beyond_it(covered: bool) -> None:
    """Without the event log: a crate the avatar pushes, shoved into a cracked wall, both gone, was not picked up
    (on pixels the avatar's tile hides the crate's old cell: the crate looks covered, not gone)."""
    crate, cracked = 5, 6
    learner = _learner()
    frames = [_shove_row(0, 1, True), _shove_row(1, 2, True),
              _shove_row(2, 2 if covered else None, False, hidden=frozenset({70}) if covered else frozenset())]
    learner.start_episode(frames[0])
    for before, after in zip(frames, frames[1:], strict=False):
        learner.update(before, "ACTION_RIGHT", after, 0.0, False, None, None)
    rules = learner.theory.rules
    assert {o.outcome for o in rules[(crate, AVATAR)].seen} == {"push"}
    assert [o.outcome for o in rules[(crate, cracked)].seen] == ["kill"]
    assert [o.outcome for o in rules[(cracked, crate)].seen] == ["kill"]
    assert crate not in learner.theory.resources
    assert not learner.covered  # nothing left to judge later as a pick-up


def test_a_thing_never_seen_pushed_that_vanishes_as_the_avatar_comes_is_its_contact() -> None:
    learner = _learner()
    before, after = _shove_row(1, 2, True), _shove_row(2, None, False)
    learner.start_episode(before)
    learner.update(before, "ACTION_RIGHT", after, 0.0, False, None, None)
    rules = learner.theory.rules
    assert (5, 6) not in rules
    assert {o.outcome for o in rules[(5, AVATAR)].seen} <= {"collect", "kill"}


def test_a_contact_that_takes_health_is_learned_with_the_health_it_took() -> None:
    """subtractHealthPoints (event log, health observed): the argument is the health the avatar lost, so
    the mental game can tell a laser that takes three points from one that takes one; at a death, at
    least what the avatar had left was taken, and as much as the contact took before."""
    laser = FLOOR
    learner = _learner()
    before = Frame({999: (AVATAR, 1, 1), 5: (laser, 2, 1)}, 999, health={999: 5, 5: 0})
    after = Frame({999: (AVATAR, 2, 1), 5: (laser, 2, 1)}, 999, health={999: 2, 5: 0})
    hit = [{"effect": "subtractHealthPoints", "channel1": AVATAR, "channel2": laser, "id1": 999, "id2": 5}]
    learner.start_episode(before)
    learner.update(before, "ACTION_RIGHT", after, -1.0, False, None, hit)
    assert learner.theory.rules[(AVATAR, laser)].outcome((), True)[:2] == ("subtractHealthPoints", 3)
    dead = Frame({5: (laser, 2, 1)}, None, health={5: 0})
    learner.update(after, "ACTION_NIL", dead, -1.0, True, "LOSE", hit)  # 2 left: at least 2, as before 3
    assert learner.theory.rules[(AVATAR, laser)].outcome((), True)[:2] == ("subtractHealthPoints", 3)
    unseen = Frame({999: (AVATAR, 1, 1), 5: (laser, 2, 1)}, 999)  # pixels: no health column
    learner.update(unseen, "ACTION_RIGHT", Frame({5: (laser, 2, 1)}, None), -1.0, True, "LOSE", hit)
    assert learner.theory.rules[(AVATAR, laser)].outcome((), True)[:2] == ("subtractHealthPoints", None)
