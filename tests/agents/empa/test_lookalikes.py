"""Look-alikes split off their appearance by what they did, and known again on the next attempt."""

from __future__ import annotations

from agents.empa.lookalikes import FIRST_KIND, LookAlikes
from agents.empa.perception import Frame

FLOOR, COIN, AVATAR = 0, 1, 2


def _level(coins: dict[int, int], avatar_x: int = 0) -> Frame:
    """One row: floor tiles (ids 0-5), coins (id -> x), the avatar (id 99)."""
    objects = {x: (FLOOR, x, 0) for x in range(6)}
    objects.update({oid: (COIN, x, 0) for oid, x in coins.items()})
    objects[99] = (AVATAR, avatar_x, 0)
    return Frame(objects, 99)


def test_the_rarest_culprit_becomes_a_kind_known_again_by_its_start_cell() -> None:
    looks = LookAlikes()
    first = _level({10: 2, 11: 4})
    looks.start_episode(first, level=3)
    assert first.objects[11] == (COIN, 4, 0)  # nothing split yet
    moved = _level({10: 2, 11: 3}, avatar_x=3)  # the one at x=4 moved to x=3 and the avatar died there
    kinds = looks.split(moved, {3, 11}, after=moved, taken=_coins_taken)  # the floor tile and the coin-like thing
    assert kinds == {FIRST_KIND}  # only the rarer appearance: not the floor
    looks.relabel(moved)
    assert moved.objects[11] == (FIRST_KIND, 3, 0) and moved.objects[10] == (COIN, 2, 0)
    # the next attempt: new ids, the same layout; the object starting at x=4 is that kind from the start
    again = Frame({**{x: (FLOOR, x, 0) for x in range(6)}, 20: (COIN, 2, 0), 21: (COIN, 4, 0), 98: (AVATAR, 0, 0)}, 98)
    looks.start_episode(again, level=3)
    assert again.objects[21] == (FIRST_KIND, 4, 0) and again.objects[20] == (COIN, 2, 0)
    assert again.counts()[COIN] == 1
    # another level's object starting there is not that kind
    other = _level({30: 4})
    looks.start_episode(other, level=4)
    assert other.objects[30] == (COIN, 4, 0)


def test_objects_that_appeared_during_the_attempt_are_not_split() -> None:
    looks = LookAlikes()
    looks.start_episode(_level({10: 2}), level=0)
    later = _level({10: 2, 12: 5})  # id 12 appeared after the first frame: not known again next time
    assert looks.split(later, {12}, after=later, taken=_coins_taken) == set()
    assert looks.kinds == {}


def test_a_culprit_that_went_with_the_avatar_or_whose_look_alikes_are_not_taken_is_not_split() -> None:
    """A third curse (taken like the others; the death came from the count) and a lava cell (never
    taken: the death came from the fuel running out) are not look-alikes of their safe kin."""
    looks = LookAlikes()
    first = _level({10: 2, 11: 4})
    looks.start_episode(first, level=0)
    died = _level({10: 2, 11: 4}, avatar_x=4)
    gone = Frame({o: v for o, v in died.objects.items() if o not in (11, 99)})  # taken, and the avatar died
    assert looks.split(died, {4, 11}, after=gone, taken=_coins_taken) == set()
    assert looks.split(died, {4, 11}, after=died, taken=lambda t: False) == set()
    assert looks.kinds == {}
    assert looks.split(died, {4, 11}, after=died, taken=_coins_taken) == {FIRST_KIND}


def _coins_taken(appearance: int) -> bool:
    return appearance == COIN
