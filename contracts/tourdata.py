"""The tour data the gadget runs, as published on a wiki (contracts §3 and §4).

The compiler writes these pages (:mod:`tours.render.gadgetdata` builds the values and renders
them here), the gadget runs them, and the app learns each wiki's tours from them
(:mod:`toolforge.publishedtours`): what a wiki's readers run is what the app counts, including
the steps a wiki variant adds and the tours that exist only on that wiki.

- one tour, ``MediaWiki:Wikitours/tours/<tour>/<h>.json``: :class:`TourData`;
- the index, ``MediaWiki:Gadget-wikitours-tours/<h>.json``: :class:`Index` (tours with their
  version, step count and audience; languages; the site settings; the badges and what they need);
- a message page, ``MediaWiki:Wikitours/messages/<tour>/<h>/<lang>.json``: ``{key: text}``
  (:func:`parse_messages`).

Pages are compact JSON (``ensure_ascii=False``, no spaces) with keys in a fixed order, so an
unchanged library renders to the same bytes and deploys as no edits. The published data is
hostile input to its readers (anyone with ``editsitejson`` can save anything there): parsing
never raises, it returns the value and the problems found (:class:`contracts.problems.Issue`
values with message keys of ``i18n/compiler``, shown in the reader's language by
:func:`tours.problemkinds.issue_text`), and skips what it cannot use.
Fields a reader does not know are kept (``extra``) so they survive a round trip.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from contracts.problems import Issue, json_issue, page_issue

__all__ = ["Conditions", "StepData", "TourData", "IndexTour", "BadgeData", "Index", "dump",
           "parse_tour_data", "render_tour_data", "parse_index", "render_index",
           "parse_messages", "is_branch"]

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
#: A published page larger than this is not read (the wiki's own limit is 2 MB).
MAX_PAGE_BYTES = 2_000_000


def dump(data: object) -> str:
    """A gadget data page's text: compact JSON (the json module's C encoder is several times
    faster than indented output; MediaWiki shows JSON pages as a table anyway)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def _load(text: str | None, title: str) -> tuple[Any, list[Issue]]:
    if text is None:
        return None, [page_issue(title, "wikitours-problem-page-missing")]
    if len(text.encode("utf-8", "replace")) > MAX_PAGE_BYTES:
        return None, [page_issue(title, "wikitours-problem-page-too-large", MAX_PAGE_BYTES)]
    try:
        return json.loads(text), []
    except RecursionError:
        return None, [page_issue(title, "wikitours-problem-page-nested-too-deeply")]
    except ValueError as error:
        return None, [json_issue(title, error)]


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


@dataclass(frozen=True)
class Conditions:
    """A step's ``when`` or ``unless``: when a step shows. Empty tuples and ``None`` mean
    "any"; all given parts must hold.

    The one type of conditions: the compiler's model (:class:`tours.model.Step`) holds it as
    validated from ``tours.yaml``, the tour data carries it as JSON (:meth:`to_json`), the app
    reads it back (:meth:`from_json`), so the three can never disagree on a field.

    *actions* are MediaWiki actions (``view``, ``edit``, ``submit``, ``history``);
    *namespaces* are namespace numbers; *skins* are skin names; *editors* are ``source`` and
    ``visual``; *logged_in* is ``True``/``False`` or ``None`` for either.
    """

    actions: tuple[str, ...] = ()
    namespaces: tuple[int, ...] = ()
    skins: tuple[str, ...] = ()
    editors: tuple[str, ...] = ()
    logged_in: bool | None = None
    #: The source editor shows a preview / the changes (both are ``action=submit``), and the
    #: page is on the reader's watchlist: written only when given, so the data of tours
    #: without them is unchanged.
    previewing: bool | None = None
    showing_changes: bool | None = None
    watched: bool | None = None
    #: Dialogs of the visual editor, one of which is open (``save``, ``cite``, ``link``,
    #: ``welcome``, ``any``); written only when given.
    dialogs: tuple[str, ...] = ()

    def to_json(self) -> dict:
        out = {"actions": list(self.actions), "namespaces": list(self.namespaces),
               "skins": list(self.skins), "editors": list(self.editors),
               "loggedIn": self.logged_in}
        for key, value in (("previewing", self.previewing),
                           ("showingChanges", self.showing_changes), ("watched", self.watched)):
            if value is not None:
                out[key] = value
        if self.dialogs:
            out["dialogs"] = list(self.dialogs)
        return out

    @classmethod
    def from_json(cls, data: Any) -> "Conditions":
        if not isinstance(data, Mapping):
            return cls()
        def flag(key: str) -> bool | None:
            value = data.get(key)
            return value if isinstance(value, bool) else None

        return cls(_strings(data.get("actions")),
                   tuple(n for n in data.get("namespaces") or () if isinstance(n, int)
                         and not isinstance(n, bool)) if isinstance(data.get("namespaces"), list)
                   else (),
                   _strings(data.get("skins")), _strings(data.get("editors")), flag("loggedIn"),
                   flag("previewing"), flag("showingChanges"), flag("watched"),
                   _strings(data.get("dialogs")))

    def chooses_readers(self) -> bool:
        return bool(self.skins or self.editors or self.logged_in is not None)

    def is_empty(self) -> bool:
        return self == Conditions()


