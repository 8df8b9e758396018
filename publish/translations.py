"""``python -m tours pull|push``: tour translations between ``i18n/tours/`` and the wiki.

Translators edit one JSON page per language on the library wiki
(``Project:Wikitours/i18n/<lang>.json``, content model json, banana format); developers keep
``i18n/tours/<lang>.json`` in git. ``pull`` brings the wiki's pages into the folder, ``push``
sends the folder's files to the wiki. Neither overwrites an edit it has not seen: a record file
(``i18n/wikisync.json``) keeps, per language, the wiki revision and the content hash of the last
pull or push. A side that changed since then while the other did not is copied over; when BOTH
changed, the language is reported as a conflict and left alone (``--force`` takes this side's
direction anyway, saying so). Without a record, differing contents are conflicts too. Pushes
send ``basetimestamp``, so an edit made between reading and saving is a conflict as well.

Contents are compared as JSON data, because MediaWiki re-formats JSON pages when saving.
Planning is pure (:func:`plan_pull`, :func:`plan_push`); the command functions do the I/O.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

__all__ = ["WikiRevision", "Action", "content_sha", "changed_side", "plan_pull", "plan_push",
           "run_pull", "run_push", "DEFAULT_PREFIX", "PASSWORD_ENV"]

DEFAULT_PREFIX = "Project:Wikitours/i18n/"
PASSWORD_ENV = "WIKITOURS_BOT_PASSWORD"
USER_AGENT = "wikitours-translations-sync/0.1 (python -m tours pull|push)"


@dataclass(frozen=True)
class WikiRevision:
    """The latest revision of a page on the wiki."""

    title: str
    text: str
    revid: int
    timestamp: str
    user: str = ""


@dataclass(frozen=True)
class Action:
    """What to do with one language. *kind*: ``write`` (pull), ``create``/``update`` (push),
    ``same``, ``skip`` (the other side is newer) or ``conflict``."""

    lang: str
    kind: str
    reason: str = ""
    forced: bool = False


def content_sha(text: str) -> str:
    """Hash of the JSON data of *text* (formatting ignored); of the raw text if it is not JSON."""
    try:
        canonical = json.dumps(json.loads(text), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    except ValueError:
        canonical = text
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def changed_side(here: str, there: str, there_revid: int, record: object) -> str:
    """Which side changed since the last sync, from the hashes of the local text (*here*) and
    the wiki page (*there*), the page's revision and the *record* (``{"sha", "revid"}``) of the
    last sync: ``same`` (nothing to do), ``here`` (copy the local text to the wiki), ``there``
    (copy the wiki page here) or ``both`` (both changed, or there is no record: a conflict).

    A wiki page still at the revision of the last sync counts as unchanged, whatever the local
    hash: MediaWiki normalises what it saves (Unicode NFC), so a file can differ from the page it
    was saved as while nobody else has touched the page."""
    if here == there:
        return "same"
    if not isinstance(record, Mapping):
        return "both"
    if there_revid == record.get("revid"):
        return "here"
    if here == record.get("sha"):
        return "there"
    return "both"


def _both(lang: str, local: str, page: WikiRevision, record: Mapping | None, force: bool,
          newer_here: str, newer_there: str, copy: str) -> Action:
    side = changed_side(content_sha(local), content_sha(page.text), page.revid, record)
    if side == "same":
        return Action(lang, "same")
    if side == "there":
        return Action(lang, copy if newer_there == "wiki" else "skip",
                      "" if newer_there == "wiki" else "the wiki is newer; pull first")
    if side == "here":
        return Action(lang, copy if newer_here == "local" else "skip",
                      "" if newer_here == "local" else "the file is newer; push it")
    if record is None:
        reason = (f"both differ and there is no record of an earlier sync; the wiki's revision "
                  f"{page.revid} is by {page.user or '?'} at {page.timestamp}")
    else:
        reason = (f"both changed since the last sync (wiki revision {page.revid} by "
                  f"{page.user or '?'} at {page.timestamp})")
    if force:
        return Action(lang, copy, reason, forced=True)
    return Action(lang, "conflict", reason)


def plan_pull(local: Mapping[str, str], wiki: Mapping[str, WikiRevision], record: Mapping[str, Mapping],
              force: bool = False) -> list[Action]:
    """Which wiki pages to write into the folder."""
    actions = []
    for lang in sorted(wiki):
        page = wiki[lang]
        if lang not in local:
            actions.append(Action(lang, "write"))
            continue
        actions.append(_both(lang, local[lang], page, record.get(lang), force,
                             newer_here="skip", newer_there="wiki", copy="write"))
    return actions


def plan_push(local: Mapping[str, str], wiki: Mapping[str, WikiRevision], record: Mapping[str, Mapping],
              force: bool = False) -> list[Action]:
    """Which files to save on the wiki."""
    actions = []
    for lang in sorted(local):
        page = wiki.get(lang)
        if page is None:
            actions.append(Action(lang, "create"))
            continue
        actions.append(_both(lang, local[lang], page, record.get(lang), force,
                             newer_here="local", newer_there="skip", copy="update"))
    return actions


# ---------------------------------------------------------------------------------------------
# I/O


def banana_text(text: str) -> str:
    """The wiki's JSON in the repository's banana layout (tabs, UTF-8, final newline)."""
    try:
        return json.dumps(json.loads(text), ensure_ascii=False, indent="\t") + "\n"
    except ValueError:
        return text if text.endswith("\n") else text + "\n"


class Api:
    """A few MediaWiki API calls with requests (the compiler has no Pywikibot dependency)."""

    def __init__(self, url: str):
        import requests

        self.url = url
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT

    def call(self, method: str = "GET", **params) -> dict:
        params.update(format="json", formatversion="2")
        if method == "GET":
            reply = self.session.get(self.url, params=params, timeout=60)
        else:
            reply = self.session.post(self.url, data=params, timeout=60)
        reply.raise_for_status()
        data = reply.json()
        if "error" in data:
            raise RuntimeError(f"{data['error'].get('code')}: {data['error'].get('info')}")
        return data

    def login(self, user: str, password: str) -> None:
        token = self.call(action="query", meta="tokens", type="login")["query"]["tokens"]["logintoken"]
        reply = self.call("POST", action="login", lgname=user, lgpassword=password, lgtoken=token)
        if reply.get("login", {}).get("result") != "Success":
            raise RuntimeError(f"login as {user} failed: {reply.get('login', {}).get('reason', reply)}")

    def canonical_prefix(self, prefix: str) -> tuple[str, int, str]:
        """``(prefix as the wiki spells it, namespace number, prefix without namespace)``."""
        page = self.call(action="query", titles=prefix + "X")["query"]["pages"][0]
        title = page["title"][:-1]
        ns = int(page.get("ns", 0))
        rest = title.split(":", 1)[1] if ns and ":" in title else title
        return title, ns, rest

    def pages(self, prefix: str) -> dict[str, WikiRevision]:
        """Every ``<prefix><lang>.json`` page with its latest revision."""
        full, ns, rest = self.canonical_prefix(prefix)
        params = {"action": "query", "generator": "allpages", "gapnamespace": ns, "gapprefix": rest,
                  "gaplimit": "50", "prop": "revisions", "rvprop": "content|ids|timestamp|user",
                  "rvslots": "main"}
        found: dict[str, WikiRevision] = {}
        while True:
            reply = self.call(**params)
            for page in reply.get("query", {}).get("pages", []):
                name = page["title"][len(full):]
                if not name.endswith(".json") or "/" in name or not page.get("revisions"):
                    continue
                rev = page["revisions"][0]
                found[name[:-5]] = WikiRevision(page["title"], rev["slots"]["main"].get("content", ""),
                                                int(rev["revid"]), rev["timestamp"], rev.get("user", ""))
            if "continue" not in reply:
                return found
            params.update(reply["continue"])

    def save(self, title: str, text: str, summary: str, basetimestamp: str | None,
             contentmodel: str | None = "json") -> int:
        token = self.call(action="query", meta="tokens")["query"]["tokens"]["csrftoken"]
        params = {"action": "edit", "title": title, "text": text, "summary": summary,
                  "token": token}
        if contentmodel:
            params["contentmodel"] = contentmodel
        if basetimestamp:
            params.update(basetimestamp=basetimestamp, nocreate="1")
        else:
            params["createonly"] = "1"
        reply = self.call("POST", **params)
        return int(reply["edit"].get("newrevid") or 0)


    def revisions(self, titles: list[str]) -> dict:
        """The latest revision of each existing page of *titles* (50 per request), keyed by the
        title as given (the wiki may spell ``Project:`` as its project namespace name)."""
        found = {}
        for start in range(0, len(titles), 50):
            chunk = titles[start:start + 50]
            reply = self.call(action="query", titles="|".join(chunk), prop="revisions",
                              rvprop="content|ids|timestamp|user", rvslots="main")["query"]
            spelled = {n["to"]: n["from"] for n in reply.get("normalized", [])}
            for page in reply.get("pages", []):
                if page.get("missing") or page.get("invalid") or not page.get("revisions"):
                    continue
                rev = page["revisions"][0]
                asked = spelled.get(page["title"], page["title"])
                found[asked] = WikiRevision(page["title"], rev["slots"]["main"].get("content", ""),
                                            int(rev["revid"]), rev["timestamp"],
                                            rev.get("user", ""))
        return found


def _record_path(ns, directory: Path) -> Path:
    return Path(getattr(ns, "record", None) or directory.parent / "wikisync.json")


def _load_record(path: Path, api: str) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    record = data.get(api, {}) if isinstance(data, dict) else {}
    return record if isinstance(record, dict) else {}  # hand-edited garbage: as if none


def _save_record(path: Path, api: str, record: dict) -> None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            data = {}
    except (OSError, ValueError):
        data = {}
    data[api] = record
    path.write_text(json.dumps(data, indent="\t", sort_keys=True) + "\n", encoding="utf-8")


def _local(directory: Path) -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(directory.glob("*.json"))} \
        if directory.is_dir() else {}


def _directory(ns) -> Path:
    from tours.i18n import tours_dir

    return tours_dir(getattr(ns, "i18n", None),
                     getattr(ns, "file", None) or getattr(ns, "tours", None) or "tours.yaml")


def _report(actions: list[Action], done_word: str) -> int:
    conflicts = 0
    for a in actions:
        if a.kind == "conflict":
            conflicts += 1
            print(f"{a.lang}: conflict: {a.reason}", file=sys.stderr)
            print("    hint: compare both versions, merge them on one side, then run again "
                  "(or --force to take this direction)", file=sys.stderr)
        elif a.forced:
            print(f"{a.lang}: {done_word} with --force, replacing a newer edit: {a.reason}", file=sys.stderr)
        elif a.kind in ("write", "create", "update"):
            print(f"{a.lang}: {done_word}")
        elif a.kind == "skip":
            print(f"{a.lang}: left alone: {a.reason}")
    return 1 if conflicts else 0


def run_pull(ns) -> int:
    directory = _directory(ns)
    api = Api(ns.api)
    wiki = api.pages(ns.prefix)
    record_path = _record_path(ns, directory)
    record = _load_record(record_path, ns.api)
    local = _local(directory)
    actions = plan_pull(local, wiki, record, ns.force)
    directory.mkdir(parents=True, exist_ok=True)
    for a in actions:
        page = wiki[a.lang]
        if a.kind == "write":
            text = banana_text(page.text)
            (directory / f"{a.lang}.json").write_text(text, encoding="utf-8")
            record[a.lang] = {"revid": page.revid, "sha": content_sha(text)}
        elif a.kind == "same":
            record[a.lang] = {"revid": page.revid, "sha": content_sha(local[a.lang])}
    _save_record(record_path, ns.api, record)
    return _report(actions, "pulled")


def run_push(ns) -> int:
    directory = _directory(ns)
    password = os.environ.get(PASSWORD_ENV)
    if not ns.user or not password:
        print(f"error: push needs --user NAME and the password in ${PASSWORD_ENV}", file=sys.stderr)
        print("    hint: create a bot password on the wiki (Special:BotPasswords) with the "
              "'edit existing pages' and 'create pages' grants", file=sys.stderr)
        return 2
    seed = None
    if getattr(ns, "tours", None):
        seed = _seed(ns)
        if seed is None:
            return 1
    api = Api(ns.api)
    api.login(ns.user, password)
    tours_status = push_tours(ns, api, seed, _record_path(ns, directory)) if seed else 0
    full_prefix = api.canonical_prefix(ns.prefix)[0]
    wiki = api.pages(ns.prefix)
    record_path = _record_path(ns, directory)
    record = _load_record(record_path, ns.api)
    local = _local(directory)
    actions = plan_push(local, wiki, record, ns.force)
    for a in actions:
        if a.kind in ("create", "update"):
            page = wiki.get(a.lang)
            try:
                revid = api.save(page.title if page else f"{full_prefix}{a.lang}.json", local[a.lang],
                                 ns.summary or "wikitours: translations from the repository",
                                 page.timestamp if page else None)
            except RuntimeError as error:
                print(f"{a.lang}: not saved: {error}", file=sys.stderr)
                actions[actions.index(a)] = Action(a.lang, "conflict", str(error))
                continue
            record[a.lang] = {"revid": revid, "sha": content_sha(local[a.lang])}
        elif a.kind == "same":
            record[a.lang] = {"revid": wiki[a.lang].revid, "sha": content_sha(local[a.lang])}
    _save_record(record_path, ns.api, record)
    # The approvals page is protected like the translations: the translation circle approves
    # translations there (entries by anyone else count for nothing, publish/trust.py).
    pages = [p.title for p in api.pages(ns.prefix).values()] + ([ns.approvals] if seed else [])
    protect_and_say(api, pages, getattr(ns, "protect_translations", ""))
    return max(_report(actions, "pushed"), tours_status)


def _level(value: str | None) -> str:
    return "" if value in (None, "", "none") else value


def protect_and_say(api: Api, titles: list[str], level: str | None) -> int:
    """Protect *titles* at *level* (publish/protection.py) and say so: one line for the pages
    protected, one per page that could not be (the sync's status page keeps warning about
    those). The number of failures."""
    from publish.protection import protect

    level = _level(level)
    if not level:
        return 0
    done, failed = protect(api, titles, level, seed_msg("wikitours-seed-protect-reason"))
    if done:
        print(seed_msg("wikitours-seed-protected", len(done), level))
    for title, why in failed:
        print(seed_msg("wikitours-seed-protect-failed", title, why, level), file=sys.stderr)
    return len(failed)


# ---------------------------------------------------------------------------------------------
# push --tours: the repository's tours onto the wiki (publish/seed.py splits them)

SEED_I18N = Path(__file__).resolve().parent.parent / "i18n" / "seed"


def seed_msg(key: str, *params: object, lang: str | None = None) -> str:
    """A console message of ``push --tours`` in *lang* (default: the language ``lint`` speaks,
    :func:`tours.cli.output_language`), from ``i18n/seed/`` (banana JSON), falling back along
    MediaWiki's chain to English. Parameters are inserted as plain text, as given."""
    from tours.cli import output_language
    from tours.problemtext import message

    return message(SEED_I18N, key, lang or output_language(),
                   *(p if isinstance(p, int) else str(p) for p in params))  # numbers for PLURAL


