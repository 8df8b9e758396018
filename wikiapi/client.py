"""The bots' only door to the wiki: batched reads and guarded edits through Pywikibot.

Reads are batched so that a run costs a handful of requests however many newcomers it sees:
page texts for up to 50 titles (500 with ``apihighlimits``) per request, user information for
as many users per request, the new-users log in pages of ``max`` entries.

Every edit is *guarded*: a page the bot believes missing is saved with ``createonly`` and a page
it read is saved with ``basetimestamp``/``starttimestamp``, so a page that changed in between
(another bot, a person, a crash-restarted twin) makes the edit fail instead of posting twice.
A failed edit is a value (:class:`EditResult`), never an exception, so one bad page never ends
a run.

**Every request of every bot and of publishing goes through :func:`call`** (and every edit through
:func:`save_page`); ``tests/wikiapi/test_wiki_client.py`` checks that no other module calls
``simple_request`` or ``requests`` against a wiki. :func:`call` keeps Wikimedia's API etiquette in
one place, on top of Pywikibot's ``Request`` (which adds the login, tokens, ``-simulate`` and the
edit throttle):

* ``maxlag=5`` on every request (:data:`MAXLAG`); a ``maxlag`` answer is waited out as the server
  tells (``Retry-After``, the reported lag) by Pywikibot, and asked again by :func:`call` when
  Pywikibot gives up, until :func:`patience` runs out;
* ``ratelimited``: Pywikibot alone waits a few times and then stops with "Maximum retries
  attempted without success" (issue 16: a deploy on 1.43 stopped after 45 edits). Here the answer
  is waited out: ``Retry-After`` when the server sends one, else the account's limit
  (``seconds / hits``, doubling up to the whole window), and the request is sent again; rate limits
  never count as failures, only :func:`patience` bounds them. Edits are also spaced by the limit
  beforehand (:func:`_pace_edit`), so an account without ``noratelimit`` rarely meets it at all;
* transient trouble (network, HTTP 5xx, a timeout of Pywikibot's own retries): tried again
  ``config.max_retries`` times, waiting ``config.retry_wait`` doubling to ``config.retry_max``;
* edits in series: one request at a time per process (no threads send edits);
* a User-Agent with a contact (:func:`configure_user_agent`): the deployment's, from
  ``WIKITOURS_CONTACT`` or Pywikibot's ``user_agent_description``; nothing personal in the repo.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from contracts.mentoreligibility import Revision
from tours import __version__

__all__ = ["Page", "UserInfo", "NewAccount", "EditResult", "Wiki", "chunks", "call", "save_page",
           "WikiCallError", "MAXLAG", "configure_user_agent", "patience"]

#: Wikimedia's API etiquette: non-interactive clients send maxlag=5 with every request.
MAXLAG = 5
#: How long one request may wait for rate limits and lag, in seconds, before it is given up
#: (``WIKITOURS_PATIENCE`` overrides it). An hour: a deploy of hundreds of pages on an account
#: with the default user limit (90 edits a minute) never gets close; a wiki lagging for an hour
#: is down, and the run says so.
DEFAULT_PATIENCE = 3600.0
CONTACT_ENV = "WIKITOURS_CONTACT"


def patience() -> float:
    try:
        return float(os.environ.get("WIKITOURS_PATIENCE", "") or DEFAULT_PATIENCE)
    except ValueError:
        return DEFAULT_PATIENCE


class WikiCallError(Exception):
    """A request that could not be completed (its rate-limit/lag patience or its retries ran out)."""


class _RateLimited(Exception):
    def __init__(self, delay: float, window: float):
        super().__init__("ratelimited")
        self.delay, self.window = delay, window


_REQUEST_CLASS = None


def _request_class():
    """Pywikibot's Request with ``ratelimited`` handed to :func:`call` instead of retried a few
    times and given up (Pywikibot counts those waits against ``max_retries``)."""
    global _REQUEST_CLASS
    if _REQUEST_CLASS is None:
        from pywikibot.data.api import Request  # needs its user-config: imported on use

        class PacedRequest(Request):
            def _ratelimited(self) -> None:
                limit = self.site.ratelimit(self.action)
                raise _RateLimited(float(limit.delay or 0), float(limit.seconds or 0))

        _REQUEST_CLASS = PacedRequest
    return _REQUEST_CLASS


def configure_user_agent(contact: str = "") -> str:
    """Put wikitours and the deployment's contact into Pywikibot's User-Agent.

    *contact* (or ``WIKITOURS_CONTACT``, or an existing ``user_agent_description`` from
    user-config.py) is the operator's address for wiki administrators: it lives in the
    deployment's settings, never in this repository. Returns the description set."""
    from pywikibot import config as pwconfig  # needs its user-config: imported on use

    contact = contact or os.environ.get(CONTACT_ENV, "")
    own = f"wikitours/{__version__}"
    current = pwconfig.user_agent_description or ""
    if own in current and (not contact or contact in current):
        return current
    description = f"{own} ({contact})" if contact else own
    if current and own not in current:
        description = f"{description} {current}"
    pwconfig.user_agent_description = description
    return description


