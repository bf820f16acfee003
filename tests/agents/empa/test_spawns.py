"""Spawn points on their own: found from frames, told apart from the floor, simulated."""

from __future__ import annotations

from agents.empa.perception import Frame
from agents.empa.simulator import compile_theory, mental_game
from agents.empa.spawns import SpawnTracker
from agents.empa.theory import Movement, Theory

FLOOR, GARAGE, CAR, AVATAR, BOX = 0, 1, 2, 3, 4
WIDTH = 8


def _frame(cars: dict[int, tuple[int, int]], extra: dict[int, tuple[int, int, int]] | None = None) -> Frame:
    """An 8 x 3 floor, a garage at (0, 0), the avatar at (7, 2), cars by id."""
    objects: dict[int, tuple[int, int, int]] = {i: (FLOOR, i % WIDTH, i // WIDTH) for i in range(WIDTH * 3)}
    objects[50] = (GARAGE, 0, 0)
    objects[999] = (AVATAR, 7, 2)
    for oid, (x, y) in cars.items():
        objects[oid] = (CAR, x, y)
    objects.update(extra or {})
    return Frame(objects, 999)


def _garage_run(ticks: int, every: int) -> list[Frame]:
    """A car leaves the garage every ``every`` ticks and drives right one cell a tick."""
    frames, cars = [], {}
    for tick in range(ticks):
        cars = {oid: (x + 1, y) for oid, (x, y) in cars.items() if x + 1 < WIDTH}
        if tick % every == 0:
            cars[100 + tick] = (0, 0)
        frames.append(_frame(dict(cars)))
    return frames


def _track(frames: list[Frame]) -> Theory:
    theory = Theory(avatar_type=AVATAR)
    tracker = SpawnTracker(theory)
    for before, after in zip(frames, frames[1:], strict=False):
        tracker.update(before, after)
    return theory


def test_a_spawner_and_its_period_are_found_and_the_floor_is_not_blamed() -> None:
    theory = _track(_garage_run(30, every=3))
    assert list(theory.spawners) == [GARAGE]  # the floor lay under every new car too
    spawner = theory.spawners[GARAGE]
    assert (spawner.makes, spawner.cooldown, spawner.prob) == (CAR, 3, 1.0)


def test_a_transformation_is_not_a_spawn() -> None:
    """A box turning into a car leaves the car where the box was, but the box is gone."""
    frames = []
    for k in range(6):
        boxes = {200 + j: (BOX, j, 1) for j in range(k, 6)}
        cars = {300 + j: (j, 1) for j in range(k)}
        frames.append(_frame(cars, boxes))
    assert _track(frames).spawners == {}


def test_a_learned_spawner_makes_things_in_the_mental_game() -> None:
    theory = _track(_garage_run(30, every=3))
    theory.seen_types |= {FLOOR, GARAGE, CAR, AVATAR}
    theory.movement[CAR] = Movement("missile", 1, (1, 0))
    frame = _frame({})
    compiled = compile_theory(theory, frame, {})
    assert f"t{GARAGE} > SpawnPoint stype=t{CAR}r cooldown=3 prob=1.0" in compiled.game_text
    game = mental_game(compiled, frame, None, seed=0)
    for _ in range(7):
        game.step("ACTION_NIL")
    names = game.type_names
    assert sum(names[int(r[0])].startswith(f"t{CAR}") for r in game.object_table()) >= 2


def test_a_thing_that_grows_on_its_own_kind_is_not_a_spawn_point() -> None:
    """Slime spreading from slime: simulated as a spawn point, every new copy would spawn too."""
    frames = []
    for k in range(1, 7):
        grown = {300 + j: (BOX, j, 1) for j in range(k - 1)}  # each on a box that was there before
        frames.append(_frame({}, {200 + j: (BOX, j, 1) for j in range(k)} | grown))
    assert _track(frames).spawners == {}


def test_the_mental_game_spawns_on_the_real_games_steps() -> None:
    """The phase: a car leaves the garage on steps 0, 3, 6, ... of the real game; a mental game set up
    after step 10 must make its next car on step 12, two steps later (not at once, not after 3)."""
    frames = _garage_run(11, every=3)
    theory = Theory(avatar_type=AVATAR)
    tracker = SpawnTracker(theory)
    for before, after in zip(frames, frames[1:], strict=False):
        tracker.update(before, after)
    assert tracker.next_spawns() == {GARAGE: 1}  # 0: on the next step
    theory.seen_types |= {FLOOR, GARAGE, CAR, AVATAR}
    theory.movement[CAR] = Movement("missile", 1, (1, 0))
    frame = _frame({})
    game = mental_game(compile_theory(theory, frame, {}, spawn_due=tracker.next_spawns()), frame, None, seed=0)
    made = []
    for _ in range(7):
        before = len(game.object_table())
        game.step("ACTION_NIL")
        made.append(len(game.object_table()) > before)
    assert made == [False, True, False, False, True, False, False]


def test_a_spawner_that_makes_two_things_at_once_gets_a_period_of_at_least_one() -> None:
    """Two cars out of the garage on one step record a gap of 0; a period of 0 divided by zero."""
    frames, cars = [], {}
    for tick in range(12):
        cars = {oid: (x + 1, y) for oid, (x, y) in cars.items() if x + 1 < WIDTH}
        cars[100 + 2 * tick] = cars[101 + 2 * tick] = (0, 0)
        frames.append(_frame(dict(cars)))
    spawner = _track(frames).spawners[GARAGE]
    assert (spawner.makes, spawner.cooldown) == (CAR, 1)
