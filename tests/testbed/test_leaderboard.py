"""Leaderboard aggregation rules that the CLI tests do not reach."""

from __future__ import annotations

from typing import Any

from testbed.leaderboard import build, header, newest, render_markdown


def _rec(agent: str, game: str, seed: int, won: int, finished: str, config: str = "c1") -> dict[str, Any]:
    return {"agent": agent, "game": game, "variant": "", "seed": seed, "levels_won": won, "n_levels": 5,
            "levels": [{"won": i < won, "steps": 10} for i in range(5)], "kappa": 0.0, "cpu_seconds": 1.0,
            "status": "done", "finished_at": finished, "config_hash": config, "budget": 100,
            "budget_unit": "steps_per_level", "kind": "online", "command": "testbed run", "versions": {}}


def test_a_newer_configuration_of_an_agent_supersedes_the_older_units() -> None:
    old = [_rec("empa", "g1", 0, 1, "2026-01-01"), _rec("empa", "g2", 0, 2, "2026-01-01")]
    new = [_rec("empa", "g1", 0, 5, "2026-02-01", config="c2")]
    other = [_rec("random", "g1", 0, 0, "2026-01-01")]
    kept, superseded = newest(old + new + other)
    assert superseded == [old[0]]
    assert sorted((r["agent"], r["game"], r["levels_won"]) for r in kept) == [
        ("empa", "g1", 5), ("empa", "g2", 2), ("random", "g1", 0)]
    rows, _ = build(old + new + other)
    assert {r.agent: (r.units, r.levels_won) for r in rows} == {"empa": (2, 7), "random": (1, 0)}
    assert any("1 older units" in line and "`empa` x1" in line for line in header(old + new + other, "s", "cmd"))


def test_failed_units_are_kept_for_the_failure_report() -> None:
    failed = {**_rec("empa", "g1", 0, 0, "2026-03-01"), "status": "failed", "error": "boom"}
    kept, superseded = newest([_rec("empa", "g1", 0, 3, "2026-01-01"), failed])
    assert failed in kept and not superseded


def test_decision_time_is_summarised_for_agents_that_plan() -> None:
    planner = {**_rec("empa", "g1", 0, 1, "2026-01-01"),
               "decisions": [[0, s, 10, 20, 30] for s in (0.01, 0.02, 0.03)]}
    slow = {**_rec("empa", "g2", 0, 1, "2026-01-01"), "decisions": [[0, 4.5, 10, 20, 30]]}
    rows, by_game = build([planner, slow, _rec("random", "g1", 0, 0, "2026-01-01")])
    text = render_markdown(rows, by_game, [])
    section = text.split("## Decision time")[1].split("## Per game")[0]
    assert "| `empa` | 4 | 0.0250 | 4.500 | 4.50 (g2) |" in section
    assert "`random`" not in section  # it records no decisions


def test_levels_won_are_split_by_whether_the_game_breaks_a_tagged_prior() -> None:
    fits = [_rec("empa", "g1", s, 4, "2026-01-01") for s in (0, 1)]
    breaks = {**_rec("empa", "g2", 0, 1, "2026-01-01"), "broken_priors": ["walls_known"]}
    rows, by_game = build([*fits, breaks])
    section = render_markdown(rows, by_game, []).split("## By prior fit")[1].split("## ")[0]
    assert "| `empa` | 8/10 (80.0%) in 1 games | 10 | 1/5 (20.0%) in 1 games | 10 |" in section
    rows, by_game = build(fits)  # no game breaks a tagged prior: no section
    assert "## By prior fit" not in render_markdown(rows, by_game, [])


def test_a_game_is_split_by_its_newest_tags_for_every_agent() -> None:
    old = {**_rec("random", "g1", 0, 1, "2026-01-01")}  # recorded before the game was tagged
    new = {**_rec("empa", "g1", 0, 3, "2026-02-01"), "broken_priors": ["walls_known"]}
    rows, by_game = build([old, new])
    section = render_markdown(rows, by_game, []).split("## By prior fit")[1].split("## ")[0]
    assert "| `random` |  |  | 1/5 (20.0%) in 1 games | 10 |" in section


def test_the_header_says_where_neural_units_trained_once_any_used_a_gpu() -> None:
    def neural(game: str, device: str | None) -> dict[str, Any]:
        extra = {"torch_device": device} if device else {}
        return {**_rec("ppo-pixels", game, 0, 1, "2026-01-01"), "kind": "neural", "extra": extra}

    on_cpu = [neural("g1", None), neural("g2", "cpu")]
    assert not any("trained" in line for line in header(on_cpu, "s", "cmd"))
    lines = [line for line in header([*on_cpu, neural("g3", "cuda")], "s", "cmd") if "trained" in line]
    assert lines == ["- neural units trained: `ppo-pixels` on cpu x2, `ppo-pixels` on cuda x1"]


def test_our_games_are_split_by_todays_card_when_their_files_are_unchanged() -> None:
    """A unit stored before its card gained a tag (flock_to_fold's default_blocking) is split by today's card,
    but only while the game's files are those it ran: an edited game keeps the unit's own tags."""
    from testbed.games import our_games

    ref = our_games()["flock_to_fold"]
    assert ref.broken_priors == ("default_blocking",)
    same = {**_rec("empa", "flock_to_fold", 0, 3, "2026-01-01"), "suite": "games", "game_hash": ref.files_hash}
    fits = {**_rec("empa", "coin_dash", 0, 5, "2026-01-01"), "suite": "games",
            "game_hash": our_games()["coin_dash"].files_hash}
    rows, by_game = build([same, fits])
    section = render_markdown(rows, by_game, []).split("## By prior fit")[1].split("## ")[0]
    assert "| `empa` | 5/5 (100.0%) in 1 games | 10 | 3/5 (60.0%) in 1 games | 10 |" in section
    edited = {**same, "game_hash": "0" * 16}
    rows, by_game = build([edited, fits])
    assert "## By prior fit" not in render_markdown(rows, by_game, [])
