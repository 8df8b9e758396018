"""Announce badges that the app issued, with a note on the learner's talk page.

Usage (Pywikibot's global options apply; -simulate prints each edit instead of saving it):

    python -m bot.badges -app:https://TOOL.toolforge.org -wiki:dewiki [-project:…] [-simulate]

The app lists issued badges at ``GET /api/v1/assertions?wiki=<wiki>&since=<cursor>``
(contracts §9). For each one that is not revoked the bot leaves a short congratulation on the
learner's talk page (never the user page) with the marker ``<!-- wikitours:badge id="…" -->``;
a badge whose marker is on the page already is never announced again, so the marker on the wiki
is the state and the cursor only saves re-reading. The feed is treated as untrusted input: an
entry for another wiki, a malformed user name, badge id or URL is skipped with a reason.

Revocations are recorded the same way (``GET /api/v1/revocations?wiki=<wiki>&since=<time>``):
a note on the learner's talk page names the badge, who revoked it and the public reason, with
the marker ``<!-- wikitours:badge-revoked id="<assertion id>" -->``, so the community audits
revocations where it audits awards.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests

from bot import exclusion
from contracts import markers
from contracts.problems import Issue, page_issue
from bot.mentors import is_valid_user, normalize_user
from bot.messages import message, sanitize, user_link, user_text
from wikiapi.client import Wiki
from wikiapi.scriptoptions import parse_options
from bot.state import parse_state, save_state
from tours.messages import output_language
from tours.problemkinds import issue_text
import datetime as dt

__all__ = ["Assertion", "parse_feed", "note_text", "fetch_feed", "BadgeAnnouncer", "main",
           "Revocation", "parse_revocations", "revocation_text"]

_BADGE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_ASSERTION_ID = re.compile(r"^[A-Za-z0-9-]{1,64}$")
_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
#: Revocations are read from a little before the cursor: one committed in the same moment the
#: bot read is not missed (the marker on the page keeps the note single).
REVOCATION_OVERLAP_SECONDS = 600
MAX_FEED_BYTES = 5_000_000
MAX_PAGES = 100


@dataclass(frozen=True)
class Assertion:
    """One issued badge from the feed, checked."""

    id: str
    badge: str
    user: str
    url: str
    revoked: bool = False
    #: The badge's name in the wiki's language (from the feed; the id when it has none).
    name: str = ""
    #: For a badge a person awarded (an attested skill): the assessor's user name.
    awarded_by: str = ""

    @property
    def label(self) -> str:
        """The name to show, made inert as wikitext (the feed is untrusted input)."""
        return sanitize(self.name or self.badge, 120)


def _safe_url(url: object) -> bool:
    if not isinstance(url, str) or len(url) > 500 or re.search(r"[\s\[\]<>\"'{}|]", url):
        return False
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _entry_problem(entry: object, where: str, wiki_id: str,
                   needs_id: bool = False) -> Issue | None:
    """Why an entry of either feed (assertions, revocations) cannot be used: not an object,
    for another wiki, (*needs_id*: a revocation names its assertion) or its badge id, user
    name or badge page URL, checked the same way in both; None when it is fine. *where* is
    the entry's place in the feed (``assertions[3]``): the operator's log names it instead of
    a page."""
    if not isinstance(entry, dict):
        return page_issue(where, "wikitours-problem-feed-not-object")
    if entry.get("wiki") != wiki_id:
        # made inert (no line breaks or control characters in the log; the feed is untrusted)
        return page_issue(where, "wikitours-problem-feed-other-wiki",
                          sanitize(str(entry.get("wiki")), 40), wiki_id)
    uid = entry.get("id")
    if needs_id and (not isinstance(uid, str) or not _ASSERTION_ID.match(uid)):
        return page_issue(where, "wikitours-problem-feed-assertion-id")
    badge, user = entry.get("badge"), entry.get("user")
    if not isinstance(badge, str) or not _BADGE_ID.match(badge):
        return page_issue(where, "wikitours-problem-feed-badge-id")
    if not isinstance(user, str) or not is_valid_user(normalize_user(user)):
        return page_issue(where, "wikitours-problem-feed-user-name")
    if not _safe_url(entry.get("url")):
        return page_issue(where, "wikitours-problem-feed-url")
    return None


def parse_feed(data: object, wiki_id: str) -> tuple[list[Assertion], str | None, list[Issue]]:
    """The usable assertions, the ``next`` cursor and a problem for each entry left out."""
    if not isinstance(data, dict) or not isinstance(data.get("assertions"), list):
        return [], None, [page_issue("assertions", "wikitours-problem-feed-shape", "assertions")]
    cursor = data.get("next")
    cursor = str(cursor) if isinstance(cursor, (str, int)) and len(str(cursor)) <= 200 else None
    out, problems = [], []
    for index, entry in enumerate(data["assertions"]):
        wrong = _entry_problem(entry, f"assertions[{index}]", wiki_id)
        if wrong:
            problems.append(wrong)
            continue
        badge, user = entry["badge"], entry["user"]
        name, assessor = entry.get("name"), entry.get("awardedBy")
        assessor = normalize_user(assessor) if isinstance(assessor, str) else ""
        out.append(Assertion(str(entry.get("id", ""))[:100], badge, normalize_user(user),
                             entry["url"], entry.get("revoked") is True,
                             name.strip()[:200] if isinstance(name, str) else "",
                             assessor if is_valid_user(assessor) else ""))
    return out, cursor, problems


@dataclass(frozen=True)
class Revocation:
    """One revoked badge from the app's revocations feed, checked."""

    id: str
    badge: str
    user: str
    url: str
    reason: str = ""
    revoked_by: str = ""
    name: str = ""

    @property
    def label(self) -> str:
        return sanitize(self.name or self.badge, 120)


