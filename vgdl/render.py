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
from bisect import insort
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from vgdl.game import Game
    from vgdl.rules import GameRules, SpriteKind

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


def _square(tile: int, shrink: float) -> tuple[int, int]:
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
        off, side = _square(ts, kind.shrink)
        i = kind.itype
        if kind.img and not _has_color(rules, kind):
            pattern, color = glyphs[kind.img]
            # scale the 5x5 pattern onto the square (nearest neighbour)
            idx = (np.arange(side) * _GLYPH_CELLS) // side
            cells = pattern[np.ix_(idx, idx)]
            self.mask[i, off:off + side, off:off + side] = cells
            self.rgb[i, off:off + side, off:off + side][cells] = color
        else:
            color = kind.color if kind.color is not None else glyph_pattern(kind.name)[1]
            self.mask[i, off:off + side, off:off + side] = True
            self.rgb[i, off:off + side, off:off + side] = color
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


class FrameCache:
    """The last frame drawn for one game at one tile size, repainted cell by cell.

    Why: a tick usually moves a few sprites, so repainting only the cells they left
    or entered costs far less than redrawing hundreds of static sprites. The cache
    keeps, per physics cell, the stack of sprites overlapping it (in draw order); a
    type's version (bumped by the engine whenever one of its sprites appears, moves,
    dies or is disabled) says which types to diff. A cell's pixels depend only on
    its stack, so composited cells are cached by stack.
    """

    def __init__(self, game: Game, tile_size: int) -> None:
        self.tile_size = tile_size
        self.atlas = atlas_for(game.rules, tile_size)
        kinds = game.rules.kinds
        self.draw_types = tuple(i for i in _draw_order(game) if not kinds[i].invisible)
        self.rank = {t: r for r, t in enumerate(self.draw_types)}
        self.frame = np.zeros((game.height * tile_size, game.width * tile_size, 3), dtype=np.uint8)
        # the same memory seen as (row, y in tile, column, x in tile, rgb): cells as whole blocks
        self.cells_view = self.frame.reshape(game.height, tile_size, game.width, tile_size, 3)
        self.versions: list[int] = []
        self.drawn: dict[int, dict[int, tuple[int, int]]] = {}
        self.stacks: dict[tuple[int, int], list[tuple[int, int, int, int, int]]] = {}
        # Composited cells and shifted tiles depend only on the rules, tile size and block size:
        # shared by every game (and copy) drawn with this atlas, so a new episode starts warm.
        shared = self.atlas.__dict__.setdefault("_cells_by_block", {}).setdefault(game.block_size, ({}, {}))
        self.composites: dict[tuple[tuple[int, int, int], ...], np.ndarray] = shared[0]
        self.shifted: dict[tuple[int, int, int], tuple[np.ndarray, np.ndarray] | object] = shared[1]

    def full(self, game: Game) -> None:
        bs = game.block_size
        self.frame[:] = BACKGROUND
        self.drawn = {}
        stacks: dict[tuple[int, int], list[tuple[int, int, int, int, int]]] = {}
        cells: set[tuple[int, int]] = set()
        for rank, itype in enumerate(self.draw_types):
            positions = game.view.positions(itype)
            self.drawn[itype] = positions
            for sid, (x, y) in positions.items():
                cells.clear()
                _cells_of(x, y, bs, cells)
                for cell in cells:
                    stacks.setdefault(cell, []).append((rank, sid, itype, x, y))
        self.stacks = stacks
        for cell, stack in stacks.items():
            self._paint(cell, stack, bs)
        self.versions = list(game.view.versions())

    def update(self, game: Game) -> None:
        if not self.versions:
            self.full(game)
            return
        bs = game.block_size
        versions = game.view.versions()
        stacks = self.stacks
        dirty: set[tuple[int, int]] = set()
        cells: set[tuple[int, int]] = set()
        for itype in self.draw_types:
            if versions[itype] == self.versions[itype]:
                continue
            old = self.drawn.get(itype, {})
            new = game.view.positions(itype)
            rank = self.rank[itype]
            for sid in old.keys() | new.keys():
                a, b = old.get(sid), new.get(sid)
                if a == b:
                    continue
                if a is not None:
                    cells.clear()
                    _cells_of(a[0], a[1], bs, cells)
                    for cell in cells:
                        stack = stacks[cell]
                        stack.remove(next(e for e in stack if e[1] == sid))
                    dirty |= cells
                if b is not None:
                    cells.clear()
                    _cells_of(b[0], b[1], bs, cells)
                    entry = (rank, sid, itype, b[0], b[1])
                    for cell in cells:
                        insort(stacks.setdefault(cell, []), entry)
                    dirty |= cells
            self.drawn[itype] = new
        self.versions = list(versions)
        if len(dirty) < 4:
            for cell in dirty:
                self._paint(cell, stacks.get(cell, ()), bs)
            return
        # Many cells: gather their tiles and write them with one indexed assignment.
        cols, rows, tiles = [], [], []
        gw, gh = self.frame.shape[1] // self.tile_size, self.frame.shape[0] // self.tile_size
        for cx, cy in dirty:
            if 0 <= cx < gw and 0 <= cy < gh:
                cols.append(cx)
                rows.append(cy)
                tiles.append(self._tile(cx, cy, stacks.get((cx, cy), ()), bs))
        if tiles:
            self.cells_view[rows, :, cols, :] = tiles

    def _tile(self, cx: int, cy: int, stack: list[tuple[int, int, int, int, int]] | tuple, bs: int) -> np.ndarray:
        """The pixels of one cell: what its stack of sprites shows (cached per stack)."""
        x0, y0 = cx * bs, cy * bs
        key = tuple((itype, x - x0, y - y0) for _, _, itype, x, y in stack)
        tile = self.composites.get(key)
        if tile is None:
            tile = self._composite(key, bs)
            if len(self.composites) < 8192:
                self.composites[key] = tile
        return tile

    def _paint(self, cell: tuple[int, int], stack: list[tuple[int, int, int, int, int]] | tuple, bs: int) -> None:
        ts = self.tile_size
        cx, cy = cell
        h, w = self.frame.shape[:2]
        if not (0 <= cx * ts < w and 0 <= cy * ts < h):
            return
        self.frame[cy * ts:(cy + 1) * ts, cx * ts:(cx + 1) * ts] = self._tile(cx, cy, stack, bs)

    def _composite(self, key: tuple[tuple[int, int, int], ...], bs: int) -> np.ndarray:
        """One cell's pixels for a stack of (type, dx, dy) sprites, drawn in order."""
        tile = np.empty((self.tile_size, self.tile_size, 3), dtype=np.uint8)
        tile[:] = BACKGROUND
        for layer in key:
            shifted = self.shifted.get(layer)
            if shifted is None:
                if len(self.shifted) > 16384:
                    self.shifted.clear()
                shifted = self.shifted[layer] = self._shift(*layer, bs)
            if shifted is not _EMPTY:
                np.copyto(tile, shifted[0], where=shifted[1])
        return tile

    def _shift(self, itype: int, dx: int, dy: int, bs: int) -> tuple[np.ndarray, np.ndarray] | object:
        """A type's tile as it appears in a cell when the sprite is (dx, dy) physics pixels off it."""
        ts = self.tile_size
        # where the full frame would place the sprite, relative to this cell
        px, py = (dx * ts) // bs, (dy * ts) // bs
        x0, y0, x1, y1 = max(px, 0), max(py, 0), min(px + ts, ts), min(py + ts, ts)
        if x0 >= x1 or y0 >= y1:
            return _EMPTY
        rgb = np.zeros((ts, ts, 3), dtype=np.uint8)
        mask = np.zeros((ts, ts, 1), dtype=bool)
        rgb[y0:y1, x0:x1] = self.atlas.rgb[itype, y0 - py:y1 - py, x0 - px:x1 - px]
        mask[y0:y1, x0:x1, 0] = self.atlas.mask[itype, y0 - py:y1 - py, x0 - px:x1 - px]
        return rgb, mask


_EMPTY = object()


def _cells_of(x: int, y: int, bs: int, out: set[tuple[int, int]]) -> None:
    """Add the physics cells a block at pixel (x, y) overlaps (1, 2 or 4)."""
    cx, cy = x // bs, y // bs
    out.add((cx, cy))
    if x % bs:
        out.add((cx + 1, cy))
        if y % bs:
            out.add((cx, cy + 1))
            out.add((cx + 1, cy + 1))
    elif y % bs:
        out.add((cx, cy + 1))


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
    """The game's current frame: ``(height * tile, width * tile, 3)`` uint8 (a fresh array)."""
    if tile_size < 1:
        raise ValueError("tile_size must be at least 1")
    caches = game.render_state
    cache = caches.get(tile_size)
    if cache is None:
        cache = caches[tile_size] = FrameCache(game, tile_size)
    cache.update(game)
    return cache.frame.copy()


def _draw_order(game: Game) -> list[int]:
    order = list(game.rules.sprite_order)
    seen = set(order)
    return [i for i in range(len(game.rules.kinds)) if i not in seen and game.view.count(i)] + order
