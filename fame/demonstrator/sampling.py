"""Random streams and draws from the scenario's distributions.

Common random numbers: every quantity the approaches share is drawn from its
own named stream, a fixed number of draws per child case or search, whatever
the approach does with them. The same seed and replication therefore give every
approach the same concerns, children and chances, and a difference between
approaches is the approach's, not the dice's.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Callable
from statistics import NormalDist

from .scenario import Exponential, Fixed, LogNormal, Triangular

_NORMAL = NormalDist()
_TINY = 1e-12


def stream(seed: int, replication: int, name: str) -> random.Random:
    """A stream that depends only on the seed, the replication and its name."""
    # A simulation wants repeatable streams, not secrets.
    return random.Random(f"fame-demonstrator:{seed}:{replication}:{name}")  # noqa: S311


def block(rng: random.Random, size: int) -> list[float]:
    """``size`` uniforms on [0, 1): one entity's fixed share of a stream."""
    draw = rng.random
    return [draw() for _ in range(size)]


Draw = Callable[[float], float]


def drawer(dist: Fixed | Exponential | LogNormal | Triangular) -> Draw:
    """``sample`` for one distribution, with its constants worked out once (runs call these
    hundreds of thousands of times)."""
    if isinstance(dist, Fixed):
        value = dist.value
        return lambda u: value
    if isinstance(dist, Exponential):
        mean = dist.mean
        return lambda u: -mean * math.log1p(-min(u, 1 - _TINY))
    if isinstance(dist, LogNormal):
        sigma = math.sqrt(math.log1p((dist.sd / dist.mean) ** 2))
        mu = math.log(dist.mean) - sigma * sigma / 2
        inverse = _NORMAL.inv_cdf
        return lambda u: math.exp(mu + sigma * inverse(min(max(u, _TINY), 1 - _TINY)))
    low, mode, high = dist.low, dist.mode, dist.high
    if high == low:
        return lambda u: low
    cut, width = (mode - low) / (high - low), high - low
    rising, falling = width * (mode - low), width * (high - mode)
    sqrt = math.sqrt
    return lambda u: low + sqrt(u * rising) if u < cut else high - sqrt((1 - u) * falling)


def chooser(weights: dict[str, float]) -> Callable[[float], str]:
    """``choose`` over fixed weights, by bisection of their running shares."""
    keys = list(weights)
    total = sum(weights.values())
    running, cuts = 0.0, []
    for key in keys:
        running += weights[key] / total
        cuts.append(running)
    last = len(keys) - 1
    return lambda u: keys[min(bisect_right(cuts, u), last)]


def sample(dist: Fixed | Exponential | LogNormal | Triangular, u: float) -> float:
    """The value of ``dist`` at quantile ``u`` (inverse transform: same u, same rank)."""
    u = min(max(u, _TINY), 1 - _TINY)
    if isinstance(dist, Fixed):
        return dist.value
    if isinstance(dist, Exponential):
        return -dist.mean * math.log1p(-u)
    if isinstance(dist, LogNormal):
        sigma2 = math.log1p((dist.sd / dist.mean) ** 2)
        mu = math.log(dist.mean) - sigma2 / 2
        return math.exp(mu + math.sqrt(sigma2) * _NORMAL.inv_cdf(u))
    low, mode, high = dist.low, dist.mode, dist.high
    if high == low:
        return low
    cut = (mode - low) / (high - low)
    if u < cut:
        return low + math.sqrt(u * (high - low) * (mode - low))
    return high - math.sqrt((1 - u) * (high - low) * (high - mode))


def poisson(mean: float, u: float) -> int:
    """The Poisson count at quantile ``u`` (inverse transform by summing the pmf)."""
    if mean <= 0:
        return 0
    k, p = 0, math.exp(-mean)
    cumulative = p
    while u > cumulative and k < 1000:
        k += 1
        p *= mean / k
        cumulative += p
    return k


def attempts_until(chance: float, u: float) -> int:
    """Calls until one succeeds, each succeeding with ``chance`` (geometric, at quantile u)."""
    if chance >= 1:
        return 1
    if chance <= 0:
        return 10**9
    return max(1, math.ceil(math.log1p(-min(u, 1 - _TINY)) / math.log1p(-chance)))


def choose(weights: dict[str, float], u: float) -> str:
    """The key whose cumulative share first passes ``u``."""
    total = sum(weights.values())
    running = 0.0
    last = ""
    for key, weight in weights.items():
        running += weight / total
        last = key
        if u < running:
            return key
    return last
