"""Publishing trust: which revision of each source page the sync may compile.

MediaWiki's own rights model is the anchor. Interface pages (``MediaWiki:`` JSON, JavaScript)
reach every reader, so only interface admins may edit them; the sync edits them with the bot's
interface-admin rights. Whatever a tour, library or translation page says ends up there, so
the sync publishes only what someone trusted with that reach saved or approved:

* **Who is trusted** is configured per wiki (``trust:`` in ``wikis.yaml``, :class:`TrustConfig`):
  groups and/or rights. By default whoever may edit site JSON (right ``editsitejson``: in
  MediaWiki 1.39 the administrators and interface admins) publishes tours, the library and
  configuration; translations have their own, wider circle (by default also whoever may
  review translations, patrol, roll back or is autopatrolled: ``translate-messagereview``,
  ``patrol``, ``rollback``, ``autopatrol``), so translating stays open to every account while
  only reviewed text goes live. Rights are the user's current rights (``list=users``), read
  when the page or the approvals page changes.
* **Every revision since the last trusted one counts**, not only the latest
  (:func:`review_page`). A revision's *content* is trusted when

  1. a trusted editor saved it on top of trusted content (or created the page), or
  2. it has the same content (SHA-1) as a trusted revision of the page (a revert by anyone
     to a reviewed text), or
  3. a trusted editor approved exactly that revision (or a revision with the same content).

  A trusted editor's save on top of an untrusted edit is **not** an approval: their edit may
  be a typo fix under text they never read. So an untrusted edit followed by a trusted minor
  edit stays unpublished until someone trusted approves it explicitly.
* **The approval** is one edit of the approvals page (``Project:Wikitours/Approved.json``,
  JSON: page title → revision id, or a list of ids). An entry counts when a revision saved by a
  trusted editor *added* it (compared with the last valid version before it); entries added by
  anyone else never count, even if a trusted editor later saves the page without noticing them
  (:func:`approvals_from_history`). The page's history is the audit trail: who approved which
  revision, when. Approving revision N approves the content of revision N. An approval is not
  taken back by removing the entry (undo the approved text on the page itself instead).

The published revision of a page is its latest trusted revision; later revisions wait for
review (the status page lists them with a diff link and the exact approval line). A page with
no trusted revision at all (a new page by an untrusted account) is not compiled.

Pure decisions first; the readers (one request per 50 titles or per page history) at the end.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, Sequence

from publish.protection import (APPROVALS_TITLE, DEFAULT_LEVEL, DEFAULT_TRANSLATIONS_LEVEL, LEVELS,
                              level_rank, weaker)

__all__ = ["Trusted", "TrustConfig", "DEFAULT_TRUST", "APPROVALS_TITLE", "Rev", "Approval",
           "Verdict", "parse_trust", "review_page", "approvals_from_history", "approved_for",
           "parse_approvals",
           "approval_line", "LEVELS", "level_rank", "weaker", "read_histories", "read_users",
           "read_approvals", "read_revision_texts", "read_protections"]

_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
#: Page histories are read up to this many revisions (older content counts as reviewed when a
#: trusted editor saved on top of it: docs/community.md, limits).
MAX_HISTORY = 5000
MAX_APPROVAL_REVISIONS = 500
#: A version of the approvals page larger than this, or with more entries, is not read (as if
#: its text were hidden): the page is a short list, not a place for payloads.
MAX_APPROVALS_BYTES = 256 * 1024
MAX_APPROVAL_ENTRIES = 5000


@dataclass(frozen=True)
class Trusted:
    """Who is trusted for one kind of page: any of *groups* or any of *rights*."""

    groups: tuple[str, ...] = ()
    rights: tuple[str, ...] = ("editsitejson",)

    def allows(self, groups: Iterable[str], rights: Iterable[str]) -> bool:
        return bool(set(self.groups) & set(groups)) or bool(set(self.rights) & set(rights))

    def describe(self) -> str:
        """``groups: a, b; rights: c`` for the status page (plain text, escaped by the caller)."""
        parts = []
        if self.groups:
            parts.append("groups " + ", ".join(self.groups))
        if self.rights:
            parts.append("rights " + ", ".join(self.rights))
        return "; ".join(parts) or "-"


@dataclass(frozen=True)
class TrustConfig:
    """A wiki's publishing trust (``trust:`` of its entry in ``wikis.yaml``)."""

    publish: Trusted = Trusted()
    #: Translation pages: this circle *or* the publishers.
    translate: Trusted = Trusted(rights=("translate-messagereview", "patrol", "rollback",
                                         "autopatrol"))
    #: Protection level (edit and move) of tour, library and adaptation pages, and of translation
    #: and approvals pages (the translation circle approves translations); "" = none wanted.
    protect: str = DEFAULT_LEVEL
    protect_translations: str = DEFAULT_TRANSLATIONS_LEVEL
    approvals: str = APPROVALS_TITLE


