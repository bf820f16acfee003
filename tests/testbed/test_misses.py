"""`testbed misses`: each attempt at a lost level replayed to the tick that ended it."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from testbed.cli import app
from testbed.games import select_games
from testbed.misses import BUDGET, attempt_ends, markdown, replay_end
from testbed.store import read_jsonl
from testbed.units import encode_actions

#: a corridor: lava one step right of the avatar, the goal beyond it; a wall above
GAME = """BasicGame
    SpriteSet
        floor > Immovable
        lava > Immovable color=RED
        goal > Immovable color=GREEN
        wall > Immovable
        avatar > MovingAvatar
    LevelMapping
        . > floor
        L > floor lava
        g > floor goal
        A > floor avatar
        w > wall
    InteractionSet
        avatar wall > stepBack
        avatar lava > killSprite
        goal avatar > killSprite
    TerminationSet
        SpriteCounter stype=goal win=True
        SpriteCounter stype=avatar win=False
"""
LEVEL = "wwwwww\nw.ALgw\nwwwwww\n"


def _suite(tmp_path: Path) -> Path:
    folder = tmp_path / "suite"
    folder.mkdir()
    (folder / "hall.txt").write_text(GAME)
    (folder / "hall_lvl0.txt").write_text(LEVEL)
    return folder


def _record(folder: Path, trajectories: list[list]) -> dict:
    ref = select_games(str(folder))[0]
    won = any(t[4] == "WIN" for t in trajectories)
    return {"agent": "empa", "status": "done", "game": ref.name, "game_hash": ref.files_hash, "variant": "",
            "command": "testbed run ...", "budget": 5, "budget_unit": "steps_per_level",
            "levels": [{"level": 0, "won": won, "attempts": len(trajectories), "steps": 5}],
            "trajectories": trajectories}


def test_a_replayed_attempt_names_the_termination_and_what_the_avatar_hit(tmp_path: Path) -> None:
    folder = _suite(tmp_path)
    ref = select_games(str(folder))[0]
    names = ["ACTION_LEFT", "ACTION_RIGHT", "ACTION_DOWN", "ACTION_UP", "ACTION_NIL"]
    right, left = names.index("ACTION_RIGHT"), names.index("ACTION_LEFT")
    winner, cause = replay_end(ref.game_file, ref.level_files[0], 0, [right])
    assert winner == "LOSE" and cause == "SpriteCounter stype=avatar: the avatar's last tick: `lava` (killSprite)"
    assert replay_end(ref.game_file, ref.level_files[0], 0, [left, left]) == (None, BUDGET)
    ends = attempt_ends(_record(folder, [[0, 1, 0, encode_actions([right]), "LOSE"],
                                         [0, 2, 0, encode_actions([left, right, right]), "WIN"],
                                         [0, 3, 0, encode_actions([left] * 5), None]]), ref)
    assert [(e.attempt, e.steps, e.winner, e.cause) for e in ends] == [
        (1, 1, "LOSE", cause), (2, 3, "WIN", "won"), (3, 5, None, BUDGET)]
    # a stored outcome the replay does not reproduce is shown, not hidden
    odd = attempt_ends(_record(folder, [[0, 1, 0, encode_actions([left]), "LOSE"]]), ref)
    assert odd[0].cause.startswith("replay ended None, stored LOSE")


def test_the_table_lists_only_lost_levels_with_their_endings_and_the_priors_the_game_breaks(
        tmp_path: Path) -> None:
    folder = _suite(tmp_path)
    ref = select_games(str(folder))[0]
    lost = _record(folder, [[0, 1, 0, encode_actions([1]), "LOSE"], [0, 2, 0, encode_actions([1]), "LOSE"],
                            [0, 3, 0, encode_actions([0] * 5), None]])
    audit = {"hall": {"walls_known": {"holds": True}, "objective_form": {"holds": False}}}
    text = markdown([lost], {(ref.name, ref.files_hash): ref}, "empa", audit, "testbed misses ...")
    row = next(line for line in text.splitlines() if line.startswith("| hall |"))
    assert "0/1" in row and "L0: 3 attempts (median 1 steps): 2x SpriteCounter stype=avatar" in row
    assert "1x budget ran out" in row and row.endswith("| `objective_form` |")
    assert "0 of 1 levels won" in text and "2 ended by the game, 1 cut by the step budget" in text
    lost["levels"][0]["won"] = True
    assert "| hall |" not in markdown([lost], {(ref.name, ref.files_hash): ref}, "empa", None, "c")


def test_the_command_explains_a_random_agents_lost_levels(tmp_path: Path) -> None:
    """End to end: a stored tournament of random play, exported; every attempt is accounted for."""
    folder = _suite(tmp_path)
    runner = CliRunner()
    db, export, out = tmp_path / "r.sqlite", tmp_path / "r.jsonl", tmp_path / "misses.md"
    ran = runner.invoke(app, ["run", "--quiet", "--agents", "random", "--games", str(folder), "--seeds", "0",
                              "--budget", "40", "--workers", "1", "--db", str(db)])
    assert ran.exit_code == 0, ran.output
    assert runner.invoke(app, ["export", "--db", str(db), "--out", str(export)]).exit_code == 0
    record = read_jsonl(export)[0]
    made = runner.invoke(app, ["misses", "--from", str(export), "--games", str(folder), "--agent", "random",
                               "--out", str(out)])
    assert made.exit_code == 0, made.output
    text = out.read_text()
    assert record["levels_won"] == 0  # (the goal is behind the lava)
    deaths = sum(t[4] == "LOSE" for t in record["trajectories"])
    cut = sum(t[4] is None for t in record["trajectories"])
    assert deaths >= 1 and f"L0: {deaths + cut} attempts" in text
    assert f"{deaths}x SpriteCounter stype=avatar: the avatar's last tick: `lava` (killSprite)" in text
    bad = runner.invoke(app, ["misses", "--from", str(export), "--games", str(folder), "--agent", "empa",
                              "--out", str(out)])
    assert bad.exit_code == 2 and "no units of agent 'empa'" in bad.output
