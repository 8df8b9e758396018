"""Outcome reports: does it help? Per group and per experiment arm, with intervals.

``/reports/<wiki>`` shows every outcome of :mod:`toolforge.outcomes` per registration week,
mentor, first tour, experiment variant or language (``?by=``), as an inline SVG chart of one
outcome (``?outcome=``, bars on a fixed 0-100 % scale with the 95 % interval as whiskers and
in words) plus a table of all outcomes; ``…/data.csv`` and ``…/data.json`` export the same.
``/reports/`` compares the configured wikis (``?by=wiki`` or ``language``).
``/reports/<wiki>/experiments/<name>`` shows the experiment's declared design, each variant's
outcomes, and, at the horizon only, one decision on the primary outcome plus exploratory
comparisons corrected for their number (:mod:`toolforge.experiment_report`).

Privacy (:mod:`toolforge.disclosure`): every published table (HTML, CSV, JSON, every ``by=``)
goes through :func:`publish`: a group smaller than the wiki's threshold is never shown on its
own (pooled into one "smaller groups" row of at least the threshold, or hidden), each outcome
cell needs the threshold of known outcomes itself, and complementary suppression hides more
cells whenever subtracting the shown cells from a total would reveal a hidden one. Experiment
arms are grouped per experiment (never merged across experiments) and are never pooled.
The wiki sets its threshold (``"report-threshold"`` on ``Project:Wikitours/Experiments.json``,
read by ``outcomes-refresh`` and cached in ``outcome_settings``); the operator's
``report_threshold`` in the ``WIKIS`` entry, else ``REPORT_MIN_GROUP``, is a floor: the larger
of the two applies (:func:`effective_threshold`), so a wiki can raise it but never lower it
below what the operator keeps for privacy.

Reports read the outcome cache (:mod:`toolforge.models_outcomes`), which
``flask --app toolforge outcomes-refresh --wiki ID`` (or :func:`refresh`) fills from the wiki.
The grouping and the statistics are pure functions (:func:`aggregate`, :func:`experiment`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, replace
from typing import Any, Iterable, Sequence

import click
from flask import Blueprint, Flask, Response, abort, current_app, jsonify, render_template, \
    request
from flask.cli import with_appcontext
from sqlalchemy import delete, select

from . import disclosure, stats
from .db import get_session
from .experiment_report import ExperimentReport, experiment as analyse
from .funnels import _WIKI, _csv_cell, chart
from .i18n import msg, text_direction
from .models_outcomes import ExperimentDesignRow, OutcomeRow, OutcomeSetting
from .outcomes import OUTCOMES, Outcome, Windows

__all__ = ["bp", "Cell", "Group", "aggregate", "publish", "pool_small", "ExperimentReport",
           "experiment", "refresh", "init_app", "GROUPINGS", "effective_threshold"]

bp = Blueprint("reports", __name__, url_prefix="/reports")

#: ``?by=`` values on one wiki's report, and the row attribute each groups by.
GROUPINGS = {"week": "week", "mentor": "mentor", "tour": "first_tour", "variant": "variant",
             "language": "language"}
#: ``?by=`` values on the all-wikis report.
WIKI_GROUPINGS = {"wiki": "wiki", "language": "language"}
SMALL = "\x00small"  # the pooled group's key (cannot be a user name, week or id)
NONE = ""


@dataclass(frozen=True)
class Cell:
    """One outcome in one group: ``yes`` of ``known`` (the others are not known yet)."""

    yes: int
    known: int
    interval: stats.Interval | None

    @classmethod
    def of(cls, values: Iterable[bool | None], confidence: float = 0.95) -> "Cell":
        known = [v for v in values if v is not None]
        yes = sum(1 for v in known if v)
        return cls(yes, len(known), stats.wilson(yes, len(known), confidence))


@dataclass(frozen=True)
class Group:
    key: str
    newcomers: int
    cells: dict[str, Cell | None]  # None: hidden to protect small groups
    pooled: int = 0  # how many groups this row pools (only for the SMALL row)


def _value(row: Any, attribute: str) -> str:
    return str(getattr(row, attribute, "") or "")


def _key(row: Any, attribute: str) -> str:
    """The group of *row*: for ``variant``, the experiment and its arm (``name/variant``),
    so that arms of different experiments are never merged."""
    if attribute == "variant":
        name = _value(row, "experiment")
        return f"{name}/{_value(row, 'variant')}" if name else NONE
    return _value(row, attribute)


def aggregate(rows: Sequence[Any], attribute: str) -> list[Group]:
    """Groups of *rows* (outcome rows or :class:`Outcome`) by *attribute*, largest first.
    Raw counts: publish only what :func:`publish` returns."""
    groups: dict[str, list[Any]] = {}
    for row in rows:
        groups.setdefault(_key(row, attribute), []).append(row)
    out = [Group(key, len(members), {o: Cell.of(getattr(m, o) for m in members)
                                      for o in OUTCOMES})
           for key, members in groups.items()]
    if attribute == "week":
        return sorted(out, key=lambda g: g.key)
    return sorted(out, key=lambda g: (-g.newcomers, g.key))


def _sum_cells(groups: Sequence[Group]) -> dict[str, Cell]:
    out = {}
    for o in OUTCOMES:
        yes = sum(g.cells[o].yes for g in groups)
        known = sum(g.cells[o].known for g in groups)
        out[o] = Cell(yes, known, stats.wilson(yes, known))
    return out


def publish(groups: Sequence[Group], threshold: int, pool: bool = True
            ) -> tuple[list[Group], int]:
    """The rows of *groups* that may be published, and how many newcomers are in no shown row.

    Rows below *threshold* are pooled into one :data:`SMALL` row (with *pool*; the smallest
    other rows join until the pool reaches the threshold) or hidden (without; complementary
    rows are hidden too, :func:`toolforge.disclosure.suppressed`). Then, per outcome, cells
    with fewer than *threshold* known outcomes are hidden (``None``) and complementary cells
    with them, counting the cells of hidden rows as hidden."""
    groups = list(groups)
    sizes = [g.newcomers for g in groups]
    if pool:
        members, shown_pool = disclosure.pooled(sizes, threshold)
        rows = [g for i, g in enumerate(groups) if i not in members]
        if shown_pool:
            inside = [groups[i] for i in sorted(members)]
            rows.append(Group(SMALL, sum(g.newcomers for g in inside), _sum_cells(inside),
                              len(inside)))
        forced: set[int] = set()
        table = rows
    else:
        hidden_rows = disclosure.suppressed(sizes, threshold)
        table = groups
        forced = set(hidden_rows)
        rows = [g for i, g in enumerate(groups) if i not in hidden_rows]
    cells: list[dict[str, Cell | None]] = [dict(g.cells) for g in table]
    for o in OUTCOMES:
        known = [g.cells[o].known if g.cells[o] is not None else 0 for g in table]
        hidden = _column(known, threshold, forced)
        for i in hidden:
            cells[i][o] = None
    out = [replace(g, cells=cells[i]) for i, g in enumerate(table) if i not in forced]
    return out, sum(g.newcomers for g in groups) - sum(g.newcomers for g in out)


def _column(known: Sequence[int], threshold: int, forced: set[int]) -> frozenset[int]:
    """One column's hidden cells: :func:`toolforge.disclosure.suppressed`, with the cells of
    hidden rows hidden from the start."""
    hidden = set(forced) | set(disclosure.suppressed(
        [0 if i in forced else k for i, k in enumerate(known)], threshold))
    others = sorted((i for i, k in enumerate(known) if i not in hidden and k > 0),
                    key=lambda i: (known[i], i))
    for i in others:
        if disclosure.safe(known, hidden, threshold):
            break
        hidden.add(i)
    return frozenset(hidden)


def pool_small(rows: Sequence[Any], attribute: str, threshold: int) -> tuple[list[Group], int]:
    """The published table of *rows* by *attribute* (see :func:`publish`); experiment arms
    are never pooled."""
    return publish(aggregate(rows, attribute), threshold, pool=attribute != "variant")


def experiment(rows: Sequence[Any], name: str, threshold: int, entry: dict | None = None,
               now: dt.datetime | None = None, alpha: float = 0.05) -> ExperimentReport:
    """The report of experiment *name*, from the same protected per-variant table as
    ``?by=variant`` (see :mod:`toolforge.experiment_report`)."""
    shown, _ = pool_small(rows, "variant", threshold)
    return analyse(rows, name, {g.key: g for g in shown}, entry, now, alpha, OUTCOMES)


# --- refreshing the cache ---------------------------------------------------------------------

def _naive(value: str) -> dt.datetime | None:
    from .progress import parse_time

    moment = parse_time(value)
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None) if moment else None


def store(session, wiki: str, outcomes: Iterable[Outcome], computed: dt.datetime) -> int:
    """Replace *wiki*'s cached rows with *outcomes* (one transaction)."""
    stamp = computed.astimezone(dt.timezone.utc).replace(tzinfo=None)
    rows = [OutcomeRow(
        wiki=wiki, username=o.username[:255], registration=_naive(o.registration),
        week=o.week, mentor=o.mentor[:255], experiment=o.experiment[:64],
        variant=o.variant[:64], first_tour=o.first_tour[:64], edits=o.edits,
        tours_started=o.tours_started, tours_completed=o.tours_completed, badges=len(o.badges),
        computed=stamp, **{name: o.value(name) for name in OUTCOMES}) for o in outcomes]
    session.execute(delete(OutcomeRow).where(OutcomeRow.wiki == wiki))
    session.add_all(rows)
    session.commit()
    return len(rows)


