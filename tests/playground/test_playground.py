"""`python -m playground --check`: the README's first command comes up, shows the tours, and
stops everything; a second run reuses the wiki, keeps its tour pages and publishes nothing new;
the folder is refused to another MediaWiki version. Once per version (`[mw1.39]`, `[mw1.43]`),
one playground each. (Editing tours on the playground's wiki:
tests/playground/test_playground_sync.py.)"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
from datetime import datetime

from localwiki import LocalWiki, free_port
from localwiki.server import port_is_free
from localwiki import versions
from tests import screens
from tests.deployhelp import ROOT
from tours.load import load_file


def shell_env() -> dict[str, str]:
    """The environment of a person's shell running `./dev playground`: without the Pywikibot
    folder this test process made for itself (tests/wiki.py), whose settings (no pause between
    edits) would otherwise reach every command the playground runs and hide Pywikibot's own
    defaults (10 s between edits)."""
    return {k: v for k, v in os.environ.items() if k != "PYWIKIBOT_DIR"}


def _playground(directory, port, app_port, *extra):
    done = subprocess.run([sys.executable, "-m", "playground", "--check", "--dir", str(directory),
                           "--port", str(port), "--app-port", str(app_port), "--workers", "2",
                           *extra], cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env=shell_env())
    return done.returncode, done.stdout + done.stderr


def seed_gaps(wiki) -> list[float]:
    """Seconds between the bot's consecutive page creations when the playground put the tours
    on the wiki (oldest first)."""
    changes = wiki.call(action="query", list="recentchanges", rcuser=wiki.bot.name, rctype="new",
                        rcnamespace=4, rcprop="timestamp|title", rclimit="max",
                        rcdir="newer")["query"]["recentchanges"]
    times = [datetime.strptime(c["timestamp"], "%Y-%m-%dT%H:%M:%SZ") for c in changes
             if "/Tours/" in c["title"] or "/i18n/" in c["title"]]  # the seed's, not the sync's
    return [(b - a).total_seconds() for a, b in zip(times, times[1:])]


def test_playground_check_comes_up_shows_the_tours_and_is_reused(tmp_path, mediawiki):
    port, app_port = free_port(), free_port()
    version = ("--mediawiki", mediawiki.branch)
    # the catalogue as a newcomer first sees it: docs/screenshots/catalogue.png from the docs'
    # version with WIKITOURS_SCREENSHOTS=1 (tests/screens.py)
    shot = screens.path_named("catalogue", mediawiki.branch)
    code, out = _playground(tmp_path / "pg", port, app_port, *version, "--screenshot", str(shot))
    assert code == 0, out
    assert "Check passed" in out and f"MediaWiki version: {mediawiki.branch}." in out
    assert f"http://127.0.0.1:{port}/index.php?title=Help:Wikitours" in out
    assert "app: running" in out and "bot: running" in out and "sync: running" in out
    assert "badges: running" in out
    # the playground's own sign-in provider, so /mentor and /cohorts can be tried (issue 17)
    assert "sign-in: running" in out and "Mentors and trainers sign in" in out
    pages = len(load_file(ROOT / "tours.yaml")[0].tours) + 1  # each tour's page, the library
    assert f"{pages} tour pages: {pages} created" in out and ": published " in out
    for name in ("Admin", "Bot", "Ada", "Grace", "Hedy", "Noor", "Sam", "Kim"):
        assert f": {name} / " in out
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20000
    assert port_is_free(port) and port_is_free(app_port)  # everything it started is stopped

    code, out = _playground(tmp_path / "pg", port, app_port, *version)
    assert code == 0, out
    assert "Reusing the wiki" in out
    assert "already on the wiki" in out and "Putting the tours" not in out, out
    assert ": published " not in out, out  # nothing changed on the wiki: the sync has nothing to do

    # interactive mode: runs until Ctrl-C (SIGINT), then stops everything it started
    process = subprocess.Popen([sys.executable, "-m", "playground", "--dir", str(tmp_path / "pg"),
                                "--port", str(port), "--app-port", str(app_port), "--workers", "2",
                                *version],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, env=shell_env())
    lines = []
    for line in process.stdout:
        lines.append(line)
        if "Ctrl-C" in line:
            break
    assert not port_is_free(port) and not port_is_free(app_port), "".join(lines)
    process.send_signal(signal.SIGINT)
    rest, _ = process.communicate(timeout=120)
    assert process.returncode == 0, "".join(lines) + rest
    assert port_is_free(port) and port_is_free(app_port)

    with LocalWiki.open(tmp_path / "pg" / "wiki", port=free_port()) as wiki:
        mentors = json.loads(wiki.wikitext("Project:Wikitours/Mentors.json"))["mentors"]
        assert [m["username"] for m in mentors] == ["Ada", "Grace", "Hedy"]
        assert wiki.page_info("Project:Wikitours/Mentors.json")["contentmodel"] == "json"
        created = {e["title"]
                   for e in wiki.logevents(letype="newusers", leaction="newusers/create")}
        assert {"User:Noor", "User:Sam", "User:Kim", "User:Ada"} <= created
        # a newcomer can start a tour from the catalogue: the start links and the gadget are there
        html = wiki.html("Help:Wikitours")
        assert "wikitour=first-edit" in html
        assert "Gadget-wikitours.js" in wiki.html("Special:Gadgets")
        assert wiki.mediawiki.branch == mediawiki.branch
        # the first start put ~30 pages on the wiki at a local wiki's pace, not at Pywikibot's
        # 10 s per edit for a real wiki (which made a first start from a shell take minutes)
        gaps = seed_gaps(wiki)
        assert len(gaps) >= 10 and statistics.median(gaps) < 9, gaps

    # the same folder with another version would serve this database with other code: refused,
    # both versions named, nothing started
    other = next(b for b in versions.SUPPORTED if b != mediawiki.branch)
    code, out = _playground(tmp_path / "pg", port, app_port, "--mediawiki", other)
    assert code == 2, out
    assert f"runs on MediaWiki {mediawiki.branch}, not {other}" in out
    assert port_is_free(port) and port_is_free(app_port)


def test_playground_refuses_a_busy_port(tmp_path):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, out = _playground(tmp_path / "pg", port, free_port())
    assert code == 2
    assert str(port) in out and "--port" in out


def test_the_seed_runs_with_the_wikis_own_pywikibot_settings(monkeypatch, tmp_path):
    """`tours push` (putting tours.yaml on a new playground wiki) gets the wiki's Pywikibot folder,
    as the sync and the bots do: from a plain shell it ran with Pywikibot's defaults for a real
    wiki, 10 s between edits (seen with bench/playground.py: the seed's protections exactly 10 s
    apart). The pace itself is checked on a real first start above."""
    from localwiki.server import BotAccount
    from playground import cli

    class Wiki:  # the names seed_tours reads; pywikibot_env is the real one
        api, index, language = "http://127.0.0.1:1/api.php", "http://127.0.0.1:1/index.php", "en"
        pywikibot_dir = tmp_path / "pywikibot"
        bot = BotAccount("Bot", "pw", "wikitours", "app-password")
        pywikibot_env = LocalWiki.pywikibot_env

    seen = {}

    def run(command, **options):
        seen.update(command=command, env=options["env"])
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.delenv("PYWIKIBOT_DIR", raising=False)
    monkeypatch.setattr(cli, "tours_on_wiki", lambda wiki: False)
    monkeypatch.setattr(cli, "make_bot_admin", lambda wiki: None)
    monkeypatch.setattr(cli.subprocess, "run", run)
    assert cli.seed_tours(Wiki(), tmp_path)
    assert seen["command"][1:4] == ["-m", "tours", "push"]
    assert seen["env"].get("PYWIKIBOT_DIR") == str(tmp_path / "pywikibot")
    assert seen["env"]["WIKITOURS_BOT_PASSWORD"] == "app-password"
