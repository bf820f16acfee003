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
import sys
from bisect import insort
from collections.abc import Collection
from operator import itemgetter
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
    """Composited cells of one atlas, as rows of one array (shared by every game drawn with it).

    A cell's pixels depend only on its stack of sprites, each a *part*: a type drawn (dx, dy) frame
    pixels off the cell. Parts get small integer ids, a stack is the tuple of its part ids, and each
    distinct stack is composited once and given a row; a frame update then copies rows into cells.
    Where a sprite drawn at (x, y) lands (its cells and its part in each) is also kept here.
    """

    LIMIT = 8192  # distinct stacks kept; beyond, new stacks are composited each time
    PLACES = 1 << 16  # placements kept per type before that memo starts over

    def __init__(self, tile_size: int, n_types: int) -> None:
        self.tile_size = tile_size
        self.rows: dict[tuple[int, ...], int] = {}
        self.pixels = np.zeros((64, tile_size, tile_size, 3), dtype=np.uint8)
        self.tiles = list(self.pixels)  # each row as its own view (writing one cell is cheaper from it)
        self.part_ids: dict[tuple[int, int, int], int] = {}
        self.parts: list[tuple[int, int, int]] = []  # part id -> (type, dx, dy)
        self.shifted: dict[int, tuple[np.ndarray, np.ndarray] | object] = {}  # part id -> its pixels
        # type -> drawn (x, y) -> ((cell, part id), ...): the 1, 2 or 4 cells a sprite there covers
        self.places: list[dict[tuple[int, int], tuple[tuple[tuple[int, int], int], ...]]] = [
            {} for _ in range(n_types)]

    def add(self, key: tuple[int, ...], tile: np.ndarray) -> int:
        n = len(self.rows)
        if n == len(self.pixels):
            self.pixels = np.concatenate([self.pixels, np.zeros_like(self.pixels)])
            self.tiles = list(self.pixels)
        self.pixels[n] = tile
        self.rows[key] = n
        return n

    def place(self, itype: int, at: tuple[int, int]) -> tuple[tuple[tuple[int, int], int], ...]:
        """The cells a sprite of ``itype`` drawn at pixel ``at`` covers, each with its part there."""
        memo = self.places[itype]
        if len(memo) >= self.PLACES:
            memo.clear()
        ts = self.tile_size
        x, y = at
        out = []
        for cx, cy in _cells_at(x, y, ts):
            layer = (itype, x - cx * ts, y - cy * ts)
            part = self.part_ids.get(layer)
            if part is None:
                part = self.part_ids[layer] = len(self.parts)
                self.parts.append(layer)
            out.append(((cx, cy), part))
        placed = memo[at] = tuple(out)
        return placed


