"""What does the tournament harness cost on top of the agents? Units per second three ways, one run.

Baseline: ``agents.runner.run_protocol`` called directly in this process (no harness). Then the
same units through ``testbed.units.execute`` in this process (records, trajectories, JSON), and
through ``testbed.tournament.run_tournament`` with a spawned local pool and the SQLite store
(process start, transfer, one transaction per unit). Ratios are against the baseline.

    python benchmarks/tournament_overhead.py [--units 40] [--budget 200] [--workers 1]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=40)
    parser.add_argument("--budget", type=int, default=200, help="steps per level")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    from agents.registry import make, parse
    from agents.runner import run_protocol
    from testbed.games import env_id, select_games
    from testbed.store import Store
    from testbed.tournament import run_tournament
    from testbed.units import execute, make_units

    games = select_games("short_maze,coin_dash")
    seeds = list(range(max(1, args.units // len(games))))
    units = make_units([parse("random")], games, [""], seeds, args.budget, 1)
    steps = 0

    t = time.perf_counter()
    for u in units:
        steps += run_protocol(make(u.agent, seed=u.seed), env_id(u.game), budget_per_level=u.budget,
                              seed=u.seed).total_steps
    direct = time.perf_counter() - t

    t = time.perf_counter()
    for u in units:
        execute(u.to_dict())
    in_process = time.perf_counter() - t

    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "b.sqlite") as store:
        t = time.perf_counter()
        report = run_tournament(units, store, workers=args.workers, show_progress=False)
        pooled = time.perf_counter() - t
        assert report.ran == len(units) and not report.failed

    n = len(units)
    print(f"{n} units of random play, {steps} env steps, budget {args.budget} per level, {args.workers} worker(s)")
    print(f"{'path':<44}{'seconds':>9}{'units/s':>9}{'ratio':>8}")
    for name, secs in (("run_protocol directly (baseline)", direct), ("testbed execute() in process", in_process),
                       ("testbed run_tournament, pool + store", pooled)):
        print(f"{name:<44}{secs:>9.2f}{n / secs:>9.1f}{secs / direct:>7.2f}x")
    print(f"harness overhead per unit: {(pooled - direct) / n * 1000:.1f} ms (pool start included)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
