"""A text view of a game state (Gymnasium's ``render_mode="ansi"``), for terminals and logs.

Each cell shows one character for the top-most sprite in it (draw order): the level character
that places that type, else the first letter of the type's name; ``' '`` for an empty cell.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vgdl.game import Game
    from vgdl.rules import GameRules


def type_chars(rules: GameRules) -> dict[int, str]:
    """A character per type: the LevelMapping character that places it on top, else its initial."""
    rank = {t: r for r, t in enumerate(rules.sprite_order)}
    chars: dict[int, str] = {}
    for char, entry in rules.char_map.items():
        itypes = [rules.itype_of[n] for n in entry.types if n in rules.itype_of]
        if itypes:
            top = max(itypes, key=lambda t: rank.get(t, -1))
            chars.setdefault(top, char)
    for kind in rules.kinds:
        chars.setdefault(kind.itype, kind.name[:1] or "?")
    return chars


def render_ansi(game: Game) -> str:
    """The level as lines of characters, with a status line."""
    rules = game.rules
    cached = rules.__dict__.get("_type_chars")
    chars = cached if cached is not None else rules.__dict__.setdefault("_type_chars", type_chars(rules))
    rows = [[" "] * game.width for _ in range(game.height)]
    bs = game.block_size
    half = bs // 2
    for itype in rules.sprite_order:  # later types are drawn on top
        kind = rules.kinds[itype]
        if kind.invisible:
            continue
        for s in game.view.live(itype):
            cx, cy = (s.x + half) // bs, (s.y + half) // bs
            if 0 <= cy < game.height and 0 <= cx < game.width:
                rows[cy][cx] = chars[itype]
    status = f"tick {game.tick}  score {game.score:g}" + (f"  {game.winner}" if game.winner else "")
    return "\n".join("".join(r) for r in rows) + "\n" + status + "\n"