def _sleep(seconds: float) -> None:
    import pywikibot  # needs its user-config: imported on use

    if seconds > 0:
        pywikibot.sleep(seconds)


def call(site, **params) -> dict:
    """Send one API request to *site* with Wikimedia's etiquette (see the module docstring) and
    return its reply. API errors other than rate limits and lag are raised as Pywikibot's
    ``APIError`` for the caller to judge; a request that cannot be completed raises
    :class:`WikiCallError` (or Pywikibot's error of the last try)."""
    import pywikibot  # needs its user-config: imported on use
    from pywikibot import config as pwconfig  # needs its user-config: imported on use
    from pywikibot.exceptions import (APIError, ApiTimeoutError, ClientError, FatalServerError,
                                      MaxlagTimeoutError, ServerError)  # user-config: on use

    configure_user_agent()
    params.setdefault("maxlag", MAXLAG)
    if params.get("action") == "edit":
        _pace_edit(site)
    waited = 0.0
    limited = 0
    failures = 0
    budget = patience()
    while True:
        try:
            reply = _request_class().create_simple(site, **params).submit()
            if params.get("action") == "edit":
                _EDITS[id(site)] = time.monotonic()
            return reply
        except _RateLimited as hit:
            limited += 1
            told = float(getattr(site.throttle, "retry_after", 0) or 0)
            base = max(hit.delay, float(pwconfig.retry_wait or 1))
            delay = base * 2 ** (limited - 1)
            delay = max(told, min(delay, max(hit.window, base)))
            why = f"ratelimited ({params.get('action')})"
        except MaxlagTimeoutError as error:
            # Pywikibot waited as the server told and gave up: keep waiting, within patience.
            limited += 1
            told = float(getattr(site.throttle, "retry_after", 0) or 0)
            delay = max(told, float(pwconfig.retry_wait or 1))
            why = f"maxlag: {error}"
        except APIError as error:
            if error.code in ("readonly", "internal_api_error_DBQueryError") \
                    or error.code.startswith("internal_api_error_DBConnection"):
                failures += 1
                why, delay = f"{error.code}: {error.info}", None
            else:
                raise
        except (ApiTimeoutError, ServerError, ConnectionError, OSError) as error:
            if isinstance(error, (FatalServerError, ClientError)):
                raise
            failures += 1
            why, delay = f"{type(error).__name__}: {error}", None
        if delay is None:
            if failures > int(pwconfig.max_retries):
                raise WikiCallError(f"{params.get('action')}: {why} (tried {failures} times)")
            delay = min(float(pwconfig.retry_wait or 1) * 2 ** (failures - 1),
                        float(pwconfig.retry_max or 120))
        if waited + delay > budget:
            raise WikiCallError(f"{params.get('action')}: {why} (waited {waited:.0f} s)")
        pywikibot.log(f"wikitours: {why}; waiting {delay:.1f} s")
        _sleep(delay)
        waited += delay


#: When each site (by id) last saved an edit, for :func:`_pace_edit`.
_EDITS: dict[int, float] = {}


def _pace_edit(site) -> None:
    """Space edits by the account's edit rate limit (``seconds / hits``) so that a bot without
    ``noratelimit`` stays under it instead of running into it. Accounts exempt from limits (and
    wikis that report none) are not slowed down."""
    try:
        limit = site.ratelimit("edit")
    except Exception:  # noqa: BLE001 - no user info yet: the reactive pacing still holds
        return
    if limit.group in ("noratelimit", "unknown") or not limit.seconds:
        return
    last = _EDITS.get(id(site))
    if last is not None:
        _sleep(float(limit.delay) - (time.monotonic() - last))


