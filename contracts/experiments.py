"""Controlled experiments run from the wiki: configuration, assignment, the audit record.

A wiki configures its experiments on ``Project:Wikitours/Experiments.json`` (content model
json, editable like the mentor list)::

    {"experiments": [
      {"name": "welcome-tour-links", "active": true, "share": 20,
       "variants": [{"id": "control"},
                    {"id": "no-tour-links", "tours": []},
                    {"id": "citations-first", "tours": ["citations"]}]}]}

- ``share`` is the percentage of new accounts that take part (0-100); the others are welcomed
  as usual and are not part of the experiment.
- Each variant changes the welcome: no ``tours`` key keeps the usual tour links, ``[]`` drops
  them, a list keeps only those tours, in that order (a different first tour). ``weight``
  (default 1) splits participants unevenly. ``"tasks": false`` switches off the offers of
  practice tasks for the arm (the gadget reads the assignment from the record page and offers
  nothing; ``docs/outcomes.md``: "offer tasks after a tour" against "don't"). Call the
  unchanged arm ``control``: reports
  compare every other variant with it.
- Setting ``"active": false`` (or removing the entry) stops the experiment: one edit.
- The design is declared before the experiment starts (pre-registration), in the entry:
  ``"primary"`` (the one outcome the decision is about, e.g. ``"activated_7d"``),
  ``"minimum-effect"`` (the smallest change worth detecting, in percentage points) and
  ``"planned-size"`` (participants in all) and/or ``"end"`` (a date, ``YYYY-MM-DD``): the
  fixed horizon at which the report decides (see :class:`Design`, ``docs/outcomes.md``). An
  experiment without a valid design takes no new participants; the bot also stops taking
  participants at the horizon (:meth:`Trial.load_records`).
- An optional top-level ``"report-threshold": N`` (a whole number, at least 1) is the wiki's
  privacy threshold for outcome reports: groups of fewer newcomers are never shown on their
  own (see :func:`parse_report_threshold` and ``docs/outcomes.md``; the app operator's
  configured threshold stays a floor).

Assignment is deterministic: a SHA-256 of the experiment name and the user name decides
whether the newcomer takes part (below ``share``) and, from a second, independent hash,
which variant they get. Re-runs, a second copy of the bot and anyone auditing with this file
get the same answer, and changing ``share`` later never moves a participant to another
variant. An account takes part in at most one experiment: the first active one, in page order,
whose share it falls into.

The bot records each assignment where anyone can check it: in the welcome marker
(``<!-- wikitours:welcome mentor="…" experiment="…" variant="…" -->``) and in
``Project:Wikitours/Experiments/<name>.json`` (``{"experiment": …, "assignments":
[{"username", "variant", "assigned"}]}``). The app reads that page and keeps only entries
whose variant the hash confirms, so an edited record cannot move anyone between arms.

Assignments freeze once made. The record page also keeps the design the experiment started
with (``"design": {"variants": [{"id", "weight"}], "primary", "minimum-effect", …}``, written
with the first entry, :func:`design_record`): a recorded participant keeps the recorded arm
whatever the configuration says later (the bot reads the records first, the app verifies each
entry against the *recorded* variants and weights), the report keeps the recorded primary
outcome and horizon, and an experiment whose design no longer matches its record takes nobody
new: a changed design is a new experiment, under a new name.

Everything here is pure except :func:`save_assignments` and :meth:`Trial.load_records`, the
edges that read and edit the wiki.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from contracts.problems import JsonError, Message

__all__ = ["Variant", "Experiment", "Assignment", "Problem", "parse_config",
           "parse_report_threshold", "MAX_REPORT_THRESHOLD", "bucket", "assign",
           "choose", "verify", "tours_for", "marker_attrs", "parse_assignments",
           "render_assignments", "config_title", "record_title", "Design", "OUTCOME_NAMES",
           "Record", "parse_record", "design_of", "design_record"]

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
MAX_EXPERIMENTS = 20
MAX_VARIANTS = 10
MAX_REPORT_THRESHOLD = 1_000_000  # more would hide everything anyway; keeps the cache column sane
#: The outcomes a design may name as primary (the same names as ``toolforge.outcomes.OUTCOMES``).
OUTCOME_NAMES = ("activated_24h", "activated_7d", "constructive", "retained", "started_tour",
                 "completed_tour", "earned_badge", "wrote_to_mentor", "practised")
MAX_PLANNED_SIZE = 10_000_000
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Variant:
    id: str
    weight: float = 1.0
    tours: tuple[str, ...] | None = None  # None: the usual links; (): none; else only these
    tasks: bool = True  # False: the gadget offers this arm no practice tasks (contracts §14)


@dataclass(frozen=True)
class Design:
    """What the experiment decides, declared before it starts.

    *primary* is the outcome the decision is about; *minimum_effect* the smallest change
    worth detecting, in percentage points; the horizon is *planned_size* participants (all
    arms together) or the *end* date (``YYYY-MM-DD``), whichever comes first."""

    primary: str
    minimum_effect: float
    planned_size: int | None = None
    end: str | None = None


@dataclass(frozen=True)
class Experiment:
    name: str
    share: float  # percent, 0-100
    variants: tuple[Variant, ...]
    active: bool = True
    design: Design | None = None

    def variant(self, vid: str) -> Variant | None:
        return next((v for v in self.variants if v.id == vid), None)


@dataclass(frozen=True)
class Assignment:
    experiment: str
    variant: str
    username: str
    assigned: str = ""


@dataclass(frozen=True)
class Problem:
    """``PAGE:LINE:COLUMN: what is wrong``, the message as a key with parameters
    (:class:`contracts.problems.Message`): the bot shows it in the wiki's language, the app in
    the reader's (``tours.problemkinds.from_message``)."""

    page: str
    line: int
    column: int
    message: Message


