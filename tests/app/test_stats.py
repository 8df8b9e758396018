"""toolforge.stats against published values, and its error rates over repeated simulated runs."""

from __future__ import annotations

import math
import random

import pytest

from toolforge.stats import (bh_confidence, bonferroni, compare, difference, fisher_exact,
                             interval_p, more_needed, newcombe_cc, planned_total, sample_size,
                             wilson, wilson_cc, z_for, z_test)


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


@pytest.mark.parametrize("k1, n1, k2, n2, low, high", [
    # Newcombe (1998b), Statistics in Medicine 17:873-890, table II, method 11
    (56, 70, 48, 80, 0.0428, 0.3422),
    (9, 10, 3, 10, 0.1013, 0.8387),
])
def test_corrected_difference_matches_newcombe_method_11(k1, n1, k2, n2, low, high):
    interval = newcombe_cc(k1, n1, k2, n2)
    assert close(interval.low, low) and close(interval.high, high)
    assert newcombe_cc(1, 2, 0, 0) is None
    # the correction only widens
    plain = difference(k1, n1, k2, n2)
    assert interval.low <= plain.low and interval.high >= plain.high
    assert wilson_cc(0, 10).low == 0.0 and wilson_cc(10, 10).high == 1.0


def test_compare_gives_one_verdict_read_from_its_interval():
    small = compare(3, 4, 1, 4)
    assert small.test == "newcombe-cc" and not small.significant
    large = compare(450, 1000, 300, 1000)
    assert large.significant and large.p_value < 1e-10
    assert large.difference.contains(0.15) and not large.difference.contains(0.0)
    assert compare(0, 0, 3, 10).difference is None and not compare(0, 0, 3, 10).significant
    with pytest.raises(ValueError):
        compare(1, 2, 1, 2, alpha=0)


def test_test_and_interval_never_disagree():
    """The old report (a z or Fisher test next to Newcombe's interval) disagreed in 134 of
    20,000 random tables; the verdict is now the interval's, and the p-value its inversion."""
    rng = random.Random(134)
    disagreements = 0
    for _ in range(20000):
        n1, n2 = rng.randint(1, 200), rng.randint(1, 200)
        k1, k2 = rng.randint(0, n1), rng.randint(0, n2)
        c = compare(k1, n1, k2, n2)
        excludes = c.difference.low > 0 or c.difference.high < 0
        by_p = c.p_value < 0.05
        if c.significant != excludes or (by_p != excludes and abs(c.p_value - 0.05) > 1e-6):
            disagreements += 1
    assert disagreements == 0
    # the p-value is where the interval touches 0
    p = interval_p(30, 100, 45, 100)
    assert newcombe_cc(30, 100, 45, 100, 1 - p * 1.001).high < 0 < newcombe_cc(
        30, 100, 45, 100, 1 - p * 0.999).high
    assert interval_p(3, 10, 30, 100) == 1.0


def test_multiplicity_levels():
    assert bonferroni(0.05, 2) == 0.025 and bonferroni(0.05, 0) == 0.05
    # BH: the largest i with p_(i) <= i * alpha / m is 2 here (0.02 <= 2 * 0.05 / 4)
    confidence, findings = bh_confidence([0.001, 0.02, 0.2, 0.9], 0.05)
    assert findings == 2 and confidence == pytest.approx(1 - 2 * 0.05 / 4)
    assert bh_confidence([0.5, 0.9], 0.05) == (pytest.approx(1 - 0.05 / 2), 0)
    assert bh_confidence([], 0.05) == (pytest.approx(0.95), 0)
    # exactly the selected comparisons' intervals exclude 0 at the BH confidence
    rng = random.Random(5)
    for _ in range(200):
        tables = [(rng.randint(0, 60), 60, rng.randint(0, 60), 60) for _ in range(8)]
        ps = [interval_p(*t) for t in tables]
        confidence, findings = bh_confidence(ps, 0.05)
        flagged = [compare(*t, alpha=1 - confidence).significant for t in tables]
        assert sum(flagged) == findings


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
    # unequal arms: a control three times the variant needs fewer variant newcomers
    variant, control = more_needed(0, 0, 0.5, 0.1, ratio=3)
    assert variant < 388 and control == math.ceil(variant * 3) and variant + control > 2 * 388
    assert planned_total(0.5, 0.1, [1, 1]) == 2 * 388
    assert planned_total(0.5, 0.1, [3, 1]) == math.ceil(variant * 4)
    assert planned_total(0.5, 0.1, [1, 1, 1], alpha=0.025) > 3 * 388
    assert planned_total(0.5, 0.0, [1, 1]) is None
    with pytest.raises(ValueError):
        sample_size(1.2, 0.3)


def _simulate(rng: random.Random, p1: float, p2: float, n: int) -> tuple[int, int]:
    return sum(rng.random() < p1 for _ in range(n)), sum(rng.random() < p2 for _ in range(n))


def test_false_positive_rate_over_repeated_runs():
    """With no true difference, 'significant' comes up at most about 5 % of the time (the
    corrected interval is slightly conservative), and the interval contains zero at least
    about 95 % of the time. 2,000 runs: binomial SE 0.5 %, the bounds allow 2.33 SE."""
    rng = random.Random(20261125)
    runs, n = 2000, 150
    positives = covered = 0
    for _ in range(runs):
        k1, k2 = _simulate(rng, 0.3, 0.3, n)
        result = compare(k1, n, k2, n)
        positives += result.significant
        covered += result.difference.contains(0.0)
    assert 0.02 <= positives / runs <= 0.0614
    assert covered / runs >= 0.9386


@pytest.mark.parametrize("n, p", [(12, 0.2), (25, 0.5), (50, 0.3)])
def test_small_groups_stay_conservative(n, p):
    """Even with small groups (where the uncorrected interval reaches about 7 %) the verdict
    stays at or below its nominal 5 %."""
    rng = random.Random(n)
    runs = 1500
    positives = 0
    for _ in range(runs):
        k1, k2 = _simulate(rng, p, p, n)
        positives += compare(k1, n, k2, n).significant
    assert positives / runs <= 0.05 + 2.33 * math.sqrt(0.05 * 0.95 / runs)


def test_power_matches_sample_size():
    """At the size sample_size() asks for (no continuity correction), a true 10-point
    difference is found about 80 % of the time (a little less: the verdict's interval is
    corrected), and the interval covers the true difference about 95 % of the time."""
    rng = random.Random(99)
    n = sample_size(0.4, 0.3)
    runs = 800
    found = covered = 0
    for _ in range(runs):
        k1, k2 = _simulate(rng, 0.4, 0.3, n)
        result = compare(k1, n, k2, n)
        found += result.significant
        covered += result.difference.contains(0.1)
    assert 0.70 <= found / runs <= 0.86
    assert 0.93 <= covered / runs <= 0.99
