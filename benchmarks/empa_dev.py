"""How well does the EMPA-like agent learn our games? A thin caller of the tournament (`testbed run`).

Runs the EMPA-like agent (with ``--priors-off`` switched off) through the tournament store
``runs/empa_dev.sqlite`` (resumable; finished units are reused), then prints per game the levels
won, steps per level, kappa, CPU seconds and the median decision time, and the totals.

    python benchmarks/empa_dev.py                          # dev games, all priors on
    python benchmarks/empa_dev.py --priors-off event_log   # the same with a prior off (or "all")
    python benchmarks/empa_dev.py --games heldout          # dev | heldout | names,... | a directory
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", default="dev")
    parser.add_argument("--priors-off", default="", help="comma list of priors to switch off, or 'all'")
    parser.add_argument("--budget", type=int, default=5000, help="steps per level")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--db", default="runs/empa_dev.sqlite")
    args = parser.parse_args(argv)
    from agents.empa.priors import resolve_off
    from testbed.games import select_games
    from testbed.store import Store

    off = sorted(resolve_off(args.priors_off))
    spec = "empa" + (":" + ",".join(f"-{p}" for p in off) if off else "")
    run = [sys.executable, "-m", "testbed.cli", "run", "--agents", spec, "--games", args.games, "--seeds",
           str(args.seed), "--budget", str(args.budget), "--workers", str(args.workers), "--db", args.db, "--quiet"]
    code = subprocess.call(run, cwd=ROOT, stdout=subprocess.DEVNULL)
    with Store(ROOT / args.db) as store:
        from agents.registry import parse

        name = parse(spec).name
        games = {(g.name, g.files_hash) for g in select_games(args.games)}
        rows = [r for r in store.records(status=None) if r["agent"] == name and r["seed"] == args.seed
                and r["budget"] == args.budget and (r["game"], r["game_hash"]) in games]
    print(f"priors off: {', '.join(off) or 'none'}; budget {args.budget} steps per level; seed {args.seed}")
    print(f"{'game':<24}{'won':>5}  {'steps per level (* = won)':<42}{'kappa':>9}{'cpu s':>8}{'med dec s':>10}")
    won = levels = 0
    win_steps: list[int] = []
    for row in sorted(rows, key=lambda r: r["game"]):
        if row["status"] != "done":
            print(f"{row['game']:<24} ERROR {row['error'].strip().splitlines()[-1]}")
            continue
        steps = " ".join(f"{lv['steps']}{'*' if lv['won'] else ''}" for lv in row["levels"])
        secs = [d[1] for d in row["decisions"]]
        med = statistics.median(secs) if secs else 0.0
        print(f"{row['game']:<24}{row['levels_won']:>2}/{row['n_levels']:<2}  {steps:<42}{row['kappa']:>9.5f}"
              f"{row['cpu_seconds']:>8.1f}{med:>10.3f}")
        won += row["levels_won"]
        levels += row["n_levels"]
        win_steps += [lv["steps"] for lv in row["levels"] if lv["won"]]
    median_steps = statistics.median(win_steps) if win_steps else float("nan")
    print(f"levels won {won}/{levels} ({100 * won / max(levels, 1):.0f}%); median steps to win a level "
          f"{median_steps:g}; errors {sum(r['status'] != 'done' for r in rows)}")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
