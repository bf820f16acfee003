"""The agent registry: spec parsing, canonical names, config hashes and clear errors."""

from __future__ import annotations

import pytest

import agents
from agents.base import RandomAgent
from agents.empa import EMPAAgent
from agents.empa.priors import PRIORS
from agents.registry import AGENTS, SpecError, parse


def test_every_registered_agent_parses_with_a_full_config() -> None:
    for name, entry in AGENTS.items():
        spec = parse(name)
        assert spec.name == name and spec.kind == entry.kind and isinstance(spec.config, dict)
        assert len(spec.config_hash) == 16


def test_prior_overrides_are_canonical_and_change_the_hash() -> None:
    a = parse("empa:-walls_known,-event_log")
    b = parse("empa: -event_log , -walls_known")
    assert a.name == b.name == "empa:-event_log,-walls_known"
    assert a.config_hash == b.config_hash
    assert a.config["priors_off"] == ["event_log", "walls_known"]
    assert a.config_hash != parse("empa").config_hash
    assert parse("empa-noprior").config["priors_off"] == sorted(PRIORS)
    assert parse("empa-noprior:+object_state").config["priors_off"] == sorted(set(PRIORS) - {"object_state"})


def test_config_fields_and_hyperparameters_can_be_overridden() -> None:
    spec = parse("ppo-grid:learning_rate=1e-4,n_envs=4,max_episode_steps=300")
    assert spec.config["hyperparams"]["learning_rate"] == pytest.approx(1e-4)
    assert spec.config["hyperparams"]["n_envs"] == 4
    assert spec.config["max_episode_steps"] == 300
    assert parse("empa:exploration=epsilon").config["exploration"] == "epsilon"


def test_the_config_hash_does_not_depend_on_where_the_checkout_lies() -> None:
    assert parse("empa").config["planner_file"] == "planner.yml"


@pytest.mark.parametrize(("spec", "names"), [
    ("dqn-cnn", "valid agents: random, empa"),
    ("empa:-walls", "valid priors: object_state"),
    ("empa:colour=red", "valid fields:"),
    ("random:-walls_known", "has no priors"),
    ("ppo-grid:bogus=1", "learning_rate"),
])
def test_bad_specs_name_the_valid_choices(spec: str, names: str) -> None:
    with pytest.raises(SpecError, match=names):
        parse(spec)


def test_make_builds_agents_with_the_requested_priors() -> None:
    assert isinstance(agents.make("random", seed=3), RandomAgent)
    agent = agents.make("empa:-walls_known", seed=1)
    assert isinstance(agent, EMPAAgent)
    assert agent.priors.off == {"walls_known"} and agent.config.seed == 1
    with pytest.raises(SpecError, match="import-plays"):
        agents.make("human")


def test_a_neural_spec_trains_under_the_protocol_then_acts() -> None:
    learner = agents.make("ppo-grid:n_steps=32,batch_size=64,n_envs=2", seed=0)
    out = learner.train("VGDL/ShortMaze-v0", budget=128)
    assert out["protocol"]["n_levels"] == 5 and out["steps"] >= 128
    assert all({"step", "return", "level", "won"} <= set(row) for row in out["curve"])
    import gymnasium as gym

    env = gym.make("VGDL/ShortMaze-v0", obs_type="grid")
    obs, _ = env.reset(seed=0)
    learner.reset(env.unwrapped.action_names, env.observation_space)
    assert 0 <= learner.act(obs) < env.action_space.n
