"""The prior-ablation report: what each of the symbolic agent's priors is worth, where it holds and
where it does not, and how planning cost grows — as Markdown and a static HTML page with figures.

Input: tournament records (a store or an export) holding ``empa`` (all priors on), ``empa:-<prior>``
(one prior off) and ``empa-noprior`` units, plus any other agents (``random``, neural) to compare.
The split by "prior holds / is false in this game" comes from the static audit
(:mod:`testbed.audit`) of each game's VGDL.

Figures are PNG files under ``DIR/figures/``; replays are GIFs made from stored attempts.
"""

from __future__ import annotations

import html
import math
import statistics
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from agents.empa.priors import PRIORS
from testbed.games import GameRef, select_games
from testbed.leaderboard import code_revisions
from testbed.stats import BOOTSTRAP_SEED, CONFIDENCE, N_RESAMPLES

ALL_ON, ALL_OFF = "empa", "empa-noprior"


# -- data -------------------------------------------------------------------------------------------
def won_fraction(rec: dict[str, Any]) -> float:
    return rec["levels_won"] / max(1, rec["n_levels"])


def game_refs(records: list[dict[str, Any]]) -> dict[str, GameRef]:
    """The game files behind the records (ours by name, external ones by their directory)."""
    refs: dict[str, GameRef] = {}
    for suite in sorted({r["suite"] for r in records}):
        names = sorted({r["game"] for r in records if r["suite"] == suite})
        found = select_games(",".join(names)) if suite == "games" else select_games(suite)
        refs.update({g.name: g for g in found if g.name in names})
    return refs


def mean_ci(values: list[float]) -> tuple[float, float, float]:
    """Mean with a 95% percentile bootstrap interval (scipy); a single value is its own interval."""
    if not values:
        return (math.nan, math.nan, math.nan)
    arr = np.asarray(values, dtype=float)
    point = float(arr.mean())
    if len(arr) < 2 or np.all(arr == arr[0]):
        return (point, point, point)
    res = stats.bootstrap((arr,), np.mean, confidence_level=CONFIDENCE, n_resamples=N_RESAMPLES,
                          method="percentile", rng=np.random.default_rng(BOOTSTRAP_SEED))
    return (point, float(res.confidence_interval.low), float(res.confidence_interval.high))


def prior_effects(records: list[dict[str, Any]], audit: dict[str, dict]) -> list[dict[str, Any]]:
    """Per prior and split (holds / false / n.a.): the change in levels won and kappa when it is off.

    Paired by (game, seed) against the all-on agent with the same budget; intervals resample the
    pairs (games and seeds).
    """
    on = {(r["game"], r["seed"], r["budget"]): r for r in records if r["agent"] == ALL_ON}
    rows = []
    for prior in PRIORS:
        off = [r for r in records if r["agent"] == f"{ALL_ON}:-{prior}"]
        by_split: dict[str, list[tuple[str, float, float]]] = defaultdict(list)
        for r in off:
            base = on.get((r["game"], r["seed"], r["budget"]))
            if base is None:
                continue
            holds = audit.get(r["game"], {}).get(prior, {}).get("holds")
            split = "n/a" if holds is None else ("holds" if holds else "false")
            by_split[split].append((r["game"], won_fraction(r) - won_fraction(base), r["kappa"] - base["kappa"]))
        for split in ("holds", "false", "n/a"):
            pairs = by_split.get(split, [])
            if pairs:
                rows.append({"prior": prior, "split": split, "pairs": len(pairs), "games": len({p[0] for p in pairs}),
                             "d_won": mean_ci([100 * p[1] for p in pairs]), "d_kappa": mean_ci([p[2] for p in pairs])})
    return rows


def broken_count(audit: dict[str, dict], game: str) -> int:
    return sum(1 for v in audit.get(game, {}).values() if v.get("holds") is False)


def curve_levels(rec: dict[str, Any], grid: np.ndarray) -> np.ndarray:
    """Levels won (fraction) after each number of env steps in ``grid``, from a unit's record."""
    points: list[tuple[int, int]] = []  # (steps at which a level was first won, levels won then)
    if rec["curve"]:
        seen: set[int] = set()
        for step, _ret, _len, level, won in rec["curve"]:
            if won and level is not None and level not in seen:
                seen.add(level)
                points.append((step, len(seen)))
    else:  # online agents: steps accumulate level by level under the protocol
        total = 0
        n = 0
        for lv in rec["levels"]:
            total += lv["steps"]
            if lv["won"]:
                n += 1
                points.append((total, n))
    out = np.zeros(len(grid))
    for step, n in points:
        out[grid >= step] = n
    return out / max(1, rec["n_levels"])


