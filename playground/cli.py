"""`python -m playground [--mediawiki 1.39|1.43] [--port 8080] [--app-port 8081] [--dir DIR]
[--check] [--screenshot FILE]`: the local wiki with the tours, mentors, newcomers, app and bot.

1.39 (Debian 12's package) stays the default: it is the oldest version wikitours supports, so what
works there works on 1.43 too. `--mediawiki 1.43` runs the current LTS (unpacked by ./dev setup) in
its own folder, var/playground-mw1.43, so the two playgrounds never share a database."""

from __future__ import annotations

import argparse
import html
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from localwiki import ApiError, LocalWiki, MissingSoftware, free_port, versions
from localwiki.server import port_is_free
from playground import services
from playground.messages import msg

ROOT = Path(__file__).resolve().parent.parent
MENTORS = (("Ada", ["en", "de"], 2), ("Grace", ["en", "fr", "es"], 1), ("Hedy", ["en", "ar"], 1))
NEWCOMERS = ("Noor", "Sam", "Kim")
MENTORS_TITLE = "Project:Wikitours/Mentors.json"
EXPERIMENTS_TITLE = "Project:Wikitours/Experiments.json"
#: The playground's experiment, with its design declared before it starts (docs/outcomes.md):
#: half the newcomers are offered the citation tour first; the decision is about activation
#: within 7 days, at 800 participants or on the end date. Everyone still gets tour links.
EXPERIMENTS = {"report-threshold": 10, "experiments": [
    {"name": "citation-first", "active": True, "share": 50,
     "primary": "activated_7d", "minimum-effect": 10, "planned-size": 800, "end": "2027-03-31",
     "variants": [{"id": "control"},
                  {"id": "citation-first", "tours": ["add-citation", "first-edit"]}]}]}
MENTOR_SETTINGS_TITLE = "Project:Wikitours/Mentors/Settings.json"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m playground", description=__doc__)
    parser.add_argument("--port", type=int, default=8080, help="the wiki's port (default 8080)")
    parser.add_argument("--app-port", type=int, default=None,
                        help="the app's port (default: the wiki's port + 1)")
    parser.add_argument("--oauth-port", type=int, default=None,
                        help="the playground's sign-in provider's port (default: the app's "
                             "port + 1, or a free one)")
    parser.add_argument("--mediawiki", choices=versions.SUPPORTED, default=versions.DEFAULT,
                        help=f"the MediaWiki version (default {versions.DEFAULT})")
    parser.add_argument("--dir", type=Path, default=None,
                        help="where the playground keeps its wiki and data (default "
                             "var/playground, var/playground-mw1.43 for 1.43)")
    parser.add_argument("--check", action="store_true",
                        help="start everything, check the catalogue shows the tours, and exit")
    parser.add_argument("--screenshot", type=Path, metavar="FILE",
                        help="save a screenshot of the catalogue page (headless Chromium)")
    parser.add_argument("--workers", type=int, default=4,
                        help="PHP server workers (browsers load many resources at once)")
    args = parser.parse_args(argv)
    if args.dir is None:
        args.dir = default_dir(args.mediawiki)
    return args


def default_dir(branch: str) -> Path:
    """var/playground for the default version (as before versions existed), else a folder per
    version."""
    name = "playground" if branch == versions.DEFAULT else f"playground-mw{branch}"
    return ROOT / "var" / name


def say(text: str) -> None:
    print(text, flush=True)


class WrongVersion(Exception):
    """The folder holds a wiki of another MediaWiki version than the one asked for."""


def open_wiki(directory: Path, port: int, workers: int,
              branch: str = versions.DEFAULT) -> LocalWiki:
    wiki_dir = directory / "wiki"
    if LocalWiki.exists(wiki_dir):
        wiki = LocalWiki.open(wiki_dir, port=port, workers=workers)
        if wiki.mediawiki.branch != branch:  # a database is not moved between versions
            raise WrongVersion(msg("wikitours-playground-version-mismatch", wiki_dir,
                                   wiki.mediawiki.branch, branch))
        say(msg("wikitours-playground-reusing", wiki_dir))
        return wiki
    say(msg("wikitours-playground-creating", wiki_dir))
    return LocalWiki.create(wiki_dir, mediawiki=branch, port=port, workers=workers)


def ensure_accounts(wiki: LocalWiki, directory: Path) -> dict[str, str]:
    """Mentors and newcomers, made once (API createaccount) and remembered in accounts.json."""
    store = directory / "accounts.json"
    known: dict[str, str] = json.loads(store.read_text()) if store.exists() else {}
    for name in [m[0] for m in MENTORS] + list(NEWCOMERS):
        if name in known:
            wiki._accounts()[name] = type(wiki.admin)(name, known[name])
            continue
        account = wiki.create_user(name)
        known[name] = account.password
        store.write_text(json.dumps(known, indent=1))
        os.chmod(store, 0o600)
    return known


