"""Observations for the neural baselines: fixed-size pixel frames and count grids.

Pixels: the env draws each cell as a square of ``tile`` pixels, with ``tile`` the largest that
fits the game's largest level into ``image_size``; the frame is padded to ``image_size`` square.
So no resampling blurs sprites. Optional grayscale. The same functions serve training (as a
wrapper) and evaluation (inside the agent), so both see identical inputs.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

_GRAY = np.array([0.299, 0.587, 0.114], dtype=np.float32)


def tile_for(env: gym.Env, image_size: int) -> int:
    """The tile size that fits the game's largest level into ``image_size`` pixels."""
    u = env.unwrapped
    return max(1, image_size // max(u.height, u.width))


def square_frame(frame: np.ndarray, image_size: int, grayscale: bool) -> np.ndarray:
    """Pad (or crop) an RGB frame to ``image_size`` square; optionally grayscale (one channel)."""
    h, w = frame.shape[:2]
    out = np.zeros((image_size, image_size, 3), dtype=np.uint8)
    out[:min(h, image_size), :min(w, image_size)] = frame[:image_size, :image_size]
    if grayscale:
        return (out.astype(np.float32) @ _GRAY).astype(np.uint8)[..., None]
    return out


class SquarePixels(gym.ObservationWrapper):
    """The env's pixel observation as an ``image_size`` square frame (see :func:`square_frame`)."""

    def __init__(self, env: gym.Env, image_size: int = 64, grayscale: bool = False) -> None:
        super().__init__(env)
        self.image_size = image_size
        self.grayscale = grayscale
        self.observation_space = spaces.Box(0, 255, (image_size, image_size, 1 if grayscale else 3), np.uint8)

    def observation(self, observation: Any) -> np.ndarray:
        return square_frame(observation, self.image_size, self.grayscale)
