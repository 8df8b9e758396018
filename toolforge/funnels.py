"""Funnel pages: per tour, how many started, reached each step, completed, and where they left.

``/funnels/<wiki>/<tour>`` renders the funnel with filters (language, skin, tour version,
date range) as a table and an inline SVG bar chart drawn on the server (no JavaScript; the
chart has text labels and the table carries the same numbers for screen readers).
``…/data.csv`` and ``…/data.json`` export it. Every query reads only the daily counters in
``event_counts``, grouped by step and action, so a page costs the same whatever the number
of events behind it.

The funnel itself is computed by pure functions (:func:`build_funnel`, :func:`chart`) from
rows, so they are tested without a database.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import asdict, dataclass
from typing import Any, Iterable, Mapping

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request
from sqlalchemy import func, select

from tours.model import message_key

from . import publishedtours
from .db import get_session
from .events import ID_PATTERN, LANG_PATTERN
from .i18n import catalog, msg, text_direction, tour_text
from .learning import plain
from .models import EventCount

__all__ = ["bp", "Filters", "Stage", "Funnel", "build_funnel", "chart", "parse_filters"]

bp = Blueprint("funnels", __name__, url_prefix="/funnels")

_ID = re.compile(ID_PATTERN)
_LANG = re.compile(LANG_PATTERN)
_WIKI = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:\[\]-]{0,99}$")


@dataclass(frozen=True)
class Filters:
    lang: str = ""
    skin: str = ""
    version: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None

    def query_args(self) -> dict[str, str]:
        args = {"lang": self.lang, "skin": self.skin,
                "version": str(self.version) if self.version else "",
                "from": self.start.isoformat() if self.start else "",
                "to": self.end.isoformat() if self.end else ""}
        return {k: v for k, v in args.items() if v}


@dataclass(frozen=True)
class Stage:
    """One bar of the funnel: ``kind`` is ``started``, ``step``, ``branch`` or ``completed``.

    A ``branch`` is a conditional step (only some readers' paths pass it, e.g. only those in
    the visual editor): it is drawn under the step it follows, never counted as lost by the
    steps after it. ``count`` never exceeds the stage readers come from (``started`` for
    the first step, the step before for the next, the step before for a branch);
    ``recorded`` is the number of events as they arrived, which differs only for data a
    correct gadget cannot send (old gadget versions, forged events).
    """

    kind: str
    step: str | None
    number: int | None  # the step's number on the main line; for a branch, the step before it
    count: int
    share: float | None  # percent of started, 0-100; None when nothing started
    dropoff: int | None  # previous main-line stage minus this one, >= 0; None for started, branches
    recorded: int = 0


@dataclass(frozen=True)
class Funnel:
    wiki: str
    tour: str
    stages: tuple[Stage, ...]
    abandoned: int
    filters: Filters

    @property
    def empty(self) -> bool:
        return all(s.count == 0 for s in self.stages) and self.abandoned == 0


def parse_filters(args: Mapping[str, str], max_days: int) -> tuple[Filters, str | None]:
    """Filters from query arguments, and an error key when a value is unusable.

    Unusable values are dropped (the page still shows, with the message), never passed on.
    """
    lang = (args.get("lang") or "").strip().lower()
    skin = (args.get("skin") or "").strip().lower()
    error = None
    if lang and not _LANG.fullmatch(lang):
        lang = ""
    if skin and not _ID.fullmatch(skin):
        skin = ""
    version = None
    if (args.get("version") or "").isdigit():
        version = int(args["version"]) or None
    start = end = None
    try:
        start = dt.date.fromisoformat(args["from"]) if args.get("from") else None
        end = dt.date.fromisoformat(args["to"]) if args.get("to") else None
    except ValueError:
        start = end = None
        error = "wikitours-app-funnel-bad-date"
    if start and end and (start > end or (end - start).days > max_days):
        start = end = None
        error = "wikitours-app-funnel-bad-date"
    return Filters(lang, skin, version, start, end), error


def build_funnel(wiki: str, tour: str, rows: Iterable[tuple[str, str, int, int]],
                 known_steps: Iterable[str] = (), filters: Filters = Filters(),
                 branches: Iterable[str] = ()) -> Funnel:
    """The funnel from ``(step, action, step_index, count)`` rows summed over the filters.

    Steps are ordered as the tour file lists them; steps it does not list (a wiki's own
    inserted steps) are placed by the index the gadget reported. A step is *reached* when it
    was shown: the gadget sends ``started`` and each step's ``shown`` once per run of the tour
    (contracts §6), so a run is counted the same way at every stage. Steps in *branches*
    (conditional ones) are only on some readers' paths: they are shown beside the main line,
    and the next main-line step is compared with the main-line step before them.

    Whatever the rows say, the funnel is a funnel: each count is at most the count of the
    stage readers come from, so no share is above 100 % and no loss is negative.
    """
    started = completed = abandoned = 0
    shown: dict[str, int] = {}
    index: dict[str, int] = {}
    for step, action, step_index, count in rows:
        count = max(0, int(count or 0))
        if action == "started":
            started += count
        elif action == "completed":
            completed += count
        elif action == "abandoned":
            abandoned += count
        if step and action in ("shown", "advanced"):
            index[step] = max(index.get(step, 0), int(step_index or 0))
            if action == "shown":
                shown[step] = shown.get(step, 0) + count
    order = list(dict.fromkeys(known_steps))
    position = {s: i for i, s in enumerate(order)}
    extra = sorted((s for s in index if s not in position), key=lambda s: (index[s], s))
    for step in extra:  # ``index`` is 0-based: the step's position in the wiki's own tour
        at = min(index[step], len(order))
        order.insert(at, step)
    conditional = set(branches)

    def share(count: int) -> float | None:
        return round(100.0 * count / started, 1) if started else None

    result = [Stage("started", None, None, started, share(started), None, started)]
    line = started  # the main line's count so far
    number = 0
    for step in order:
        recorded = shown.get(step, 0)
        count = min(recorded, line)
        if step in conditional:
            result.append(Stage("branch", step, number, count, share(count), None, recorded))
            continue
        number += 1
        result.append(Stage("step", step, number, count, share(count), line - count, recorded))
        line = count
    done = min(completed, line)
    result.append(Stage("completed", None, None, done, share(done), line - done, completed))
    return Funnel(wiki, tour, tuple(result), abandoned, filters)


@dataclass(frozen=True)
class Bar:
    """One row of the SVG chart, in user units (the template only places them)."""

    label: str
    value_text: str
    y: int
    bar_x: float
    bar_width: float
    text_x: float
    value_x: float
    anchor: str
    value_anchor: str
    kind: str


def chart(labels_values: list[tuple[str, str, int, str]], rtl: bool,
          width: int = 640, row: int = 44) -> tuple[list[Bar], int]:
    """Lay out horizontal bars, longest = full width, mirrored for right-to-left languages.

    Each item is ``(label, value text, count, kind)``. Returns the bars and the chart height.
    """
    top = max((c for _l, _v, c, _k in labels_values), default=0) or 1
    bars = []
    usable = width - 120
    for i, (label, value_text, count, kind) in enumerate(labels_values):
        w = round(usable * count / top, 1)
        y = i * row
        if rtl:
            # The SVG's ``direction`` is rtl, so ``start`` is the right-hand side.
            bars.append(Bar(label, value_text, y, width - w, w, width, width - w - 6,
                            "start", "start", kind))
        else:
            bars.append(Bar(label, value_text, y, 0, w, 0, w + 6, "start", "start", kind))
    return bars, max(len(labels_values) * row, row)


def stage_label(stage: Stage, titles: Mapping[str, str] | None = None) -> str:
    """The stage's name for people: ``Step 2: Open the editor`` (the id without a title)."""
    if stage.kind in ("step", "branch"):
        title = (titles or {}).get(stage.step or "") or stage.step
        if stage.kind == "branch":
            return msg("wikitours-app-funnel-branch", title)
        return msg("wikitours-app-funnel-step", stage.number, title)
    return msg(f"wikitours-app-funnel-{stage.kind}")


