"""Train a DQN or PPO baseline (stable-baselines3) on one game under the protocol, resumably.

One run = (algorithm, input, game, seed, env-step budget). The envs play the game's levels in
order and advance together when a level is first won (``vgdl.protocol.SharedProgress``), so the
run records steps per level and levels won exactly as the symbolic agent's runs do, plus a
learning curve. A run directory holds everything::

    runs/neural/<algo>_<input>/<game>/seed<k>/
        config.json        the full config (hyperparameters included) and library versions
        curve.csv          step, episode return, length, level, won  (one row per episode)
        checkpoints/       model_<steps>.zip + progress_<steps>.json, every --checkpoint-every steps
        result.json        protocol record, steps/s, the share of time spent in the env

Usage::

    python -m agents.neural.train --algo ppo --input pixels --game short_maze --steps 100000 --seed 0
    python -m agents.neural.train ... --resume     # continue from the last checkpoint after a crash
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
import yaml

HYPERPARAMS = Path(__file__).with_name("hyperparams.yml")
ALGOS = ("ppo", "dqn")
INPUTS = ("pixels", "grid")
_ENV_KEYS = {"n_envs", "frame_stack", "image_size", "grayscale", "policy", "features_extractor"}


def load_hyperparams(algo: str, input_type: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``<algo>_<input>`` block of ``hyperparams.yml``, with ``overrides`` applied."""
    blocks = yaml.safe_load(HYPERPARAMS.read_text())
    key = f"{algo}_{input_type}"
    if key not in blocks:
        raise ValueError(f"no hyperparameters for {key}; known: {sorted(blocks)}")
    hp = dict(blocks[key])
    hp.update(overrides or {})
    return hp


def _schedule(value: Any) -> Any:
    """RL Zoo notation: ``lin_2.5e-4`` is a learning rate decaying linearly to 0."""
    if isinstance(value, str) and value.startswith("lin_"):
        start = float(value[4:])
        return lambda progress_remaining: progress_remaining * start
    return value


@dataclass
class RunConfig:
    algo: str
    input: str
    game: str
    steps: int
    seed: int = 0
    run_dir: str = ""
    checkpoint_every: int = 25_000
    device: str = "auto"  # a GPU when one is present (never needed)
    max_episode_steps: int = 500
    levels: list[int] | None = None  # play only these levels (in this order); None: all of them
    eval_every: int = 0  # evaluate the greedy policy on the first level every this many steps (0: never)
    stop_when_solved: bool = False  # end the run once the greedy policy wins that level
    hyperparams: dict[str, Any] = field(default_factory=dict)
    env_id: str = ""  # a registered env id (default: VGDL/<Game>-v0 from ``game``)
    env_kwargs: dict[str, Any] = field(default_factory=dict)  # extra env arguments, e.g. a variant


def env_id_for(game: str) -> str:
    from vgdl.registration import env_name

    return f"VGDL/{env_name(game)}-v0"


def make_vec_env(cfg: RunConfig, progress: Any) -> Any:
    """The vectorized, protocol-driven training envs with the run's observation pipeline."""
    from stable_baselines3.common.monitor import Monitor
    from stable_baselines3.common.vec_env import DummyVecEnv, VecFrameStack

    import vgdl  # noqa: F401  (registers the envs)
    from agents.neural.preprocess import SquarePixels, tile_for
    from vgdl.protocol import SharedProtocolEnv

    hp = cfg.hyperparams
    env_id = cfg.env_id or env_id_for(cfg.game)

    def make(rank: int) -> Any:
        def thunk() -> gym.Env:
            kwargs: dict[str, Any] = {**cfg.env_kwargs, "obs_type": cfg.input, "max_steps": cfg.max_episode_steps}
            if cfg.input == "pixels":
                kwargs["tile_size"] = tile_for(gym.make(env_id, **cfg.env_kwargs), hp["image_size"])
            env = SharedProtocolEnv(gym.make(env_id, **kwargs).unwrapped, progress, cfg.levels)
            env = Monitor(env, info_keywords=("protocol_level", "winner"))
            if cfg.input == "pixels":
                env = SquarePixels(env, hp["image_size"], hp.get("grayscale", False))
            env.reset(seed=cfg.seed * 1000 + rank)
            return env

        return thunk

    vec = DummyVecEnv([make(i) for i in range(hp.get("n_envs", 1))])
    vec = EnvTimer(vec)
    if hp.get("frame_stack", 1) > 1:
        vec = VecFrameStack(vec, hp["frame_stack"])
    return vec


