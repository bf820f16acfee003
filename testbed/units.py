"""A tournament unit: one agent spec on one game (and variant) with one seed and one budget.

Why units: a study is thousands of independent units; each is seeded, runs in any worker on any
machine, and produces one self-contained result (a plain dict) that the driver stores in one
transaction. The same unit gives the same result whatever the backend, worker count or order.

Online agents (random, EMPA-like) play under :func:`agents.runner.run_protocol` with ``budget``
steps per level. Neural agents train under the protocol's shared progress for ``budget`` env
steps; their levels won and steps per level come from that same record (as EMPA's paper counted
DDQN's experience), with the learning curve beside it.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import signal
import time
import traceback
from dataclasses import asdict, dataclass
from typing import Any

from agents.registry import NEURAL, ONLINE, AgentSpec
from testbed.games import GameRef, env_id

#: base-36 digits: an attempt's actions stored as one character per action index
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Unit:
    agent: str  # canonical spec text
    agent_base: str
    kind: str
    config: dict[str, Any]
    config_hash: str
    game: GameRef
    game_hash: str
    variant: str  # "" for the plain game
    seed: int
    budget: int
    budget_unit: str  # "steps_per_level" (online) or "env_steps" (neural)

    @property
    def key(self) -> str:
        """Unique over agent spec + config hash, game + files hash, variant, seed and budget."""
        text = "|".join([self.agent, self.config_hash, self.game.name, self.game_hash, self.variant,
                         str(self.seed), str(self.budget), self.budget_unit])
        return hashlib.sha256(text.encode()).hexdigest()[:24]

    def label(self) -> str:
        variant = f"[{self.variant}]" if self.variant else ""
        return f"{self.agent} on {self.game.name}{variant} seed {self.seed}"

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["game"] = asdict(self.game)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Unit:
        data = dict(data)
        game = dict(data.pop("game"))
        game["level_files"] = tuple(game["level_files"])
        game["broken_priors"] = tuple(game["broken_priors"])
        return cls(game=GameRef(**game), **data)


@dataclass(frozen=True)
class Execution:
    """How units run, never what they are: not part of a unit's key.

    ``timeout``: wall seconds a unit may take (past it the unit is stored as failed).
    ``torch_device``: where neural agents train (``cpu``, ``cuda``, ``cuda:1``). A GPU gives the
    same algorithm, not the same floating-point trajectory, so each neural result records it.
    """

    timeout: float | None = None
    torch_device: str = "cpu"


def make_units(specs: list[AgentSpec], games: list[GameRef], variants: list[str], seeds: list[int],
               budget: int, neural_budget: int) -> list[Unit]:
    """Every combination, ordered seed-major so that a stopped study has whole seeds done first."""
    from agents.registry import for_game, needs_game

    hashes = {g.name + g.game_file: g.files_hash for g in games}
    broken = {g.name + g.game_file: audited_broken(g) for g in games} if any(map(needs_game, specs)) else {}
    units = []
    for seed in seeds:
        for generic in specs:
            neural = generic.kind == NEURAL
            for game in games:
                spec = for_game(generic, broken[game.name + game.game_file]) if needs_game(generic) else generic
                for variant in variants:
                    units.append(Unit(spec.name, spec.base, spec.kind, spec.config, spec.config_hash, game,
                                      hashes[game.name + game.game_file], variant, seed,
                                      neural_budget if neural else budget,
                                      "env_steps" if neural else "steps_per_level"))
    return units


def audited_broken(game: GameRef) -> list[str]:
    """The game-side priors the static audit finds false in ``game`` (what ``-broken`` switches off)."""
    from testbed.audit import audit_game

    return sorted(p for p, v in audit_game(game.game_file, game.level_files).items() if v["holds"] is False)


def encode_actions(actions: list[int]) -> str:
    return "".join(_DIGITS[a] for a in actions)


def decode_actions(text: str) -> list[int]:
    return [_DIGITS.index(c) for c in text]


def _env_kwargs(unit: Unit) -> dict[str, Any]:
    return {"variant": unit.variant, "variant_seed": unit.seed} if unit.variant else {}


def _versions() -> dict[str, str]:
    import numpy

    out = {"python": platform.python_version(), "numpy": numpy.__version__}
    try:
        from importlib.metadata import version

        out["vgdl-testbed"] = version("vgdl-testbed")
    except Exception:  # noqa: BLE001  (not installed as a package: fine)
        pass
    return out


def _run_online(unit: Unit, execution: Execution) -> dict[str, Any]:
    from agents.registry import AgentSpec, make
    from agents.runner import run_protocol

    agent = make(AgentSpec(unit.agent, unit.agent_base, unit.kind, unit.config), seed=unit.seed)  # its own config
    kwargs = {**_env_kwargs(unit), **(agent.env_kwargs() if hasattr(agent, "env_kwargs") else {})}
    result = run_protocol(agent, env_id(unit.game), budget_per_level=unit.budget, seed=unit.seed,
                          env_kwargs=kwargs, record_trajectories=True)
    decisions = [[d.level, round(d.seconds, 6), d.nodes, d.objects, d.cells]
                 for d in getattr(agent, "decisions", [])]
    trajectories, attempt_of = [], {}
    for t in result.trajectories:
        k = attempt_of[t["level"]] = attempt_of.get(t["level"], 0) + 1
        trajectories.append([t["level"], k, t["game_seed"], encode_actions(t["actions"]), t["winner"]])
    return {"levels": [{"level": r.level, "won": bool(r.won), "steps": r.steps, "attempts": r.attempts,
                        "score": float(r.score), "cpu_seconds": round(r.cpu_seconds, 4)} for r in result.levels],
            "n_levels": result.n_levels, "decisions": decisions, "trajectories": trajectories, "curve": []}


def _run_neural(unit: Unit, execution: Execution) -> dict[str, Any]:
    import torch

    from agents.registry import make

    torch.set_num_threads(1)
    learner = make(unit.agent, seed=unit.seed)
    out = learner.train(env_id(unit.game), unit.budget, env_kwargs=_env_kwargs(unit), device=execution.torch_device)
    proto = out["protocol"]
    levels = [{"level": lv["level"], "won": bool(lv["won"]), "steps": lv["steps"], "attempts": lv["attempts"],
               "score": float(lv["score"]), "cpu_seconds": None} for lv in proto["levels"]]
    curve = [[c["step"], c["return"], c["length"], c["level"], c["won"]] for c in out["curve"]]
    return {"levels": levels, "n_levels": proto["n_levels"], "decisions": [], "trajectories": [], "curve": curve,
            "extra": {"steps_per_second": out["steps_per_second"], "env_time_share": out["env_time_share"],
                      "torch_device": execution.torch_device, "torch": torch.__version__}}


RUNNERS = {ONLINE: _run_online, NEURAL: _run_neural}


class UnitTimeout(Exception):
    """The unit ran past the tournament's ``--unit-timeout``."""


