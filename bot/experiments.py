"""Controlled experiments run from the wiki, the bot's side: taking part, saving assignments.

The configuration page, the record pages, the assignment rule and the design are the contract
in :mod:`contracts.experiments` (read there by the bot and the app alike; the format is
described there and in ``docs/contracts.md``). Here: the problems of the configuration page as
the bot shows them (:class:`Problem`, in the wiki's language), :class:`Trial` (who takes part
in which experiment when the bot welcomes them) and :func:`save_assignments`, the edges that
read and edit the wiki.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from contracts import experiments as contract
from contracts.experiments import (  # noqa: F401  (the contract, as the bot's modules use it)
    MAX_REPORT_THRESHOLD, OUTCOME_NAMES, Assignment, Design, Experiment, Record, Variant, assign,
    bucket, choose, config_title, design_of, design_record, marker_attrs, parse_assignments,
    parse_record, record_title, render_assignments, tours_for, verify)
from tours.problemkinds import from_message
from tours.problemtext import settle

__all__ = ["Problem", "parse_config", "parse_report_threshold", "save_assignments", "Trial",
           "closed_reason"]


@dataclass(frozen=True)
class Problem:
    """``PAGE:LINE:COLUMN: what is wrong`` plus how to fix it.

    Like :class:`tours.model.Problem`, a :class:`~tours.problemtext.Text` given as *message*
    is kept in *text* (with the English in *message*), so the problem can be shown in the
    wiki's language (:func:`tours.problemtext.problem_in`)."""

    page: str
    line: int
    column: int
    message: str
    hint: str = ""
    text: object = field(default=None, compare=False, repr=False)
    hint_text: object = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        settle(self)

    def __str__(self) -> str:
        return f"{self.page}:{self.line}:{self.column}: {self.message}"


def _shown(problems: list[contract.Problem]) -> list[Problem]:
    return [Problem(p.page, p.line, p.column, from_message(p.message)) for p in problems]


def parse_config(text: str, page: str = "Project:Wikitours/Experiments.json"
                 ) -> tuple[tuple[Experiment, ...], list[Problem]]:
    """:func:`contracts.experiments.parse_config` with problems the bot can show."""
    found, problems = contract.parse_config(text, page)
    return found, _shown(problems)


def parse_report_threshold(text: str, page: str = "Project:Wikitours/Experiments.json"
                           ) -> tuple[int | None, list[Problem]]:
    """:func:`contracts.experiments.parse_report_threshold` with problems the bot can show."""
    value, problems = contract.parse_report_threshold(text, page)
    return value, _shown(problems)


def save_assignments(wiki, new: Sequence[Assignment], summary: Callable[[str, int], str],
                     project: str = "Project:Wikitours", log: Callable[[str], None] = print,
                     designs: dict[str, dict] | None = None
                     ) -> list[str]:
    """Append this run's assignments to each experiment's record page (guarded edits).

    *wiki* is a :class:`wikiapi.client.Wiki`. On a conflict the page is re-read and the entries
    merged again once. The page keeps the design it was started with; a page without one
    gets *designs*' entry for the experiment (the current one). Returns the experiments
    whose record could not be saved.
    """
    by_name: dict[str, list[Assignment]] = {}
    for a in new:
        by_name.setdefault(a.experiment, []).append(a)
    failed = []
    for name, entries in by_name.items():
        title = record_title(name, project)
        for _ in range(2):
            page = wiki.read([title])[title]
            record = parse_record(page.text)
            old = record.assignments
            known = {a.username for a in old}
            merged = list(old) + [a for a in entries if a.username not in known]
            if len(merged) == len(old):
                break
            frozen = record.raw if record.design else (designs or {}).get(name)
            result = wiki.save(page, render_assignments(name, merged, frozen),
                               summary(name, len(merged) - len(old)), model="json")
            if result.ok:
                break
            if result.status not in ("conflict", "exists", "missing"):
                log(f"[[{title}]] not saved: {result.info}")
                failed.append(name)
                break
        else:
            failed.append(name)
    return failed


