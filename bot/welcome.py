"""Welcome new accounts and give each a mentor (wikitours bot).

Usage (Pywikibot's global options such as -simulate, -family, -lang, -user also apply):

    python -m bot.welcome [-simulate] [-since:2026-11-25T00:00:00Z] [-limit:N] [-seed:N]
                          [-project:Project:Wikitours] [-template:Template:Wikitours welcome]
                          [-welcome-existing] [-no-autocreated] [-resume] [-setup]

For each account in the new-users log since the last run, the bot

1. skips it, with the reason in the log, when the account is blocked (site-wide), is a bot, is
   the bot itself or a mentor, already carries the wikitours welcome marker, has a talk page
   that excludes bots ({{nobots}}, {{bots|deny=…}}, optout=welcome), or already has a talk page
   at all (someone talked to them already: a second greeting would be noise; -welcome-existing
   posts below it instead);
2. picks a mentor from Project:Wikitours/Mentors.json (see bot.mentors);
3. creates the talk page with the community's welcome template, substituted, preceded by the
   marker <!-- wikitours:welcome mentor="NAME" --> (create-only: if the page appeared meanwhile,
   nothing is posted);
4. records the assignment in Project:Wikitours/Mentees/<Mentor>.json, tells mentors (see
   bot.digest), moves mentees of mentors who left the list or are away, and saves its reading
   position in Project:Wikitours/Bot/State.json.

Editing Project:Wikitours/Bot/Stop halts the bot until an operator runs it with -resume.
-setup creates Template:Wikitours welcome (only when missing) from bot/welcome-template.wiki in
the wiki's language. -simulate (Pywikibot's dry run) prints every edit instead of saving it.

Before running this bot on a Wikimedia wiki, get the community's consent and a bot flag
through the wiki's bot approval process.
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import mwparserfromhell

from bot import exclusion
from contracts import markers, mentoreligibility
from bot.digest import notify_mentors
from bot.experiments import Trial
from bot.mentors import (ACTIVE_DAYS, Mentee, Mentor, choose, is_valid_user, loads,
                         normalize_user, parse_mentor_list, plan_reassignments)
from bot.mentorstatus import render_status
from bot.messages import message, sanitize, user_link, user_text
from wikiapi.client import NewAccount, Page, UserInfo, Wiki, chunks
from bot.records import Records
from bot.state import State, parse_state, save_state
from wikiapi.scripthelp import help_requested
from wikiapi.scriptoptions import read_options
from tours.languages import fallback_chain
from contracts.liveversion import LOADER_TITLE, gadget_titles, parse_pointer

__all__ = ["Config", "Decision", "decide", "babel_languages", "welcome_text", "tour_links",
           "default_template", "Report", "WelcomeBot", "main"]

TEMPLATE_FILE = Path(__file__).resolve().parent / "welcome-template.wiki"


@dataclass(frozen=True)
class Config:
    """What an operator can set; the defaults are what a Wikimedia wiki would use."""

    project: str = "Project:Wikitours"
    template: str = "Template:Wikitours welcome"
    help_prefix: str = "Help:Wikitours"
    language: str = ""
    since: str = ""
    first_run_days: int = 1
    limit: int = 5000
    batch: int = 50
    active_days: int = ACTIVE_DAYS
    welcome_existing: bool = False
    autocreated: bool = True
    seed: int | None = None
    stop_check_every: int = 10

    @property
    def mentors_title(self) -> str:
        return f"{self.project}/Mentors.json"

    @property
    def records_prefix(self) -> str:
        return f"{self.project}/Mentees/"

    @property
    def state_title(self) -> str:
        return f"{self.project}/Bot/State.json"

    @property
    def stop_title(self) -> str:
        return f"{self.project}/Bot/Stop"

    @property
    def experiments_title(self) -> str:
        return f"{self.project}/Experiments.json"

    @property
    def mentor_settings_title(self) -> str:
        return mentoreligibility.settings_title(self.mentors_title)

    @property
    def mentor_status_title(self) -> str:
        return mentoreligibility.status_title(self.mentors_title)


# -- pure decisions --------------------------------------------------------------------------

@dataclass(frozen=True)
class Decision:
    """*action* is ``welcome``, ``skip`` or ``repair`` (already welcomed by wikitours: only
    make sure the record says so); *reason* explains a skip; *mentor* names the marker's."""

    action: str
    reason: str = ""
    mentor: str = ""