def _seed(ns):
    """The pages of ``--tours FILE``, or None after printing why the file cannot be pushed."""
    from publish.seed import split_library

    path = Path(ns.tours)
    try:
        data = path.read_bytes()
    except OSError as error:
        print(seed_msg("wikitours-seed-unreadable", path, error.strerror or error), file=sys.stderr)
        return None
    seed, problems = split_library(data, str(path), prefix=ns.tours_prefix, header=ns.header,
                                   wrap=ns.wrap)
    if seed is None:
        from tours.cli import output_language
        from tours.problemtext import format_problem

        print(seed_msg("wikitours-seed-file-errors", path), file=sys.stderr)
        for problem in problems:  # as `lint` prints them, in the same language
            print(format_problem(problem, output_language()), file=sys.stderr)
        return None
    return seed


def push_tours(ns, api: Api, seed, record_path: Path) -> int:
    """Save the pages of *seed* on the wiki; 1 when a page was left alone as a conflict."""
    from publish.seed import page_sha, plan_pages

    local = seed.as_dict()
    wiki = api.revisions(sorted(local))
    key = f"{ns.api} tours"
    record = _load_record(record_path, key)
    plans = plan_pages(local, wiki, record, ns.force)
    summary = ns.summary or seed_msg("wikitours-seed-summary", Path(ns.tours).name)
    counts = {"create": 0, "update": 0, "same": 0, "skip": 0, "conflict": 0}
    for plan in plans:
        kind = plan.kind
        if kind in ("create", "update"):
            try:
                revid = api.save(plan.wiki.title if plan.wiki else plan.title, local[plan.title],
                                 summary, plan.wiki.timestamp if plan.wiki else None, None)
            except RuntimeError as error:  # an edit conflict, a page created meanwhile, rights
                print(seed_msg("wikitours-seed-not-saved", plan.title, error), file=sys.stderr)
                counts["conflict"] += 1
                continue
            record[plan.title] = {"revid": revid, "sha": page_sha(local[plan.title])}
            if plan.forced:
                print(seed_msg("wikitours-seed-forced", plan.title, plan.wiki.revid,
                               plan.wiki.user or "?", plan.wiki.timestamp), file=sys.stderr)
            else:
                print(seed_msg(f"wikitours-seed-{kind}d", plan.title))
        elif kind == "same":
            record[plan.title] = {"revid": plan.wiki.revid, "sha": page_sha(local[plan.title])}
        elif kind == "skip":
            print(seed_msg("wikitours-seed-skip", plan.title, plan.wiki.revid,
                           plan.wiki.user or "?"))
        else:
            why = "wikitours-seed-conflict-no-record" if plan.no_record else "wikitours-seed-conflict"
            print(seed_msg(why, plan.title, plan.wiki.revid, plan.wiki.user or "?",
                           plan.wiki.timestamp), file=sys.stderr)
            print("    " + seed_msg("wikitours-seed-conflict-hint"), file=sys.stderr)
        counts[kind] += 1
    _save_record(record_path, key, record)
    print(seed_msg("wikitours-seed-done", len(plans), counts["create"], counts["update"],
                   counts["same"], counts["skip"], counts["conflict"]))
    # The approvals page (publish/trust.py) is made once, empty, so that it is protected from the start.
    approvals = getattr(ns, "approvals", "")
    if approvals and not api.revisions([approvals]):
        try:
            api.save(approvals, "{}", seed_msg("wikitours-seed-approvals-created", approvals), None)
            print(seed_msg("wikitours-seed-approvals-created", approvals))
        except RuntimeError as error:
            print(seed_msg("wikitours-seed-not-saved", approvals, error), file=sys.stderr)
    titles = [plan.wiki.title if plan.wiki else plan.title for plan in plans]
    protect_and_say(api, titles, getattr(ns, "protect", ""))
    return 1 if counts["conflict"] else 0


