"""Engine speed on every shared GVGAI game: steps/s with object and pixel observations, copy()+step/s.

Each figure is the best of several timed rounds (the machines are shared and noisy). Baselines
measured in the same run:
  * "scan": the same engine with its collision index, cover sets and contact cache turned off (every pair
    effect compares every sprite of one side with every sprite of the other);
  * "deepcopy": copy.deepcopy of the game instead of the copy-on-write copy();
  * "ref-render": the plain sprite-by-sprite renderer instead of the cached cell renderer;
  * "--against REV" (default HEAD): the engine (``vgdl/``) of another git revision, unpacked to a
    temporary directory and imported in this process as ``vgdl_baseline``; on each game the two
    engines are timed through the public API in alternating rounds (best of each kept), so a
    change to the engine is a speed ratio measured in one run, with both sides under the same load.
Usage:
    python benchmarks/engine_speed.py [--games aliens,sokoban] [--seconds 0.2] [--against HEAD~1] [--json out.json]
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy: idle BLAS threads skew timings

import argparse  # noqa: E402
import copy  # noqa: E402
import importlib  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from types import ModuleType  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import vgdl  # noqa: E402
from vgdl.conformance import shared_gvgai_dir  # noqa: E402
from vgdl.game import Game  # noqa: E402
from vgdl.render import render_reference  # noqa: E402
from vgdl.rng import JavaRandom  # noqa: E402

GVGAI_REFERENCE = "GVGAI Java (issue #2, same kind of machine): aliens 15k-32k steps/s, sokoban 74k-78k, " \
    "boulderdash 5k-7k; copies 2.5k-12.6k/s. py-vgdl 1.0: aliens ~4k, boulderdash ~0.3k."


def scanning_game() -> type[Game]:
    """The engine without its collision index or contact cache: the in-run baseline.

    (Built on demand: the engine of an older revision, timed with ``--against``, has no
    ``vgdl.collisions`` and is only timed through the public API.)
    """
    from vgdl.collisions import CollisionIndex

    class ScanningIndex(CollisionIndex):
        use_contact_cache = False

        def cover(self, store, types, signature):  # type: ignore[no-untyped-def]
            return None

        def near(self, store, types, x, y, sid_limit):  # type: ignore[no-untyped-def]
            bs = self.block_size
            out = []
            for t in types:
                for s in store.group(t).values():
                    if -bs < s.x - x < bs and -bs < s.y - y < bs and s.sid < sid_limit:
                        out.append(s)
            return out

    class ScanningGame(Game):
        collision_index = ScanningIndex

    return ScanningGame


def rate(fn, seconds: float, rounds: int = 3) -> float:  # type: ignore[no-untyped-def]
    """Best-of-``rounds`` calls per second of ``fn`` (each round runs for about ``seconds``)."""
    best = 0.0
    for _ in range(rounds):
        n = 0
        start = time.perf_counter()
        deadline = start + seconds
        while True:
            fn()
            n += 1
            if n % 16 == 0 and time.perf_counter() >= deadline:
                break
        best = max(best, n / (time.perf_counter() - start))
    return best


class Player:
    """Seeded random play that restarts from the level's start state when an episode ends."""

    def __init__(self, start: Game, observe=None) -> None:  # type: ignore[no-untyped-def]
        self.start = start
        self.game = start.copy()
        self.rng = JavaRandom(7)
        self.observe = observe

    def __call__(self) -> None:
        if self.game.ended:
            self.game = self.start.copy()
        g = self.game
        g.step(g.actions[self.rng.next_int(len(g.actions))])
        if self.observe is not None:
            self.observe(g)


def mid_game(start: Game) -> tuple[Game, JavaRandom]:
    """A copy of the level five seeded random steps in (copies are timed from there) and its generator."""
    mid = start.copy()
    rng = JavaRandom(3)
    for _ in range(5):
        mid.step(mid.actions[rng.next_int(len(mid.actions))])
    return mid, rng