def ensure_mentor_list(wiki: LocalWiki) -> None:
    """The on-wiki mentor list (contracts §7), written once; people may edit it afterwards.

    The playground's mentors are brand-new accounts, so its admin sets the wiki's mentor
    minimums (``Mentors/Settings.json``, see contracts.mentoreligibility) to zero; entries must
    still be added by the mentor themself or an admin.
    """
    if wiki.wikitext(MENTOR_SETTINGS_TITLE) is None:
        wiki.edit(MENTOR_SETTINGS_TITLE, json.dumps({"min-edits": 0, "min-age-days": 0}),
                  contentmodel="json", summary="wikitours playground")
    if wiki.wikitext(MENTORS_TITLE) is not None:
        return
    intro = msg("wikitours-playground-mentor-intro", language=wiki.language)
    mentors = [{"username": name, "languages": languages, "weight": weight, "capacity": 20,
                "intro": intro, "notify": "digest"} for name, languages, weight in MENTORS]
    wiki.edit(MENTORS_TITLE, json.dumps({"mentors": mentors}, indent=1, ensure_ascii=False),
              contentmodel="json", summary="wikitours playground")


ASSESSORS_TITLE = "Project:Wikitours/Assessors.json"


def ensure_assessors(wiki: LocalWiki) -> None:
    """The on-wiki assessor list (contracts §12), written once by the admin (so it counts)."""
    if wiki.wikitext(ASSESSORS_TITLE) is not None:
        return
    wiki.edit(ASSESSORS_TITLE, json.dumps({"assessors": [
        {"username": services.ASSESSOR, "skills": ["facilitation"]}]}, indent=1),
        contentmodel="json", summary="wikitours playground")


def ensure_experiments(wiki: LocalWiki) -> None:
    """The on-wiki experiment configuration with a declared design, written once."""
    if wiki.wikitext(EXPERIMENTS_TITLE) is not None:
        return
    wiki.edit(EXPERIMENTS_TITLE, json.dumps(EXPERIMENTS, indent=1), contentmodel="json",
              summary="wikitours playground")


TOURS_PREFIX = "Project:Wikitours/Tours/"


def tours_on_wiki(wiki: LocalWiki) -> list[str]:
    """Titles of the tour pages the wiki has (one request)."""
    reply = wiki.call(action="query", list="allpages", apnamespace=4, apprefix="Wikitours/Tours/",
                      aplimit="max", formatversion="2")
    return [p["title"] for p in reply["query"]["allpages"]]


def make_bot_admin(wiki: LocalWiki) -> None:
    """The playground's bot is also an administrator, as a community's own sync bot may be: it
    protects the pages it seeds (publish/protection.py needs the protect right) and may still
    update them afterwards."""
    from localwiki.client import call, token

    if "sysop" in wiki.user_rights(wiki.bot.name)["groups"]:
        return
    session = wiki.session(wiki.admin.name)
    call(session, wiki.api, "POST", action="userrights", user=wiki.bot.name, add="sysop",
         reason=msg("wikitours-playground-bot-admin", language=wiki.language),
         token=token(session, wiki.api, "userrights"))
    say(msg("wikitours-playground-bot-admin"))


