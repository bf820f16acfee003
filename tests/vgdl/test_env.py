"""Gymnasium environments: registration, spaces, checkers, seeding, vector envs, protocol."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import vgdl
from tests.conftest import GAMES, SHARED_GVGAI, SKIP_NO_SHARED
from vgdl.env import OBS_TYPES, VGDLEnv
from vgdl.observations import TABLE_COLUMNS
from vgdl.protocol import ProtocolEnv
from vgdl.registration import env_name, register_games
from vgdl.suite import load_manifest

IDS = sorted(register_games())
MANIFEST = load_manifest()


def test_every_manifest_game_is_registered() -> None:
    assert sorted(f"VGDL/{env_name(n)}-v0" for n in MANIFEST) == IDS


@pytest.mark.parametrize("env_id", IDS)
def test_gymnasium_checker_passes_for_every_obs_type(env_id: str) -> None:
    for obs_type in OBS_TYPES:
        env = gym.make(env_id, obs_type=obs_type, tile_size=4)
        check_env(env.unwrapped, skip_render_check=True)
        obs, info = env.reset(seed=0)
        assert env.observation_space.contains(obs)
        assert {"score", "winner", "tick", "level"} <= info.keys()
        env.close()


@pytest.mark.parametrize("env_id", IDS)
def test_sb3_checker_for_pixels_and_grid(env_id: str) -> None:
    from stable_baselines3.common.env_checker import check_env as sb3_check_env

    for obs_type in ("pixels", "grid"):
        sb3_check_env(gym.make(env_id, obs_type=obs_type).unwrapped, warn=False)


@SKIP_NO_SHARED
def test_gvgai_corpus_registers_as_an_external_suite() -> None:
    from vgdl.registration import register_suite

    ids = register_suite(SHARED_GVGAI / "games", namespace="GVGAI")
    assert len(ids) == 79 and "GVGAI/Sokoban-v0" in ids
    env = gym.make("GVGAI/Sokoban-v0", obs_type="grid", level=1)
    obs, info = env.reset(seed=0)
    assert info["level"] == 1 and env.observation_space.contains(obs)
    env.step(0)


def test_reward_termination_truncation_and_info() -> None:
    env = gym.make("VGDL/CoinDash-v0", obs_type="grid", max_steps=5)
    env.reset(seed=3)
    rewards, truncated = [], False
    for _ in range(5):
        _, r, terminated, truncated, info = env.step(3)  # UP into the wall: nothing happens
        rewards.append(r)
    assert truncated and not terminated and rewards == [0.0] * 5 and info["tick"] == 5
    env = gym.make("VGDL/CoinDash-v0", obs_type="grid")
    env.reset(seed=0)
    names = env.unwrapped.action_names
    total = 0.0
    for action in ["ACTION_RIGHT"] * 4:
        _, r, terminated, truncated, info = env.step(names.index(action))
        total += r
    assert total == 1.0 and info["score"] == 1  # the coin at (5, 1)


def test_seeding_reproduces_trajectories() -> None:
    def run(seed: int) -> list:
        env = gym.make("VGDL/CoinDash-v0", obs_type="objects")
        obs, _ = env.reset(seed=seed)
        env.action_space.seed(seed)
        out = [obs.tobytes()]
        for _ in range(60):
            obs, r, term, trunc, _ = env.step(env.action_space.sample())
            out.append((obs.tobytes(), r, term))
            if term or trunc:
                obs, _ = env.reset()
        return out

    assert run(5) == run(5)


def test_levels_by_index_and_text_and_padding() -> None:
    env = gym.make("VGDL/CoinDash-v0", obs_type="pixels", level=2, tile_size=4)
    obs, info = env.reset(seed=0)
    assert info["level"] == 2 and obs.shape == env.observation_space.shape
    # pixel observations are the caller's own arrays (the engine's frames are read-only), padded or not
    for level in range(5):
        env = gym.make("VGDL/CoinDash-v0", obs_type="pixels", level=level, tile_size=4)
        obs, _ = env.reset(seed=0)
        assert obs.flags.writeable
        obs[:] = 0
        again, *_ = env.step(0)
        assert again.any()
    text = (GAMES / "coin_dash" / "level0.txt").read_text()
    env = gym.make("VGDL/CoinDash-v0", level=text, obs_type="grid")
    obs, _ = env.reset(seed=0)
    assert obs.shape[:2] == (7, 12)


def test_make_env_for_external_files_and_ansi() -> None:
    env = vgdl.make_env(GAMES / "coin_dash" / "game.txt", GAMES / "coin_dash" / "level1.txt", render_mode="ansi")
    env.reset(seed=0)
    text = env.render()
    assert text.splitlines()[1].startswith("wA.c.w") and "tick 0" in text


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_vector_envs(mode: str) -> None:
    envs = gym.make_vec("VGDL/CoinDash-v0", num_envs=2, vectorization_mode=mode,
                        vector_kwargs={"context": "spawn"} if mode == "async" else None, obs_type="grid")
    obs, _ = envs.reset(seed=1)
    assert obs.shape == (2, 9, 15, 6)
    obs, rewards, term, trunc, _ = envs.step(np.array([0, 1]))
    assert rewards.shape == (2,)
    envs.close()


def test_privileged_information_is_empty_unless_asked() -> None:
    env = gym.make("VGDL/CoinDash-v0")
    _, info = env.reset(seed=0)
    assert "privileged" not in info
    env = gym.make("VGDL/CoinDash-v0", privileged=["avatar", "events", "walls", "inventory"], obs_type="objects")
    obs, info = env.reset(seed=0)
    avatar = info["privileged"]["avatar"]
    assert {k: avatar[k] for k in ("type", "class", "shoots")} == {"type": "avatar", "class": "MovingAvatar",
                                                                    "shoots": []}
    avatar_rows = obs[obs[:, TABLE_COLUMNS.index("is_avatar")] == 1]
    assert avatar_rows[:, 0].tolist() == [avatar["channel"]]
    names = env.unwrapped.game.type_names
    assert [names[c] for c in info["privileged"]["walls"]] == ["wall"]
    assert info["privileged"]["inventory"] == {}
    with pytest.raises(ValueError, match="unknown privileged"):
        gym.make("VGDL/CoinDash-v0", privileged=["engine"])


def test_protocol_advances_on_wins_and_records_steps() -> None:
    from vgdl.solve import load_solutions

    env = ProtocolEnv(VGDLEnv(game_file=GAMES / "coin_dash" / "game.txt",
                              level_files=[GAMES / "coin_dash" / f"level{k}.txt" for k in range(5)],
                              obs_type="grid"))
    solutions = load_solutions(GAMES / "coin_dash")
    names = env.unwrapped.action_names
    # a failed attempt at level 0, then every level's solution
    env.reset(seed=solutions[0]["seed"])
    for _ in range(3):
        env.step(names.index("ACTION_UP"))
    for level in range(5):
        _, info = env.reset()
        assert info["protocol_level"] == level
        env.unwrapped.game = vgdl.load_game(GAMES / "coin_dash" / "game.txt",
                                            GAMES / "coin_dash" / f"level{level}.txt", seed=solutions[level]["seed"])
        for action in solutions[level]["actions"]:
            _, _, terminated, _, info = env.step(names.index(action))
        assert terminated and info["winner"] == "WIN"
    assert info.get("protocol_done") and env.done
    rec = env.record
    assert rec.levels_won == 5 and rec.levels[0].attempts == 2
    assert rec.levels[0].steps == 3 + len(solutions[0]["actions"])
    assert rec.kappa == pytest.approx(5 / 5 * 5 / rec.total_steps)


def test_ppo_smoke_on_pixels_and_grid() -> None:
    import torch
    from stable_baselines3 import PPO

    torch.set_num_threads(1)
    for obs_type, policy in (("pixels", "CnnPolicy"), ("grid", "MlpPolicy")):
        env = gym.make("VGDL/CoinDash-v0", obs_type=obs_type, max_steps=200)
        model = PPO(policy, env, n_steps=256, batch_size=64, n_epochs=1, seed=0, verbose=0, device="cpu")
        model.learn(total_timesteps=1024)
        obs, _ = env.reset(seed=0)
        action, _ = model.predict(obs, deterministic=True)
        assert env.action_space.contains(int(action))


def test_avatar_flag_off_hides_which_object_is_the_avatar() -> None:
    column = TABLE_COLUMNS.index("is_avatar")
    shown, _ = gym.make("VGDL/CoinDash-v0", obs_type="objects").reset(seed=0)
    hidden, _ = gym.make("VGDL/CoinDash-v0", obs_type="objects", avatar_flag=False).reset(seed=0)
    assert shown[:, column].sum() == 1 and hidden[:, column].sum() == 0
    keep = [i for i in range(len(TABLE_COLUMNS)) if i != column]
    assert np.array_equal(shown[:, keep], hidden[:, keep])


def test_privileged_events_carry_observation_channels() -> None:
    from vgdl.solve import load_solutions

    env = gym.make("VGDL/CoinDash-v0", privileged=["events"])
    solution = load_solutions(GAMES / "coin_dash")[0]
    env.reset(seed=0, options={"game_seed": solution.get("seed", 0)})
    names = env.unwrapped.game.type_names
    seen = []
    for action in solution["actions"]:
        *_, info = env.step(env.unwrapped.action_names.index(action))
        seen += info["privileged"]["events"]
    assert seen and all(names[e["channel1"]] == e["type1"] for e in seen if e["channel1"] >= 0)
