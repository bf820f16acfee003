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
    from vgdl.rules import GameRules


def objects(game: Game) -> list[dict[str, Any]]:
    """One dict per live sprite (dead avatars left out), grouped by type in sprite order.

    Keys: ``id``, ``type``, ``ancestry`` (root first), ``x``/``y`` (cells, float),
    ``px``/``py`` (pixels), ``orientation`` (dx, dy), ``resources`` ({type name: amount}),
    ``health``, ``is_avatar`` (the player's avatar), ``hidden`` (GVGAI hides it from agents).
    """
    bs = game.block_size
    kinds = game.rules.kinds
    view = game.view
    avatar_sid = view.avatar_sid
    out = []
    for itype in _draw_types(game):
        if not view.count(itype):
            continue
        kind = kinds[itype]
        for s in view.live(itype):
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


#: Columns of :func:`object_table`: type is the index in ``game.type_names``; x, y are cells.
TABLE_COLUMNS = ("type", "x", "y", "orientation_x", "orientation_y", "is_avatar", "id", "health")


def object_table(game: Game) -> np.ndarray:
    """``n x 8`` float32 rows, one per live sprite, in the order of :func:`objects`."""
    view = game.view
    cache = view.cache  # shared by all copies: keys hold stamps unique to this game's lineage
    counts, versions, details = view.stamps()
    order, others = _table_layout(game.rules)
    channel = game.rules.channel_of
    blocks = []
    bs = game.block_size
    for itype in order if not others else order + [i for i in others if counts[i]]:
        if not counts[itype]:
            continue
        key = (itype, versions[itype], details[itype])
        block = cache.get(key)
        if block is None:
            c = channel.get(itype, -1)
            block = np.array([(c, s.x / bs, s.y / bs, s.ori[0], s.ori[1], 0, s.sid, s.hp)
                              for s in view.live(itype)], dtype=np.float32).reshape(-1, 8)
            block.flags.writeable = False
            if len(cache) > 8192:
                cache.clear()
            cache[key] = block
        blocks.append(block)
    table = np.concatenate(blocks) if blocks else np.zeros((0, 8), dtype=np.float32)
    if view.avatar_sid is not None:
        table[:, 5] = table[:, 6] == view.avatar_sid
    return table


def _table_layout(rules: GameRules) -> tuple[list[int], list[int]]:
    """The sprite order, and the types outside it (listed after it when they have sprites), kept per rules."""
    layout = rules.__dict__.get("_table_layout")
    if layout is None:
        order = list(rules.sprite_order)
        seen = set(order)
        layout = rules.__dict__["_table_layout"] = (order, [i for i in range(len(rules.kinds)) if i not in seen])
    return layout


def _draw_types(game: Game) -> list[int]:
    """Sprite order, then any other type that has sprites (e.g. a parent type named in a level)."""
    order, others = _table_layout(game.rules)
    return order + [i for i in others if game.view.count(i)]


def grid(game: Game) -> np.ndarray:
    """``H x W x T`` int32 counts of live sprites per cell and leaf type (``game.type_names`` order).

    Each type's channel is cached by its version stamps (shared by copies), so a step that moves
    a few sprites recounts only their types.
    """
    order = game.rules.sprite_order
    h, w = game.height, game.width
    out = np.zeros((h, w, len(order)), dtype=np.int32)
    view = game.view
    cache = view.cache
    for channel, itype in enumerate(order):
        if not view.count(itype):
            continue
        key = ("grid", itype, view.version(itype), view.detail(itype))
        counts = cache.get(key)
        if counts is None:
            counts = _channel(game, view.live(itype))
            if len(cache) > 8192:
                cache.clear()
            cache[key] = counts
        out[..., channel] = counts
    return out


def _channel(game: Game, sprites: Any) -> np.ndarray:
    bs = game.block_size
    half = bs // 2
    h, w = game.height, game.width
    counts = np.zeros((h, w), dtype=np.int32)
    for s in sprites:
        cx, cy = (s.x + half) // bs, (s.y + half) // bs
        if 0 <= cx < w and 0 <= cy < h:
            counts[cy, cx] += 1
    counts.flags.writeable = False
    return counts
