"""The ``vgdl`` command: ``vgdl demo`` (seeded random play) and ``vgdl conformance`` (GVGAI traces).

Kept on :mod:`argparse` so the engine runs without the harness extras.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from vgdl.errors import VGDLError
from vgdl.loading import load_game
from vgdl.png import save_png
from vgdl.rng import JavaRandom

REPO_GAMES = Path(__file__).resolve().parent.parent / "games"


def find_games(root: Path) -> list[Path]:
    """Game folders under ``root`` (each holds ``game.txt`` and ``level0.txt`` ...)."""
    return sorted(p.parent for p in root.glob("*/game.txt"))


def demo(args: argparse.Namespace) -> int:
    """Play seeded random actions on every game's level 0; print outcomes and save final frames."""
    games = [Path(g) for g in args.game] if args.game else find_games(Path(args.games_dir))
    if not games:
        print(f"no games found under {args.games_dir}", file=sys.stderr)
        return 2
    out = Path(args.out)
    print(f"{'game':<22} {'steps':>6} {'score':>7} {'winner':>7} {'steps/s':>9}  frame")
    for folder in games:
        try:
            game = load_game(folder / "game.txt", folder / f"level{args.level}.txt", seed=args.seed)
        except VGDLError as exc:
            print(f"{folder.name:<22} error: {exc}")
            continue
        rng = JavaRandom(args.seed)
        actions = game.actions
        t0 = time.perf_counter()
        while not game.ended and game.tick < args.steps:
            game.step(actions[rng.next_int(len(actions))])
        rate = game.tick / max(time.perf_counter() - t0, 1e-9)
        frame = save_png(out / f"{folder.name}.png", game.render_rgb(args.tile_size))
        print(f"{folder.name:<22} {game.tick:>6} {game.score:>7g} {game.winner or '-':>7} {rate:>9.0f}  {frame}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vgdl", description="VGDL testbed engine tools")
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("demo", help="play seeded random actions on the games in games/")
    d.add_argument("--games-dir", default=str(REPO_GAMES))
    d.add_argument("--game", action="append", help="a game folder (repeatable); default: all")
    d.add_argument("--level", type=int, default=0)
    d.add_argument("--seed", type=int, default=0)
    d.add_argument("--steps", type=int, default=500)
    d.add_argument("--tile-size", type=int, default=16)
    d.add_argument("--out", default="runs/demo")
    d.set_defaults(func=demo)
    c = sub.add_parser("conformance", help="replay GVGAI's traces (see python -m vgdl.conformance -h)")
    c.add_argument("rest", nargs=argparse.REMAINDER)
    c.set_defaults(func=lambda a: __import__("vgdl.conformance").conformance.main(a.rest))
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