def public_rates(engine: ModuleType, game_file: Path, level_file: Path, seconds: float) -> dict[str, float]:
    """One round of step, copy()+step, object-table and pixel rates through the public API (any revision has it)."""
    start = engine.load_game(game_file, level_file, seed=0)
    row = {"step": rate(Player(start), seconds, rounds=1),
           "table": rate(Player(start, lambda g: g.object_table()), seconds, rounds=1),
           "pixels": rate(Player(start, lambda g: g.render_rgb(8)), seconds, rounds=1)}
    mid, rng = mid_game(start)
    actions = mid.actions
    row["copy_step"] = rate(lambda: mid.copy().step(actions[rng.next_int(len(actions))]), seconds, rounds=1)
    return row


def engine_of(rev: str, tmp: Path) -> ModuleType:
    """Revision ``rev``'s engine, imported beside this tree's as the package ``vgdl_baseline``.

    Its modules name each other through the new package name (their import lines are rewritten),
    so both engines live in one process; its ``games/`` comes along for what the package reads there."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "vgdl", "games"], capture_output=True,
                             check=True)
    subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive.stdout, check=True)
    package = tmp / "vgdl_baseline"
    (tmp / "vgdl").rename(package)
    for path in package.rglob("*.py"):
        text = re.sub(r"\bvgdl\.", "vgdl_baseline.", path.read_text())
        text = re.sub(r"^(\s*)from vgdl import", r"\1from vgdl_baseline import", text, flags=re.M)
        text = re.sub(r"^(\s*)import vgdl$", r"\1import vgdl_baseline as vgdl", text, flags=re.M)
        path.write_text(text)
    sys.path.insert(0, str(tmp))
    return importlib.import_module("vgdl_baseline")


def paired_rates(baseline: ModuleType, game_file: Path, level_file: Path, seconds: float,
                 rounds: int = 3) -> tuple[dict[str, float], dict[str, float]]:
    """Public-API rates of this tree's engine and the baseline's, in alternating rounds (best of each)."""
    ours: dict[str, float] = {}
    theirs: dict[str, float] = {}
    for _ in range(rounds):
        for engine, best in ((vgdl, ours), (baseline, theirs)):
            for key, value in public_rates(engine, game_file, level_file, seconds).items():
                best[key] = max(best.get(key, 0.0), value)
    return ours, theirs


def bench_game(game_file: Path, level_file: Path, seconds: float) -> dict[str, float]:
    start = vgdl.load_game(game_file, level_file, seed=0)
    scan_start = scanning_game()(start.rules, start.level_rows, seed=0, level_name=start.level_name)
    row = {
        "sprites": sum(1 for _ in start.sprites()),
        "step": rate(Player(start), seconds),
        "objects": rate(Player(start, Game.objects), seconds, rounds=1),
        "table": rate(Player(start, Game.object_table), seconds),
        "pixels": rate(Player(start, lambda g: g.render_rgb(8)), seconds),
        "ref_pixels": rate(Player(start, lambda g: render_reference(g, 8)), seconds, rounds=1),
        "scan_step": rate(Player(scan_start), seconds, rounds=1),
    }
    mid, rng = mid_game(start)
    actions = mid.actions
    row["copy_step"] = rate(lambda: mid.copy().step(actions[rng.next_int(len(actions))]), seconds)
    # the rules and the lineage-wide caches are shared by copies: share them with the deep copies too
    memo_rules = {id(mid.rules): mid.rules, id(mid.collisions): mid.collisions,
                  id(mid.view.cache): mid.view.cache, id(mid.store.stamps): mid.store.stamps}
    row["deepcopy_step"] = rate(
        lambda: copy.deepcopy(mid, dict(memo_rules)).step(actions[rng.next_int(len(actions))]), seconds, rounds=1)
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", help="comma-separated game names (default: all shared games)")
    parser.add_argument("--seconds", type=float, default=0.2, help="length of one timed round")
    parser.add_argument("--json", type=Path, default=Path("benchmarks/out/engine_speed.json"))
    parser.add_argument("--against", default="HEAD", help="git revision whose engine is timed beside this one "
                        "('' to skip)")
    args = parser.parse_args(argv)
    gvgai = shared_gvgai_dir()
    if gvgai is None:
        print("needs ../shared/gvgai (the GVGAI games) beside the checkout", file=sys.stderr)
        return 2
    index = json.loads((gvgai / "index.json").read_text())["games"]
    wanted = set(args.games.split(",")) if args.games else None
    rows = {}
    header = (f"{'game':<18}{'sprites':>8}{'step/s':>9}{'table/s':>9}{'dicts/s':>9}{'pix/s':>9}{'copy+st/s':>11}"
              f"{'pix cost':>9}{'vs scan':>8}{'vs deepcp':>10}{'vs refpix':>10}")
    print(header)
    for entry in index:
        if wanted and entry["name"] not in wanted:
            continue
        r = bench_game(gvgai / entry["game_file"], gvgai / entry["level_files"][0], args.seconds)
        r["pixel_cost"] = r["step"] / r["pixels"] - 1  # extra time per step to render 8 px frames
        r["pixel_vs_table"] = r["table"] / r["pixels"] - 1  # pixels against the array object observation
        rows[entry["name"]] = r
        print(f"{entry['name']:<18}{r['sprites']:>8}{r['step']:>9.0f}{r['table']:>9.0f}{r['objects']:>9.0f}"
              f"{r['pixels']:>9.0f}"
              f"{r['copy_step']:>11.0f}{100 * r['pixel_cost']:>8.0f}%{r['step'] / r['scan_step']:>7.1f}x"
              f"{r['copy_step'] / r['deepcopy_step']:>9.1f}x{r['pixels'] / r['ref_pixels']:>9.1f}x", flush=True)
    if not rows:
        return 1
    med = {k: statistics.median(r[k] for r in rows.values()) for k in next(iter(rows.values()))}
    print(f"{'MEDIAN':<18}{med['sprites']:>8.0f}{med['step']:>9.0f}{med['table']:>9.0f}{med['objects']:>9.0f}"
          f"{med['pixels']:>9.0f}"
          f"{med['copy_step']:>11.0f}{100 * med['pixel_cost']:>8.0f}%")
    ratios = {
        "step_vs_scan": statistics.median(r["step"] / r["scan_step"] for r in rows.values()),
        "copy_step_vs_deepcopy": statistics.median(r["copy_step"] / r["deepcopy_step"] for r in rows.values()),
        "pixels_vs_reference_renderer": statistics.median(r["pixels"] / r["ref_pixels"] for r in rows.values()),
    }
    print(f"median pixel cost: {100 * med['pixel_cost']:.0f}% over a bare step, "
          f"{100 * med['pixel_vs_table']:.0f}% over a step with the object-table observation")
    print("median speed-ups against the in-run baselines: "
          + ", ".join(f"{k} {v:.1f}x" for k, v in ratios.items()))
    previous = {}
    if args.against:
        paired = {}
        with tempfile.TemporaryDirectory() as tmp:
            baseline = engine_of(args.against, Path(tmp))
            for entry in index:
                if entry["name"] in rows:
                    paired[entry["name"]] = paired_rates(baseline, gvgai / entry["game_file"],
                                                         gvgai / entry["level_files"][0], args.seconds)
        previous = {g: theirs for g, (_, theirs) in paired.items()}
        for key, label in (("step", "step"), ("copy_step", "copy()+step"), ("table", "step+object table"),
                           ("pixels", "step+pixels")):
            ratio = statistics.median(ours[key] / theirs[key] for ours, theirs in paired.values())
            ratios[f"{key}_vs_{args.against}"] = ratio
            print(f"median {label}/s against the engine of {args.against}, timed in alternating rounds: "
                  f"{ratio:.2f}x ({statistics.median(t[key] for _, t in paired.values()):.0f}/s there)")
    print("goals (one core): median step/s >= 25000, copy()+step/s >= 25000, pixel cost <= 30%")
    print("reference figures, not measured here: " + GVGAI_REFERENCE)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"median": med, "ratios": ratios, "games": rows, "previous": previous,
                                     "against": args.against}, indent=1))
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
