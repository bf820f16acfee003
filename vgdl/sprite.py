"""The mutable record of one live sprite, shared copy-on-write between game copies.

Why copy-on-write: planners copy a game thousands of times per decision. A copy
shares every :class:`Sprite` with its source, and a sprite is cloned only when
one of the two games first writes to it (``Game._own``). Most sprites (walls,
floors) are never written after the level is built, so a copy costs about one
dictionary copy per sprite type, not a deep copy of hundreds of objects.

Rule for engine code: never assign a sprite's fields directly; go through the
``Game`` methods (``move_to``, ``set_orientation``, ...), which clone first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vgdl.rules import SpriteKind


class Sprite:
    """One sprite: its type, pixel rectangle (top-left; size is the block size) and state.

    ``lx, ly`` hold the rectangle at the start of tick ``lrt`` (GVGAI's ``lastrect``):
    when ``lrt`` is not the current tick, the start-of-tick position is ``x, y``.
    ``lm`` encodes GVGAI's ``lastmove`` counter as ``game_tick - lm``.
    """

    __slots__ = (
        "sid", "kind", "x", "y", "lx", "ly", "lrt", "ori", "oriented", "speed", "lm", "first_tick",
        "resources", "hp", "max_hp", "ttl", "age", "counter", "start", "prev", "memory", "spawn_itype",
        "disabled", "from_avatar", "owner",
    )

    sid: int
    kind: SpriteKind
    x: int
    y: int
    lx: int
    ly: int
    lrt: int
    ori: tuple[float, float]
    oriented: bool
    speed: float
    lm: int
    first_tick: bool
    resources: dict[int, int] | None  # never mutated in place: replaced on change
    hp: int
    max_hp: int
    ttl: int
    age: int
    counter: int
    start: int
    prev: tuple[float, float] | None
    memory: Any  # class-specific extra state, immutable values only
    spawn_itype: int
    disabled: bool
    from_avatar: bool
    owner: object

    def clone(self, owner: object) -> Sprite:
        # Written out field by field: a loop with setattr is several times slower.
        twin = Sprite.__new__(Sprite)
        twin.sid, twin.kind, twin.x, twin.y = self.sid, self.kind, self.x, self.y
        twin.lx, twin.ly, twin.lrt, twin.ori = self.lx, self.ly, self.lrt, self.ori
        twin.oriented, twin.speed, twin.lm, twin.first_tick = self.oriented, self.speed, self.lm, self.first_tick
        twin.resources, twin.hp, twin.max_hp, twin.ttl = self.resources, self.hp, self.max_hp, self.ttl
        twin.age, twin.counter, twin.start, twin.prev = self.age, self.counter, self.start, self.prev
        twin.memory, twin.spawn_itype = self.memory, self.spawn_itype
        twin.disabled, twin.from_avatar = self.disabled, self.from_avatar
        twin.owner = owner
        return twin

    def __repr__(self) -> str:
        return f"Sprite({self.kind.name}#{self.sid} at {self.x},{self.y})"
