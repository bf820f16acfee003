"""One registry of named agent configurations, shared by Python code and the tournament CLI.

A *spec* is a registered name, optionally followed by ``:`` and comma-separated overrides:

- ``-prior`` / ``+prior`` switch one of the EMPA-like agent's priors off / on
  (``empa:-walls_known,-event_log``);
- ``field=value`` sets any config field (``ppo-grid:learning_rate=1e-4``,
  ``empa:exploration=epsilon``); values are read as int, float, true/false/null, else text.

Why: a tournament unit is keyed by the spec's canonical text and a hash of its *full* config, so
two runs of the same spec are the same unit and any change of configuration is a new one. Adding
an agent is one :class:`AgentEntry` in :data:`AGENTS`.

    import agents
    agent = agents.make("empa:-walls_known", seed=0)     # an agents.base.Agent
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ONLINE, NEURAL, IMPORTED = "online", "neural", "imported"


class SpecError(ValueError):
    """An unknown agent, prior or config field in a spec (the message lists the valid names)."""


@dataclass(frozen=True)
class AgentEntry:
    """A named configuration: how to build its default config and its agent."""

    name: str
    kind: str  # ONLINE: plays under run_protocol; NEURAL: trains under the protocol; IMPORTED: plays recorded elsewhere
    description: str
    defaults: Callable[[], dict[str, Any]]
    build: Callable[[dict[str, Any], int], Any] | None = None  # (config, seed) -> agent


@dataclass(frozen=True)
class AgentSpec:
    """A resolved spec: canonical text, registry entry and the full config it stands for."""

    name: str
    base: str
    kind: str
    config: dict[str, Any] = field(hash=False)

    @property
    def config_hash(self) -> str:
        return config_hash(self.config)


def config_hash(config: dict[str, Any]) -> str:
    """A short stable hash of a JSON-able config (keys sorted)."""
    text = json.dumps(config, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def parse_value(text: str) -> Any:
    """A spec override's value: int, float, true/false/null, else the text itself."""
    low = text.strip().lower()
    if low in ("true", "false"):
        return low == "true"
    if low in ("null", "none"):
        return None
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text.strip()


# -- the entries ---------------------------------------------------------------------------------

def _random_defaults() -> dict[str, Any]:
    return {}


def _random_build(config: dict[str, Any], seed: int) -> Any:
    from agents.base import RandomAgent, RandomConfig

    return RandomAgent(RandomConfig(seed=seed, **config))


def _empa_defaults(all_off: bool = False) -> Callable[[], dict[str, Any]]:
    def defaults() -> dict[str, Any]:
        import dataclasses

        from agents.empa.agent import EMPAConfig
        from agents.empa.priors import PRIORS

        cfg = dataclasses.asdict(EMPAConfig())
        cfg.pop("seed")
        cfg["priors_off"] = sorted(PRIORS) if all_off else []
        return cfg

    return defaults


def _empa_build(config: dict[str, Any], seed: int) -> Any:
    from agents.empa.agent import PLANNER_FILE, EMPAAgent, EMPAConfig

    cfg = {k: v for k, v in config.items() if k not in ("planner_constants", "agent_revision")}
    if cfg.get("planner_file") == PLANNER_FILE.name:
        cfg["planner_file"] = str(PLANNER_FILE)
    return EMPAAgent(EMPAConfig(seed=seed, **cfg))


def _neural_defaults(algo: str, input_type: str) -> Callable[[], dict[str, Any]]:
    def defaults() -> dict[str, Any]:
        from agents.neural.train import load_hyperparams

        return {"algo": algo, "input": input_type, "max_episode_steps": 500,
                "hyperparams": load_hyperparams(algo, input_type)}

    return defaults


def _neural_build(config: dict[str, Any], seed: int) -> Any:
    from agents.neural.learner import NeuralLearner

    return NeuralLearner(config, seed)


AGENTS: dict[str, AgentEntry] = {e.name: e for e in (
    AgentEntry("random", ONLINE, "uniformly random actions (the floor)", _random_defaults, _random_build),
    AgentEntry("empa", ONLINE, "EMPA-like theory-based agent, every prior on", _empa_defaults(), _empa_build),
    AgentEntry("empa-noprior", ONLINE, "EMPA-like agent with every prior off (pixels only, nothing privileged)",
               _empa_defaults(all_off=True), _empa_build),
    AgentEntry("ppo-pixels", NEURAL, "PPO (stable-baselines3) on 64x64 frames, frame stack 4",
               _neural_defaults("ppo", "pixels"), _neural_build),
    AgentEntry("ppo-grid", NEURAL, "PPO on the H x W x types count grid (small CNN)",
               _neural_defaults("ppo", "grid"), _neural_build),
    AgentEntry("dqn-pixels", NEURAL, "DQN on 64x64 frames, frame stack 4", _neural_defaults("dqn", "pixels"),
               _neural_build),
    AgentEntry("dqn-grid", NEURAL, "DQN on the count grid (small CNN)", _neural_defaults("dqn", "grid"),
               _neural_build),
    AgentEntry("human", IMPORTED, "a person's plays recorded by `vgdl play` (testbed import-plays)",
               lambda: {"player": "human"}),
)}