def growth_exponent(x: np.ndarray, y: np.ndarray) -> float:
    """Slope of log y against log x (least squares) over positive pairs; NaN with too little spread."""
    keep = (x > 0) & (y > 0)
    if keep.sum() < 3 or len(np.unique(x[keep])) < 2:
        return math.nan
    return float(np.polyfit(np.log10(x[keep]), np.log10(y[keep]), 1)[0])


# -- figures ------------------------------------------------------------------------------------------
def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _finish(fig: Any, ax: Any, xlabel: str, ylabel: str, path: Path) -> None:
    """Label, add the legend, save and close a one-axes figure."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=6, ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    _plt().close(fig)


def fig_headline(rows: list[dict[str, Any]], path: Path) -> None:
    plt = _plt()
    priors = [p for p in PRIORS if any(r["prior"] == p for r in rows)]
    fig, ax = plt.subplots(figsize=(8, 0.45 * max(4, len(priors)) + 1))
    colors = {"holds": "tab:blue", "false": "tab:red", "n/a": "tab:gray"}
    for k, split in enumerate(("holds", "false", "n/a")):
        for i, p in enumerate(priors):
            r = next((r for r in rows if r["prior"] == p and r["split"] == split), None)
            if r is None:
                continue
            y = i + (k - 1) * 0.25
            m, lo, hi = r["d_won"]
            ax.errorbar(m, y, xerr=[[m - lo], [hi - m]], fmt="o", color=colors[split],
                        label=split if i == 0 or not ax.get_legend_handles_labels()[1].count(split) else None)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(range(len(priors)), priors)
    ax.invert_yaxis()
    ax.set_xlabel("change in levels won (percentage points) when the prior is switched off")
    handles, labels = ax.get_legend_handles_labels()
    uniq = dict(zip(labels, handles, strict=False))
    ax.legend(uniq.values(), [f"prior {k} in the game" if k != "n/a" else "agent-side prior" for k in uniq],
              loc="lower left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def fig_broken(records: list[dict[str, Any]], audit: dict[str, dict], configs: list[str], path: Path) -> None:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for cfg in configs:
        by_n: dict[int, list[float]] = defaultdict(list)
        for r in records:
            if r["agent"] == cfg:
                by_n[broken_count(audit, r["game"])].append(won_fraction(r))
        if by_n:
            xs = sorted(by_n)
            ax.plot(xs, [100 * statistics.mean(by_n[x]) for x in xs], marker="o", label=cfg, alpha=0.8)
    _finish(fig, ax, "number of game-side priors the game breaks (audit)", "levels won (%)", path)


def fig_profiles(records: list[dict[str, Any]], agents: list[str], path: Path) -> None:
    plt = _plt()
    taus = np.linspace(0, 1, 101)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for agent in agents:
        vals = np.array([won_fraction(r) for r in records if r["agent"] == agent])
        if len(vals):
            ax.plot(taus, [(vals >= t).mean() for t in taus], label=agent, alpha=0.8)
    _finish(fig, ax, "tau: fraction of a game's levels won", "fraction of runs with levels won >= tau", path)


def fig_learning(records: list[dict[str, Any]], path: Path) -> bool:
    """Neural learning curves (levels won vs env steps) with the symbolic agents' experience beside them."""
    neural = sorted({r["agent"] for r in records if r["kind"] == "neural"})
    if not neural:
        return False
    plt = _plt()
    top = max(r["budget"] if r["kind"] == "neural" else r["total_steps"] for r in records)
    grid = np.unique(np.geomspace(10, max(100, top), 200).astype(int))
    fig, ax = plt.subplots(figsize=(7, 4.5))
    # The symbolic agents only on the games and seeds the neural agents played (they may come from
    # another study), so that both curves average over the same runs.
    played = {(r["game"], r["seed"]) for r in records if r["kind"] == "neural"}
    for agent in neural + [a for a in (ALL_ON, ALL_OFF) if any(r["agent"] == a for r in records)]:
        runs = [curve_levels(r, grid) for r in records if r["agent"] == agent and (r["game"], r["seed"]) in played]
        if not runs:
            continue
        mean = 100 * np.mean(runs, axis=0)
        style = "-" if agent in neural else "--"
        ax.plot(grid, mean, style, label=agent)
        if agent not in neural:  # mark the steps the symbolic agent needed to reach its final level count
            reach = grid[np.argmax(mean >= mean[-1])] if mean[-1] > 0 else None
            if reach is not None:
                ax.axvline(reach, ls=":", color=ax.lines[-1].get_color(), lw=1)
    ax.set_xscale("log")
    ax.set_xlabel("env steps (experience)")
    ax.set_ylabel("levels won (%, mean over games and seeds)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def planning_cost(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per configuration: decision arrays and fitted growth exponents of seconds and nodes."""
    out: dict[str, dict[str, Any]] = {}
    for agent in sorted({r["agent"] for r in records if r["decisions"]}):
        rows = np.array([d for r in records if r["agent"] == agent for d in r["decisions"]], dtype=float)
        if rows.size == 0:
            continue
        secs, nodes, objects, cells = rows[:, 1], rows[:, 2], rows[:, 3], rows[:, 4]
        out[agent] = {"decisions": len(rows), "median_seconds": float(np.median(secs)),
                      "seconds_vs_objects": growth_exponent(objects, secs),
                      "nodes_vs_objects": growth_exponent(objects, nodes),
                      "seconds_vs_cells": growth_exponent(cells, secs),
                      "data": (secs, nodes, objects, cells)}
    return out


def fig_cost(cost: dict[str, dict[str, Any]], path: Path) -> None:
    plt = _plt()
    fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    pairs = [("objects", 2, "seconds", 0), ("objects", 2, "nodes", 1), ("level cells", 3, "seconds", 0)]
    # Seventeen clouds hide each other: draw all priors on and all off (the table has every exponent).
    shown = [a for a in (ALL_ON, ALL_OFF) if a in cost] or list(cost)[:2]
    for ax, (xname, xi, yname, yi) in zip(axes, pairs, strict=True):
        for agent in shown:
            data = cost[agent]["data"]
            x, y = data[xi], data[yi]
            keep = (x > 0) & (y > 0)
            fit = np.polyfit(np.log(x[keep]), np.log(y[keep]), 1) if len(np.unique(x[keep])) > 1 else None
            if keep.sum() > 2000:  # draw a sample; the fit uses every decision
                keep = keep & (np.random.default_rng(0).random(len(x)) < 2000 / keep.sum())
            dots = ax.scatter(x[keep], y[keep], s=3, alpha=0.3, label=agent)
            if fit is not None:
                xs = np.geomspace(x[keep].min(), x[keep].max(), 20)
                ax.plot(xs, np.exp(np.polyval(fit, np.log(xs))), color=dots.get_facecolor()[0][:3], lw=2,
                        label=f"{agent}: slope {fit[0]:.2f}")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(xname)
        ax.set_ylabel(f"{yname} per decision")
    axes[0].legend(fontsize=6, markerscale=3)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def make_gifs(records: list[dict[str, Any]], out: Path, n: int = 3) -> list[tuple[str, str]]:
    """GIFs of a few won attempts of the all-on agent (shortest first), replayed from stored actions."""
    from testbed.plays import trajectory_of
    from vgdl.play import replay

    made = []
    won = sorted(((len(t[3]), r, t) for r in records if r["agent"] in (ALL_ON, ALL_OFF) and not r.get("variant")
                  for t in r.get("trajectories") or [] if t[4] == "WIN" and len(t[3]) >= 8), key=lambda x: x[0])
    seen_games: set[str] = set()
    for _, rec, t in won:
        if rec["game"] in seen_games or len(made) >= n:
            continue
        try:
            traj = trajectory_of(rec, t[0], t[1])
        except Exception:  # noqa: BLE001  (an external game whose files are absent here: skip it)
            continue
        name = f"replay_{rec['game']}_level{t[0]}.gif"
        replay(traj, tile_size=12, gif=out / name)
        made.append((name, f"{rec['agent']} on {rec['game']}, level {t[0]}, attempt {t[1]}: "
                           f"{len(traj.actions)} steps, {traj.winner}"))
        seen_games.add(rec["game"])
    return made


# -- the document ---------------------------------------------------------------------------------------
def _f(x: float, digits: int = 1) -> str:
    return "-" if x is None or math.isnan(x) else f"{x:.{digits}f}"


def _ci(m: tuple[float, float, float], digits: int = 1) -> str:
    return "-" if math.isnan(m[0]) else f"{_f(m[0], digits)} [{_f(m[1], digits)}, {_f(m[2], digits)}]"


def build_report(records: list[dict[str, Any]], out_dir: str | Path, command: str,
                 audit: dict[str, dict] | None = None, gifs: int = 3) -> Path:
    """Write ``report.md``, ``index.html`` and ``figures/`` into ``out_dir``; returns the HTML path."""
    from testbed.audit import audit_games

    out = Path(out_dir)
    figs = out / "figures"
    figs.mkdir(parents=True, exist_ok=True)
    records = [r for r in records if r.get("status", "done") == "done"]
    if audit is None:
        audit = audit_games(game_refs(records).values())
    configs = sorted({r["agent"] for r in records if r["agent_base"] in (ALL_ON, ALL_OFF)},
                     key=lambda a: (a != ALL_ON, a != ALL_OFF, a))
    agents = configs + sorted({r["agent"] for r in records} - set(configs))
    effects = prior_effects(records, audit)
    cost = planning_cost(records)
    sections: list[tuple[str, str, list[list[str]] | None, list[str] | None, list[tuple[str, str]]]] = []

    fig_headline(effects, figs / "headline.png")
    sections.append((
        "Headline: what each prior is worth",
        "For each prior, the change in levels won (percentage points) and in kappa when that prior alone is "
        "switched off, against the all-priors-on agent on the same game and seed, with 95% bootstrap intervals "
        "over games and seeds; split by whether the static audit says the prior holds in the game.",
        [[f"`{r['prior']}`", r["split"], str(r["games"]), str(r["pairs"]), _ci(r["d_won"]), _ci(r["d_kappa"], 5)]
         for r in effects],
        ["prior", "in game", "games", "runs (game x seed)", "change in levels won (pp)", "change in kappa"],
        [("figures/headline.png", "change in levels won per prior, by whether it holds")]))

    fig_broken(records, audit, configs + [a for a in agents if a not in configs], figs / "broken.png")
    sections.append(("Levels won against the number of priors a game breaks",
                     "Mean levels won per configuration, over games grouped by how many game-side priors the "
                     "audit finds false in them.", None, None,
                     [("figures/broken.png", "levels won against priors broken")]))

    fig_profiles(records, agents, figs / "profiles.png")
    sections.append(("Performance profiles", "Fraction of runs (game x seed) that won at least a fraction tau of "
                     "the game's levels, for every configuration and agent in the results.", None, None,
                     [("figures/profiles.png", "performance profiles")]))

    if fig_learning(records, figs / "learning.png"):
        sections.append(("Learning curves", "Levels won against env steps of experience: neural agents (solid) "
                         "against the symbolic agent (dashed; the dotted line marks the steps it needed to reach "
                         "its final level count).", None, None, [("figures/learning.png", "learning curves")]))

    if cost:
        fig_cost(cost, figs / "planning_cost.png")
        sections.append((
            "Planning cost", "Seconds and search nodes per decision against the number of objects and the level "
            "area (cells), log-log; the growth exponent is the least-squares slope of log cost on log size. The "
            "figure shows all priors on and all off with their fitted lines; the table has every configuration.",
            [[f"`{a}`", str(c["decisions"]), f"{c['median_seconds']:.4f}", _f(c["seconds_vs_objects"], 2),
              _f(c["nodes_vs_objects"], 2), _f(c["seconds_vs_cells"], 2)] for a, c in cost.items()],
            ["configuration", "decisions", "median s", "exponent s~objects", "exponent nodes~objects",
             "exponent s~cells"], [("figures/planning_cost.png", "planning cost against size")]))

    replays = make_gifs(records, figs, gifs) if gifs else []
    if replays:
        sections.append(("Replays", "Won attempts replayed from the stored engine seed and actions.", None, None,
                         [(f"figures/{name}", caption) for name, caption in replays]))

    games = sorted({r["game"] for r in records})
    table = []
    for g in games:
        row = [g, str(broken_count(audit, g))]
        for a in agents:
            vals = [r["levels_won"] for r in records if r["agent"] == a and r["game"] == g]
            row.append(f"{statistics.mean(vals):.1f}" if vals else "")
        table.append(row)
    sections.append(("Per game", "Mean levels won over seeds, per configuration (columns), with the number of "
                     "priors the game breaks.", table, ["game", "broken"] + [f"`{a}`" for a in agents], []))

    seeds = sorted({r["seed"] for r in records})
    budgets = sorted({f"{r['budget']} {r['budget_unit']}" for r in records})
    head = [f"command: `{command}`", *[_source_line(c, [r for r in records if (r.get("command") or "?") == c])
                                       for c in sorted({r.get("command") or "?" for r in records})],
            f"budgets: {', '.join(budgets)}; seeds: {', '.join(map(str, seeds))}; units: {len(records)}; "
            f"games: {len(games)}",
            f"code: {code_revisions(records)}",
            f"written {time.strftime('%Y-%m-%d %H:%M %Z')}"]
    (out / "report.md").write_text(_markdown(head, sections))
    html_path = out / "index.html"
    html_path.write_text(_html(head, sections))
    return html_path


def _source_line(command: str, records: list[dict[str, Any]]) -> str:
    """One results command: its units, when they ran (elapsed wall time) and their summed unit time."""
    stamps = [datetime.strptime(t, "%Y-%m-%dT%H:%M:%S%z") for r in records
              for t in (r.get("started_at"), r.get("finished_at")) if t]
    unit_hours = sum(r.get("wall_seconds") or 0 for r in records) / 3600
    when = (f"ran {min(stamps):%Y-%m-%d %H:%M} to {max(stamps):%H:%M %Z}, "
            f"{(max(stamps) - min(stamps)).total_seconds() / 3600:.2f} h elapsed, " if stamps else "")
    return f"results from: `{command}` ({len(records)} units; {when}{unit_hours:.2f} unit-hours)"


def _md_table(rows: list[list[str]], header: list[str]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)] + ["| " + " | ".join(r) + " |"
                                                                            for r in rows]


