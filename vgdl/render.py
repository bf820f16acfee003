"""RGB pixels of a game state, drawn from a numpy tile atlas.

Each sprite type gets one tile: a square of its ``color`` (shrunk by
``shrinkfactor``), or, when the game only names an image (``img=...``), a glyph
generated from the image name, so that types stay visually distinct without
shipping any image files. Types are drawn in sprite order (the avatar last);
``invisible`` types are not drawn. The tile size is independent of the physics
block size: a sprite at pixel ``x`` of the physics grid is drawn at
``x * tile_size // block_size``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from sys import getrefcount
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from vgdl.game import Game
    from vgdl.rules import GameRules, SpriteKind
    from vgdl.store import SpriteView

BACKGROUND = (0, 0, 0)
_GLYPH_CELLS = 5  # glyphs are 5x5 patterns, mirrored left-right


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def _hsv_to_rgb(h: float, s: float, v: float) -> tuple[int, int, int]:
    i = int(h * 6) % 6
    f = h * 6 - int(h * 6)
    p, q, t = v * (1 - s), v * (1 - f * s), v * (1 - (1 - f) * s)
    r, g, b = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)][i]
    return int(r * 255), int(g * 255), int(b * 255)


def glyph_pattern(name: str, salt: int = 0) -> tuple[np.ndarray, tuple[int, int, int]]:
    """A 5x5 left-right symmetric boolean pattern and a colour, derived from ``name``."""
    d = _digest(f"{name}#{salt}")
    bits = int.from_bytes(d[:4], "big")
    half = np.zeros((_GLYPH_CELLS, 3), dtype=bool)
    for i in range(_GLYPH_CELLS * 3):
        half[i // 3, i % 3] = bool(bits >> i & 1)
    if not half.any():
        half[2, 2] = True
    pattern = np.concatenate([half, half[:, 1::-1]], axis=1)
    color = _hsv_to_rgb(d[4] / 255.0, 0.55 + 0.45 * d[5] / 255.0, 0.7 + 0.3 * d[6] / 255.0)
    return pattern, color


def drawn_square(tile: int, shrink: float) -> tuple[int, int]:
    """The drawn square's offset and side for a tile, after ``shrinkfactor``."""
    side = max(1, int(round(tile * min(max(shrink, 0.05), 1.0))))
    return (tile - side) // 2, side


class TileAtlas:
    """RGBA tiles for every sprite type of a game at one tile size."""

    def __init__(self, rules: GameRules, tile_size: int) -> None:
        self.tile_size = tile_size
        n = len(rules.kinds)
        self.rgb = np.zeros((n, tile_size, tile_size, 3), dtype=np.uint8)
        self.mask = np.zeros((n, tile_size, tile_size), dtype=bool)
        self.opaque = np.zeros(n, dtype=bool)
        self.colors = np.zeros((n, 3), dtype=np.uint8)  # each type's colour (a glyph's, for an image)
        used: set[tuple[bytes, tuple[int, int, int]]] = set()
        glyphs: dict[str, tuple[np.ndarray, tuple[int, int, int]]] = {}
        for img in sorted({k.img for k in rules.kinds if k.img and not _has_color(rules, k)}):
            salt = 0
            while True:  # distinct images get distinct glyphs within a game
                pattern, color = glyph_pattern(img, salt)
                key = (pattern.tobytes(), color)
                if key not in used:
                    used.add(key)
                    glyphs[img] = (pattern, color)
                    break
                salt += 1
        for kind in rules.kinds:
            self._draw_tile(rules, kind, glyphs)

    def _draw_tile(self, rules: GameRules, kind: SpriteKind,
                   glyphs: dict[str, tuple[np.ndarray, tuple[int, int, int]]]) -> None:
        ts = self.tile_size
        off, side = drawn_square(ts, kind.shrink)
        i = kind.itype
        if kind.img and not _has_color(rules, kind):
            pattern, color = glyphs[kind.img]
            # scale the 5x5 pattern onto the square (nearest neighbour)
            idx = (np.arange(side) * _GLYPH_CELLS) // side
            cells = pattern[np.ix_(idx, idx)]
            self.mask[i, off:off + side, off:off + side] = cells
            self.rgb[i, off:off + side, off:off + side][cells] = color
            self.colors[i] = color
        else:
            color = kind.color if kind.color is not None else glyph_pattern(kind.name)[1]
            self.mask[i, off:off + side, off:off + side] = True
            self.rgb[i, off:off + side, off:off + side] = color
            self.colors[i] = color
        self.opaque[i] = bool(self.mask[i].all())


