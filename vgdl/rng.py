"""The game's random generator: ``java.util.Random``'s algorithm, one per game.

Why this algorithm: GVGAI draws all of a game's randomness from one seeded
``java.util.Random``. Using the same 48-bit linear congruential generator (and
the same draw order) lets our engine reproduce GVGAI's traces of stochastic
games, not just their statistics. Its whole state is one integer, so copying a
game for a planner copies its future randomness for free, and the sequence is
the same on every platform and Python version (unlike :mod:`random`).
"""

from __future__ import annotations

_MULTIPLIER = 0x5DEECE66D
_ADDEND = 0xB
_MASK = (1 << 48) - 1
_DOUBLE_UNIT = 1.0 / (1 << 53)


class JavaRandom:
    """A seeded generator with ``java.util.Random``'s outputs for the same seed."""

    __slots__ = ("_seed",)

    def __init__(self, seed: int = 0) -> None:
        self._seed = (seed ^ _MULTIPLIER) & _MASK

    def copy(self) -> JavaRandom:
        twin = JavaRandom.__new__(JavaRandom)
        twin._seed = self._seed
        return twin

    @property
    def state(self) -> int:
        return self._seed

    def _next(self, bits: int) -> int:
        self._seed = (self._seed * _MULTIPLIER + _ADDEND) & _MASK
        value = self._seed >> (48 - bits)
        if bits == 32 and value >= 1 << 31:
            value -= 1 << 32
        return value

    def next_int(self, bound: int | None = None) -> int:
        """``nextInt()`` (any 32-bit int) or ``nextInt(bound)`` (``0 <= n < bound``)."""
        if bound is None:
            return self._next(32)
        if bound <= 0:
            raise ValueError("bound must be positive")
        seed = self._seed = (self._seed * _MULTIPLIER + _ADDEND) & _MASK  # _next(31), written out: hot
        r = seed >> 17
        m = bound - 1
        if bound & m == 0:  # a power of two
            return (bound * r) >> 31
        u = r
        r = u % bound
        while u - r + m >= 1 << 31:  # Java: int overflow makes this negative
            u = self._next(31)
            r = u % bound
        return r

    def next_double(self) -> float:
        """``nextDouble()``: uniform in [0, 1)."""
        return ((self._next(26) << 27) + self._next(27)) * _DOUBLE_UNIT

    def next_float(self) -> float:
        seed = self._seed = (self._seed * _MULTIPLIER + _ADDEND) & _MASK  # _next(24), written out: hot
        return (seed >> 24) / 16777216.0

    def next_boolean(self) -> bool:
        return self._next(1) != 0

    def choice(self, items: list):  # type: ignore[no-untyped-def]
        """``items[nextInt(len(items))]``, GVGAI's usual way of picking at random."""
        return items[self.next_int(len(items))]
