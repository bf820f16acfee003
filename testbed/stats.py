"""Aggregate statistics for leaderboards, after Agarwal et al. (2021), "Deep RL at the edge of the
statistical precipice": the interquartile mean (IQM) over all runs of all games, a 95% stratified
bootstrap interval (seeds resampled within each game, with scipy's bootstrap), and the probability
of improvement of one agent over another.

Input everywhere: ``{game: [value per seed, ...]}``; NaN values (e.g. no level won, so no steps to a
win) are dropped before aggregating.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from scipy import stats

CONFIDENCE = 0.95
N_RESAMPLES = 2000
BOOTSTRAP_SEED = 0  # intervals are reproducible: the same data gives the same interval


def _clean(scores: Mapping[str, Sequence[float]]) -> dict[str, np.ndarray]:
    out = {}
    for game, values in scores.items():
        arr = np.asarray([v for v in values if v is not None and not math.isnan(v)], dtype=float)
        if len(arr):
            out[game] = arr
    return out


def iqm(values: np.ndarray, axis: int = -1) -> np.ndarray | float:
    """Interquartile mean: the mean of the middle 50% (scipy's 25%-trimmed mean)."""
    return stats.trim_mean(values, 0.25, axis=axis)


def iqm_ci(scores: Mapping[str, Sequence[float]]) -> tuple[float, float, float]:
    """(IQM, low, high) over every run of every game; the interval resamples seeds within each game.

    Games with a single run contribute that run to every resample (resampling one value gives it
    back), so the interval reflects only the games that have several seeds; with none, it is the
    point itself.
    """
    clean = _clean(scores)
    if not clean:
        return (math.nan, math.nan, math.nan)
    point = float(iqm(np.concatenate(list(clean.values()))))
    varied = [a for a in clean.values() if len(a) >= 2]
    fixed = np.concatenate([a for a in clean.values() if len(a) < 2] or [np.empty(0)])
    if not varied or all(np.all(a == a[0]) for a in varied):
        return (point, point, point)

    def statistic(*samples: np.ndarray, axis: int = -1) -> np.ndarray:
        batch = samples[0].shape[:-1]
        parts = list(samples) + [np.broadcast_to(fixed, (*batch, len(fixed)))]
        return iqm(np.concatenate(parts, axis=-1), axis=-1)

    res = stats.bootstrap(varied, statistic, vectorized=True, paired=False, confidence_level=CONFIDENCE,
                          n_resamples=N_RESAMPLES, method="percentile", rng=np.random.default_rng(BOOTSTRAP_SEED))
    return (point, float(res.confidence_interval.low), float(res.confidence_interval.high))


def _prob_greater(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """P(X > Y) + P(X = Y) / 2 over all pairs of runs (batched over leading axes)."""
    diff = x[..., :, None] - y[..., None, :]
    return ((diff > 0) + 0.5 * (diff == 0)).mean(axis=(-2, -1))


def probability_of_improvement(x: Mapping[str, Sequence[float]], y: Mapping[str, Sequence[float]]
                               ) -> tuple[float, float, float]:
    """(P(X > Y), low, high): the chance that a run of X beats a run of Y on a random common game.

    Per game, the Mann-Whitney probability over pairs of runs; averaged over the games both have.
    The interval resamples each agent's seeds within each game (games with a single run on either
    side are held fixed).
    """
    cx, cy = _clean(x), _clean(y)
    games = sorted(set(cx) & set(cy))
    if not games:
        return (math.nan, math.nan, math.nan)
    per_game = np.array([_prob_greater(cx[g], cy[g]) for g in games])
    point = float(per_game.mean())
    varied = [g for g in games if len(cx[g]) >= 2 and len(cy[g]) >= 2]
    fixed = [float(_prob_greater(cx[g], cy[g])) for g in games if g not in varied]
    if not varied:
        return (point, point, point)
    k = len(varied)

    def statistic(*samples: np.ndarray, axis: int = -1) -> np.ndarray:
        probs = [_prob_greater(samples[i], samples[k + i]) for i in range(k)]
        batch = probs[0].shape
        total = sum(probs) + sum(fixed) * np.ones(batch)
        return total / len(games)

    data = [cx[g] for g in varied] + [cy[g] for g in varied]
    if all(np.all(a == a[0]) for a in data):
        return (point, point, point)
    res = stats.bootstrap(data, statistic, vectorized=True, paired=False, confidence_level=CONFIDENCE,
                          n_resamples=N_RESAMPLES, method="percentile", rng=np.random.default_rng(BOOTSTRAP_SEED))
    return (point, float(res.confidence_interval.low), float(res.confidence_interval.high))
