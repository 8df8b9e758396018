"""Reading what the app needs from a wiki's Action API: progress pages, mentees, edits.

The wiki is the source of truth. A learner's progress counts only when it comes from
``User:NAME/wikitours.json`` *and* the page's latest revision was made by NAME: anyone else
(another user, an IP, a hidden user) could have written a forged completion claim, so such a
page is reported as ``forged`` and counts for nothing. The app never takes a completion from a
browser or a form.

Requests are polite, as Wikimedia's API etiquette asks: one descriptive User-Agent, ``maxlag``
with a bounded wait when the wiki says it is lagged, at most 50 titles or users per request,
and continuation followed only up to a cap.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterable, Iterator, Mapping
from urllib.parse import quote

import requests

from contracts.mentees import Mentee, parse_record, record_title
from contracts.mentoreligibility import Account, Assessment, assess, names_to_look_up, settings_title
from contracts.mentoreligibility import Revision as PageRevision
from contracts.problems import Issue, page_issue
from practice.verify import practice_fields

from .evidence import Revision
from .progress import Contribution, Progress, parse_progress

__all__ = ["Wiki", "WikiClient", "WikiError", "ProgressRead", "Mentee", "valid_username",
           "BATCH", "PROGRESS_PAGE"]

#: Titles or user names per request: the API's limit for clients without ``apihighlimits``.
BATCH = 50
#: The learner's own progress page (contracts §5), below their user page.
PROGRESS_PAGE = "wikitours.json"
#: The mentor list (contracts §7).
MENTORS_PAGE = "Project:Wikitours/Mentors.json"
_BAD_NAME = re.compile(r"[#<>\[\]|{}/:\x00-\x1f\x7f\ufffd]")


def valid_username(name: str) -> bool:
    """Whether *name* could be a wiki user name (it is then safe to put into a batch).

    MediaWiki forbids these characters in user names; refusing them here also means a name can
    never smuggle a second value into a ``|``-separated parameter.
    """
    name = name.strip()
    return 0 < len(name) <= 85 and not _BAD_NAME.search(name)


def _normal(name: str) -> str:
    """MediaWiki's spelling of a user name: spaces for underscores, first letter upper case."""
    name = re.sub(r"[ _]+", " ", name).strip()
    return name[:1].upper() + name[1:]


@dataclass(frozen=True)
class Wiki:
    """A wiki the app serves (contracts §10): id, Action API and index.php URLs, language."""

    id: str
    api: str
    index: str
    language: str = "en"
    project: str = "Project"

    @classmethod
    def from_config(cls, entry: Mapping[str, Any]) -> "Wiki":
        return cls(id=str(entry["id"]), api=str(entry["api"]), index=str(entry["index"]),
                   language=str(entry.get("language") or "en"),
                   project=str(entry.get("project") or "Project"))

    @property
    def rest(self) -> str:
        """The wiki's ``rest.php`` URL, next to ``index.php``."""
        return re.sub(r"index\.php$", "rest.php", self.index)

    def page_url(self, title: str) -> str:
        return f"{self.index}?title={quote(title.replace(' ', '_'), safe=':/')}"

    def user_page_url(self, username: str) -> str:
        """The learner's user page: their public identity, and the badge recipient."""
        return self.page_url(f"User:{_normal(username)}")


@dataclass(frozen=True)
class ProgressRead:
    """The outcome of reading one learner's progress page.

    *status* is ``ok`` (progress is set), ``missing`` (no page), ``forged`` (the latest
    revision is not the learner's own; *last_editor* says whose) or ``invalid`` (not a
    progress page; *problems* say why, as values shown in the reader's language by
    :func:`tours.problemkinds.issue_text`).
    """

    username: str
    status: str
    progress: Progress | None = None
    last_editor: str = ""
    problems: tuple[Issue, ...] = ()


class WikiError(Exception):
    """The wiki could not answer (network, HTTP status, API error, persistent lag)."""


def _batches(items: list[str], size: int = BATCH) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