def _has_color(rules: GameRules, kind: SpriteKind) -> bool:
    """Whether the game file gives this type a colour (else an image name picks a glyph)."""
    t = rules.desc.types.get(kind.name)
    return t is not None and "color" in t.params


def atlas_for(rules: GameRules, tile_size: int) -> TileAtlas:
    cache = rules.__dict__.setdefault("_atlases", {})
    atlas = cache.get(tile_size)
    if atlas is None:
        atlas = cache[tile_size] = TileAtlas(rules, tile_size)
    return atlas


class _TileBank:
    """What cells can show at one atlas, shared by every game drawn with it.

    A cell's pixels depend only on the sprites over it, each a *part*: a type drawn (dx, dy) frame
    pixels off the cell. A cell holds a *stack*: the sorted tuple of its entries, an entry being
    ``rank << PART_BITS | part`` (so sorting is drawing order; two parts of one type are one colour,
    so their order within a rank does not matter). Every distinct stack gets an integer id (0: the
    empty cell), and the stack reached by adding or removing one entry is memoised, so a sprite that
    moves changes a cell with one dict lookup. Stacks drawn alike (an opaque top hides the rest)
    share a pixel id, and a cell is written only when its pixel id changes. Past ``limit`` stacks the
    bank starts over (a new ``generation``), and every frame cache redraws.
    """

    STEPS = 256  # memoised steps kept per stack before its memo starts over

    def __init__(self, atlas: TileAtlas) -> None:
        self.atlas = atlas
        self.tile_size = ts = atlas.tile_size
        self.limit = max(4096, (1 << 23) // (ts * ts * 3))  # stacks kept (their pixel tiles: up to 8 MB)
        self.part_ids: dict[tuple[int, int, int], int] = {}
        self.parts: list[tuple[int, int, int]] = []  # part id -> (type, dx, dy)
        self.shifted: dict[int, tuple[np.ndarray, np.ndarray] | object] = {}  # part id -> its pixels
        self.generation = -1
        self.start_over()

    def start_over(self) -> None:
        """Drop every stack (between frames, when there are too many): a new generation of ids."""
        self.generation += 1
        self.stack_ids: dict[tuple[int, ...], int] = {(): 0}
        self.stacks: list[tuple[int, ...]] = [()]  # stack id -> its entries
        blank = np.empty((self.tile_size, self.tile_size, 3), dtype=np.uint8)
        blank[:] = BACKGROUND
        self.tiles: list[np.ndarray] = [blank]  # pixel id -> the cell's pixels
        self.pixel_ids: dict[bytes, int] = {blank.tobytes(): 0}
        self.looks: list[int] = [0]  # stack id -> pixel id (-1: not composited yet)
        # stack id -> {entry (to add) or ~entry (to remove): the stack id it leads to}
        self.steps: list[dict[int, int]] = [{}]

    def part(self, itype: int, dx: int, dy: int) -> int:
        layer = (itype, dx, dy)
        part = self.part_ids.get(layer)
        if part is None:
            part = self.part_ids[layer] = len(self.parts)
            self.parts.append(layer)
        return part

    def intern(self, stack: tuple[int, ...]) -> int:
        sid = self.stack_ids.get(stack)
        if sid is None:
            sid = self.stack_ids[stack] = len(self.stacks)
            self.stacks.append(stack)
            self.looks.append(-1)
            self.steps.append({})
        return sid

    def step(self, sid: int, code: int) -> int:
        """The stack id after adding entry ``code`` (when >= 0) or removing entry ``~code`` (memoised)."""
        stack = self.stacks[sid]
        if code < 0:
            entries = list(stack)
            entries.remove(~code)
            after = tuple(entries)
        else:
            after = tuple(sorted((*stack, code)))
        new = self.intern(after)
        memo = self.steps[sid]
        if len(memo) >= self.STEPS:
            memo.clear()
        memo[code] = new
        return new

    def look(self, sid: int) -> int:
        """The pixel id of a stack, compositing it the first time."""
        pid = self.looks[sid]
        if pid < 0:
            tile = self._composite(self.stacks[sid])
            key = tile.tobytes()
            pid = self.pixel_ids.get(key, -1)
            if pid < 0:
                pid = self.pixel_ids[key] = len(self.tiles)
                self.tiles.append(tile)
            self.looks[sid] = pid
        return pid

    def _composite(self, stack: tuple[int, ...]) -> np.ndarray:
        """One cell's pixels for a stack of entries, drawn in order."""
        tile = np.empty((self.tile_size, self.tile_size, 3), dtype=np.uint8)
        tile[:] = BACKGROUND
        shifted_tiles = self.shifted
        for entry in stack:
            part = entry & PART_MASK
            shifted = shifted_tiles.get(part)
            if shifted is None:
                shifted = shifted_tiles[part] = self._shift(*self.parts[part])
            if shifted is not _EMPTY:
                np.copyto(tile, shifted[0], where=shifted[1])
        return tile

    def _shift(self, itype: int, px: int, py: int) -> tuple[np.ndarray, np.ndarray] | object:
        """A type's tile as it appears in a cell when drawn (px, py) frame pixels off it."""
        ts = self.tile_size
        x0, y0, x1, y1 = max(px, 0), max(py, 0), min(px + ts, ts), min(py + ts, ts)
        if x0 >= x1 or y0 >= y1:
            return _EMPTY
        rgb = np.zeros((ts, ts, 3), dtype=np.uint8)
        mask = np.zeros((ts, ts, 1), dtype=bool)
        rgb[y0:y1, x0:x1] = self.atlas.rgb[itype, y0 - py:y1 - py, x0 - px:x1 - px]
        mask[y0:y1, x0:x1, 0] = self.atlas.mask[itype, y0 - py:y1 - py, x0 - px:x1 - px]
        return rgb, mask


class _Layout:
    """Where a sprite drawn at a frame pixel lands on one grid in one drawing order: the cells it
    covers on screen (as ``row * width + column``), each with its entry there and that entry's
    complement (the step codes that add and remove it)."""

    PLACES = 1 << 16  # placements kept per type before that memo starts over

    def __init__(self, bank: _TileBank, width: int, height: int, draw_types: tuple[int, ...]) -> None:
        self.bank = bank
        self.width, self.height = width, height
        self.draw_types = draw_types
        self.rank = {t: r for r, t in enumerate(draw_types)}
        # type -> drawn (x, y) -> ((cell, entry, ~entry), ...)
        self.places: list[dict[tuple[int, int], tuple[tuple[int, int, int], ...]]] = [
            {} for _ in range(len(bank.atlas.rgb))]

    def place(self, itype: int, at: tuple[int, int]) -> tuple[tuple[int, int, int], ...]:
        memo = self.places[itype]
        if len(memo) >= self.PLACES:
            memo.clear()
        ts, w, h = self.bank.tile_size, self.width, self.height
        x, y = at
        rank = self.rank[itype] << PART_BITS
        out = []
        for cx, cy in _cells_at(x, y, ts):
            if 0 <= cx < w and 0 <= cy < h:
                entry = rank | self.bank.part(itype, x - cx * ts, y - cy * ts)
                out.append((cy * w + cx, entry, ~entry))
        placed = memo[at] = tuple(out)
        return placed


class FrameCache:
    """The last frame drawn for one game at one tile size, repainted cell by cell.

    Why: a tick usually moves a few sprites, so repainting only the cells they left
    or entered costs far less than redrawing hundreds of static sprites. Everything here is
    in frame pixels: a sprite is kept at the pixel it is drawn at (``x * tile // block``),
    so a move too small to show (a slow car creeping one physics pixel) costs nothing, and
    the cells are those the drawn tile covers. The cache keeps, per cell, the id of the stack
    of sprites over it and the pixel id last painted there (:class:`_TileBank`); a type's version
    (bumped by the engine whenever one of its sprites appears, moves, dies or is disabled) says
    which types to diff when the engine's change log cannot. The frame handed out
    is one read-only view of the cache's own array, so rendering copies nothing; should a caller still
    hold a frame (or any view of it) when the next one is drawn, the cache first moves to a copy,
    so a frame once returned never changes (copy on write, found by reference count). A full
    redraw is kept too, with the version stamps of every type: since a stamp names one
    state of a type in the whole game lineage, any game of the lineage (a copy, a new
    episode started from a copy of the level) can start from that frame and diff only
    the types whose stamps differ, instead of drawing every sprite again.
    """

    SNAPSHOTS = 8  # full frames kept per game lineage and tile size

    def __init__(self, game: Game, tile_size: int) -> None:
        self.tile_size = tile_size
        self.block_size = game.block_size
        self.layout = layout = _layout_for(game, tile_size)
        self.bank = layout.bank  # (shared by every game drawn with the same atlas)
        self.draw_types = layout.draw_types
        self.grid_height, self.grid_width = game.height, game.width
        self._own_frame(np.zeros((game.height * tile_size, game.width * tile_size, 3), dtype=np.uint8))
        self.view = game.view  # (a game keeps its store, and a copy gets caches of its own)
        self.versions: tuple[int, ...] = ()
        self.mark: tuple | None = None  # where this cache stands in the game's change log
        self.generation = -1  # the bank's generation the ids below belong to
        self.drawn: dict[int, dict[int, tuple[int, int]]] = {}  # type -> sid -> drawn pixel (x, y)
        self.own_drawn: set[int] = set()  # types whose ``drawn`` dict is this cache's (others are shared)
        self.state: list[int] = []  # cell -> stack id
        self.painted: list[int] = []  # cell -> pixel id shown there
        self.snapshots = self.view.cache.setdefault(("frames", tile_size, self.draw_types), {})

    def _own_frame(self, frame: np.ndarray) -> None:
        """Draw into ``frame`` from now on (with the views of it the painting uses)."""
        self.frame = frame
        # the same memory seen as (row, y in tile, column, x in tile, rgb): cells as whole blocks
        self.cells_view = frame.reshape(self.grid_height, self.tile_size, self.grid_width, self.tile_size, 3)
        self.cell_views: list[np.ndarray | None] = [None] * (self.grid_height * self.grid_width)
        self.n_views = 0  # cell views made (each refers to the frame)
        self.shown = frame.view()  # the frame as handed out: read-only (one object, made once)
        self.shown.flags.writeable = False

    def _writable(self) -> None:
        """Before writing pixels: if anything beyond the cache itself still refers to the frame (the
        read-only frame handed out, or a view of it: numpy's views name the array that owns the
        memory as their base), draw into a copy from now on, leaving theirs as it was."""
        # the cache's own references: ``self.frame``, ``shown``, ``cells_view`` and each cell view;
        # and getrefcount's argument, each time
        if getrefcount(self.shown) > 2 or getrefcount(self.frame) > 4 + self.n_views:
            self._own_frame(self.frame.copy())

    def _drawn_at(self, positions: dict[int, tuple[int, int]]) -> dict[int, tuple[int, int]]:
        """Physics positions -> the frame pixels they are drawn at."""
        ts, bs = self.tile_size, self.block_size
        return {sid: (x * ts // bs, y * ts // bs) for sid, (x, y) in positions.items()}

    def full(self) -> None:
        bank = self.bank
        if self.snapshots:  # start from a frame of this lineage; update() diffs the changed types
            versions, (frame, state, drawn, painted, generation) = next(reversed(self.snapshots.items()))
            if generation == bank.generation:
                self._writable()
                self.frame[:] = frame
                self.state = list(state)
                self.painted = list(painted)
                self.drawn = dict(drawn)  # (shared with the snapshot until written: see own_drawn)
                self.own_drawn = set()
                self.versions = versions
                self.generation = generation
                return
            self.snapshots.clear()  # (their ids are from before the bank started over)
        versions = self.view.versions()
        self._writable()
        self.frame[:] = BACKGROUND
        layout = self.layout
        cells: dict[int, list[int]] = {}
        self.drawn = {}
        for itype in self.draw_types:
            positions = self.drawn[itype] = self._drawn_at(self.view.positions(itype))
            places = layout.places[itype]
            for at in positions.values():
                placed = places.get(at)
                if placed is None:
                    placed = layout.place(itype, at)
                for cell, entry, _ in placed:
                    cells.setdefault(cell, []).append(entry)
        n = self.grid_height * self.grid_width
        self.state = [0] * n
        self.painted = [0] * n
        for cell, entries in cells.items():
            entries.sort()
            self.state[cell] = bank.intern(tuple(entries))
        self.generation = bank.generation
        self._paint(cells)  # (every cell with a sprite)
        self.versions = versions
        self.own_drawn = set()
        if len(self.snapshots) >= self.SNAPSHOTS:
            self.snapshots.clear()
        self.snapshots[versions] = (self.frame.copy(), tuple(self.state), dict(self.drawn), tuple(self.painted),
                                    self.generation)

    def update(self) -> None:
        bank = self.bank
        if len(bank.stacks) > bank.limit:
            bank.start_over()
        if self.generation != bank.generation:  # a first frame, or the bank started over
            self.mark = None  # (then the stamps, not the log, say what changed since the frame full() drew)
            self.full()
        view = self.view
        entries, self.mark = view.changes_since(self.mark)
        if entries is not None:
            if entries:
                self._apply(view, entries)
            return
        versions = view.versions()
        if versions == self.versions:
            return
        last = self.versions
        changed = [(itype, sid) for itype in self.draw_types if versions[itype] != last[itype]
                   for sid in self.drawn[itype].keys() | view.positions(itype).keys()]
        self.versions = versions
        if changed:
            self._apply(view, changed)

    def _apply(self, view: SpriteView, entries: list[tuple[int, int]]) -> None:
        """Move these sprites (type, sid) from where they were drawn to where they are now, and repaint
        the cells they left or entered: those the change log names (the common, cheap case), or every
        sprite of the types whose stamps changed.

        After the log, ``versions`` stays the stamps of the last diff by stamps: should the log be lost
        later, that diff also looks again at types the log covered since (harmless: ``drawn`` is current),
        and the common case is spared building the stamp tuple every frame."""
        ts, bs = self.tile_size, self.block_size
        layout = self.layout
        places_of = layout.places
        bank = self.bank
        steps = bank.steps
        state = self.state
        drawn = self.drawn
        own = self.own_drawn
        sprite = view.sprite
        dirty: set[int] = set()
        for itype, sid in entries:  # (a sprite listed twice is found where it was drawn the second time)
            positions = drawn.get(itype)
            if positions is None:  # (not drawn: invisible)
                continue
            a = positions.get(sid)
            s = sprite(itype, sid)
            b = (s.x * ts // bs, s.y * ts // bs) if s is not None and not s.disabled else None
            if a == b:
                continue
            if itype not in own:
                positions = drawn[itype] = dict(positions)
                own.add(itype)
            places = places_of[itype]
            if a is not None:
                placed = places.get(a)
                if placed is None:
                    placed = layout.place(itype, a)
                for cell, _, remove in placed:
                    stack = state[cell]
                    new = steps[stack].get(remove)
                    state[cell] = bank.step(stack, remove) if new is None else new
                    dirty.add(cell)
            if b is None:
                del positions[sid]
            else:
                positions[sid] = b
                placed = places.get(b)
                if placed is None:
                    placed = layout.place(itype, b)
                for cell, add, _ in placed:
                    stack = state[cell]
                    new = steps[stack].get(add)
                    state[cell] = bank.step(stack, add) if new is None else new
                    dirty.add(cell)
        if dirty:
            self._paint(dirty)

    def _paint(self, cells: Collection[int]) -> None:
        """Write the pixels of these cells (from their stacks) into the frame, skipping a cell that
        already shows them (a sprite left and another of its type came, or the stack only changed
        under an opaque top)."""
        state = self.state
        painted = self.painted
        bank = self.bank
        looks = bank.looks
        tiles = bank.tiles
        self._writable()
        views = self.cell_views
        for cell in cells:
            pid = looks[state[cell]]
            if pid != painted[cell]:
                if pid < 0:  # (a stack not drawn yet)
                    pid = bank.look(state[cell])
                    if pid == painted[cell]:
                        continue
                painted[cell] = pid
                v = views[cell]
                if v is None:
                    v = views[cell] = self.cells_view[cell // self.grid_width, :, cell % self.grid_width]
                    self.n_views += 1
                v[...] = tiles[pid]


PART_BITS = 20  # an entry is rank << PART_BITS | part id
PART_MASK = (1 << PART_BITS) - 1
_EMPTY = object()


def _cells_at(x: int, y: int, size: int) -> tuple[tuple[int, int], ...]:
    """The cells (of side ``size``) a square of that side at (x, y) overlaps (1, 2 or 4)."""
    cx, cy = x // size, y // size
    if x % size:
        if y % size:
            return (cx, cy), (cx + 1, cy), (cx, cy + 1), (cx + 1, cy + 1)
        return (cx, cy), (cx + 1, cy)
    if y % size:
        return (cx, cy), (cx, cy + 1)
    return ((cx, cy),)


def render_reference(game: Game, tile_size: int = 8) -> np.ndarray:
    """The frame drawn the plain way, sprite by sprite: the definition the cached renderer must match."""
    atlas = atlas_for(game.rules, tile_size)
    ts, bs = tile_size, game.block_size
    h, w = game.height * ts, game.width * ts
    frame = np.zeros((h, w, 3), dtype=np.uint8)
    frame[:] = BACKGROUND
    kinds = game.rules.kinds
    for itype in _draw_order(game.rules):
        if kinds[itype].invisible:
            continue
        for s in game.view.live(itype):
            px, py = s.x * ts // bs, s.y * ts // bs
            x0, y0, x1, y1 = max(px, 0), max(py, 0), min(px + ts, w), min(py + ts, h)
            if x0 < x1 and y0 < y1:
                np.copyto(frame[y0:y1, x0:x1], atlas.rgb[itype, y0 - py:y1 - py, x0 - px:x1 - px],
                          where=atlas.mask[itype, y0 - py:y1 - py, x0 - px:x1 - px, None])
    return frame


def render(game: Game, tile_size: int = 8) -> np.ndarray:
    """The game's current frame: ``(height * tile, width * tile, 3)`` uint8, read-only.

    The array is never changed afterwards (later frames are drawn elsewhere while it is held), so it
    can be kept as it is; ``.copy()`` it to draw on it."""
    caches = game.render_state
    cache = caches.get(tile_size)
    if cache is None:
        if tile_size < 1:
            raise ValueError("tile_size must be at least 1")
        cache = caches[tile_size] = FrameCache(game, tile_size)
    cache.update()
    return cache.shown


def _layout_for(game: Game, tile_size: int) -> _Layout:
    """The layout a game is drawn with (kept per rules: every game of a lineage shares it)."""
    rules = game.rules
    key = (tile_size, game.width, game.height)
    layouts = rules.__dict__.setdefault("_layouts", {})
    layout = layouts.get(key)
    if layout is None:
        atlas = atlas_for(rules, tile_size)
        bank = atlas.__dict__.get("_bank")
        if bank is None:
            bank = atlas.__dict__["_bank"] = _TileBank(atlas)
        kinds = rules.kinds
        draw_types = tuple(i for i in _draw_order(rules) if not kinds[i].invisible)
        layout = layouts[key] = _Layout(bank, game.width, game.height, draw_types)
    return layout


def _unordered(rules: GameRules) -> tuple[int, ...]:
    """Types outside the sprite order (not leaves): drawn first, when they have sprites."""
    others = rules.__dict__.get("_unordered")
    if others is None:
        ordered = set(rules.sprite_order)
        others = rules.__dict__["_unordered"] = tuple(i for i in range(len(rules.kinds)) if i not in ordered)
    return others


def _draw_order(rules: GameRules) -> list[int]:
    """Leaf types in the game's sprite order, after the other types (those that can have sprites: a parent
    made directly)."""
    return [*_unordered(rules), *rules.sprite_order]