DEFAULT_TRUST = TrustConfig()


def parse_trust(raw: object, where: str, err: Callable[[object, object], None]) -> TrustConfig:
    """The ``trust:`` mapping of a wiki entry; problems go to *err(message, hint)* as
    :class:`tours.problemtext.Text` values (the config's other problems are reported the same
    way). Missing keys keep the defaults."""
    from tours.problemtext import T

    if raw is None:
        return DEFAULT_TRUST
    if not isinstance(raw, Mapping):
        err(T("wikitours-problem-config-settings-not-mapping", where, "trust"),
            T("wikitours-hint-config-write", "trust: {publish: {rights: [editsitejson]}}"))
        return DEFAULT_TRUST
    keys = {"publish", "translate", "protect", "protect-translations", "approvals"}
    unknown = sorted(set(map(str, raw)) - keys)
    if unknown:
        err(T("wikitours-problem-config-unknown-keys", "trust", where, ", ".join(unknown)),
            T("wikitours-hint-config-use-only", ", ".join(sorted(keys))))

    def circle(key: str, default: Trusted) -> Trusted:
        value = raw.get(key)
        if value is None:
            return default
        if not isinstance(value, Mapping) or set(map(str, value)) - {"groups", "rights"}:
            err(T("wikitours-problem-config-settings-not-mapping", where, f"trust.{key}"),
                T("wikitours-hint-config-write",
                  f"{key}: {{groups: [sysop], rights: [editsitejson]}}"))
            return default
        out = {}
        for part in ("groups", "rights"):
            names = value.get(part, [])
            if isinstance(names, str):
                names = [names]
            if not isinstance(names, list) \
                    or not all(isinstance(n, str) and _NAME.match(n) for n in names):
                err(T("wikitours-problem-config-settings-not-mapping", where,
                      f"trust.{key}.{part}"),
                    T("wikitours-hint-config-write", f"{part}: [interface-admin]"))
                names = []
            out[part] = tuple(names)
        return Trusted(**out)

    def level(key: str, default: str) -> str:
        value = raw.get(key, default)
        value = "" if value in (None, "none") else value
        if not isinstance(value, str) or (value and not _NAME.match(value)):
            err(T("wikitours-problem-config-settings-not-mapping", where, f"trust.{key}"),
                T("wikitours-hint-config-write", f"{key}: sysop"))
            return default
        return value

    approvals = raw.get("approvals", APPROVALS_TITLE)
    if not isinstance(approvals, str) or not approvals \
            or re.search(r"[\[\]{}|<>#\x00-\x1f\x7f]", approvals):
        err(T("wikitours-problem-config-wiki-not-title", where, "trust.approvals", str(approvals)),
            T("wikitours-hint-config-title-characters", "[ ] { } | < > #"))
        approvals = APPROVALS_TITLE
    return TrustConfig(publish=circle("publish", DEFAULT_TRUST.publish),
                       translate=circle("translate", DEFAULT_TRUST.translate),
                       protect=level("protect", DEFAULT_TRUST.protect),
                       protect_translations=level("protect-translations",
                                                  DEFAULT_TRUST.protect_translations),
                       approvals=approvals)


# ---------------------------------------------------------------------------------------------
# Pure decisions


@dataclass(frozen=True)
class Rev:
    """One revision of a page's history (no content)."""

    revid: int
    parentid: int
    user: str
    sha1: str
    timestamp: str = ""


@dataclass(frozen=True)
class Approval:
    """An approval entry added by one revision of the approvals page."""

    page: str
    revid: int
    approver: str
    approval_revid: int


@dataclass(frozen=True)
class Verdict:
    """What may be published of one page: its latest trusted revision (None: nothing) and the
    revisions after it that wait for review (oldest first)."""

    title: str
    published: Rev | None
    waiting: tuple[Rev, ...] = ()
    latest: Rev | None = None

    @property
    def waits(self) -> bool:
        return bool(self.waiting)


