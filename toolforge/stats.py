"""Numbers a community can trust: proportions with intervals, differences, tests, sample sizes.

Pure functions from the standard library only (``math`` and ``statistics.NormalDist``), written
from the formulas and tested against published values (see ``tests/test_stats.py``):

- :func:`wilson`: Wilson's score interval for one proportion (Wilson 1927). It stays inside
  [0, 1] and behaves with small counts and with 0 % or 100 %, unlike the textbook Wald interval.
- :func:`difference`: the difference of two proportions with Newcombe's hybrid score interval
  (Newcombe 1998, method 10), built from the two Wilson intervals.
- :func:`z_test`: the pooled two-proportion z-test (two-sided), for large counts.
- :func:`fisher_exact`: Fisher's exact test (two-sided, summing tables no more likely than the
  one seen, as R's ``fisher.test`` does), for small counts.
- :func:`compare`: picks Fisher when any expected cell count is below 5, else the z-test, and
  says which one it used.
- :func:`sample_size` and :func:`more_needed`: newcomers per group needed to detect a given
  difference with a given power (the normal-approximation formula without continuity
  correction), and how many more an experiment still needs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

__all__ = ["Interval", "Comparison", "wilson", "difference", "z_test", "fisher_exact",
           "compare", "sample_size", "more_needed", "z_for"]

_NORMAL = NormalDist()


def z_for(confidence: float) -> float:
    """The two-sided normal quantile for a confidence level (0.95 → 1.959964)."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence!r}")
    return _NORMAL.inv_cdf(1 - (1 - confidence) / 2)


@dataclass(frozen=True)
class Interval:
    """An estimate with its confidence interval (all as fractions, not percent)."""

    estimate: float
    low: float
    high: float

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high


def _check_counts(k: int, n: int) -> None:
    if not (isinstance(k, int) and isinstance(n, int)) or n < 0 or k < 0 or k > n:
        raise ValueError(f"need 0 <= successes <= total, got {k!r} of {n!r}")


def wilson(k: int, n: int, confidence: float = 0.95) -> Interval | None:
    """Wilson score interval for *k* successes out of *n*; None when *n* is 0."""
    _check_counts(k, n)
    if n == 0:
        return None
    z = z_for(confidence)
    p = k / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    # The exact ends at 0 and n (rounding would otherwise leave 1e-17 outside [0, 1]).
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return Interval(p, low, high)


def difference(k1: int, n1: int, k2: int, n2: int,
               confidence: float = 0.95) -> Interval | None:
    """p1 − p2 with Newcombe's hybrid score interval; None when a group is empty."""
    a, b = wilson(k1, n1, confidence), wilson(k2, n2, confidence)
    if a is None or b is None:
        return None
    d = a.estimate - b.estimate
    low = d - math.sqrt((a.estimate - a.low) ** 2 + (b.high - b.estimate) ** 2)
    high = d + math.sqrt((a.high - a.estimate) ** 2 + (b.estimate - b.low) ** 2)
    return Interval(d, max(-1.0, low), min(1.0, high))


def z_test(k1: int, n1: int, k2: int, n2: int) -> tuple[float, float]:
    """Pooled two-proportion z-test: ``(z, two-sided p)``. ``(0, 1)`` when nothing varies."""
    _check_counts(k1, n1)
    _check_counts(k2, n2)
    if n1 == 0 or n2 == 0:
        return 0.0, 1.0
    pooled = (k1 + k2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return 0.0, 1.0
    z = (k1 / n1 - k2 / n2) / se
    return z, min(1.0, math.erfc(abs(z) / math.sqrt(2)))


def _log_choose(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def fisher_exact(k1: int, n1: int, k2: int, n2: int) -> float:
    """Two-sided p of Fisher's exact test on the table [[k1, n1−k1], [k2, n2−k2]].

    Sums the hypergeometric probabilities of every table with the same margins that is no
    more likely than the observed one (with R's relative tolerance of 1e-7).
    """
    _check_counts(k1, n1)
    _check_counts(k2, n2)
    successes, total = k1 + k2, n1 + n2
    if total == 0:
        return 1.0
    low, high = max(0, successes - n2), min(successes, n1)
    base = _log_choose(total, successes)

    def log_p(x: int) -> float:
        return _log_choose(n1, x) + _log_choose(n2, successes - x) - base

    observed = log_p(k1)
    threshold = observed + math.log1p(1e-7)
    p = sum(math.exp(log_p(x)) for x in range(low, high + 1) if log_p(x) <= threshold)
    return min(1.0, p)


@dataclass(frozen=True)
class Comparison:
    """One outcome compared between a variant (1) and the control (2)."""

    difference: Interval | None
    p_value: float
    test: str  # "fisher" or "z"
    significant: bool
    alpha: float


def compare(k1: int, n1: int, k2: int, n2: int, alpha: float = 0.05) -> Comparison:
    """Difference with its interval and a test: Fisher's when an expected count is under 5."""
    total, successes = n1 + n2, k1 + k2
    expected = [n * s / total for n in (n1, n2) for s in (successes, total - successes)] \
        if total else [0.0]
    if min(expected) < 5:
        test, p = "fisher", fisher_exact(k1, n1, k2, n2)
    else:
        test, p = "z", z_test(k1, n1, k2, n2)[1]
    diff = difference(k1, n1, k2, n2, 1 - alpha)
    return Comparison(diff, p, test, bool(n1 and n2) and p < alpha, alpha)


def sample_size(p1: float, p2: float, alpha: float = 0.05, power: float = 0.8,
                ratio: float = 1.0) -> int | None:
    """Newcomers needed in group 1 to detect p1 vs p2 (group 2 gets ``ratio`` times as many).

    The normal-approximation formula for a two-sided test of two proportions, without
    continuity correction. None when p1 == p2 (no finite sample detects no difference).
    """
    for p in (p1, p2):
        if not 0 <= p <= 1:
            raise ValueError(f"proportions must be between 0 and 1, not {p!r}")
    if not 0 < power < 1 or ratio <= 0:
        raise ValueError("power must be between 0 and 1 and ratio positive")
    if p1 == p2:
        return None
    za, zb = z_for(1 - alpha), _NORMAL.inv_cdf(power)
    mean = (p1 + ratio * p2) / (1 + ratio)
    spread = za * math.sqrt(mean * (1 - mean) * (1 + 1 / ratio)) + zb * math.sqrt(
        p1 * (1 - p1) + p2 * (1 - p2) / ratio)
    return math.ceil(spread ** 2 / (p1 - p2) ** 2)


def more_needed(n_variant: int, n_control: int, baseline: float, effect: float,
                alpha: float = 0.05, power: float = 0.8) -> tuple[int, int] | None:
    """How many more newcomers ``(variant, control)`` are needed to detect *effect*.

    *baseline* is the control's rate (e.g. 0.30) and *effect* the absolute change worth
    knowing about (e.g. +0.05). Assumes equal groups, as a split experiment makes them.
    None when the effect is zero or pushes the rate outside [0, 1].
    """
    target = baseline + effect
    if effect == 0 or not 0 <= target <= 1 or not 0 <= baseline <= 1:
        return None
    need = sample_size(target, baseline, alpha, power)
    if need is None:
        return None
    return max(0, need - n_variant), max(0, need - n_control)