def decide(account: NewAccount, info: UserInfo | None, talk: Page, bot_user: str,
           mentor_names: set[str], config: Config) -> Decision:
    """Whether to welcome *account*, from what the wiki shows (no I/O)."""
    name = account.user
    if not is_valid_user(name):
        return Decision("skip", "invalid-name")
    if info is None or not info.exists:
        return Decision("skip", "account-not-found")
    if info.blocked and not info.block_partial:
        return Decision("skip", "blocked")
    if "bot" in info.groups:
        return Decision("skip", "bot")
    if name == normalize_user(bot_user):
        return Decision("skip", "is-this-bot")
    if name in mentor_names:
        return Decision("skip", "is-a-mentor")
    if account.action == "autocreate" and not config.autocreated:
        return Decision("skip", "autocreated")
    if talk.invalid:
        return Decision("skip", "invalid-talk-page")
    mentor = markers.welcome_mentor(talk.text)
    if mentor is not None:
        return Decision("repair", "already-welcomed", mentor)
    allowed = exclusion.check(talk.text, bot_user, message_type="welcome")
    if not allowed.allowed:
        return Decision("skip", f"excluded-by {allowed.reason}")
    if talk.exists and not config.welcome_existing:
        return Decision("skip", "talk-page-exists")
    return Decision("welcome")


_BABEL_CODE = re.compile(r"^([a-z]{2,3}(?:-[a-z0-9]{2,8})*?)(?:-([0-5nN]))?$", re.I)


def babel_languages(user_page: str) -> tuple[str, ...]:
    """Languages a user lists on their user page with Babel boxes, best known first.

    Reads ``{{#babel:de|en-2}}``, ``{{Babel|de|en-2}}`` and ``{{User de-N}}``; native (no level
    or ``-N``) comes before levels 5…0.
    """
    if not user_page:
        return ()
    found: list[tuple[int, int, str]] = []
    try:
        templates = mwparserfromhell.parse(user_page).filter_templates(recursive=True)
    except Exception:  # noqa: BLE001 - a broken user page only means "unknown"
        return ()
    order = 0
    for template in templates:
        name = str(template.name).strip()
        codes: list[str] = []
        if name.lower().startswith("#babel:"):
            codes = [name.split(":", 1)[1]] + [str(p.value) for p in template.params
                                               if not p.showkey]
        elif name.lower() == "babel":
            codes = [str(p.value) for p in template.params if not p.showkey]
        elif name.lower().startswith("user ") and len(name) < 20:
            codes = [name[5:]]
        for code in codes:
            match = _BABEL_CODE.match(code.strip())
            if not match:
                continue
            level = match.group(2)
            rank = 6 if level in (None, "n", "N") else int(level)
            if rank == 0:
                continue
            found.append((-rank, order, match.group(1).lower()))
            order += 1
    seen: list[str] = []
    for _, _, code in sorted(found):
        if code not in seen:
            seen.append(code)
    return tuple(seen)


_START_PAGES = {"sandbox": "Special:MyPage/sandbox", "user-page": "Special:MyPage",
                "user-talk": "Special:MyTalk", "any": "Special:MyPage/sandbox"}


def tour_links(index_text: str, tour_pages: dict[str, str], message_pages: dict[str, str],
               chain: Sequence[str]) -> list[tuple[str, str, str]]:
    """Starter tours as ``(id, start page, title)`` from the deployed gadget data.

    Starter tours are the index's ``newcomer`` tours that require no other tour. *tour_pages*
    maps a tour id to ``MediaWiki:Wikitours/tours/<id>.json`` text (contracts §4);
    *message_pages* maps ``<id>/<lang>`` to ``MediaWiki:Wikitours/messages/<id>/<lang>.json``
    text. Anything malformed is left out rather than guessed.
    """
    try:
        index = json.loads(index_text) if index_text else {}
        tours = index.get("tours", {}) if isinstance(index, dict) else {}
    except ValueError:
        return []
    out = []
    for tour_id, entry in tours.items() if isinstance(tours, dict) else []:
        if not isinstance(entry, dict) or entry.get("audience", "newcomer") != "newcomer":
            continue
        if not re.match(r"^[a-z0-9][a-z0-9-]{0,63}$", str(tour_id)):
            continue
        try:
            data = json.loads(tour_pages.get(tour_id) or "{}")
        except ValueError:
            continue
        if not isinstance(data, dict) or data.get("requires") or not data.get("steps"):
            continue
        step = data["steps"][0] if isinstance(data["steps"], list) else {}
        page = step.get("page", {}) if isinstance(step, dict) else {}
        kind = page.get("kind", "any") if isinstance(page, dict) else "any"
        start = page.get("title", "") if kind in ("title", "special") else _START_PAGES.get(kind)
        if not start or any(c in start for c in "[]{}|<>#"):
            continue
        title = ""
        for lang in (*chain, str(data.get("sourceLanguage", "en"))):
            try:
                texts = json.loads(message_pages.get(f"{tour_id}/{lang}") or "{}")
            except ValueError:
                continue
            if not isinstance(texts, dict):
                continue
            value = texts.get(f"wikitours-tour-{tour_id}-title")
            if isinstance(value, str) and value.strip():
                title = value
                break
        out.append((tour_id, start, title or tour_id))
    return out


