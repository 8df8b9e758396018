"""The playground is a community-run wiki: its tours live on wiki pages, the sync publishes
every edit within seconds, a broken edit publishes nothing and is reported on the wiki, and a
restart never puts tours.yaml back over the wiki's pages.

One playground (`python -m playground`, as the README's first command runs it) is started for
the module on free ports, once per MediaWiki version (ids `[mw1.39]`, `[mw1.43]`); the tests
edit its pages through the API as a newcomer would, and poll the published pages with a
deadline (the sync runs every few seconds)."""

from __future__ import annotations

import html
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tours.load import load_file

from localwiki import LocalWiki, free_port
from localwiki.server import Account, port_is_free
from tests.deployhelp import ROOT, live_title

TOUR = "Project:Wikitours/Tours/{}.yaml"
DEADLINE = 120  # seconds: the sync's interval is 10 s, a run that publishes takes a few more


class Playground:
    """A running `python -m playground` and a client for its wiki (on MediaWiki *branch*, the
    playground's default when None)."""

    def __init__(self, directory, port, app_port, branch: str | None = None):
        self.directory, self.port, self.app_port = directory, port, app_port
        self.branch = branch
        self.process = None
        self.output = ""
        self.wiki = None

    def start(self) -> str:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "playground", "--dir", str(self.directory),
             "--port", str(self.port), "--app-port", str(self.app_port), "--workers", "2",
             *(["--mediawiki", self.branch] if self.branch else [])],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            # as from a person's shell: not this test process's Pywikibot folder
            env={k: v for k, v in os.environ.items() if k != "PYWIKIBOT_DIR"})
        lines = []
        for line in self.process.stdout:
            lines.append(line)
            if "Ctrl-C" in line:
                break
        self.output = "".join(lines)
        assert self.process.poll() is None, self.output
        self.wiki = LocalWiki.open(self.directory / "wiki", port=self.port)
        accounts = json.loads((self.directory / "accounts.json").read_text())
        for name, password in accounts.items():
            self.wiki._accounts()[name] = Account(name, password)
        return self.output

    def stop(self) -> str:
        if self.process is None or self.process.poll() is not None:
            return ""
        self.process.send_signal(signal.SIGINT)
        rest, _ = self.process.communicate(timeout=120)
        assert self.process.returncode == 0, rest
        return rest


@pytest.fixture(scope="module")
def playground(tmp_path_factory, mediawiki):
    """One playground per MediaWiki version (`[mw1.39]`, `[mw1.43]`)."""
    ground = Playground(tmp_path_factory.mktemp(f"playground-{mediawiki.id}") / "pg",
                        free_port(), free_port(), mediawiki.branch)
    ground.start()
    yield ground
    if ground.process is not None and ground.process.poll() is None:
        ground.process.kill()
        ground.process.wait()


def wait_for(what, check, deadline=DEADLINE):
    """Poll *check* until it returns something true; fail after *deadline* seconds."""
    end = time.monotonic() + deadline
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > end:
            pytest.fail(f"not within {deadline} s: {what}")
        time.sleep(1)


def rendered(wiki, title):
    """The page as a reader sees it, fresh (a purge would be a second request; action=render
    of the current revision is not cached)."""
    reply = wiki.anonymous().get(wiki.index, params={"title": title, "action": "render"},
                                 timeout=30)
    return html.unescape(reply.text)


def test_the_tour_pages_are_on_the_wiki_and_the_catalogue_shows_them(playground):
    out, wiki = playground.output, playground.wiki
    # one page per shipped tour and the library page
    pages = len(load_file(Path(__file__).resolve().parents[2] / "tours.yaml")[0].tours) + 1
    assert "Putting the tours of" in out and f"{pages} tour pages: {pages} created" in out
    assert "sync: running" in out and "published" in out
    assert "Project:Wikitours/Status" in out
    for tour, title in (("first-edit", "Your first edit"), ("user-page", "Your user page"),
                        ("run-a-workshop", "Running a workshop or wiki club")):
        text = wiki.wikitext(TOUR.format(tour))
        assert text.startswith("<pre>\nid: " + tour + "\n"), text[:80]
        assert title in rendered(wiki, "Help:Wikitours")
    assert "badges:" in wiki.wikitext("Project:Wikitours/Library.yaml")
    assert wiki.wikitext("Project:Wikitours/i18n/de.json") is not None
    assert wiki.page_info("Project:Wikitours/i18n/de.json")["contentmodel"] == "json"
    # the sync, not a direct deploy, published them: the help pages are the bot's, the status
    # page says all is well
    assert wiki.history("Help:Wikitours/first-edit")[-1]["user"] == wiki.bot.name
    assert "The tours are up to date" in rendered(wiki, "Project:Wikitours/Status")
    # the bot account has the rights the sync needs
    assert "interface-admin" in wiki.user_rights(wiki.bot.name)["groups"]


