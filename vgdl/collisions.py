"""Collision effects: which sprites touch (each other, or the screen's edge), and in what order.

GVGAI's ``eventHandling`` (``docs/semantics.md`` section 3, steps 5-6) runs the
end-of-screen effects, then every pairwise effect, grouped by type pair in
order of the pair's first appearance, comparing every sprite of one side with
every sprite of the other. That order decides outcomes, so it is kept exactly;
what this module adds is a faster way to find the same overlaps:

* a **cell index** per type (cell -> sprites), built for one version stamp of
  the type and reused by every copy of the game holding that stamp;
* a **contact cache**: a pair (or an EOS type) that found no overlap, with none
  of its types changed since (same stamps), cannot find one now, so it is skipped;
* a **cover set** per pair side (the cells its sprites cover, built for one set of
  stamps): a sprite covering no cell the other side covers touches nobody there,
  so most sprites of a pair are ruled out by a set lookup or two.

Both live in one :class:`CollisionIndex` shared by a game and all its copies:
they hold stamps and sprite ids, never sprite objects, so sharing is safe.
"""

from __future__ import annotations

from operator import itemgetter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vgdl.game import Game
    from vgdl.rules import GameRules
    from vgdl.sprite import Sprite
    from vgdl.store import SpriteStore

SCAN_LIMIT = 8  # groups up to this size are scanned; larger ones use a cell index
INDEX_AFTER = 3  # build a group's index at the third lookup under the same stamp
COVER_MIN = 4  # cover sets pay for themselves from this many lookups on one side
COVER_AFTER = 2  # build a pair side's cover set at its second use under the same stamps
#: index keys are row * stride + column; the margin keeps off-screen neighbours distinct
STRIDE_MARGIN = 64

Bucket = list[tuple[int, int, int]]  # (sid, x, y)


def _sid(s: Sprite) -> int:
    return s.sid


