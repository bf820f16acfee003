"""Objects from RGB pixels: the EMPA-like agent's perception when the prior ``object_state`` is off.

Why: with that prior off the agent may not read the env's object table, yet the rest of the agent
reasons over exactly that table. :class:`PixelPerceiver` rebuilds it from a frame alone:

- the frame is cut into ``tile_size`` squares (one per cell); a tile that is all background
  (black, as :mod:`vgdl.render` paints empty space and the padding of smaller levels) is empty,
  except, with ``dark`` on (the agent's setting), inside the box around the level's other tiles:
  there it is one more appearance, so a sprite drawn black (a pit, a chasm) is seen;
- every other tile is one object whose ``type`` is a token for its exact appearance, handed out in
  order of first sight and kept for the perceiver's lifetime, so that what the agent learns about a
  token carries over to later episodes and levels;
- ``id`` tracks an object from frame to frame: an object keeps the id of the nearest object of the
  same token in the previous frame (Manhattan distance, at most ``max_distance`` cells), or of the
  one object of a token unique in both frames however far it went (a teleport);
- object permanence (``permanence=True``; off in the agent): what a mover covers (an avatar fills its
  tile) stays in the table at its cell, its id in :attr:`PixelPerceiver.hidden_ids`, until the cell
  shows it again or shows something else. Off, because with every prior off it cost more dev levels
  than it won (70 of 130 on, 77 off, at 5,000 steps): its open failure modes are a mover drawn between
  cells (partial tiles are new appearances) and a shot's first cell (a new object covers nothing).

- layers (``layers=True``; off in the agent unless its config sets ``pixel_layers``): a cell may
  show a small sprite over a ground (a coin on the floor). A tile with no black pixel that agrees
  with a known *ground* (an earlier whole-tile appearance) on at least a quarter of its pixels is
  read as that ground with a *top* over it: the pixels where they differ, keyed by their mask and
  colours, so a coin is one token whatever floor it lies on and the floor stays in the table under
  it; a tile with black pixels is a top over nothing. Each distinct tile is read once and kept, so
  the reading never changes; within a frame, tiles are read commonest first, so floors are grounds
  before anything is read against them. Grounds and tops are tracked apart (an object keeps its
  layer), and in the table a cell's top comes after its ground. Without layers, several sprites in
  one cell make one composite appearance, hence one object.

- movers between cells (``transit=True``): a sprite drawn part of the way from one cell to the next
  (a guard of speed 0.5 half a cell on) shows in each of the two cells a strip of its own look and a
  strip of what lies there. A tile never seen before that is a known appearance shifted along a row or
  a column, with the rest of it matching another known appearance, is read as the one of the two that
  covers more of it (the mover in the cell holding most of it, or its origin on an even split; the
  ground in the other), so the mover keeps its token and stays one object, at its nearest cell, and
  the ground stays in the table. Without it each strip is a new appearance and the mover seems to die
  and be born at every half step. Each such tile is read once and kept.

- status bars (``status_bars=True``; the env's ``status_bars`` option draws them as GVGAI's screen
  does): a tile that shows a known appearance with resource bars over its lower third is that
  appearance, and the bars are read (:attr:`PixelPerceiver.bars`: per cell, each bar's colour, filled
  and full width in pixels), so a holder keeps its token while what it holds changes. Health bars are
  not read (at the agent's tile of 8 pixels GVGAI's health bar is 0 pixels wide).

What pixels cannot say, the table says nothing about either: orientation, health and the avatar
flag are 0.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

from vgdl.observations import TABLE_COLUMNS
from vgdl.status_bars import resource_bar_rows, resource_bar_span

_TYPE, _X, _Y, _ID = (TABLE_COLUMNS.index(c) for c in ("type", "x", "y", "id"))
_N_COLUMNS = len(TABLE_COLUMNS)


class PixelPerceiver:
    """Turns RGB frames into ``n x 8`` object tables (``vgdl.observations.TABLE_COLUMNS``).

    :param tile_size: pixels per cell of the frames it will see.
    :param max_distance: farthest (Manhattan, in cells) an object may move between two frames and
        keep its id.
    :param permanence: keep what a mover covers in the table, hidden (see the module's docstring).
    :param dark: an all-black tile inside the level (the box around the tiles that are not all black)
        is an object of its own appearance, not empty space: a sprite drawn black (a pit, a chasm) is
        seen where it breaks the floor; black outside that box is padding, and stays empty.
    :param layers: read a tile as a ground with a smaller sprite over it (see the module's docstring).
    :param reclaim: with permanence off, still remember what a mover covers (out of the table), so the
        cell showing it again gets that object's id back; else an uncovered floor tile, a new object, takes
        the id of a floor tile covered nearby at that moment, and floors look like movers to the learner.
        Not with layers (their ground stays in the table).
    :param status_bars: read resource bars over known appearances (see the module's docstring).
    :param transit: read a known appearance drawn between two cells as itself or as what it partly
        covers (see the module's docstring). Not with layers.
    """

    #: a tile is read as a known ground with a top over it when they agree on this share of its pixels
    GROUND_SHARE = 0.25

    def __init__(self, tile_size: int, max_distance: int = 3, permanence: bool = False, dark: bool = False,
                 layers: bool = False, status_bars: bool = False, reclaim: bool = False,
                 transit: bool = False) -> None:
        if tile_size < 1:
            raise ValueError("tile_size must be at least 1")
        if max_distance < 0:
            raise ValueError("max_distance must be non-negative")
        if layers and permanence:
            raise ValueError("layers keep the ground under a top in the table: permanence does not apply")
        self.tile_size = tile_size
        self.max_distance = max_distance
        self.permanence = permanence
        self.reclaim = reclaim and not layers
        self.dark = dark
        self.layers = layers
        self.status_bars = status_bars
        self.transit = transit and not layers
        #: transit: tile bytes -> the token it is read as (a known appearance between cells; None: it is not)
        self._in_transit: dict[bytes, int | None] = {}
        #: status bars: tile bytes -> (the appearance's token, its bars), None: not a barred appearance
        self._barred: dict[bytes, tuple[int, tuple[Bar, ...]] | None] = {}
        #: the last frame's resource bars, per cell (row, column), in the order drawn (top first)
        self.bars: dict[tuple[int, int], tuple[Bar, ...]] = {}
        self._tokens: dict[bytes, int] = {}  # appearance key (a tile's bytes; a top's mask and colours) -> token
        self._appearances: list[np.ndarray] = []
        self._read: dict[bytes, tuple[int, int]] = {}  # layers: tile bytes -> (ground token, top token), -1: none
        self._grounds: list[tuple[int, np.ndarray]] = []  # layers: (token, pixels as (tile * tile, 3))
        #: per appearance: objects tracked from one cell to another, and objects seen in frames where
        #: something changed (a floor is sometimes mis-tracked when uncovered; a train moves every tick)
        self._token_moves: Counter[int] = Counter()
        self._token_seen: Counter[int] = Counter()
        # per-tile fingerprint weights: fixed, so fingerprints are comparable between frames
        n_bytes = tile_size * tile_size * 3
        self._weights = np.random.default_rng(0x5EED).integers(1, 2**63, n_bytes, dtype=np.uint64) | np.uint64(1)
        self.reset_episode()

    # -------------------------------------------------------------------------------------------
    @property
    def n_types(self) -> int:
        """How many appearance tokens have been handed out so far."""
        return len(self._appearances)

    def appearance(self, token: int) -> np.ndarray:
        """The tile image (``tile_size x tile_size x 3`` uint8) that ``token`` stands for."""
        return self._appearances[token].copy()

    def reset_episode(self) -> None:
        """Forget tracked ids (a new episode has new objects); appearance tokens are kept."""
        #: per layer (0: the only one, or grounds; 1: tops): the last frame's (tokens, ids), (rows, cols)
        #: int64, -1 where empty
        self._prev: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._next_id = 1
        #: cell (row, column) -> [(token, id)] of objects a mover hides there (see :meth:`_hide`)
        self._hidden: dict[tuple[int, int], list[tuple[int, int]]] = {}
        #: ids of the last table's hidden objects: in the table at their cell, under what shows there (with
        #: reclaim alone: remembered, not in the table)
        self.hidden_ids: frozenset[int] = frozenset()

    # -------------------------------------------------------------------------------------------
    def perceive(self, frame: np.ndarray) -> np.ndarray:
        """The object table of one ``(rows * tile, cols * tile, 3)`` uint8 frame, sorted by (type, id)
        (with layers: grounds first, then tops)."""
        grids = self._tokenise(frame)
        parts = []
        for layer, tokens in enumerate(grids):
            ids = self._track(tokens, layer)
            ys, xs = np.nonzero(tokens >= 0)
            parts.append((ys, xs, tokens[ys, xs], ids[ys, xs], np.full(len(ys), layer, dtype=np.int64)))
        under = [(y, x, tok, oid, 0) for (y, x), stack in self._hidden.items() for tok, oid in stack] \
            if self.permanence else []  # (reclaim alone keeps them out of the table)
        # (reclaim: remembered out of the table; a learner judges a covered contact when its cell shows again)
        self.hidden_ids = frozenset(oid for _, _, _, oid, _ in under) if self.permanence else \
            frozenset(oid for stack in self._hidden.values() for _, oid in stack)
        if under:
            parts.append(tuple(np.array(v, dtype=np.int64) for v in zip(*under, strict=True)))
        ys, xs, t, i, layer = (np.concatenate(v) for v in zip(*parts, strict=True))
        table = np.zeros((len(ys), _N_COLUMNS), dtype=np.float32)
        order = np.lexsort((i, t, layer))  # (one layer: by type; with layers, a cell's top after its ground)
        table[:, _TYPE] = t[order]
        table[:, _X] = xs[order]
        table[:, _Y] = ys[order]
        table[:, _ID] = i[order]
        return table

    def _tokenise(self, frame: np.ndarray) -> list[np.ndarray]:
        """Per layer, per cell, the token of what the cell shows (-1: nothing), new appearances getting
        new tokens: one grid, or with ``layers`` the grounds' and the tops'."""
        frame = np.asarray(frame)
        ts = self.tile_size
        if frame.ndim != 3 or frame.shape[2] != 3 or frame.dtype != np.uint8:
            raise ValueError(f"expected an (H, W, 3) uint8 frame, got {frame.shape} {frame.dtype}")
        h, w = frame.shape[0] // ts, frame.shape[1] // ts
        if (h * ts, w * ts) != frame.shape[:2]:
            raise ValueError(f"frame {frame.shape[:2]} is not a whole number of {ts}-pixel tiles")
        # (cells, bytes of one tile), row-major over cells
        tiles = frame.reshape(h, ts, w, ts, 3).swapaxes(1, 2).reshape(h * w, ts * ts * 3)
        # Group equal tiles by a 64-bit fingerprint (a wrapping dot product), then check the groups
        # byte for byte, so that a fingerprint collision can never merge two appearances.
        fingerprints = tiles @ self._weights
        _, first, inverse = np.unique(fingerprints, return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
        if not np.array_equal(tiles, tiles[first[inverse]]):
            _, first, inverse = np.unique(np.ascontiguousarray(tiles).view(np.dtype((np.void, tiles.shape[1]))),
                                          return_index=True, return_inverse=True)
            inverse = inverse.reshape(-1)
        # tokens for this frame's appearances, new ones in order of first sight (row-major); with
        # layers, commonest first (floors become grounds before tiles are read against them)
        group_token = np.empty(len(first), dtype=np.int64)
        group_top = np.full(len(first), -1, dtype=np.int64)
        group_bars: dict[int, tuple[Bar, ...]] = {}
        order = np.argsort(first, kind="stable")
        if self.layers:
            order = order[np.argsort(-np.bincount(inverse, minlength=len(first))[order], kind="stable")]
        for g in order:
            tile = tiles[first[g]]
            if not tile.any():
                group_token[g] = -1  # background: empty space or padding (or a black sprite: dark)
            elif self.layers:
                group_token[g], group_top[g] = self._layered(tile)
            elif (barred := self._barred_read(tile) if self.status_bars else None) is not None:
                group_token[g], group_bars[g] = barred
            elif (moving := self._transit_read(tile) if self.transit else None) is not None:
                group_token[g] = moving
            else:
                group_token[g] = self._token(tile)
        tokens = group_token[inverse].reshape(h, w)
        if self.status_bars:
            cells = inverse.reshape(h, w)
            self.bars = {(int(y), int(x)): bars for g, bars in group_bars.items()
                         for y, x in zip(*np.nonzero(cells == g), strict=True)}
        tops = group_top[inverse].reshape(h, w)
        if self.dark:
            black = (tokens < 0) & (tops < 0)
            shown = ~black
            if black.any() and shown.any():
                rows, cols = np.nonzero(shown.any(1))[0], np.nonzero(shown.any(0))[0]
                inside = np.zeros_like(black)
                inside[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1] = True
                dark = black & inside
                if dark.any():
                    tokens[dark] = self._token(np.zeros(ts * ts * 3, dtype=np.uint8))
        return [tokens, tops] if self.layers else [tokens]

    def _layered(self, tile: np.ndarray) -> tuple[int, int]:
        """(ground token, top token) of a tile (flattened bytes), -1 for none; read once per tile."""
        key = tile.tobytes()
        read = self._read.get(key)
        if read is not None:
            return read
        pixels = tile.reshape(-1, 3)
        shown = pixels.any(axis=1)
        if not shown.all():  # a top over nothing: its mask is what is not black
            read = (-1, self._top(shown, pixels))
        else:
            best, agree = None, 0
            for token, ground in self._grounds:
                n = int((pixels == ground).all(axis=1).sum())
                if n > agree:
                    best, agree = (token, ground), n
            if best is not None and self.GROUND_SHARE * len(pixels) <= agree < len(pixels):
                read = (best[0], self._top((pixels != best[1]).any(axis=1), pixels))
            else:  # a new whole-tile appearance: a ground others may be read against
                token = self._token(tile)
                self._grounds.append((token, pixels.copy()))
                read = (token, -1)
        self._read[key] = read
        return read

    def _top(self, mask: np.ndarray, pixels: np.ndarray) -> int:
        """The token of a top: the pixels under ``mask`` (a new one on first sight)."""
        key = b"top:" + np.packbits(mask).tobytes() + pixels[mask].tobytes()
        token = self._tokens.get(key)
        if token is None:
            token = self._tokens[key] = len(self._appearances)
            image = np.zeros_like(pixels)
            image[mask] = pixels[mask]
            self._appearances.append(image.reshape(self.tile_size, self.tile_size, 3))
        return token

    def _barred_read(self, tile: np.ndarray) -> tuple[int, tuple[Bar, ...]] | None:
        """A known appearance with resource bars over it (its token and the bars), read once per tile;
        None for a tile already known as an appearance of its own."""
        key = tile.tobytes()
        if key in self._tokens:
            return None
        if key not in self._barred:
            shown = tile.reshape(self.tile_size, self.tile_size, 3)
            self._barred[key] = next((
                (token, bars) for token, base in enumerate(self._appearances)
                if (bars := read_resource_bars(shown, base)) is not None), None)
        return self._barred[key]

    def _transit_read(self, tile: np.ndarray) -> int | None:
        """The token a tile (flattened bytes) never seen as an appearance is read as when it shows a known
        appearance shifted along a row or column over another (see the module's docstring); None if it
        shows no such thing. Read once per tile."""
        key = tile.tobytes()
        if key in self._tokens:
            return None
        if key in self._in_transit:
            return self._in_transit[key]
        read = _shifted_look(tile.reshape(1, self.tile_size, self.tile_size, 3), self._appearances) \
            if len(self._appearances) >= 2 else None
        self._in_transit[key] = read
        return read

    def _token(self, tile: np.ndarray) -> int:
        """The token of a tile's appearance (flattened bytes), a new one on first sight."""
        key = tile.tobytes()
        token = self._tokens.get(key)
        if token is None:
            token = self._tokens[key] = len(self._appearances)
            self._appearances.append(tile.reshape(self.tile_size, self.tile_size, 3).copy())
        return token

    def _track(self, tokens: np.ndarray, layer: int = 0) -> np.ndarray:
        """Per cell, the tracking id of its object (-1 where empty), carried over from the last frame.

        Matching, in order: a cell showing what it showed before keeps its object; a cell showing
        again what a mover hid there gets that object back; then nearest equal appearances within
        ``max_distance`` (counted across the level's edges too: a wrap-around; rarer appearances
        first: the one avatar before the many floor tiles), never claiming a cell a matched mover has
        just left (what shows there was under it) unless the claimant's old cell was surely left too
        (it is empty, or shows what was hidden there: a train stepping into the cell the avatar leaves,
        off the rail it covered) or its appearance is a mover's (``MOVER_MIN_MOVES``, ``MOVER_SHARE``:
        a train swapping cells with the avatar; a floor mis-tracked once is not); then an
        appearance that is unique in both frames follows its object any distance (a teleport).
        """
        ids = np.full(tokens.shape, -1, dtype=np.int64)
        occupied = tokens >= 0
        prev_t, prev_i = self._prev.get(layer, (None, None))
        if prev_t is None or prev_i is None or prev_t.shape != tokens.shape:
            prev_t = np.full(tokens.shape, -1, dtype=np.int64)
            prev_i = ids.copy()
            self._hidden = {}
        same = occupied & (tokens == prev_t)
        ids[same] = prev_i[same]
        vacated = ~occupied  # cells a mover surely left: empty now, or showing again what it hid there
        for (y, x), stack in self._hidden.items():
            if ids[y, x] < 0 and tokens[y, x] >= 0:
                ids[y, x] = next((i for t, i in stack if t == tokens[y, x]), -1)
                vacated[y, x] = ids[y, x] >= 0
        revealed: set[tuple[int, int]] = set()  # cells a matched object left this frame
        cy, cx = np.nonzero(occupied & (ids < 0))
        py, px = np.nonzero((prev_t >= 0) & ~same)
        taken_c = np.zeros(len(cy), dtype=bool)
        taken_p = np.zeros(len(py), dtype=bool)
        cur_tok, old_tok = tokens[cy, cx], prev_t[py, px]

        def take(c: int, p: int) -> None:
            taken_c[c] = taken_p[p] = True
            ids[cy[c], cx[c]] = prev_i[py[p], px[p]]
            revealed.add((int(py[p]), int(px[p])))
            self._token_moves[int(cur_tok[c])] += 1

        if len(cy) and len(py):
            n_tokens = int(max(tokens.max(), prev_t.max())) + 1
            now = np.bincount(tokens[occupied], minlength=n_tokens)  # objects per appearance, this frame
            self._token_seen.update({t: int(n) for t, n in enumerate(now.tolist()) if n})
            movers = self._mover_looks()
            # across the level's edge too (a mover that wraps around comes back on the other side); the
            # level is the box of what is drawn (the frame may be padded right and below)
            rows = int(max(cy.max(), py.max(), np.nonzero(occupied.any(axis=1))[0].max())) + 1
            cols = int(max(cx.max(), px.max(), np.nonzero(occupied.any(axis=0))[0].max())) + 1
            dy, dx = np.abs(cy[:, None] - py[None, :]), np.abs(cx[:, None] - px[None, :])
            dist = np.minimum(dy, rows - dy) + np.minimum(dx, cols - dx)
            ok = (cur_tok[:, None] == old_tok[None, :]) & (dist <= self.max_distance)
            ci, pi = np.nonzero(ok)
            if len(ci):
                old_ids = prev_i[py[pi], px[pi]]
                # nearest first, then rarer appearances; ties go to the older id, then row-major order
                order = np.lexsort((ci, old_ids, now[cur_tok[ci]], dist[ci, pi]))
                for k in order.tolist():
                    c, p = int(ci[k]), int(pi[k])
                    if not taken_c[c] and not taken_p[p] and ((int(cy[c]), int(cx[c])) not in revealed
                                                              or vacated[py[p], px[p]]
                                                              or int(cur_tok[c]) in movers):
                        take(c, p)
            # a teleport: an appearance shown once in each frame, its one object far from the last place
            left = np.unique(cur_tok[~taken_c])
            if len(left):
                before = np.bincount(prev_t[prev_t >= 0], minlength=n_tokens)
            for t in left.tolist():
                if now[t] != 1 or before[t] != 1:
                    continue
                cs = np.nonzero(~taken_c & (cur_tok == t))[0]
                ps = np.nonzero(~taken_p & (old_tok == t))[0]
                if len(cs) == len(ps) == 1 and (int(cy[cs[0]]), int(cx[cs[0]])) not in revealed:
                    take(int(cs[0]), int(ps[0]))
        fresh = occupied & (ids < 0)
        if fresh.any():
            # new objects, numbered by (token, row, column) so the numbering is reproducible
            fy, fx = np.nonzero(fresh)
            order = np.lexsort((fx, fy, tokens[fy, fx]))
            ids[fy[order], fx[order]] = np.arange(self._next_id, self._next_id + len(order))
            self._next_id += len(order)
        if self.permanence or self.reclaim:
            self._hide(tokens, ids, prev_t, prev_i, same)
        self._prev[layer] = tokens, ids
        return ids

    def _mover_looks(self) -> set[int]:
        """Appearances whose objects were tracked moving often enough to be a mover's."""
        return {t for t, n in self._token_moves.items()
                if n >= MOVER_MIN_MOVES and n >= MOVER_SHARE * self._token_seen[t]}

    def _hide(self, tokens: np.ndarray, ids: np.ndarray, prev_t: np.ndarray, prev_i: np.ndarray,
              same: np.ndarray) -> None:
        """Object permanence: what vanished where a mover now stands is kept, hidden, until the cell shows again.

        A sprite drawn over another (an avatar filling its tile) hides it; without this the thing
        under it would seem to die when covered and to be born when uncovered. A new object of a
        mover's look (a shot just fired, a dart from a turret) hides what it appeared on, too; a new
        one of another look may be what the old one turned into, so that one went. A hidden object is
        dropped when its cell shows something else with no mover on it: then it really went.
        """
        prev_at = {int(i): (int(y), int(x)) for y, x, i in
                   zip(*np.nonzero(prev_i >= 0), prev_i[prev_i >= 0], strict=True)}
        now = set(ids[ids >= 0].tolist())
        movers = self._mover_looks()

        def covered(cell: tuple[int, int]) -> bool:
            """The cell's object stayed there (a coverer standing still), came from elsewhere (a mover)
            or is a new one of a mover's look."""
            i = int(ids[cell])
            return i >= 0 and (bool(same[cell]) or prev_at.get(i, cell) != cell
                               or (i not in prev_at and int(tokens[cell]) in movers))

        hidden: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for cell, stack in self._hidden.items():
            if covered(cell):
                hidden[cell] = [(t, i) for t, i in stack if i not in now]
        for i, cell in prev_at.items():
            if i not in now and covered(cell):
                hidden.setdefault(cell, []).append((int(prev_t[cell]), i))
        self._hidden = {c: s for c, s in hidden.items() if s}


def _shifted_look(shown: np.ndarray, appearances: list[np.ndarray]) -> int | None:
    """The token ``shown`` (one ``(1, ts, ts, 3)`` tile) is read as when it is one of ``appearances`` shifted
    along a row or a column, the rest of it matching another (the one of the two covering more of it);
    None if it is no such thing. See :class:`PixelPerceiver`'s ``transit``."""
    ts = shown.shape[1]
    known = np.stack(appearances)  # (appearances, ts, ts, 3)
    for axis in (2, 1):  # a move along a row (columns shift), then along a column
        for d in range(1, ts):
            for origin_here in (True, False):
                # origin here: the mover starts d pixels into this cell, its first ts - d shown from there
                # and the ground before; else its last ts - d from the cell's start
                cut_mover = slice(d, ts) if origin_here else slice(0, ts - d)
                cut_ground = slice(0, d) if origin_here else slice(ts - d, ts)
                cut_look = slice(0, ts - d) if origin_here else slice(d, ts)
                movers = np.nonzero((_strip(known, axis, cut_look) == _strip(shown, axis, cut_mover))
                                    .all(axis=(1, 2, 3)))[0]
                if not len(movers):
                    continue
                grounds = np.nonzero((_strip(known, axis, cut_ground) == _strip(shown, axis, cut_ground))
                                     .all(axis=(1, 2, 3)))[0]
                pairs = [(int(m), int(g)) for m in movers for g in grounds if m != g]
                if pairs:
                    m, g = pairs[0]
                    covers = ts - d  # (of this cell, by the mover)
                    return m if covers > d or (covers == d and origin_here) else g
    return None


def _strip(tiles: np.ndarray, axis: int, cut: slice) -> np.ndarray:
    """Columns (``axis`` 2) or rows (``axis`` 1) ``cut`` of ``(n, ts, ts, 3)`` tiles."""
    return tiles[:, :, cut] if axis == 2 else tiles[:, cut]


#: An appearance is a mover's (one whose object may step into a cell another mover leaves) once its
#: objects were tracked moving this often, and in this share of their sightings where something changed
MOVER_MIN_MOVES = 3
MOVER_SHARE = 0.05

#: One resource bar as read from pixels: its colour (None when nothing of it is held: all black), its
#: filled width and its full width, in pixels.
Bar = tuple[tuple[int, int, int] | None, int, int]


def read_resource_bars(shown: np.ndarray, base: np.ndarray) -> tuple[Bar, ...] | None:
    """The resource bars GVGAI draws over a holder (``vgdl/status_bars.py``'s geometry), if ``shown``
    is ``base`` with bars over the lower third of its drawn square; else None.

    The holder's square is the box of ``base``'s non-black pixels. For 1, 2 then 3 bars (each at least a
    pixel high), every pixel outside the bars' rows and span must be ``base``'s, and each bar's rows
    must be one row repeated: a run of one colour from the bar's left end, then black to its right end
    (the last pixel may be ``base``'s, GVGAI's widths being truncated separately).
    """
    ts = base.shape[0]
    lit = base.any(axis=2)
    if not lit.any() or np.array_equal(shown, base):
        return None
    ys, xs = np.nonzero(lit)
    x0, y0 = int(xs.min()), int(ys.min())
    side = max(int(xs.max()) - x0, int(ys.max()) - y0) + 1
    left, right = resource_bar_span(x0, side)
    right = min(right, ts)
    for n in (1, 2, 3):
        rows = resource_bar_rows(y0, side, n)
        if rows[0][1] <= rows[0][0]:  # bars less than a pixel high are not drawn
            return None
        outside = np.ones((ts, ts), dtype=bool)
        for top, bottom in rows:
            outside[top:bottom, left:right] = False
        if not np.array_equal(shown[outside], base[outside]):
            return None  # (more bars only cover more of the same band: a difference outside it stays)
        bars = [_bar(shown[top:bottom], base[top], left, right) for top, bottom in rows]
        if all(b is not None for b in bars):
            return tuple(bars)  # type: ignore[arg-type]
    return None


def _bar(block: np.ndarray, base_row: np.ndarray, left: int, right: int) -> Bar | None:
    """One bar from its rows (all equal): a run of one colour from ``left``, then black towards
    ``right``; GVGAI truncates the filled and the black part's ends apart, so one pixel may show the
    holder between them and one at the right end."""
    if block.shape[0] < 1 or not (block == block[0]).all():
        return None
    span, under = block[0][left:right], base_row[left:right]
    color = span[0]
    black = ~span.any(axis=1)
    marks = np.where((span == color).all(axis=1) & ~black, "C", np.where(black, "K", np.where(
        (span == under).all(axis=1), "B", "x")))
    text = "".join(marks.tolist())
    filled = len(text) - len(text.lstrip("C"))
    rest = text[filled:]
    if "x" in rest or not re.fullmatch(r"B?K*B?", rest) or (filled and not rest.strip("B")
                                                             and (color == under).all()):
        return None
    if not filled:
        return (None, 0, right - left) if rest.strip("B") else None
    return (int(color[0]), int(color[1]), int(color[2])), filled, right - left


class BarInventory:
    """What the avatar holds, read from the resource bars over it (``PixelPerceiver(status_bars=True)``).

    A bar says a colour and a filled share of an unknown limit. Its colour is taken for the type of
    the object that vanished under the avatar when that colour's bar first showed (the pick-up), else
    for the appearance with the most pixels of that colour; an amount is the rank of the bar's filled
    width among the widths seen for that colour (pick-ups come one at a time, so the n-th width seen
    is n held; GVGAI truncates widths, so width / smallest width would miscount). A full bar shows the
    most the avatar can hold (:attr:`full`).
    """

    def __init__(self, perceiver: PixelPerceiver) -> None:
        self.perceiver = perceiver
        self.types: dict[tuple[int, int, int], int] = {}  # bar colour -> the type token it counts
        self.widths: dict[tuple[int, int, int], set[int]] = {}  # bar colour -> filled widths seen
        #: type token -> the amount a full bar showed (the most it can hold), from the last call
        self.full: dict[int, int] = {}

    def held(self, objects: dict[int, tuple[int, int, int]], avatar: int | None,
             before: dict[int, tuple[int, int, int]] | None) -> dict[int, int]:
        """Type token -> amount held, from the bars at the avatar's cell (``objects``: id -> (token, col, row))."""
        if avatar is None or avatar not in objects:
            return {}
        _, x, y = objects[avatar]
        out: dict[int, int] = {}
        self.full = {}
        for color, filled, width in self.perceiver.bars.get((y, x), ()):
            if color is None or not filled:
                continue
            token = self.types.get(color)
            if token is None:
                token = self.types[color] = self._type_of(color, objects, before, (x, y))
            if token < 0:
                continue
            seen = self.widths.setdefault(color, set())
            seen.add(filled)
            out[token] = sum(1 for w in seen if w <= filled)
            if filled == width:
                self.full[token] = out[token]
        return out

    def _type_of(self, color: tuple[int, int, int], objects: dict[int, tuple[int, int, int]],
                 before: dict[int, tuple[int, int, int]] | None, cell: tuple[int, int]) -> int:
        def share(token: int) -> int:
            return int((self.perceiver.appearance(token) == color).all(axis=2).sum())

        gone = [t for oid, (t, x, y) in (before or {}).items()
                if oid not in objects and abs(x - cell[0]) + abs(y - cell[1]) <= 1 and share(t)]
        if gone:
            return max(gone, key=share)
        counts = {t: share(t) for t in range(self.perceiver.n_types)}
        best = max(counts, key=lambda t: counts[t], default=-1)
        return best if best >= 0 and counts[best] else -1