class WikiClient:
    """Read-only Action API client for one :class:`Wiki`.

    *session* may be given (tests count requests through it); *sleep* is how the client waits
    when the wiki is lagged, so a test can observe the wait instead of sleeping.
    """

    def __init__(self, wiki: Wiki, user_agent: str, *, session: requests.Session | None = None,
                 maxlag: int = 5, timeout: float = 20, max_lag_retries: int = 3,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.wiki = wiki
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = user_agent
        self.maxlag = maxlag
        self.timeout = timeout
        self.max_lag_retries = max_lag_retries
        self.sleep = sleep
        self.requests = 0

    # --- plumbing --------------------------------------------------------------------------

    def get(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """One API GET with ``format=json&formatversion=2`` and ``maxlag``; errors raise."""
        query = {"format": "json", "formatversion": "2", "maxlag": str(self.maxlag), **params}
        for attempt in range(self.max_lag_retries + 1):
            self.requests += 1
            try:
                response = self.session.get(self.wiki.api, params=query, timeout=self.timeout)
            except requests.RequestException as error:
                raise WikiError(f"{self.wiki.id}: cannot reach {self.wiki.api}: {error}") from error
            try:
                data = response.json()
            except ValueError:
                data = {}
            error = data.get("error") if isinstance(data, dict) else None
            if (error and error.get("code") == "maxlag") or response.status_code == 503:
                if attempt < self.max_lag_retries:
                    wait = response.headers.get("Retry-After", "5")
                    self.sleep(min(float(wait) if wait.isdigit() else 5.0, 30.0))
                    continue
                raise WikiError(f"{self.wiki.id}: the wiki stayed lagged; try again later")
            if response.status_code != 200:
                raise WikiError(f"{self.wiki.id}: API answered HTTP {response.status_code}")
            if error:
                raise WikiError(f"{self.wiki.id}: API error {error.get('code')}: "
                                f"{error.get('info', '')}")
            if not isinstance(data, dict):
                raise WikiError(f"{self.wiki.id}: API answered something that is not JSON")
            return data
        raise WikiError(f"{self.wiki.id}: the wiki stayed lagged")  # pragma: no cover

    def query(self, params: Mapping[str, Any], max_requests: int = 20) -> Iterator[dict]:
        """``action=query`` results, following ``continue`` for at most *max_requests*."""
        cont: dict[str, Any] = {}
        for _ in range(max_requests):
            data = self.get({"action": "query", **params, **cont})
            yield data.get("query", {})
            if "continue" not in data:
                return
            cont = data["continue"]

    def _pages(self, titles: list[str], **params: Any) -> tuple[dict[str, str], list[dict]]:
        """Pages by title (50 per request): ``({asked title: normalized title}, pages)``."""
        mapping: dict[str, str] = {}
        pages: list[dict] = []
        for batch in _batches(titles):
            for part in self.query({"titles": "|".join(batch), **params}):
                for n in part.get("normalized", []):
                    mapping[n["from"]] = n["to"]
                pages.extend(part.get("pages", []))
        return {t: mapping.get(t, t) for t in titles}, pages

    def page_texts(self, titles: list[str]) -> dict[str, str | None]:
        """The current text of each title as asked (None: missing or hidden), 50 a request."""
        if not titles:
            return {}
        normalized, pages = self._pages(list(dict.fromkeys(titles)), prop="revisions",
                                        rvprop="content", rvslots="main")
        texts: dict[str, str | None] = {}
        for page in pages:
            revisions = page.get("revisions") or []
            slot = (revisions[0].get("slots") or {}).get("main", {}) if revisions else {}
            texts[page.get("title", "")] = None if not revisions or slot.get("texthidden") \
                else str(slot.get("content", ""))
        return {t: texts.get(normalized.get(t, t)) for t in titles}

    # --- what the app reads ----------------------------------------------------------------

    def progress(self, usernames: Iterable[str]) -> dict[str, ProgressRead]:
        """Each learner's progress, accepted only when they made the latest revision.

        Keys are the names as given. Names that cannot be user names are ``invalid`` without
        asking the wiki.
        """
        names = list(dict.fromkeys(usernames))
        result: dict[str, ProgressRead] = {}
        wanted: dict[str, str] = {}
        for name in names:
            if valid_username(name):
                wanted[f"User:{_normal(name)}/{PROGRESS_PAGE}"] = name
            else:
                result[name] = ProgressRead(name, "invalid", problems=(
                    page_issue(name[:255], "wikitours-problem-progress-user-name"),))
        if not wanted:
            return result
        normalized, pages = self._pages(
            list(wanted), prop="revisions", rvprop="ids|user|timestamp|content", rvslots="main")
        by_title = {p.get("title"): p for p in pages}
        for asked, name in wanted.items():
            title = normalized[asked]
            page = by_title.get(title, {})
            # The wiki's own spelling of the name (its capitalisation rules, not Python's)
            owner = title.split(":", 1)[1].rsplit("/", 1)[0] if ":" in title else _normal(name)
            revisions = page.get("revisions") or []
            if page.get("missing") or not revisions:
                result[name] = ProgressRead(owner, "missing")
                continue
            rev = revisions[0]
            editor = "" if rev.get("userhidden") else str(rev.get("user", ""))
            if editor != owner:
                result[name] = ProgressRead(owner, "forged", last_editor=editor, problems=(
                    page_issue(normalized[asked], "wikitours-problem-progress-not-owner", owner),))
                continue
            slot = (rev.get("slots") or {}).get("main", {})
            text = slot.get("content", "") if not slot.get("texthidden") else ""
            entries, problems = parse_progress(text, normalized[asked])
            if not entries and problems:
                result[name] = ProgressRead(owner, "invalid", problems=tuple(problems))
                continue
            tasks, public = practice_fields(text)
            result[name] = ProgressRead(owner, "ok", Progress(
                owner, entries, int(rev.get("revid", 0)), str(rev.get("timestamp", "")),
                tasks, public), problems=tuple(problems))
        return result

    def revisions(self, revids: Iterable[int], *, with_parents: bool = True) -> dict[int, Revision]:
        """Revisions by id, with their text and (when *with_parents*) the previous text.

        An id the wiki does not know, or whose page or revision was deleted, comes back
        ``missing``: the API lists it under ``badrevids``. Hidden user or text is ``hidden``.
        """
        ids = [int(r) for r in dict.fromkeys(revids) if isinstance(r, int) and r > 0]
        found: dict[int, Revision] = {r: Revision(r, missing=True) for r in ids}
        parents: dict[int, int] = {}
        pages: dict[int, int] = {}
        for batch in _batches([str(r) for r in ids]):
            for part in self.query({"prop": "revisions", "revids": "|".join(batch),
                                    "rvprop": "ids|user|timestamp|tags|content",
                                    "rvslots": "main"}):
                for page in part.get("pages", []):
                    for rev in page.get("revisions") or []:
                        revid = int(rev.get("revid", 0))
                        if revid not in found:
                            continue
                        slot = (rev.get("slots") or {}).get("main", {})
                        hidden = bool(rev.get("userhidden") or slot.get("texthidden")
                                      or rev.get("suppressed"))
                        found[revid] = Revision(
                            revid, title=str(page.get("title", "")),
                            namespace=int(page.get("ns", 0)),
                            user="" if rev.get("userhidden") else str(rev.get("user", "")),
                            timestamp=str(rev.get("timestamp", "")),
                            tags=tuple(str(t) for t in rev.get("tags", [])),
                            text=None if slot.get("texthidden") else str(slot.get("content", "")),
                            hidden=hidden)
                        parents[revid] = int(rev.get("parentid", 0) or 0)
                        pages[revid] = int(page.get("pageid", 0))
        if with_parents and parents:
            texts: dict[int, str | None] = {0: ""}
            sha1s: dict[int, str] = {}
            wanted = [str(p) for p in dict.fromkeys(parents.values()) if p]
            for batch in _batches(wanted):
                for part in self.query({"prop": "revisions", "revids": "|".join(batch),
                                        "rvprop": "ids|sha1|content", "rvslots": "main"}):
                    for page in part.get("pages", []):
                        for rev in page.get("revisions") or []:
                            slot = (rev.get("slots") or {}).get("main", {})
                            texts[int(rev.get("revid", 0))] = None if slot.get("texthidden") \
                                else str(slot.get("content", ""))
                            sha1s[int(rev.get("revid", 0))] = str(rev.get("sha1", ""))
            for revid, parent in parents.items():
                restored = self._restored_later(pages[revid], revid, sha1s.get(parent, ""))
                found[revid] = replace(found[revid], parent_text=texts.get(parent),
                                       restored_later=restored)
        return found

    def _restored_later(self, pageid: int, revid: int, before: str, limit: int = 50) -> bool:
        """Whether one of the next *limit* revisions of the page brings back the text *before*
        the edit (its SHA-1): an undo or rollback the wiki has not tagged yet."""
        if not pageid or not before:
            return False
        for part in self.query({"prop": "revisions", "pageids": str(pageid),
                                "rvstartid": str(revid), "rvdir": "newer",
                                "rvlimit": str(limit), "rvprop": "ids|sha1"}, max_requests=1):
            for page in part.get("pages", []):
                for rev in page.get("revisions") or []:
                    if int(rev.get("revid", 0)) > revid and rev.get("sha1") == before:
                        return True
        return False

    def progress_changes(self, since: str, limit: int = 500) -> tuple[list[str], str]:
        """Learners whose progress page changed at or after *since* (ISO time), and the time of
        the newest change seen (the next *since*; *since* itself when nothing changed).

        Reads ``list=recentchanges`` in the User namespace and keeps titles ending in
        ``/wikitours.json``: the cheap way to notice a completed tour within seconds.
        """
        names: list[str] = []
        newest = since
        params = {"list": "recentchanges", "rcnamespace": "2", "rctype": "edit|new",
                  "rcprop": "title|timestamp", "rcdir": "newer", "rclimit": str(min(limit, 500))}
        if since:
            params["rcstart"] = since
        for part in self.query(params, max_requests=max(1, limit // 500)):
            for change in part.get("recentchanges", []):
                title = str(change.get("title", ""))
                newest = max(newest, str(change.get("timestamp", "")))
                if title.endswith("/" + PROGRESS_PAGE) and ":" in title:
                    owner = title.split(":", 1)[1][:-len(PROGRESS_PAGE) - 1]
                    if valid_username(owner):
                        names.append(owner)
        return list(dict.fromkeys(names)), newest

    def page_history(self, title: str, limit: int = 500) -> list[tuple[int, str, str]]:
        """``(revid, user, text)`` of a page's revisions, oldest first (at most *limit*).

        Hidden users or texts come back empty, so they can authorise nothing.
        """
        out: list[tuple[int, str, str]] = []
        params = {"prop": "revisions", "titles": title, "rvprop": "ids|user|content",
                  "rvslots": "main", "rvdir": "newer", "rvlimit": "50"}
        for part in self.query(params, max_requests=max(1, limit // 50)):
            for page in part.get("pages", []):
                for rev in page.get("revisions") or []:
                    slot = (rev.get("slots") or {}).get("main", {})
                    out.append((int(rev.get("revid", 0)),
                                "" if rev.get("userhidden") else str(rev.get("user", "")),
                                "" if slot.get("texthidden") else str(slot.get("content", ""))))
        return out[:limit]

    def groups(self, usernames: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """The current user groups of each registered user (``sysop``, ``bot``, …)."""
        names = [_normal(n) for n in dict.fromkeys(usernames) if valid_username(n)]
        result: dict[str, tuple[str, ...]] = {}
        for batch in _batches(names):
            for part in self.query({"list": "users", "ususers": "|".join(batch),
                                    "usprop": "groups"}):
                for u in part.get("users", []):
                    if "userid" in u:
                        result[str(u["name"])] = tuple(str(g) for g in u.get("groups", []))
        return result

    def mentees(self, mentor: str) -> tuple[tuple[Mentee, ...], tuple[str, ...]]:
        """The mentor's mentees as the bot recorded them, and problems reading the page."""
        if not valid_username(mentor):
            return (), ("not a valid user name",)
        title = record_title(mentor)
        text = self.page_texts([title]).get(title)
        return parse_record(text, title) if text else ((), ())

    def mentors(self) -> tuple[str, ...]:
        """User names that count as mentors (eligible or paused), contracts §7.

        Being on ``Project:Wikitours/Mentors.json`` is not enough: the bot and the app decide
        with the same pure module, :mod:`contracts.mentoreligibility`.
        """
        return tuple(self.mentor_assessment().counted())

    def page_revisions(self, title: str, limit: int = 2000) -> list[PageRevision]:
        """Revisions of *title* with their text, oldest first (at most the newest *limit*)."""
        found: list[PageRevision] = []
        params = {"prop": "revisions", "titles": title, "rvslots": "main",
                  "rvprop": "ids|timestamp|user|content", "rvlimit": "50", "rvdir": "older"}
        for part in self.query(params, max_requests=max(1, limit // 50)):
            for page in part.get("pages", []):
                for rev in page.get("revisions") or []:
                    slot = (rev.get("slots") or {}).get("main", {})
                    found.append(PageRevision(
                        int(rev.get("revid", 0)),
                        "" if rev.get("userhidden") else str(rev.get("user", "")),
                        str(rev.get("timestamp", "")),
                        "" if slot.get("texthidden") else str(slot.get("content", "")),
                        int(rev.get("parentid", 0))))
        return sorted(found[:limit], key=lambda r: r.revid)

    def accounts(self, usernames: Iterable[str]) -> dict[str, Account]:
        """Public facts about accounts (groups, edit count, registration, site-wide block)."""
        names = [_normal(n) for n in dict.fromkeys(usernames) if valid_username(n)]
        result: dict[str, Account] = {}
        for batch in _batches(names):
            for part in self.query({"list": "users", "ususers": "|".join(batch),
                                    "usprop": "blockinfo|groups|editcount|registration"}):
                for u in part.get("users", []):
                    name = str(u.get("name", ""))
                    if u.get("missing") or u.get("invalid") or "userid" not in u:
                        result[name] = Account(name, exists=False)
                        continue
                    result[name] = Account(
                        name, True, tuple(str(g) for g in u.get("groups", [])),
                        "blockid" in u and not u.get("blockpartial"),
                        int(u.get("editcount") or 0), str(u.get("registration") or ""))
        return result

    def mentor_assessment(self, now: dt.datetime | None = None) -> Assessment:
        """Who on the mentor list counts, and why (:func:`contracts.mentoreligibility.assess`)."""
        history = self.page_revisions(MENTORS_PAGE)
        settings = self.page_revisions(settings_title(MENTORS_PAGE), limit=500)
        names = names_to_look_up(history, settings)
        accounts = self.accounts(names) if names else {}
        return assess(history, settings, accounts, now or dt.datetime.now(dt.timezone.utc))

    def contributions(self, usernames: Iterable[str], *, limit: int = 500,
                      since: str = "") -> dict[str, list[Contribution]]:
        """Recent public edits per user, newest first; several users per request (``ucuser``).

        At most *limit* edits per batch of 50 users are read, so one very busy user can crowd
        out others in a batch: mentors see the most recent activity, not a full history.
        """
        names = [_normal(n) for n in dict.fromkeys(usernames) if valid_username(n)]
        result: dict[str, list[Contribution]] = {n: [] for n in names}
        for batch in _batches(names):
            params = {"list": "usercontribs", "ucuser": "|".join(batch), "uclimit": "max",
                      "ucprop": "ids|title|timestamp|comment|tags"}
            if since:
                params["ucend"] = since
            count = 0
            for part in self.query(params, max_requests=max(1, limit // 500 + 1)):
                for c in part.get("usercontribs", []):
                    user = str(c.get("user", ""))
                    if user in result and count < limit:
                        result[user].append(Contribution(
                            user, str(c.get("title", "")), str(c.get("timestamp", "")),
                            int(c.get("revid", 0)), str(c.get("comment", ""))[:500],
                            tuple(str(t) for t in c.get("tags", []))))
                        count += 1
                if count >= limit:
                    break
        return result

    def users(self, usernames: Iterable[str]) -> dict[str, str | None]:
        """Each given name → the wiki's spelling of that registered user, or None."""
        names = list(dict.fromkeys(usernames))
        result: dict[str, str | None] = {n: None for n in names}
        valid = {_normal(n): n for n in names if valid_username(n)}
        for batch in _batches(list(valid)):
            for part in self.query({"list": "users", "ususers": "|".join(batch)}):
                for u in part.get("users", []):
                    if not u.get("missing") and not u.get("invalid") and "userid" in u:
                        original = valid.get(u["name"])
                        if original is not None:
                            result[original] = u["name"]
        return result

    def extensions(self) -> list:
        """The wiki's installed extensions as ``meta=siteinfo&siprop=extensions`` lists them."""
        data = self.get({"action": "query", "meta": "siteinfo", "siprop": "extensions"})
        found = (data.get("query") or {}).get("extensions")
        return found if isinstance(found, list) else []

    def thanks_log(self, username: str, since: str, limit: int = 500) -> tuple[list, bool]:
        """``(entries, more)``: the public thanks log's entries addressed to *username*'s user
        page at or after *since* (ISO), newest first, one request of at most *limit*; *more*
        when the log has older entries in the period than were read. Only for a wiki with the
        Thanks extension (an unknown ``letype`` is an API error)."""
        if not valid_username(username):
            return [], False
        data = self.get({"action": "query", "list": "logevents", "letype": "thanks",
                         "letitle": f"User:{_normal(username)}", "leend": since,
                         "leprop": "title|type|timestamp", "lelimit": str(min(limit, 500))})
        entries = (data.get("query") or {}).get("logevents")
        return (entries if isinstance(entries, list) else []), "continue" in data
