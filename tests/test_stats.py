"""toolforge.stats against published values, and its error rates over repeated simulated runs."""

from __future__ import annotations

import random

import pytest

from toolforge.stats import (compare, difference, fisher_exact, more_needed, sample_size, wilson,
                             z_for, z_test)


def close(a: float, b: float, tol: float = 5e-5) -> bool:
    return abs(a - b) <= tol


@pytest.mark.parametrize("k, n, low, high", [
    # Newcombe (1998), Statistics in Medicine 17:857-872, table I, method 3 (Wilson score)
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0, 0.1611),
    (1, 29, 0.0061, 0.1718),
])
def test_wilson_matches_newcombe_table(k, n, low, high):
    interval = wilson(k, n)
    assert close(interval.low, low) and close(interval.high, high)
    assert interval.estimate == k / n


def test_wilson_edges():
    assert wilson(0, 0) is None
    assert wilson(5, 5).high == 1.0 and wilson(0, 5).low == 0.0
    assert wilson(5, 10, 0.99).low < wilson(5, 10, 0.95).low  # wider at 99 %
    for bad in ((3, 2), (-1, 2), (1, -1)):
        with pytest.raises(ValueError):
            wilson(*bad)
    with pytest.raises(ValueError):
        z_for(1.5)


@pytest.mark.parametrize("k1, n1, k2, n2, low, high", [
    # Newcombe (1998b), Statistics in Medicine 17:873-890, table II, method 10
    (56, 70, 48, 80, 0.0524, 0.3339),
    (9, 10, 3, 10, 0.1705, 0.8090),
    (6, 7, 2, 7, 0.0582, 0.8062),
])
def test_difference_matches_newcombe_method_10(k1, n1, k2, n2, low, high):
    interval = difference(k1, n1, k2, n2)
    assert close(interval.low, low) and close(interval.high, high)
    assert close(interval.estimate, k1 / n1 - k2 / n2, 1e-12)
    assert difference(1, 2, 0, 0) is None


@pytest.mark.parametrize("table, p", [
    # R: fisher.test(matrix(c(3,1,1,3), 2)) (the lady tasting tea) and SciPy's documented examples
    ((3, 4, 1, 4), 0.4857142857),
    ((1, 10, 11, 14), 0.0027594562),
    ((6, 8, 1, 5), 0.1025641026),
])
def test_fisher_exact_known_values(table, p):
    assert close(fisher_exact(*table), p, 1e-9)


def test_fisher_is_symmetric_and_bounded():
    assert fisher_exact(0, 0, 0, 0) == 1.0
    assert fisher_exact(2, 5, 2, 5) == pytest.approx(1.0)
    assert fisher_exact(7, 9, 1, 9) == pytest.approx(fisher_exact(1, 9, 7, 9))


def test_z_test_by_hand():
    # pooled p = 0.375, se = sqrt(.375 * .625 * (1/100 + 1/100)) = 0.0684653, z = 0.15 / se
    z, p = z_test(45, 100, 30, 100)
    assert close(z, 2.19089, 1e-5) and close(p, 0.028460, 1e-6)
    assert z_test(0, 10, 0, 10) == (0.0, 1.0)


def test_compare_picks_the_test_by_expected_counts():
    small = compare(3, 4, 1, 4)
    assert small.test == "fisher" and not small.significant
    large = compare(450, 1000, 300, 1000)
    assert large.test == "z" and large.significant and large.p_value < 1e-10
    assert large.difference.contains(0.15) and not large.difference.contains(0.0)


def test_sample_size_known_values():
    # The textbook figure: 388 per group to tell 50 % from 60 % (alpha 0.05, power 0.8, no
    # continuity correction); 294 for 20 % vs 30 %.
    assert sample_size(0.5, 0.6) == 388
    assert sample_size(0.2, 0.3) == 294
    assert sample_size(0.3, 0.3) is None
    assert sample_size(0.5, 0.6, power=0.9) > 388
    assert more_needed(100, 150, 0.5, 0.1) == (288, 238)
    assert more_needed(500, 500, 0.5, 0.1) == (0, 0)
    assert more_needed(1, 1, 0.95, 0.1) is None
    with pytest.raises(ValueError):
        sample_size(1.2, 0.3)


def _simulate(rng: random.Random, p1: float, p2: float, n: int) -> tuple[int, int]:
    return sum(rng.random() < p1 for _ in range(n)), sum(rng.random() < p2 for _ in range(n))


def test_false_positive_rate_over_repeated_runs():
    """With no true difference, 'significant' comes up about 5 % of the time, and the
    difference's interval contains zero about 95 % of the time."""
    rng = random.Random(20261125)
    runs, n = 2000, 150
    positives = covered = 0
    for _ in range(runs):
        k1, k2 = _simulate(rng, 0.3, 0.3, n)
        result = compare(k1, n, k2, n)
        positives += result.significant
        covered += result.difference.contains(0.0)
    assert 0.03 <= positives / runs <= 0.07
    assert 0.93 <= covered / runs <= 0.97


def test_small_groups_stay_conservative():
    """Fisher's test (chosen for small counts) never exceeds its nominal 5 %."""
    rng = random.Random(7)
    runs, n = 1500, 12
    positives = 0
    for _ in range(runs):
        k1, k2 = _simulate(rng, 0.2, 0.2, n)
        positives += compare(k1, n, k2, n).significant
    assert positives / runs <= 0.05


def test_power_matches_sample_size():
    """At the size sample_size() asks for, a true 10-point difference is found ~80 % of the
    time, and the interval covers the true difference ~95 % of the time."""
    rng = random.Random(99)
    n = sample_size(0.4, 0.3)
    runs = 800
    found = covered = 0
    for _ in range(runs):
        k1, k2 = _simulate(rng, 0.4, 0.3, n)
        result = compare(k1, n, k2, n)
        found += result.significant
        covered += result.difference.contains(0.1)
    assert 0.74 <= found / runs <= 0.86
    assert 0.92 <= covered / runs <= 0.98