def is_branch(when: Conditions, unless: Conditions | None = None) -> bool:
    """Whether a step with these conditions is a branch of the funnel (contracts §6): it
    chooses among readers (their editor, skin, whether they are logged in), or has any
    ``unless``. ``actions`` and ``namespaces`` only say on which page a step happens, which
    every reader comes to."""
    return when.chooses_readers() or (unless is not None and not unless.is_empty())


@dataclass(frozen=True)
class StepData:
    """One step as the gadget runs it. *target* stays the JSON object the compiler wrote
    (selectors per skin, the catalogue element): the gadget interprets it, other readers only
    pass it on. *title* and *text* are message keys."""

    id: str
    page: Mapping[str, Any]
    target: Mapping[str, Any] | None
    placement: str
    highlight: bool
    advance: str
    when: Conditions
    unless: Conditions | None
    title: str
    text: str
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_branch(self) -> bool:
        """Whether the step chooses among readers (a ``branch`` stage of the funnel, §6)."""
        return is_branch(self.when, self.unless)

    def to_json(self) -> dict:
        return {"id": self.id, "page": dict(self.page),
                "target": None if self.target is None else dict(self.target),
                "placement": self.placement, "highlight": self.highlight,
                "advance": self.advance, "when": self.when.to_json(),
                "unless": None if self.unless is None else self.unless.to_json(),
                "title": self.title, "text": self.text, **self.extra}


_STEP_KEYS = ("id", "page", "target", "placement", "highlight", "advance", "when", "unless",
              "title", "text")


@dataclass(frozen=True)
class TourData:
    """One tour's page for the gadget (contracts §4)."""

    id: str
    version: int
    badge: str | None
    badge_evidence: bool
    requires: tuple[str, ...]
    source_language: str
    title: str
    summary: str
    steps: tuple[StepData, ...]
    extra: Mapping[str, Any] = field(default_factory=dict)
    #: Every tour the badge needs (following badges that require badges): the last step
    #: announces the badge only when the learner has completed all of them.
    badge_requires: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {"id": self.id, "version": self.version, "badge": self.badge,
                "badgeEvidence": self.badge_evidence, "badgeRequires": list(self.badge_requires),
                "requires": list(self.requires),
                "sourceLanguage": self.source_language, "title": self.title,
                "summary": self.summary, "steps": [s.to_json() for s in self.steps],
                **self.extra}


_TOUR_KEYS = ("id", "version", "badge", "badgeEvidence", "badgeRequires", "requires", "sourceLanguage", "title",
              "summary", "steps")


def render_tour_data(tour: TourData) -> str:
    return dump(tour.to_json())


def parse_tour_data(text: str | None, title: str = "tour data"
                    ) -> tuple[TourData | None, list[Issue]]:
    """A tour page's value, or None with the reasons. Steps without a usable id are skipped
    (and reported); a page whose tour id is not an id is refused."""
    data, problems = _load(text, title)
    if data is None:
        return None, problems
    if not isinstance(data, dict) or not isinstance(data.get("id"), str) \
            or not _ID.match(data["id"]):
        return None, [page_issue(title, "wikitours-problem-tourdata-not-a-tour")]
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        return None, [page_issue(title, "wikitours-problem-tourdata-version")]
    steps, seen = [], set()
    for n, step in enumerate(data.get("steps") if isinstance(data.get("steps"), list) else []):
        sid = step.get("id") if isinstance(step, dict) else None
        if not isinstance(sid, str) or not _ID.match(sid) or sid in seen:
            problems.append(page_issue(title, "wikitours-problem-tourdata-step-id", n + 1))
            continue
        seen.add(sid)
        unless = step.get("unless")
        steps.append(StepData(
            sid, step["page"] if isinstance(step.get("page"), dict) else {"kind": "any"},
            step["target"] if isinstance(step.get("target"), dict) else None,
            str(step.get("placement") or "auto"), step.get("highlight") is not False,
            str(step.get("advance") or "next"), Conditions.from_json(step.get("when")),
            Conditions.from_json(unless) if isinstance(unless, dict) else None,
            str(step.get("title") or ""), str(step.get("text") or ""),
            {k: v for k, v in step.items() if k not in _STEP_KEYS}))
    badge = data.get("badge")
    return TourData(
        data["id"], version, badge if isinstance(badge, str) and _ID.match(badge) else None,
        data.get("badgeEvidence") is not False, _strings(data.get("requires")),
        str(data.get("sourceLanguage") or "en"), str(data.get("title") or ""),
        str(data.get("summary") or ""), tuple(steps),
        {k: v for k, v in data.items() if k not in _TOUR_KEYS},
        _strings(data.get("badgeRequires"))), problems