def save_page(site, title: str, text: str, summary: str, *, base_revid: int = 0,
              create_only: bool = False, no_create: bool = False, basetimestamp: str = "",
              model: str = "", minor: bool = False, section: str = "",
              sectiontitle: str = "") -> dict:
    """THE edit: save *text* on *title* with *summary* through :func:`call`.

    Flags are chosen here for every caller: the bot flag when the account has it, ``minor`` when
    asked, ``assert=user`` (never edit logged out). *base_revid* / *basetimestamp* /
    *create_only* / *no_create* guard against edit conflicts; an edit conflict, like every
    other API error, is raised as Pywikibot's ``APIError`` for the caller to turn into its value.
    Returns the ``edit`` part of the reply."""
    params: dict = {"action": "edit", "title": title, "text": text, "summary": summary,
                    "assert": "user", "formatversion": 2}
    if site.has_right("bot"):
        params["bot"] = 1
    if base_revid:
        params["baserevid"] = base_revid
    if basetimestamp:
        params["basetimestamp"] = basetimestamp
    if create_only:
        params["createonly"] = 1
    if no_create:
        params["nocreate"] = 1
    if model:
        params["contentmodel"] = model
    params["minor" if minor else "notminor"] = 1
    if section:
        params["section"] = section
    if sectiontitle:
        params["sectiontitle"] = sectiontitle
    params["token"] = site.tokens["csrf"]
    return call(site, **params).get("edit", {})


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
        return call(self.site, action="query", **params)

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

        Returns :class:`contracts.mentoreligibility.Revision` values; a missing page has none.
        """

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
        import pywikibot  # needs its user-config: imported on use

        title = page.title
        if self.dry or pywikibot.config.simulate:
            # -simulate (Pywikibot's dry run) shows the edit, then Pywikibot blocks it
            guard = f"based on revision {page.revid}" if page.exists else "create-only"
            self.out(f"--- dry run: would save [[{title}]] ({guard}) summary: {summary}\n"
                     f"{text}\n--- end of [[{title}]]")
        if self.dry:
            return EditResult("dry")
        from pywikibot.exceptions import APIError, Error  # needs its user-config: imported on use

        try:
            self.requests += 1
            outcome = save_page(self.site, title, text, summary, model=model, minor=minor,
                                base_revid=page.revid if page.exists else 0,
                                no_create=page.exists, create_only=not page.exists)
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
        except (Error, OSError, ValueError, WikiCallError) as error:  # after all retries
            return EditResult("error", info=f"{type(error).__name__}: {error}")
        if outcome.get("result") != "Success":
            return EditResult("denied", info=str(outcome)[:300])
        if pywikibot.config.simulate:
            return EditResult("dry", info="simulated")
        self.edits += 1
        return EditResult("saved", int(outcome.get("newrevid") or 0),
                          outcome.get("newtimestamp", ""))


# -- a site for a command given an API URL and a bot password (``python -m tours push``) ------

def prepare_pywikibot() -> None:
    """Let Pywikibot start in a process that has no Pywikibot setup of its own.

    With ``PYWIKIBOT_DIR`` set (or a user-config.py in the current folder) that setup is used,
    its throttle and retry settings included. Without one, Pywikibot gets a private temporary
    folder and its defaults, instead of refusing to start or writing files into the current
    folder. Must run before the first ``import pywikibot`` of the process."""

    if "pywikibot" in sys.modules or os.environ.get("PYWIKIBOT_DIR") \
            or os.path.exists("user-config.py"):
        return
    folder = tempfile.mkdtemp(prefix="wikitours-pywikibot-")
    with open(os.path.join(folder, "user-config.py"), "w", encoding="utf-8") as handle:
        handle.write("# wikitours: a command run without a Pywikibot setup; Pywikibot's defaults\n")
    os.environ["PYWIKIBOT_DIR"] = folder


def site_for_api(api: str, user: str = "", password: str = ""):
    """A Pywikibot site for the wiki whose ``api.php`` is *api*, logged in as *user* when given.

    *user* is a bot password's login name ``NAME@APP`` (or a plain account name) and *password*
    its password, given by the caller from the environment: they go into a password file of
    mode 600 that only this login reads, and which is removed right after it (Pywikibot reads
    passwords only from such a file)."""

    prepare_pywikibot()
    import pywikibot  # needs its user-config: imported on use
    from pywikibot import config as pwconfig  # needs its user-config: imported on use

    family = "wikitours" + hashlib.sha1(api.encode()).hexdigest()[:10]
    pwconfig.family_files[family] = api
    if not user:
        return pywikibot.Site(family, family)
    name, at, app = user.partition("@")
    pwconfig.usernames[family][family] = name
    secret = f"BotPassword({app!r}, {password!r})" if at else repr(password)
    folder = Path(tempfile.mkdtemp(prefix="wikitours-login-"))
    password_file = folder / "password.py"
    password_file.touch(mode=0o600)
    password_file.write_text(f"({family!r}, {family!r}, {name!r}, {secret})\n", encoding="utf-8")
    saved = pwconfig.password_file
    pwconfig.password_file = str(password_file)
    try:
        site = pywikibot.Site(family, family, user=name)
        site.login()
    finally:
        pwconfig.password_file = saved
        password_file.unlink(missing_ok=True)
        folder.rmdir()
    return site
