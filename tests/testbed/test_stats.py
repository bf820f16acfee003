"""Leaderboard statistics against small hand-computed examples."""

from __future__ import annotations

import math

import numpy as np
import pytest

from testbed.stats import iqm, iqm_ci, probability_of_improvement


def test_iqm_is_the_mean_of_the_middle_half() -> None:
    assert iqm(np.arange(1, 9, dtype=float)) == pytest.approx(4.5)  # mean of 3, 4, 5, 6
    assert iqm(np.array([0.0, 10.0, 10.0, 1000.0])) == pytest.approx(10.0)


def test_iqm_ci_pools_games_and_drops_missing_values() -> None:
    point, low, high = iqm_ci({"a": [1.0, 2.0, 3.0, 4.0], "b": [5.0, 6.0, 7.0, 8.0, math.nan]})
    assert point == pytest.approx(4.5)
    assert low <= point <= high
    assert 1.0 <= low and high <= 8.0


def test_iqm_ci_of_constant_runs_or_single_seeds_is_the_point() -> None:
    assert iqm_ci({"a": [3.0, 3.0], "b": [3.0, 3.0]}) == (3.0, 3.0, 3.0)
    assert iqm_ci({"a": [1.0], "b": [5.0]}) == (3.0, 3.0, 3.0)
    assert all(math.isnan(v) for v in iqm_ci({"a": [math.nan]}))


def test_the_interval_is_stratified_by_game() -> None:
    """Each resample keeps every game's run count: with two seeds per game, the resampled IQM of
    {a: [0, 10], b: [100, 110]} can only take values from per-game resamples, never e.g. all 0s."""
    scores = {"a": [0.0, 10.0], "b": [100.0, 110.0]}
    # every stratified resample: a in {0,0},{0,10},{10,10}; b likewise -> IQM = mean of middle two
    outcomes = set()
    for a in ([0, 0], [0, 10], [10, 10]):
        for b in ([100, 100], [100, 110], [110, 110]):
            outcomes.add(float(iqm(np.array(a + b, dtype=float))))
    point, low, high = iqm_ci(scores)
    assert point == pytest.approx(55.0)
    assert min(outcomes) <= low <= high <= max(outcomes)
    assert low >= 50.0  # an unstratified resample could draw four runs of game a (IQM 0 .. 10)


def test_probability_of_improvement_by_hand() -> None:
    # game g: pairs (1,0)=1 (1,2)=0 (2,0)=1 (2,2)=0.5 -> 0.625; game h: 3 > 1 always -> 1.0
    x = {"g": [1.0, 2.0], "h": [3.0, 3.0]}
    y = {"g": [0.0, 2.0], "h": [1.0, 1.0], "only_y": [5.0]}
    point, low, high = probability_of_improvement(x, y)
    assert point == pytest.approx((0.625 + 1.0) / 2)
    assert low <= point <= high
    assert probability_of_improvement(y, x)[0] == pytest.approx(1 - point)
    assert math.isnan(probability_of_improvement({"a": [1.0]}, {"b": [1.0]})[0])
