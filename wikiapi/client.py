"""The bots' only door to the wiki: batched reads and guarded edits through Pywikibot.

Reads are batched so that a run costs a handful of requests however many newcomers it sees:
page texts for up to 50 titles (500 with ``apihighlimits``) per request, user information for
as many users per request, the new-users log in pages of ``max`` entries.

Every edit is *guarded*: a page the bot believes missing is saved with ``createonly`` and a page
it read is saved with ``basetimestamp``/``starttimestamp``, so a page that changed in between
(another bot, a person, a crash-restarted twin) makes the edit fail instead of posting twice.
Requests go through Pywikibot's ``Request``, which keeps Wikimedia's rules: maxlag, the edit
throttle, retries on network errors and ``-simulate``. A failed edit is a value
(:class:`EditResult`), never an exception, so one bad page never ends a run.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

__all__ = ["Page", "UserInfo", "NewAccount", "EditResult", "Wiki", "chunks"]


@dataclass(frozen=True)
class Page:
    """A page as read: *title* is the wiki's normalized title; *text* is "" when missing."""

    title: str
    exists: bool = False
    text: str = ""
    revid: int = 0
    timestamp: str = ""
    user: str = ""
    model: str = ""
    invalid: bool = False


@dataclass(frozen=True)
class UserInfo:
    """What the wiki shows publicly about an account."""

    name: str
    exists: bool = True
    groups: tuple[str, ...] = ()
    blocked: bool = False
    block_partial: bool = False
    editcount: int = 0
    registration: str = ""


@dataclass(frozen=True, order=True)
class NewAccount:
    """One entry of the new-users log (or one new-account event from EventStreams)."""

    logid: int
    timestamp: str
    user: str
    action: str = "create"


@dataclass(frozen=True)
class EditResult:
    """How an edit went.

    *status*: ``saved``; ``dry`` (printed, not saved); ``exists`` (createonly and the page
    appeared); ``conflict`` (changed since read); ``missing`` (nocreate and the page went);
    ``denied`` (protection, block, permissions: retrying will not help); ``error`` (network or
    server trouble: worth trying again next run).
    """

    status: str
    revid: int = 0
    timestamp: str = ""
    info: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("saved", "dry")


_DENIED = {"protectedpage", "protectedtitle", "cascadeprotected", "permissiondenied",
           "blocked", "autoblocked", "cantcreate", "noedit", "titleblacklist-forbidden",
           "abusefilter-disallowed", "spamblacklist", "contenttoobig", "writeapidenied",
           "readonly", "invalidtitle", "badcontentformat", "invalid-content-data",
           "no-direct-editing", "contentmodel-mismatch", "nosuchsection", "customjsprotected",
           "customcssprotected", "mycustomjsonprotected"}


def chunks(items: Sequence, size: int) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


