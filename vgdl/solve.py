"""Find winning action sequences by breadth-first search over game copies (the true model).

Why: every level of our game suite must be provably winnable. Because a copy keeps the game's
random generator, searching under a fixed seed is deterministic even for stochastic games; the
found sequence is then replayed from a fresh load to confirm the win.

    python -m vgdl.solve games/coin_dash --levels 0-4 --write    # writes games/coin_dash/solutions.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

from vgdl.game import Game
from vgdl.loading import load_game

SOLUTIONS_FILE = "solutions.json"


def state_key(game: Game) -> tuple:
    """What distinguishes two states for the search.

    Positions, orientations, resources, health, the hidden clocks that decide future moves
    (ticks since the last move up to the cooldown, ages, counters, spawn phases, timers), the
    score and the random generator's state.
    """
    gt = game.game_tick
    parts = []
    for s in game.view.all():
        cooldown = s.kind.cooldown
        parts.append((s.kind.itype, s.x, s.y, s.ori, s.disabled, s.hp, s.age, s.counter, s.ttl,
                      min(gt - s.lm, cooldown), (s.start + gt) % cooldown if s.start >= 0 else -1,
                      tuple(sorted(s.resources.items())) if s.resources else ()))
    parts.sort()
    return (tuple(parts), game.raw_score, game.rng.state, game.timers())


def coarse_key(game: Game) -> tuple:
    """A much smaller key: the avatar, its inventory, the score and how many sprites of each type exist.

    Searching with it ignores where NPCs are (it may miss wins that need waiting for them), but it
    finds long plans in levels where the exact search runs out of nodes.
    """
    av = game.avatar()
    avatar = (av.x, av.y, av.ori, tuple(sorted((av.resources or {}).items()))) if av is not None else None
    counts = game.view.counts()
    return (avatar, game.raw_score, counts)


def solve(game: Game, max_nodes: int = 200_000, max_depth: int = 1000, actions: list[str] | None = None,
          key: Callable[[Game], tuple] = state_key) -> list[str] | None:
    """Shortest (in steps) winning action sequence from ``game``'s state, or None within the budget.

    Breadth-first; states with an already-seen ``key`` are pruned.
    """
    actions = actions or game.actions
    frontier: deque[tuple[Game, tuple[str, ...]]] = deque([(game.copy(), ())])
    seen = {key(game)}
    nodes = 0
    while frontier and nodes < max_nodes:
        node, path = frontier.popleft()
        if len(path) >= max_depth:
            continue
        for action in actions:
            child = node.copy()
            child.step(action)
            nodes += 1
            if child.ended:
                if child.winner == "WIN":
                    return [*path, action]
                continue
            k = key(child)
            if k in seen:
                continue
            seen.add(k)
            frontier.append((child, (*path, action)))
    return None


def replay(game_file: Path, level_file: Path, seed: int, actions: list[str]) -> Game:
    """Play ``actions`` on a fresh load and return the game."""
    game = load_game(game_file, level_file, seed=seed)
    for action in actions:
        if game.ended:
            break
        game.step(action)
    return game


def load_solutions(folder: Path) -> dict[int, dict]:
    path = folder / SOLUTIONS_FILE
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    return {int(k): v for k, v in data["levels"].items()}


def save_solutions(folder: Path, solutions: dict[int, dict]) -> None:
    data = {"format": "vgdl-solutions-v1",
            "note": "winning action sequences: replayed from a fresh load with the given seed, they win",
            "levels": {str(k): solutions[k] for k in sorted(solutions)}}
    (folder / SOLUTIONS_FILE).write_text(json.dumps(data, indent=1) + "\n")


def _levels(spec: str) -> list[int]:
    out: list[int] = []
    for part in spec.split(","):
        if "-" in part:
            a, b = part.split("-")
            out += list(range(int(a), int(b) + 1))
        else:
            out.append(int(part))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a game folder with game.txt and levelK.txt")
    parser.add_argument("--levels", default="0-4")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-nodes", type=int, default=300_000)
    parser.add_argument("--write", action="store_true", help=f"save found solutions to {SOLUTIONS_FILE}")
    args = parser.parse_args(argv)
    game_file = args.folder / "game.txt"
    solutions = load_solutions(args.folder)
    ok = True
    for level in _levels(args.levels):
        level_file = args.folder / f"level{level}.txt"
        t0 = time.perf_counter()
        start = load_game(game_file, level_file, seed=args.seed)
        plan = solve(start, max_nodes=args.max_nodes // 4)
        if plan is None:  # fall back to the coarse search for long plans
            plan = solve(start, max_nodes=args.max_nodes, key=coarse_key)
        dt = time.perf_counter() - t0
        if plan is None:
            print(f"level {level}: no win found within {args.max_nodes} nodes ({dt:.1f}s)")
            ok = False
            continue
        check = replay(game_file, level_file, args.seed, plan)
        print(f"level {level}: {len(plan)} steps, replay {check.winner} ({dt:.1f}s)")
        if check.winner == "WIN":
            solutions[level] = {"seed": args.seed, "actions": plan}
        else:
            ok = False
    if args.write:
        save_solutions(args.folder, solutions)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
