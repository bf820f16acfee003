"""The mutable record of one live sprite, shared copy-on-write between game copies.

Why copy-on-write: planners copy a game thousands of times per decision. A copy
shares every :class:`Sprite` with its source, and a sprite is cloned only when
one of the two games first writes to it (:meth:`vgdl.store.SpriteStore.own`).
Most sprites (walls, floors) are never written after the level is built, so a
copy costs about one dictionary copy per sprite type, not a deep copy of
hundreds of objects.

Why one table of fields: the record's slots and type annotations come from
:data:`FIELDS`. Its clone and constructor are written out field by field (several
times faster than a loop with ``setattr`` or ``copy.copy``, and cloning is on the
hot path of every copied game; no generated code, the engine runs no ``exec``);
``tests/vgdl/test_invariants.py`` checks that both cover exactly the table, so a
new field is one line there plus the two it fails on.

Who writes which field (``FieldSpec.writer``; ``tests/vgdl/test_invariants.py``
checks it): ``"store"`` fields are observable (position, orientation, health,
inventory, ...) and change only through :class:`vgdl.store.SpriteStore`
mutators, which bump the version stamps that caches and observers rely on.
``"class"`` fields are a sprite class's private clocks and memory; the sprite
class may write them on a sprite it owns (the one handed to ``update``, or one
returned by ``own`` or ``add_sprite``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from vgdl.rules import SpriteKind


class FieldSpec(NamedTuple):
    """One per-sprite field: its name, type, initial value and who may write it."""

    name: str
    type: str
    #: ``ARG`` (given to :meth:`Sprite.new`), ``("kind", attribute)`` (copied from the sprite's
    #: :class:`~vgdl.rules.SpriteKind`), or a constant
    initial: Any
    writer: str  # "store" or "class" (see the module docstring)
    doc: str


ARG = "arg"


def _kind(attribute: str) -> tuple[str, str]:
    return ("kind", attribute)


#: Every field of a sprite, declared once: slots and annotations derive from it; a test checks clone and
#: constructor against it.
FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("sid", "int", ARG, "store", "unique id, given in creation order"),
    FieldSpec("kind", "SpriteKind", ARG, "store", "the sprite's type (shared, immutable)"),
    FieldSpec("x", "int", ARG, "store", "pixel column of the top-left corner (its size is the block size)"),
    FieldSpec("y", "int", ARG, "store", "pixel row of the top-left corner"),
    FieldSpec("lx", "int", ARG, "store", "GVGAI's lastrect: x at the start of tick lrt"),
    FieldSpec("ly", "int", ARG, "store", "y at the start of tick lrt"),
    FieldSpec("lrt", "int", ARG, "store", "the tick lx, ly belong to (another tick: the start position is x, y)"),
    FieldSpec("ori", "tuple[float, float]", _kind("orientation"), "store", "orientation (dx, dy)"),
    FieldSpec("oriented", "bool", _kind("is_oriented"), "store", "whether it can face a direction"),
    FieldSpec("speed", "float", _kind("speed"), "store", "cells per move"),
    FieldSpec("lm", "int", ARG, "store", "GVGAI's lastmove counter, encoded as game_tick - lm"),
    FieldSpec("first_tick", "bool", True, "class", "not yet updated (GVGAI skips passive motion then)"),
    FieldSpec("resources", "dict[int, int] | None", None, "store", "inventory; replaced, never mutated in place"),
    FieldSpec("hp", "int", _kind("hp"), "store", "health points"),
    FieldSpec("max_hp", "int", _kind("max_hp"), "store", "the most health it has had"),
    FieldSpec("ttl", "int", _kind("ttl"), "class", "ticks left to live (-1: forever)"),
    FieldSpec("age", "int", 0, "class", "Flicker's age"),
    FieldSpec("counter", "int", 0, "class", "repeats left (RandomNPC) or spawns made (SpawnPoint)"),
    FieldSpec("start", "int", -1, "class", "SpawnPoint's first tick (-1: not started)"),
    FieldSpec("prev", "tuple[float, float] | None", None, "class", "RandomNPC's last random direction"),
    FieldSpec("memory", "Any", None, "class", "class-specific extra state, immutable values only"),
    FieldSpec("spawn_itype", "int", -1, "class", "the type a spawner makes"),
    FieldSpec("disabled", "bool", False, "store", "a dead avatar (kept, not removed, as in GVGAI)"),
    FieldSpec("from_avatar", "bool", False, "class", "shot by the avatar"),
    FieldSpec("owner", "object", ARG, "store", "copy-on-write token of the one game that may write it"),
)

FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)
STORE_FIELDS: frozenset[str] = frozenset(f.name for f in FIELDS if f.writer == "store")
CLASS_FIELDS: frozenset[str] = frozenset(f.name for f in FIELDS if f.writer == "class")


class Sprite:
    """One sprite: its type, pixel rectangle and state (fields: :data:`FIELDS`).

    ``lx, ly`` hold the rectangle at the start of tick ``lrt`` (GVGAI's ``lastrect``):
    when ``lrt`` is not the current tick, the start-of-tick position is ``x, y``.
    """

    __slots__ = FIELD_NAMES
    __annotations__ = {f.name: f.type for f in FIELDS}

    def clone(self, owner: object) -> Sprite:
        """A copy owned by ``owner`` (every field of :data:`FIELDS`; a test checks none is missed)."""
        # Written out field by field: several times faster than a loop with setattr or copy.copy,
        # and cloning is on the hot path of every copied game.
        twin = _new(Sprite)
        twin.sid = self.sid
        twin.kind = self.kind
        twin.x = self.x
        twin.y = self.y
        twin.lx = self.lx
        twin.ly = self.ly
        twin.lrt = self.lrt
        twin.ori = self.ori
        twin.oriented = self.oriented
        twin.speed = self.speed
        twin.lm = self.lm
        twin.first_tick = self.first_tick
        twin.resources = self.resources
        twin.hp = self.hp
        twin.max_hp = self.max_hp
        twin.ttl = self.ttl
        twin.age = self.age
        twin.counter = self.counter
        twin.start = self.start
        twin.prev = self.prev
        twin.memory = self.memory
        twin.spawn_itype = self.spawn_itype
        twin.disabled = self.disabled
        twin.from_avatar = self.from_avatar
        twin.owner = owner
        return twin

    @staticmethod
    def new(sid: int, kind: SpriteKind, x: int, y: int, lx: int, ly: int, lrt: int, lm: int,
            owner: object) -> Sprite:
        """A fresh sprite: the ``ARG`` fields as given, the others from its kind or their constants
        (as :data:`FIELDS` declares them; a test checks the two agree)."""
        s = _new(Sprite)
        s.sid = sid
        s.kind = kind
        s.x = x
        s.y = y
        s.lx = lx
        s.ly = ly
        s.lrt = lrt
        s.ori = kind.orientation
        s.oriented = kind.is_oriented
        s.speed = kind.speed
        s.lm = lm
        s.first_tick = True
        s.resources = None
        s.hp = kind.hp
        s.max_hp = kind.max_hp
        s.ttl = kind.ttl
        s.age = 0
        s.counter = 0
        s.start = -1
        s.prev = None
        s.memory = None
        s.spawn_itype = -1
        s.disabled = False
        s.from_avatar = False
        s.owner = owner
        return s

    def __repr__(self) -> str:
        return f"Sprite({self.kind.name}#{self.sid} at {self.x},{self.y})"


_new = object.__new__