def _T(key: str, *params: object) -> Message:  # noqa: N802 - reads like the compiler's T()
    return Message(key, params)


def config_title(project: str = "Project:Wikitours") -> str:
    return f"{project}/Experiments.json"


def record_title(name: str, project: str = "Project:Wikitours") -> str:
    return f"{project}/Experiments/{name}.json"


def _where(text: str, needle: str) -> tuple[int, int]:
    offset = text.find(needle) if needle else -1
    if offset < 0:
        return 1, 1
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def parse_config(text: str, page: str = "Project:Wikitours/Experiments.json"
                 ) -> tuple[tuple[Experiment, ...], list[Problem]]:
    """The experiments of the configuration page, and readable problems.

    A broken entry is left out with a problem and never guessed at; a missing or empty page
    means no experiments.
    """
    if not text or not text.strip():
        return (), []
    try:
        data = json.loads(text)
    except ValueError as error:
        line, column = getattr(error, "lineno", 1), getattr(error, "colno", 1)
        return (), [Problem(page, line, column,
                            _T("wikitours-problem-experiments-json", JsonError(getattr(error, "msg", str(error)))))]
    entries = data.get("experiments") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return (), [Problem(page, 1, 1,
                            _T("wikitours-problem-experiments-shape", '{"experiments": [...]}'))]
    found: list[Experiment] = []
    problems: list[Problem] = []
    names: set[str] = set()
    for number, entry in enumerate(entries[:MAX_EXPERIMENTS], 1):
        name = entry.get("name") if isinstance(entry, dict) else None
        line, column = _where(text, f'"{name}"' if isinstance(name, str) else "")

        reported = False

        def bad(message: Message) -> None:
            nonlocal reported
            reported = True
            problems.append(Problem(page, line, column,
                                    _T("wikitours-problem-experiment-entry", number, message)))

        if not isinstance(name, str) or not _NAME.match(name):
            bad(_T("wikitours-problem-experiment-name", '"name"', 64))
            continue
        if name in names:
            bad(_T("wikitours-problem-experiment-name-twice", name))
            continue
        share = _number(entry.get("share"))
        if share is None or not 0 <= share <= 100:
            bad(_T("wikitours-problem-experiment-share", '"share"'))
            continue
        variants: list[Variant] = []
        raw = entry.get("variants")
        for v in raw[:MAX_VARIANTS] if isinstance(raw, list) else []:
            vid = v.get("id") if isinstance(v, dict) else None
            weight = _number(v.get("weight", 1)) if isinstance(v, dict) else None
            tours = v.get("tours") if isinstance(v, dict) else None
            if not isinstance(vid, str) or not _NAME.match(vid) or weight is None or weight <= 0:
                bad(_T("wikitours-problem-experiment-variant-id-weight", '"id"', '"weight"'))
                variants = []
                break
            if tours is not None and not (isinstance(tours, list) and all(
                    isinstance(t, str) and _NAME.match(t) for t in tours)):
                bad(_T("wikitours-problem-experiment-variant-tours", vid, '"tours"'))
                variants = []
                break
            tasks = v.get("tasks", True)
            if not isinstance(tasks, bool):
                bad(_T("wikitours-problem-experiment-variant-tasks", vid, '"tasks"'))
                variants = []
                break
            variants.append(Variant(vid, weight, None if tours is None else tuple(tours), tasks))
        if len(variants) < 2 or len({v.id for v in variants}) != len(variants):
            if not reported:
                bad(_T("wikitours-problem-experiment-variants", '"variants"', '"control"'))
            continue
        names.add(name)
        design = _design(entry, bad)
        found.append(Experiment(name, share, tuple(variants), entry.get("active", True) is True,
                                design))
    return tuple(found), problems