def step_titles(tour: str, known: Mapping[str, Any], wiki: str | None = None
                ) -> dict[str, str]:
    """Each known step's title in the reader's language (message keys per contracts §1), as
    plain text: a title's links and bold are wikitext the page must not show raw. *wiki*: the
    wiki whose published translations come after the app's own."""
    source = known.get("step_titles") or {}
    return {step: plain(tour_text(message_key("tour", tour, "step", step, "title"), title, wiki))
            for step, title in source.items()}


def _known_or_404(wiki: str, tour: str) -> dict[str, Any]:
    config = current_app.config
    if not _WIKI.fullmatch(wiki) or not _ID.fullmatch(tour):
        abort(404)
    if config["UNKNOWN_WIKIS"] != "count" and wiki not in {
            str(w["id"]) for w in config.get("WIKIS") or []}:
        abort(404)
    known = publishedtours.known_tours(wiki).get(tour)
    if known is None:  # published a moment ago?
        known = publishedtours.known_tours(wiki, max_age=publishedtours.min_refresh()).get(tour)
    if known is None and config["UNKNOWN_TOURS"] != "count":
        abort(404)
    return known or {}


def _where(wiki: str, tour: str, filters: Filters) -> list:
    c = EventCount
    clauses = [c.wiki == wiki, c.tour == tour]
    if filters.lang:
        clauses.append(c.lang == filters.lang)
    if filters.skin:
        clauses.append(c.skin == filters.skin)
    if filters.version:
        clauses.append(c.version == filters.version)
    if filters.start:
        clauses.append(c.day >= filters.start)
    if filters.end:
        clauses.append(c.day <= filters.end)
    return clauses


