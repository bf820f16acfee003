"""A VGDL game engine faithful to GVGAI: seeded, copyable, with pixel and object observations.

Quick start::

    import vgdl
    game = vgdl.load_game("games/maze/game.txt", "games/maze/level0.txt", seed=0)
    game.step("ACTION_UP")
    print(game.score, game.tick, game.ended, game.winner)
"""

from __future__ import annotations

from typing import Any

from vgdl.errors import VGDLError
from vgdl.game import Game
from vgdl.loading import load_game, load_rules

__all__ = ["Game", "VGDLError", "load_game", "load_rules", "make_env"]
__version__ = "0.1.0"


def make_env(game_file: Any, level_files: Any, **kwargs: Any) -> Any:
    """A Gymnasium env for any VGDL game file and level file(s); see :class:`vgdl.env.VGDLEnv`."""
    from vgdl.env import make_env as _make_env

    return _make_env(game_file, level_files, **kwargs)


try:  # register VGDL/<Game>-v0 ids when gymnasium is installed; the engine itself does not need it
    import gymnasium as _gymnasium  # noqa: F401
except ImportError:  # pragma: no cover - exercised only without gymnasium
    pass
else:
    from vgdl.registration import register_games as _register_games

    _register_games()