def render_tour_links(links: Sequence[tuple[str, str, str]]) -> str:
    """Wikitext list of links that start each tour.

    The link carries the tour twice: ``?wikitour=<id>`` for pages that keep their query, and
    ``#wikitour=<id>`` because ``Special:MyPage`` redirects drop the query but browsers keep the
    fragment across a redirect; the gadget's loader reads either.
    """
    return "\n".join(f"* [{{{{fullurl:{start}|wikitour={tour_id}}}}}#wikitour={tour_id} "
                     f"{sanitize(title, 120)}]"
                     for tour_id, start, title in links)


def welcome_text(user: str, mentor: Mentor, lang: str, template: str, tours: str,
                 marker: dict[str, str] | None = None, ask_tour: bool = False) -> str:
    """The whole post: heading, marker, the substituted template call, signature.

    *marker* adds attributes to the welcome marker (an experiment arm, see bot.experiments).
    *ask_tour*: the "ask your mentor" link also starts ask-mentor (``ask=`` parameter, see
    :data:`ASK_MENTOR_QUERY`); only when the newcomer's tour links include ask-mentor, so an
    experiment arm without tour links gets none there either.
    """
    name = template.split(":", 1)[1] if template.lower().startswith("template:") else template
    params = [f"user={user_text(user)}", f"mentor={user_text(mentor.username)}"]
    if mentor.intro:
        params.append(f"intro={sanitize(mentor.intro)}")
    if tours:
        params.append(f"tours=\n{tours}\n")
    if ask_tour:
        params.append(f"ask={ASK_MENTOR_QUERY}")
    return "\n".join([
        f"== {message('wikitours-bot-welcome-heading', lang)} ==",
        markers.render("welcome", mentor=mentor.username, **(marker or {})),
        "{{subst:" + name + "|" + "|".join(params) + "}} ~~~~"])


#: Where the welcome's "Ask your mentor" link takes a newcomer: the mentor's new topic form.
#: MediaWiki 1.43's DiscussionTools serves ``action=edit&section=new`` as its "Add topic" tool
#: (on by default); a wiki without it shows the classic form. The link also starts ask-mentor
#: at its "Start a new topic" step (``wikitourstep``, gadget/README.md), whose next steps fit
#: both: the tour goes on from the link instead of sending the reader back to their own talk page.
#: The template takes it as its ``ask`` parameter, so the bot leaves the tour out where the
#: newcomer's welcome links no tours (an experiment arm); without it the link is the plain form.
ASK_MENTOR_QUERY = "action=edit&section=new&wikitour=ask-mentor&wikitourstep=new-topic"
ASK_PLAIN_QUERY = "action=edit&section=new"


def default_template(lang: str, help_prefix: str = "Help:Wikitours") -> str:
    """The starting text of the welcome template, in *lang*, from welcome-template.wiki."""
    skeleton = TEMPLATE_FILE.read_text(encoding="utf-8")
    mentor_link = "[[User:{{{mentor}}}|{{{mentor}}}]]"
    ask = message("wikitours-bot-template-ask", lang, "{{{mentor}}}")
    values = {
        "doc": message("wikitours-bot-template-doc", lang),
        "greeting": message("wikitours-bot-template-greeting", lang, "{{{user|}}}"),
        "mentor": message("wikitours-bot-template-mentor", lang, mentor_link, "{{{intro|}}}"),
        "tours-intro": message("wikitours-bot-template-tours", lang),
        "catalogue": f"[[{help_prefix}|{message('wikitours-bot-template-catalogue', lang)}]]",
        "question": message("wikitours-bot-template-question", lang,
                            "[{{fullurl:User talk:{{{mentor}}}|{{{ask|" + ASK_PLAIN_QUERY + "}}}}} "
                            + ask + "]"),
    }
    return re.sub(r"@([a-z-]+)@", lambda m: values.get(m.group(1), m.group(0)), skeleton)


