"""Look-alikes that behave differently: objects split off their appearance's type by what they did.

Why: with the prior ``color_is_type`` off, one appearance may hide two kinds (a coin and a mimic
drawn alike). Rules pool per appearance, so the one object that kills where its look-alikes are
safe is never blamed: the death stays unexplained and the agent walks into it on every attempt.
Here such an object becomes its own kind, named by the level, its appearance and the cell it
started in (an attempt at a level starts from the same layout, so the same object is known again
on the next attempt, before it has done anything), and frames carry that kind from then on.
"""

from __future__ import annotations

from collections.abc import Callable

from agents.empa.perception import Frame

#: Kinds made here are numbered from this, far above any appearance token a perceiver hands out.
FIRST_KIND = 1_000_000


class LookAlikes:
    """Kinds split off appearances, per (level, appearance, start cell)."""

    def __init__(self) -> None:
        self.kinds: dict[tuple[int | None, int, tuple[int, int]], int] = {}
        self._start: dict[int, tuple[int, int]] = {}  # this attempt: object id -> cell in the first frame
        self._level: int | None = None

    def start_episode(self, frame: Frame, level: int | None) -> None:
        """Remember where each object of the attempt's first frame stands (before relabelling it)."""
        self._level = level
        self._start = {oid: (x, y) for oid, (_, x, y) in frame.objects.items()}
        self.relabel(frame)

    def relabel(self, frame: Frame) -> None:
        """Give the objects split off earlier their own kind in this frame (in place)."""
        if not self.kinds:
            return
        for oid, (t, x, y) in list(frame.objects.items()):
            start = self._start.get(oid)
            kind = self.kinds.get((self._level, t, start)) if start is not None else None
            if kind is not None:
                frame.objects[oid] = (kind, x, y)

    def split(self, frame: Frame, culprits: set[int], after: Frame, taken: Callable[[int], bool]) -> set[int]:
        """Make the culprits (objects of ``frame``) kinds of their own; returns the new kinds.

        Only objects of the attempt's first frame can be known again, and only the rarest appearance
        among the culprits is split (the coin-like thing, not the floor under it), and only one that
        stayed (is in the next frame, ``after``) where the avatar's touch takes its look-alikes
        (``taken``: does it remove objects of this appearance?): a mimic among coins.
        Why: a death that comes from a count (a third curse held, lava with no fuel left) or from a
        mover whose kill was never seen also has no type to blame, and splitting the innocent object
        there made the agent fear it (or take it for the win) on every later attempt.
        """
        known = [o for o in culprits if o in frame.objects and o in self._start and o in after.objects
                 and frame.objects[o][0] < FIRST_KIND and taken(frame.objects[o][0])]
        if not known:
            return set()
        counts = frame.counts()
        rarest = min(counts[frame.objects[o][0]] for o in known)
        made: set[int] = set()
        for oid in sorted(known):
            t = frame.objects[oid][0]
            if counts[t] != rarest:
                continue
            key = (self._level, t, self._start[oid])
            if key not in self.kinds:
                self.kinds[key] = FIRST_KIND + len(self.kinds)
            made.add(self.kinds[key])
        return made
