"""A VGDL game engine faithful to GVGAI: seeded, copyable, with pixel and object observations.

Quick start::

    import vgdl
    game = vgdl.load_game("games/maze/game.txt", "games/maze/level0.txt", seed=0)
    game.step("ACTION_UP")
    print(game.score, game.tick, game.ended, game.winner)
"""

from __future__ import annotations

from vgdl.errors import VGDLError
from vgdl.game import Game
from vgdl.loading import load_game, load_rules

__all__ = ["Game", "VGDLError", "load_game", "load_rules"]
__version__ = "0.1.0"