def _apart(cells: set[float], x: float, y: float, bs: int, stride: int) -> bool:
    """Whether a block at pixel (x, y) covers none of ``cells``, and so overlaps no sprite covering them.

    (A block covers the cells its inside meets: one when on a cell, up to four between cells. Two
    blocks that overlap share a point inside both, and so a cell both cover.)"""
    key = (y // bs) * stride + x // bs
    if key in cells:
        return False
    if x % bs:
        if key + 1 in cells:
            return False
        return not (y % bs and (key + stride in cells or key + stride + 1 in cells))
    return not (y % bs and key + stride in cells)


def _getter(types: tuple[int, ...]) -> itemgetter:
    """``getter(versions)``: a value that changes whenever one of ``types``' stamps does."""
    return itemgetter(*types) if types else itemgetter(slice(0, 0))


class CollisionIndex:
    """Overlap lookups and contact memory for one game lineage (a game and its copies)."""

    #: skip (pair, effect) checks whose sprite types have not changed since they found no contact
    use_contact_cache = True

    def __init__(self, rules: GameRules, width: int, block_size: int) -> None:
        self.block_size = block_size
        self.stride = width + STRIDE_MARGIN
        self.indexes: dict[int, tuple[dict[int, Bucket], bool]] = {}  # by stamp
        self.misses: dict[int, int] = {}  # lookups per stamp without an index
        self.covers: dict[object, set[float]] = {}  # by the stamps of a pair side's types
        self.cover_misses: dict[object, int] = {}
        # per type pair: the stamps under which it last found no overlap
        self.no_contact: list[tuple[int, ...] | None] = [None] * len(rules.pair_effects)
        self.eos_clear: list[tuple[int, ...] | None] = [None] * len(rules.eos_order)
        # A signature is the stamps of the types involved, read in one C call.
        self.pair_signature = [_getter(pair.all_types) for pair in rules.pair_effects]
        self.side_signatures = [(_getter(pair.first_types), _getter(pair.second_types)) for pair in rules.pair_effects]
        self.eos_signature = [_getter(rules.kinds[t].concrete_subtypes) for t in rules.eos_order]

    def index(self, store: SpriteStore, itype: int) -> tuple[dict[int, Bucket], bool]:
        """A cell -> [(sid, x, y)] index of one type's group, and whether all sit exactly on cells."""
        stamp = store.versions[itype]
        cached = self.indexes.get(stamp)
        if cached is not None:
            return cached
        bs = self.block_size
        stride = self.stride
        index: dict[int, Bucket] = {}
        aligned = True
        for s in store.groups[itype].values():
            x, y = s.x, s.y
            if x % bs or y % bs:
                aligned = False
            key = (y // bs) * stride + x // bs
            bucket = index.get(key)
            if bucket is None:
                index[key] = [(s.sid, x, y)]
            else:
                bucket.append((s.sid, x, y))
        if len(self.indexes) > 4096:
            self.indexes.clear()
        if len(self.misses) > 65536:
            self.misses.clear()
        self.indexes[stamp] = (index, aligned)
        return index, aligned

    def cover(self, store: SpriteStore, types: tuple[int, ...], signature: object) -> set[float] | None:
        """The cells (keys as in :meth:`index`) that the sprites of ``types`` cover, under their stamps
        ``signature``; None at the first use under those stamps (a side that changes between lookups
        would pay for a set it never reuses).

        Two blocks overlap only if some cell is covered by both (see :func:`_apart`)."""
        cells = self.covers.get(signature)
        if cells is not None:
            return cells
        misses = self.cover_misses.get(signature, 0) + 1
        if misses < COVER_AFTER:
            if len(self.cover_misses) > 65536:
                self.cover_misses.clear()
            self.cover_misses[signature] = misses
            return None
        bs = self.block_size
        stride = self.stride
        cells = set()
        add = cells.add
        groups = store.groups
        for t in types:
            for s in groups[t].values():
                x, y = s.x, s.y
                key = (y // bs) * stride + x // bs
                add(key)
                if x % bs:
                    add(key + 1)
                    if y % bs:
                        add(key + stride)
                        add(key + stride + 1)
                elif y % bs:
                    add(key + stride)
        if len(self.covers) > 4096:
            self.covers.clear()
        self.covers[signature] = cells
        return cells

    def near(self, store: SpriteStore, types: tuple[int, ...], x: int, y: int, sid_limit: int) -> list[Sprite]:
        """Sprites of ``types`` overlapping a block at pixel (x, y), in GVGAI's list order."""
        bs = self.block_size
        groups = store.groups
        out: list[Sprite] = []
        for t in types:
            group = groups[t]
            if not group:
                continue
            if len(group) <= SCAN_LIMIT:
                for s in group.values():
                    if -bs < s.x - x < bs and -bs < s.y - y < bs and s.sid < sid_limit:
                        out.append(s)
                continue
            stamp = store.versions[t]
            cached = self.indexes.get(stamp)
            if cached is None:
                # Building an index costs a scan; it pays only if this group stays unchanged for a few
                # lookups (a group that changes between lookups, e.g. boulders stepping back one by
                # one, is scanned instead).
                misses = self.misses.get(stamp, 0) + 1
                if misses < INDEX_AFTER:
                    self.misses[stamp] = misses
                    for s in group.values():
                        if -bs < s.x - x < bs and -bs < s.y - y < bs and s.sid < sid_limit:
                            out.append(s)
                    continue
                cached = self.index(store, t)
            index, aligned = cached
            stride = self.stride
            base = (y // bs) * stride + x // bs
            if aligned and not x % bs and not y % bs:
                # The commonest lookup (grid-aligned sprites): only sprites on this very cell overlap.
                bucket = index.get(base)
                if bucket:
                    hits = [group[entry[0]] for entry in bucket if entry[0] < sid_limit]
                    if len(hits) > 1:
                        hits.sort(key=_sid)
                    out.extend(hits)
                continue
            if aligned:
                # Every indexed sprite sits on a cell: only the cells the query block covers can hold one.
                if x % bs == 0:
                    keys: tuple[int, ...] = (base,) if y % bs == 0 else (base, base + stride)
                elif y % bs == 0:
                    keys = (base, base + 1)
                else:
                    keys = (base, base + 1, base + stride, base + stride + 1)
            else:
                keys = (base - stride - 1, base - stride, base - stride + 1, base - 1, base, base + 1,
                        base + stride - 1, base + stride, base + stride + 1)
            found: Bucket = []
            for key in keys:
                bucket = index.get(key)
                if bucket:
                    for entry in bucket:
                        if -bs < entry[1] - x < bs and -bs < entry[2] - y < bs and entry[0] < sid_limit:
                            found.append(entry)
            if found:
                if len(found) > 1:
                    found.sort()
                out.extend(group[entry[0]] for entry in found)
        return out

    # ------------------------------------------------------------------------------------------
    # GVGAI's eventHandling, steps b and c
    # ------------------------------------------------------------------------------------------

    def run_eos_effects(self, g: Game) -> None:
        """End-of-screen effects, per EOS type in order of first definition, for sprites off the screen."""
        rules = g.rules
        if not rules.eos_order:
            return
        store = g.store
        w, h, bs = g.screen_width, g.screen_height, g.block_size
        groups, versions, clear, killed = store.groups, store.versions, self.eos_clear, store.killed
        current = store.current
        signatures = self.eos_signature
        for k, itype in enumerate(rules.eos_order):
            # nobody was off the screen last time and none of these sprites changed since: skip
            signature = signatures[k](versions)
            if clear[k] == signature and self.use_contact_cache:
                continue
            subtypes = rules.kinds[itype].concrete_subtypes
            off_screen = False
            for e in rules.eos_effects[itype]:
                if not e.enabled:
                    continue
                for t in subtypes:
                    group = groups[t]
                    if not group:
                        continue
                    size = len(group)
                    for s in list(group.values()):
                        s = current(s)
                        if s.x < 0 or s.y < 0 or s.x + bs > w or s.y + bs > h:
                            off_screen = True
                            if s.sid not in killed and not s.disabled:
                                g.execute(e, s, None)
                                if len(groups[t]) > size:  # GVGAI: a sprite added to this list ends its loop
                                    store.warn("a sprite was spawned outside of the screen")
                                    break
            if not off_screen:
                clear[k] = signature

    def run_pair_effects(self, g: Game) -> None:
        """Every pairwise effect in GVGAI's order, on the sprites that overlap (see the module docstring)."""
        store = g.store
        bs = self.block_size
        killed = store.killed
        groups = store.groups
        current = store.current
        near_sprites = self.near
        versions = store.versions
        no_contact = self.no_contact
        use_cache = self.use_contact_cache
        token = store.token
        execute = g.execute
        signatures = self.pair_signature
        stride = self.stride
        side_signatures = self.side_signatures
        for pair in g.rules.pair_effects:
            # A pair that found no overlap last time, with neither side changed since (same stamps,
            # shared by all copies), cannot overlap now.
            signature = signatures[pair.index](versions)
            if use_cache and no_contact[pair.index] == signature:
                continue
            first_types, second_types = pair.first_types, pair.second_types
            contact = False
            for e in pair.effects_enabled:
                if not contact and e is not pair.effects_enabled[0]:
                    # The effects before found no overlap and so changed nothing: this one finds none.
                    break
                shields = g.shields  # (shieldFrom may have replaced the dict during this loop)
                if shields and (pair.partner, e.spec.name) in shields.get(pair.actor, ()):
                    contact = True  # not looked at: assume some
                    continue
                if pair.single_first:
                    n_first = len(groups[first_types[0]])
                else:
                    n_first = 0
                    for t in first_types:
                        n_first += len(groups[t])
                if not n_first:
                    break
                if pair.single_second:
                    n_second = len(groups[second_types[0]])
                else:
                    n_second = 0
                    for t in second_types:
                        n_second += len(groups[t])
                if not n_second:
                    break
                sid_limit = store.next_sid  # GVGAI snapshots both lists when the effect starts
                if n_second < n_first and pair.disjoint and not e.spec.moves_others:
                    # Few partners: find the first sprites near them instead of scanning all of them.
                    # (Only s1 moves in these effects, so no other s1 can come into contact meanwhile.)
                    near: dict[int, Sprite] = {}
                    cells = None if n_second < COVER_MIN else self.cover(
                        store, first_types, side_signatures[pair.index][0](versions))
                    for t in second_types:
                        for s2 in groups[t].values():
                            x, y = s2.x, s2.y
                            if cells is not None and _apart(cells, x, y, bs, stride):
                                continue
                            for s1 in near_sprites(store, first_types, x, y, sid_limit):
                                near[s1.sid] = s1
                    if not near:
                        continue
                    if pair.single_first:
                        first = sorted(near.values(), key=_sid)
                    else:
                        rank = {t: i for i, t in enumerate(first_types)}
                        first = sorted(near.values(), key=lambda s: (rank[s.kind.itype], s.sid))
                elif pair.single_first:
                    first = list(groups[first_types[0]].values())
                else:
                    first = []
                    for t in first_types:
                        first.extend(groups[t].values())
                batch = e.spec.batch
                # The second side's cover set rules out most first sprites with one lookup. It stays
                # right while the effects run only where they move nobody on the second side: the
                # sides share no type, and only s1 moves (new sprites are past sid_limit).
                cells = None if len(first) < COVER_MIN or not pair.disjoint or e.spec.moves_others else self.cover(
                    store, second_types, side_signatures[pair.index][1](versions))
                for s1 in first:
                    if s1.sid >= sid_limit:
                        continue
                    if s1.owner is not token:
                        s1 = current(s1)
                    sid1 = s1.sid
                    if sid1 in killed and not batch:
                        contact = True  # (a killed sprite's overlaps are not looked up: assume some)
                        continue
                    x, y = s1.x, s1.y
                    if cells is not None and _apart(cells, x, y, bs, stride):
                        continue
                    hits = near_sprites(store, second_types, x, y, sid_limit)
                    if not hits or (len(hits) == 1 and hits[0].sid == sid1):
                        continue  # (a sprite of a type paired with itself does not touch itself)
                    contact = True
                    if batch:
                        hits = [current(s2) for s2 in hits if s2.sid != sid1]
                        if hits:
                            g.execute_batch(e, s1, hits)
                        continue
                    for s2 in hits:
                        if s2.sid == sid1:
                            continue
                        s1 = current(s1)
                        if s1.sid in killed:
                            break
                        s2 = current(s2)
                        if -bs < s1.x - s2.x < bs and -bs < s1.y - s2.y < bs:
                            execute(e, s1, s2)
            if not contact:
                no_contact[pair.index] = signature