def _on_alarm(signum: int, frame: Any) -> None:
    raise UnitTimeout("the unit ran past its time limit (testbed run --unit-timeout)")


def execute(unit_data: dict[str, Any], execution: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run one unit (given as ``Unit.to_dict()``, so any process or machine can run it); never raises.

    Returns the result record: status ``done`` with the per-level outcomes, or ``failed`` with
    the traceback. CPU and wall seconds cover the whole unit (training included). ``execution``
    (an :class:`Execution` as a dict) says how: its timeout stops a unit that runs too long, as a
    failure (``--retry-failed`` with a larger one runs it again).
    """
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    unit = Unit.from_dict(unit_data)
    how = Execution(**(execution or {}))
    timeout = how.timeout
    started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    wall0, cpu0 = time.perf_counter(), time.process_time()
    record: dict[str, Any] = {"key": unit.key, "started_at": started, "host": platform.node(),
                              "versions": _versions()}
    alarm = bool(timeout) and hasattr(signal, "SIGALRM")
    if alarm:
        previous = signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, float(timeout))  # type: ignore[arg-type]
    try:
        if unit.kind not in RUNNERS:
            raise ValueError(f"agent {unit.agent!r} ({unit.kind}) cannot be run by the tournament")
        record.update(RUNNERS[unit.kind](unit, how))
        record["status"] = "done"
    except Exception:  # noqa: BLE001  (stored as a failed unit; the tournament goes on)
        record.update(status="failed", error=traceback.format_exc(), levels=[], n_levels=0, decisions=[],
                      trajectories=[], curve=[])
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    record["cpu_seconds"] = round(time.process_time() - cpu0, 3)
    record["wall_seconds"] = round(time.perf_counter() - wall0, 3)
    record["finished_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    json.dumps(record)  # a result must be plain JSON (it crosses processes, machines and exports)
    return record