# -- the run ---------------------------------------------------------------------------------

@dataclass
class Report:
    """What one run did; printed at the end and used by tests."""

    welcomed: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    reassigned: list[tuple[str, str, str]] = field(default_factory=list)
    mentor_messages: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    halted: str = ""
    problems: list[str] = field(default_factory=list)
    #: True when some new accounts are still pending (a failure, no usable mentor): the
    #: reading position stayed before them, and the next pass must read the log again.
    held: bool = False


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _append(old: str, section: str) -> str:
    return (old.rstrip() + "\n\n" + section + "\n") if old.strip() else section + "\n"


class Halted(Exception):
    """The stop page was edited: no further edit in this run."""


class WelcomeBot:
    """One run of welcoming, reassigning and telling mentors, on one wiki."""

    def __init__(self, wiki: Wiki, config: Config = Config(),
                 log: Callable[[str], None] | None = None, now: datetime | None = None):
        self.wiki = wiki
        self.config = config
        self.log = log or (lambda line: print(line, flush=True))
        self.now = now or datetime.now(timezone.utc)
        self.lang = config.language or wiki.siteinfo_language()
        self.rng = random.Random(config.seed)
        self.report = Report()
        self.state = State()
        self.state_page = Page(config.state_title)
        self.stop_revid = 0
        self.edits_since_check = 0
        self.records = Records(wiki, config.records_prefix, self.log)
        self.mentors: tuple[Mentor, ...] = ()
        self.trial = Trial()  # the run's experiments (read from the wiki in _run)
        self.links: list[tuple[str, str, str]] = []
        self.status_page = Page("")
        self.assessment: mentoreligibility.Assessment | None = None

    # -- the emergency stop --
    def _check_stop(self, page: Page) -> None:
        if page.revid != self.stop_revid:
            self.report.halted = (f"[[{self.config.stop_title}]] was edited by {page.user} at "
                                  f"{page.timestamp}; read it, then run with -resume")
            raise Halted(self.report.halted)

    def may_edit(self) -> bool:
        """Asked before each edit: re-reads the stop page every few edits."""
        if self.report.halted:
            return False
        self.edits_since_check += 1
        if self.edits_since_check >= self.config.stop_check_every:
            self.edits_since_check = 0
            try:
                self._check_stop(self.wiki.read([self.config.stop_title])[self.config.stop_title])
            except Halted:
                self.log(f"HALTED: {self.report.halted}")
                return False
        return True

    # -- setup --
    def setup(self) -> bool:
        """Create the welcome template (and an empty mentor list) only where missing."""
        pages = self.wiki.read([self.config.template, self.config.mentors_title])
        summary = message("wikitours-bot-summary-setup", self.lang)
        done = True
        template = pages[self.config.template]
        if template.exists:
            self.log(f"setup: [[{template.title}]] exists; left as the community wrote it")
        else:
            result = self.wiki.save(template, default_template(self.lang, self.config.help_prefix),
                                    summary)
            self.log(f"setup: [[{template.title}]]: {result.status} {result.info}")
            done = done and (result.ok or result.status == "exists")
        mentors = pages[self.config.mentors_title]
        if not mentors.exists:
            result = self.wiki.save(mentors, '{"mentors": []}\n', summary, model="json")
            self.log(f"setup: [[{mentors.title}]]: {result.status} {result.info}")
        return done

    def resume(self) -> None:
        """Acknowledge the stop page as it is now, so the next run goes ahead."""
        pages = self.wiki.read([self.config.stop_title, self.config.state_title])
        self.state_page = pages[self.config.state_title]
        revid = pages[self.config.stop_title].revid
        self._save_state(stop_revid=revid)
        self.log(f"resumed: stop page revision {revid} acknowledged")

    # -- one run --
    def run(self, accounts: Sequence[NewAccount] | None = None) -> Report:
        """Welcome the new accounts since the last run (or exactly *accounts*, e.g. from
        EventStreams), then reassign, tell mentors and save records and the position."""
        try:
            self._run(accounts)
        except Halted:
            self.log(f"HALTED: {self.report.halted}")
        self.log(f"run done: {len(self.report.welcomed)} welcomed, "
                 f"{len(self.report.skipped)} skipped, {len(self.report.reassigned)} reassigned, "
                 f"{self.report.mentor_messages} mentor messages, "
                 f"{len(self.report.failed)} failed; {self.wiki.requests} API requests")
        return self.report

    def _run(self, accounts: Sequence[NewAccount] | None) -> None:
        config = self.config
        pages = self.wiki.read([config.mentors_title, config.template, config.stop_title,
                                config.state_title, config.experiments_title,
                                config.mentor_status_title])
        self.status_page = pages[config.mentor_status_title]
        self.state_page = pages[config.state_title]
        self.state = parse_state(self.state_page.text)
        stop = pages[config.stop_title]
        changes: dict = {}
        if self.state.stop_revid is None:  # the first run acknowledges the stop page as it is
            self.state = replace(self.state, stop_revid=stop.revid)
            changes["stop_revid"] = stop.revid
        self.stop_revid = self.state.stop_revid
        self._check_stop(stop)
        listed, problems = parse_mentor_list(pages[config.mentors_title].text,
                                             config.mentors_title)
        for problem in problems:
            self.report.problems.append(str(problem))
            self.log(str(problem))
        self.mentors = self._eligible(listed)
        if not pages[config.mentors_title].exists:
            self.log(f"no mentor list at [[{config.mentors_title}]]: nobody can be welcomed")
        if not pages[config.template].exists:
            self.log(f"[[{config.template}]] is missing: run with -setup first; nothing posted")
            self.report.halted = "no welcome template"
            return
        namespace, base = self._namespace_and_base(config.records_prefix)
        self.records.load(namespace, base)
        self.links = self._tour_links()
        tours = render_tour_links(self.links)
        self.trial = Trial.from_page(pages[config.experiments_title].text,
                                     config.experiments_title, _iso(self.now), self.log)
        self.trial.load_records(self.wiki, config.project, self.log)
        self._reassign()
        if not self.mentors:
            # A missing, empty or broken list is a mistake to fix, not a reason to pass
            # newcomers by: nobody is welcomed and the reading position stays where it is.
            self.log("no usable mentor in the list: nobody welcomed this run; the reading "
                     "position is kept until the list is fixed")
            self.report.held = True
            accounts = []
        elif accounts is None:
            since = self.state.timestamp or config.since or _iso(
                self.now - timedelta(days=config.first_run_days))
            accounts = self.wiki.new_accounts(since, self.state.logid, config.limit)
        cursor: NewAccount | None = None  # the last account after which nothing is pending
        frozen = False
        for batch in chunks(list(accounts), config.batch):
            held = self._welcome_batch(batch, tours)
            if frozen:
                continue
            if held is None:
                cursor = batch[-1]
                continue
            frozen = self.report.held = True
            before = [a for a in batch if a.logid < held.logid]
            cursor = before[-1] if before else cursor
        self.report.mentor_messages += notify_mentors(
            self.wiki, self.mentors, self.records, self.lang, config.mentors_title, self.now,
            config.active_days, self.log, self.may_edit)
        if self.report.halted:
            return
        self._write_status()
        failed = self.records.save(self._record_summary)
        self.trial.save(self.wiki, lambda name, n: message(
            "wikitours-bot-experiment-summary-record", self.lang, name, n), config.project,
            self.log)
        if failed:
            self.log("the reading position is kept so the next run repairs the records")
            self.report.held = True
            return
        if cursor is not None and cursor.logid > self.state.logid:
            changes.update(logid=cursor.logid, timestamp=cursor.timestamp)
        self._save_state(**changes)

    # -- who counts as a mentor --
    def _eligible(self, listed: Sequence[Mentor]) -> tuple[Mentor, ...]:
        """The listed mentors who count (contracts.mentoreligibility); paused ones get weight 0,
        so they keep their mentees but get no new ones. The rest are left out, so their
        active mentees are reassigned like those of a mentor who left the list."""
        config = self.config
        history = self.wiki.history(config.mentors_title)
        settings = self.wiki.history(config.mentor_settings_title, limit=500)
        names = mentoreligibility.names_to_look_up(history, settings)
        infos = self.wiki.users(names) if names else {}
        accounts = {name: mentoreligibility.Account(
            name, info.exists, info.groups, info.blocked and not info.block_partial,
            info.editcount, info.registration) for name, info in infos.items()}
        self.assessment = mentoreligibility.assess(history, settings, accounts, self.now)
        counted = self.assessment.counted()
        out = []
        for mentor in listed:
            verdict = counted.get(mentor.username)
            if verdict is None:
                found = self.assessment.verdict(mentor.username)
                self.log(f"mentor {sanitize(mentor.username, 80)} does not count: "
                         f"{found.reason if found else 'not on the list'}")
                continue
            out.append(replace(mentor, weight=0) if verdict.status == "paused" else mentor)
        return tuple(out)

    def _write_status(self) -> None:
        """Say on the wiki who counts as a mentor and why (only when that changed)."""
        assessment = self.assessment
        if assessment is None or self.report.halted:
            return
        config = self.config
        title = config.mentor_status_title
        text = render_status(assessment, self.lang, config.mentors_title,
                             config.mentor_settings_title)
        page = self.status_page  # read with the run's other pages
        if page.exists and page.text.strip() == text.strip():
            return
        if not self.may_edit():
            return
        result = self.wiki.save(page, text, message("wikitours-bot-summary-mentor-status",
                                                    self.lang))
        if result.status == "conflict":  # a person (or a twin bot) saved it meanwhile: next run
            self.log(f"[[{title}]] changed meanwhile; written again next run")
        elif not result.ok:
            self.log(f"[[{title}]] not saved: {result.status} {result.info}")

    def _namespace_and_base(self, prefix: str) -> tuple[int, str]:
        ns_name, _, base = prefix.partition(":")
        namespace = self.wiki.site.namespaces.lookup_name(ns_name)
        return (int(namespace.id) if namespace is not None else 4), base

    def _tour_links(self) -> list[tuple[str, str, str]]:
        # The live version as readers get it: the pointer in the loader names the versioned
        # titles (contracts §3); a wiki without one has the fixed titles.
        first = self.wiki.read([LOADER_TITLE, "MediaWiki:Gadget-wikitours-tours.json"])
        pointer = parse_pointer(first[LOADER_TITLE].text if first[LOADER_TITLE].exists else None)
        chain = [c for c in fallback_chain(self.lang)]
        langs = list(dict.fromkeys((*chain, "en")))
        if pointer is None:
            index = first["MediaWiki:Gadget-wikitours-tours.json"]
            if not index.exists:
                return []
            try:
                ids = [i for i in json.loads(index.text).get("tours", {})
                       if isinstance(i, str) and re.match(r"^[a-z0-9][a-z0-9-]{0,63}$", i)][:20]
            except (ValueError, AttributeError, TypeError):
                return []
        else:
            ids = list(pointer.tours)[:20]
        if not ids:
            return []
        titles: dict[str, tuple[str, str]] = {}
        for i in ids:
            named = gadget_titles(pointer, i, langs)
            titles[named["index"]] = ("index", "")
            if "tour" in named:
                titles[named["tour"]] = ("tour", i)
            for lang in langs:
                if f"messages/{lang}" in named:
                    titles[named[f"messages/{lang}"]] = ("msg", f"{i}/{lang}")
        pages = self.wiki.read(titles) if pointer is not None else {**first, **self.wiki.read(
            [t for t, (kind, _) in titles.items() if kind != "index"])}
        index = pages[gadget_titles(pointer, "", [])["index"]]
        if not index.exists:
            return []
        tour_pages = {key: pages[t].text for t, (kind, key) in titles.items() if kind == "tour"}
        message_pages = {key: pages[t].text for t, (kind, key) in titles.items() if kind == "msg"}
        return tour_links(index.text, tour_pages, message_pages, chain)

    def _record_summary(self, record) -> str:
        moved = len(record.removed)
        return message("wikitours-bot-summary-record", self.lang, record.mentor,
                       len(record.added), moved, len(record.notified))

    def _save_state(self, **changes) -> None:
        save_state(self.wiki, self.config.state_title, self.state_page, changes,
                   lambda state: message("wikitours-bot-summary-state", self.lang,
                                         state.timestamp or "-"), self.log)

    # -- welcoming --
    def _welcome_batch(self, batch: Sequence[NewAccount], tours: str) -> NewAccount | None:
        """Welcome one batch; returns the first account whose failure holds the cursor."""
        names = [normalize_user(a.user) for a in batch if is_valid_user(normalize_user(a.user))]
        infos = self.wiki.users(names)
        talk_titles = {name: f"User talk:{name}" for name in names}
        user_titles = {name: f"User:{name}" for name in names}
        pages = self.wiki.read([self.config.stop_title, *talk_titles.values(),
                                *user_titles.values()])
        self._check_stop(pages[self.config.stop_title])
        mentor_names = {m.username for m in self.mentors}
        load = loads(self.records.mentees(), self.now, self.config.active_days)
        held: NewAccount | None = None
        for account in batch:
            account = replace(account, user=normalize_user(account.user))
            name = account.user
            talk = pages.get(talk_titles.get(name, ""), Page(f"User talk:{name}", invalid=True))
            decision = decide(account, infos.get(name), talk, self.wiki.user_name,
                              mentor_names, self.config)
            if decision.action == "repair":
                self._repair(name, decision.mentor, account)
                arm = (markers.find(talk.text, "welcome") or [markers.Marker("welcome", ())])[0]
                self.trial.repair(name, arm.get("experiment"), arm.get("variant"))
                self._skip(name, f"{decision.reason} (mentor {decision.mentor})")
                continue
            if decision.action == "skip":
                self._skip(name, decision.reason)
                continue
            languages = babel_languages(pages[user_titles[name]].text)
            mentor = choose(self.mentors, load, languages, self.now.date(), self.rng,
                            exclude={name})
            if mentor is None:
                self._skip(name, "no-mentor-available (all mentors away, full or none listed)")
                continue
            linked = list(self.links)  # the tours this newcomer's welcome links

            def render(links, linked=linked):
                linked[:] = links
                return render_tour_links(links)
            arm_tours, marker = self.trial.welcome(name, self.links, render, tours)
            ask_tour = any(tour_id == "ask-mentor" for tour_id, _, _ in linked)
            outcome = self._post_welcome(account, talk, mentor, arm_tours, marker, ask_tour)
            if outcome == "welcomed":
                load[mentor.username] = load.get(mentor.username, 0) + 1
            elif outcome == "retry-later" and held is None:
                held = account
            if self.report.halted:
                raise Halted(self.report.halted)
        return held

    def _skip(self, name: str, reason: str) -> None:
        self.report.skipped.append((name, reason))
        self.log(f"skip {sanitize(name, 80)}: {reason}")

    def _repair(self, name: str, mentor: str, account: NewAccount) -> None:
        """The talk page says who the mentor is; make the record agree (after a crash)."""
        mentor = normalize_user(mentor)
        if not is_valid_user(mentor) or self.records.mentor_of(name) is not None:
            return
        self.records.add(mentor, Mentee(name, account.timestamp or _iso(self.now)))
        self.log(f"record repaired: {sanitize(name, 80)} is a mentee of {mentor}")

    def _post_welcome(self, account: NewAccount, talk: Page, mentor: Mentor, tours: str,
                      marker: dict[str, str] | None = None, ask_tour: bool = False) -> str:
        name = account.user
        section = welcome_text(name, mentor, self.lang, self.config.template, tours, marker,
                               ask_tour)
        summary = message("wikitours-bot-summary-welcome", self.lang, mentor.username)
        for _ in range(2):
            if not self.may_edit():
                return "halted"
            result = self.wiki.save(talk, _append(talk.text, section), summary)
            if result.ok:
                self.records.add(mentor.username, Mentee(name, _iso(self.now)))
                self.report.welcomed.append((name, mentor.username))
                self.trial.welcomed(name)
                self.log(f"welcomed {sanitize(name, 80)}: mentor {mentor.username}")
                return "welcomed"
            if result.status in ("exists", "conflict", "missing"):
                talk = self.wiki.read([talk.title])[talk.title]
                decision = decide(account, UserInfo(name), talk, self.wiki.user_name,
                                  set(), self.config)
                if decision.action == "repair":
                    self._repair(name, decision.mentor, account)
                    self._skip(name, f"already-welcomed meanwhile (mentor {decision.mentor})")
                    return "skipped"
                if decision.action == "skip":
                    self._skip(name, f"{decision.reason} (changed meanwhile)")
                    return "skipped"
                continue
            if result.status == "denied":
                self._skip(name, f"edit-denied: {result.info}")
                return "skipped"
            self.report.failed.append((name, result.info))
            self.log(f"failed {sanitize(name, 80)}: {result.info}; tried again next run")
            return "retry-later"
        self._skip(name, "talk page kept changing")
        return "retry-later"

    # -- mentors who left or are away --
    def _reassign(self) -> None:
        plan = plan_reassignments(self.mentors, self.records.mentees(),
                                  loads(self.records.mentees(), self.now, self.config.active_days),
                                  self.now, self.rng, self.config.active_days)
        if not plan:
            return
        talk = self.wiki.read(f"User talk:{move.mentee.username}" for move in plan)
        by_name = {m.username: m for m in self.mentors}
        for move in plan:
            mentee = move.mentee.username
            page = talk[f"User talk:{mentee}"]
            # A notice for this very move that the record does not show yet (a crash between
            # the notice and the record) is the last one on the page: finish that move.
            notices = markers.reassigned(page.text)
            posted = notices[-1][1] if notices and notices[-1][0] == move.old else None
            new = posted or move.new
            if new is None:
                self.log(f"mentee {sanitize(mentee, 80)} of {move.old}: no other mentor has room")
                continue
            if posted is None:
                if not self._post_reassign(page, mentee, move.old, new):
                    continue
            self.records.remove(move.old, mentee)
            self.records.add(new, Mentee(mentee, _iso(self.now), "reassigned",
                                         previous=move.old))
            self.report.reassigned.append((mentee, move.old, new))
            self.log(f"reassigned {sanitize(mentee, 80)}: {move.old} -> {new}"
                     f"{'' if new in by_name else ' (no longer listed)'}")

    def _post_reassign(self, page: Page, mentee: str, old: str, new: str) -> bool:
        allowed = exclusion.check(page.text, self.wiki.user_name, message_type="mentor")
        if not allowed.allowed:
            self.log(f"reassigned {sanitize(mentee, 80)} without a notice: {allowed.reason}")
            return True
        text = "\n".join([
            f"== {message('wikitours-bot-reassign-heading', self.lang)} ==",
            markers.render("reassigned", **{"from": old, "mentor": new}),
            message("wikitours-bot-reassign-text", self.lang, user_text(mentee),
                    user_link(old), user_link(new), user_text(new)) + " ~~~~"])
        summary = message("wikitours-bot-summary-reassign", self.lang, new)
        for _ in range(2):
            if not self.may_edit():
                return False
            result = self.wiki.save(page, _append(page.text, text), summary)
            if result.ok:
                return True
            if result.status not in ("conflict", "exists", "missing"):
                self.log(f"reassign notice for {sanitize(mentee, 80)} not saved: {result.info}")
                return False
            page = self.wiki.read([page.title])[page.title]
            notices = markers.reassigned(page.text)
            if notices and notices[-1][0] == old:
                return False  # another copy of the bot did it; its record edit follows
        return False


