#!/usr/bin/env python3
"""The sync job: tours and translations edited on the wiki are compiled and published on every
wiki of the deployment; errors publish nothing and are reported on the wiki.

Each run reads, per wiki, the latest revision ids of its source pages in ONE batched query
(``generator=allpages`` under the library prefix with ``prop=revisions``, or ``prop=revisions``
on a local wiki's adaptation page). When nothing changed since the last run, that is all it
does. When something changed it reads the source pages (50 per request), assembles the library
(:mod:`tours.wikisource`), reads the on-wiki translations (``<prefix><lang>.json``, banana JSON),
compiles for each affected wiki with its local adaptation and deploys with :mod:`publish.deploy`
(only changed pages are edited). Then it writes, through the same deploy machinery:

* the status page (``Project:Wikitours/Status``) of each affected wiki: every error with page,
  line, what is wrong, how to fix it, a diff link to the revision that introduced it and its
  editor; or that all is well (and which errors were fixed), and which revisions are live;
* on the library wiki: the translation status pages (``<translations prefix>Status`` and
  ``…/Status/<lang>``), the edit notice of the tour pages and the JSON Schema page
  (``MediaWiki:Wikitours/tours.schema.json``);
* with ``-simulate`` (Pywikibot's dry run): everything above is computed and every edit it would
  make is printed, but Pywikibot blocks each one; no lease is taken and the local cache is left
  as it was, so the next real run does the work. (``sync_once(preview=True)`` still writes the
  compiled help page of each tour to ``Project:Wikitours/Preview/<tour>`` instead of deploying.)

**Drafts.** On the library wiki, a page ``Project:Wikitours/Drafts/<id>.yaml`` (the config's
``drafts:`` prefix) holds one tour in the same YAML as a tour page. Each changed draft is compiled
against the current library (replacing the tour with its id, or added as a new tour) and its
help page is written to ``Project:Wikitours/Preview/<id>`` under a banner (revision, not live,
how to publish it); a draft with errors gets them listed there instead. Drafts are never
published, never count as errors of the tours, and their editors get no talk-page note; the
status page lists them. A run where only drafts changed compiles and writes the previews and the
status page, not the deploy. The drafts share the listing of the tours (one request).

On any error nothing is deployed on that wiki (the last good version stays live) and the editor
of each broken page is told on their talk page, once per broken revision (the note carries
``<!-- wikitours:sync-error rev="N" -->``).

The sync's state lives on each wiki (``MediaWiki:Wikitours/sync-state.json``, see
:mod:`publish.syncstate`): the inputs last compiled, the revisions live, the errors reported and
fixed, the talk notes sent, and a lease naming the sync working on the wiki. A sync that has work
to do on a wiki takes the lease first and renews it while it works; a wiki leased by another sync
is skipped until the lease is released or expires (90 seconds after its holder stopped renewing
it; at once when the holder was a process of this machine that is gone). A second sync on the
same machine (same state file) finds the lock file ``FILE.lock`` taken, says so and stops
without touching any wiki.

Publishing is all or nothing for readers (:mod:`publish.golive`): the gadget's data has versioned
titles and one edit of the loader switches readers to the new version; the status page says
while a publish is in progress, reports an interrupted one, and lists what is actually live.

Usage:

    python -m publish.sync -wikis:wikis.yaml [-state:FILE] [-once | -interval:SECONDS] [-force] [-simulate]

-state:FILE is a local cache of the on-wiki state (default ``sync-state.json``): with it a run
where nothing changed reads one batch per wiki; without it (lost, new machine) each wiki's
state page is read as well. Pywikibot's user-config.py gives the bot account of each wiki
(family = wiki id, see docs/community.md).
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Mapping

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from publish import review  # noqa: E402
from publish import syncplan  # noqa: E402
from publish.multiwiki import Config, WikiConfig, load_config  # noqa: E402
from contracts.syncstate import SyncState  # noqa: E402
from wikiapi.client import call, save_page  # noqa: E402
from wikiapi.scriptoptions import help_requested, parse_options, simulating  # noqa: E402
from publish.syncstate import (MAX_DRAFTS, STATE_TITLE, Board, LeaseKeeper, LeaseLost,  # noqa: E402
                           MachineLock, claim, lease_verdict, new_holder, read_board,
                           render_state, write_state)
from publish import golive as publishing  # noqa: E402
from tours import __version__  # noqa: E402
from tours.build import Translations, build_pages, manifest as build_manifest  # noqa: E402
from tours.i18n import MessageFile, check, load_banana, read_dir, source_messages  # noqa: E402
from tours.model import Problem  # noqa: E402
from tours.problemtext import T, format_problem  # noqa: E402
from tours.render.drafttry import draft_data_page  # noqa: E402
from publish.statuspage import (DraftLine, PageError, Status, link, msg, render_draft_deleted,  # noqa: E402
                              render_draft_editnotice, render_draft_errors, render_draft_preview,
                              render_editnotice, render_status, render_talk_note,
                              render_translation_index, render_translation_status, talk_marker)
from publish.reviewpage import render_review  # noqa: E402
from tours.wikisource import Loaded, SourcePage, load_from_pages, tour_id_from_title  # noqa: E402
from tours.render.reference import PAGE_NAME  # noqa: E402
from publish import deployplan  # noqa: E402

__all__ = ["SyncResult", "WikiOutcome", "sync_once", "main", "SCHEMA_TITLE", "SYNC_STATE_TITLE",
           "STATE_TITLE", "Fetched", "Library", "Local", "RunPlan", "fetch_revisions", "fetch_boards",
           "fetch_library", "fetch_local", "plan_run", "plan_status", "execute_run"]

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_TITLE = "MediaWiki:Wikitours/tours.schema.json"
#: deploy's record of the pages the sync writes for people (status, edit notice, schema); the
#: sync's own state is STATE_TITLE (publish/syncstate.py).
SYNC_STATE_TITLE = "MediaWiki:Wikitours/sync-pages.json"
DOCS_TITLE = "Help:Wikitours/Tour language"  # with the default help prefix; see docs_title()


def docs_title(wiki: WikiConfig) -> str:
    """The tour language reference the build publishes on *wiki* (under its help prefix)."""
    return f"{wiki.help_prefix}/{PAGE_NAME}"


@dataclass(frozen=True)
class Revision:
    title: str
    revid: int
    user: str = ""
    timestamp: str = ""


@dataclass
class WikiOutcome:
    """What one run did on one wiki (for the console, the tests and the benchmark)."""

    wiki: str
    changed: bool = False
    published: bool = False
    errors: list[Problem] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    notified: list[tuple[str, int]] = field(default_factory=list)
    version: str = ""
    #: Not worked on because another sync holds the wiki's lease (its holder id), or "race"
    #: when another sync claimed the wiki at the same moment.
    skipped: str = ""
    #: Why the on-wiki state page could not be used (it was rebuilt), in the wiki's language.
    state_problem: str = ""
    #: Drafts compiled this run (draft page → number of errors); deleted drafts are not listed.
    drafts: dict[str, int] = field(default_factory=dict)
    #: Only drafts changed: the live tours were neither compiled for deployment nor deployed.
    drafts_only: bool = False
    #: When the publish this run finished had been started (and interrupted) by an earlier run.
    resumed: str = ""
    #: What readers run after this run (the pointer in the loader), when it was read.
    live: str = ""


@dataclass
class SyncResult:
    outcomes: dict[str, WikiOutcome] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# Reading


def canonical(site, title: str) -> str:
    """*title* as the wiki spells it (``Project:`` becomes the wiki's project namespace name,
    which is what the API returns); a prefix ending in ``/`` stays a prefix."""
    import pywikibot  # needs its user-config: imported on use

    if not title:
        return title
    if title.endswith("/"):
        return pywikibot.Page(site, title + "X").title()[:-1]
    return pywikibot.Page(site, title).title()


def _localise(config: Config, sites: Mapping[str, object]) -> Config:
    lib_site = sites[config.library.wiki]
    lib = replace(config.library, tours=canonical(lib_site, config.library.tours),
                  header=canonical(lib_site, config.library.header),
                  translations=canonical(lib_site, config.library.translations),
                  drafts=canonical(lib_site, config.library.drafts))
    wikis = tuple(replace(w, variant_page=canonical(sites[w.id], w.variant_page),
                          status=canonical(sites[w.id], w.status),
                          previews=canonical(sites[w.id], w.previews),
                          trust=replace(w.trust, approvals=canonical(sites[w.id], w.trust.approvals)))
                  for w in config.wikis)
    return Config(lib, wikis)


def _split_title(site, title: str) -> tuple[int, str]:
    import pywikibot  # needs its user-config: imported on use

    page = pywikibot.Page(site, title)
    return page.namespace().id, page.title(with_ns=False)


def _pages_of(reply: dict) -> list[dict]:
    pages = reply.get("query", {}).get("pages", [])
    return list(pages.values()) if isinstance(pages, dict) else list(pages)


def _revision(page: dict) -> Revision | None:
    if "missing" in page or "invalid" in page or not page.get("revisions"):
        return None
    rev = page["revisions"][0]
    return Revision(page["title"], int(rev.get("revid", 0)), rev.get("user", ""), rev.get("timestamp", ""))


def list_revisions(site, prefixes: Iterable[str], titles: Iterable[str] = ()) -> dict[str, Revision]:
    """Latest revision of every page under *prefixes* and of *titles*: one request per
    namespace prefix (more only past 500 pages), one for all *titles*."""
    found: dict[str, Revision] = {}
    by_ns: dict[int, list[str]] = {}
    for prefix in prefixes:
        ns, rest = _split_title(site, prefix.rstrip("/") + "/x")
        by_ns.setdefault(ns, []).append(rest[:-1])
    # A title in a namespace already listed joins that listing (common prefix): one request.
    rest_titles = []
    for title in titles:
        if not title:
            continue
        ns, rest = _split_title(site, title)
        if ns in by_ns:
            by_ns[ns].append(rest)
        else:
            rest_titles.append(title)
    titles = rest_titles
    for ns, rests in by_ns.items():
        common = rests[0]
        for r in rests[1:]:
            while not r.startswith(common):
                common = common[:-1]
        params = {"action": "query", "generator": "allpages", "gapnamespace": ns,
                  "gapprefix": common, "gaplimit": "max", "prop": "revisions",
                  "rvprop": "ids|timestamp|user"}
        while True:
            reply = call(site, **params)
            for page in _pages_of(reply):
                rev = _revision(page)
                if rev:
                    found[rev.title] = rev
            cont = reply.get("continue")
            if not cont:
                break
            params.update(cont)
    for start in range(0, len(titles), 50):
        reply = call(site, action="query", titles="|".join(titles[start:start + 50]),
                     prop="revisions", rvprop="ids|timestamp|user")
        for page in _pages_of(reply):
            rev = _revision(page)
            if rev:
                found[rev.title] = rev
    return found


def read_texts(site, titles: list[str]) -> dict[str, str]:
    """Current text of *titles*, 50 pages per request (Pywikibot's preloading)."""
    import pywikibot  # needs its user-config: imported on use

    pages = [pywikibot.Page(site, t) for t in titles]
    out: dict[str, str] = {}
    for page in site.preloadpages(pages, groupsize=50, content=True):
        if page.exists():
            out[page.title()] = page.text
    return out


def _is_tour_page(title: str, tours: str) -> bool:
    return title.startswith(tours) and title.endswith(".yaml") and len(title) > len(tours) + 5


def _is_translation_page(title: str, prefix: str) -> bool:
    rest = title[len(prefix):] if title.startswith(prefix) else ""
    return rest.endswith(".json") and "/" not in rest and len(rest) > 5


def _is_draft_page(title: str, drafts: str) -> bool:
    rest = title[len(drafts):] if drafts and title.startswith(drafts) else ""
    return rest.endswith(".yaml") and "/" not in rest and len(rest) > 5


def _drafts_on(config: Config) -> bool:
    """Drafts need the one-page-per-tour layout (a draft replaces one tour page)."""
    return bool(config.library.drafts) and not config.library.single


def library_sources(config: Config, revisions: Mapping[str, Revision]) -> dict[str, Revision]:
    lib = config.library
    out = {}
    for title, rev in revisions.items():
        if lib.drafts and title.startswith(lib.drafts):
            continue  # a draft is never a source of the live tours
        if (title == lib.tours if lib.single else _is_tour_page(title, lib.tours)) \
                or title == lib.header or _is_translation_page(title, lib.translations):
            out[title] = rev
    return out


# ---------------------------------------------------------------------------------------------
# Compiling (pure apart from reading the repository's interface translations)


def _repo_translations() -> tuple[Mapping[str, MessageFile], Mapping[str, MessageFile]]:
    pages, _ = read_dir(ROOT / "i18n" / "pages")
    gadget, _ = read_dir(ROOT / "i18n" / "gadget")
    return pages, gadget


def load_wiki_translations(texts: Mapping[str, str], prefix: str) -> tuple[dict[str, MessageFile], list[Problem]]:
    files: dict[str, MessageFile] = {}
    problems: list[Problem] = []
    for title, text in sorted(texts.items()):
        if not _is_translation_page(title, prefix):
            continue
        lang = title[len(prefix):-5]
        loaded, found = load_banana(text, title, lang)
        problems.extend(found)
        if loaded is not None:
            files[lang] = loaded
    return files, problems


def load_library_for(config: Config, wiki: WikiConfig, texts: Mapping[str, str],
                     revisions: Mapping[str, Revision], local_text: str | None,
                     draft: SourcePage | None = None) -> Loaded:
    lib = config.library
    def page(title: str) -> SourcePage:
        rev = revisions.get(title)
        return SourcePage(title, texts.get(title, ""), rev.revid if rev else 0, rev.user if rev else "")
    local = SourcePage(wiki.variant_page, local_text) if wiki.variant_page and local_text is not None else None
    if lib.single:
        return load_from_pages([page(lib.tours)] if lib.tours in texts else [], local=local,
                               single=True, prefix=lib.tours)
    tours = [page(t) for t in sorted(texts) if _is_tour_page(t, lib.tours)
             and not (lib.drafts and t.startswith(lib.drafts))]
    if draft is not None:
        # The draft takes the place of the tour with its id (or joins as a new tour).
        draft_id = tour_id_from_title(draft.title, lib.drafts)
        tours = [t for t in tours if tour_id_from_title(t.title, lib.tours) != draft_id] + [draft]
    header = page(lib.header) if lib.header in texts else None
    return load_from_pages(tours, header=header, local=local, prefix=lib.tours)


def compile_for(wiki: WikiConfig, loaded: Loaded, translations: Translations,
                local_text: str | None, extra: Iterable[Problem] = ()):
    """``(built or None, problems, variant)``: the library as *wiki* gets it (its adaptation,
    its help prefix); nothing is built when the sources have errors."""
    problems = list(loaded.problems) + list(extra)
    built = None
    variant = wiki.variant or None
    if loaded.library is not None and not any(p.severity == "error" for p in problems):
        if variant is None and local_text is not None and loaded.library.wikis:
            variant = loaded.library.wikis[0].id
        if variant and wiki.variant_page and local_text is None and loaded.library.wiki(variant) is None:
            # No adaptation page yet: the wiki gets the library as it is, and is told.
            problems.append(Problem(wiki.variant_page, 1, 1,
                                    T("wikitours-problem-sync-no-adaptation-page"),
                                    T("wikitours-hint-sync-no-adaptation-page", f"`id: {variant}`"),
                                    "warning"))
            variant = None
        event_url = str(wiki.settings.get("event-url", "") or "")
        built = build_pages(loaded.library, translations, wiki=variant, prefix=wiki.help_prefix,
                            config={"eventUrl": event_url} if event_url else {})
        problems.extend(loaded.map(built.problems))
    return built, problems, variant


def draft_preview(config: Config, wiki: WikiConfig, texts: Mapping[str, str],
                  revisions: Mapping[str, Revision], local_text: str | None, draft: Revision,
                  translations: Translations, extra: Iterable[Problem] = (),
                  try_pages: list | None = None) -> tuple[str, str, int]:
    """``(preview title, wikitext, number of errors)`` of one draft compiled against the
    library in *texts* (pure apart from the compiler reading the repository's messages).
    A draft that compiles adds its try-it data page to *try_pages* (tours.render.drafttry)."""
    lib = config.library
    draft_id = tour_id_from_title(draft.title, lib.drafts)
    source = SourcePage(draft.title, texts.get(draft.title, ""), draft.revid, draft.user)
    loaded = load_library_for(config, wiki, texts, revisions, local_text, draft=source)
    built, problems, _ = compile_for(wiki, loaded, translations, local_text, extra)
    live_ids = {tour_id_from_title(t, lib.tours) for t in texts
                if _is_tour_page(t, lib.tours) and not t.startswith(lib.drafts)}
    help_title = f"{wiki.help_prefix}/{draft_id}"
    live = help_title if draft_id in live_ids else ""
    errors = [p for p in problems if p.severity == "error"]
    # The draft's own errors first, then those of other pages (a broken library stops it too).
    errors.sort(key=lambda p: (p.file != draft.title, p.file, p.line, p.column))
    page = None
    if built is not None and not errors:
        page = next((p for p in built.pages if p.kind == "help" and p.title == help_title), None)
    title = wiki.previews + draft_id
    if page is None:
        if not errors:  # the id is not a tour of the library (cannot happen after the id check)
            errors = [Problem(draft.title, 1, 1, T("wikitours-problem-wikisource-id-not-page-name",
                                                   "?", draft_id),
                              T("wikitours-hint-wikisource-id-not-page-name", f"`id: {draft_id}`",
                                f"{lib.tours}{draft_id}.yaml"))]
        return title, render_draft_errors(wiki.language, draft=draft.title, revid=draft.revid,
                                          problems=errors, live=live), len(errors)
    tried = draft_data_page(built.pages, draft_id)
    if tried is not None and try_pages is not None:
        try_pages.append((tried.title, tried.model, tried.content))
    return title, render_draft_preview(wiki.language, draft=draft.title, revid=draft.revid,
                                       help_text=page.content, live=live,
                                       publish=f"{lib.tours}{draft_id}.yaml",
                                       try_it=draft_id if tried is not None else ""), 0


def _manifest(result, joined_source: str, wiki_id: str | None):
    data, files = build_manifest(result, source_name="wiki", source_bytes=joined_source.encode(),
                                 wiki=wiki_id)
    by_file = dict(files)
    pages = tuple(deployplan.BuiltPage(e["title"], e["model"], by_file[e["file"]].decode("utf-8"),
                                       e["kind"]) for e in data["pages"])
    gd = data["gadget_definition"]
    definition = deployplan.GadgetDefinition(gd["title"], gd["section"], tuple(gd["lines"])) \
        if gd["lines"] else None
    return deployplan.Manifest(data["generator"], "wiki", data["library_version"], pages, definition), data


def _own_pages(pages: list[tuple[str, str, str]], version: str):
    return deployplan.Manifest(f"wikitours {__version__}", "sync", version,
                               tuple(deployplan.BuiltPage(t, m, x, "help") for t, m, x in pages), None)


# ---------------------------------------------------------------------------------------------
# The run


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _digest(items: Mapping[str, Revision] | Iterable) -> str:
    if isinstance(items, Mapping):
        items = sorted((t, r.revid) for t, r in items.items())
    return hashlib.sha1(json.dumps(list(items), ensure_ascii=False).encode()).hexdigest()[:16]


def _deploy(site, manifest, state_title: str, overwrite: bool, progress=None) -> int:
    from publish import deploy as deploy_module  # imports pywikibot (user-config)

    return deploy_module.deploy(site, manifest, state_title=state_title, overwrite=overwrite,
                                dry_run=False, summary_prefix="", progress=progress)


def _write_page(site, title: str, text: str, summary: str, model: str = "wikitext") -> None:
    """Save a page the sync owns (one request; an identical text makes no revision)."""
    edit = save_page(site, title, text, summary, model=model)
    if edit.get("result") != "Success":
        raise RuntimeError(f"{title}: {edit}")


def _conflicts(site, manifest, state_title: str) -> list[str]:
    from publish import deploy as deploy_module  # imports pywikibot (user-config)
    titles = [p.title for p in manifest.pages]
    current = deploy_module.read_pages(site, titles + [state_title])
    state_page, _ = current.pop(state_title)
    state = deployplan.parse_state(state_page.text if state_page.exists else None)
    plan = deployplan.plan(manifest, {t: p for t, (p, _) in current.items()}, state, False)
    return [c.title for c in plan.conflicts]


def _tell_editor(site, wiki: WikiConfig, error_title: str, rev: Revision, good: int, count: int) -> bool:
    """Post the note on the editor's talk page unless it already carries this revision's marker."""
    if not rev.user or rev.user == site.username():
        return False
    talk = f"User talk:{rev.user}"
    reply = call(site, action="query", titles=talk, prop="revisions", rvprop="content",
                 rvslots="main")
    for page in _pages_of(reply):
        for r in page.get("revisions", []):
            text = r.get("slots", {}).get("main", {}).get("*") or r.get("slots", {}).get("main", {}).get("content") or r.get("*", "")
            if talk_marker(rev.revid) in (text or ""):
                return False
    heading, text = render_talk_note(wiki.language, title=error_title, revid=rev.revid,
                                     good_revid=good, errors=count, status_title=wiki.status)
    save_page(site, talk, text, msg("wikitours-sync-summary-talk", wiki.language, error_title),
              section="new", sectiontitle=heading)
    return True


def _ui_lang() -> str:
    from pywikibot import config as pwconfig  # needs its user-config: imported on use

    return pwconfig.userinterface_lang or "en"


def _ui(key: str, *params: object) -> str:
    """A console message in the operator's interface language (Pywikibot's setting)."""
    return msg(key, _ui_lang(), *params)


def _state_problem(board: Board, lang: str) -> str:
    """Why *board*'s page could not be used, in *lang* ("" when it was fine)."""
    if not board.problem:
        return ""
    reason, parameter = board.problem
    return msg("wikitours-sync-state-broken", lang,
               msg(f"wikitours-sync-state-reason-{reason}", lang, parameter))


def _take(wiki: WikiConfig, site, board: Board, holder: str, outcome: WikiOutcome,
          log: Callable[[str], None]) -> int:
    """Take the lease of *wiki* (read as *board*) for *holder*: the revision of our claim, or 0
    (leave the wiki alone)."""
    verdict = lease_verdict(board.lease, holder, board.server_now)
    if verdict == "held":
        outcome.skipped = board.lease.holder
        log(_ui("wikitours-sync-console-leased", wiki.id, board.lease.holder, board.lease.expires))
        return 0
    if verdict == "dead":
        log(_ui("wikitours-sync-console-dead-holder", wiki.id, board.lease.holder))
    if verdict == "expired":
        log(_ui("wikitours-sync-console-taken-over", wiki.id, board.lease.holder, board.lease.expires))
    if verdict == "forged" and not board.problem:
        board = replace(board, problem=("field", "lease"))
        outcome.state_problem = _state_problem(board, wiki.language)
    won, revid = claim(site, board, holder,
                       lambda until: msg("wikitours-sync-summary-lease", wiki.language, until),
                       restore_summary=msg("wikitours-sync-summary-state-restored", wiki.language))
    if not won:
        outcome.skipped = "race"
        log(_ui("wikitours-sync-console-race-lost", wiki.id, STATE_TITLE))
        return 0
    publishing_mark = board.state.publishing
    if publishing_mark is not None and publishing_mark.started:
        outcome.resumed = publishing_mark.started
        log(_ui("wikitours-sync-console-resuming", wiki.id, publishing_mark.version or "?",
                publishing_mark.started))
    return revid


# -- fetch (I/O) ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fetched:
    """What the batched read of the library wiki (and of each wiki's adaptation page) found:
    enough to decide, without another request, which wikis have work (:meth:`plan`)."""

    config: Config  #: localised: titles as the wikis spell them
    preview: bool
    force: bool
    sources: Mapping[str, Revision]  #: the library's source pages, latest revisions
    approvals: Revision | None  #: the library wiki's approvals page
    library_digest: str
    drafts: Mapping[str, Revision]  #: draft pages (at most MAX_DRAFTS)
    local_revisions: Mapping[str, Revision | None]
    local_approvals: Mapping[str, Revision | None]

    @property
    def drafts_on(self) -> bool:
        return _drafts_on(self.config)

    def inputs(self, wiki: WikiConfig) -> str:
        """What *wiki*'s pages depend on: the library's revisions, its adaptation's revision,
        the mode, its configuration and the wikitours version (an upgrade recompiles)."""
        local = self.local_revisions.get(wiki.id)
        approvals = self.local_approvals.get(wiki.id) if local else None
        return syncplan.inputs_digest(self.library_digest, local.revid if local else 0,
                                      approvals.revid if approvals else 0, self.preview,
                                      _digest([repr(wiki), repr(self.config.library), __version__]))

    def is_draft(self, title: str) -> bool:
        return _is_draft_page(title, self.config.library.drafts)

    def plan(self, wiki: WikiConfig, wstate: SyncState) -> syncplan.WikiPlan:
        """What *wiki* needs this run (pure: publish/syncplan.py)."""
        return syncplan.plan_wiki(wstate, self.inputs(wiki), {t: r.revid for t, r in self.drafts.items()},
                                  force=self.force,
                                  has_drafts=wiki.id == self.config.library_wiki.id and self.drafts_on,
                                  is_draft=self.is_draft)


def fetch_revisions(config: Config, sites: Mapping[str, object], *, preview: bool,
                    force: bool) -> Fetched:
    """Read the latest revisions of the library's pages (one batched query) and of each wiki's
    adaptation and approvals pages. *config* is already localised."""
    lib = config.library
    lib_wiki = config.library_wiki
    lib_site = sites[lib_wiki.id]
    drafts_on = _drafts_on(config)
    prefixes = [lib.translations] + ([lib.tours] if not lib.single else []) \
        + ([lib.drafts] if drafts_on else [])
    exact = [lib.header] + ([lib.tours] if lib.single else []) + [lib_wiki.trust.approvals]
    if lib_wiki.variant_page:
        exact.append(lib_wiki.variant_page)
    revisions = list_revisions(lib_site, prefixes, exact)
    sources = library_sources(config, revisions)
    # Publishing trust (publish/trust.py): the approvals page and the trust settings are inputs too.
    approvals_rev = revisions.get(lib_wiki.trust.approvals)
    library_digest = _digest(sources) + f":{approvals_rev.revid if approvals_rev else 0}:" \
        + _digest([repr(lib_wiki.trust)])
    drafts = {t: revisions[t] for t in sorted(revisions)
              if drafts_on and _is_draft_page(t, lib.drafts)}
    drafts = dict(list(drafts.items())[:MAX_DRAFTS])
    local_revisions: dict[str, Revision | None] = {}
    local_approvals: dict[str, Revision | None] = {lib_wiki.id: approvals_rev}
    for wiki in config.wikis:
        if not wiki.variant_page:
            continue
        if wiki.id == lib_wiki.id:
            local_revisions[wiki.id] = revisions.get(wiki.variant_page)
        else:
            found = list_revisions(sites[wiki.id], (), [wiki.variant_page, wiki.trust.approvals])
            local_revisions[wiki.id] = found.get(wiki.variant_page)
            local_approvals[wiki.id] = found.get(wiki.trust.approvals)
    return Fetched(config, preview, force, sources, approvals_rev, library_digest, drafts,
                   local_revisions, local_approvals)


def fetch_boards(fetched: Fetched, sites: Mapping[str, object], cache: dict,
                 result: SyncResult, log: Callable[[str], None]) -> tuple[list[WikiConfig], dict[str, Board]]:
    """The wikis with work, and their state pages (read only for wikis the cache does not
    show up to date); a wiki found up to date on its page refreshes the cache."""
    boards: dict[str, Board] = {}
    todo: list[WikiConfig] = []
    for wiki in fetched.config.wikis:
        cached = SyncState.from_cache(cache.get(wiki.id))
        if not fetched.force and cached is not None and fetched.plan(wiki, cached).up_to_date:
            continue  # the warm cache: nothing changed, no request beyond the batched read
        site, outcome = sites[wiki.id], result.outcomes[wiki.id]
        try:
            board = read_board(site)
        except Exception as error:  # noqa: BLE001 - the wiki is tried again next run
            log(_ui("wikitours-sync-console-failed", wiki.id, f"{type(error).__name__}: {error}"))
            continue
        outcome.state_problem = _state_problem(board, wiki.language)
        if outcome.state_problem:
            log(f"{wiki.id}: {STATE_TITLE}: " + _state_problem(board, _ui_lang()))
        elif not fetched.force and fetched.plan(wiki, board.state).up_to_date:
            cache[wiki.id] = board.state.to_cache(board.revid)  # done already (cold cache)
            continue
        boards[wiki.id] = board
        todo.append(wiki)
    return todo, boards


@dataclass(frozen=True)
class Library:
    """The library as this run compiles it: the reviewed revision of each source page (the
    latest trusted one, publish/review.py), their texts and the drafts' texts, and the
    translations (the wiki's and the repository's interface ones)."""

    picked: review.Selection
    sources: Mapping[str, Revision]
    texts: Mapping[str, str]
    translations_tours: Mapping[str, MessageFile]
    translation_problems: tuple[Problem, ...]
    translations: Translations


def fetch_library(fetched: Fetched, lib_site, draft_reads: list[str], review_cache: dict) -> Library:
    """Select the reviewed revisions and read the texts (50 pages per request)."""
    lib = fetched.config.library
    lib_wiki = fetched.config.library_wiki
    picked = review.select(lib_site, {t: r.revid for t, r in fetched.sources.items()}, lib_wiki.trust,
                           translation=lambda t: _is_translation_page(t, lib.translations),
                           approvals_revid=fetched.approvals.revid if fetched.approvals else 0,
                           normalise=lambda t: canonical(lib_site, t),
                           cache=review_cache.setdefault(lib_wiki.id, {}))
    sources = {t: Revision(t, p.revid, p.user, p.timestamp) for t, p in picked.published.items()}
    texts = read_texts(lib_site, sorted(t for t in sources if t not in picked.texts) + draft_reads)
    texts.update(picked.texts)
    translations_tours, translation_problems = load_wiki_translations(texts, lib.translations)
    repo_pages, repo_gadget = _repo_translations()
    return Library(picked, sources, texts, translations_tours, tuple(translation_problems),
                   Translations(translations_tours, repo_pages, repo_gadget))


@dataclass(frozen=True)
class Local:
    """A wiki's adaptation page as compiled this run: its reviewed revision and text (None when
    the wiki has none, or no trusted revision), and the review's selection."""

    rev: Revision | None = None
    text: str | None = None
    pick: review.Selection | None = None


def fetch_local(fetched: Fetched, wiki: WikiConfig, site, review_cache: dict) -> Local:
    """Review and read *wiki*'s adaptation page, with the wiki's own trust and approvals page."""
    local_rev = fetched.local_revisions.get(wiki.id)
    if local_rev is None:
        return Local()
    approvals = fetched.local_approvals.get(wiki.id)
    pick = review.select(site, {wiki.variant_page: local_rev.revid}, wiki.trust,
                         translation=lambda t: False,
                         approvals_revid=approvals.revid if approvals else 0,
                         normalise=lambda t: canonical(site, t),
                         cache=review_cache.setdefault(f"{wiki.id} local", {}))
    pub = pick.published.get(wiki.variant_page)
    if pub is None:
        return Local(None, None, pick)
    text = pick.texts[wiki.variant_page] if wiki.variant_page in pick.texts \
        else read_texts(site, [wiki.variant_page]).get(wiki.variant_page)
    return Local(Revision(wiki.variant_page, pub.revid, pub.user, pub.timestamp), text, pick)


# -- plan (pure) ------------------------------------------------------------------------------

Page = tuple[str, str, str]  # (title, content model, text)


@dataclass(frozen=True)
class RunPlan:
    """What to do on one wiki this run, decided from what was fetched and the compile result,
    before any edit.

    *deploy*: the tours' build to publish (None: nothing to publish: not *live*, errors, or an
    operator's preview, whose help pages are *previews*); *notes*: the talk notes about the
    sources' errors; *draft_pages*: the drafts' preview and try-out pages, written directly;
    *library_pages*: the library wiki's edit notices, schema and translation status pages;
    *previewed*/*deleted*: the drafts for the state (:func:`publish.syncplan.after_drafts`)."""

    live: bool
    #: the live tours compiled without errors (published, or previewed with -preview)
    clean: bool = False
    version: str = ""
    errors: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    page_revs: Mapping[str, Revision] = field(default_factory=dict)
    deploy: deployplan.Manifest | None = None
    previews: tuple[Page, ...] = ()
    notes: syncplan.ErrorNotes | None = None
    draft_pages: tuple[Page, ...] = ()
    drafts: Mapping[str, int] = field(default_factory=dict)
    previewed: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    deleted: tuple[str, ...] = ()
    drafts_todo: tuple[str, ...] = ()
    library_pages: tuple[Page, ...] = ()

    @property
    def own_pages(self) -> tuple[Page, ...]:
        """The operator's previews, less those a draft's preview replaces."""
        titles = {t for t, _, _ in self.draft_pages}
        return tuple(p for p in self.previews if p[0] not in titles)


def plan_run(fetched: Fetched, library: Library, wiki: WikiConfig, wstate: SyncState, local: Local,
             split_title: Callable[[str], tuple[int, str]],
             tick: Callable[[], None] = lambda: None) -> RunPlan:
    """Compile the live tours and the drafts for *wiki* and decide what to write (pure apart
    from the compiler reading the repository's messages; *split_title* gives a title's
    namespace number and rest, as the wiki knows them; *tick* is called for each draft, since
    many drafts take a while)."""
    config = fetched.config
    lib, lib_wiki = config.library, config.library_wiki
    wplan = fetched.plan(wiki, wstate)
    loaded = load_library_for(config, wiki, library.texts, library.sources, local.text)
    built, problems, variant = compile_for(wiki, loaded, library.translations, local.text,
                                           library.translation_problems)
    errors = tuple(p for p in problems if p.severity == "error")
    warnings = tuple(p for p in problems if p.severity != "error")
    page_revs = dict(library.sources)
    if local.rev is not None:
        page_revs[wiki.variant_page] = local.rev
    version, manifest, previews, notes, clean = "", None, [], None, False
    if not wplan.live:
        pass
    elif not errors and built is not None:
        clean = True
        manifest, data = _manifest(built, loaded.library.file, variant)
        version = data["library_version"]
        if fetched.preview:
            for page in built.pages:
                if page.kind == "help" and page.tour \
                        and page.lang in (wiki.language, loaded.library.source_language) \
                        and not page.title.rsplit("/", 1)[-1] == page.lang:
                    previews.append((wiki.previews + page.tour, page.model, page.content))
            manifest = None
    else:
        # The note goes to the wiki where the page is; the library wiki's own sync tells
        # library editors, so a local wiki does not post a second note.
        home = (lambda t: wiki.id == (wiki if t == wiki.variant_page else lib_wiki).id)
        notes = syncplan.plan_error_notes(wstate, [p.file for p in errors],
                                          {t: r.revid for t, r in page_revs.items()}, home)
    draft_pages: dict[str, Page] = {}
    drafts: dict[str, int] = {}
    previewed: dict[str, tuple[int, int]] = {}
    deleted: list[str] = []
    for title in wplan.drafts:
        tick()
        draft_id = tour_id_from_title(title, lib.drafts)
        if title not in fetched.drafts:  # deleted: the preview says so; the live tours stay
            deleted.append(title)
            draft_pages[wiki.previews + draft_id] = (
                wiki.previews + draft_id, "wikitext", render_draft_deleted(wiki.language, draft=title))
            continue
        tried: list = []
        preview_title, text, count = draft_preview(config, wiki, library.texts, library.sources,
                                                   local.text, fetched.drafts[title],
                                                   library.translations,
                                                   library.translation_problems, tried)
        draft_pages[preview_title] = (preview_title, "wikitext", text)
        previewed[title] = (fetched.drafts[title].revid, count)
        draft_pages.update((t[0], t) for t in tried)
        drafts[title] = count
    library_pages = tuple(_library_pages(config, wiki, loaded, library.translations_tours,
                                         split_title)) if wiki.id == lib_wiki.id else ()
    return RunPlan(wplan.live, clean, version, errors, warnings, page_revs, manifest, tuple(previews),
                   notes, tuple(draft_pages.values()), drafts, previewed, tuple(deleted),
                   wplan.drafts, library_pages)


def plan_status(fetched: Fetched, library: Library, wiki: WikiConfig, run: RunPlan,
                wstate: SyncState, outcome: WikiOutcome, local: Local,
                published: "publishing.Published | None", now_live: "publishing.Live",
                checked: str) -> str:
    """The status page of *wiki* after the run's edits (*outcome*: its errors, conflicts,
    version; *wstate*: the state as the run left it)."""
    config = fetched.config
    lib, lib_wiki = config.library, config.library_wiki
    lib_index = "" if wiki.id == lib_wiki.id else lib_wiki.index
    picked = library.picked

    def page_error(p: Problem) -> PageError:
        rev = run.page_revs.get(p.file)
        index = lib_index if p.file != wiki.variant_page else ""
        return PageError(p, rev.revid if rev else 0, wstate.good.get(p.file, 0),
                         rev.user if rev else "", index)

    draft_lines = tuple(DraftLine(t, int(v[0]), int(v[1]),
                                  wiki.previews + tour_id_from_title(t, lib.drafts))
                        for t, v in sorted(wstate.drafts.items())) \
        if wiki.id == lib_wiki.id and fetched.drafts_on else ()
    interrupted = published is not None and published.code not in (0, 2)
    state_warning = (Problem(STATE_TITLE, 1, 1, outcome.state_problem, "", "warning"),) \
        if outcome.state_problem else ()
    return render_status(Status(
        publishing="interrupted" if interrupted else "",
        publish_version=outcome.version, publish_done=published.done if published else 0,
        publish_total=published.total if published else 0,
        switched=bool(published and published.switched),
        resumed=outcome.resumed if outcome.published else "", **_pointer_fields(now_live),
        lang=wiki.language, errors=tuple(page_error(p) for p in outcome.errors),
        warnings=run.warnings + state_warning,
        live_version=wstate.version,
        live_sources=tuple(sorted(wstate.good.items())),
        fixed=tuple(wstate.fixed), conflicts=tuple(outcome.conflicts),
        sources=tuple(sorted(run.page_revs)), checked=checked,
        previews=tuple(t for t, _, _ in run.own_pages),
        source_index=lib_index, schema=SCHEMA_TITLE if wiki.id == lib_wiki.id else "",
        docs=docs_title(wiki), drafts=draft_lines,
        # the library's protection is the library wiki's business: only its status page warns
        waiting=len(picked.waiting) + (len(local.pick.waiting) if local.pick else 0),
        review=render_review(wiki.language, library=picked if wiki.id == lib_wiki.id
                             else replace(picked, gaps=[]), local=local.pick,
                             trust=lib_wiki.trust, local_trust=wiki.trust, source_index=lib_index)))


def status_in_progress(fetched: Fetched, wiki: WikiConfig, run: RunPlan, wstate: SyncState,
                       resumed: str, now_live: "publishing.Live", checked: str,
                       started: str) -> str:
    """The status page written just before a publish's first edit: readers keep the live
    version until the one edit that switches them."""
    lib_wiki = fetched.config.library_wiki
    return render_status(Status(
        lang=wiki.language, live_version=wstate.version,
        live_sources=tuple(sorted(wstate.good.items())),
        sources=tuple(sorted(run.page_revs)), checked=checked,
        source_index="" if wiki.id == lib_wiki.id else lib_wiki.index,
        schema=SCHEMA_TITLE if wiki.id == lib_wiki.id else "",
        docs=docs_title(wiki), publishing="in-progress",
        publish_version=run.version, publish_started=started,
        resumed=resumed, **_pointer_fields(now_live)))


# -- execute (I/O) ----------------------------------------------------------------------------


@dataclass
class _Working:
    """The state of the wiki being worked on, as far as the work got (see :func:`execute_run`)."""

    state: SyncState


def execute_run(fetched: Fetched, library: Library, wiki: WikiConfig, site, run: RunPlan,
                local: Local, box: _Working, keeper: LeaseKeeper, outcome: WikiOutcome,
                now: Callable[[], str]) -> None:
    """Do what *run* says on *wiki*: publish (or tell the editors of broken pages), write the
    drafts' pages, then the status and the sync's other pages through the deploy. *box.state*
    is replaced as each step is done, so that what was done before a failure (talk notes sent)
    is still written."""
    wstate = box.state
    outcome.errors = list(run.errors)
    outcome.version = run.version
    published = None
    if run.live and run.clean:
        if run.deploy is None:  # the operator's preview: clean, nothing published
            wstate = box.state = syncplan.after_clean_preview(wstate)
        else:
            published = publishing.publish(
                site, run.deploy, keeper, started=now(),
                before_edits=lambda now_live: _write_page(
                    site, wiki.status, status_in_progress(fetched, wiki, run, wstate, outcome.resumed,
                                                          now_live, now(), now()),
                    msg("wikitours-sync-summary-status", wiki.language)),
                deploy=lambda s, m, progress: _deploy(
                    s, m, "MediaWiki:Wikitours/deployed.json", False, progress))
            outcome.live = published.after.version
            if published.code == 2:
                outcome.conflicts = _conflicts(site, run.deploy, "MediaWiki:Wikitours/deployed.json")
            elif published.code != 0:
                outcome.errors = [Problem(wiki.status, 1, 1, T("wikitours-problem-sync-deploy-stopped"),
                                          T("wikitours-hint-sync-deploy-stopped", "interface-admin"))]
            else:
                outcome.published = True
                wstate = box.state = syncplan.after_publish(
                    wstate, {t: r.revid for t, r in run.page_revs.items()}, outcome.version)
    elif run.notes is not None:
        notified = set(run.notes.settled)
        for title, revid, count in run.notes.send:
            if _tell_editor(site, wiki, title, run.page_revs[title], wstate.good.get(title, 0), count):
                outcome.notified.append((title, revid))
            notified.add((title, revid))
        wstate = box.state = syncplan.after_errors(wstate, run.notes.reported, notified)
    if run.drafts_todo:
        outcome.drafts.update(run.drafts)
        wstate = box.state = syncplan.after_drafts(wstate, run.previewed, run.deleted,
                                                   fetched.inputs(wiki), fetched.is_draft)
    now_live = published.after if published is not None else publishing.read_live(site)
    outcome.live = now_live.version
    own_pages = list(run.own_pages)
    own_pages.append((wiki.status, "wikitext",
                      plan_status(fetched, library, wiki, run, wstate, outcome, local, published,
                                  now_live, now())))
    own_pages.extend(run.library_pages)
    # Previews are written directly: only the sync writes them and each run writes only the
    # changed drafts' ones, which the deploy's record (the whole set of pages) cannot hold.
    for title, model, text in run.draft_pages:
        _write_page(site, title, text, msg("wikitours-sync-summary-preview", wiki.language,
                                           tour_id_from_title(title, wiki.previews)
                                           .removesuffix(".json")), model)
    # Everything else goes through the deploy (one batched read; only changed pages edited).
    _deploy(site, _own_pages(own_pages, outcome.version or "-"), SYNC_STATE_TITLE, True,
            lambda *_: keeper.touch())
    # A deploy that stopped (hand-edited pages, missing rights) is tried again next run;
    # errors in the sources wait for the next edit of the sources.
    done = bool(outcome.published or run.errors or (fetched.preview and not outcome.conflicts))
    box.state = syncplan.after_run(wstate, live=run.live, inputs=fetched.inputs(wiki), done=done)


def _finish(wiki: WikiConfig, site, board: Board, box: _Working, cache: dict,
            log: Callable[[str], None]) -> None:
    """The final write of the wiki's state, which releases the lease; the cache follows it."""
    # This run ended the publish (finished, or stopped and reported on the status page).
    wstate = box.state.with_(publishing=None)
    try:
        revid = write_state(site, STATE_TITLE, render_state(wstate, None),
                            msg("wikitours-sync-summary-state", wiki.language))
    except Exception as error:  # noqa: BLE001 - the lease then expires by itself
        log(_ui("wikitours-sync-console-failed", wiki.id, f"{type(error).__name__}: {error}"))
        cache.pop(wiki.id, None)
        return
    cache[wiki.id] = wstate.to_cache(revid or board.revid)


def _log_outcome(wiki: WikiConfig, run: RunPlan, outcome: WikiOutcome,
                 log: Callable[[str], None]) -> None:
    """One console line per wiki worked on: what the run did there."""
    log(f"{wiki.id}: " + (f"drafts {len(outcome.drafts)}" if not run.live else
                          "published " + outcome.version if outcome.published else
                          f"{len(outcome.errors)} error(s), nothing published" if outcome.errors else
                          f"{len(outcome.conflicts)} conflict(s)" if outcome.conflicts else "checked"))


def sync_once(config: Config, sites: Mapping[str, object], state: dict, *, preview: bool = False,
              force: bool = False, now: Callable[[], str] = _now, log: Callable[[str], None] = print,
              holder: str = "", simulate: bool = False) -> SyncResult:
    """One pass over every wiki: fetch, then per wiki under its lease plan and execute.

    *state* is the local cache (a dict, saved by the caller; ``{}`` when it was lost): it only
    decides whether a wiki may have work. A wiki that may is read from its state page, which is
    the truth, and worked on only under this sync's lease (*holder*, default a new id).

    *simulate* (with Pywikibot's ``-simulate``, which blocks every edit): no lease is claimed
    and neither the state page nor the cache is updated; the work runs so that each edit it
    would make is printed."""
    holder = holder or new_holder()
    result = SyncResult(outcomes={w.id: WikiOutcome(w.id) for w in config.wikis})
    fetched = fetch_revisions(_localise(config, sites), sites, preview=preview, force=force)
    cache = state["wikis"] = state["wikis"] if isinstance(state.get("wikis"), dict) else {}
    todo, boards = fetch_boards(fetched, sites, cache, result, log)
    if not todo:
        return result
    review_cache = state["review"] = state["review"] if isinstance(state.get("review"), dict) else {}
    # The drafts to compile are read with the library's pages (50 per request).
    library = fetch_library(fetched, sites[fetched.config.library_wiki.id],
                            [t for w in todo for t in fetched.plan(w, boards[w.id].state).drafts
                             if t in fetched.drafts], review_cache)
    for wiki in todo:
        # Each wiki's lease is taken just before its work, so a slow deploy on one wiki does
        # not eat the lease of the next.
        site, outcome, board = sites[wiki.id], result.outcomes[wiki.id], boards[wiki.id]
        try:
            # a simulation claims nothing: Pywikibot would block the claim's edit anyway
            taken = board.revid or -1 if simulate else _take(wiki, site, board, holder, outcome, log)
        except Exception as error:  # noqa: BLE001 - a claim that was saved expires by itself
            log(_ui("wikitours-sync-console-failed", wiki.id, f"{type(error).__name__}: {error}"))
            continue
        if not taken:
            continue
        outcome.changed = True
        box = _Working(board.state)
        keeper = LeaseKeeper(site, holder, board, taken,
                             lambda until, w=wiki: msg("wikitours-sync-summary-lease", w.language, until))
        try:
            # Only drafts changed: the live tours are compiled (for the status page and as the
            # drafts' base) but neither deployed nor reported again.
            outcome.drafts_only = not fetched.plan(wiki, box.state).live
            local = fetch_local(fetched, wiki, site, review_cache)
            run = plan_run(fetched, library, wiki, box.state, local,
                           lambda t, s=site: _split_title(s, t), keeper.touch)
            execute_run(fetched, library, wiki, site, run, local, box, keeper, outcome, now)
            _log_outcome(wiki, run, outcome, log)
        except LeaseLost:
            # Another sync works on the wiki now (our lease ran out): its page stays as it is.
            log(_ui("wikitours-sync-console-lease-lost", wiki.id))
            cache.pop(wiki.id, None)
            continue
        except Exception as error:  # noqa: BLE001 - one wiki's failure must not stop the others
            log(_ui("wikitours-sync-console-failed", wiki.id, f"{type(error).__name__}: {error}"))
            box.state = box.state.with_(inputs="")  # tried again next run
        if not simulate:  # else nothing was saved: the state page and the cache stay as they were
            _finish(wiki, site, board, box, cache, log)
    return result


def _pointer_fields(live: "publishing.Live") -> dict:
    """The status page's fields about what readers run (the pointer in the loader)."""
    pointer = live.pointer
    return {"pointer_version": live.version, "pointer_revid": live.revid,
            "pointer_tours": tuple(sorted(pointer.tours.items())) if pointer else ()}


def _library_pages(config: Config, wiki: WikiConfig, loaded: Loaded,
                   files: Mapping[str, MessageFile],
                   split_title: Callable[[str], tuple[int, str]]) -> list[tuple[str, str, str]]:
    """Edit notice, schema and translation status pages of the library wiki (*split_title*:
    a title's namespace number and rest, as the wiki knows them)."""
    lib = config.library
    pages: list[tuple[str, str, str]] = []
    tours_base = lib.tours.rstrip("/") if not lib.single else lib.tours
    ns_number, rest = split_title(tours_base)
    rest = rest.replace(" ", "_")
    if rest:
        notice_title = f"MediaWiki:Editnotice-{ns_number}-{rest.replace('/', '-')}"
        drafts = lib.drafts if _drafts_on(config) else ""
        pages.append((notice_title, "wikitext",
                      render_editnotice(wiki.language, docs=docs_title(wiki), schema=SCHEMA_TITLE,
                                        status_title=wiki.status, drafts=drafts,
                                        previews=wiki.previews).rstrip("\n")
                      + " " + msg("wikitours-sync-editnotice-review", wiki.language,
                                  link(wiki.trust.approvals)) + "\n"))
        draft_ns, draft_rest = split_title(drafts.rstrip("/")) if drafts else (0, "")
        if draft_rest:
            draft_rest = draft_rest.replace(" ", "_").replace("/", "-")
            pages.append((f"MediaWiki:Editnotice-{draft_ns}-{draft_rest}", "wikitext",
                          render_draft_editnotice(wiki.language, docs=docs_title(wiki),
                                                  schema=SCHEMA_TITLE, previews=wiki.previews,
                                                  tours=lib.tours, status_title=wiki.status)))
    schema = (ROOT / "tours" / "schema" / "tours.schema.json").read_text(encoding="utf-8")
    pages.append((SCHEMA_TITLE, "json", schema))
    if loaded.library is not None:
        report = check(loaded.library, files)
        sources = source_messages(loaded.library)
        titles = {s.lang: f"{lib.translations}{s.lang}.json" for s in report.languages}
        status_titles = {s.lang: f"{lib.translations}Status/{s.lang}" for s in report.languages}
        pages.append((f"{lib.translations}Status", "wikitext",
                      render_translation_index(report, page_lang=wiki.language, titles=titles,
                                               status_titles=status_titles,
                                               new_example=f"{lib.translations}xx.json")))
        for s in report.languages:
            pages.append((status_titles[s.lang], "wikitext",
                          render_translation_status(report, sources, s.lang, page_lang=wiki.language,
                                                    translation_title=titles[s.lang])))
    return pages


# ---------------------------------------------------------------------------------------------
# Command line


def site_for(wiki: WikiConfig):
    """A logged-in Pywikibot site for *wiki*: family and code are its id, the API URL is known
    through ``family_files``; the account comes from user-config.py (``usernames``)."""
    import pywikibot  # needs its user-config: imported on use
    from pywikibot import config as pwconfig  # needs its user-config: imported on use

    pwconfig.family_files[wiki.id] = wiki.api
    site = pywikibot.Site(wiki.id, wiki.id)
    site.login()
    return site


def load_state(path: Path) -> dict:
    """The local cache; anything unreadable is an empty cache (the wikis' pages are the truth)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def save_state(path: Path, state: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(state, indent=1, sort_keys=True, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


#: The sync's options (wikiapi/scriptoptions.py); Pywikibot's global ones come on top.
OPTIONS = {"wikis": "wikis.yaml", "state": "sync-state.json", "interval": 0, "once": False,
           "force": False}


def main(*args: str) -> int:
    import pywikibot  # needs its user-config: imported on use

    options = dict(OPTIONS)
    if help_requested(__doc__, args):
        return 0
    args = args or tuple(sys.argv[1:])  # what Pywikibot's handle_args reads when given none
    # One sync per machine: the lock (beside the cache) is taken before anything else, since
    # Pywikibot's argument handling already talks to the default wiki, and held until the
    # process ends (also across -interval rounds). Other machines are kept off by the lease.
    state_path = Path(next((a.partition(":")[2] for a in args if a.startswith("-state:")
                            and a.partition(":")[2]), options["state"]))
    lock = MachineLock(state_path.with_name(state_path.name + ".lock"))
    if not lock.acquire():
        pywikibot.info(_ui("wikitours-sync-console-locked", lock.holder(), lock.path))
        return 0
    try:
        return _run(options, args, state_path)
    finally:
        lock.release()


def _run(options: dict, args: tuple[str, ...], state_path: Path) -> int:
    import pywikibot  # needs its user-config: imported on use

    parsed = parse_options(None, args, OPTIONS)
    if parsed.exit is not None:
        return 1
    options = parsed.values
    config, problems = load_config(options["wikis"])
    for p in problems:
        pywikibot.error(format_problem(p, _ui_lang()))
    if config is None:
        return 1
    sites = {w.id: site_for(w) for w in config.wikis}
    holder = new_holder()
    simulate = simulating()
    while True:
        state = load_state(state_path)
        sync_once(config, sites, state, force=options["force"], log=pywikibot.info,
                  holder=holder, simulate=simulate)
        if simulate:
            pywikibot.info(_ui("wikitours-sync-console-simulated"))
        else:
            save_state(state_path, state)
        if options["once"] or not options["interval"]:
            return 0
        time.sleep(max(10, int(options["interval"])))


if __name__ == "__main__":
    sys.exit(main())
