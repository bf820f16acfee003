"""The ``vgdl`` command: ``demo`` (seeded random play), ``play`` and ``replay`` (human play), ``conformance``.

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


def play(args: argparse.Namespace) -> int:
    """Open a window and play a game with the keyboard."""
    from vgdl.play import HumanPlay

    session = HumanPlay(args.game, level=args.level, seed=args.seed, tile_size=args.tile_size, out_dir=args.out,
                        fps=args.fps)
    for path in session.run():
        print(f"saved {path}")
    return 0


def replay_cmd(args: argparse.Namespace) -> int:
    """Replay a saved trajectory exactly; optionally export an animated GIF."""
    from vgdl.play import Trajectory, replay

    game = replay(Trajectory.load(args.file), tile_size=args.tile_size, gif=args.gif)
    print(f"replayed {len(Trajectory.load(args.file).actions)} actions: {game.winner or 'no winner'}, "
          f"score {game.score:g}, tick {game.tick}" + (f"; wrote {args.gif}" if args.gif else ""))
    return 0


def render_cmd(args: argparse.Namespace) -> int:
    """Save a PNG of a game's level (before any move)."""
    from vgdl.play import resolve_game

    game_file, level_file = resolve_game(args.game, args.level)
    game = load_game(game_file, level_file, seed=args.seed)
    print(f"wrote {save_png(args.out, game.render_rgb(args.tile_size))}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vgdl", description="VGDL testbed engine tools")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("play", help="play a game in a window (arrows, space = USE, R restarts, Esc quits)")
    p.add_argument("game", help="a game name in games/ (e.g. coin_dash), a game folder, or a GVGAI game file")
    p.add_argument("--level", type=int, default=0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--tile-size", type=int, default=24)
    p.add_argument("--fps", type=float, default=None, help="real-time play at this rate (default: a tick per key)")
    p.add_argument("--out", default="runs/play", help="where trajectories are saved")
    p.set_defaults(func=play)
    r = sub.add_parser("replay", help="replay a saved trajectory exactly (and export a GIF)")
    r.add_argument("file")
    r.add_argument("--gif", default=None, help="write an animated GIF here")
    r.add_argument("--tile-size", type=int, default=16)
    r.set_defaults(func=replay_cmd)
    chk = sub.add_parser("check-games", help="check the game suite: manifest, solutions win, idling loses")
    chk.add_argument("games", nargs="*", type=Path,
                     help="game folders (default: all in the manifest; others are read with their card.toml)")
    chk.set_defaults(func=lambda a: __import__("vgdl.suite").suite.check_games(a.games))
    png = sub.add_parser("render", help="save a PNG picture of a level")
    png.add_argument("game")
    png.add_argument("--level", type=int, default=0)
    png.add_argument("--seed", type=int, default=0)
    png.add_argument("--tile-size", type=int, default=24)
    png.add_argument("--out", default="level.png")
    png.set_defaults(func=render_cmd)
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
