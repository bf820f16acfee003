"""How well does the EMPA-like agent learn our games? Levels won, steps, kappa and cost per game.

Plays each game's levels in order under the protocol (a win advances; each level gets
``--budget`` steps), one process per game. Goals (issue #5), all priors on, dev games: win at
least 80% of levels, median steps to win a level at most 500, median decision time at most 1 s.

    python benchmarks/empa_dev.py                          # dev games, all priors on
    python benchmarks/empa_dev.py --priors-off event_log   # the same with a prior off (or "all")
    python benchmarks/empa_dev.py --games heldout          # dev | heldout | names,... | a directory
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def select_games(spec: str) -> tuple[list[str], str | None]:
    """(game names, external directory or None) for ``dev``, ``heldout``, a comma list or a directory."""
    from vgdl.suite import discover, load_manifest

    if Path(spec).is_dir():
        return sorted(discover(spec)), spec
    cards = load_manifest()
    if spec in ("dev", "heldout"):
        return [n for n, c in cards.items() if c.split == spec], None
    names = [n.strip() for n in spec.split(",") if n.strip()]
    unknown = sorted(set(names) - set(cards))
    if unknown:
        raise SystemExit(f"unknown games {unknown}")
    return names, None


def run_game(game: str, directory: str | None, priors_off: list[str], budget: int, seed: int) -> dict:
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    from agents.empa import EMPAAgent, EMPAConfig
    from agents.runner import run_protocol
    from vgdl.registration import env_name, register_suite

    namespace = "VGDL"
    if directory is not None:
        register_suite(directory, "VGDLBench")
        namespace = "VGDLBench"
    agent = EMPAAgent(EMPAConfig(seed=seed, priors_off=priors_off))
    try:
        result = run_protocol(agent, f"{namespace}/{env_name(game)}-v0", budget_per_level=budget, seed=seed,
                              env_kwargs=agent.env_kwargs())
    except Exception as exc:  # reported, never hidden: the row shows the error
        return {"game": game, "error": f"{type(exc).__name__}: {exc}"}
    cost = agent.cost_summary()
    return {"game": game, "levels": [{"won": r.won, "steps": r.steps, "attempts": r.attempts,
                                      "cpu_seconds": r.cpu_seconds} for r in result.levels],
            "levels_won": result.levels_won, "n_levels": result.n_levels, "kappa": result.kappa,
            "total_steps": result.total_steps, **cost,
            "planning_by_level": {str(k): v for k, v in agent.cost_by_level().items()},
            "decisions_log": [(d.nodes, d.seconds, d.objects, d.cells) for d in agent.decisions]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", default="dev")
    parser.add_argument("--priors-off", default="", help="comma list of priors to switch off, or 'all'")
    parser.add_argument("--budget", type=int, default=5000, help="steps per level")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args(argv)
    from agents.empa.priors import resolve_off

    off = sorted(resolve_off(args.priors_off))
    games, directory = select_games(args.games)
    with ProcessPoolExecutor(max_workers=args.workers, mp_context=get_context("spawn")) as pool:
        futures = {pool.submit(run_game, g, directory, off, args.budget, args.seed): g for g in games}
        done = {}
        for future in as_completed(futures):
            row = future.result()
            done[row["game"]] = row
            print(f"  done {row['game']}: {row.get('levels_won', 'error')}", file=sys.stderr, flush=True)
        rows = [done[g] for g in games]
    print(f"priors off: {', '.join(off) or 'none'}; budget {args.budget} steps per level; seed {args.seed}")
    print(f"{'game':<24}{'won':>5}  {'steps per level (* = won)':<42}{'kappa':>9}{'cpu s':>8}{'med dec s':>10}")
    won = levels = 0
    win_steps: list[int] = []
    decision_medians: list[float] = []
    for row in rows:
        if "error" in row:
            print(f"{row['game']:<24} ERROR {row['error']}")
            continue
        steps = " ".join(f"{lv['steps']}{'*' if lv['won'] else ''}" for lv in row["levels"])
        cpu = sum(lv["cpu_seconds"] for lv in row["levels"])
        print(f"{row['game']:<24}{row['levels_won']:>2}/{row['n_levels']:<2}  {steps:<42}{row['kappa']:>9.5f}"
              f"{cpu:>8.1f}{row['median_decision_seconds']:>10.3f}")
        won += row["levels_won"]
        levels += row["n_levels"]
        win_steps += [lv["steps"] for lv in row["levels"] if lv["won"]]
        if row["decisions"]:
            decision_medians.append(row["median_decision_seconds"])
    errors = sum("error" in r for r in rows)
    median_steps = statistics.median(win_steps) if win_steps else float("nan")
    median_decision = statistics.median(decision_medians) if decision_medians else float("nan")
    print(f"levels won {won}/{levels} ({100 * won / max(levels, 1):.0f}%, goal >= 80%); median steps to win a "
          f"level {median_steps:g} (goal <= 500); median decision {median_decision:.3f} s (goal <= 1 s); "
          f"errors {errors}")
    if args.json:
        Path(args.json).write_text(json.dumps({"priors_off": off, "budget": args.budget, "seed": args.seed,
                                               "rows": rows}, indent=1))
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
