"""Each wiki's tours as published there: what the app counts, shows and issues badges for.

On a community wiki the tours live on the wiki, and a wiki variant adds, replaces or removes
steps, so the app's own checkout says nothing reliable about what a wiki's readers run. The
app reads what the gadget reads (contracts §3, §4, through :mod:`contracts.tourdata` and
:mod:`contracts.liveversion`): the pointer in the loader, the index (tours, versions, badges and
what they need), each tour's data (steps, conditions, pages) and the source-language message
page of each tour (titles), and the tour's message page of every other language the index
lists (contracts §3: ``messages/<tour>/<h>/<lang>``, only the keys translated there), so that a
tour or badge that exists only on that wiki is named in the reader's language, along the same
fallback chain the gadget follows (:func:`translated`). That is a :class:`tours.model.Library`
per wiki, the same type the app's badge and evidence code already takes.

Cost: versioned pages never change, so a refresh reads the loader (one request) and reads the
rest (two more requests, 50 titles each) only when the pointer changed. A refresh happens every
``TOURS_REFRESH`` seconds (default 300) when a request needs the tours, and, for an event naming
a tour or step the app does not know, at most every ``TOURS_MIN_REFRESH`` seconds (default 60):
a tour published a minute ago is counted, while forged events cannot make the app hammer the
wiki. A wiki that cannot be read keeps what was read before (or nothing: its events are refused
as unknown, as before).

``TOURS`` (known tours, for tests) and ``LIBRARY`` (a fixed library, for tests and the
playground's certificates) in the configuration replace the wiki's data.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Mapping, Sequence

from flask import Flask, current_app

from contracts import tourdata
from contracts.liveversion import LOADER_TITLE, Pointer, gadget_title, parse_pointer
from contracts.problems import Issue, page_issue
from tours.messages import output_language
from tours.model import Badge, Conditions, Library, PageRef, Step, Tour
from tours.problemkinds import issue_text

from .wikiclient import Wiki, WikiClient, WikiError

__all__ = ["Published", "read_published", "library_from_published", "known_from_library",
           "known_tours", "library_for", "published", "all_libraries", "PublishedTours", "init_app",
           "translated"]

log = logging.getLogger(__name__)

#: Tours read per wiki at most (a wiki has a handful; the pages are hostile input all the same).
MAX_TOURS = 500
#: Translated message pages (tours × languages) read per wiki at most: 20 requests.
MAX_MESSAGE_PAGES = 1000
#: A language code as MediaWiki writes it (``de``, ``pt-br``, ``zh-hant``): the index is
#: hostile input, and a code becomes part of a title.
_LANG = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{1,8}){0,3}$")


@dataclass(frozen=True)
class Published:
    """What one wiki publishes: its library, the pointer it was read through (None: fixed
    titles) and the problems met (shown in the log in the operator's language; a bad page
    drops only itself)."""

    library: Library
    pointer: Pointer | None = None
    problems: tuple[Issue, ...] = ()
    #: The tours' texts in each published language other than the source, as the wiki's
    #: message pages carry them: ``{lang: {key: text}}`` (only keys translated there).
    translations: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @cached_property
    def known(self) -> dict[str, dict[str, Any]]:
        """:func:`known_from_library`, worked out once per version read."""
        return known_from_library(self.library)

    @cached_property
    def steps(self) -> dict[str, tuple[int, frozenset[str]]]:
        """Tour id → (version, step ids): what an event may name."""
        return {t.id: (t.version, frozenset(s.id for s in t.steps)) for t in self.library.tours}


EMPTY = Published(Library("en", ()))


def _step(step: tourdata.StepData, texts: Mapping[str, str]) -> Step:
    page = step.page
    return Step(step.id, texts.get(step.title, ""), texts.get(step.text, ""),
                PageRef(str(page.get("kind") or "any"), str(page.get("title") or "")),
                None, step.placement, step.highlight, step.advance, step.when,
                step.unless or Conditions())


def library_from_published(index: tourdata.Index | None,
                           tours: Mapping[str, tourdata.TourData],
                           texts: Mapping[str, Mapping[str, str]]) -> Library:
    """The wiki's library from its published pages (pure). *texts* are each tour's messages
    in the source language. Tours in the index order; a tour whose data is missing is left
    out (the gadget could not run it either)."""
    order = list(index.tours) if index is not None else []
    order += [t for t in tours if t not in order]
    built = []
    for tid in order:
        data = tours.get(tid)
        if data is None:
            continue
        words = texts.get(tid, {})
        audience = index.tours[tid].audience if index is not None and tid in index.tours \
            else "newcomer"
        built.append(Tour(tid, words.get(data.title, ""), words.get(data.summary, ""),
                          audience, 0, data.version,
                          tuple(_step(s, words) for s in data.steps), data.requires,
                          data.badge or ""))
    badges = tuple(Badge(bid, b.name, b.description, b.tours, b.badges, b.evidence)
                   for bid, b in (index.badges.items() if index is not None else ()))
    return Library(index.source_language if index is not None else "en", tuple(built), badges)


def known_from_library(library: Library) -> dict[str, dict[str, Any]]:
    """Known tours as the funnels and the events API use them: ``{tour: {"version",
    "steps": [ids in order], "title", "step_titles": {id: title}, "branches": [ids]}}``."""
    return {t.id: {"version": t.version, "steps": [s.id for s in t.steps], "title": t.title,
                   "step_titles": {s.id: s.title for s in t.steps},
                   "branches": [s.id for s in t.steps if _is_branch(s)]}
            for t in library.tours}


def _is_branch(step: Step) -> bool:
    """Conditional steps that choose among readers (contracts §6)."""
    return tourdata.is_branch(step.when, step.unless)


def read_published(client: WikiClient) -> Published:
    """Read a wiki's published tours: the loader, then :func:`read_through` its pointer.

    Raises :class:`WikiError` when the wiki cannot be read at all."""
    loader = client.page_texts([LOADER_TITLE]).get(LOADER_TITLE)
    return read_through(client, parse_pointer(loader))


def read_through(client: WikiClient, pointer: Pointer | None) -> Published:
    """The tours the *pointer* names (the fixed titles without one): the index and the tours'
    data in one request per 50 titles, then each tour's source-language messages."""
    index_title = gadget_title(pointer, "tours")
    named = list(pointer.tours)[:MAX_TOURS] if pointer else []
    tour_titles = {t: gadget_title(pointer, "tours", t) for t in named}
    pages = client.page_texts([index_title, *tour_titles.values()])
    index, problems = tourdata.parse_index(pages.get(index_title), index_title)
    if index is not None and pointer is None:  # fixed titles: the index names the tours
        tour_titles = {t: gadget_title(None, "tours", t) for t in list(index.tours)[:MAX_TOURS]}
        pages.update(client.page_texts(list(tour_titles.values())))
    tours: dict[str, tourdata.TourData] = {}
    for tid, title in tour_titles.items():
        data, found = tourdata.parse_tour_data(pages.get(title), title)
        problems += found
        if data is not None and data.id == tid:
            tours[tid] = data
        elif data is not None:
            problems.append(page_issue(title, "wikitours-problem-tourdata-other-tour", data.id))
    source = index.source_language if index is not None else "en"
    message_titles = {tid: gadget_title(pointer, "messages", tid, source) for tid in tours}
    texts: dict[str, dict[str, str]] = {}
    if message_titles:
        read = client.page_texts(list(message_titles.values()))
        for tid, title in message_titles.items():
            texts[tid], found = tourdata.parse_messages(read.get(title), title)
            problems += found if read.get(title) is not None else []
    translations = _read_translations(client, pointer, index, list(tours), problems)
    return Published(library_from_published(index, tours, texts), pointer, tuple(problems),
                     translations)