@dataclass
class Wiki:
    """A Pywikibot *site* plus the bot's batched reads and guarded edits.

    *dry*: print every edit instead of saving it. *out* receives those prints and the log.
    """

    site: object
    dry: bool = False
    out: Callable[[str], None] = field(default=lambda line: print(line, file=sys.stdout))
    requests: int = 0
    edits: int = 0
    curtimestamp: str = ""

    # -- reads ------------------------------------------------------------------------------
    def _query(self, **params) -> dict:
        self.requests += 1
        params.setdefault("formatversion", 2)
        return self.site.simple_request(action="query", **params).submit()

    @property
    def title_limit(self) -> int:
        return 500 if self.site.has_right("apihighlimits") else 50

    @property
    def user_name(self) -> str:
        return self.site.user() or self.site.username() or ""

    def read(self, titles: Iterable[str]) -> dict[str, Page]:
        """The latest revision of each title, keyed by the title as asked."""
        wanted = list(dict.fromkeys(t for t in titles if t))
        result: dict[str, Page] = {}
        for chunk in chunks(wanted, self.title_limit):
            reply = self._query(prop="revisions", titles="|".join(chunk),
                                rvprop="ids|timestamp|user|content", rvslots="main",
                                curtimestamp=1)
            self.curtimestamp = reply.get("curtimestamp", self.curtimestamp)
            query = reply.get("query", {})
            result.update(self._pages(chunk, query))
        return result

    @staticmethod
    def _pages(asked: Sequence[str], query: dict) -> dict[str, Page]:
        names = {t: t for t in asked}
        for step in ("normalized", "converted"):
            for entry in query.get(step, []):
                for asked_title, now in names.items():
                    if now == entry["from"]:
                        names[asked_title] = entry["to"]
        by_title = {}
        for page in query.get("pages", []):
            revisions = page.get("revisions") or []
            if page.get("invalid"):
                by_title[page.get("title", "")] = Page(page.get("title", ""), invalid=True)
            elif page.get("missing") or not revisions:
                by_title[page["title"]] = Page(page["title"])
            else:
                rev = revisions[0]
                slot = rev.get("slots", {}).get("main", {})
                by_title[page["title"]] = Page(
                    page["title"], True, slot.get("content", ""), rev.get("revid", 0),
                    rev.get("timestamp", ""), rev.get("user", ""), slot.get("contentmodel", ""))
        return {asked_title: by_title.get(now, Page(now, invalid=now not in by_title))
                for asked_title, now in names.items()}

    def prefixed(self, namespace: int, prefix: str) -> dict[str, Page]:
        """Every page whose title starts with *prefix* in *namespace*, with its text."""
        result: dict[str, Page] = {}
        params = {"generator": "allpages", "gapnamespace": namespace, "gapprefix": prefix,
                  "gaplimit": 50, "prop": "revisions", "rvprop": "ids|timestamp|user|content",
                  "rvslots": "main", "curtimestamp": 1}
        while True:
            reply = self._query(**params)
            self.curtimestamp = reply.get("curtimestamp", self.curtimestamp)
            pages = reply.get("query", {}).get("pages", [])
            result.update(self._pages([p["title"] for p in pages], reply.get("query", {})))
            if "continue" not in reply:
                return result
            params.update(reply["continue"])

    def users(self, names: Iterable[str]) -> dict[str, UserInfo]:
        """Public information about many accounts, keyed by user name."""
        wanted = list(dict.fromkeys(names))
        result: dict[str, UserInfo] = {}
        for chunk in chunks(wanted, self.title_limit):
            reply = self._query(list="users", ususers="|".join(chunk),
                                usprop="blockinfo|groups|editcount|registration")
            for user in reply.get("query", {}).get("users", []):
                name = user.get("name", "")
                if user.get("missing") or user.get("invalid"):
                    result[name] = UserInfo(name, exists=False)
                    continue
                result[name] = UserInfo(
                    name, True, tuple(user.get("groups", [])), "blockid" in user,
                    bool(user.get("blockpartial")), int(user.get("editcount") or 0),
                    user.get("registration") or "")
        return result

    def history(self, title: str, limit: int = 2000) -> list:
        """Revisions of *title* with their text, oldest first (at most the newest *limit*).

        Returns :class:`bot.mentoreligibility.Revision` values; a missing page has none.
        """
        from bot.mentoreligibility import Revision

        params: dict = {"prop": "revisions", "titles": title, "rvslots": "main",
                        "rvprop": "ids|timestamp|user|content", "rvlimit": 50,
                        "rvdir": "older"}
        found = []
        while len(found) < limit:
            reply = self._query(**params)
            for page in reply.get("query", {}).get("pages", []):
                for rev in page.get("revisions") or []:
                    slot = rev.get("slots", {}).get("main", {})
                    found.append(Revision(
                        int(rev.get("revid", 0)), "" if rev.get("userhidden") else
                        str(rev.get("user", "")), str(rev.get("timestamp", "")),
                        "" if slot.get("texthidden") else str(slot.get("content", "")),
                        int(rev.get("parentid", 0))))
            if "continue" not in reply:
                break
            params.update(reply["continue"])
        return sorted(found[:limit], key=lambda r: r.revid)

    def new_accounts(self, since: str | None, after_logid: int = 0,
                     limit: int = 5000) -> list[NewAccount]:
        """New-users log entries from *since* (ISO time, inclusive), oldest first.

        Entries with a log id at or below *after_logid* are left out (they share the cursor's
        second but were already handled).
        """
        params: dict = {"list": "logevents", "letype": "newusers", "ledir": "newer",
                        "lelimit": "max", "leprop": "ids|title|type|timestamp"}
        if since:
            params["lestart"] = since
        found: list[NewAccount] = []
        while len(found) < limit:
            reply = self._query(**params)
            for event in reply.get("query", {}).get("logevents", []):
                title = event.get("title", "")
                if event.get("ns") != 2 or ":" not in title or event.get("logid", 0) <= after_logid:
                    continue
                found.append(NewAccount(int(event["logid"]), event.get("timestamp", ""),
                                        title.split(":", 1)[1], event.get("action", "")))
            if "continue" not in reply:
                break
            params.update(reply["continue"])
        return sorted(found)[:limit]

    def siteinfo_language(self) -> str:
        return str(self.site.lang or "en")

    # -- edits ------------------------------------------------------------------------------
    def save(self, page: Page, text: str, summary: str, *, model: str = "",
             minor: bool = False) -> EditResult:
        """Save *text* over *page* as read, and only if nobody changed it since.

        A page read as missing is saved with ``createonly``. A page read as existing is saved
        with ``baserevid`` and ``nocreate`` but without ``basetimestamp``: MediaWiki suppresses
        a conflict when the same account made the intervening edit and a ``basetimestamp`` is
        given, and two copies of this bot share one account. With ``baserevid`` alone the
        conflict stands unless MediaWiki can merge the two changes, and two posts appended at
        the end of one page never merge. Never raises for wiki trouble.
        """
        title = page.title
        if self.dry:
            guard = f"based on revision {page.revid}" if page.exists else "create-only"
            self.out(f"--- dry run: would save [[{title}]] ({guard}) summary: {summary}\n"
                     f"{text}\n--- end of [[{title}]]")
            return EditResult("dry")
        import pywikibot
        from pywikibot.exceptions import APIError, Error

        params: dict = {"action": "edit", "title": title, "text": text, "summary": summary,
                        "bot": 1, "assert": "user", "formatversion": 2}
        if page.exists:
            params["baserevid"] = page.revid
            params["nocreate"] = 1
        else:
            params["createonly"] = 1
        if model:
            params["contentmodel"] = model
        if minor:
            params["minor"] = 1
        try:
            params["token"] = self.site.tokens["csrf"]
            self.requests += 1
            reply = self.site.simple_request(**params).submit()
        except APIError as error:
            code = error.code or ""
            if code == "editconflict":
                return EditResult("conflict", info=error.info)
            if code == "articleexists":
                return EditResult("exists", info=error.info)
            if code == "missingtitle":
                return EditResult("missing", info=error.info)
            if code in _DENIED or code.startswith(("abusefilter", "protected")):
                return EditResult("denied", info=f"{code}: {error.info}")
            return EditResult("error", info=f"{code}: {error.info}")
        except (Error, OSError, ValueError) as error:  # network trouble after Pywikibot's retries
            return EditResult("error", info=f"{type(error).__name__}: {error}")
        outcome = reply.get("edit", {})
        if outcome.get("result") != "Success":
            return EditResult("denied", info=str(outcome)[:300])
        if pywikibot.config.simulate:
            return EditResult("dry", info="simulated")
        self.edits += 1
        return EditResult("saved", int(outcome.get("newrevid") or 0),
                          outcome.get("newtimestamp", ""))
