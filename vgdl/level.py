"""Build a level's sprites from its text, as GVGAI's ``buildStringLevel`` does.

The first row fixes the width (shorter rows are padded with spaces, longer ones
cut). The physics block size is the game's ``square_size``, else
``max(2, 800 // max(width, height))``: it sets how many pixels a speed moves,
independently of the tile size used for rendering. Sprites are created row by
row, left to right, and in LevelMapping order within a cell; only the first
avatar created survives (GVGAI's single-player rule).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vgdl.errors import VGDLError
from vgdl.rules import MAX_SPRITES

if TYPE_CHECKING:
    from vgdl.game import Game

#: GVGAI's CompetitionParameters.MAX_WINDOW_SIZE: the default screen is at most this many pixels.
MAX_WINDOW_SIZE = 800


def level_rows(text: str, file: str = "<level>", strip: bool = False) -> list[str]:
    """Split level text into rows (GVGAI's line reading); ``strip`` drops blank rows at both ends."""
    rows = text.splitlines()
    if strip:
        while rows and not rows[0].strip():
            rows.pop(0)
        while rows and not rows[-1].strip():
            rows.pop()
    if not rows or not rows[0]:
        raise VGDLError("empty level (the first row sets the width)", file, 1, 1)
    return rows


def build_level(game: Game, rows: list[str]) -> tuple[int, int, int]:
    """Create the level's sprites in ``game``; return (width, height, block size)."""
    rules = game.rules
    store = game.store
    width, height = len(rows[0]), len(rows)
    block = rules.square_size if rules.square_size != -1 else max(2, MAX_WINDOW_SIZE // max(width, height))
    game.block_size = block
    created_avatars = []
    for i, raw in enumerate(rows):
        row = raw[:width].ljust(width)
        for j, c in enumerate(row):
            entry = rules.char_map.get(c)
            if entry is None:
                if c != " ":  # GVGAI warns and leaves the cell empty
                    game.warn(f"{game.level_name}:{i + 1}:{j + 1}: level character '{c}' is not in the "
                              "LevelMapping; the cell is left empty")
                continue
            for name in entry.types:
                itype = rules.itype_of.get(name)
                if itype is None:
                    raise VGDLError(f"level character '{c}' maps to unknown sprite type '{name}'",
                                    game.level_name, i + 1, j + 1)
                s = store.add_sprite(itype, j * block, i * block)
                if s is None and store.size > MAX_SPRITES:
                    raise VGDLError(f"the level needs more than {MAX_SPRITES + 1} sprites, the engine's cap "
                                    "(GVGAI's MAX_SPRITES); it would be cut off here", game.level_name, i + 1, j + 1)
                if s is not None and s.kind.is_avatar:
                    created_avatars.append(s)
    for extra in created_avatars[1:]:
        store.remove(extra)
    _choose_avatar(game)
    return width, height, block


def _choose_avatar(game: Game) -> None:
    """GVGAI's ``createAvatars``: the avatar sprite of the earliest sprite-order type (not index 0)."""
    order = game.rules.sprite_order
    found = []
    for itype in reversed(order[1:]):
        for s in game.view.of_type(itype):
            if s.kind.is_avatar:
                found.append(s)
    if found:
        game.store.set_avatar(found[-1])
