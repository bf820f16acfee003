"""Game selection: split words, names, directories, and lists too long to be a path."""

from __future__ import annotations

import pytest

from testbed.games import GameSelectionError, select_games


def test_every_game_by_name_even_as_a_long_list() -> None:
    everything = select_games("all")
    by_name = select_games(",".join(g.name for g in everything))  # longer than a file name may be
    assert [g.name for g in by_name] == [g.name for g in everything]
    assert {g.split for g in everything} == {"dev", "heldout"}


def test_unknown_names_list_the_valid_ones() -> None:
    with pytest.raises(GameSelectionError, match="valid: dev, heldout, all"):
        select_games("short_maze,no_such_game")
