"""Small helpers for building purpose-made games in tests."""

from __future__ import annotations

import textwrap

import vgdl


def game_from(game_text: str, level_text: str, seed: int = 0, **kwargs) -> vgdl.Game:  # type: ignore[no-untyped-def]
    """A game from inline VGDL and level text (both dedented)."""
    rules = vgdl.load_rules("<test game>", text=textwrap.dedent(game_text))
    return vgdl.load_game(rules, "\n" + textwrap.dedent(level_text).strip("\n") + "\n", seed=seed, **kwargs)


def positions(game: vgdl.Game, type_name: str) -> list[tuple[float, float]]:
    return sorted((o["x"], o["y"]) for o in game.objects() if o["type"] == type_name)