def _read_translations(client: WikiClient, pointer: Pointer | None,
                       index: tourdata.Index | None, tours: Sequence[str],
                       problems: list[Issue]) -> dict[str, dict[str, str]]:
    """Each tour's message page in every language the index lists besides the source, merged
    per language (:func:`translation_titles`, :func:`merge_translations`)."""
    titles = translation_titles(pointer, index, tours)
    read = client.page_texts(list(titles.values())) if titles else {}
    return merge_translations(titles, read, problems)


def translation_titles(pointer: Pointer | None, index: tourdata.Index | None,
                       tours: Sequence[str]) -> dict[tuple[str, str], str]:
    """``(tour, lang) → title`` of the message pages to read (pure): every language the index
    lists that is a language code and not the source, at most :data:`MAX_MESSAGE_PAGES`."""
    if index is None:
        return {}
    langs = [code for code in index.languages
             if isinstance(code, str) and _LANG.match(code) and code != index.source_language]
    titles = {(tid, code): gadget_title(pointer, "messages", tid, code)
              for code in langs for tid in tours}
    return dict(list(titles.items())[:MAX_MESSAGE_PAGES])


def merge_translations(titles: Mapping[tuple[str, str], str], read: Mapping[str, str | None],
                       problems: list[Issue]) -> dict[str, dict[str, str]]:
    """``{lang: {key: text}}`` from the pages read (pure). A missing page is a language without
    translations of that tour; a broken one drops only itself (a problem); a page gives only
    its own tour's keys and badge texts, never another tour's."""
    out: dict[str, dict[str, str]] = {}
    for (tid, code), title in titles.items():
        if read.get(title) is None:
            continue
        messages, found = tourdata.parse_messages(read[title], title)
        problems += found
        own = (f"wikitours-tour-{tid}-", "wikitours-badge-")
        out.setdefault(code, {}).update((k, v) for k, v in messages.items() if k.startswith(own))
    return out


