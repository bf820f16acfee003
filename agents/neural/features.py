"""A small CNN for count grids (H x W x n_types), sized for levels of about 5-20 cells a side.

Why not SB3's NatureCNN: its 8x8 stride-4 first layer assumes 84-pixel frames and would erase a
10 x 7 grid. Two 3x3 convolutions keep every cell, then one linear layer.
"""

from __future__ import annotations

import gymnasium as gym
import torch
from stable_baselines3.common.torch_layers import BaseFeaturesExtractor
from torch import nn


class GridCNN(BaseFeaturesExtractor):
    """Conv(3x3, 16) -> Conv(3x3, 32) -> Linear(features_dim) over channels-last count grids."""

    def __init__(self, observation_space: gym.spaces.Box, features_dim: int = 128) -> None:
        super().__init__(observation_space, features_dim)
        *_, channels = observation_space.shape
        self.cnn = nn.Sequential(
            nn.Conv2d(channels, 16, kernel_size=3, padding=1), nn.ReLU(),
            nn.Conv2d(16, 32, kernel_size=3, padding=1), nn.ReLU(),
            nn.Flatten(),
        )
        with torch.no_grad():
            sample = torch.as_tensor(observation_space.sample()[None]).float().permute(0, 3, 1, 2)
            n_flat = self.cnn(sample).shape[1]
        self.linear = nn.Sequential(nn.Linear(n_flat, features_dim), nn.ReLU())

    def forward(self, observations: torch.Tensor) -> torch.Tensor:
        return self.linear(self.cnn(observations.permute(0, 3, 1, 2).float()))


FEATURES_EXTRACTORS = {"grid_cnn": GridCNN}