def _design(entry: dict, bad: Callable[[Message], None]) -> Design | None:
    """The entry's design, or None with a problem (the experiment then takes nobody new)."""
    keys = ("primary", "minimum-effect", "planned-size", "end")
    if not any(k in entry for k in keys):
        bad(_T("wikitours-problem-experiment-no-design", '"primary"', '"minimum-effect"',
              '"planned-size"', '"end"'))
        return None
    primary, effect = entry.get("primary"), _number(entry.get("minimum-effect"))
    size, end = entry.get("planned-size"), entry.get("end")
    good = (isinstance(primary, str) and primary in OUTCOME_NAMES
            and effect is not None and 0 < effect <= 50
            and (size is None or (isinstance(size, int) and not isinstance(size, bool)
                                  and 2 <= size <= MAX_PLANNED_SIZE))
            and (end is None or (isinstance(end, str) and _DATE.match(end) is not None
                                 and _valid_date(end)))
            and (size is not None or end is not None))
    if not good:
        bad(_T("wikitours-problem-experiment-design", '"primary"', ", ".join(OUTCOME_NAMES),
              '"minimum-effect"', '"planned-size"', '"end"'))
        return None
    return Design(primary, effect, size, end)


def _valid_date(text: str) -> bool:

    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def design_of(experiment: Experiment) -> tuple[tuple[str, float], ...]:
    """The part of an experiment that assignments depend on: its variants and weights."""
    return tuple((v.id, float(v.weight)) for v in experiment.variants)


def parse_report_threshold(text: str, page: str = "Project:Wikitours/Experiments.json"
                           ) -> tuple[int | None, list[Problem]]:
    """The wiki's ``"report-threshold"`` on the configuration page, and readable problems.

    ``None`` means the wiki sets none (missing page or field), or sets a broken one, which is
    reported and never guessed at: reports then use the operator's threshold. Broken JSON is
    left to :func:`parse_config`, which already reports it.
    """
    if not text or not text.strip():
        return None, []
    try:
        data = json.loads(text)
    except ValueError:
        return None, []
    if not isinstance(data, dict) or "report-threshold" not in data:
        return None, []
    value = data["report-threshold"]
    if isinstance(value, int) and not isinstance(value, bool) \
            and 1 <= value <= MAX_REPORT_THRESHOLD:
        return value, []
    line, column = _where(text, '"report-threshold"')
    return None, [Problem(page, line, column, _T("wikitours-problem-experiments-report-threshold",
                                                '"report-threshold"', str(MAX_REPORT_THRESHOLD)))]


def _unit(*parts: str) -> float:
    """A number in [0, 1) from a SHA-256 of the parts: uniform and reproducible anywhere."""
    digest = hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
    return int(digest[:13], 16) / 16 ** 13


def bucket(experiment: str, username: str) -> tuple[float, float]:
    """``(participation, variant)`` numbers in [0, 1) for one account in one experiment."""
    return (_unit("wikitours-experiment", experiment, "share", username),
            _unit("wikitours-experiment", experiment, "variant", username))


def _pick(experiment: Experiment, u: float) -> Variant:
    total = sum(v.weight for v in experiment.variants)
    edge = 0.0
    for variant in experiment.variants:
        edge += variant.weight / total
        if u < edge:
            return variant
    return experiment.variants[-1]


def assign(experiment: Experiment, username: str) -> Variant | None:
    """The variant *username* gets, or None when they are not in the experiment's share."""
    if not experiment.active:
        return None
    share, which = bucket(experiment.name, username)
    return _pick(experiment, which) if share * 100 < experiment.share else None


def choose(experiments: Sequence[Experiment], username: str,
           assigned: str = "") -> Assignment | None:
    """The first active experiment that takes *username*, with the variant."""
    for experiment in experiments:
        variant = assign(experiment, username)
        if variant is not None:
            return Assignment(experiment.name, variant.id, username, assigned)
    return None