def parse_revocations(data: object, wiki_id: str) -> tuple[list[Revocation], str | None,
                                                            list[Issue]]:
    """The usable revocations, the ``next`` cursor (an ISO time) and a problem for each left out."""
    if not isinstance(data, dict) or not isinstance(data.get("revocations"), list):
        return [], None, [page_issue("revocations", "wikitours-problem-feed-shape",
                                     "revocations")]
    cursor = data.get("next")
    cursor = cursor if isinstance(cursor, str) and _TIME.match(cursor) else None
    out, problems = [], []
    for index, entry in enumerate(data["revocations"]):
        wrong = _entry_problem(entry, f"revocations[{index}]", wiki_id, needs_id=True)
        if wrong:
            problems.append(wrong)
            continue
        badge, user = entry["badge"], entry["user"]
        reason, by, name = entry.get("reason"), entry.get("revokedBy"), entry.get("name")
        by = normalize_user(by) if isinstance(by, str) else ""
        out.append(Revocation(entry["id"], badge, normalize_user(user), entry["url"],
                              reason[:255] if isinstance(reason, str) else "",
                              by if is_valid_user(by) else "",
                              name.strip()[:200] if isinstance(name, str) else ""))
    return out, cursor, problems


def revocation_text(items: Sequence[Revocation], lang: str, help_prefix: str) -> str:
    """One section per revoked badge, each with its marker: the on-wiki record of a revocation."""
    sections = []
    for item in items:
        badge_page = f"[[{help_prefix}/Badges/{item.badge}|{item.label}]]"
        link = f"[{item.url} {message('wikitours-bot-badge-revoked-link', lang)}]"
        who = user_link(item.revoked_by) if item.revoked_by else \
            message("wikitours-bot-badge-revoked-someone", lang)
        reason = sanitize(item.reason, 255) or message("wikitours-bot-badge-revoked-no-reason",
                                                       lang)
        sections.append("\n".join([
            f"== {message('wikitours-bot-badge-revoked-heading', lang)} ==",
            markers.render("badge-revoked", id=item.id),
            message("wikitours-bot-badge-revoked-text", lang, user_text(item.user), badge_page,
                    who, reason, link)
            + " ~~~~"]))
    return "\n\n".join(sections)


