"""Leaderboards from stored or exported results: a summary per agent spec, then a per-game table.

Per unit (one agent, game, seed) the metrics are: levels won (%), the median steps a won level
took, EMPA's kappa and the unit's CPU seconds. Per agent, each metric is aggregated over games
and seeds as an IQM with a 95% stratified bootstrap interval (``testbed.stats``), plus the
probability of improvement over ``random`` in levels won. Written as Markdown and CSV.
"""

from __future__ import annotations

import csv
import math
import platform
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agents.registry import AGENTS
from testbed.stats import iqm_ci, probability_of_improvement

BASELINE = "random"


def _median_win_steps(rec: dict[str, Any]) -> float:
    steps = [lv["steps"] for lv in rec["levels"] if lv["won"]]
    return float(statistics.median(steps)) if steps else math.nan


METRICS: dict[str, tuple[str, Callable[[dict[str, Any]], float]]] = {
    "levels_won_pct": ("levels won (%)", lambda r: 100.0 * r["levels_won"] / max(1, r["n_levels"])),
    "median_win_steps": ("median steps to win a level", _median_win_steps),
    "kappa": ("kappa", lambda r: float(r["kappa"])),
    "cpu_seconds": ("CPU s per game", lambda r: float(r["cpu_seconds"])),
}


@dataclass
class AgentRow:
    agent: str
    units: int
    games: int
    seeds: list[int]
    levels_won: int
    levels: int
    metrics: dict[str, tuple[float, float, float]]
    improvement: tuple[float, float, float]