def store_settings(session, wiki: str, report_threshold: int | None,
                   computed: dt.datetime) -> None:
    """Remember *wiki*'s own report threshold (None: the wiki sets none)."""
    stamp = computed.astimezone(dt.timezone.utc).replace(tzinfo=None)
    session.execute(delete(OutcomeSetting).where(OutcomeSetting.wiki == wiki))
    session.add(OutcomeSetting(wiki=wiki, report_threshold=report_threshold, computed=stamp))
    session.commit()


def store_designs(session, wiki: str, designs: dict[str, dict], computed: dt.datetime) -> None:
    """Remember *wiki*'s experiment designs as the refresh read them."""
    import json

    stamp = computed.astimezone(dt.timezone.utc).replace(tzinfo=None)
    session.execute(delete(ExperimentDesignRow).where(ExperimentDesignRow.wiki == wiki))
    session.add_all(ExperimentDesignRow(wiki=wiki, name=name[:64], design=json.dumps(entry),
                                        computed=stamp) for name, entry in designs.items())
    session.commit()


def refresh(wiki_id: str, now: dt.datetime | None = None, windows: Windows = Windows(),
            session=None):
    """Compute every welcomed newcomer's outcomes from the wiki and cache them."""
    from .learning import client, library, wiki_config
    from .outcomes_fetch import fetch_outcomes

    wiki = wiki_config(wiki_id)
    if wiki is None:
        raise KeyError(f"no wiki {wiki_id!r} in WIKIS")
    now = now or dt.datetime.now(dt.timezone.utc)
    fetched = fetch_outcomes(client(wiki), now, library=library(wiki=wiki.id), windows=windows)
    session = session or get_session()
    store(session, wiki.id, fetched.outcomes, now)
    store_settings(session, wiki.id, fetched.report_threshold, now)
    store_designs(session, wiki.id, fetched.designs, now)
    return fetched


