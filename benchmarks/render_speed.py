"""Pixel cost of the renderer: this tree's ``vgdl/render.py`` against another revision's, in one process.

Why a second benchmark beside ``engine_speed.py``: that one compares whole engines, step and
render together, at rates over random play. Here only the renderer changes: both renderers
draw the very same trajectories (a seeded random action list replayed on copies of one start
state, new episodes from that state), interleaved round by round, and the best of several rounds
is kept for each, so the ratio measures the renderer alone. Pixel cost is the render time over the
bare step time of the same run (the engine's ``pixel cost`` goal: <= 30%).

Usage:
    python benchmarks/render_speed.py [--against HEAD] [--games frogs,sokoban] [--steps 200] [--rounds 5]
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy: idle BLAS threads skew timings

import argparse  # noqa: E402
import importlib.util  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from types import ModuleType  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import vgdl  # noqa: E402
from vgdl import render as current  # noqa: E402
from vgdl.conformance import shared_gvgai_dir  # noqa: E402
from vgdl.game import Game  # noqa: E402
from vgdl.rng import JavaRandom  # noqa: E402


def renderer_of(rev: str, tmp: Path) -> ModuleType:
    """``vgdl/render.py`` of revision ``rev``, imported as a module of its own.

    Its caches live under the same attribute names as this tree's (on the rules' atlases and the
    store's derived-data dict), so they are renamed to keep the two renderers apart."""
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:vgdl/render.py"], capture_output=True,
                            text=True, check=True).stdout
    for name in ('"_bank"', '"_atlases"', '"_layouts"'):
        source = source.replace(name, name[:-1] + '_baseline"')
    source = source.replace('("frames",', '("frames_baseline",')
    path = tmp / "render_baseline.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("render_baseline", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def play(start: Game, actions: list[int], draw: Callable[[Game, int], object] | None) -> tuple[float, float]:
    """Seconds spent stepping and drawing along one replay of ``actions`` from ``start``."""
    clock = time.perf_counter
    game = start.copy()
    stepping = drawing = 0.0
    for a in actions:
        if game.ended:
            game = start.copy()
        t0 = clock()
        game.step(game.actions[a % len(game.actions)])
        t1 = clock()
        if draw is not None:
            draw(game, 8)
        t2 = clock()
        stepping += t1 - t0
        drawing += t2 - t1
    return stepping, drawing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--against", default="HEAD", help="git revision whose renderer is the baseline")
    parser.add_argument("--games", default="", help="comma-separated shared GVGAI games (default: all)")
    parser.add_argument("--steps", type=int, default=200, help="steps per replay")
    parser.add_argument("--rounds", type=int, default=5, help="replays per renderer; the best is kept")
    args = parser.parse_args()
    gvgai = shared_gvgai_dir()
    if gvgai is None:
        sys.exit("render_speed: ../shared/gvgai is not present beside this checkout")
    games_dir = gvgai / "games"
    names = args.games.split(",") if args.games else sorted(
        p.stem for p in games_dir.glob("*.txt") if "_lvl" not in p.stem)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        baseline = renderer_of(args.against, Path(tmp))
        print(f"{'game':18s}{'step us':>9}{'base us':>9}{'new us':>9}{'base cost':>10}{'new cost':>9}{'new/base':>9}")
        for name in names:
            start = vgdl.load_game(games_dir / f"{name}.txt", games_dir / f"{name}_lvl0.txt", seed=0)
            rng = JavaRandom(7)
            actions = [rng.next_int(64) for _ in range(args.steps)]
            best = {"step": float("inf"), "base": float("inf"), "new": float("inf")}
            for _ in range(args.rounds):
                for key, draw in (("base", baseline.render), ("new", current.render), ("step", None)):
                    stepping, drawing = play(start, actions, draw)
                    best["step"] = min(best["step"], stepping)
                    if draw is not None:
                        best[key] = min(best[key], drawing)
            n = args.steps
            row = (best["base"] / best["step"], best["new"] / best["step"], best["new"] / best["base"])
            rows.append(row)
            print(f"{name:18s}{1e6 * best['step'] / n:>9.1f}{1e6 * best['base'] / n:>9.1f}{1e6 * best['new'] / n:>9.1f}"
                  f"{100 * row[0]:>9.0f}%{100 * row[1]:>8.0f}%{row[2]:>9.2f}", flush=True)
    print(f"median pixel cost over a bare step: {args.against} {100 * statistics.median(r[0] for r in rows):.0f}%, "
          f"this tree {100 * statistics.median(r[1] for r in rows):.0f}%; "
          f"median render time this tree / {args.against}: {statistics.median(r[2] for r in rows):.2f} "
          f"({len(rows)} games, {args.steps} steps, best of {args.rounds})")
    print("goal (issue 13): pixel cost <= 30%")


if __name__ == "__main__":
    main()