def _per_game(records: list[dict[str, Any]], metric: Callable[[dict[str, Any]], float]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = defaultdict(list)
    for rec in records:
        out[_game_label(rec)].append(metric(rec))
    return out


def _game_label(rec: dict[str, Any]) -> str:
    return rec["game"] + (f"[{rec['variant']}]" if rec.get("variant") else "")


def newest(records: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(kept, superseded): per agent spec, game, variant and seed, only the newest finished unit counts.

    Why: a store keeps units of an agent spec's older configurations (its planner constants changed)
    or budgets; averaging them with the new ones would describe no agent. Failed units pass through.
    """
    latest: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in records:
        if r.get("status", "done") != "done":
            continue
        key = (r["agent"], _game_label(r), r.get("variant", ""), r["seed"])
        if key not in latest or (r.get("finished_at") or "") > (latest[key].get("finished_at") or ""):
            latest[key] = r
    kept_ids = {id(r) for r in latest.values()}
    kept = [r for r in records if id(r) in kept_ids or r.get("status", "done") != "done"]
    return kept, [r for r in records if id(r) not in kept_ids and r.get("status", "done") == "done"]


def build(records: list[dict[str, Any]]) -> tuple[list[AgentRow], dict[str, dict[str, list[dict[str, Any]]]]]:
    """Summary rows (one per agent spec, in the registry's order) and ``{game: {agent: [records]}}``."""
    done = [r for r in newest(records)[0] if r.get("status", "done") == "done"]
    by_agent: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_game: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for rec in done:
        by_agent[rec["agent"]].append(rec)
        by_game[_game_label(rec)][rec["agent"]].append(rec)
    won = METRICS["levels_won_pct"][1]
    baseline = _per_game(by_agent.get(BASELINE, []), won)
    rows = []
    for agent, recs in by_agent.items():
        metrics = {name: iqm_ci(_per_game(recs, fn)) for name, (_, fn) in METRICS.items()}
        improvement = (probability_of_improvement(_per_game(recs, won), baseline) if baseline and agent != BASELINE
                       else (math.nan, math.nan, math.nan))
        rows.append(AgentRow(agent, len(recs), len({_game_label(r) for r in recs}), sorted({r["seed"] for r in recs}),
                             sum(r["levels_won"] for r in recs), sum(r["n_levels"] for r in recs), metrics,
                             improvement))
    order = {name: i for i, name in enumerate(AGENTS)}
    rows.sort(key=lambda r: (order.get(r.agent.split(":", 1)[0], len(order)), r.agent))
    return rows, {g: dict(a) for g, a in sorted(by_game.items())}


def _fmt(value: float, digits: int = 1) -> str:
    if value is None or math.isnan(value):
        return "-"
    if abs(value) and (abs(value) < 10 ** -digits or abs(value) >= 1e6):
        return f"{value:.2g}"
    return f"{value:.{digits}f}"


def _ci(m: tuple[float, float, float], digits: int = 1) -> str:
    if math.isnan(m[0]):
        return "-"
    if m[1] == m[2]:
        return _fmt(m[0], digits)
    return f"{_fmt(m[0], digits)} [{_fmt(m[1], digits)}, {_fmt(m[2], digits)}]"


_UNITS = {"steps_per_level": "steps per level", "env_steps": "env steps per game"}
_DIGITS = {"levels_won_pct": 1, "median_win_steps": 0, "kappa": 5, "cpu_seconds": 1}


def code_revisions(records: list[dict[str, Any]]) -> str:
    """Which commits made the records, with unit counts (records from before commits were kept: "unrecorded")."""
    counts: dict[str, int] = {}
    for r in records:
        rev = (r.get("versions") or {}).get("code", "unrecorded")
        counts[rev] = counts.get(rev, 0) + 1
    return ", ".join(f"{rev} ({n} units)" for rev, n in sorted(counts.items()))


def _torch_devices(records: list[dict[str, Any]]) -> list[str]:
    """Where the neural units trained, once any unit trained off the CPU (``testbed run --torch-device``).

    Units from before the device was recorded trained on the CPU: the learner had no other setting."""
    devices = _count(f"`{r['agent']}` on {(r.get('extra') or {}).get('torch_device') or 'cpu'}"
                     for r in records if r.get("kind") == "neural")
    if all(d.endswith(" on cpu") for d in devices):
        return []
    return ["- neural units trained: " + ", ".join(f"{d} x{n}" for d, n in sorted(devices.items()))]


def header(records: list[dict[str, Any]], suite: str, command: str) -> list[str]:
    """What made this table: commands, budgets, seeds, wall time, date and machine."""
    records, superseded = newest(records)
    runs = sorted({r.get("command") or "?" for r in records})
    budgets = sorted({f"{r['budget']} {_UNITS.get(r['budget_unit'], r['budget_unit'])} ({r['kind']})"
                      if r["budget_unit"] != "play" else "imported plays (no budget)" for r in records})
    seeds = sorted({r["seed"] for r in records})
    wall = sum(r.get("wall_seconds") or 0.0 for r in records)
    cpu = sum(r.get("cpu_seconds") or 0.0 for r in records)
    starts = [r["started_at"] for r in records if r.get("started_at")]
    ends = [r["finished_at"] for r in records if r.get("finished_at")]
    hosts = sorted({r["host"] for r in records if r.get("host")}) or ["?"]
    failed = [r for r in records if r.get("status") == "failed"]
    code = code_revisions(records)
    lines = [f"# Leaderboard: {suite}", "",
             f"- made by: `{command}`",
             *[f"- results from: `{c}`" for c in runs],
             f"- budgets: {'; '.join(budgets)}",
             f"- seeds: {', '.join(map(str, seeds))}; units: {len(records)}; "
             f"games: {len({_game_label(r) for r in records})}",
             f"- unit wall time: {wall / 60:.1f} min in all ({cpu / 60:.1f} CPU min), units ran "
             f"{min(starts) if starts else '?'} to {max(ends) if ends else '?'} on {', '.join(hosts)}",
             f"- code: {code}",
             *_torch_devices(records),
             f"- written {time.strftime('%Y-%m-%d %H:%M %Z')} on {platform.node()} ({platform.machine()}, "
             f"{platform.python_version()})"]
    if superseded:
        lines.append(f"- {len(superseded)} older units of the same agent, game and seed (an earlier configuration "
                     f"or budget) are superseded by newer ones and left out: "
                     + ", ".join(f"`{a}` x{n}" for a, n in sorted(_count(r["agent"] for r in superseded).items())))
    if failed:
        reasons = sorted({(r.get("error") or "?").strip().splitlines()[-1][:100] for r in failed})
        lines.append(f"- **{len(failed)} units failed** and are left out of the tables: "
                     + "; ".join(f"`{r['agent']}` on {_game_label(r)} seed {r['seed']}" for r in failed)
                     + f" (errors: {'; '.join(reasons)})")
    return lines + [""]


def render_markdown(rows: list[AgentRow], by_game: dict[str, dict[str, list[dict[str, Any]]]],
                    head: list[str]) -> str:
    out = list(head)
    out += ["Aggregates over games and seeds: IQM with a 95% stratified bootstrap interval over seeds "
            "(Agarwal et al. 2021). P(> random): probability that a run beats a random run on a common game, "
            "in levels won.", ""]
    names = [f"{METRICS[m][0]}: IQM" for m in METRICS]  # (not the pooled figure: "levels won" is that)
    out.append("| agent | units | games | seeds | levels won | " + " | ".join(names) + " | P(> random) |")
    out.append("|---|---:|---:|---|---:|" + "---:|" * len(names) + "---:|")
    for r in rows:
        cells = [_ci(r.metrics[m], _DIGITS[m]) for m in METRICS]
        out.append(f"| `{r.agent}` | {r.units} | {r.games} | {','.join(map(str, r.seeds))} | "
                   f"{r.levels_won}/{r.levels} | " + " | ".join(cells) + f" | {_ci(r.improvement, 2)} |")
    agents = [r.agent for r in rows]
    out += _prior_fit(by_game, agents)
    out += _decision_time(by_game, agents)
    out += ["", "## Per game", "",
            "Levels won out of the game's levels: the mean over seeds, with each seed's count in brackets when "
            "there are several; then the median steps of the won levels.", ""]
    out.append("| game | " + " | ".join(f"`{a}`" for a in agents) + " |")
    out.append("|---|" + "---|" * len(agents))
    for game, per_agent in by_game.items():
        cells = []
        for a in agents:
            recs = sorted(per_agent.get(a, []), key=lambda r: r["seed"])
            if not recs:
                cells.append("")
                continue
            won = [r["levels_won"] for r in recs]
            steps = [lv["steps"] for r in recs for lv in r["levels"] if lv["won"]]
            text = f"{_fmt(statistics.mean(won), 1 if len(won) > 1 else 0)}/{recs[0]['n_levels']}"
            if len(won) > 1:
                text += f" [{' '.join(map(str, won))}]"
            if steps:
                text += f", {statistics.median(steps):g} st"
            cells.append(text)
        out.append(f"| {game} | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def _broken_tags(by_game: dict[str, dict[str, list[dict[str, Any]]]]) -> dict[str, bool]:
    """Does each game break a prior? Our games' tags come from their card in today's manifest when the
    game's files are those the newest unit ran (units keep the tags of their day, and cards gained tags
    since); otherwise, or for an external game, from that unit's stored ``broken_priors``."""
    from testbed.games import our_games

    ours = our_games()
    out: dict[str, bool] = {}
    for game, per_agent in by_game.items():
        newest = max((r for recs in per_agent.values() for r in recs), key=lambda r: r.get("finished_at") or "")
        tags = newest.get("broken_priors") or []
        ref = ours.get(game) if newest.get("suite") == "games" else None
        if ref is not None and ref.files_hash == newest.get("game_hash"):
            tags = list(ref.broken_priors)
        out[game] = bool(tags)
    return out


def _prior_fit(by_game: dict[str, dict[str, list[dict[str, Any]]]], agents: list[str]) -> list[str]:
    """Levels won on the games whose tagged priors all hold and on those that break one: a shortcut's
    worth shows where it is false (every agent's row splits the same games; see ``_broken_tags``)."""
    breaks_of = _broken_tags(by_game)
    if not any(breaks_of.values()):
        return []
    lines: list[str] = []
    for a in agents:
        cells = []
        for breaks in (False, True):
            recs = [r for game, per_agent in by_game.items() for r in per_agent.get(a, [])
                    if breaks_of[game] == breaks]
            won = sum(r["levels_won"] for r in recs)
            total = sum(r["n_levels"] for r in recs)
            steps = [lv["steps"] for r in recs for lv in r["levels"] if lv["won"]]
            if not total:
                cells += ["", ""]
                continue
            games = len({r["game"] for r in recs})
            cells += [f"{won}/{total} ({100 * won / total:.1f}%) in {games} games",
                      f"{statistics.median(steps):g}" if steps else ""]
        lines.append(f"| `{a}` | " + " | ".join(cells) + " |")
    return ["", "## By prior fit", "",
            "Levels won on the games whose tagged priors all hold and on those that break at least one "
            "(all seeds pooled), with the median steps of the won levels. Tags: the game's card in "
            "`games/manifest.toml` (all ten game-side priors, checked against `testbed audit`) when its "
            "files are those the units ran, else the tags stored with its newest unit.", "",
            "| agent | priors hold: levels won | median steps | a prior broken: levels won | median steps |",
            "|---|---:|---:|---:|---:|", *lines]


def _decision_time(by_game: dict[str, dict[str, list[dict[str, Any]]]], agents: list[str]) -> list[str]:
    """CPU seconds per decision of the agents that record them (the symbolic planner): is it bounded?"""
    lines: list[str] = []
    for a in agents:
        secs = [(d[1], game) for game, per_agent in by_game.items() for r in per_agent.get(a, [])
                for d in r.get("decisions") or []]
        if not secs:
            continue
        values = sorted(v for v, _ in secs)
        worst, game = max(secs)
        p99 = values[min(len(values) - 1, int(0.99 * len(values)))]
        lines.append(f"| `{a}` | {len(values)} | {statistics.median(values):.4f} | {p99:.3f} | {worst:.2f} ({game}) |")
    if not lines:
        return []
    return ["", "## Decision time", "", "CPU seconds per planning decision, over every stored decision.", "",
            "| agent | decisions | median s | 99th percentile s | max s (game) |", "|---|---:|---:|---:|---|", *lines]


def _count(items: Any) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for x in items:
        out[x] += 1
    return dict(out)


def write(records: list[dict[str, Any]], suite: str, out_dir: str | Path, command: str) -> tuple[Path, Path]:
    """Write ``out_dir/<suite>.md`` and ``out_dir/<suite>.csv``; returns their paths."""
    rows, by_game = build(records)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    md = out / f"{suite}.md"
    md.write_text(render_markdown(rows, by_game, header(records, suite, command)))
    path_csv = out / f"{suite}.csv"
    with path_csv.open("w", newline="") as f:
        w = csv.writer(f)
        cols = ["agent", "units", "games", "seeds", "levels_won", "levels"]
        for m in METRICS:
            cols += [f"{m}_iqm", f"{m}_low", f"{m}_high"]
        w.writerow(cols + ["p_improvement_over_random", "p_low", "p_high"])
        for r in rows:
            vals: list[Any] = [r.agent, r.units, r.games, " ".join(map(str, r.seeds)), r.levels_won, r.levels]
            for m in METRICS:
                vals += [f"{v:.6g}" for v in r.metrics[m]]
            w.writerow(vals + [f"{v:.6g}" for v in r.improvement])
    return md, path_csv


def summary_text(records: list[dict[str, Any]]) -> str:
    """The summary table alone, for the terminal."""
    rows, _ = build(records)
    lines = [f"{'agent':<34}{'units':>6}{'levels won':>12}{'won % IQM [95% CI]':>26}{'med steps':>10}"
             f"{'kappa':>10}{'cpu s':>9}"]
    for r in rows:
        lines.append(f"{r.agent:<34}{r.units:>6}{f'{r.levels_won}/{r.levels}':>12}"
                     f"{_ci(r.metrics['levels_won_pct'], 1):>26}{_fmt(r.metrics['median_win_steps'][0], 0):>10}"
                     f"{_fmt(r.metrics['kappa'][0], 5):>10}{_fmt(r.metrics['cpu_seconds'][0], 1):>9}")
    return "\n".join(lines)