@click.command("outcomes-refresh")
@with_appcontext
@click.option("--wiki", "wiki_ids", multiple=True, required=True, help="wiki id (repeatable)")
def outcomes_refresh_command(wiki_ids: tuple[str, ...]) -> None:
    """Recompute newcomer outcomes from the wiki into the report cache."""
    for wiki_id in wiki_ids:
        fetched = refresh(wiki_id)
        for problem in fetched.problems:
            click.echo(problem, err=True)
        click.echo(f"{wiki_id}: {len(fetched.outcomes)} newcomers, "
                   f"{sum(fetched.requests.values())} API requests")


def init_app(app: Flask) -> None:
    app.cli.add_command(outcomes_refresh_command)


# --- views ------------------------------------------------------------------------------------

def _wikis() -> dict[str, dict]:
    return {str(w["id"]): w for w in current_app.config.get("WIKIS") or []}


def _wiki_or_404(wiki: str) -> dict:
    entry = _wikis().get(wiki)
    if not _WIKI.fullmatch(wiki) or entry is None:
        abort(404)
    return entry


def effective_threshold(floor: int, wiki_value: int | None) -> int:
    """The threshold that applies: the wiki's own when it sets one, never below the
    operator's *floor* (the larger of the two), and never below 1."""
    return max(1, floor, wiki_value or 0)


def _floor(entry: dict) -> int:
    value = entry.get("report_threshold", current_app.config.get("REPORT_MIN_GROUP", 10))
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 10


def _wiki_threshold(wiki: str) -> int | None:
    """The wiki's ``report-threshold`` as the last refresh read it (None: none set)."""
    query = select(OutcomeSetting.report_threshold).where(OutcomeSetting.wiki == wiki)
    return get_session().execute(query).scalar_one_or_none()


