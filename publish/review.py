"""Which revision of each source page the sync compiles: the reviewed one (:mod:`publish.trust`).

:func:`select` reads what the decision needs from one wiki — the approvals page's history
with content (only when it changed), each changed page's history, the current rights of
everyone who edited or approved — and returns the published revision of every page, the
texts of those that are not the latest, what waits for review and which pages are protected
more weakly than configured. Verdicts are remembered in the sync's local cache (``review``
key) against the page's latest revision, the approvals page's revision and the trust settings,
so a run re-reads only the histories of pages that changed (and, when approvals changed, of
pages that were waiting). Losing the cache costs one history request per page once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

from publish import trust as tr

__all__ = ["Waiting", "ProtectionGap", "Selection", "select"]


@dataclass(frozen=True)
class Waiting:
    """A page whose latest revisions wait for review."""

    title: str
    published: int  #: the revision live (0: none: the page is not compiled)
    latest: int
    count: int  #: revisions waiting
    users: tuple[str, ...]  #: who made them (at most 5)
    translation: bool


@dataclass(frozen=True)
class ProtectionGap:
    title: str
    current: tuple[tuple[str, str], ...]  #: (action, level) as the page is protected
    wanted: str


@dataclass
class Selection:
    published: dict[str, tr.Rev] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  #: title → text, where not the latest
    waiting: list[Waiting] = field(default_factory=list)
    gaps: list[ProtectionGap] = field(default_factory=list)


def _rev(data: object) -> tr.Rev | None:
    if not isinstance(data, list) or len(data) != 3:
        return None
    revid, user, timestamp = data
    if not isinstance(revid, int) or not isinstance(user, str) or not isinstance(timestamp, str):
        return None
    return tr.Rev(revid, 0, user, "", timestamp)


def select(site, latest: Mapping[str, int], trust: tr.TrustConfig, *,
           translation: Callable[[str], bool], approvals_revid: int,
           normalise: Callable[[str], str] = lambda t: t, cache: dict | None = None,
           protection: bool = True) -> Selection:
    """The reviewed revision of each page of *latest* (title → latest revid) on *site*."""
    cache = cache if isinstance(cache, dict) else {}
    setting = repr(trust)
    if cache.get("setting") != setting:
        cache.clear()
        cache["setting"] = setting
    pages = cache.setdefault("pages", {}) if isinstance(cache.get("pages", {}), dict) else {}
    cache["pages"] = pages
    approvals_changed = cache.get("approvals-revid") != approvals_revid
    events = cache.get("approvals")
    if approvals_changed or not isinstance(events, list):
        versions = tr.read_approvals(site, trust.approvals) if approvals_revid else []
        found = tr.approvals_from_history(versions, normalise)
        events = [[a.page, a.revid, a.approver, a.approval_revid] for a in found]
        cache["approvals"] = events
        cache["approvals-revid"] = approvals_revid
    # The cache is a local file: anything malformed in it is dropped, never trusted.
    approvals = [tr.Approval(*e) for e in events if isinstance(e, list) and len(e) == 4
                 and [type(x) for x in e] == [str, int, str, int]]

    todo = []
    for title, revid in latest.items():
        entry = pages.get(title)
        if not isinstance(entry, dict) or entry.get("latest") != revid \
                or (approvals_changed and entry.get("waiting")):
            todo.append(title)
    histories = tr.read_histories(site, todo) if todo else {}
    users = {r.user for h in histories.values() for r in h} | {a.approver for a in approvals}
    rights = tr.read_users(site, users) if todo else {}

    def trusted_for(title: str) -> Callable[[str], bool]:
        def check(user: str) -> bool:
            groups, granted = rights.get(user, (frozenset(), frozenset()))
            if trust.publish.allows(groups, granted):
                return True
            return translation(title) and trust.translate.allows(groups, granted)
        return check

    selection = Selection()
    for title in latest:
        if title in histories:
            check = trusted_for(title)
            verdict = tr.review_page(title, histories[title], check,
                                     tr.approved_for(approvals, title, check))
            waiting = [[r.revid, r.user, r.timestamp] for r in verdict.waiting]
            pub = verdict.published
            pages[title] = {"latest": latest[title],
                            "published": [pub.revid, pub.user, pub.timestamp] if pub else None,
                            "waiting": waiting}
        entry = pages[title]
        pub = _rev(entry.get("published"))
        if pub is not None:
            selection.published[title] = pub
        raw = entry.get("waiting")
        waits = [w for w in (_rev(x) for x in (raw if isinstance(raw, list) else [])) if w is not None]
        if waits:
            names = tuple(dict.fromkeys(w.user or "?" for w in waits))[:5]
            selection.waiting.append(Waiting(title, pub.revid if pub else 0, latest[title],
                                             len(waits), names, translation(title)))
    for title in [t for t in list(pages) if t not in latest]:
        del pages[title]  # deleted pages
    older = [p.revid for t, p in selection.published.items() if p.revid != latest[t]]
    if older:
        by_id = tr.read_revision_texts(site, older)
        for title, pub in list(selection.published.items()):
            if pub.revid == latest[title]:
                continue
            if pub.revid in by_id:
                selection.texts[title] = by_id[pub.revid]
            else:  # the reviewed text is gone (deleted revision): nothing of it is compiled
                del selection.published[title]
    if protection:
        wanted = {t: trust.protect_translations if translation(t) else trust.protect
                  for t in latest}
        if approvals_revid:
            # like the translations: the translation circle approves there too
            wanted[trust.approvals] = trust.protect_translations
        current = tr.read_protections(site, [t for t, w in wanted.items() if w])
        for title, level in wanted.items():
            now = current.get(title)
            if now is not None and tr.weaker(now, level):
                selection.gaps.append(ProtectionGap(title, tuple(sorted(now.items())), level))
    return selection
