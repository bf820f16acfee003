"""A person's plays as tournament units, and stored attempts back out as replayable trajectories.

``vgdl play`` saves each attempt as a trajectory file (game, level, engine seed, actions, outcome).
Imported, the plays of one game by one player become one unit of agent ``human``, scored the way
the protocol scores agents: per level, the steps and attempts up to the first win (a level never
won counts every step played). Every file is replayed first: a play that does not reproduce its
recorded outcome is refused, naming the file.
"""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from agents.registry import AGENTS, config_hash
from testbed.games import GameRef, select_games
from testbed.units import decode_actions, encode_actions
from vgdl.errors import VGDLError
from vgdl.play import Trajectory, replay


class PlayImportError(ValueError):
    """A play file that cannot be read or does not replay to its recorded outcome."""


def _game_of(traj: Trajectory) -> GameRef:
    """Our game when the file lies in games/<name>/, else the external game's folder."""
    game_file = Path(traj.game_file).resolve()
    from vgdl.suite import GAMES_DIR

    if game_file.parent.parent == GAMES_DIR.resolve():
        return select_games(game_file.parent.name)[0]
    folder = game_file.parent
    for ref in select_games(str(folder)):
        if Path(ref.game_file).resolve() == game_file:
            return ref
    raise PlayImportError(f"{traj.game_file}: not a game of {folder}")


def load_plays(folder: str | Path) -> list[tuple[Path, Trajectory]]:
    """Every trajectory file under ``folder``, replayed and checked, oldest first."""
    files = sorted(Path(folder).rglob("*.json"), key=lambda p: (p.stat().st_mtime, p.name))
    if not files:
        raise PlayImportError(f"no play files (*.json) under {folder}")
    plays = []
    for path in files:
        try:
            traj = Trajectory.load(path)
            replay(traj)
        except (VGDLError, OSError, ValueError, TypeError, KeyError) as exc:
            raise PlayImportError(f"{path}: {exc}") from None
        plays.append((path, traj))
    return plays


def play_records(folder: str | Path, player: str = "human", command: str = "") -> list[dict[str, Any]]:
    """One export record per game played (agent ``human``, config ``{"player": ...}``)."""
    config = {**AGENTS["human"].defaults(), "player": player}
    by_game: dict[str, list[Trajectory]] = defaultdict(list)
    refs: dict[str, GameRef] = {}
    for _, traj in load_plays(folder):
        ref = _game_of(traj)
        refs[ref.name] = ref
        by_game[ref.name].append(traj)
    records = []
    for name, trajs in by_game.items():
        ref = refs[name]
        levels, trajectories = [], []
        for level in range(len(ref.level_files)):
            tries = [t for t in trajs if t.level == level]
            won_at = next((i for i, t in enumerate(tries) if t.winner == "WIN"), None)
            counted = tries if won_at is None else tries[:won_at + 1]
            levels.append({"level": level, "won": won_at is not None, "steps": sum(len(t.actions) for t in counted),
                           "attempts": len(counted), "score": counted[-1].score if counted else 0.0,
                           "cpu_seconds": None})
            for k, t in enumerate(tries, 1):
                trajectories.append([level, k, t.seed, encode_actions(_indices(t)), t.winner])
        ident = "|".join(["human", config_hash(config), name, ref.files_hash])
        records.append({
            "key": hashlib.sha256(ident.encode()).hexdigest()[:24], "agent": f"human:player={player}",
            "agent_base": "human", "kind": "imported", "config": config, "config_hash": config_hash(config),
            "game": name, "game_hash": ref.files_hash, "suite": ref.suite, "split": ref.split, "family": ref.family,
            "broken_priors": list(ref.broken_priors), "variant": "", "seed": 0, "budget": 0, "budget_unit": "play",
            "status": "done", "levels": levels, "n_levels": len(ref.level_files), "cpu_seconds": 0.0,
            "wall_seconds": 0.0, "command": command, "backend": "import", "host": "",
            "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "versions": {}, "curve": [], "decisions": [], "trajectories": trajectories})
    return records


def _indices(traj: Trajectory) -> list[int]:
    from vgdl.loading import load_game

    names = load_game(traj.game_file, traj.level_file, seed=traj.seed).actions
    return [names.index(a) for a in traj.actions]


def trajectory_of(record: dict[str, Any], level: int, attempt: int) -> Trajectory:
    """A stored attempt as a ``vgdl replay`` trajectory file's contents."""
    from vgdl.loading import load_game

    if record.get("variant"):
        raise PlayImportError(f"unit {record['key']} played the {record['variant']!r} variant; `vgdl replay` "
                              f"plays the plain game files")
    row = next((t for t in record.get("trajectories") or [] if t[0] == level and t[1] == attempt), None)
    if row is None:
        have = sorted({(t[0], t[1]) for t in record.get("trajectories") or []})
        raise PlayImportError(f"unit {record['key']} has no attempt {attempt} of level {level}; "
                              f"stored (level, attempt): {have[:20]}{' ...' if len(have) > 20 else ''}")
    ref = next(g for g in select_games(record["suite"] if record["suite"] != "games" else record["game"])
               if g.name == record["game"])
    game = load_game(ref.game_file, ref.level_files[level], seed=row[2])
    actions = [game.actions[i] for i in decode_actions(row[3])]
    for a in actions:
        game.step(a)
    return Trajectory(ref.game_file, ref.level_files[level], level, row[2], actions, game.winner,
                      float(game.score), game.tick)
