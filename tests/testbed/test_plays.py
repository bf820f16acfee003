"""Human plays imported as agent `human`, and games selected by name, split or directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from testbed.games import GameSelectionError, parse_variants, select_games
from testbed.plays import PlayImportError, play_records
from tests.conftest import GAMES
from vgdl.loading import load_game
from vgdl.play import Trajectory
from vgdl.solve import load_solutions


def save_play(folder: Path, level: int, actions: list[str], seed: int, name: str, mtime: float) -> None:
    game_file, level_file = GAMES / "coin_dash" / "game.txt", GAMES / "coin_dash" / f"level{level}.txt"
    game = load_game(game_file, level_file, seed=seed)
    for a in actions:
        game.step(a)
    path = Trajectory(str(game_file), str(level_file), level, seed, actions, game.winner, float(game.score),
                      game.tick).save(folder / name)
    os.utime(path, (mtime, mtime))


def test_plays_score_like_the_protocol(tmp_path: Path) -> None:
    sol = load_solutions(GAMES / "coin_dash")
    save_play(tmp_path, 0, ["ACTION_NIL"] * 7, sol[0]["seed"], "a.json", 1000)  # an abandoned first try
    save_play(tmp_path, 0, sol[0]["actions"], sol[0]["seed"], "b.json", 2000)  # then a win
    save_play(tmp_path, 1, ["ACTION_LEFT"] * 4, 0, "c.json", 3000)  # level 1 never won
    (rec,) = play_records(tmp_path, player="ada")
    assert rec["agent"] == "human:player=ada" and rec["game"] == "coin_dash" and rec["n_levels"] == 5
    lv0, lv1, lv2 = rec["levels"][:3]
    assert (lv0["won"], lv0["attempts"], lv0["steps"]) == (True, 2, 7 + len(sol[0]["actions"]))
    assert (lv1["won"], lv1["attempts"], lv1["steps"]) == (False, 1, 4)
    assert (lv2["won"], lv2["attempts"], lv2["steps"]) == (False, 0, 0)
    assert [t[:2] for t in rec["trajectories"]] == [[0, 1], [0, 2], [1, 1]]


def test_a_play_that_does_not_replay_is_refused(tmp_path: Path) -> None:
    save_play(tmp_path, 0, ["ACTION_NIL"] * 3, 0, "a.json", 1000)
    text = (tmp_path / "a.json").read_text().replace('"tick": 3', '"tick": 2')
    (tmp_path / "a.json").write_text(text)
    with pytest.raises(PlayImportError, match=r"a.json: .*replay diverged"):
        play_records(tmp_path)
    with pytest.raises(PlayImportError, match="no play files"):
        play_records(tmp_path / "empty")


def test_game_selection() -> None:
    dev, heldout, everything = select_games("dev"), select_games("heldout"), select_games("all")
    assert len(dev) + len(heldout) == len(everything) and {g.split for g in heldout} == {"heldout"}
    assert [g.name for g in select_games("coin_dash,short_maze,coin_dash")] == ["coin_dash", "short_maze"]
    with pytest.raises(GameSelectionError, match="unknown game"):
        select_games("coin_dash,nope")
    assert parse_variants("") == [""] and parse_variants("none,reskin") == ["", "reskin"]
    a, b = select_games("coin_dash")[0], select_games("coin_dash")[0]
    assert a.files_hash == b.files_hash and a.files_hash != select_games("short_maze")[0].files_hash


def test_gvgai_directory_is_a_suite(shared_gvgai: Path) -> None:
    refs = select_games(str(shared_gvgai / "games"))
    assert len(refs) >= 79 and all(len(r.level_files) == 5 and r.external for r in refs)