class Trial:
    """The experiments of one bot run: what each newcomer's welcome looks like, and the
    assignments to record at the end. Built from the configuration page's text, so a missing
    or broken page simply means no experiment (its problems are logged)."""

    def __init__(self, experiments: Sequence[Experiment] = (), now: str = "") -> None:
        self.experiments = tuple(experiments)
        self.now = now
        self.pending: dict[str, Assignment] = {}
        self.assigned: list[Assignment] = []
        #: per experiment: the recorded arm of each participant (the recorded arm wins)
        self.recorded: dict[str, dict[str, str]] = {}
        #: experiments that take nobody new (changed design, horizon reached)
        self.closed: set[str] = set()

    @classmethod
    def from_page(cls, text: str, title: str, now: str,
                  log: Callable[[str], None] = print) -> "Trial":
        experiments, problems = parse_config(text, title)
        for problem in problems:
            log(str(problem))
        return cls(experiments, now)

    def load_records(self, wiki, project: str = "Project:Wikitours",
                     log: Callable[[str], None] = print) -> None:
        """Read the active experiments' record pages (one request): participants keep their
        recorded arm, and an experiment whose design changed since it started, or that has
        reached its planned size or end date, takes nobody new."""
        active = [e for e in self.experiments if e.active]
        if not active:
            return
        titles = {e.name: record_title(e.name, project) for e in active}
        pages = wiki.read(list(titles.values()))
        for experiment in active:
            page = pages.get(titles[experiment.name])
            record = parse_record(getattr(page, "text", "") or "")
            self.recorded[experiment.name] = {a.username: a.variant
                                              for a in record.assignments}
            reason = closed_reason(experiment, record, self.now)
            if reason:
                self.closed.add(experiment.name)
                log(f"experiment {experiment.name!r} takes nobody new: {reason}")

    def _choose(self, username: str) -> Assignment | None:
        for name, arms in self.recorded.items():
            if username in arms:
                return Assignment(name, arms[username], username, self.now)
        open_ = [e for e in self.experiments if e.name not in self.closed and e.design
                 and not _ended(e.design, self.now)]
        return choose(open_, username, self.now)

    def welcome(self, username: str, links: Sequence[tuple[str, str, str]],
                render: Callable[[Sequence[tuple[str, str, str]]], str], usual: str
                ) -> tuple[str, dict[str, str]]:
        """The tour links text and the extra marker attributes for *username*'s welcome."""
        assignment = self._choose(username)
        if assignment is None:
            self.pending.pop(username, None)
            return usual, {}
        self.pending[username] = assignment
        experiment = next(e for e in self.experiments if e.name == assignment.experiment)
        variant = experiment.variant(assignment.variant)
        text = usual if variant is None or variant.tours is None else render(
            tours_for(variant, links))
        return text, marker_attrs(assignment)

    def welcomed(self, username: str) -> None:
        """The welcome was saved: its assignment is now real and will be recorded."""
        assignment = self.pending.pop(username, None)
        if assignment is not None:
            self.assigned.append(assignment)

    def repair(self, username: str, marker_experiment: str, marker_variant: str) -> None:
        """A welcome found on the wiki (after a crash) names its arm: record it too."""
        if marker_experiment and marker_variant and any(
                e.name == marker_experiment for e in self.experiments):
            self.assigned.append(Assignment(marker_experiment, marker_variant, username,
                                            self.now))

    def save(self, wiki, summary: Callable[[str, int], str], project: str,
             log: Callable[[str], None] = print) -> list[str]:
        if not self.assigned:
            return []
        designs = {e.name: design_record(e) for e in self.experiments}
        return save_assignments(wiki, self.assigned, summary, project, log, designs)


def _ended(design: Design, now: str) -> bool:
    """Whether the design's end date has passed at *now* (an ISO time; "" never ends)."""
    return bool(design.end and now and now[:10] > design.end)


def closed_reason(experiment: Experiment, record: Record, now: str) -> str:
    """Why the experiment takes nobody new ("" when it still does)."""
    if experiment.design is None:
        return "it declares no design (primary outcome, minimum effect, planned size or end)"
    if record.design and record.design != design_of(experiment):
        return ("its variants or weights differ from the ones it started with; participants "
                "keep their recorded variants. Give the changed design a new name")
    if record.plan and record.plan != experiment.design:
        return ("its primary outcome, minimum effect, planned size or end differ from the ones "
                "it started with (the report keeps the first ones). Give the changed design a "
                "new name")
    if experiment.design.planned_size and \
            len(record.assignments) >= experiment.design.planned_size:
        return f"it has reached its planned size of {experiment.design.planned_size}"
    if _ended(experiment.design, now):
        return f"its end date {experiment.design.end} has passed"
    return ""
