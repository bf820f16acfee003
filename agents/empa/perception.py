"""What the agent perceives each step: objects (id, type token, cell), the avatar, the inventory.

Why: the rest of the agent reasons over one :class:`Frame` whatever the observation was. With
the prior ``object_state`` on, a frame comes from the env's object table (and the inventory from
the privileged channel); off, from pixels via :class:`agents.empa.pixels.PixelPerceiver`. Which
object is the avatar comes from the table's flag only when ``avatar_known`` is on; otherwise
:class:`ContingencyTracker` finds the type that moves the way the actions say.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Columns of the env's object table (``vgdl.observations.TABLE_COLUMNS``).
TYPE, X, Y, ORI_X, ORI_Y, IS_AVATAR, ID, HEALTH = 0, 1, 2, 3, 4, 5, 6, 7

MOVES = {"ACTION_UP": (0, -1), "ACTION_DOWN": (0, 1), "ACTION_LEFT": (-1, 0), "ACTION_RIGHT": (1, 0)}


@dataclass
class Frame:
    objects: dict[int, tuple[int, int, int]]  # id -> (type token, column, row)
    avatar: int | None = None  # id of the avatar object, when known
    inventory: dict[int, int] = field(default_factory=dict)
    avatar_orientation: tuple[int, int] = (0, 0)
    #: id -> (column, row) as fractions, only for objects between cells (speeds below one cell per move);
    #: ``objects`` holds their nearest cell, rounding halves up so a steady mover's cell changes regularly
    exact: dict[int, tuple[float, float]] = field(default_factory=dict)
    #: ids of objects perceived as covered by another (pixels: what an avatar stands on); still there as
    #: far as the agent knows, but a step that covered one cannot tell whether it also ended it
    hidden: frozenset[int] = frozenset()
    #: id -> health points, where the observation tells them (the object table does; pixels do not)
    health: dict[int, int] = field(default_factory=dict)
    _cells: dict[tuple[int, int], list[int]] | None = None

    @property
    def cells(self) -> dict[tuple[int, int], list[int]]:
        if self._cells is None:
            cells: dict[tuple[int, int], list[int]] = defaultdict(list)
            for oid, (_, x, y) in self.objects.items():
                cells[(x, y)].append(oid)
            self._cells = cells
        return self._cells

    def position(self, oid: int) -> tuple[float, float]:
        """Where an object is, in cells (a fraction when it sits between cells)."""
        pos = self.exact.get(oid)
        if pos is not None:
            return pos
        _, x, y = self.objects[oid]
        return float(x), float(y)

    def types_at(self, cell: tuple[int, int], exclude: int | None = None) -> set[int]:
        return {self.objects[o][0] for o in self.cells.get(cell, ()) if o != exclude}

    def types_overlapping(self, cell: tuple[int, int]) -> set[int]:
        """Types of the objects that overlap ``cell``: on it, or between it and a neighbour."""
        found = self.types_at(cell)
        cx, cy = cell
        for oid, (x, y) in self.exact.items():
            if abs(x - cx) < 1 and abs(y - cy) < 1:
                found.add(self.objects[oid][0])
        return found

    def avatar_cell(self) -> tuple[int, int] | None:
        if self.avatar is None or self.avatar not in self.objects:
            return None
        _, x, y = self.objects[self.avatar]
        return x, y

    def avatar_health(self) -> int | None:
        """The avatar's health points (None: not observed)."""
        return self.health.get(self.avatar) if self.avatar is not None else None

    def counts(self) -> Counter[int]:
        return Counter(t for t, _, _ in self.objects.values())

    def shown_counts(self) -> Counter[int]:
        """:meth:`counts` of what is not hidden: what surely is still there."""
        return Counter(t for o, (t, _, _) in self.objects.items() if o not in self.hidden)

    def size(self) -> tuple[int, int]:
        if not self.objects:
            return 1, 1
        return (max(x for _, x, _ in self.objects.values()) + 1, max(y for _, _, y in self.objects.values()) + 1)

    def inventory_key(self) -> tuple[tuple[int, int], ...]:
        return tuple(sorted((int(r), int(n)) for r, n in self.inventory.items() if n > 0))


def cell_of(v: float) -> int:
    """The nearest cell, halves up (Python's ``round`` sends 2.5 down and 3.5 up: an uneven walk)."""
    return math.floor(v + 0.5)


def cells_of(a: np.ndarray) -> np.ndarray:
    """:func:`cell_of` of every entry (int64)."""
    return np.floor(a + 0.5).astype(np.int64)


def frame_from_table(table: np.ndarray, use_avatar_flag: bool, inventory: dict[int, int] | None = None,
                     read_health: bool = False) -> Frame:
    """A frame of the object table's rows; ``read_health``: the table's health column is observed (the env's
    table; a table made from pixels has zeros there)."""
    objects = {}
    exact = {}
    health = {}
    for r in table:
        oid, x, y = int(r[ID]), round(float(r[X]), 3), round(float(r[Y]), 3)
        objects[oid] = (int(r[TYPE]), cell_of(x), cell_of(y))
        if read_health:
            health[oid] = int(r[HEALTH])
        if x != int(x) or y != int(y):
            exact[oid] = (x, y)
    avatar = None
    if use_avatar_flag:
        flagged = [int(r[ID]) for r in table if r[IS_AVATAR] > 0.5]
        avatar = flagged[0] if flagged else None
    frame = Frame(objects, avatar, dict(inventory or {}), exact=exact, health=health)
    frame.avatar_orientation = avatar_orientation(table, avatar)
    return frame


def avatar_orientation(table: np.ndarray, avatar: int | None) -> tuple[int, int]:
    """The avatar's facing from the object table (oriented avatars turn before they move)."""
    if avatar is None:
        return 0, 0
    rows = table[table[:, ID] == avatar]
    return (int(rows[0, ORI_X]), int(rows[0, ORI_Y])) if len(rows) else (0, 0)


class ContingencyTracker:
    """Finds the controllable type: the one whose objects move as the chosen actions say (prior P4 off)."""

    def __init__(self) -> None:
        self.agree: Counter[int] = Counter()
        self.moved: Counter[int] = Counter()

    def update(self, prev: Frame, action: str, nxt: Frame) -> None:
        d = MOVES.get(action)
        for oid, (t, x, y) in prev.objects.items():
            after = nxt.objects.get(oid)
            if after is None or (after[1], after[2]) == (x, y):
                continue
            self.moved[t] += 1
            if d is not None and (after[1] - x, after[2] - y) == d:
                self.agree[t] += 1

    def avatar_type(self) -> int | None:
        """The type with the most moves that matched the action, once it clearly leads."""
        if not self.agree:
            return None
        t, n = self.agree.most_common(1)[0]
        return t if n >= 3 and n >= 0.6 * self.moved[t] else None

    @staticmethod
    def avatar_id(frame: Frame, avatar_type: int | None, previous: int | None) -> int | None:
        if avatar_type is None:
            return None
        if previous in frame.objects and frame.objects[previous][0] == avatar_type:
            return previous
        ids = sorted(o for o, (t, _, _) in frame.objects.items() if t == avatar_type)
        return ids[0] if ids else None


def privileged(info: dict[str, Any], name: str, default: Any = None) -> Any:
    return (info.get("privileged") or {}).get(name, default)