def threshold(entry: dict) -> int:
    """The threshold for the wiki of *entry*: see :func:`effective_threshold`."""
    return effective_threshold(_floor(entry), _wiki_threshold(str(entry.get("id", ""))))


@dataclass(frozen=True)
class _Row:
    """A cached row with the wiki's language attached (reports group by it)."""

    row: OutcomeRow
    language: str

    def __getattr__(self, name: str):
        return getattr(self.row, name)


def _rows(wiki_ids: Sequence[str]) -> list[_Row]:
    wikis = _wikis()
    query = select(OutcomeRow).where(OutcomeRow.wiki.in_(list(wiki_ids)))
    return [_Row(r, str(wikis.get(r.wiki, {}).get("language") or "en"))
            for r in get_session().execute(query).scalars()]


def group_label(by: str, key: str) -> str:
    if key == SMALL:
        return msg("wikitours-app-outcomes-small-groups")
    if key == NONE:
        return msg(f"wikitours-app-outcomes-none-{by}")
    if by == "variant" and "/" in key:
        return msg("wikitours-app-outcomes-arm-label", *key.split("/", 1))
    return key


def _percent(value: float) -> str:
    return f"{100 * value:.0f}"


def _points(value: float) -> str:
    """A difference in percentage points, whole, but with one decimal where rounding would
    show 0 for a value that is not (an interval ending at -0.4 excludes 0 and must say so)."""
    for digits in range(4):  # as many decimals as it takes not to show a false 0 (at most 3)
        text = f"{100 * value:.{digits}f}"
        if float(text) != 0:
            return text
    return "0"


def _signed(value: float) -> str:
    text = _points(value)
    return text if text.startswith("-") or text == "0" else "+" + text


def p_text(p: float) -> str:
    """A p-value: three decimals, or one significant digit below 0.001 (never "0.000")."""
    return f"{max(p, 1e-99):.0e}" if p < 0.001 else f"{p:.3f}"


def cell_text(cell: Cell | None) -> str:
    if cell is None:
        return msg("wikitours-app-outcomes-cell-hidden")
    if cell.interval is None:
        return msg("wikitours-app-outcomes-unknown")
    return msg("wikitours-app-outcomes-cell", _percent(cell.interval.estimate),
               _percent(cell.interval.low), _percent(cell.interval.high), cell.yes, cell.known)


@dataclass(frozen=True)
class Whisker:
    """The 95 % interval drawn across a bar, and where the bar's value is written."""

    y: int
    x1: float
    x2: float


def bar_value(cell: Cell | None) -> str:
    if cell is None:
        return msg("wikitours-app-outcomes-cell-hidden")
    if cell.interval is None:
        return msg("wikitours-app-outcomes-unknown")
    return msg("wikitours-app-outcomes-bar-value", _percent(cell.interval.estimate),
               _percent(cell.interval.low), _percent(cell.interval.high))


def bars_for(groups: Sequence[Group], outcome: str, by: str, rtl: bool):
    """The funnel chart's layout on a fixed 0-100 % scale, plus interval whiskers.

    Values are written in a column right of the 100 % mark (left of it when right-to-left).
    """
    items = []
    for g in groups:
        cell = g.cells[outcome]
        rate = cell.interval.estimate if cell and cell.interval else 0.0
        items.append((group_label(by, g.key), bar_value(cell), round(rate * 1000), "rate"))
    width = 640
    usable = width - 120
    bars, _ = chart(items + [("", "", 1000, "scale")], rtl, width=width)
    value_x = width - usable - 8 if rtl else usable + 8
    bars = [replace(b, value_x=value_x) for b in bars[:-1]]
    whiskers = []
    for bar, g in zip(bars, groups):
        interval = g.cells[outcome].interval if g.cells[outcome] else None
        if interval is None:
            continue
        x1, x2 = usable * interval.low, usable * interval.high
        if rtl:
            x1, x2 = width - x2, width - x1
        whiskers.append(Whisker(bar.y + 28, round(x1, 1), round(x2, 1)))
    return bars, whiskers, max(len(items) * 44, 44), (width - usable if rtl else usable)


def _cell_export(c: Cell | None) -> dict[str, Any]:
    if c is None:
        return {"yes": None, "known": None, "rate": None, "low": None, "high": None,
                "hidden": True}
    return {"yes": c.yes, "known": c.known,
            "rate": c.interval.estimate if c.interval else None,
            "low": c.interval.low if c.interval else None,
            "high": c.interval.high if c.interval else None, "hidden": False}


