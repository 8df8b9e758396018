"""Talking to a local wiki the way people and tools do: the action API over HTTP.

Accounts are made with the API's `createaccount` (so the log shows `newusers/create`, as for a real
sign-up), people log in with `clientlogin`, the bot with its bot password through `login`.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass

import requests


class ApiError(RuntimeError):
    """The API answered with an error; `.code` is MediaWiki's error code."""

    def __init__(self, code: str, info: str, reply: dict):
        super().__init__(f"{code}: {info}")
        self.code = code
        self.info = info
        self.reply = reply


@dataclass(frozen=True)
class RequestCounts:
    """Requests counted at the server: API GETs and POSTs, and which of them were edits."""

    get: int
    post: int
    edits: int
    actions: tuple[tuple[str, int], ...]

    @property
    def total(self) -> int:
        return self.get + self.post


def call(session: requests.Session, api: str, method: str = "GET", **params) -> dict:
    """One API request; raises ApiError when the reply has an error."""
    params = {"format": "json", "formatversion": "2", **params}
    if method == "GET":
        reply = session.get(api, params=params, timeout=60)
    else:
        reply = session.post(api, data=params, timeout=60)
    reply.raise_for_status()
    try:
        data = reply.json()
    except ValueError:
        raise ApiError("not-json", f"HTTP {reply.status_code}: {reply.text[:2000]}", {}) from None
    if "error" in data:
        raise ApiError(data["error"].get("code", "?"), data["error"].get("info", ""), data)
    return data


def token(session: requests.Session, api: str, kind: str = "csrf") -> str:
    reply = call(session, api, action="query", meta="tokens", type=kind)
    return reply["query"]["tokens"][f"{kind}token"]


