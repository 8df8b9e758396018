"""Disclosure control for published counts: what a report may show about small groups.

Statistics offices publish tables of counts with *cell suppression*: a cell counting fewer
people than a threshold is not shown (primary suppression), and more cells are hidden with it
(complementary suppression) so that the hidden one cannot be worked out by subtracting the
published cells from a published or derivable total. Every breakdown wikitours publishes
(per week, mentor, first tour, language, experiment arm; HTML, CSV and JSON) is a partition of
the same newcomers, so the grand totals are always derivable; with one-way breakdowns that is
the only total two tables share, so protecting each table against its own total protects it
against all of them. The rules, applied to every published count:

- a group (row) is shown only with at least *threshold* newcomers; smaller groups are hidden
  (:func:`suppressed`) or pooled into one "smaller groups" row of at least *threshold*
  newcomers (:func:`pooled`); when the small groups alone do not reach it, the smallest shown
  groups join the pool;
- each outcome cell is a count of its own (the newcomers whose outcome is known): it is shown
  only when at least *threshold* are known, whatever the size of its row ("retained: 1 of 1"
  is never published);
- whenever something is hidden in a column, the hidden cells together are at least two
  non-empty cells and at least *threshold* newcomers, so the total minus what is shown gives
  only a sum over several cells that is itself large enough;
- nothing derived from a hidden cell (its size, rate, interval, a difference, a sample size)
  is published.
"""

from __future__ import annotations

from typing import Sequence

__all__ = ["suppressed", "pooled", "safe"]


def safe(sizes: Sequence[int], hidden: set[int] | frozenset[int], threshold: int) -> bool:
    """Whether hiding *hidden* protects each hidden cell against the column's total: nothing
    hidden, or at least two non-empty hidden cells that together reach *threshold*."""
    nonempty = [i for i in hidden if sizes[i] > 0]
    if not nonempty:
        return True
    return len(nonempty) >= 2 and sum(sizes[i] for i in nonempty) >= threshold


def suppressed(sizes: Sequence[int], threshold: int) -> frozenset[int]:
    """Indices of the cells to hide among *sizes* (one column of a table whose total is
    known): those from 1 to ``threshold - 1`` (0 tells nothing about anyone), then the
    smallest others until the hidden ones are :func:`safe` (or all are hidden)."""
    hidden = {i for i, size in enumerate(sizes) if 0 < size < threshold}
    others = sorted((i for i, size in enumerate(sizes) if i not in hidden and size > 0),
                    key=lambda i: (sizes[i], i))
    for i in others:
        if safe(sizes, hidden, threshold):
            break
        hidden.add(i)
    return frozenset(hidden)


def pooled(sizes: Sequence[int], threshold: int) -> tuple[frozenset[int], bool]:
    """Rows to pool into one "smaller groups" row, and whether that row may be shown.

    The rows below *threshold*, plus the smallest other rows while the pool is below it. The
    pool row is shown when it reaches *threshold*; otherwise every row is in it (all together
    are fewer than *threshold*) and nothing is shown."""
    pool = {i for i, size in enumerate(sizes) if 0 < size < threshold}
    if not pool:
        return frozenset(), False
    others = sorted((i for i, size in enumerate(sizes) if i not in pool and size > 0),
                    key=lambda i: (sizes[i], i))
    for i in others:
        if sum(sizes[j] for j in pool) >= threshold:
            break
        pool.add(i)
    return frozenset(pool), sum(sizes[j] for j in pool) >= threshold
