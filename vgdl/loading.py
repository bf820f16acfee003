"""Load games: game file + level (a path or the level's text) -> :class:`~vgdl.game.Game`.

Parsing and compiling a game file is done once per file (cached by path and
modification time), so resetting to a new level or seed only rebuilds sprites.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from vgdl.errors import VGDLError
from vgdl.game import Game
from vgdl.level import level_rows
from vgdl.parser import parse_game, read_text
from vgdl.rules import MAX_TICKS, GameRules


@lru_cache(maxsize=256)
def _rules_cached(path: str, mtime_ns: int, size: int) -> GameRules:
    return GameRules(parse_game(read_text(path), path))


def load_rules(game: str | os.PathLike[str], text: str | None = None) -> GameRules:
    """Parse and compile a game file (or, with ``text``, game text named ``game``)."""
    if text is not None:
        return GameRules(parse_game(text, str(game)))
    path = str(game)
    try:
        st = os.stat(path)
    except OSError as exc:
        raise VGDLError(f"cannot read game file: {exc.strerror or exc}", path) from None
    return _rules_cached(path, st.st_mtime_ns, st.st_size)


def load_game(game_file: str | os.PathLike[str] | GameRules, level: str | os.PathLike[str], seed: int = 0,
              max_ticks: int = MAX_TICKS) -> Game:
    """Load a game and one of its levels.

    :param game_file: path of the VGDL game description (or already compiled rules).
    :param level: path of a level file, or the level's text (any string with a newline).
    :param seed: seed of the game's random generator; same seed, same trajectory.
    :param max_ticks: tick at which an unfinished game is lost (GVGAI: 2000).
    :raises VGDLError: for any problem in the game or level text, naming file, line and column.
    """
    rules = game_file if isinstance(game_file, GameRules) else load_rules(game_file)
    if isinstance(level, str) and "\n" in level:
        rows, name = level_rows(level, "<level text>", strip=True), "<level text>"
    else:
        name = str(level)
        if not Path(name).is_file():
            raise VGDLError("level file not found (pass a path, or the level text with newlines)", name)
        rows = level_rows(read_text(name), name)
    return Game(rules, rows, seed=seed, level_name=name, max_ticks=max_ticks)
