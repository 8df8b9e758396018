"""The sync's decisions, pure: from a wiki's typed state (:class:`contracts.syncstate.SyncState`)
and what was fetched (revision ids, the run's outcome) to what to do and the state to write.

``publish/sync.py`` runs each wiki as fetch → plan → execute: it fetches the revisions and
asks :func:`plan_wiki` whether a wiki has work (and which drafts); its ``plan_run`` compiles and
decides, with the rules here, what to publish, write and tell (a frozen ``RunPlan``, tested
without a wiki in tests/publish/test_sync_runplan.py); ``execute_run`` does it and writes the state the
transition functions here return. Nothing here reads a wiki or a clock, so each rule is tested
directly (tests/publish/test_syncplan.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Mapping

from contracts.syncstate import LIST_CAP, SyncState

__all__ = ["WikiPlan", "drafts_todo", "plan_wiki", "after_publish", "after_clean_preview",
           "after_errors", "after_drafts", "after_run", "is_notified", "ErrorNotes",
           "plan_error_notes", "inputs_digest"]


@dataclass(frozen=True)
class WikiPlan:
    """What one wiki needs this run.

    *live*: its live tours must be compiled and published (or their errors reported), because
    their inputs changed or the run is forced; *drafts*: the draft pages to preview (changed
    ones, then deleted ones). A plan with neither is up to date."""

    live: bool
    drafts: tuple[str, ...] = ()

    @property
    def up_to_date(self) -> bool:
        return not self.live and not self.drafts


def drafts_todo(state: SyncState, drafts: Mapping[str, int], base: str, *, force: bool,
                has_drafts: bool, is_draft: Callable[[str], bool]) -> tuple[str, ...]:
    """The drafts to compile: all of them when the inputs they were compiled against changed
    (or *force*), else those whose revision changed; then the deleted ones, to mark. *drafts*
    maps each draft page on the wiki to its latest revision id; only a wiki that *has_drafts*
    (the library wiki, with drafts on) has any."""
    if not has_drafts:
        return ()
    stored = {t: v for t, v in state.drafts.items() if is_draft(t)}
    if force or state.drafts_base != base:
        changed = list(drafts)
    else:
        changed = [t for t, revid in drafts.items() if t not in stored or stored[t][0] != revid]
    return tuple(changed + sorted(t for t in stored if t not in drafts))


def plan_wiki(state: SyncState, inputs: str, drafts: Mapping[str, int], *, force: bool,
              has_drafts: bool, is_draft: Callable[[str], bool]) -> WikiPlan:
    """The plan for a wiki whose state is *state* and whose current inputs digest is *inputs*."""
    return WikiPlan(force or state.inputs != inputs,
                    drafts_todo(state, drafts, inputs, force=force, has_drafts=has_drafts,
                                is_draft=is_draft))


def after_publish(state: SyncState, live: Mapping[str, int], version: str) -> SyncState:
    """A publish succeeded: the errors reported before are fixed, *live* (page → revision) is
    what readers get, *version* is live."""
    return state.with_(fixed=state.errors, errors=(), good=dict(live), version=version)


def after_clean_preview(state: SyncState) -> SyncState:
    """An operator's preview compiled without errors: the errors reported before are fixed
    (nothing was published, so ``good`` and ``version`` stay)."""
    return state.with_(fixed=state.errors, errors=())


def is_notified(state: SyncState, page: str, revid: int) -> bool:
    return (page, revid) in set(state.notified)


@dataclass(frozen=True)
class ErrorNotes:
    """What to do about the sources' errors on one wiki: *reported* (page, revision) on the
    status page; *send*: talk notes to post here, as (page, revision, number of errors), once
    per broken revision; *settled*: broken revisions whose editor is told by another wiki's
    sync (the library wiki tells library editors), counted as notified here."""

    reported: tuple[tuple[str, int], ...]
    send: tuple[tuple[str, int, int], ...]
    settled: tuple[tuple[str, int], ...]


def plan_error_notes(state: SyncState, error_pages: Iterable[str], revisions: Mapping[str, int],
                     is_here: Callable[[str], bool]) -> ErrorNotes:
    """*error_pages*: the page of each error (a page with three errors comes three times);
    *revisions*: the revision compiled of each source page; *is_here*: whether a page lives on
    this wiki. Pages without a known revision are not reported (they are not sources)."""
    counts: dict[str, int] = {}
    for page in error_pages:
        counts[page] = counts.get(page, 0) + 1
    reported, send, settled = [], [], []
    for page, count in counts.items():
        revid = revisions.get(page)
        if revid is None:
            continue
        reported.append((page, revid))
        if is_notified(state, page, revid):
            continue
        if is_here(page):
            send.append((page, revid, count))
        else:
            settled.append((page, revid))
    return ErrorNotes(tuple(reported), tuple(send), tuple(settled))


def inputs_digest(library: str, local_revid: int, approvals_revid: int, preview: bool,
                  setup: str) -> str:
    """What a wiki's pages depend on: the library's revisions (*library*, a digest), its
    adaptation's revision and its approvals page's, the mode and its setup (configuration and
    wikitours version: an upgrade recompiles). Equal digests mean nothing to compile."""
    return f"{library}:{local_revid}:{approvals_revid}:{'p' if preview else 'd'}:{setup}"


def after_errors(state: SyncState, reported: Iterable[tuple[str, int]],
                 notified: Iterable[tuple[str, int]]) -> SyncState:
    """The sources have errors: *reported* are the broken revisions on the status page, and
    *notified* the talk notes sent (or not needed) this run, added to those sent before."""
    sent = sorted({*state.notified, *notified})[-LIST_CAP:]
    return state.with_(notified=tuple(sent), errors=tuple(reported), fixed=())


def after_drafts(state: SyncState, previewed: Mapping[str, tuple[int, int]],
                 deleted: Iterable[str], base: str, is_draft: Callable[[str], bool]) -> SyncState:
    """The drafts compiled this run (page → (revision, errors)) and the deleted ones marked;
    *base* is the inputs they were compiled against."""
    stored = {t: v for t, v in state.drafts.items() if is_draft(t)}
    for title in deleted:
        stored.pop(title, None)
    stored.update(previewed)
    return state.with_(drafts=stored, drafts_base=base)


def after_run(state: SyncState, *, live: bool, inputs: str, done: bool) -> SyncState:
    """The end of a wiki's work: its inputs are recorded when the run is *done* with them
    (published, errors reported, or a clean preview) so the next run has nothing to do; a
    deploy that stopped (conflicts, missing rights) leaves them unset to try again. A drafts-only
    run (*live* False) leaves them as they were. The publish mark always goes: this run ended it."""
    if live:
        state = state.with_(inputs=inputs if done else "")
    return state.with_(publishing=None)