def note_text(assertions: Sequence[Assertion], lang: str, help_prefix: str) -> str:
    """One section per badge, each with its marker."""
    sections = []
    for item in assertions:
        badge_page = f"[[{help_prefix}/Badges/{item.badge}|{item.label}]]"
        link = f"[{item.url} {message('wikitours-bot-badge-link', lang)}]"
        if item.awarded_by:  # the on-wiki record of who vouched for a skill
            text = message("wikitours-bot-badge-text-attested", lang, user_text(item.user),
                           badge_page, link, user_link(item.awarded_by))
        else:
            text = message("wikitours-bot-badge-text", lang, user_text(item.user), badge_page, link)
        sections.append("\n".join([
            f"== {message('wikitours-bot-badge-heading', lang)} ==",
            markers.render("badge", id=item.badge), text + " ~~~~"]))
    return "\n\n".join(sections)


def fetch_feed(app_url: str, wiki_id: str, since: str, session: requests.Session,
               log: Callable[[str], None], lang: str = ""
               ) -> Iterator[tuple[list[Assertion], str]]:
    """Pages of the app's feed from *since*, each with the cursor after it. Entries left out
    are logged in *lang*, the operator's language (:func:`tours.messages.output_language`
    when not given), not the wiki's: the log is read by whoever runs the bot."""
    lang = lang or output_language()
    endpoint = app_url.rstrip("/") + "/api/v1/assertions"
    for _ in range(MAX_PAGES):
        params = {"wiki": wiki_id}
        if since:
            params["since"] = since
        with session.get(endpoint, params=params, timeout=30, stream=True) as reply:
            body = reply.raw.read(MAX_FEED_BYTES + 1, decode_content=True)
        if reply.status_code != 200:
            log(f"badge feed answered HTTP {reply.status_code}; trying again next run")
            return
        if len(body) > MAX_FEED_BYTES:
            log(f"badge feed page larger than {MAX_FEED_BYTES} bytes; ignored")
            return
        try:
            data = json.loads(body)
        except ValueError:
            log("badge feed is not JSON; trying again next run")
            return
        items, cursor, problems = parse_feed(data, wiki_id)
        for problem in problems:
            log(issue_text(problem, lang))
        if cursor is None:
            log("badge feed has no usable next cursor; stopping")
            return
        if not data["assertions"] or cursor == since:
            if items:
                yield items, cursor
            return
        yield items, cursor
        since = cursor


@dataclass(frozen=True)
class NoteOutcome:
    """What became of one talk-page note: ``saved``, ``nothing`` (all there already),
    ``excluded`` ({{bots}}), ``paused`` (stop page), ``denied``, ``failed`` or ``busy`` (the
    page kept changing). *items* are the entries the note was (or would have been) about."""
    kind: str
    items: list = field(default_factory=list)
    info: str = ""

    @property
    def final(self) -> bool:
        """Whether the run may move its cursor past these entries (False: try again)."""
        return self.kind not in ("paused", "failed", "busy")


@dataclass
class BadgeReport:
    announced: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    #: Revocations recorded on the wiki: (user, badge).
    revoked: list[tuple[str, str]] = field(default_factory=list)