# -- command line ----------------------------------------------------------------------------

#: The welcome bot's options (wikiapi/scriptoptions.py); -always is Pywikibot's usual bot option
#: (this bot never asks anyway). Pywikibot's global options (-simulate…) come on top.
OPTIONS = {"setup": False, "resume": False, "always": False, "welcome-existing": False,
           "no-autocreated": False, "limit": 0, "seed": 0, "batch": 0, "first-run-days": 0,
           "active-days": 0, "stop-check-every": 0, "since": "", "project": "", "template": "",
           "language": "", "help-prefix": ""}
_FLAGS = ("setup", "resume", "always")


def parse_options(args: Sequence[str]) -> tuple[Config, dict[str, object]]:
    """Bot options (after Pywikibot took its global ones) into a Config and run flags."""

    values, given, wrong = read_options(args, OPTIONS)
    config, flags = options_to_config(values, given)
    if wrong:
        flags["unknown"] = wrong
    return config, flags


def options_to_config(values: Mapping[str, object], given: set) -> tuple[Config, dict[str, object]]:
    """The declared options as read (:data:`OPTIONS`) into a Config and run flags."""
    config: dict[str, object] = {}
    for name in (given & set(OPTIONS)) - set(_FLAGS):
        if name == "welcome-existing":
            config["welcome_existing"] = True
        elif name == "no-autocreated":
            config["autocreated"] = False
        else:
            config[name.replace("-", "_")] = values[name]
    flags: dict[str, object] = {name: values[name] for name in _FLAGS}
    return Config(**config), flags


def connect():
    """The Pywikibot site from the user-config (and -family/-lang), logged in. Under
    ``-simulate`` Pywikibot blocks every edit and the client prints what it would save."""
    import pywikibot  # needs its user-config: imported on use
    site = pywikibot.Site()
    site.login()
    return Wiki(site)


def main(*args: str) -> int:
    import pywikibot  # needs its user-config: imported on use

    if help_requested(__doc__, args):
        return 0

    local = pywikibot.handle_args(args)
    config, flags = parse_options(local)
    if flags.get("unknown"):
        pywikibot.bot.suggest_help(unknown_parameters=flags["unknown"])
        return 2
    wiki = connect()
    bot = WelcomeBot(wiki, config, log=pywikibot.info)
    if flags["setup"]:
        return 0 if bot.setup() else 1
    if flags["resume"]:
        bot.resume()
    report = bot.run()
    return 3 if report.halted else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