def _markdown(head: list[str], sections: list[Any]) -> str:
    lines = ["# Prior-ablation report", ""] + [f"- {h}" for h in head] + [""]
    for title, text, rows, header, images in sections:
        lines += [f"## {title}", "", text, ""]
        if rows is not None:
            lines += _md_table(rows, header) + [""]
        lines += [f"![{cap}]({src})" for src, cap in images] + [""]
    return "\n".join(lines)


def _inline_md(text: str) -> str:
    """Backticks to <code>, everything else escaped."""
    parts = html.escape(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def _html(head: list[str], sections: list[Any]) -> str:
    body = ["<h1>Prior-ablation report</h1>", "<ul>"] + [f"<li>{_inline_md(h)}</li>" for h in head] + ["</ul>"]
    for title, text, rows, header, images in sections:
        body += [f"<h2>{html.escape(title)}</h2>", f"<p>{_inline_md(text)}</p>"]
        if rows is not None:
            body.append("<table><thead><tr>" + "".join(f"<th>{_inline_md(h)}</th>" for h in header)
                        + "</tr></thead><tbody>")
            body += ["<tr>" + "".join(f"<td>{_inline_md(c)}</td>" for c in r) + "</tr>" for r in rows]
            body.append("</tbody></table>")
        body += [f'<figure><img src="{html.escape(src)}" alt="{html.escape(cap)}"><figcaption>{html.escape(cap)}'
                 f"</figcaption></figure>" for src, cap in images]
    # After load, the page records which images failed to load (read by the headless-browser test).
    check = ("<script>window.addEventListener('load',()=>{document.body.dataset.images=[...document.images]"
             ".map(i=>i.complete&&i.naturalWidth>0?'ok':'broken:'+i.getAttribute('src')).join(' ')});</script>")
    style = ("body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}table{border-collapse:"
             "collapse;font-size:13px;margin:1em 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}"
             "td:first-child,th:first-child{text-align:left}img{max-width:100%}figure{margin:1em 0}")
    return ("<!doctype html><html><head><meta charset='utf-8'><title>Prior-ablation report</title>"
            f"<style>{style}</style></head><body>" + "\n".join(body) + check + "</body></html>\n")