def add_parsers(sub) -> None:
    """The ``pull`` and ``push`` subcommands (called by :func:`tours.cli.parser`)."""
    from tours.cli import DEFAULT_FILE, _delegate

    for name, help_, fn in (("pull", "bring on-wiki translations into i18n/tours/", "run_pull"),
                            ("push", "send i18n/tours/ translations (and with --tours the tours) "
                             "to the wiki", "run_push")):
        p = sub.add_parser(name, help=help_)
        p.add_argument("--api", required=True, metavar="URL", help="the library wiki's api.php")
        p.add_argument("--prefix", default=DEFAULT_PREFIX, metavar="TITLE",
                       help=f"translation pages are PREFIX<lang>.json (default: {DEFAULT_PREFIX})")
        p.add_argument("--i18n", metavar="DIR", help="translations folder (default: i18n beside FILE)")
        p.add_argument("--file", metavar="FILE",
                       help="tours file whose i18n/ is meant "
                            f"(default: --tours FILE, else {DEFAULT_FILE})")
        p.add_argument("--record", metavar="FILE", help="sync record (default: i18n/wikisync.json)")
        p.add_argument("--force", action="store_true", help="copy even when the other side changed too")
        if name == "push":
            from publish.seed import DEFAULT_HEADER, DEFAULT_TOURS_PREFIX, WRAPS

            p.add_argument("--user", metavar="NAME", help=f"account (bot password login NAME@APP); password in ${PASSWORD_ENV}")
            p.add_argument("--summary", default="", help="edit summary")
            p.add_argument("--tours", metavar="FILE",
                           help="also put the tours of FILE on the wiki: one page per tour and the "
                                "header page (docs/community.md, 'Moving the tours onto the wiki')")
            p.add_argument("--tours-prefix", default=DEFAULT_TOURS_PREFIX, metavar="TITLE",
                           help=f"tour pages are PREFIX<id>.yaml (default: {DEFAULT_TOURS_PREFIX})")
            p.add_argument("--header", default=DEFAULT_HEADER, metavar="TITLE",
                           help=f"the header page (default: {DEFAULT_HEADER})")
            p.add_argument("--wrap", choices=WRAPS, default="pre",
                           help="how the YAML is wrapped on the page (default: pre, shown verbatim)")
            from publish.protection import APPROVALS_TITLE, DEFAULT_LEVEL, DEFAULT_TRANSLATIONS_LEVEL

            p.add_argument("--protect", default=DEFAULT_LEVEL, metavar="LEVEL",
                           help="protect (edit and move) the tour and library pages at "
                                f"LEVEL (default: {DEFAULT_LEVEL}; none: leave them as they are)")
            p.add_argument("--protect-translations", default=DEFAULT_TRANSLATIONS_LEVEL,
                           metavar="LEVEL", help="protect the translation and approvals pages at "
                           "LEVEL (default: "
                           f"{DEFAULT_TRANSLATIONS_LEVEL}; none: leave them as they are)")
            p.add_argument("--approvals", default=APPROVALS_TITLE, metavar="TITLE",
                           help="with --tours: make this approvals page (JSON) if missing "
                                f"(default: {APPROVALS_TITLE}; docs/community.md, Trust)")
        p.set_defaults(run=_delegate("publish.translations", fn))