class BadgeAnnouncer:
    """One pass over the feed: announce, then save the cursor when nothing is left pending."""

    def __init__(self, wiki: Wiki, app_url: str, wiki_id: str, *, state_title: str,
                 help_prefix: str = "Help:Wikitours", language: str = "",
                 log: Callable[[str], None] | None = None,
                 may_edit: Callable[[], bool] = lambda: True,
                 session: requests.Session | None = None):
        self.wiki = wiki
        self.app_url = app_url
        self.wiki_id = wiki_id
        self.state_title = state_title
        self.help_prefix = help_prefix
        self.lang = language or wiki.siteinfo_language()
        self.log = log or (lambda line: print(line, flush=True))
        self.may_edit = may_edit
        self.session = session or requests.Session()
        self.session.headers.setdefault(
            "User-Agent", "wikitours-bot/0.1 (badge announcer; operator: see the bot's user page)")
        self.report = BadgeReport()

    def run(self) -> BadgeReport:
        state_page = self.wiki.read([self.state_title])[self.state_title]
        since = parse_state(state_page.text).assertions
        saved_cursor = since
        try:
            for items, cursor in fetch_feed(self.app_url, self.wiki_id, since, self.session,
                                            self.log):
                if not self._announce(items):
                    break  # something to retry: keep the cursor before this page
                saved_cursor = cursor
        except requests.RequestException as error:
            self.log(f"badge feed unreachable: {type(error).__name__}; trying again next run")
        changes = {"assertions": saved_cursor} if saved_cursor != since else {}
        revoked_since = parse_state(state_page.text).revocations
        try:
            revoked_cursor = self._record_revocations(revoked_since)
        except requests.RequestException as error:
            self.log(f"revocations feed unreachable: {type(error).__name__}; "
                     "trying again next run")
            revoked_cursor = revoked_since
        if revoked_cursor != revoked_since:
            changes["revocations"] = revoked_cursor
        if changes:
            save_state(self.wiki, self.state_title, state_page, changes,
                       lambda state: message("wikitours-bot-summary-state", self.lang,
                                             state.timestamp or "-"), self.log)
        self.log(f"badges: {len(self.report.announced)} announced, "
                 f"{len(self.report.skipped)} skipped, {len(self.report.failed)} failed")
        return self.report

    def _record_revocations(self, since: str) -> str:
        """Write each new revocation on its learner's talk page; the cursor to keep."""
        try:
            moment = dt.datetime.strptime(since, "%Y-%m-%dT%H:%M:%SZ") - dt.timedelta(
                seconds=REVOCATION_OVERLAP_SECONDS)
            start = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        except (ValueError, OverflowError):
            since = start = ""  # no or a broken cursor: read them all (the markers dedupe)
        endpoint = self.app_url.rstrip("/") + "/api/v1/revocations"
        params = {"wiki": self.wiki_id, **({"since": start} if start else {})}
        with self.session.get(endpoint, params=params, timeout=30, stream=True) as reply:
            body = reply.raw.read(MAX_FEED_BYTES + 1, decode_content=True)
        if reply.status_code != 200 or len(body) > MAX_FEED_BYTES:
            self.log(f"revocations feed answered HTTP {reply.status_code}; trying again next run")
            return since
        try:
            items, cursor, problems = parse_revocations(json.loads(body), self.wiki_id)
        except ValueError:
            self.log("revocations feed is not JSON; trying again next run")
            return since
        operator = output_language()
        for problem in problems:
            self.log(issue_text(problem, operator))
        if cursor is None:
            return since
        by_user: dict[str, list[Revocation]] = {}
        for item in items:
            by_user.setdefault(item.user, []).append(item)
        if not by_user:
            return max(cursor, since)
        users = self.wiki.users(by_user)
        talk = self.wiki.read(f"User talk:{name}" for name in by_user)
        for name, wanted in by_user.items():
            info = users.get(name)
            if info is None or not info.exists:
                continue
            if not self._record_on(talk[f"User talk:{name}"], wanted):
                return since  # something to retry: read these again next run
        return max(cursor, since)

    def _record_on(self, page, wanted: Sequence[Revocation]) -> bool:
        """Append the notes of *wanted* not yet on *page*; False when it should be retried."""
        who = sanitize(wanted[0].user, 80)
        outcome = self._append_note(
            page,
            lambda text: [item for item in wanted if item.id not in
                          {m.get("id") for m in markers.find(text, "badge-revoked")}],
            lambda todo: revocation_text(todo, self.lang, self.help_prefix),
            "wikitours-bot-summary-badge-revoked")
        if outcome.kind == "saved":
            for item in outcome.items:
                self.report.revoked.append((item.user, item.badge))
                self.log(f"revocation of {item.badge} for {who}: recorded")
        elif outcome.kind == "excluded":
            self.log(f"revocation for {who}: skipped, excluded-by {outcome.info}")
        elif outcome.kind == "denied":
            self.log(f"revocation for {who}: edit-denied")
        elif outcome.kind == "failed":
            self.report.failed.append((wanted[0].user, outcome.info))
        return outcome.final

    def _append_note(self, page, pending: Callable[[str], list],
                     render: Callable[[list], str], summary_key: str) -> "NoteOutcome":
        """Append the note for whatever *pending* finds missing on *page*, in one edit.

        The one loop behind both talk-page notes (badges announced, revocations recorded): what is
        pending is read from the page's markers on every attempt, so a note that another run saved
        meanwhile is never written twice; {{bots}}/{{nobots}} and the stop page are honoured; an
        edit conflict re-reads the page and tries again (three attempts)."""
        for _ in range(3):
            todo = pending(page.text)
            if not todo:
                return NoteOutcome("nothing")
            allowed = exclusion.check(page.text, self.wiki.user_name, message_type="badge")
            if not allowed.allowed:
                return NoteOutcome("excluded", todo, allowed.reason)
            if not self.may_edit():
                return NoteOutcome("paused", todo)
            note = render(todo)
            text = (page.text.rstrip() + "\n\n" + note + "\n") if page.text.strip() \
                else note + "\n"
            summary = message(summary_key, self.lang, ", ".join(item.label for item in todo))
            result = self.wiki.save(page, text, summary)
            if result.ok:
                return NoteOutcome("saved", todo)
            if result.status in ("conflict", "exists", "missing"):
                page = self.wiki.read([page.title])[page.title]
                continue
            if result.status == "denied":
                return NoteOutcome("denied", todo, result.info)
            return NoteOutcome("failed", todo, result.info)
        return NoteOutcome("busy")

    def _skip(self, item: Assertion, reason: str) -> None:
        self.report.skipped.append((item.user, item.badge, reason))
        self.log(f"badge {item.badge} for {sanitize(item.user, 80)}: skipped, {reason}")

    def _announce(self, items: Sequence[Assertion]) -> bool:
        """Announce one page of the feed; False when something should be tried again."""
        by_user: dict[str, list[Assertion]] = {}
        for item in items:
            if item.revoked:
                self._skip(item, "revoked")
                continue
            by_user.setdefault(item.user, [])
            if all(other.badge != item.badge for other in by_user[item.user]):
                by_user[item.user].append(item)
        if not by_user:
            return True
        users = self.wiki.users(by_user)
        talk = self.wiki.read(f"User talk:{name}" for name in by_user)
        complete = True
        for name, wanted in by_user.items():
            info = users.get(name)
            if info is None or not info.exists:
                for item in wanted:
                    self._skip(item, "no such user on this wiki")
                continue
            page = talk[f"User talk:{name}"]
            for item in wanted:
                if item.badge in markers.badges(page.text):
                    self._skip(item, "already announced")
            outcome = self._append_note(
                page,
                lambda text, wanted=wanted: [item for item in wanted
                                             if item.badge not in markers.badges(text)],
                lambda todo: note_text(todo, self.lang, self.help_prefix),
                "wikitours-bot-summary-badge")
            if outcome.kind == "saved":
                for item in outcome.items:
                    self.report.announced.append((name, item.badge))
                    self.log(f"badge {item.badge} for {sanitize(name, 80)}: announced")
            elif outcome.kind == "excluded":
                for item in outcome.items:
                    self._skip(item, f"excluded-by {outcome.info}")
            elif outcome.kind == "denied":
                for item in outcome.items:
                    self._skip(item, f"edit-denied: {outcome.info}")
            elif outcome.kind == "paused":
                return False
            elif outcome.kind == "failed":
                self.report.failed.append((name, outcome.info))
                complete = False
            elif outcome.kind == "busy":
                self.log(f"badges for {sanitize(name, 80)}: talk page kept changing; "
                         "trying again next run")
                complete = False
        return complete


#: The script's options (wikiapi/scriptoptions.py); Pywikibot's global ones (-simulate…) come on top.
OPTIONS = {"app": "", "wiki": "", "project": "Project:Wikitours", "help-prefix": "Help:Wikitours",
           "language": ""}


def main(*args: str) -> int:
    import pywikibot  # needs its user-config: imported on use

    parsed = parse_options(__doc__, args, OPTIONS)
    if parsed.exit is not None:
        return parsed.exit
    options = parsed.values
    if not options["app"] or not options["wiki"]:
        pywikibot.bot.suggest_help(missing_parameters=["-app:URL", "-wiki:ID"])
        return 2
    site = pywikibot.Site()
    site.login()
    announcer = BadgeAnnouncer(Wiki(site), options["app"], options["wiki"],
                               state_title=f"{options['project']}/Bot/State.json",
                               help_prefix=options["help-prefix"], language=options["language"],
                               log=pywikibot.info)
    report = announcer.run()
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