def verify(experiment: Experiment, assignment: Assignment,
           frozen: tuple[tuple[str, float], ...] | None = None) -> bool:
    """Whether the hash gives this variant to this user (the share may have changed since).

    With *frozen* (the design recorded when the experiment started, :func:`parse_record`)
    the check is against that design, so later edits of the variants or weights move and
    drop nobody."""
    if frozen:
        experiment = Experiment(experiment.name, experiment.share,
                                tuple(Variant(vid, weight) for vid, weight in frozen))
    variant = experiment.variant(assignment.variant)
    if variant is None:
        return False
    return _pick(experiment, bucket(experiment.name, assignment.username)[1]).id == variant.id


@dataclass(frozen=True)
class Record:
    """An experiment's record page: the design it started with, and its assignments.

    *design* is the frozen variants and weights (what assignments depend on), *plan* the
    frozen primary outcome, minimum effect and horizon, *raw* the design object as written."""

    design: tuple[tuple[str, float], ...] | None
    assignments: tuple[Assignment, ...]
    plan: Design | None = None
    raw: dict | None = None


def design_record(experiment: Experiment) -> dict:
    """The design object a record page keeps from its first entry on."""
    out: dict = {"variants": [{"id": v.id, "weight": v.weight} for v in experiment.variants]}
    d = experiment.design
    if d is not None:
        out.update({"primary": d.primary, "minimum-effect": d.minimum_effect})
        if d.planned_size is not None:
            out["planned-size"] = d.planned_size
        if d.end is not None:
            out["end"] = d.end
    return out


def parse_record(text: str) -> Record:
    """The record page's frozen design (None when absent or malformed) and its entries."""
    assignments = parse_assignments(text)
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return Record(None, assignments)
    raw_design = data.get("design") if isinstance(data, dict) else None
    if not isinstance(raw_design, dict):
        return Record(None, assignments)
    raw = raw_design.get("variants")
    frozen: list[tuple[str, float]] = []
    for v in raw[:MAX_VARIANTS] if isinstance(raw, list) else []:
        vid = v.get("id") if isinstance(v, dict) else None
        weight = _number(v.get("weight", 1)) if isinstance(v, dict) else None
        if not isinstance(vid, str) or not _NAME.match(vid) or weight is None or weight <= 0 \
                or weight > 1e9:
            return Record(None, assignments)
        frozen.append((vid, weight))
    if len(frozen) < 2 or len({vid for vid, _ in frozen}) != len(frozen):
        return Record(None, assignments)
    plan = _design(raw_design, lambda message: None) if any(
        k in raw_design for k in ("primary", "minimum-effect", "planned-size", "end")) else None
    return Record(tuple(frozen), assignments, plan, raw_design)


def tours_for(variant: Variant | None, links: Sequence[tuple[str, str, str]]
              ) -> list[tuple[str, str, str]]:
    """The welcome's tour links ``(id, start, title)`` as *variant* wants them."""
    if variant is None or variant.tours is None:
        return list(links)
    by_id = {link[0]: link for link in links}
    return [by_id[t] for t in variant.tours if t in by_id]


def marker_attrs(assignment: Assignment | None) -> dict[str, str]:
    """Extra attributes for the welcome marker (empty outside any experiment)."""
    if assignment is None:
        return {}
    return {"experiment": assignment.experiment, "variant": assignment.variant}


def parse_assignments(text: str) -> tuple[Assignment, ...]:
    """Entries of ``Project:Wikitours/Experiments/<name>.json``; malformed ones are dropped."""
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return ()
    if not isinstance(data, dict) or not isinstance(data.get("experiment"), str):
        return ()
    name = data["experiment"]
    out: dict[str, Assignment] = {}
    for entry in data.get("assignments") or [] if isinstance(data.get("assignments"), list) \
            else []:
        if not isinstance(entry, dict):
            continue
        user, variant, when = entry.get("username"), entry.get("variant"), entry.get("assigned")
        if isinstance(user, str) and 0 < len(user) <= 85 and isinstance(variant, str) \
                and _NAME.match(variant):
            out.setdefault(user, Assignment(name, variant, user,
                                            when[:32] if isinstance(when, str) else ""))
    return tuple(out.values())


def render_assignments(name: str, assignments: Iterable[Assignment],
                       design: dict | None = None) -> str:
    """The record page: the frozen *design* (:func:`design_record`) and the entries."""
    entries = [{"username": a.username, "variant": a.variant, "assigned": a.assigned}
               for a in assignments]
    data: dict = {"experiment": name}
    if design:
        data["design"] = design
    data["assignments"] = entries
    return json.dumps(data, ensure_ascii=False, indent=1)
