"""The sprites of one game: grouped by type, shared copy-on-write, stamped on every change.

Why a store of its own: three things must stay true whatever the engine does,
and they are easiest to keep when one small class owns them.

1. **Copy-on-write.** A game copy shares every group (``dict`` sid -> sprite)
   and every :class:`~vgdl.sprite.Sprite` with its source. Each store has a
   private ``token``; a sprite whose ``owner`` is not the token, or a group
   not in ``owned``, is shared and is cloned before its first write
   (:meth:`SpriteStore.own`, :meth:`SpriteStore.writable_group`).
2. **Version stamps.** ``versions[t]`` is renewed whenever a sprite of type
   ``t`` appears, moves, dies or is disabled; ``details[t]`` whenever one turns
   or changes health. Stamps come from one counter shared by a game and all
   its copies, so a stamp names one state of a type across the whole lineage:
   caches keyed by stamps (collision indexes, observation blocks, contact
   results) are valid in every copy that holds the stamp.
3. **One way in.** Engine code changes a sprite only through the mutators
   below (or writes its class-private fields after :meth:`own`), so (1) and (2)
   cannot be forgotten. ``tests/vgdl/test_invariants.py`` checks both.

Observers (observations, renderer, level tools, solver) read through
:class:`SpriteView`, which offers no way to write.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from vgdl.rules import MAX_SPRITES
from vgdl.sprite import Sprite
from vgdl.values import NONE

if TYPE_CHECKING:
    from vgdl.rules import SpriteKind

#: the update cursor while no sprite update is running (effects, level building)
EVENTS_PHASE = 1 << 30
#: run-time warnings kept per game
MAX_WARNINGS = 100
#: change-log entries kept before the log is dropped
LOG_LIMIT = 4096


class SpriteStore:
    """All sprites of one game, by type, with copy-on-write ownership and version stamps.

    Attributes the tick loop reads directly (write them only through methods):
    ``groups`` (per type: sid -> sprite, in creation order), ``killed`` (sprites to
    remove at the end of this tick), ``versions`` / ``details`` (stamps), ``token``,
    ``tick`` (GVGAI's game tick) and ``cursor`` (the update rank being updated).
    """

    def __init__(self, kinds: Sequence[SpriteKind]) -> None:
        n = len(kinds)
        self.kinds = kinds
        self.groups: list[dict[int, Sprite]] = [{} for _ in range(n)]
        self.owned: set[int] = set(range(n))  # groups this store may change in place
        self.token = object()
        self.killed: dict[int, Sprite] = {}
        self.stamps = itertools.count(1)  # shared with every copy
        self.versions = [0] * n
        self.details = [0] * n
        self.next_sid = 0
        self.size = 0
        self.avatar_sid: int | None = None
        self.avatar_itype = -1
        self.tick = -1
        self.cursor = EVENTS_PHASE
        self.warnings: list[str] = []
        self.derived: dict = {}  # observers' data keyed by stamps; shared with every copy
        # (type, sid) of every sprite that appeared, moved, died or was disabled, oldest first:
        # observers that keep state (the renderer) update from it instead of rescanning types
        self.log: list[tuple[int, int]] = []
        self._view: SpriteView | None = None

    def copy(self) -> SpriteStore:
        """A store in the same state; from now on neither may write a sprite without cloning it."""
        twin = SpriteStore.__new__(SpriteStore)
        twin.__dict__.update(self.__dict__)
        twin.groups = list(self.groups)
        self.owned = set()
        twin.owned = set()
        twin.killed = dict(self.killed)
        twin.log = []  # a new list: observers of the source keep reading theirs
        twin.versions = list(self.versions)
        twin.details = list(self.details)
        if self.warnings:
            twin.warnings = list(self.warnings)
        twin._view = None
        self.token = object()
        twin.token = object()
        return twin

    @property
    def view(self) -> SpriteView:
        """Read-only access for observers."""
        view = self._view
        if view is None:
            view = self._view = SpriteView(self)
        return view

    def begin_tick(self) -> None:
        """Advance the clock (GVGAI's ``gameTick++``); forget a long change log (observers then rescan)."""
        self.tick += 1
        if len(self.log) > LOG_LIMIT:
            self.log = []

    def warn(self, message: str) -> None:
        if len(self.warnings) < MAX_WARNINGS:
            # copies share an empty list (copy() copies only a non-empty one): never append to it
            self.warnings = [*self.warnings, f"tick {self.tick}: {message}"]

    # ------------------------------------------------------------------------------------------
    # Queries (for sprite classes, effects and terminations)
    # ------------------------------------------------------------------------------------------

    def group(self, itype: int) -> dict[int, Sprite]:
        """The sprites of exactly this type, by id, in creation order (read-only)."""
        return self.groups[itype] if itype >= 0 else {}

    def members(self, itype: int) -> list[Sprite]:
        """GVGAI's collision list for a type: the sprites of its iSubTypes, in order."""
        groups = self.groups
        out: list[Sprite] = []
        for t in self.kinds[itype].subtypes:
            group = groups[t]
            if group:
                out.extend(group.values())
        return out

    def sub_sprites_twice(self, itype: int) -> list[Sprite]:
        """GVGAI's ``getSubSpritesGroup``: the type's own sprites, then all of its iSubTypes' (so twice)."""
        if itype < 0:
            return []
        return [*self.groups[itype].values(), *self.members(itype)]

    def num_sprites(self, itype: int) -> int:
        """All sprites of the type and its iSubTypes, dead avatars and this tick's kills included."""
        if itype < 0:
            return 0
        groups = self.groups
        return sum(len(groups[t]) for t in self.kinds[itype].subtypes)

    def live_count(self, itype: int) -> int:
        """``num_sprites`` minus disabled (dead) avatars: what terminations count."""
        if itype < 0:
            return 0
        groups = self.groups
        n = 0
        for t in self.kinds[itype].subtypes:
            group = groups[t]
            if group:
                n += len(group)
                if self.kinds[t].is_avatar:
                    n -= sum(1 for s in group.values() if s.disabled)
        return n

    def is_killed(self, s: Sprite) -> bool:
        return s.sid in self.killed

    def sprite_by_id(self, sid: int, itype: int) -> Sprite | None:
        return self.groups[itype].get(sid)

    def current(self, s: Sprite) -> Sprite:
        """The live record for ``s`` (a list snapshot may hold one replaced by copy-on-write)."""
        if s.owner is self.token:
            return s
        return self.groups[s.kind.itype].get(s.sid, s)

    def last_pos(self, s: Sprite) -> tuple[int, int]:
        """Where ``s`` was at the start of this tick (GVGAI's ``lastrect``)."""
        if s.lrt == self.tick:
            return s.lx, s.ly
        return s.x, s.y

    def avatar(self) -> Sprite | None:
        """The avatar sprite (also when disabled), or None once it has been removed."""
        if self.avatar_sid is None:
            return None
        return self.groups[self.avatar_itype].get(self.avatar_sid)

    # ------------------------------------------------------------------------------------------
    # Copy-on-write
    # ------------------------------------------------------------------------------------------

    def writable_group(self, itype: int) -> dict[int, Sprite]:
        """The group of ``itype``, copied first if it is still shared with another game."""
        if itype in self.owned:
            return self.groups[itype]
        group = self.groups[itype] = dict(self.groups[itype])
        self.owned.add(itype)
        return group

    def own(self, s: Sprite) -> Sprite:
        """A version of ``s`` this store may write to (a private clone if it is shared)."""
        if s.owner is self.token:
            return s
        itype = s.kind.itype
        current = self.groups[itype].get(s.sid)
        if current is not None and current.owner is self.token:
            return current
        twin = (current or s).clone(self.token)
        if current is not None:
            self.writable_group(itype)[s.sid] = twin
        if s.sid in self.killed:
            self.killed[s.sid] = twin
        return twin

    # ------------------------------------------------------------------------------------------
    # Mutators: each owns the sprite first and renews the stamps its change affects
    # ------------------------------------------------------------------------------------------

    def moved(self, itype: int) -> None:
        """Renew ``itype``'s version: one of its sprites appeared, moved, died or was disabled."""
        self.versions[itype] = next(self.stamps)

    def move_to(self, s: Sprite, x: float, y: float) -> Sprite:
        x, y = int(x), int(y)
        if s.owner is not self.token:
            s = self.own(s)
        if s.lrt != self.tick:
            s.lx, s.ly, s.lrt = s.x, s.y, self.tick
        if s.x != x or s.y != y:
            s.x, s.y = x, y
            itype = s.kind.itype
            self.versions[itype] = next(self.stamps)
            self.log.append((itype, s.sid))
        return s

    def step(self, s: Sprite, dx: int, dy: int) -> Sprite:
        """GVGAI's ``_updatePos`` after its checks: move by (dx, dy) pixels and restart ``lastmove``."""
        if s.owner is not self.token:
            s = self.own(s)
        tick = self.tick
        if s.lrt != tick:
            s.lx, s.ly, s.lrt = s.x, s.y, tick
        s.x += dx
        s.y += dy
        s.lm = tick
        itype = s.kind.itype
        self.versions[itype] = next(self.stamps)
        self.log.append((itype, s.sid))
        return s

    def set_last_pos(self, s: Sprite, x: int, y: int) -> Sprite:
        s = self.own(s)
        s.lx, s.ly, s.lrt = int(x), int(y), self.tick
        return s

    def set_orientation(self, s: Sprite, ori: tuple[float, float], make_oriented: bool = False) -> Sprite:
        if s.owner is not self.token:
            s = self.own(s)
        s.ori = ori
        if make_oriented:
            s.oriented = True
        self.details[s.kind.itype] = next(self.stamps)
        return s

    def update_orientation(self, s: Sprite, d: tuple[float, float]) -> bool:
        """GVGAI's ``_updateOrientation``: turn to ``d`` if oriented and not already facing it."""
        if not s.oriented or s.ori == d:
            return False
        self.own(s).ori = d
        self.details[s.kind.itype] = next(self.stamps)
        return True

    def set_speed(self, s: Sprite, speed: float) -> Sprite:
        s = self.own(s)
        s.speed = speed
        return s

    def set_health(self, s: Sprite, hp: int) -> Sprite:
        s = self.own(s)
        s.hp = hp
        if hp > s.max_hp:
            s.max_hp = hp
        self.details[s.kind.itype] = next(self.stamps)
        return s

    def set_lastmove(self, s: Sprite, value: int) -> Sprite:
        s = self.own(s)
        s.lm = self.tick - value
        return s

    def set_spawn_phase(self, s: Sprite, next_in: int) -> Sprite:
        """A producer's next spawn is due ``next_in`` ticks after the current one (it spawns when
        ``(start + tick) % cooldown == 0``; ``start`` is otherwise fixed at its first update)."""
        s = self.own(s)
        s.start = -(self.tick + 1 + next_in) % max(s.kind.cooldown, 1)
        return s

    def change_resource(self, s: Sprite, rid: int, delta: int, clamp: bool = True) -> Sprite:
        """Add ``delta`` of resource ``rid`` (GVGAI never lets it drop below 0, except ammo costs)."""
        s = self.own(s)
        res = dict(s.resources) if s.resources else {}
        value = res.get(rid, 0) + delta
        res[rid] = max(0, value) if clamp else value
        s.resources = res
        return s

    def kill(self, s: Sprite, transformed: bool = False) -> None:
        """Mark ``s`` for removal at the end of the tick; an avatar is only disabled unless transformed."""
        if s.kind.is_avatar and not transformed:
            self.own(s).disabled = True
            self.versions[s.kind.itype] = next(self.stamps)
            self.log.append((s.kind.itype, s.sid))
        else:
            self.killed[s.sid] = s

    def add_sprite(self, itype: int, x: float, y: float, force: bool = False) -> Sprite | None:
        """Create a sprite of type ``itype`` at pixel ``(x, y)``; None if a singleton or limit refuses."""
        if itype < 0:
            return None
        kind = self.kinds[itype]
        if kind.abstract:
            self.warn(f"cannot create a sprite of the parent type '{kind.name}' (it has no class)")
            return None
        if self.size > MAX_SPRITES:
            self.warn("sprite limit reached")
            return None
        if not force:
            kinds = self.kinds
            for t in kind.ancestry:
                if kinds[t].singleton and self.num_sprites(t) > 0:
                    return None
        tick = self.tick
        x, y = int(x), int(y)
        # lastmove reaches 1 at the sprite's first pre-movement: this tick if its type updates later.
        s = Sprite.new(self.next_sid, kind, x, y, x, y, tick, tick - 1 if kind.update_rank > self.cursor else tick,
                       self.token)
        self.next_sid += 1
        kind.behaviour.init_sprite(s)  # type: ignore[union-attr]
        self.writable_group(itype)[s.sid] = s
        self.size += 1
        self.versions[itype] = next(self.stamps)
        self.log.append((itype, s.sid))
        return s

    def remove(self, s: Sprite) -> None:
        """Take ``s`` out at once (level building drops extra avatars; the tick loop uses ``kill``)."""
        if self.writable_group(s.kind.itype).pop(s.sid, None) is not None:
            self.size -= 1
            self.versions[s.kind.itype] = next(self.stamps)
            self.log.append((s.kind.itype, s.sid))
        if s.sid == self.avatar_sid:
            self.avatar_sid = None

    def set_avatar(self, s: Sprite) -> None:
        """Make ``s`` the player's avatar."""
        self.avatar_sid, self.avatar_itype = s.sid, s.kind.itype

    def settle(self) -> None:
        """Every sprite counts as already in play: none skips the drift of its first tick."""
        for group in self.groups:
            for s in list(group.values()):
                if s.first_tick:
                    self.own(s).first_tick = False

    def clear_killed(self) -> None:
        """Remove this tick's killed sprites (GVGAI's ``clearAll``)."""
        if self.killed:
            groups = self.groups
            for sid, s in self.killed.items():
                if sid in groups[s.kind.itype]:
                    self.remove(s)
                elif sid == self.avatar_sid:
                    self.avatar_sid = None
            self.killed = {}

    def transform(self, new: Sprite | None, s1: Sprite, s2: Sprite | None, kill_second: bool,
                  force_orientation: bool, singleton_rules: bool = False) -> Sprite | None:
        """GVGAI's ``TransformTo.transformTo``: ``new`` takes over from ``s1`` (which dies)."""
        if new is None:
            return None
        new = self.own(new)
        if singleton_rules:
            if new.oriented and s1.oriented:
                new.ori = s1.ori
        elif force_orientation or (new.oriented and s1.oriented and new.ori == NONE):
            new.ori = s1.ori
        self.details[new.kind.itype] = next(self.stamps)
        new.lx, new.ly = self.last_pos(s1)
        new.lrt = self.tick
        if s1.resources:
            for rid in sorted(s1.resources):
                self.change_resource(new, rid, s1.resources[rid])
        transformed = True
        if s1.kind.is_avatar:
            if new.kind.is_avatar:
                if s1.sid == self.avatar_sid:
                    self.set_avatar(new)
            else:
                transformed = False
        if not singleton_rules:
            new.hp = s1.hp
        self.kill(s1, transformed)
        if kill_second and s2 is not None:
            self.kill(s2, transformed=True)
        return new

    def undo_all(self, skip: set[int], order: Sequence[int]) -> None:
        """Every sprite of the ``order`` types (except ``skip``) returns to its start-of-tick place."""
        tick = self.tick
        for itype in order:
            if itype in skip:
                continue
            for s in list(self.groups[itype].values()):
                if s.lrt == tick and (s.x != s.lx or s.y != s.ly):
                    s = self.own(s)
                    s.x, s.y = s.lx, s.ly
                    self.versions[itype] = next(self.stamps)
                    self.log.append((itype, s.sid))


class SpriteView:
    """Read-only access to a store, for observers: sprites by type, counts, stamps, the avatar.

    The sprites it yields are shared records: read their fields, never assign them.
    """

    __slots__ = ("_store",)

    def __init__(self, store: SpriteStore) -> None:
        self._store = store

    def of_type(self, itype: int) -> Iterator[Sprite]:
        """The sprites of exactly this type, in creation order (dead avatars included)."""
        return iter(self._store.groups[itype].values())

    def live(self, itype: int) -> Iterator[Sprite]:
        """The sprites of exactly this type that are not disabled (dead avatars)."""
        return (s for s in self._store.groups[itype].values() if not s.disabled)

    def count(self, itype: int) -> int:
        """How many sprites of exactly this type exist (dead avatars included)."""
        return len(self._store.groups[itype])

    def counts(self) -> tuple[int, ...]:
        """``count`` of every type, by type id."""
        return tuple(len(g) for g in self._store.groups)

    def positions(self, itype: int) -> dict[int, tuple[int, int]]:
        """sid -> pixel (x, y) of the live sprites of exactly this type."""
        return {s.sid: (s.x, s.y) for s in self._store.groups[itype].values() if not s.disabled}

    def all(self) -> Iterator[Sprite]:
        """Every sprite (dead avatars included), grouped by type id."""
        for group in self._store.groups:
            yield from group.values()

    def version(self, itype: int) -> int:
        """A stamp renewed whenever a sprite of the type appears, moves, dies or is disabled."""
        return self._store.versions[itype]

    def detail(self, itype: int) -> int:
        """A stamp renewed whenever a sprite of the type turns or changes health."""
        return self._store.details[itype]

    def versions(self) -> tuple[int, ...]:
        return tuple(self._store.versions)

    def stamps(self) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
        """``counts()``, ``versions()`` and every type's ``detail``, in one call (an observer's key per type)."""
        store = self._store
        return tuple(map(len, store.groups)), tuple(store.versions), tuple(store.details)

    def sprite(self, itype: int, sid: int) -> Sprite | None:
        """The sprite ``sid`` of exactly type ``itype``, if it exists."""
        return self._store.groups[itype].get(sid)

    def changes_since(self, mark: tuple | None) -> tuple[list[tuple[int, int]] | None, tuple]:
        """The (type, sid) of sprites that appeared, moved, died or were disabled since ``mark``.

        ``mark`` is what the previous call returned (None at first). Returns the changes, oldest
        first, or None when they are not known (a first call, a copy, a dropped log): then compare
        version stamps instead. A sprite may be listed more than once.
        """
        log = self._store.log
        entries = log[mark[1]:] if mark is not None and mark[0] is log else None
        return entries, (log, len(log))

    @property
    def cache(self) -> dict:
        """A dict for data derived from stamps (e.g. observation blocks), shared by the game's copies."""
        return self._store.derived

    @property
    def avatar_sid(self) -> int | None:
        """The player's avatar's id (None once it has been removed)."""
        return self._store.avatar_sid

    def avatar(self) -> Sprite | None:
        return self._store.avatar()

    @property
    def n_types(self) -> int:
        return len(self._store.groups)

    @property
    def size(self) -> int:
        """Every sprite in the game (what GVGAI's MAX_SPRITES caps)."""
        return self._store.size