def load_funnel(wiki: str, tour: str) -> tuple[Funnel, str | None]:
    known = _known_or_404(wiki, tour)
    filters, error = parse_filters(request.args, int(current_app.config["FUNNEL_MAX_DAYS"]))
    c = EventCount
    query = (select(c.step, c.action, func.max(c.step_index), func.sum(c.count))
             .where(*_where(wiki, tour, filters)).group_by(c.step, c.action))
    rows = get_session().execute(query).all()
    return build_funnel(wiki, tour, rows, known.get("steps", ()), filters,
                        known.get("branches", ())), error


def _options(wiki: str, tour: str) -> tuple[list[str], list[str], list[int]]:
    """Languages, skins and versions seen for the tour, for the filter menus (one query)."""
    c = EventCount
    query = select(c.lang, c.skin, c.version).where(c.wiki == wiki, c.tour == tour).distinct()
    langs, skins, versions = set(), set(), set()
    for lang, skin, version in get_session().execute(query):
        langs.add(lang)
        skins.add(skin)
        versions.add(version)
    return sorted(langs - {""}), sorted(skins - {""}), sorted(versions)


@bp.get("/<wiki>/<tour>")
def funnel(wiki: str, tour: str):
    """The funnel page."""
    data, error = load_funnel(wiki, tour)
    known = publishedtours.known_tours(wiki).get(tour) or {}
    titles = step_titles(tour, known, wiki)
    source_title = known.get("title") or ""
    tour_title = plain(tour_text(message_key("tour", tour, "title"), source_title, wiki)) or tour

    def label(stage: Stage) -> str:
        return stage_label(stage, titles)

    labels = [(label(s), msg("wikitours-app-funnel-bar-value", s.count,
                                   s.share if s.share is not None else 0), s.count, s.kind)
              for s in data.stages]
    rtl = text_direction() == "rtl"
    langs, skins, versions = _options(wiki, tour)
    bars, height = chart(labels, rtl)
    languages = catalog().languages
    return render_template(
        "funnel.html", funnel=data, error=error, bars=bars, chart_height=height, rtl=rtl,
        stage_label=label, tour_title=tour_title,
        langs=langs, skins=skins, versions=versions,
        language_names={k: v.name for k, v in languages.items()},
        query=data.filters.query_args(), uselang=request.args.get("uselang", ""),
    ), 400 if error else 200


def _export_rows(data: Funnel) -> list[dict[str, Any]]:
    return [{"stage": s.kind, "step": s.step, "number": s.number, "count": s.count,
             "share": s.share, "dropoff": s.dropoff, "recorded": s.recorded}
            for s in data.stages]


def _filters_json(filters: Filters) -> dict[str, Any]:
    out = asdict(filters)
    out["start"] = filters.start.isoformat() if filters.start else None
    out["end"] = filters.end.isoformat() if filters.end else None
    return out


@bp.get("/<wiki>/<tour>/data.json")
def funnel_json(wiki: str, tour: str):
    data, error = load_funnel(wiki, tour)
    if error:
        return jsonify({"error": 400, "message": msg(error)}), 400
    return jsonify({"wiki": data.wiki, "tour": data.tour, "filters": _filters_json(data.filters),
                    "stages": _export_rows(data), "abandoned": data.abandoned})


def _csv_cell(value: Any) -> Any:
    """Spreadsheets run cells that start with = + - @ as formulas: quote them."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


@bp.get("/<wiki>/<tour>/data.csv")
def funnel_csv(wiki: str, tour: str):
    data, error = load_funnel(wiki, tour)
    if error:
        abort(400)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["wiki", "tour", "stage", "step", "number", "count", "share_percent",
                     "dropoff", "recorded"])
    for row in _export_rows(data):
        writer.writerow([_csv_cell(v) for v in (data.wiki, data.tour, row["stage"], row["step"],
                                                  row["number"], row["count"], row["share"],
                                                  row["dropoff"], row["recorded"])])
    writer.writerow([_csv_cell(v) for v in (data.wiki, data.tour, "abandoned", None, None,
                                              data.abandoned, None, None, data.abandoned)])
    name = f"funnel-{data.wiki}-{data.tour}.csv".replace(":", "_")
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})