def review_page(title: str, history: Sequence[Rev], trusted: Callable[[str], bool],
                approved: Iterable[int] = ()) -> Verdict:
    """The verdict on one page from its *history* (oldest first), *trusted(user)* and the
    revision ids approved for it (see the module docstring for the rules)."""
    history = list(history)
    if not history:
        return Verdict(title, None)
    approved_ids = set(approved)
    by_id = {r.revid: r for r in history}
    approved_shas = {by_id[i].sha1 for i in approved_ids if i in by_id and by_id[i].sha1}
    ok: dict[int, bool] = {}
    trusted_shas: set[str] = set()
    published = None
    oldest = history[0].revid
    for rev in history:
        if rev.parentid == 0:
            parent_ok = True  # the page's creation
        elif rev.parentid in ok:
            parent_ok = ok[rev.parentid]
        else:
            # Beyond the history read (MAX_HISTORY) only for the oldest revision read.
            parent_ok = rev.revid == oldest
        sha = rev.sha1
        good = bool(rev.user) and trusted(rev.user) and parent_ok
        good = good or rev.revid in approved_ids \
            or bool(sha and (sha in approved_shas or sha in trusted_shas))
        ok[rev.revid] = good
        if good:
            if sha:
                trusted_shas.add(sha)
            published = rev
    waiting = tuple(r for r in history if published is None or r.revid > published.revid)
    return Verdict(title, published, waiting, history[-1])


def parse_approvals(text: str | None) -> dict[str, tuple[int, ...]]:
    """The entries of one version of the approvals page; ``{}`` when it is not such JSON (an
    entry whose value is not a revision id or a list of them is left out)."""
    try:
        data = json.loads(text or "")
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    out: dict[str, tuple[int, ...]] = {}
    for key, value in list(data.items())[:MAX_APPROVAL_ENTRIES]:
        if not isinstance(key, str) or key.startswith("@") or len(key) > 255:
            continue
        values = value if isinstance(value, list) else [value]
        ids = tuple(v for v in values
                    if isinstance(v, int) and not isinstance(v, bool) and 0 < v < 2 ** 53)
        if ids:
            out[key] = ids
    return out


def approvals_from_history(versions: Sequence[tuple[int, str, str | None]],
                           normalise: Callable[[str], str] = lambda t: t) -> list[Approval]:
    """Every approval *added* by a revision of the approvals page: *versions* are
    ``(revid, user, text)`` oldest first. Each revision is compared with the last version before
    it that was valid JSON, so breaking the page and fixing it again launders nothing. Who may
    approve what is decided later (:func:`approved_for`), by the approver's rights."""
    out: list[Approval] = []
    previous: set[tuple[str, int]] = set()

    def title(page: str) -> str | None:
        try:
            return normalise(page)
        except Exception:  # noqa: BLE001 - not a title (Pywikibot's InvalidTitleError, …)
            return None

    for revid, user, text in versions:
        if text is None or len(text.encode("utf-8", "replace")) > MAX_APPROVALS_BYTES:
            continue  # hidden or oversized content: nothing added, nothing forgotten
        entries = parse_approvals(text)
        if not entries and (text or "").strip() not in ("{}", ""):
            try:
                json.loads(text)
            except ValueError:
                continue  # invalid JSON: compare the next valid version with the last valid one
        now = {(t, i) for page, ids in entries.items() if (t := title(page)) for i in ids}
        for page, i in sorted(now - previous):
            out.append(Approval(page, i, user, revid))
        previous = now
    return out


def approved_for(approvals: Iterable[Approval], title: str,
                 trusted: Callable[[str], bool]) -> set[int]:
    """The revision ids of *title* approved by someone *trusted* for it."""
    return {a.revid for a in approvals if a.page == title and a.approver and trusted(a.approver)}


def approval_line(title: str, revid: int) -> str:
    """The JSON line that approves *revid* of *title* on the approvals page."""
    return f"{json.dumps(title, ensure_ascii=False)}: {int(revid)}"


# ---------------------------------------------------------------------------------------------
# Reading (Pywikibot site, one request per page history or per 50 titles)


def _pages(reply: dict) -> list[dict]:
    pages = reply.get("query", {}).get("pages", [])
    return list(pages.values()) if isinstance(pages, dict) else list(pages)