#: Pseudo-prior: ``empa:-broken`` switches off, per game, exactly the priors the game breaks (the harness
#: fills them in from the audit, see :func:`for_game`).
BROKEN = "broken"


def _apply(config: dict[str, Any], token: str, base: str) -> None:
    """Apply one override token to ``config`` in place (raises SpecError with the valid names)."""
    if token[0] in "+-":
        if "priors_off" not in config:
            raise SpecError(f"agent {base!r} has no priors; '{token}' does not apply")
        from agents.empa.priors import PRIORS

        prior = token[1:]
        if prior == BROKEN and token[0] == "-":
            config["priors_off"] = sorted(set(config["priors_off"]) | {BROKEN})
            return
        if prior not in PRIORS:
            raise SpecError(f"unknown prior {prior!r}; valid priors: {', '.join(PRIORS)}, or -{BROKEN}")
        off = set(config["priors_off"])
        off.discard(prior) if token[0] == "+" else off.add(prior)
        config["priors_off"] = sorted(off)
        return
    if "=" not in token:
        raise SpecError(f"override {token!r} must be -prior, +prior or field=value")
    key, value = (s.strip() for s in token.split("=", 1))
    hp = config.get("hyperparams")
    if key in config and key not in ("hyperparams", "priors_off"):
        config[key] = parse_value(value)
    elif isinstance(hp, dict) and (key in hp or key in _EXTRA_HYPERPARAMS):
        hp[key] = parse_value(value)
    else:
        valid = sorted(k for k in config if k not in ("hyperparams",)) + sorted(hp or {})
        raise SpecError(f"unknown config field {key!r} for agent {base!r}; valid fields: {', '.join(valid)}")


# hyperparameters SB3 accepts that our blocks do not set (so they may still be overridden)
_EXTRA_HYPERPARAMS = {"target_kl", "normalize_advantage", "tau", "exploration_initial_eps",
                      "optimize_memory_usage", "learning_starts", "n_epochs", "n_steps"}


def parse(spec: str) -> AgentSpec:
    """``"empa:-walls_known"`` -> AgentSpec with the full config (raises SpecError)."""
    text = spec.strip()
    base, _, rest = text.partition(":")
    base = base.strip()
    if base not in AGENTS:
        raise SpecError(f"unknown agent {base!r}; valid agents: {', '.join(AGENTS)}")
    entry = AGENTS[base]
    config = entry.defaults()
    tokens = [t.strip() for t in rest.split(",") if t.strip()]
    for token in tokens:
        _apply(config, token, base)
    _planner_constants(config)
    return AgentSpec(canonical(base, tokens), base, entry.kind, config)


def _planner_constants(config: dict[str, Any]) -> None:
    if "planner_file" in config:
        # the planner constants in force are part of the config (a retuned planner.yml is a new unit)
        from agents.empa.agent import PLANNER_FILE, EMPAAgent, EMPAConfig

        off = [p for p in config["priors_off"] if p != BROKEN]
        path = str(PLANNER_FILE) if config["planner_file"] == PLANNER_FILE.name else config["planner_file"]
        config["planner_constants"] = EMPAConfig(priors_off=off, planner_file=path).constants()
        # so is the code's revision: results of an agent that now acts differently are new units
        config["agent_revision"] = EMPAAgent.REVISION
        if Path(config["planner_file"]) == PLANNER_FILE:
            config["planner_file"] = PLANNER_FILE.name  # not the checkout's absolute path (stores merge)


def needs_game(spec: AgentSpec) -> bool:
    """Does the spec name the game-dependent pseudo-prior ``-broken``?"""
    return BROKEN in spec.config.get("priors_off", ())


def for_game(spec: AgentSpec, broken: list[str] | tuple[str, ...]) -> AgentSpec:
    """The spec with ``-broken`` replaced by the given game's broken priors (same name, its own config)."""
    if not needs_game(spec):
        return spec
    config = dict(spec.config)
    config["priors_off"] = sorted((set(config["priors_off"]) - {BROKEN}) | set(broken))
    _planner_constants(config)
    return AgentSpec(spec.name, spec.base, spec.kind, config)


def canonical(base: str, tokens: list[str]) -> str:
    """One text per spec: overrides sorted and de-duplicated (the last ``key=`` of a field wins)."""
    if not tokens:
        return base
    last: dict[str, str] = {}
    for t in tokens:
        key = t[1:] if t[0] in "+-" else t.split("=", 1)[0].strip()
        last[key] = t if t[0] in "+-" else f"{key}={t.split('=', 1)[1].strip()}"
    return f"{base}:{','.join(sorted(last.values(), key=lambda s: s.lstrip('+-')))}"


def make(spec: str | AgentSpec, seed: int = 0) -> Any:
    """Build the agent a spec names: an ``agents.base.Agent`` (neural specs: a trainable learner)."""
    resolved = parse(spec) if isinstance(spec, str) else spec
    entry = AGENTS[resolved.base]
    if entry.build is None:
        raise SpecError(f"agent {resolved.base!r} is not built here: {entry.description}")
    return entry.build(dict(resolved.config), seed)
