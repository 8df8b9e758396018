"""An experiment's report: its design, one decision at the horizon, exploratory hints.

Pure functions over outcome rows (cached :class:`~toolforge.models_outcomes.OutcomeRow` or
:class:`~toolforge.outcomes.Outcome`). The rules, so that a community can trust the result:

- **One pre-registered question.** The design on ``Project:Wikitours/Experiments.json``
  names the primary outcome, the smallest effect worth detecting and a planned size and/or
  end date (:class:`bot.experiments.Design`). Only the primary outcome gets a decision.
- **A fixed horizon.** Before the planned size is reached (or the end date has passed) and
  the primary outcome of every participant is known, the report compares nothing: it shows
  how far the experiment has come. Looking early and often then cannot turn chance into a
  finding; the bot stops taking participants at the horizon, so the decision, once made,
  is made on a fixed group and does not change from refresh to refresh.
- **Multiplicity.** With several variants, each is compared with the control at
  ``alpha / (variants - 1)`` (Bonferroni): the chance of any false decision stays at or
  below ``alpha``. Every other outcome is *exploratory*: compared at the horizon with
  Benjamini-Hochberg over all of them and intervals at the matching false-coverage level
  (:func:`toolforge.stats.bh_confidence`), and labelled as hints, never as decisions.
- **One verdict.** Every verdict is read from the interval shown next to it
  (:func:`toolforge.stats.compare`).
- **Disclosure control.** Arms and cells come from the same protected table as the
  per-variant breakdown (:func:`toolforge.reports.publish`, one table for all experiments, so
  no figure differs between pages); nothing is derived from a hidden cell.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Sequence

from contracts.experiments import Design

from . import stats

__all__ = ["Arm", "Finding", "Horizon", "ExperimentReport", "experiment", "design_from"]


def design_from(entry: dict | None) -> tuple[Design | None, tuple[tuple[str, float], ...],
                                             bool, bool]:
    """``(design, arms with weights, active, changed)`` from a stored design entry."""
    entry = entry if isinstance(entry, dict) else {}
    raw = entry.get("design")
    design = None
    if isinstance(raw, dict) and isinstance(raw.get("primary"), str):
        try:
            design = Design(raw["primary"], float(raw["minimum-effect"]),
                            int(raw["planned-size"]) if raw.get("planned-size") else None,
                            str(raw["end"]) if raw.get("end") else None)
        except (KeyError, TypeError, ValueError):
            design = None
    raw_arms = entry.get("variants")
    arms = tuple((v[0], float(v[1])) for v in raw_arms if isinstance(v, (list, tuple))
                 and len(v) == 2 and isinstance(v[0], str)
                 and isinstance(v[1], (int, float)) and not isinstance(v[1], bool)
                 and v[1] > 0) if isinstance(raw_arms, list) else ()
    return design, arms, bool(entry.get("active", True)), bool(entry.get("changed"))


@dataclass(frozen=True)
class Arm:
    """One variant as published: no size and no cells when it is hidden."""

    variant: str
    shown: bool
    newcomers: int | None
    cells: dict[str, Any]  # outcome -> Cell, or None when that cell is hidden


@dataclass(frozen=True)
class Finding:
    """One variant compared with the control on one outcome.

    *kind* (decisions only): ``higher`` / ``lower`` (the interval excludes 0), ``within``
    (the interval lies inside ± the minimum effect: no change that large), ``unclear``."""

    variant: str
    outcome: str
    comparison: stats.Comparison
    kind: str = ""


@dataclass(frozen=True)
class Horizon:
    planned_size: int | None
    end: str | None
    reached: bool
    participants: int | None  # None when publishing it would reveal a hidden arm
    pending: bool  # some participants' primary outcome is not known yet


@dataclass(frozen=True)
class ExperimentReport:
    name: str
    control: str
    arms: tuple[Arm, ...]
    design: Design | None
    alpha: float
    stage: str  # "no-design", "collecting" or "decided"
    horizon: Horizon | None
    decisions: tuple[Finding, ...]  # the primary outcome, one per variant (at the horizon)
    undecided: tuple[str, ...]  # variants whose primary cells are hidden at the horizon
    decision_confidence: float
    exploratory: tuple[Finding, ...]
    exploratory_confidence: float
    findings: int  # exploratory comparisons whose corrected interval excludes 0
    needed: int | None  # participants needed in all for the minimum effect
    changed: bool  # the configuration's variants or weights differ from the recorded ones
    active: bool


def _value(row: Any, attribute: str) -> str:
    return str(getattr(row, attribute, "") or "")


def _kind(interval: stats.Interval, effect: float) -> str:
    if interval.low > 0:
        return "higher"
    if interval.high < 0:
        return "lower"
    if -effect < interval.low and interval.high < effect:
        return "within"
    return "unclear"


def experiment(rows: Sequence[Any], name: str, published: dict[str, Any],
               entry: dict | None = None, now: dt.datetime | None = None,
               alpha: float = 0.05, outcomes: Sequence[str] = ()) -> ExperimentReport:
    """The report of experiment *name*.

    *published* maps ``"<experiment>/<variant>"`` to the protected group of the per-variant
    table (:func:`toolforge.reports.publish`; absent: hidden). *entry* is the stored design
    (:func:`toolforge.outcomes_fetch.design_entry`); *now* decides whether the end date has
    passed (the time of the refresh, so every look at the same cache agrees)."""
    from .outcomes import OUTCOMES

    outcomes = tuple(outcomes or OUTCOMES)
    design, weighted, active, changed = design_from(entry)
    members = [r for r in rows if _value(r, "experiment") == name]
    seen = sorted({_value(r, "variant") for r in members})
    order = list(dict.fromkeys([*(v for v, _ in weighted), *seen]))
    control = "control" if "control" in order else (order[0] if order else "control")
    order = [control, *[v for v in order if v != control]] if order else []
    from .reports import Cell

    sizes = {v: sum(1 for r in members if _value(r, "variant") == v) for v in order}
    arms = []
    for variant in order:
        group = published.get(f"{name}/{variant}")
        if group is None and sizes[variant] == 0:  # nobody in it: nothing to protect
            arms.append(Arm(variant, True, 0, {o: Cell(0, 0, None) for o in outcomes}))
            continue
        arms.append(Arm(variant, group is not None, group.newcomers if group else None,
                        dict(group.cells) if group else {}))
    by_variant = {a.variant: a for a in arms}
    empty = ExperimentReport(name, control, tuple(arms), design, alpha, "no-design", None, (),
                             (), 1 - alpha, (), 1 - alpha, 0, None, changed, active)
    if design is None or design.primary not in outcomes:
        return empty
    all_shown = all(a.shown for a in arms)
    pending = any(_value(r, "registration") and getattr(r, design.primary, None) is None
                  for r in members)
    size_reached = bool(design.planned_size and len(members) >= design.planned_size)
    date_reached = bool(design.end and now is not None
                        and now.date().isoformat() > design.end)
    reached = (size_reached or date_reached) and not pending and bool(members)
    horizon = Horizon(design.planned_size, design.end, reached,
                      len(members) if all_shown else None, pending)
    others = [a for a in arms if a.variant != control]
    level = stats.bonferroni(alpha, len(others))
    weights = dict(weighted)
    needed = _needed(by_variant.get(control), design, [a.variant for a in arms], weights, level)
    base = dict(name=name, control=control, arms=tuple(arms), design=design, alpha=alpha,
                horizon=horizon, decision_confidence=1 - level, needed=needed,
                changed=changed, active=active)
    if not reached:
        return ExperimentReport(stage="collecting", decisions=(), undecided=(),
                                exploratory=(), exploratory_confidence=1 - alpha, findings=0,
                                **base)
    effect = design.minimum_effect / 100
    decisions, undecided = [], []
    control_cells = by_variant[control].cells if control in by_variant else {}
    for arm in others:
        pair = _pair(arm.cells.get(design.primary), control_cells.get(design.primary))
        if pair is None:
            undecided.append(arm.variant)
            continue
        comparison = stats.compare(*pair, alpha=level)
        decisions.append(Finding(arm.variant, design.primary, comparison,
                                 _kind(comparison.difference, effect)))
    candidates = []
    for arm in others:
        for outcome in outcomes:
            if outcome == design.primary:
                continue
            pair = _pair(arm.cells.get(outcome), control_cells.get(outcome))
            if pair is not None:
                candidates.append((arm.variant, outcome, pair))
    p_values = [stats.interval_p(*pair) for _, _, pair in candidates]
    confidence, findings = stats.bh_confidence(p_values, alpha)
    exploratory = tuple(Finding(v, o, stats.compare(*pair, alpha=1 - confidence, p_value=p))
                        for (v, o, pair), p in zip(candidates, p_values))
    return ExperimentReport(stage="decided", decisions=tuple(decisions),
                            undecided=tuple(undecided), exploratory=exploratory,
                            exploratory_confidence=confidence,
                            findings=sum(f.comparison.significant for f in exploratory),
                            **base)


def _pair(cell: Any, control: Any) -> tuple[int, int, int, int] | None:
    if cell is None or control is None or not cell.known or not control.known:
        return None
    return cell.yes, cell.known, control.yes, control.known


def _needed(control: Arm | None, design: Design, order: Sequence[str],
            weights: dict[str, float], level: float) -> int | None:
    """Participants needed in all (split by the weights) for the minimum effect, at the
    control's published primary rate (50 %, the most demanding, when it is hidden)."""
    cell = control.cells.get(design.primary) if control else None
    baseline = cell.yes / cell.known if cell is not None and cell.known else 0.5
    split = [weights.get(v, 1.0) for v in order]
    if len(split) < 2:
        return None
    return stats.planned_total(baseline, design.minimum_effect / 100, split, level, 0.8, 0)
