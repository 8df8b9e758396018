"""Numbers a community can trust: proportions with intervals, differences, tests, sample sizes.

Pure functions from the standard library only (``math`` and ``statistics.NormalDist``), written
from the formulas and tested against published values (see ``tests/app/test_stats.py``):

- :func:`wilson`: Wilson's score interval for one proportion (Wilson 1927). It stays inside
  [0, 1] and behaves with small counts and with 0 % or 100 %, unlike the textbook Wald interval.
- :func:`difference`: the difference of two proportions with Newcombe's hybrid score interval
  (Newcombe 1998, method 10), built from the two Wilson intervals.
- :func:`z_test`: the pooled two-proportion z-test (two-sided), for large counts.
- :func:`fisher_exact`: Fisher's exact test (two-sided, summing tables no more likely than the
  one seen, as R's ``fisher.test`` does), for small counts.
- :func:`wilson_cc` and :func:`newcombe_cc`: the same with a continuity correction (Newcombe
  1998, methods 4 and 11). Slightly wider, and the test they imply stays at or below its
  nominal level even for small groups, which the uncorrected ones do not (about 7 % at 5 %
  with 25 per group and a 50 % rate).
- :func:`compare`: ONE verdict per comparison. The verdict is whether the continuity-corrected
  Newcombe interval excludes 0, and the p-value is that interval inverted (the smallest
  ``1 - confidence`` whose interval excludes 0), so the verdict, the interval and the p-value
  always agree. (Reporting a z or Fisher test next to an interval that was not built from it
  disagreed in 134 of 20,000 simulated cases.) Fisher's and the z-test stay available.
- :func:`bonferroni` and :func:`bh_confidence`: multiplicity control. A decision between
  several variants and the control uses Bonferroni's level (simultaneous intervals: any
  verdict is the interval's); exploratory comparisons use Benjamini-Hochberg, with the
  Benjamini-Yekutieli false-coverage interval at ``1 - R·alpha/m`` (R the number of findings),
  which excludes 0 exactly for the comparisons BH selects.
- :func:`sample_size`, :func:`more_needed` and :func:`planned_total`: newcomers needed to
  detect a given difference with a given power (the normal-approximation formula without
  continuity correction), for unequal arms too (``ratio`` / weights).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Sequence
from statistics import NormalDist

__all__ = ["Interval", "Comparison", "wilson", "wilson_cc", "difference", "newcombe_cc",
           "z_test", "fisher_exact", "compare", "interval_p", "bonferroni", "bh_confidence",
           "sample_size", "more_needed", "planned_total", "z_for", "Cell"]

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


def _wilson_cc_z(k: int, n: int, z: float) -> tuple[float, float, float]:
    p, z2 = k / n, z * z
    low = 0.0 if k == 0 else max(0.0, (2 * n * p + z2 - 1 - z * math.sqrt(max(
        0.0, z2 - 2 - 1 / n + 4 * p * (n * (1 - p) + 1)))) / (2 * (n + z2)))
    high = 1.0 if k == n else min(1.0, (2 * n * p + z2 + 1 + z * math.sqrt(max(
        0.0, z2 + 2 - 1 / n + 4 * p * (n * (1 - p) - 1)))) / (2 * (n + z2)))
    return p, low, high


def wilson_cc(k: int, n: int, confidence: float = 0.95) -> Interval | None:
    """Wilson's interval with continuity correction (Newcombe 1998, method 4)."""
    _check_counts(k, n)
    if n == 0:
        return None
    return Interval(*_wilson_cc_z(k, n, z_for(confidence)))


def _newcombe_cc_z(k1: int, n1: int, k2: int, n2: int, z: float) -> Interval:
    a, al, ah = _wilson_cc_z(k1, n1, z)
    b, bl, bh = _wilson_cc_z(k2, n2, z)
    d = a - b
    low = d - math.sqrt((a - al) ** 2 + (bh - b) ** 2)
    high = d + math.sqrt((ah - a) ** 2 + (b - bl) ** 2)
    return Interval(d, max(-1.0, low), min(1.0, high))


def newcombe_cc(k1: int, n1: int, k2: int, n2: int,
                confidence: float = 0.95) -> Interval | None:
    """p1 − p2 with Newcombe's interval from continuity-corrected Wilson intervals (method
    11); None when a group is empty."""
    _check_counts(k1, n1)
    _check_counts(k2, n2)
    if n1 == 0 or n2 == 0:
        return None
    return _newcombe_cc_z(k1, n1, k2, n2, z_for(confidence))


def _excludes_zero(interval: Interval) -> bool:
    return interval.low > 0 or interval.high < 0