def seed_tours(wiki: LocalWiki, directory: Path) -> bool:
    """Put tours.yaml and i18n/tours/ on the wiki, once: from then on the wiki's pages are the
    source of truth, so a restart never pushes over them. The pages are protected by default
    (tour and library pages: administrators; translations and approvals: any account; the push
    says so). Returns whether it seeded."""
    if tours_on_wiki(wiki):
        say(msg("wikitours-playground-seed-kept", wiki.index + "?title=Special:PrefixIndex/"
                + TOURS_PREFIX))
        return False
    make_bot_admin(wiki)
    say(msg("wikitours-playground-seeding", ROOT / "tours.yaml"))
    # the wiki's Pywikibot folder, as the sync and the bots get: without it Pywikibot paces
    # itself for a real wiki (10 s between edits), and a first start took minutes
    env = wiki.pywikibot_env(WIKITOURS_BOT_PASSWORD=wiki.bot.app_password)
    done = subprocess.run([sys.executable, "-m", "tours", "push", "--api", wiki.api,
                           "--user", wiki.bot.login_name, "--tours", str(ROOT / "tours.yaml"),
                           "--record", str(directory / "wikisync.json"),
                           "--summary", msg("wikitours-playground-seed-summary",
                                            language=wiki.language)],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    lines = (done.stdout + done.stderr).strip().splitlines()
    # the per-page lines are many; the counts and anything that went wrong are worth showing
    say("\n".join(line for line in lines if not line.rstrip().endswith(": created")
                   and not line.rstrip().endswith(": pushed")))
    if done.returncode != 0:
        say(msg("wikitours-playground-seed-failed", done.returncode))
    return done.returncode == 0


def write_wikis(wiki: LocalWiki, directory: Path, event_url: str | None) -> Path:
    """The sync's list of wikis: one, the playground's, which is its own library."""
    entry = {"id": wiki.family, "api": wiki.api, "index": wiki.index, "language": wiki.language}
    if event_url:
        entry["settings"] = {"event-url": event_url}
    config = {"library": {"wiki": wiki.family, "tours": TOURS_PREFIX,
                          "header": "Project:Wikitours/Library.yaml",
                          "translations": "Project:Wikitours/i18n/"},
              "wikis": [entry]}
    path = directory / "wikis.yaml"
    path.write_text(json.dumps(config, indent=1))  # JSON is YAML: no quoting surprises
    return path


def first_sync(wiki: LocalWiki, directory: Path) -> int:
    """The sync's first run, before the continuous one starts: it publishes the tours (help
    pages, catalogue, gadget) or reports what is wrong on the status page. Its exit status."""
    say(msg("wikitours-playground-syncing"))
    done = subprocess.run(services.sync_command(directory, once=True), cwd=ROOT,
                          env=wiki.pywikibot_env(), capture_output=True, text=True)
    lines = (done.stdout + done.stderr).strip().splitlines()
    say("\n".join(line for line in lines if not line.startswith("[")))
    if done.returncode != 0:
        say(msg("wikitours-playground-sync-failed", done.returncode))
    wiki.maintenance("runJobs")  # link tables and caches current, as a real wiki's job runner
    return done.returncode


def seed_tasks(wiki: LocalWiki) -> int:
    """Practice on real tasks (issue 19): sample articles with a "citation needed" mark and the
    task types page, then one run of the task-list bot (its own log lines are printed)."""
    from playground.practiceseed import seed_task_articles, seeded

    if not seeded(wiki):
        seed_task_articles(wiki)
        wiki.maintenance("runJobs")
    done = subprocess.run([sys.executable, "-m", "publish.tasklists"], cwd=ROOT,
                          env=wiki.pywikibot_env(), capture_output=True, text=True)
    say("\n".join(line for line in (done.stdout + done.stderr).strip().splitlines()
                  if line and not line.startswith("[")))
    return done.returncode


def library_on_wiki(wiki: LocalWiki):
    """The library as the wiki's pages say (what the sync compiles), or None when broken."""
    from tours.wikisource import SourcePage, load_from_pages

    pages = [SourcePage(t, wiki.wikitext(t) or "") for t in tours_on_wiki(wiki)]
    header_text = wiki.wikitext("Project:Wikitours/Library.yaml")
    header = SourcePage("Project:Wikitours/Library.yaml", header_text) if header_text else None
    titles = {p.title: p for p in pages}
    # the API spells the project namespace with the wiki's name; the loader wants the prefix
    prefix = next(iter(titles), TOURS_PREFIX).rsplit("/", 1)[0] + "/"
    return load_from_pages(pages, header=header, prefix=prefix).library


def check(wiki: LocalWiki, running: list) -> tuple[list[str], int]:
    """Problems seen by a reader: the catalogue page must show every tour on the wiki."""
    problems = []
    library = library_on_wiki(wiki)
    titles = [t.title for t in library.tours] if library is not None else []
    shown = html.unescape(wiki.html("Help:Wikitours"))
    for title in titles:
        if title not in shown:
            problems.append(msg("wikitours-playground-check-missing-tour", title))
    if not titles:
        problems.append(msg("wikitours-playground-check-missing-tour", "*"))
    for item in running:
        if not item.alive():
            problems.append(msg("wikitours-playground-check-service-died", item.service.name))
    return problems, len(titles)


def main(argv: list[str] | None = None) -> int:
    try:
        return run(argv)
    except KeyboardInterrupt:  # Ctrl-C while starting: everything was stopped in run()
        return 130


def run(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    directory = args.dir.resolve()
    directory.mkdir(parents=True, exist_ok=True)
    app_port = args.app_port or args.port + 1
    for port in (args.port, app_port):
        if not port_is_free(port):
            say(msg("wikitours-playground-port-busy", port, "--port/--app-port"))
            return 2
    oauth_port = args.oauth_port or app_port + 1
    if not args.oauth_port and (oauth_port == args.port or not port_is_free(oauth_port)):
        oauth_port = free_port()
    if not port_is_free(oauth_port):
        say(msg("wikitours-playground-port-busy", oauth_port, "--oauth-port"))
        return 2
    try:
        wiki = open_wiki(directory, args.port, args.workers, args.mediawiki)
    except MissingSoftware as error:
        say(msg("wikitours-playground-missing-software", error))
        return 2
    except WrongVersion as error:
        say(str(error))
        return 2

    running: list[services.Running] = []
    stop_event = threading.Event()

    waiting = threading.Event()

    def on_signal(signum, frame):  # noqa: ARG001
        stop_event.set()
        if not waiting.is_set():
            raise KeyboardInterrupt  # still starting: unwind, stopping what was started

    # Both set explicitly: a shell starts background jobs with SIGINT ignored.
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        wiki.start()
        say(msg("wikitours-playground-wiki-started", wiki.url))
        say(msg("wikitours-playground-mediawiki-version", wiki.mediawiki.version))
        accounts = ensure_accounts(wiki, directory)
        ensure_mentor_list(wiki)
        ensure_experiments(wiki)
        ensure_assessors(wiki)
        say(msg("wikitours-playground-accounts", len(MENTORS), len(NEWCOMERS)))
        ctx = services.Context(wiki=wiki, directory=directory, app_port=app_port,
                               oauth_port=oauth_port)
        app_there = services.APP.available()
        seed_tours(wiki, directory)
        write_wikis(wiki, directory, f"{ctx.app_url}/api/v1/events" if app_there else None)
        synced = first_sync(wiki, directory)
        seed_tasks(wiki)
        for service in services.SERVICES:
            if not service.available():
                say(msg("wikitours-playground-service-missing", service.name, service.module))
                continue
            started = services.start(service, ctx)
            log = directory / "logs" / f"{service.name}.log"
            if started is None:
                say(msg("wikitours-playground-service-failed", service.name, log))
                continue
            running.append(started)
            say(msg("wikitours-playground-service-started", service.name,
                    service.url(ctx) or f"pid {started.process.pid}", log))

        catalogue = f"{wiki.index}?title=Help:Wikitours"
        say("")
        say(msg("wikitours-playground-heading-urls"))
        say("  " + msg("wikitours-playground-url-catalogue", catalogue))
        say("  " + msg("wikitours-playground-url-tours",
                       f"{wiki.index}?title=Special:PrefixIndex/{TOURS_PREFIX}"))
        say("  " + msg("wikitours-playground-url-status",
                       f"{wiki.index}?title=Project:Wikitours/Status"))
        say("  " + msg("wikitours-playground-url-wiki", wiki.url + "/"))
        for item in running:
            if item.service.url(ctx):
                say(f"  {item.service.name}: {item.service.url(ctx)}")
        if any(item.service is services.OAUTH for item in running):
            say("  " + msg("wikitours-playground-url-signin", f"{ctx.app_url}/mentor",
                           f"{ctx.app_url}/cohorts"))
        say(msg("wikitours-playground-heading-logins"))
        logins = [(msg("wikitours-playground-role-admin"), wiki.admin.name, wiki.admin.password),
                  (msg("wikitours-playground-role-bot", wiki.bot.login_name), wiki.bot.name,
                   wiki.bot.password)]
        logins += [(msg("wikitours-playground-role-mentor"), name, accounts[name])
                   for name, _, _ in MENTORS]
        logins += [(msg("wikitours-playground-role-newcomer"), name, accounts[name])
                   for name in NEWCOMERS]
        for role, name, password in logins:
            say("  " + msg("wikitours-playground-login-line", role, name, password))

        if args.screenshot:
            from playground.screenshot import screenshot

            screenshot(catalogue, args.screenshot)
            say(msg("wikitours-playground-screenshot", catalogue, args.screenshot))

        if args.check:
            problems, count = check(wiki, running)
            if synced != 0 or problems:
                say(msg("wikitours-playground-check-failed", "; ".join(problems) or synced))
                return 1
            say(msg("wikitours-playground-check-ok", count))
            return 0

        waiting.set()  # before the hint: a signal right after it must not count as "starting"
        say(msg("wikitours-playground-stop-hint"))
        try:
            while not stop_event.wait(1.0):
                pass
        except KeyboardInterrupt:
            pass
        return 0
    except (ApiError, OSError) as error:
        say(str(error))
        return 1
    finally:
        say(msg("wikitours-playground-stopping"))
        for item in reversed(running):
            item.stop()
        wiki.stop()
