"""Replay GVGAI's recorded traces through our engine and compare, step by step.

The traces in ``../shared/gvgai/traces`` were recorded from the GVGAI Java
engine (format ``gvgai-trace-v1``, documented in ``../shared/gvgai/README.md``).
For each step we compare score, ended, winner, tick, the avatar's cell and
orientation, and every sprite type's count and cell positions. Deterministic
games must match exactly; for stochastic games our generator follows Java's, so
many match exactly too, and we also compare outcome distributions over seeds.

Run ``python -m vgdl.conformance`` for the table (``--help`` for options).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

DEFAULT_SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "gvgai"


def shared_gvgai_dir() -> Path | None:
    """The shared GVGAI folder (``$VGDL_SHARED_GVGAI`` or ``../shared/gvgai``), or None when absent."""
    import os

    env = os.environ.get("VGDL_SHARED_GVGAI")
    path = Path(env) if env else DEFAULT_SHARED
    return path if (path / "index.json").is_file() else None


@dataclass
class Trace:
    """One recorded GVGAI run: the game, level, actions and the state after each tick."""

    path: Path
    data: dict[str, Any]

    @classmethod
    def load(cls, path: str | Path) -> Trace:
        path = Path(path)
        return cls(path, json.loads(path.read_text()))

    @property
    def game(self) -> str:
        return self.data["game"]

    @property
    def level(self) -> int:
        return int(self.data["level_index"])

    @property
    def actions(self) -> list[str]:
        return list(self.data["actions"][: self.data["n_steps_run"]])

    def states(self) -> Iterator[dict[str, Any]]:
        """Full states: the initial one, then one per step (delta encoding undone).

        Sprite positions come as ``{type: sorted tuple of (x, y) cells}``.
        """
        state = dict(self.data["initial"])
        state["sprites"] = {k: _norm_cells(v) for k, v in state["sprites"].items()}
        yield state
        for delta in self.data["steps"]:
            state = dict(state)
            state["sprites"] = dict(state["sprites"])
            for key, value in delta.items():
                if key == "sprites":
                    state["sprites"].update({k: _norm_cells(v) for k, v in value.items()})
                else:
                    state[key] = value
            yield state


def snapshot(game: Any) -> dict[str, Any]:
    """Our engine's state in the trace's terms (cells = pixels / block size, 4 decimals)."""
    bs = game.block_size
    cells: dict[str, list[tuple[float, float]]] = {}
    for s in game.sprites():
        if not s.disabled:
            cells.setdefault(s.kind.name, []).append((_cell(s.x, bs), _cell(s.y, bs)))
    sprites = {name: tuple(sorted(v, key=_row_major)) for name, v in cells.items()}
    avatar = game.avatar_state()
    return {
        "score": game.raw_score,
        "ended": game.ended,
        "winner": game.winner or "NONE",
        "game_tick": game.tick - 1,
        "block_size": bs,
        "avatar": avatar,
        "sprites": sprites,
    }


def _cell(px: int, bs: int) -> float:
    """Pixels to cells, rounded half-up to 4 decimals as the trace recorder (Java) does."""
    if px % bs == 0:
        return px // bs
    v = float((Decimal(px) / Decimal(bs)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))
    return int(v) if v == int(v) else v


def _row_major(c: tuple[float, float]) -> tuple[float, float]:
    return (c[1], c[0])


def _norm_cells(cells: list[list[float]]) -> tuple[tuple[float, float], ...]:
    return tuple(sorted(((round(float(x), 4), round(float(y), 4)) for x, y in cells), key=_row_major))


def compare(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """Differences between a trace state and our snapshot, as readable strings (empty = match)."""
    diffs = []
    for key in ("score", "ended", "winner", "game_tick"):
        if expected.get(key) != actual.get(key) and not (
            key == "score" and float(expected[key]) == float(actual[key])
        ):
            diffs.append(f"{key}: expected {expected.get(key)!r}, got {actual.get(key)!r}")
    exp_av, act_av = expected.get("avatar"), actual.get("avatar")
    if exp_av and not exp_av.get("disabled"):
        if act_av is None:
            diffs.append("avatar: expected one, got none")
        else:
            for key in ("type", "gx", "gy", "orientation"):
                e, a = exp_av.get(key), act_av.get(key)
                if key in ("gx", "gy"):
                    e, a = round(float(e), 4), _cell(act_av["x" if key == "gx" else "y"], actual["block_size"])
                if key == "orientation":
                    e, a = [float(v) for v in e], [float(v) for v in a]
                if e != a:
                    diffs.append(f"avatar.{key}: expected {e!r}, got {a!r}")
    exp_sprites: dict[str, list] = expected.get("sprites", {})
    act_sprites: dict[str, list] = actual.get("sprites", {})
    for name in sorted(set(exp_sprites) | set(act_sprites)):
        e = exp_sprites.get(name, ())
        a = act_sprites.get(name, ())
        if e != a:
            if len(e) != len(a):
                diffs.append(f"sprites[{name}]: expected {len(e)}, got {len(a)}")
            else:
                first = next(i for i, (x, y) in enumerate(zip(e, a, strict=True)) if x != y)
                diffs.append(f"sprites[{name}]: positions differ, e.g. expected {e[first]}, got {a[first]}")
    return diffs


@dataclass
class TraceResult:
    trace: str
    game: str
    level: int
    deterministic: bool
    steps: int
    matched_steps: int
    first_diff_step: int | None = None
    diffs: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def exact(self) -> bool:
        return self.error is None and self.first_diff_step is None


def replay(trace: Trace, gvgai_dir: Path, deterministic: bool = True, seed: int = 0) -> TraceResult:
    """Replay one trace with our engine and compare every step."""
    import vgdl

    result = TraceResult(trace.path.name, trace.game, trace.level, deterministic, 0, 0)
    try:
        game = vgdl.load_game(gvgai_dir / trace.data["game_file"], gvgai_dir / trace.data["level_file"],
                              seed=seed)
        states = trace.states()
        initial = next(states)
        actions = trace.actions
        result.steps = len(actions) + 1
        expected_steps = [initial, *states]
        for i, exp in enumerate(expected_steps):
            if i > 0:
                game.step(actions[i - 1])
            diffs = compare(exp, snapshot(game))
            if diffs:
                result.first_diff_step = i
                result.diffs = diffs[:6]
                break
            result.matched_steps += 1
    except Exception as exc:  # report, never hide: the table shows the error
        result.error = f"{type(exc).__name__}: {exc}"
    return result


def outcome_distribution(trace: Trace, gvgai_dir: Path, seeds: int = 50) -> dict[str, Any]:
    """Final score and outcome of the trace's actions over many seeds (for stochastic games)."""
    import vgdl

    scores, wins, ends = [], 0, 0
    for seed in range(seeds):
        game = vgdl.load_game(gvgai_dir / trace.data["game_file"], gvgai_dir / trace.data["level_file"],
                              seed=seed)
        for action in trace.data["actions"]:
            if game.ended:
                break
            game.step(action)
        scores.append(game.raw_score)
        wins += game.winner == "WIN"
        ends += game.ended
    res = trace.data["result"]
    lo, hi = min(scores), max(scores)
    return {
        "trace_score": res["score"],
        "trace_ended": res["ended"],
        "mean_score": statistics.fmean(scores),
        "min_score": lo,
        "max_score": hi,
        "score_in_range": lo <= res["score"] <= hi,
        "p_win": wins / seeds,
        "p_ended": ends / seeds,
    }


