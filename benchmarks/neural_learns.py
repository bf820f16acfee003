"""Do the neural baselines learn? Steps until the greedy policy wins level 0 of the simplest dev game.

Each (algorithm, input, seed) trains in its own process (one torch thread each) on level 0 of
``short_maze`` until its greedy policy wins the level (checked every ``--eval-every`` steps) or the
budget runs out. Goals (issue #4): PPO on pixels within 100k steps, PPO on the grid within 50k,
DQN within 200k. Also reports env steps per second per core and the share of time spent in the
env (goal: under 10%).

    python benchmarks/neural_learns.py                      # all four, seed 0, two processes
    python benchmarks/neural_learns.py --runs ppo_grid --seeds 0,1,2
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

GOALS = {"ppo_pixels": 100_000, "ppo_grid": 50_000, "dqn_pixels": 200_000, "dqn_grid": 200_000}
EXPECTED_RATE = {"ppo_pixels": "300-400", "ppo_grid": "1.3k+", "dqn_pixels": "70-125", "dqn_grid": "1.3k+ (MLP)"}


def run_one(name: str, seed: int, game: str, eval_every: int, out: str) -> dict:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from agents.neural.train import RunConfig, load_hyperparams, train

    algo, input_type = name.split("_")
    cfg = RunConfig(algo, input_type, game, GOALS[name], seed, f"{out}/{name}/seed{seed}",
                    checkpoint_every=50_000, levels=[0], eval_every=eval_every, stop_when_solved=True,
                    hyperparams=load_hyperparams(algo, input_type))
    result = train(cfg)
    return {"run": name, "seed": seed, "solved_at": result["greedy_solved_first_level_at"],
            "steps": result["steps"], "steps_per_second": result["steps_per_second"],
            "env_time_share": result["env_time_share"], "wall_seconds": result["wall_seconds"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", default=",".join(GOALS), help=f"comma list of {list(GOALS)}")
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--game", default="short_maze")
    parser.add_argument("--eval-every", type=int, default=2048)
    parser.add_argument("--workers", type=int, default=2, help="processes (one torch thread each)")
    parser.add_argument("--out", default="runs/bench_neural")
    args = parser.parse_args(argv)
    jobs = [(name, int(seed)) for name in args.runs.split(",") for seed in args.seeds.split(",")]
    with ProcessPoolExecutor(max_workers=args.workers, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(run_one, name, seed, args.game, args.eval_every, args.out) for name, seed in jobs]
        rows = [f.result() for f in futures]
    print(f"{'run':<12}{'seed':>5}{'solved at':>11}{'goal':>9}{'steps/s':>9}{'expected':>12}"
          f"{'env share':>11}{'wall s':>8}")
    ok = True
    for r in rows:
        solved = r["solved_at"]
        met = solved is not None and solved <= GOALS[r["run"]]
        ok &= met
        print(f"{r['run']:<12}{r['seed']:>5}{solved if solved else 'no':>11}{GOALS[r['run']]:>9}"
              f"{r['steps_per_second']:>9.0f}{EXPECTED_RATE[r['run']]:>12}{100 * r['env_time_share']:>10.1f}%"
              f"{r['wall_seconds']:>8.0f}  {'ok' if met else 'MISSED'}")
    Path(args.out).mkdir(parents=True, exist_ok=True)
    (Path(args.out) / "summary.json").write_text(json.dumps(rows, indent=1))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