def translated(key: str, lang: str, wiki: str | None = None, app: Flask | None = None
               ) -> str | None:
    """The text of tour or badge message *key* in exactly *lang* as a wiki published it
    (*wiki*; without one, the first configured wiki that has it), or None. Callers walk the
    reader's fallback chain (as the gadget merges its chain) and end with the source text."""
    app = app or current_app
    if app.extensions.get("wikitours.fixed-tours") is not None:
        return None  # a fixed library (tests, playground): no wiki pages behind it
    ids = [wiki] if wiki is not None else [str(w.get("id")) for w in
                                           app.config.get("WIKIS") or []]
    for wiki_id in ids:
        text = published(wiki_id, app).translations.get(lang, {}).get(key)
        if text is not None:
            return text
    return None


@dataclass
class _Entry:
    published: Published = EMPTY
    read_at: float = float("-inf")  # time.monotonic() of the last attempt
    lock: threading.Lock = field(default_factory=threading.Lock)


class PublishedTours:
    """The cache of every configured wiki's published tours (one per app process)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def _entry(self, wiki_id: str) -> _Entry:
        with self._lock:
            return self.entries.setdefault(wiki_id, _Entry())

    def get(self, wiki_id: str, max_age: float | None = None) -> Published:
        """The wiki's tours, read again when older than *max_age* seconds (default
        ``TOURS_REFRESH``). Only one request at a time reads; the others use what is there."""
        config = self.app.config
        if max_age is None:
            max_age = float(config.get("TOURS_REFRESH", 300))
        if not any(str(w.get("id")) == wiki_id for w in config.get("WIKIS") or []):
            return EMPTY  # events of unconfigured wikis (UNKNOWN_WIKIS: count) cache nothing
        entry = self._entry(wiki_id)
        if time.monotonic() - entry.read_at < max_age:
            return entry.published
        if not entry.lock.acquire(blocking=entry.read_at == float("-inf")):
            return entry.published  # another request is reading; first use waits for it
        try:
            if time.monotonic() - entry.read_at >= max_age:
                entry.published = self._read(wiki_id, entry.published)
                entry.read_at = time.monotonic()
        finally:
            entry.lock.release()
        return entry.published

    def _read(self, wiki_id: str, before: Published) -> Published:
        entry = next((w for w in self.app.config.get("WIKIS") or []
                      if str(w.get("id")) == wiki_id), None)
        if entry is None or not entry.get("api") or not entry.get("index"):
            return EMPTY  # a wiki configured for events only: no tours to read
        wiki = Wiki.from_config(entry)
        factory = self.app.config.get("WIKI_CLIENT_FACTORY")
        client = factory(wiki) if factory else WikiClient(
            wiki, self.app.config.get("USER_AGENT", "wikitours"), timeout=10, max_lag_retries=1)
        try:
            loader = client.page_texts([LOADER_TITLE]).get(LOADER_TITLE)
            pointer = parse_pointer(loader)
            if pointer is not None and pointer == before.pointer:
                return before  # versioned pages never change: nothing else to read
            published = read_through(client, pointer)
        except WikiError as error:
            log.warning("%s: cannot read the published tours (%s); keeping the %d known",
                        wiki_id, error, len(before.library.tours))
            return before
        lang = output_language()
        for problem in published.problems[:20]:
            log.warning("%s: %s", wiki_id, issue_text(problem, lang))
        return published


def _cache(app: Flask) -> PublishedTours:
    cache = app.extensions.get("wikitours.published")
    if cache is None:
        cache = app.extensions["wikitours.published"] = PublishedTours(app)
    return cache


def published(wiki_id: str, app: Flask | None = None, *, max_age: float | None = None
              ) -> Published:
    """What *wiki_id* publishes; ``LIBRARY`` (and ``TOURS``) when configured."""
    app = app or current_app
    fixed = app.extensions.get("wikitours.fixed-tours")
    if fixed is not None:
        return fixed
    return _cache(app).get(wiki_id, max_age)


def library_for(wiki_id: str, app: Flask | None = None, *, max_age: float | None = None
                ) -> Library:
    """The library *wiki_id* publishes (``LIBRARY`` when configured)."""
    return published(wiki_id, app, max_age=max_age).library


def all_libraries(app: Flask | None = None, *, max_age: float | None = None) -> Library:
    """Every configured wiki's tours and badges in one library (for pages that name no wiki,
    such as ``/badges/<badge>``): the first wiki in ``WIKIS`` that publishes an id wins."""
    app = app or current_app
    fixed = app.extensions.get("wikitours.fixed-tours")
    if fixed is not None:
        return fixed.library
    parts = [published(str(entry.get("id")), app, max_age=max_age)
             for entry in app.config.get("WIKIS") or []]
    key = tuple(id(p) for p in parts)
    cached = app.extensions.get("wikitours.published-union")
    if cached is not None and cached[0] == key:
        return cached[1]  # no wiki read anything new: the same union (pages ask many times)
    tours: dict[str, Tour] = {}
    badges: dict[str, Badge] = {}
    source = ""
    for lib in (p.library for p in parts):
        source = source or (lib.source_language if lib.tours else "")
        for t in lib.tours:
            tours.setdefault(t.id, t)
        for b in lib.badges:
            badges.setdefault(b.id, b)
    union = Library(source or "en", tuple(tours.values()), tuple(badges.values()))
    app.extensions["wikitours.published-union"] = (key, union, parts)  # parts keep the ids
    return union


def known_tours(wiki_id: str, app: Flask | None = None, *, max_age: float | None = None
                ) -> dict[str, dict[str, Any]]:
    """The tours whose events *wiki_id* may send (``TOURS`` when configured)."""
    return published(wiki_id, app, max_age=max_age).known


class _Fixed(Published):
    """``TOURS`` and/or ``LIBRARY`` from the configuration (tests): the same for every wiki."""

    def __init__(self, library: Library, tours: Mapping[str, Mapping[str, Any]] | None):
        super().__init__(library)
        if tours is not None:
            known = {t: {"version": int(v.get("version", 1)),
                         "steps": list(v.get("steps") or ()), "title": str(v.get("title") or ""),
                         "step_titles": dict(v.get("step_titles") or {}),
                         "branches": list(v.get("branches") or ())}
                     for t, v in tours.items()}
            self.__dict__["known"] = known
            self.__dict__["steps"] = {t: (v["version"], frozenset(v["steps"]))
                                      for t, v in known.items()}


def min_refresh(app: Flask | None = None) -> float:
    """How old the tours may be when a request names one the app does not know: a tour or
    badge published a moment ago is found, and unknown names cannot make the app read the
    wikis more often than this (``TOURS_MIN_REFRESH``)."""
    return float((app or current_app).config.get("TOURS_MIN_REFRESH", 60))


def init_app(app: Flask) -> None:
    """``TOURS`` or ``LIBRARY`` in the configuration fix the tours for every wiki (tests);
    otherwise each wiki's are read from it when first needed."""
    if app.config.get("TOURS_FILE"):
        log.warning("TOURS_FILE is no longer read: each wiki's tours come from what it "
                    "published (docs/contracts.md §4)")
    tours, library = app.config.get("TOURS"), app.config.get("LIBRARY")
    if tours is not None or library is not None:
        app.extensions["wikitours.fixed-tours"] = _Fixed(library or EMPTY.library, tours)
    _cache(app)