def read_histories(site, titles: Iterable[str], limit: int = MAX_HISTORY) -> dict[str, list[Rev]]:
    """The history of each page (oldest first, at most *limit* newest revisions): one request
    per page (more only past 500 revisions). Hidden users or contents count as untrusted."""
    out: dict[str, list[Rev]] = {}
    for title in titles:
        params = {"action": "query", "prop": "revisions", "titles": title, "rvlimit": "max",
                  "rvprop": "ids|user|sha1|timestamp", "rvdir": "older"}
        revs: list[Rev] = []
        while len(revs) < limit:
            reply = site.simple_request(**params).submit()
            for page in _pages(reply):
                for r in page.get("revisions", []):
                    revs.append(Rev(int(r.get("revid", 0)), int(r.get("parentid", 0)),
                                    "" if "userhidden" in r else str(r.get("user", "")),
                                    "" if "sha1hidden" in r else str(r.get("sha1", "")),
                                    str(r.get("timestamp", ""))))
            cont = reply.get("continue")
            if not cont:
                break
            params.update(cont)
        out[title] = sorted(revs[:limit], key=lambda r: r.revid)
    return out


def read_users(site, users: Iterable[str]) -> dict[str, tuple[frozenset, frozenset]]:
    """``user → (groups, rights)`` now, 50 users per request; IP addresses and unknown names
    have none. The rights come from the wiki's group settings (``meta=siteinfo``): the API's
    ``usprop=rights`` leaves out every right the bot's own session was not granted (a bot
    password's grants filter it), so it would miss e.g. ``patrol``."""
    names = sorted({u for u in users if u})
    out: dict[str, tuple[frozenset, frozenset]] = {}
    if not names:
        return out
    reply = site.simple_request(action="query", meta="siteinfo", siprop="usergroups").submit()
    by_group = {str(g.get("name", "")): frozenset(g.get("rights", []))
                for g in reply.get("query", {}).get("usergroups", [])}
    for start in range(0, len(names), 50):
        reply = site.simple_request(action="query", list="users",
                                    ususers="|".join(names[start:start + 50]),
                                    usprop="groups").submit()
        for u in reply.get("query", {}).get("users", []):
            if "missing" in u or "invalid" in u:
                continue
            groups = frozenset(u.get("groups", []))
            rights = frozenset().union(*(by_group.get(g, frozenset()) for g in groups))
            out[str(u.get("name", ""))] = (groups, rights)
    return out


def read_approvals(site, title: str,
                   limit: int = MAX_APPROVAL_REVISIONS) -> list[tuple[int, str, str | None]]:
    """``(revid, user, text)`` of the approvals page's revisions, oldest first (50 per request,
    at most *limit* newest)."""
    params = {"action": "query", "prop": "revisions", "titles": title, "rvlimit": "50",
              "rvprop": "ids|user|content", "rvslots": "main", "rvdir": "older"}
    out: list[tuple[int, str, str | None]] = []
    while len(out) < limit:
        reply = site.simple_request(**params).submit()
        for page in _pages(reply):
            for r in page.get("revisions", []):
                main = r.get("slots", {}).get("main", {})
                text = None if "texthidden" in main or "texthidden" in r else \
                    main.get("*", main.get("content", r.get("*")))
                user = "" if "userhidden" in r else str(r.get("user", ""))
                out.append((int(r.get("revid", 0)), user, text))
        cont = reply.get("continue")
        if not cont:
            break
        params.update(cont)
    return sorted(out[:limit])


def read_revision_texts(site, revids: Iterable[int]) -> dict[int, str]:
    """The content of each revision id, 50 per request."""
    ids = sorted({int(i) for i in revids if i})
    out: dict[int, str] = {}
    for start in range(0, len(ids), 50):
        reply = site.simple_request(action="query", prop="revisions",
                                    revids="|".join(map(str, ids[start:start + 50])),
                                    rvprop="ids|content", rvslots="main").submit()
        for page in _pages(reply):
            for r in page.get("revisions", []):
                main = r.get("slots", {}).get("main", {})
                text = main.get("*", main.get("content", r.get("*")))
                if isinstance(text, str):
                    out[int(r["revid"])] = text
    return out


def read_protections(site, titles: Iterable[str]) -> dict[str, dict[str, str]]:
    """``title → {action: level}`` of the existing pages among *titles*, 50 per request."""
    names = list(dict.fromkeys(t for t in titles if t))
    out: dict[str, dict[str, str]] = {}
    for start in range(0, len(names), 50):
        reply = site.simple_request(action="query", prop="info", inprop="protection",
                                    titles="|".join(names[start:start + 50])).submit()
        for page in _pages(reply):
            if "missing" in page or "invalid" in page:
                continue
            levels: dict[str, str] = {}
            for p in page.get("protection", []):
                action, level = str(p.get("type", "")), str(p.get("level", ""))
                if level_rank(level) >= level_rank(levels.get(action, "")):
                    levels[action] = level
            out[str(page.get("title", ""))] = levels
    return out
