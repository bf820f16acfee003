"""Status bars over sprites: what a sprite holds and its health, drawn as GVGAI's screen shows them.

GVGAI draws, over every visible sprite that holds resources, one horizontal bar per resource type
in the lower third of the sprite (the resource's colour for the share of its limit held, black for
the rest), and over every sprite with health points a vertical bar at its left edge (red for the
share of its health limit, black above). Without them a pixel observation hides the inventory that
a player of GVGAI's games sees: which key is held, how much fuel is left. Our frame cache draws
sprites only; the bars are laid over a copy of its frame (:func:`with_status_bars`), so a plain
frame stays as it was and costs nothing more.

Geometry (GVGAI's ``VGDLSprite._drawResources`` and ``_drawHealthBar``), in frame pixels of the
drawn square (after ``shrinkfactor``) of side ``s`` at ``(x, y)``: resource bars start at
``y + 2s/3``, each ``s / 3.5 / n`` high for ``n`` resource types held (in type order), inset by
``s / 20`` on each side; the health bar is ``s / 10`` wide, ``0.9 s`` high, inset by ``s / 20``.
Bars are drawn after every sprite (GVGAI draws each sprite's bars right after it, so a sprite drawn
later can cover them); a bar is clipped at the frame's edge.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from vgdl.render import atlas_for, drawn_square
from vgdl.values import COLORS

if TYPE_CHECKING:
    from vgdl.game import Game
    from vgdl.sprite import Sprite

HEALTH_COLOR = COLORS["RED"]
EMPTY_COLOR = COLORS["BLACK"]
NO_HEALTH_LIMIT = 1000  # GVGAI's default limitHealthPoints: the bar is then relative to maxHealthPoints


def _fill(frame: np.ndarray, x0: float, y0: float, w: float, h: float, color: tuple[int, int, int]) -> None:
    """Fill the rectangle GVGAI's ``fillRect((int) x0, (int) y0, (int) w, (int) h)`` covers, clipped."""
    x, y = int(x0), int(y0)
    x1, y1 = min(x + int(w), frame.shape[1]), min(y + int(h), frame.shape[0])
    x, y = max(x, 0), max(y, 0)
    if x < x1 and y < y1:
        frame[y:y1, x:x1] = color


def resource_bar_rows(y: float, side: float, n: int) -> list[tuple[int, int]]:
    """The pixel rows ``[top, bottom)`` of each of ``n`` resource bars over a square of ``side`` at ``y``
    (also what a pixel reader of the bars needs: ``agents/empa/pixels.py``)."""
    height = side / 3.5 / n
    return [(int(y + 2 * side / 3.0 + i * height), int(y + 2 * side / 3.0 + i * height) + int(height))
            for i in range(n)]


def resource_bar_span(x: float, side: float) -> tuple[int, int]:
    """The pixel columns ``[left, right)`` a resource bar over a square of ``side`` at ``x`` can cover."""
    return int(x + side / 20), int(x + side / 20 + side - side / 10)


def _resource_share(value: int, limit: int) -> float | None:
    """The bar's filled share; None where GVGAI's division gives NaN (nothing held of a limit of 0)."""
    if limit <= 0:
        return 1.0 if value > 0 else None
    return max(0.0, min(1.0, value / limit))


def _draw_resources(frame: np.ndarray, s: Sprite, x: float, y: float, side: float, game: Game,
                    colors: np.ndarray) -> None:
    held = sorted(s.resources.items())  # type: ignore[union-attr]
    wiggle = side / 10.0
    limits = game.rules.resource_limits
    for (rid, value), (top, bottom) in zip(held, resource_bar_rows(y, side, len(held)), strict=True):
        share = _resource_share(value, limits.get(rid, 0))
        if share is not None:
            _fill(frame, x + wiggle / 2, top, share * (side - wiggle), bottom - top, tuple(colors[rid]))
            _fill(frame, x + wiggle / 2 + share * (side - wiggle), top, (1 - share) * (side - wiggle), bottom - top,
                  EMPTY_COLOR)


def _draw_health(frame: np.ndarray, s: Sprite, x: float, y: float, side: float) -> None:
    limit = s.kind.limit_hp if s.kind.limit_hp != NO_HEALTH_LIMIT else s.max_hp
    share = max(0.0, min(1.0, s.hp / limit)) if limit > 0 else 1.0
    height = side - side * 0.1
    full, empty = int(share * height), int((1 - share) * height)
    top = int(y + side * 0.1 * 0.5)
    left, width = int(x + side * 0.1 * 0.5), int(side * 0.1)
    _fill(frame, left, top + empty, width, full, HEALTH_COLOR)
    _fill(frame, left, top, width, empty, EMPTY_COLOR)


def with_status_bars(game: Game, frame: np.ndarray, tile_size: int) -> np.ndarray:
    """A read-only copy of ``frame`` (the game's current frame at ``tile_size``) with every visible
    sprite's resource and health bars drawn over it; ``frame`` itself when no sprite has any."""
    kinds = game.rules.kinds
    view = game.view
    bs = game.block_size
    marked = [s for k in kinds if not k.invisible for s in view.live(k.itype) if s.resources or s.hp > 0]
    if not marked:
        return frame
    out = frame.copy()
    colors = atlas_for(game.rules, tile_size).colors
    for s in marked:
        off, side = drawn_square(tile_size, s.kind.shrink)
        x, y = s.x * tile_size // bs + off, s.y * tile_size // bs + off
        if s.resources:
            _draw_resources(out, s, x, y, side, game, colors)
        if s.hp > 0:
            _draw_health(out, s, x, y, side)
    out.flags.writeable = False
    return out