@dataclass(frozen=True)
class IndexTour:
    version: int
    steps: int
    audience: str

    def to_json(self) -> dict:
        return {"version": self.version, "steps": self.steps, "audience": self.audience}


@dataclass(frozen=True)
class BadgeData:
    """A badge as the wiki publishes it: what it needs (tours completed, badges held), what
    the learner's edits must show (``evidence``: empty for a completion badge) and its texts
    in the source language (translations are in the tours' message pages)."""

    tours: tuple[str, ...] = ()
    badges: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    name: str = ""
    description: str = ""

    def to_json(self) -> dict:
        return {"tours": list(self.tours), "badges": list(self.badges),
                "evidence": list(self.evidence), "name": self.name,
                "description": self.description}


@dataclass(frozen=True)
class Index:
    """The index (contracts §3): the wiki's tours, languages, settings and badges."""

    tours: Mapping[str, IndexTour]
    languages: Mapping[str, Any]
    source_language: str
    config: Mapping[str, Any]
    badges: Mapping[str, BadgeData] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"tours": {k: v.to_json() for k, v in self.tours.items()},
                "languages": dict(self.languages), "sourceLanguage": self.source_language,
                "config": dict(self.config),
                "badges": {k: v.to_json() for k, v in self.badges.items()}, **self.extra}


_INDEX_KEYS = ("tours", "languages", "sourceLanguage", "config", "badges")


def render_index(index: Index) -> str:
    return dump(index.to_json())


def parse_index(text: str | None, title: str = "index") -> tuple[Index | None, list[Issue]]:
    """The index's value, or None with the reasons; entries with bad ids are skipped."""
    data, problems = _load(text, title)
    if data is None:
        return None, problems
    if not isinstance(data, dict) or not isinstance(data.get("tours"), dict):
        return None, [page_issue(title, "wikitours-problem-tourdata-not-index")]
    tours = {}
    for tid, entry in data["tours"].items():
        version = entry.get("version") if isinstance(entry, dict) else None
        if not _ID.match(tid) or not isinstance(version, int) or isinstance(version, bool):
            problems.append(page_issue(title, "wikitours-problem-tourdata-index-tour", tid[:64]))
            continue
        steps = entry.get("steps")
        tours[tid] = IndexTour(version, steps if isinstance(steps, int) else 0,
                               str(entry.get("audience") or "newcomer"))
    badges = {}
    raw_badges = data.get("badges") if isinstance(data.get("badges"), dict) else {}
    for bid, entry in raw_badges.items():
        if not _ID.match(bid) or not isinstance(entry, dict):
            problems.append(page_issue(title, "wikitours-problem-tourdata-index-badge", bid[:64]))
            continue
        badges[bid] = BadgeData(_strings(entry.get("tours")), _strings(entry.get("badges")),
                                _strings(entry.get("evidence")), str(entry.get("name") or ""),
                                str(entry.get("description") or ""))
    config = data.get("config") if isinstance(data.get("config"), dict) else {}
    languages = data.get("languages") if isinstance(data.get("languages"), dict) else {}
    return Index(tours, languages, str(data.get("sourceLanguage") or "en"), config, badges,
                 {k: v for k, v in data.items() if k not in _INDEX_KEYS}), problems


def parse_messages(text: str | None, title: str = "messages"
                   ) -> tuple[dict[str, str], list[Issue]]:
    """A message page: ``{key: text}``; entries that are not strings are skipped."""
    data, problems = _load(text, title)
    if not isinstance(data, dict):
        return {}, problems or [page_issue(title, "wikitours-problem-tourdata-messages")]
    return {k: v for k, v in data.items() if isinstance(v, str)
            and k.startswith("wikitours-")}, problems