def interval_p(k1: int, n1: int, k2: int, n2: int) -> float:
    """The p-value the corrected Newcombe interval implies: the smallest ``1 - confidence``
    at which it excludes 0 (found by bisection on z; 1 when the rates are equal)."""
    _check_counts(k1, n1)
    _check_counts(k2, n2)
    if n1 == 0 or n2 == 0 or k1 * n2 == k2 * n1:
        return 1.0
    low, high = 0.0, 12.0  # z = 12 is a p of 4e-33: below that "p < 1e-32" is enough
    if _excludes_zero(_newcombe_cc_z(k1, n1, k2, n2, high)):
        return math.erfc(high / math.sqrt(2))
    for _ in range(32):  # z to 3e-9: far finer than the three digits shown
        middle = (low + high) / 2
        if _excludes_zero(_newcombe_cc_z(k1, n1, k2, n2, middle)):
            low = middle
        else:
            high = middle
    return min(1.0, math.erfc(high / math.sqrt(2)))


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
    """One outcome compared between a variant (1) and the control (2).

    *difference* is the interval at *confidence*; *significant* is, by construction, whether
    that interval excludes 0 (never a second, separate test)."""

    difference: Interval | None
    p_value: float
    significant: bool
    alpha: float
    confidence: float = 0.95
    test: str = "newcombe-cc"


def compare(k1: int, n1: int, k2: int, n2: int, alpha: float = 0.05,
            p_value: float | None = None) -> Comparison:
    """The difference with its corrected Newcombe interval at ``1 - alpha``, the verdict
    read from that interval, and the p-value the interval implies (*p_value*: already
    computed by :func:`interval_p` for these counts)."""
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, not {alpha!r}")
    diff = newcombe_cc(k1, n1, k2, n2, 1 - alpha)
    significant = diff is not None and _excludes_zero(diff)
    p = interval_p(k1, n1, k2, n2) if p_value is None else p_value
    return Comparison(diff, p, significant, alpha, 1 - alpha)


def bonferroni(alpha: float, comparisons: int) -> float:
    """The level of each of *comparisons* tests so that all of them together stay at *alpha*."""
    return alpha / max(1, comparisons)


def bh_confidence(p_values: Sequence[float], alpha: float = 0.05) -> tuple[float, int]:
    """Benjamini-Hochberg over *p_values*: ``(confidence, findings)``.

    *findings* (R) is how many BH selects at false discovery rate *alpha*; the
    Benjamini-Yekutieli false-coverage-rate interval for every comparison is at
    ``1 - max(R, 1)·alpha/m``: exactly the selected ones exclude 0 there. With no true
    difference anywhere, BH's false discovery rate is its family-wise error rate."""
    m = len(p_values)
    if m == 0:
        return 1 - alpha, 0
    ranked = sorted(p_values)
    findings = max((i for i in range(1, m + 1) if ranked[i - 1] <= i * alpha / m), default=0)
    return 1 - max(findings, 1) * alpha / m, findings


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
                alpha: float = 0.05, power: float = 0.8, ratio: float = 1.0
                ) -> tuple[int, int] | None:
    """How many more newcomers ``(variant, control)`` are needed to detect *effect*.

    *baseline* is the control's rate (e.g. 0.30) and *effect* the absolute change worth
    knowing about (e.g. +0.05). *ratio* is control ÷ variant, as the weights split them
    (1 for equal arms). None when the effect is zero or pushes the rate outside [0, 1].
    """
    target = baseline + effect
    if effect == 0 or not 0 <= target <= 1 or not 0 <= baseline <= 1:
        return None
    need = sample_size(target, baseline, alpha, power, ratio)
    if need is None:
        return None
    return max(0, need - n_variant), max(0, math.ceil(need * ratio) - n_control)


def planned_total(baseline: float, effect: float, weights: Sequence[float],
                  alpha: float = 0.05, power: float = 0.8, control: int = 0) -> int | None:
    """Participants needed in all, split by *weights* (``weights[control]`` is the control's),
    so that each variant can detect *effect* against the control at level *alpha* (already
    corrected for the number of comparisons) with *power*. The largest over the variants;
    None when no variant can (an effect of 0, or one beyond 0-100 %)."""
    total_weight = sum(weights)
    best: int | None = None
    for i, weight in enumerate(weights):
        if i == control:
            continue
        ratio = weights[control] / weight
        target = baseline + effect if 0 <= baseline + effect <= 1 else baseline - effect
        if effect <= 0 or not 0 <= target <= 1:
            return None
        need = sample_size(target, baseline, alpha, power, ratio)
        if need is None:
            return None
        total = math.ceil(need * total_weight / weight)
        best = total if best is None else max(best, total)
    return best


@dataclass(frozen=True)
class Cell:
    """One outcome in one group: ``yes`` of ``known`` (the others are not known yet)."""

    yes: int
    known: int
    interval: Interval | None

    @classmethod
    def of(cls, values: Iterable[bool | None], confidence: float = 0.95) -> "Cell":
        known = [v for v in values if v is not None]
        yes = sum(1 for v in known if v)
        return cls(yes, len(known), wilson(yes, len(known), confidence))