def test_the_seeded_pages_are_protected_and_the_status_page_says_who_publishes(playground):
    from localwiki import ApiError

    out, wiki = playground.output, playground.wiki
    assert "pages protected (edit and move: sysop)" in out, out
    assert "pages protected (edit and move: autoconfirmed)" in out
    assert "not protected" not in out
    title = TOUR.format("first-edit")
    with pytest.raises(ApiError) as refused:  # a newcomer cannot edit a tour page ...
        wiki.edit(title, "id: first-edit\n", user="Noor", summary="mine now")
    assert refused.value.code == "protectedpage"
    status = rendered(wiki, "Project:Wikitours/Status")
    assert "Only reviewed text is published" in status and "more weakly" not in status
    assert json.loads(wiki.wikitext("Project:Wikitours/Approved.json")) == {}


def test_a_newcomers_translation_waits_for_review_and_an_admins_approval_publishes_it(playground):
    """... but may translate: the edit waits on the status page (with its diff) until an
    administrator approves it with one edit of the approvals page."""
    wiki = playground.wiki
    title = "Project:Wikitours/i18n/de.json"
    fixed = "MediaWiki:Wikitours/messages/first-edit/de.json"

    def live() -> str | None:  # what readers get: the title the loader's pointer names now
        return wiki.wikitext(live_title(wiki, fixed))

    before = live()
    data = json.loads(wiki.wikitext(title))
    key = next(k for k in data if k.startswith("wikitours-tour-first-edit-step-"))
    data[key] = "Von Noor übersetzt"
    edit = wiki.edit(title, json.dumps(data, ensure_ascii=False, indent="\t"), user="Noor",
                     summary="bessere Übersetzung")
    status = wait_for("the waiting edit on the status page",
                      lambda: str(edit["newrevid"]) in (s := wiki.wikitext("Project:Wikitours/Status") or "")
                      and s)
    assert "Waiting for review" in status and "[[:User:Noor|Noor]]" in status
    assert "Special:Diff/" in status and f"/{edit['newrevid']}|" in status
    assert live() == before
    if os.environ.get("WIKITOURS_SCREENSHOTS"):  # docs/community.md's picture, from 1.43
        from playground.screenshot import screenshot
        from tests import screens

        screenshot(f"{wiki.index}?title=Project:Wikitours/Status",
                   screens.path_named("status-waiting-review", playground.branch), height=1100)
    approvals = json.loads(wiki.wikitext("Project:Wikitours/Approved.json"))
    approvals[wiki.page_info(title)["title"]] = edit["newrevid"]
    wiki.edit("Project:Wikitours/Approved.json", json.dumps(approvals, ensure_ascii=False),
              summary="approve Noor's translation")
    wait_for("the approved translation live", lambda: "Von Noor übersetzt" in (live() or ""))
    wait_for("nothing waiting", lambda: "Waiting for review" not in (wiki.wikitext("Project:Wikitours/Status") or ""))


def test_an_edit_of_a_tour_page_is_published_by_the_next_sync(playground):
    wiki = playground.wiki
    title = TOUR.format("first-edit")
    text = wiki.wikitext(title)
    wiki.edit(title, text.replace("title: Your first edit", "title: Your very first edit", 1),
              user=wiki.admin.name, summary="clearer title")
    def published():
        text = wiki.wikitext("Help:Wikitours/first-edit") or ""
        return "Your very first edit" in text and text

    help_text = wait_for("the new title on the help page", published)
    assert "Your very first edit" in help_text
    page = rendered(wiki, "Help:Wikitours/first-edit")
    assert "Your very first edit" in page


