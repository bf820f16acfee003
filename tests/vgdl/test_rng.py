"""The game's generator reproduces java.util.Random exactly (values recorded from OpenJDK 17)."""

from __future__ import annotations

import pytest

from vgdl.rng import JavaRandom

# (seed, nextInt(), nextInt(10), nextInt(16), nextInt(1000000007), nextDouble(), nextBoolean(), nextInt(3))
JAVA = [
    (0, -1155484576, 8, 3, 302116440, 0.6374174253501083, False, 0),
    (12345, 1553932502, 0, 14, 969488821, 0.8330913489710237, False, 1),
    (-7, 1155869324, 7, 10, 119890471, 0.14642584103164424, False, 1),
]


@pytest.mark.parametrize("row", JAVA)
def test_matches_java(row: tuple) -> None:
    seed, i32, i10, i16, ibig, d, _, i3 = row
    r = JavaRandom(seed)
    assert r.next_int() == i32
    assert r.next_int(10) == i10
    assert r.next_int(16) == i16
    assert r.next_int(1000000007) == ibig
    assert r.next_double() == d
    r.next_float()
    r.next_boolean()
    assert r.next_int(3) == i3


def test_copy_continues_the_same_sequence() -> None:
    r = JavaRandom(42)
    r.next_double()
    twin = r.copy()
    assert [r.next_int(100) for _ in range(20)] == [twin.next_int(100) for _ in range(20)]


def test_bad_bound() -> None:
    with pytest.raises(ValueError):
        JavaRandom(1).next_int(0)