class ClientMixin:
    """API helpers for a wiki with `.api`, `.admin`, `.bot` (mixed into LocalWiki)."""

    api: str
    index: str
    url: str

    def _accounts(self) -> dict:
        if not hasattr(self, "_account_store"):
            self._account_store = {self.admin.name: self.admin, self.bot.name: self.bot}
            self._session_store = {}
        return self._account_store

    def account(self, name: str):
        """The Account for `name` (admin, bot, or one made by create_user)."""
        try:
            return self._accounts()[name]
        except KeyError:
            raise KeyError(f"no password known for {name!r}; make it with create_user") from None

    def anonymous(self) -> requests.Session:
        """A fresh, logged-out session."""
        session = requests.Session()
        session.headers["User-Agent"] = "wikitours-tests/0.1 (local wiki)"
        return session

    def call(self, method: str = "GET", user: str | None = None, **params) -> dict:
        """An API request as `user` (None: logged out)."""
        session = self.session(user) if user else self.anonymous()
        return call(session, self.api, method, **params)

    def create_user(self, name: str, password: str | None = None):
        """Create an account as a newcomer signing up would: API createaccount, logged out."""
        from localwiki.server import Account

        password = password or "Pw-" + secrets.token_hex(10)
        session = self.anonymous()
        reply = call(session, self.api, "POST", action="createaccount", username=name,
                     password=password, retype=password, createreturnurl=self.url + "/",
                     createtoken=token(session, self.api, "createaccount"))
        result = reply["createaccount"]
        if result.get("status") != "PASS":
            raise ApiError(result.get("messagecode", "createaccount-failed"),
                           result.get("message", str(result)), reply)
        account = Account(result.get("username", name), password)
        self._accounts()[account.name] = account
        return account

    def session(self, name: str) -> requests.Session:
        """A requests session logged in as `name` (cached per name)."""
        account = self.account(name)
        if name in self._session_store:
            return self._session_store[name]
        session = self.anonymous()
        if name == self.bot.name:
            reply = call(session, self.api, "POST", action="login", lgname=self.bot.login_name,
                         lgpassword=self.bot.app_password,
                         lgtoken=token(session, self.api, "login"))
            if reply["login"]["result"] != "Success":
                raise ApiError("login", str(reply["login"]), reply)
        else:
            reply = call(session, self.api, "POST", action="clientlogin", username=account.name,
                         password=account.password, loginreturnurl=self.url + "/",
                         logintoken=token(session, self.api, "login"))
            if reply["clientlogin"]["status"] != "PASS":
                raise ApiError("clientlogin", str(reply["clientlogin"]), reply)
        self._session_store[name] = session
        return session

    def edit(self, title: str, text: str, user: str | None = None, summary: str = "",
             **params) -> dict:
        """Save `text` to `title` as `user` (default the admin); returns the API's edit result."""
        name = user or self.admin.name
        session = self.session(name)
        reply = call(session, self.api, "POST", action="edit", title=title, text=text,
                     summary=summary, assertuser=name, token=token(session, self.api), **params)
        if reply["edit"].get("result") != "Success":
            raise ApiError("edit", str(reply["edit"]), reply)
        return reply["edit"]

    def page_info(self, title: str) -> dict:
        """The latest revision of `title` with content, model, user and sha1 (empty if missing)."""
        page = call(self.anonymous(), self.api, action="query", prop="revisions|info",
                    titles=title, rvprop="content|ids|user|timestamp|sha1|comment|contentmodel",
                    rvslots="main")["query"]["pages"][0]
        if page.get("missing") or page.get("invalid"):
            return {}
        revision = page["revisions"][0]
        slot = revision["slots"]["main"]
        return {"title": page["title"], "pageid": page["pageid"], "revid": revision["revid"],
                "user": revision.get("user"), "timestamp": revision["timestamp"],
                "comment": revision.get("comment", ""), "sha1": revision.get("sha1"),
                "contentmodel": slot["contentmodel"], "content": slot.get("content", ""),
                "protection": page.get("protection", [])}

    def wikitext(self, title: str) -> str | None:
        """The current content of `title`, or None when the page does not exist."""
        info = self.page_info(title)
        return info["content"] if info else None

    def history(self, title: str) -> list[dict]:
        """Revisions of `title`, oldest first: revid, user, timestamp, comment, sha1, size."""
        params = {"action": "query", "prop": "revisions", "titles": title, "rvlimit": "max",
                  "rvdir": "newer", "rvprop": "ids|user|timestamp|comment|sha1|size|tags"}
        revisions: list[dict] = []
        session = self.anonymous()
        while True:
            reply = call(session, self.api, **params)
            page = reply["query"]["pages"][0]
            revisions.extend(page.get("revisions", []))
            if "continue" not in reply:
                return revisions
            params.update(reply["continue"])

    def html(self, title: str, **params) -> str:
        """The page as a reader's browser gets it (index.php, full skin HTML)."""
        reply = self.anonymous().get(self.index, params={"title": title, **params}, timeout=60)
        reply.raise_for_status()
        return reply.text

    def logevents(self, **params) -> list[dict]:
        return call(self.anonymous(), self.api, action="query", list="logevents",
                    lelimit="max", **params)["query"]["logevents"]

    def user_rights(self, name: str) -> dict:
        user = call(self.anonymous(), self.api, action="query", list="users", ususers=name,
                    usprop="groups|rights")["query"]["users"][0]
        return {"groups": user.get("groups", []), "rights": user.get("rights", [])}

    # -- counting at the server -------------------------------------------------------------
    def requests_log(self):
        """Alias of request_log(), the name used in docs/contracts.md §8."""
        return self.request_log()

    def log_mark(self) -> int:
        """A position in the request log; pass it to api_counts(since=…)."""
        return len(self.request_log())

    def api_counts(self, since: int = 0) -> RequestCounts:
        """API requests the server answered after `since` (see log_mark)."""
        entries = [e for e in self.request_log()[since:] if e.is_api]
        return RequestCounts(
            get=sum(e.method == "GET" for e in entries),
            post=sum(e.method == "POST" for e in entries),
            edits=sum(e.method == "POST" and e.action == "edit" for e in entries),
            actions=tuple(sorted(Counter(f"{e.method} {e.action}" for e in entries).items())))