def greedy_wins(model: Any, cfg: RunConfig, level: int, max_steps: int = 200) -> bool:
    """Does the greedy policy win ``level`` (engine seed 0) within ``max_steps`` steps?"""
    from stable_baselines3.common.vec_env import DummyVecEnv, VecFrameStack

    from agents.neural.preprocess import SquarePixels, tile_for

    hp = cfg.hyperparams
    env_id = cfg.env_id or env_id_for(cfg.game)

    def thunk() -> gym.Env:
        kwargs: dict[str, Any] = {**cfg.env_kwargs, "obs_type": cfg.input, "level": level, "max_steps": max_steps}
        if cfg.input == "pixels":
            kwargs["tile_size"] = tile_for(gym.make(env_id, **cfg.env_kwargs), hp["image_size"])
        env = gym.make(env_id, **kwargs)
        if cfg.input == "pixels":
            env = SquarePixels(env, hp["image_size"], hp.get("grayscale", False))
        return env

    vec: Any = DummyVecEnv([thunk])
    if hp.get("frame_stack", 1) > 1:
        vec = VecFrameStack(vec, hp["frame_stack"])
    vec.env_method("reset", seed=0, options={"game_seed": 0}, indices=[0])
    obs = vec.reset()
    won = False
    for _ in range(max_steps):
        action, _ = model.predict(obs, deterministic=True)
        obs, _, done, infos = vec.step(action)
        if done[0]:
            won = infos[0].get("winner") == "WIN"
            break
    vec.close()
    return won


def _vec_env_wrapper_base() -> type:
    from stable_baselines3.common.vec_env import VecEnvWrapper

    return VecEnvWrapper


class EnvTimer(_vec_env_wrapper_base()):  # type: ignore[misc]
    """Adds up the wall time spent inside the envs (to show what share of training they cost)."""

    def __init__(self, venv: Any) -> None:
        super().__init__(venv)
        self.seconds = 0.0

    def reset(self) -> Any:
        t = time.perf_counter()
        obs = self.venv.reset()
        self.seconds += time.perf_counter() - t
        return obs

    def step_wait(self) -> Any:
        t = time.perf_counter()
        out = self.venv.step_wait()
        self.seconds += time.perf_counter() - t
        return out


def _policy_kwargs(hp: dict[str, Any]) -> dict[str, Any]:
    from agents.neural.features import FEATURES_EXTRACTORS

    extractor = hp.get("features_extractor")
    if extractor:
        # Count grids are not images: a grid with 1, 3 or 4 types would otherwise be divided by 255.
        return {"features_extractor_class": FEATURES_EXTRACTORS[extractor], "normalize_images": False}
    return {}


def make_model(cfg: RunConfig, vec: Any) -> Any:
    from stable_baselines3 import DQN, PPO

    algo_kwargs = {k: _schedule(v) for k, v in cfg.hyperparams.items() if k not in _ENV_KEYS}
    cls = PPO if cfg.algo == "ppo" else DQN
    from stable_baselines3.common.logger import Logger

    model = cls(cfg.hyperparams["policy"], vec, seed=cfg.seed, device=cfg.device, verbose=0,
                policy_kwargs=_policy_kwargs(cfg.hyperparams), **algo_kwargs)
    # Our own curve.csv is the log; SB3's default logger would leave an empty SB3-<date> folder in the
    # system's temp directory on every run, even with verbose=0.
    model.set_logger(Logger(folder=None, output_formats=[]))
    return model