def test_a_broken_edit_publishes_nothing_is_reported_and_a_fix_clears_it(playground):
    wiki = playground.wiki
    title = TOUR.format("user-page")
    good = wiki.wikitext(title)
    lines = good.split("\n")
    assert lines[2].startswith("title: ")  # line 1 is <pre>, line 2 the id
    lines[2] = "title: [Your user page"  # an unclosed flow list: a YAML syntax error
    lines[4] = "audience: <script>alert(1)</script>"
    wiki.edit(title, "\n".join(lines), user=wiki.admin.name, summary="oops")
    broken_rev = wiki.page_info(title)["revid"]
    before = wiki.wikitext("Help:Wikitours/user-page")

    status = wait_for("the error on the status page",
                      lambda: (s := wiki.wikitext("Project:Wikitours/Status") or "")
                      and "nothing was published" in s and s)
    assert "Wikitours/Tours/user-page.yaml" in status
    # the page, the line the editor must look at (where the bracket was opened, line 3 of the
    # page as stored, not line 4 where the parser stopped), what and how to fix
    assert ("Wikitours/Tours/user-page.yaml]], line 3: YAML syntax error: the bracket &#91; "
            "opened here is never closed") in status, status
    assert "How to fix it" in status and "[[:User:Admin|Admin]]" in status
    shown = rendered(wiki, "Project:Wikitours/Status")
    assert "line 3: YAML syntax error" in shown and "<script>alert(1)" not in shown
    talk = wait_for("the note on the editor's talk page",
                    lambda: wiki.wikitext("User talk:Admin"))
    assert f'wikitours:sync-error rev="{broken_rev}"' in talk
    assert wiki.wikitext("Help:Wikitours/user-page") == before  # the last good version stays live

    wiki.edit(title, good, user=wiki.admin.name, summary="fixed")
    fixed = wait_for("the status page saying it is fixed",
                     lambda: "Fixed:" in (s := wiki.wikitext("Project:Wikitours/Status") or "")
                     and s)
    assert "user-page.yaml" in fixed
    assert "The tours are up to date" in rendered(wiki, "Project:Wikitours/Status")
    # one note per broken revision, however many runs saw it
    assert wiki.wikitext("User talk:Admin").count("wikitours:sync-error") == 1


def test_a_restart_keeps_the_edits_made_on_the_wiki(playground):
    wiki = playground.wiki
    edited = wiki.wikitext(TOUR.format("first-edit"))
    assert "Your very first edit" in edited  # from the test above
    playground.stop()
    assert port_is_free(playground.port) and port_is_free(playground.app_port)
    out = playground.start()
    assert "already on the wiki" in out and "Putting the tours of" not in out
    assert playground.wiki.wikitext(TOUR.format("first-edit")) == edited
    assert "Your very first edit" in rendered(playground.wiki, "Help:Wikitours")
    assert "Your very first edit" in playground.wiki.wikitext("Help:Wikitours/first-edit")
    playground.stop()
    assert port_is_free(playground.port) and port_is_free(playground.app_port)


def test_the_playgrounds_wikis_file_is_one_wiki_that_is_its_own_library(tmp_path):
    from publish.multiwiki import load_config
    from playground.cli import write_wikis
    from playground.services import sync_command

    class FakeWiki:  # only the names write_wikis reads; the real file is used by the tests above
        family, api, index, language = "localwiki1234", "http://127.0.0.1:1234/api.php", \
            "http://127.0.0.1:1234/index.php", "en"

    path = write_wikis(FakeWiki(), tmp_path, "http://127.0.0.1:1235/api/v1/events")
    config, problems = load_config(str(path))
    assert config is not None and not [p for p in problems if p.severity == "error"], problems
    assert config.library.wiki == "localwiki1234"
    assert [w.id for w in config.wikis] == ["localwiki1234"]
    assert config.library.tours == "Project:Wikitours/Tours/" and not config.library.single
    assert config.wikis[0].settings["event-url"] == "http://127.0.0.1:1235/api/v1/events"
    state = tmp_path / "sync-state.json"
    assert sync_command(tmp_path)[-3:] == [f"-wikis:{path}", f"-state:{state}", "-interval:10"]
    assert sync_command(tmp_path, once=True)[-1] == "-once"