def run(gvgai_dir: Path, games: list[str] | None = None, distributions: bool = False,
        out=sys.stdout, dist_traces: int = 1, dist_seeds: int = 50) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Replay every trace (or those of ``games``); print a table per game and overall rates."""
    index = json.loads((gvgai_dir / "index.json").read_text())
    rows = []
    all_results: list[TraceResult] = []
    dist_rows = []
    t0 = time.perf_counter()
    for entry in index["games"]:
        if games and entry["name"] not in games:
            continue
        det = bool(entry["deterministic"])
        results = []
        for i, run_info in enumerate(entry["runs"]):
            trace = Trace.load(gvgai_dir / run_info["trace"])
            results.append(replay(trace, gvgai_dir, det))
            if distributions and not det and i < dist_traces:
                dist_rows.append((entry["name"], trace.path.name,
                                  outcome_distribution(trace, gvgai_dir, seeds=dist_seeds)))
        all_results += results
        exact = sum(r.exact for r in results)
        errors = sum(r.error is not None for r in results)
        first_bad = next((r for r in results if not r.exact), None)
        note = ""
        if first_bad is not None:
            note = first_bad.error or f"{first_bad.trace} step {first_bad.first_diff_step}: {first_bad.diffs[0]}"
        rows.append((entry["name"], "det" if det else "stoch", exact, len(results), errors, note))
    width = max((len(r[0]) for r in rows), default=4)
    print(f"{'game':<{width}}  kind   exact  errors  first difference", file=out)
    for name, kind, exact, n, errors, note in rows:
        print(f"{name:<{width}}  {kind:<5} {exact:>3}/{n:<3} {errors:>5}   {note[:110]}", file=out)
    det_results = [r for r in all_results if r.deterministic]
    sto_results = [r for r in all_results if not r.deterministic]
    summary = {
        "traces": len(all_results),
        "deterministic_traces": len(det_results),
        "deterministic_exact": sum(r.exact for r in det_results),
        "stochastic_traces": len(sto_results),
        "stochastic_exact": sum(r.exact for r in sto_results),
        "errors": sum(r.error is not None for r in all_results),
        "seconds": round(time.perf_counter() - t0, 1),
    }
    det_rate = summary["deterministic_exact"] / max(1, summary["deterministic_traces"])
    sto_rate = summary["stochastic_exact"] / max(1, summary["stochastic_traces"])
    print(f"\ndeterministic traces matching on every step: {summary['deterministic_exact']}/"
          f"{summary['deterministic_traces']} ({100 * det_rate:.1f}%)", file=out)
    print(f"stochastic traces matching on every step (same seed, Java-compatible RNG): "
          f"{summary['stochastic_exact']}/{summary['stochastic_traces']} ({100 * sto_rate:.1f}%)", file=out)
    print(f"traces raising an engine error: {summary['errors']}", file=out)
    if dist_rows:
        inside = sum(d["score_in_range"] for _, _, d in dist_rows)
        print(f"\nstochastic games: trace, GVGAI's final score, and ours over {dist_seeds} seeds (same actions)",
              file=out)
        for _name, trace_name, d in dist_rows:
            print(f"  {trace_name:<34} gvgai {d['trace_score']:>6g}   ours mean {d['mean_score']:>7.2f} "
                  f"[{d['min_score']:g}, {d['max_score']:g}]  p(win) {d['p_win']:.2f}  p(end) {d['p_ended']:.2f}",
                  file=out)
        print(f"stochastic traces whose final score lies within our {dist_seeds}-seed range: "
              f"{inside}/{len(dist_rows)}", file=out)
        summary["stochastic_score_in_range"] = inside
        summary["stochastic_distribution_traces"] = len(dist_rows)
    summary["results"] = all_results
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=None, help="path to shared/gvgai")
    parser.add_argument("--game", action="append", help="only these games (repeatable)")
    parser.add_argument("--distributions", action="store_true",
                        help="also compare outcome distributions over seeds for stochastic games")
    parser.add_argument("--dist-traces", type=int, default=1, help="traces per stochastic game for --distributions")
    parser.add_argument("--dist-seeds", type=int, default=50)
    parser.add_argument("--json", type=Path, help="write the summary and per-trace results here")
    args = parser.parse_args(argv)
    gvgai_dir = args.shared or shared_gvgai_dir()
    if gvgai_dir is None or not (gvgai_dir / "index.json").is_file():
        print("shared GVGAI data not found (looked for ../shared/gvgai/index.json); "
              "pass --shared or set VGDL_SHARED_GVGAI", file=sys.stderr)
        return 2
    summary = run(gvgai_dir, args.game, args.distributions, dist_traces=args.dist_traces, dist_seeds=args.dist_seeds)
    if args.json:
        results = summary.pop("results")
        summary["per_trace"] = [r.__dict__ for r in results]
        args.json.write_text(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