def _callback(cfg: RunConfig, progress: Any, run_dir: Path) -> Any:
    from stable_baselines3.common.callbacks import BaseCallback

    class RunCallback(BaseCallback):
        """Writes the learning curve and periodic checkpoints (model + protocol progress)."""

        def _init_callback(self) -> None:
            self.curve = (run_dir / "curve.csv").open("a", newline="")
            self.writer = csv.writer(self.curve)
            if self.curve.tell() == 0:
                self.writer.writerow(["step", "return", "length", "level", "won"])
            self.next_checkpoint = (self.num_timesteps // cfg.checkpoint_every + 1) * cfg.checkpoint_every
            self.next_eval = cfg.eval_every
            self.solved_at: int | None = None

        def _on_step(self) -> bool:
            for info in self.locals.get("infos", []):
                episode = info.get("episode")
                if episode:
                    self.writer.writerow([self.num_timesteps, round(float(episode["r"]), 4), int(episode["l"]),
                                          info.get("protocol_level"), int(info.get("winner") == "WIN")])
            if self.num_timesteps >= self.next_checkpoint:
                save_checkpoint(self.model, progress, run_dir, self.num_timesteps)
                self.curve.flush()
                self.next_checkpoint += cfg.checkpoint_every
            if cfg.eval_every and self.num_timesteps >= self.next_eval:
                self.next_eval += cfg.eval_every
                if self.solved_at is None and greedy_wins(self.model, cfg, (cfg.levels or [0])[0]):
                    self.solved_at = self.num_timesteps
                    return not cfg.stop_when_solved
            return True

        def _on_training_end(self) -> None:
            self.curve.close()

    return RunCallback()


def save_checkpoint(model: Any, progress: Any, run_dir: Path, steps: int) -> None:
    ckpt = run_dir / "checkpoints"
    ckpt.mkdir(parents=True, exist_ok=True)
    model.save(ckpt / f"model_{steps}.zip")
    (ckpt / f"progress_{steps}.json").write_text(json.dumps(progress.state()))


def latest_checkpoint(run_dir: Path) -> int | None:
    ckpt = run_dir / "checkpoints"
    steps = [int(p.stem.split("_")[1]) for p in ckpt.glob("model_*.zip")] if ckpt.exists() else []
    steps = [s for s in steps if (ckpt / f"progress_{s}.json").exists()]
    return max(steps) if steps else None


def _trim_curve(run_dir: Path, steps: int) -> None:
    """After a crash, drop curve rows written after the checkpoint we resume from (no duplicates)."""
    path = run_dir / "curve.csv"
    if not path.exists():
        return
    rows = list(csv.reader(path.open()))
    kept = [rows[0]] + [r for r in rows[1:] if int(r[0]) <= steps]
    with path.open("w", newline="") as f:
        csv.writer(f).writerows(kept)


def versions() -> dict[str, str]:
    import stable_baselines3
    import torch

    return {"python": platform.python_version(), "torch": torch.__version__,
            "stable_baselines3": stable_baselines3.__version__, "numpy": np.__version__}


def train(cfg: RunConfig, resume: bool = False) -> dict[str, Any]:
    """Run (or resume) one training run; returns the result written to ``result.json``."""
    import torch
    from stable_baselines3 import DQN, PPO

    from vgdl.protocol import SharedProgress

    torch.set_num_threads(1)  # two threads on two busy cores made a small CNN 50x slower here
    if not cfg.hyperparams:
        cfg.hyperparams = load_hyperparams(cfg.algo, cfg.input)
    run_dir = Path(cfg.run_dir or f"runs/neural/{cfg.algo}_{cfg.input}/{cfg.game}/seed{cfg.seed}")
    cfg.run_dir = str(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    env_id = cfg.env_id or env_id_for(cfg.game)
    n_levels = len(cfg.levels) if cfg.levels else len(gym.make(env_id, **cfg.env_kwargs).unwrapped.level_rows)
    start_steps = latest_checkpoint(run_dir) if resume else None
    if start_steps is not None:
        progress = SharedProgress.from_state(json.loads(
            (run_dir / "checkpoints" / f"progress_{start_steps}.json").read_text()))
        vec = make_vec_env(cfg, progress)
        # Schedules are rebuilt from the config instead of being unpickled from the checkpoint
        # (pickled callables are code); the weights load with torch's weights_only=True (SB3).
        fresh = make_model(cfg, vec)
        safe = {"learning_rate": fresh.learning_rate, "lr_schedule": fresh.lr_schedule}
        for name in ("clip_range", "clip_range_vf", "exploration_schedule"):
            if hasattr(fresh, name):
                safe[name] = getattr(fresh, name)
        cls = PPO if cfg.algo == "ppo" else DQN
        model = cls.load(run_dir / "checkpoints" / f"model_{start_steps}.zip", env=vec, device=cfg.device,
                         custom_objects=safe)
        model.set_logger(fresh.logger)
        _trim_curve(run_dir, start_steps)
    else:
        for stale in (run_dir / "curve.csv", run_dir / "result.json"):
            stale.unlink(missing_ok=True)
        progress = SharedProgress(n_levels)
        vec = make_vec_env(cfg, progress)
        model = make_model(cfg, vec)
        start_steps = 0
    (run_dir / "config.json").write_text(json.dumps({"config": asdict(cfg), "versions": versions()}, indent=1))
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    callback = _callback(cfg, progress, run_dir)
    model.learn(total_timesteps=max(0, cfg.steps - start_steps), callback=callback,
                reset_num_timesteps=start_steps == 0)
    wall = time.perf_counter() - t0
    timer = vec if isinstance(vec, EnvTimer) else vec.venv
    save_checkpoint(model, progress, run_dir, model.num_timesteps)
    trained = model.num_timesteps - start_steps
    result = {"config": asdict(cfg), "protocol": progress.record().as_dict(), "steps": model.num_timesteps,
              "steps_per_second": trained / max(wall, 1e-9), "cpu_seconds": time.process_time() - cpu0,
              "env_time_share": timer.seconds / max(wall, 1e-9), "resumed_from": start_steps,
              "wall_seconds": wall, "greedy_solved_first_level_at": callback.solved_at}
    (run_dir / "result.json").write_text(json.dumps(result, indent=1))
    vec.close()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--algo", choices=ALGOS, required=True)
    parser.add_argument("--input", choices=INPUTS, required=True)
    parser.add_argument("--game", required=True, help="a game name in games/ (e.g. short_maze)")
    parser.add_argument("--steps", type=int, default=100_000, help="env-step budget")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--seeds", default="", help="several seeds, e.g. 0,1,2: one process each (see --workers)")
    parser.add_argument("--workers", type=int, default=2, help="processes for --seeds (one torch thread each)")
    parser.add_argument("--run-dir", default="")
    parser.add_argument("--checkpoint-every", type=int, default=25_000)
    parser.add_argument("--device", default="auto", help="auto (a GPU if present), cpu or cuda")
    parser.add_argument("--resume", action="store_true", help="continue from the run's last checkpoint")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a hyperparameter (YAML value), e.g. --set n_envs=4")
    args = parser.parse_args(argv)
    overrides = {k: yaml.safe_load(v) for k, v in (s.split("=", 1) for s in args.set)}
    seeds = [int(x) for x in args.seeds.split(",")] if args.seeds else [args.seed]
    configs = [RunConfig(args.algo, args.input, args.game, args.steps, seed,
                         args.run_dir if len(seeds) == 1 else "", args.checkpoint_every, args.device,
                         hyperparams=load_hyperparams(args.algo, args.input, overrides)) for seed in seeds]
    if len(configs) == 1:
        results = [train(configs[0], resume=args.resume)]
    else:
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        with ProcessPoolExecutor(max_workers=args.workers, mp_context=get_context("spawn")) as pool:
            results = list(pool.map(train, configs, [args.resume] * len(configs)))
    for cfg, result in zip(configs, results, strict=True):
        proto = result["protocol"]
        print(f"{cfg.algo}_{cfg.input} on {cfg.game} seed {result['config']['seed']}: {proto['levels_won']}/"
              f"{proto['n_levels']} levels, steps per level {[lv['steps'] for lv in proto['levels']]}, "
              f"{result['steps_per_second']:.0f} steps/s, env share {100 * result['env_time_share']:.1f}%  "
              f"-> {result['config']['run_dir']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