def _export(groups: Sequence[Group], by: str) -> list[dict[str, Any]]:
    out = []
    for g in groups:
        key = None if g.key == SMALL else g.key
        entry: dict[str, Any] = {by: key, "group": key, "pooled": g.key == SMALL,
                                 "newcomers": g.newcomers}
        if by == "variant":
            name, _, variant = (key or "").partition("/")
            entry.update(experiment=name or None, variant=variant or None)
        for o, c in g.cells.items():
            entry[o] = _cell_export(c)
        out.append(entry)
    return out


def _report(wiki_ids: Sequence[str], groupings: dict[str, str], default: str, limit: int):
    by = request.args.get("by", default)
    if by not in groupings:
        by = default
    outcome = request.args.get("outcome", "activated_7d")
    if outcome not in OUTCOMES:
        outcome = "activated_7d"
    rows = _rows(wiki_ids)
    groups, hidden = pool_small(rows, groupings[by], limit)
    return by, outcome, rows, groups, hidden


def _csv(name: str, header: list[str], lines: Iterable[list[Any]]) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for line in lines:
        writer.writerow([_csv_cell(v) for v in line])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _render(title: str, endpoint: str, args: dict, by: str, outcome: str, rows, groups, hidden,
            limit: int, groupings: dict[str, str], experiments: Sequence[str] = ()):
    rtl = text_direction() == "rtl"
    bars, whiskers, height, full = bars_for(groups, outcome, by, rtl)
    computed = max((r.computed for r in rows), default=None)
    return render_template(
        "reports.html", title=title, endpoint=endpoint, args=args, by=by, outcome=outcome,
        outcomes=OUTCOMES, groupings=list(groupings), groups=groups, hidden=hidden,
        limit=limit, bars=bars, whiskers=whiskers, chart_height=height, rtl=rtl, full=full,
        group_label=group_label, cell_text=cell_text, total=len(rows),
        computed=computed.strftime("%Y-%m-%d %H:%M") if computed else "",
        experiments=experiments, uselang=request.args.get("uselang", ""))


def _experiment_names(wiki: str) -> list[str]:
    query = select(OutcomeRow.experiment).where(OutcomeRow.wiki == wiki,
                                                OutcomeRow.experiment != "").distinct()
    return sorted(get_session().execute(query).scalars())


@bp.get("/<wiki>")
def wiki_report(wiki: str):
    limit = threshold(_wiki_or_404(wiki))
    by, outcome, rows, groups, hidden = _report([wiki], GROUPINGS, "week", limit)
    return _render(msg("wikitours-app-outcomes-title", wiki), "reports.wiki_report",
                   {"wiki": wiki}, by, outcome, rows, groups, hidden, limit, GROUPINGS,
                   _experiment_names(wiki))


@bp.get("/")
def all_wikis():
    wikis = _wikis()
    limit = max([threshold(w) for w in wikis.values()] or [10])
    by, outcome, rows, groups, hidden = _report(list(wikis), WIKI_GROUPINGS, "wiki", limit)
    return _render(msg("wikitours-app-outcomes-all-title"), "reports.all_wikis", {}, by,
                   outcome, rows, groups, hidden, limit, WIKI_GROUPINGS)


@bp.get("/<wiki>/data.json")
def wiki_json(wiki: str):
    limit = threshold(_wiki_or_404(wiki))
    by, _outcome, rows, groups, hidden = _report([wiki], GROUPINGS, "week", limit)
    return jsonify({"wiki": wiki, "by": by, "threshold": limit, "newcomers": len(rows),
                    "hidden": hidden, "groups": _export(groups, by)})


@bp.get("/<wiki>/data.csv")
def wiki_csv(wiki: str):
    limit = threshold(_wiki_or_404(wiki))
    by, _outcome, _rows_, groups, _hidden = _report([wiki], GROUPINGS, "week", limit)
    lines = []
    for entry in _export(groups, by):
        for o in OUTCOMES:
            c = entry[o]
            lines.append([wiki, by, entry["group"], entry["pooled"], entry["newcomers"], o,
                          c["yes"], c["known"], c["rate"], c["low"], c["high"], c["hidden"]])
    return _csv(f"outcomes-{wiki}-{by}.csv".replace(":", "_"),
                ["wiki", "by", "group", "pooled", "newcomers", "outcome", "yes", "known",
                 "rate", "low", "high", "hidden"], lines)