class FrameCache:
    """The last frame drawn for one game at one tile size, repainted cell by cell.

    Why: a tick usually moves a few sprites, so repainting only the cells they left
    or entered costs far less than redrawing hundreds of static sprites. Everything here is
    in frame pixels: a sprite is kept at the pixel it is drawn at (``x * tile // block``),
    so a move too small to show (a slow car creeping one physics pixel) costs nothing, and
    the cells are those the drawn tile covers. The cache keeps, per cell, the stack of sprites
    overlapping it (in draw order) and the bank row last painted there; a type's version
    (bumped by the engine whenever one of its sprites appears, moves, dies or is disabled) says
    which types to diff when the engine's change log cannot. A cell's pixels depend only on
    its stack, so composited cells are kept by stack (:class:`_TileBank`). The frame handed out
    is one read-only view of the cache's own array, so rendering copies nothing; should a caller still
    hold a frame (or any view of it) when the next one is drawn, the cache first moves to a copy,
    so a frame once returned never changes (copy on write, found by reference count). A full
    redraw is kept too, with the version stamps of every type: since a stamp names one
    state of a type in the whole game lineage, any game of the lineage (a copy, a new
    episode started from a copy of the level) can start from that frame and diff only
    the types whose stamps differ, instead of drawing every sprite again.
    """

    SNAPSHOTS = 8  # full frames kept per game lineage and tile size
    BATCH = 40  # from this many cells to write, one indexed numpy copy beats a copy per cell

    def __init__(self, game: Game, tile_size: int) -> None:
        self.tile_size = tile_size
        self.block_size = game.block_size
        self.atlas = atlas_for(game.rules, tile_size)
        kinds = game.rules.kinds
        self.draw_types = tuple(i for i in _draw_order(game) if not kinds[i].invisible)
        self.rank = {t: r for r, t in enumerate(self.draw_types)}
        self.grid_height, self.grid_width = game.height, game.width
        self._own_frame(np.zeros((game.height * tile_size, game.width * tile_size, 3), dtype=np.uint8))
        self.view = game.view  # (a game keeps its store, and a copy gets caches of its own)
        self.versions: tuple[int, ...] = ()
        self.mark: tuple | None = None  # where this cache stands in the game's change log
        self.drawn: dict[int, dict[int, tuple[int, int]]] = {}  # type -> sid -> drawn pixel (x, y)
        self.own_drawn: set[int] = set()  # types whose ``drawn`` dict is this cache's (others are shared)
        # cell -> the entries (rank, sid, part id) over it, in draw order (a tuple while shared with
        # a snapshot)
        self.stacks: dict[tuple[int, int], list[tuple[int, int, int]] | tuple] = {}
        self.painted: dict[tuple[int, int], int] = {}  # cell -> bank row shown there (none: background)
        # depends only on the rules and tile size: shared by every game drawn with this atlas
        self.bank: _TileBank = self.atlas.__dict__.setdefault("_bank", _TileBank(tile_size, len(kinds)))
        self.snapshots = self.view.cache.setdefault(("frames", tile_size, self.draw_types), {})

    def _own_frame(self, frame: np.ndarray) -> None:
        """Draw into ``frame`` from now on (with the views of it the painting uses)."""
        self.frame = frame
        # the same memory seen as (row, y in tile, column, x in tile, rgb): cells as whole blocks
        self.cells_view = frame.reshape(self.grid_height, self.tile_size, self.grid_width, self.tile_size, 3)
        self.cell_views: dict[tuple[int, int], np.ndarray] = {}  # cell -> its block of the frame
        self.shown = frame.view()  # the frame as handed out: read-only (one object, made once)
        self.shown.flags.writeable = False

    def _writable(self) -> None:
        """Before writing pixels: if anything beyond the cache itself still refers to the frame (the
        read-only frame handed out, or a view of it: numpy's views name the array that owns the
        memory as their base), draw into a copy from now on, leaving theirs as it was."""
        # the cache's own references: ``self.frame``, ``shown``, ``cells_view`` and each cell view;
        # and getrefcount's argument, each time
        if sys.getrefcount(self.shown) > 2 or sys.getrefcount(self.frame) > 4 + len(self.cell_views):
            self._own_frame(self.frame.copy())

    def _drawn_at(self, positions: dict[int, tuple[int, int]]) -> dict[int, tuple[int, int]]:
        """Physics positions -> the frame pixels they are drawn at."""
        ts, bs = self.tile_size, self.block_size
        return {sid: (x * ts // bs, y * ts // bs) for sid, (x, y) in positions.items()}

    def full(self) -> None:
        if self.snapshots:  # start from a frame of this lineage; update() diffs the changed types
            versions, (frame, stacks, drawn, painted) = next(reversed(self.snapshots.items()))
            self._writable()
            self.frame[:] = frame
            self.stacks = dict(stacks)  # (its tuples are the snapshot's: _move turns one into a list to write it)
            self.drawn = dict(drawn)  # (shared with the snapshot until written: see own_drawn)
            self.painted = dict(painted)
            self.own_drawn = set()
            self.versions = versions
            return
        versions = self.view.versions()
        self._writable()
        self.frame[:] = BACKGROUND
        self.drawn = {}
        self.painted = {}
        bank = self.bank
        stacks: dict[tuple[int, int], list[tuple[int, int, int]]] = {}
        for rank, itype in enumerate(self.draw_types):
            positions = self.drawn[itype] = self._drawn_at(self.view.positions(itype))
            places = bank.places[itype]
            for sid, at in positions.items():
                for cell, part in places.get(at) or bank.place(itype, at):
                    stacks.setdefault(cell, []).append((rank, sid, part))
        self.stacks = stacks
        self._paint(stacks)  # (every cell with a sprite)
        self.versions = versions
        self.own_drawn = set()
        if len(self.snapshots) >= self.SNAPSHOTS:
            self.snapshots.clear()
        self.snapshots[versions] = (self.frame.copy(), {cell: tuple(stack) for cell, stack in stacks.items()},
                                    dict(self.drawn), dict(self.painted))

    def update(self) -> None:
        if not self.versions:
            self.full()
        view = self.view
        entries, self.mark = view.changes_since(self.mark)
        if entries is not None:
            if entries:
                self._update_from_log(view, entries)
            return
        versions = view.versions()
        if versions == self.versions:
            return
        dirty: set[tuple[int, int]] = set()
        last = self.versions
        for itype in self.draw_types:
            if versions[itype] == last[itype]:
                continue
            old = self.drawn.get(itype, {})
            new = self._drawn_at(view.positions(itype))
            for sid in old.keys() | new.keys():
                a, b = old.get(sid), new.get(sid)
                if a != b:
                    self._move(itype, sid, a, b, dirty)
            self.drawn[itype] = new
            self.own_drawn.add(itype)
        self.versions = versions
        self._paint(dirty)

    def _update_from_log(self, view: SpriteView, entries: list[tuple[int, int]]) -> None:
        """Repaint the cells of the sprites the change log names (the common, cheap case).

        ``versions`` stays the stamps of the last diff by stamps: should the log be lost later, that
        diff also looks again at types the log covered since (harmless: ``drawn`` is current), and
        the common case is spared building the stamp tuple every frame."""
        ts, bs = self.tile_size, self.block_size
        rank_of = self.rank
        drawn = self.drawn
        own = self.own_drawn
        sprite = view.sprite
        move = self._move
        dirty: set[tuple[int, int]] = set()
        done: set[int] = set()
        for itype, sid in entries:
            if sid in done or itype not in rank_of:  # (not drawn: invisible)
                continue
            done.add(sid)
            positions = drawn[itype]
            a = positions.get(sid)
            s = sprite(itype, sid)
            b = (s.x * ts // bs, s.y * ts // bs) if s is not None and not s.disabled else None
            if a == b:
                continue
            if itype not in own:
                positions = drawn[itype] = dict(positions)
                own.add(itype)
            move(itype, sid, a, b, dirty)
            if b is None:
                del positions[sid]
            else:
                positions[sid] = b
        if dirty:
            self._paint(dirty)

    def _move(self, itype: int, sid: int, a: tuple[int, int] | None, b: tuple[int, int] | None,
              dirty: set[tuple[int, int]]) -> None:
        """Move one sprite's entry in the cell stacks from drawn pixel ``a`` to ``b`` (None: absent)."""
        stacks = self.stacks
        rank = self.rank[itype]
        bank = self.bank
        places = bank.places[itype]
        if a is not None:
            for cell, part in places.get(a) or bank.place(itype, a):
                stack = stacks[cell]
                if stack.__class__ is tuple:
                    stack = stacks[cell] = list(stack)
                stack.remove((rank, sid, part))
                dirty.add(cell)
        if b is not None:
            for cell, part in places.get(b) or bank.place(itype, b):
                entry = (rank, sid, part)
                stack = stacks.get(cell)
                if not stack:
                    stacks[cell] = [entry]
                else:
                    if stack.__class__ is tuple:
                        stack = stacks[cell] = list(stack)
                    if entry > stack[-1]:  # (the usual case: drawn last)
                        stack.append(entry)
                    else:
                        insort(stack, entry)
                dirty.add(cell)

    def _paint(self, cells: Collection[tuple[int, int]]) -> None:
        """Write the pixels of these cells (from their stacks) into the frame.

        A cell whose stack shows what is already painted there (a sprite left and another of its
        type came, or the stack only reordered) is not written."""
        gh, gw = self.grid_height, self.grid_width
        bank = self.bank
        known = bank.rows
        painted = self.painted
        stacks = self.stacks
        todo: list[tuple[int, int, int]] = []  # (cell column, cell row, bank row)
        extra: list[tuple[int, int, np.ndarray]] = []  # cells whose stacks the full bank cannot hold
        for cell in cells:
            stack = stacks.get(cell)
            if not stack:
                key: tuple[int, ...] = ()
            elif len(stack) == 1:  # (many cells: one sprite over the background)
                key = (stack[0][2],)
            else:
                key = tuple(map(_part, stack))
            row = known.get(key)
            if row is not None and painted.get(cell) == row:
                continue
            cx, cy = cell
            if cx < 0 or cy < 0 or cx >= gw or cy >= gh:  # (off the screen: never painted)
                continue
            if row is None:
                tile = self._composite(key)
                if len(known) >= bank.LIMIT:
                    extra.append((cx, cy, tile))
                    painted.pop(cell, None)
                    continue
                row = bank.add(key, tile)
            painted[cell] = row
            todo.append((cx, cy, row))
        if todo or extra:
            self._writable()
        if len(todo) >= self.BATCH:
            cols, rows, ids = zip(*todo, strict=True)
            self.cells_view[rows, :, cols] = bank.pixels.take(ids, axis=0)
        elif todo:
            views = self.cell_views
            tiles = bank.tiles
            for cx, cy, row in todo:
                v = views.get((cx, cy))
                if v is None:
                    v = views[cx, cy] = self.cells_view[cy, :, cx]
                v[...] = tiles[row]
        for cx, cy, tile in extra:
            self.cells_view[cy, :, cx] = tile

    def _composite(self, key: tuple[int, ...]) -> np.ndarray:
        """One cell's pixels for a stack of parts, drawn in order."""
        tile = np.empty((self.tile_size, self.tile_size, 3), dtype=np.uint8)
        tile[:] = BACKGROUND
        shifted_tiles = self.bank.shifted
        for part in key:
            shifted = shifted_tiles.get(part)
            if shifted is None:
                shifted = shifted_tiles[part] = self._shift(*self.bank.parts[part])
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


_EMPTY = object()
_part = itemgetter(2)  # a stack entry's part id


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
    for itype in _draw_order(game):
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
    if tile_size < 1:
        raise ValueError("tile_size must be at least 1")
    caches = game.render_state
    cache = caches.get(tile_size)
    if cache is None:
        cache = caches[tile_size] = FrameCache(game, tile_size)
    cache.update()
    return cache.shown


def _draw_order(game: Game) -> list[int]:
    order = list(game.rules.sprite_order)
    seen = set(order)
    return [i for i in range(len(game.rules.kinds)) if i not in seen and game.view.count(i)] + order
