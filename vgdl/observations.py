"""Symbolic observations of a game state: the object list and the grid tensor.

Both are pure functions of the state. Positions are in cells, as floats
(pixels / physics block size), because GVGAI moves sprites by whole pixels and
a sprite can sit between cells. The grid counts each sprite in the cell that
holds its centre.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from vgdl.game import Game


def objects(game: Game) -> list[dict[str, Any]]:
    """One dict per live sprite (dead avatars left out), grouped by type in sprite order.

    Keys: ``id``, ``type``, ``ancestry`` (root first), ``x``/``y`` (cells, float),
    ``px``/``py`` (pixels), ``orientation`` (dx, dy), ``resources`` ({type name: amount}),
    ``health``, ``is_avatar`` (the player's avatar), ``hidden`` (GVGAI hides it from agents).
    """
    bs = game.block_size
    kinds = game.rules.kinds
    avatar_sid = game._avatar_sid
    out = []
    for itype in _draw_types(game):
        group = game._groups[itype]
        if not group:
            continue
        kind = kinds[itype]
        for s in group.values():
            if s.disabled:
                continue
            out.append({
                "id": s.sid,
                "type": kind.name,
                "ancestry": kind.ancestry_names,
                "x": s.x / bs,
                "y": s.y / bs,
                "px": s.x,
                "py": s.y,
                "orientation": s.ori,
                "resources": {kinds[r].name: n for r, n in s.resources.items()} if s.resources else {},
                "health": s.hp,
                "is_avatar": s.sid == avatar_sid,
                "hidden": kind.hidden,
            })
    return out


def _draw_types(game: Game) -> list[int]:
    """Sprite order, then any other type that has sprites (e.g. a parent type named in a level)."""
    order = list(game.rules.sprite_order)
    seen = set(order)
    order += [i for i in range(len(game.rules.kinds)) if i not in seen and game._groups[i]]
    return order


def grid(game: Game) -> np.ndarray:
    """``H x W x T`` int32 counts of live sprites per cell and leaf type (``game.type_names`` order)."""
    order = game.rules.sprite_order
    out = np.zeros((game.height, game.width, len(order)), dtype=np.int32)
    bs = game.block_size
    half = bs // 2
    h, w = game.height, game.width
    for channel, itype in enumerate(order):
        group = game._groups[itype]
        if not group:
            continue
        for s in group.values():
            if s.disabled:
                continue
            cx, cy = (s.x + half) // bs, (s.y + half) // bs
            if 0 <= cx < w and 0 <= cy < h:
                out[cy, cx, channel] += 1
    return out