def _design_entry(wiki: str, name: str) -> dict | None:
    import json

    query = select(ExperimentDesignRow.design).where(ExperimentDesignRow.wiki == wiki,
                                                     ExperimentDesignRow.name == name)
    text = get_session().execute(query).scalar_one_or_none()
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def _load_experiment(wiki: str, name: str) -> ExperimentReport:
    limit = threshold(_wiki_or_404(wiki))
    if name not in _experiment_names(wiki):
        abort(404)
    rows = _rows([wiki])
    computed = max((r.computed for r in rows), default=None)
    now = computed.replace(tzinfo=dt.timezone.utc) if computed else None
    return experiment(rows, name, limit, _design_entry(wiki, name), now)


def _comparison_export(finding) -> dict[str, Any]:
    c = finding.comparison
    return {"variant": finding.variant, "outcome": finding.outcome,
            "difference": c.difference.estimate if c.difference else None,
            "low": c.difference.low if c.difference else None,
            "high": c.difference.high if c.difference else None,
            "confidence": c.confidence, "p_value": c.p_value, "significant": c.significant,
            **({"kind": finding.kind} if finding.kind else {})}


def _experiment_export(report: ExperimentReport) -> dict[str, Any]:
    design = report.design
    horizon = report.horizon
    return {
        "experiment": report.name, "control": report.control, "alpha": report.alpha,
        "active": report.active, "design_changed": report.changed, "stage": report.stage,
        "design": None if design is None else {
            "primary": design.primary, "minimum_effect_points": design.minimum_effect,
            "planned_size": design.planned_size, "end": design.end,
            "needed_for_minimum_effect": report.needed},
        "horizon": None if horizon is None else {
            "reached": horizon.reached, "participants": horizon.participants,
            "pending": horizon.pending},
        "decision": {"outcome": design.primary if design else None,
                     "confidence": report.decision_confidence,
                     "comparisons": [_comparison_export(f) for f in report.decisions],
                     "undecided": list(report.undecided)},
        "exploratory": {"confidence": report.exploratory_confidence,
                        "findings": report.findings,
                        "comparisons": [_comparison_export(f) for f in report.exploratory]},
        "variants": [{"variant": arm.variant, "shown": arm.shown, "newcomers": arm.newcomers,
                      "outcomes": {o: _cell_export(arm.cells.get(o)) for o in OUTCOMES}
                      if arm.shown else None} for arm in report.arms]}


@bp.get("/<wiki>/experiments/<name>")
def experiment_page(wiki: str, name: str):
    report = _load_experiment(wiki, name)
    return render_template("experiment.html", wiki=wiki, report=report, outcomes=OUTCOMES,
                           cell_text=cell_text, percent=_points, signed=_signed,
                           p_text=p_text, confidence=_confidence_text,
                           points=lambda value: f"{value:g}",
                           limit=threshold(_wiki_or_404(wiki)))


def _confidence_text(value: float) -> str:
    text = f"{100 * value:.1f}".rstrip("0").rstrip(".")
    return text


@bp.get("/<wiki>/experiments/<name>/data.json")
def experiment_json(wiki: str, name: str):
    report = _load_experiment(wiki, name)
    return jsonify({"wiki": wiki, **_experiment_export(report)})


@bp.get("/<wiki>/experiments/<name>/data.csv")
def experiment_csv(wiki: str, name: str):
    """One line per published cell and per comparison (``part``: cell, decision,
    exploratory); hidden cells are marked and carry no figures."""
    report = _load_experiment(wiki, name)
    data = _experiment_export(report)
    header = ["wiki", "experiment", "part", "variant", "outcome", "newcomers", "yes", "known",
              "rate", "low", "high", "hidden", "difference", "confidence", "p_value",
              "significant", "kind"]
    lines = []
    for arm in data["variants"]:
        for o in OUTCOMES:
            c = (arm["outcomes"] or {}).get(o) or _cell_export(None)
            lines.append([wiki, report.name, "cell", arm["variant"], o, arm["newcomers"],
                          c["yes"], c["known"], c["rate"], c["low"], c["high"], c["hidden"],
                          None, None, None, None, None])
    for part in ("decision", "exploratory"):
        for f in data[part]["comparisons"]:
            lines.append([wiki, report.name, part, f["variant"], f["outcome"], None, None, None,
                          None, f["low"], f["high"], False, f["difference"], f["confidence"],
                          f["p_value"], f["significant"], f.get("kind")])
    return _csv(f"experiment-{wiki}-{name}.csv".replace(":", "_"), header, lines)
