"""Badge notes against a real wiki, fed by a local stand-in of the app's feed (contracts §9).

The stand-in serves exactly the app's format (`{"assertions": [...], "next": "<cursor>"}`,
oldest first, pages of two, `next` equal to `since` when nothing is new) from a list the test
controls, so forged and hostile entries can be served too.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from contracts import markers
from bot.badges import BadgeAnnouncer, note_text, parse_feed, Assertion, parse_revocations
from wikiapi.client import Wiki as BotWiki

STATE = "Project:Badges/Bot/State.json"


class Feed:
    """The stand-in app: a list of assertions with sequence numbers; records every request."""

    def __init__(self):
        self.items: list[dict] = []
        self.requests: list[dict] = []
        self.status = 200
        self.raw: bytes | None = None
        self.revocations: list[dict] = []

    def revoked_page(self, wiki: str, since: str) -> dict:
        """The app's revocations feed: at or after *since* (an ISO time), oldest first."""
        rows = sorted((r for r in self.revocations if r.get("wiki") == wiki
                       and r["revokedOn"] >= (since or "")), key=lambda r: r["revokedOn"])
        return {"revocations": rows, "next": rows[-1]["revokedOn"] if rows else since}

    def add(self, **entry) -> dict:
        seq = len(self.items) + 1
        item = {"id": f"uuid-{seq}", "badge": "first-edit", "user": "Learner", "wiki": "local",
                "issuedOn": "2026-11-25T10:00:00Z", "url": f"http://127.0.0.1:9/assertions/{seq}",
                "revoked": False}
        item.update(entry)
        self.items.append(item)
        return item

    def page(self, wiki: str, since: str) -> dict:
        start = int(since or 0)
        rows = [(i + 1, item) for i, item in enumerate(self.items)
                if i + 1 > start and item.get("wiki") == wiki or
                (i + 1 > start and item.get("_forged"))][:2]
        return {"assertions": [{k: v for k, v in item.items() if not k.startswith("_")}
                               for _, item in rows],
                "next": str(rows[-1][0] if rows else start)}


@pytest.fixture(scope="module")
def feed(mediawiki):
    """The app's feed as a loopback stand-in: one per MediaWiki version of the run (the
    module runs once per version; the badges of one run must not be the other's)."""
    state = Feed()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            state.requests.append(query)
            if url.path == "/api/v1/revocations":
                body = json.dumps(state.revoked_page(query.get("wiki", ""),
                                                     query.get("since", ""))).encode()
            elif url.path != "/api/v1/assertions":
                self.send_error(404)
                return
            else:
                body = state.raw if state.raw is not None else json.dumps(
                    state.page(query.get("wiki", ""), query.get("since", ""))).encode()
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()


def announce(wiki, feed):
    lines: list[str] = []
    report = BadgeAnnouncer(BotWiki(wiki.site()), feed.url, "local", state_title=STATE,
                            log=lines.append).run()
    return report, lines


def test_feed_entries_are_checked_like_any_untrusted_input():
    data = {"assertions": [
        {"id": "1", "badge": "first-edit", "user": "ada", "wiki": "local",
         "url": "https://app.example/assertions/1"},
        {"id": "2", "badge": "first-edit", "user": "Ada", "wiki": "other", "url": "https://x/1"},
        {"id": "3", "badge": 'x"--><script>', "user": "Ada", "wiki": "local", "url": "https://x/"},
        {"id": "4", "badge": "first-edit", "user": "Ada|{{evil}}", "wiki": "local",
         "url": "https://x/"},
        {"id": "5", "badge": "first-edit", "user": "Ada", "wiki": "local",
         "url": "javascript:alert(1)"},
        {"id": "6", "badge": "first-edit", "user": "Ada", "wiki": "local",
         "url": "https://x/ [[evil]]"},
        {"id": "7", "badge": "first-edit", "user": "Ada", "wiki": "local",
         "url": "https://x/2", "revoked": True},
        "junk"], "next": "7"}
    items, cursor, problems = parse_feed(data, "local")
    assert cursor == "7"
    assert [(i.id, i.user, i.revoked) for i in items] == [("1", "Ada", False), ("7", "Ada", True)]
    assert len(problems) == 6
    assert parse_feed({"nope": 1}, "local")[0] == [] and parse_feed([], "local")[1] is None
    text = note_text([Assertion("1", "first-edit", "Ada", "https://x/1")], "en", "Help:Wikitours")
    assert markers.badges(text) == {"first-edit"}
    assert "[[Help:Wikitours/Badges/first-edit|first-edit]]" in text and "[https://x/1 " in text
    # the feed names the badge in the wiki's language; the note uses that name, made inert
    named, _, _ = parse_feed({"assertions": [
        {"id": "8", "badge": "first-edit", "name": "Erste Bearbeitung", "user": "Ada",
         "wiki": "local", "url": "https://x/8"},
        {"id": "9", "badge": "citation", "name": "]] {{evil}} [[Category:X", "user": "Ada",
         "wiki": "local", "url": "https://x/9"},
        {"id": "10", "badge": "communicator", "name": ["not text"], "user": "Ada",
         "wiki": "local", "url": "https://x/10"}], "next": "10"}, "local")
    text = note_text(named, "de", "Hilfe:Wikitours")
    assert "[[Hilfe:Wikitours/Badges/first-edit|Erste Bearbeitung]]" in text
    assert "{{evil}}" not in text and "[[Category:X" not in text
    assert "[[Hilfe:Wikitours/Badges/communicator|communicator]]" in text
    # a badge an assessor awarded: the note names the assessor (the on-wiki record)
    attested, _, _ = parse_feed({"assertions": [
        {"id": "11", "badge": "facilitation", "name": "Workshop facilitation", "user": "Ada",
         "wiki": "local", "url": "https://x/11", "kind": "attested", "awardedBy": "Ann"},
        {"id": "12", "badge": "partnership", "user": "Ada", "wiki": "local",
         "url": "https://x/12", "awardedBy": "Bad|{{name}}"}], "next": "12"}, "local")
    text = note_text(attested, "en", "Help:Wikitours")
    assert "[[User:Ann|Ann]] awarded you the badge ''[[Help:Wikitours/Badges/facilitation|" \
        "Workshop facilitation]]''" in text
    assert "{{name}}" not in text and attested[1].awarded_by == ""


def test_badges_are_announced_once_on_the_talk_page_never_the_user_page(wiki, feed):
    for name in ("Learner", "Learner Two", "Learner Nobots", "Learner Optout"):
        wiki.create_user(name)
    wiki.edit("User:Learner", "My user page.", user="Learner")
    wiki.edit("User talk:Learner Two", "Earlier talk.")
    wiki.edit("User talk:Learner Nobots", "{{nobots}}")
    wiki.edit("User talk:Learner Optout", "{{bots|optout=badge}}")
    feed.add(user="Learner")
    feed.add(user="Learner", badge="ask-mentor")
    feed.add(user="Learner Two")
    feed.add(user="Learner Two", revoked=True, badge="add-citation")
    feed.add(user="Learner Nobots")
    feed.add(user="Learner Optout")
    feed.add(user="Nobody Here At All")
    feed.add(user="Learner", wiki="otherwiki", _forged=True, badge="forged")
    feed.add(user="Learner", badge="evil", url="javascript:alert(1)")

    mark = wiki.log_mark()
    report, lines = announce(wiki, feed)
    assert sorted(report.announced) == [("Learner", "ask-mentor"), ("Learner", "first-edit"),
                                        ("Learner Two", "first-edit")]
    reasons = {(u, b): r for u, b, r in report.skipped}
    assert reasons[("Learner Two", "add-citation")] == "revoked"
    assert reasons[("Learner Nobots", "first-edit")] == "excluded-by {{nobots}}"
    assert reasons[("Learner Optout", "first-edit")] == "excluded-by {{bots|optout=badge}}"
    assert reasons[("Nobody Here At All", "first-edit")] == "no such user on this wiki"
    assert any("error: for the wiki otherwiki, not local; left out" in line for line in lines)
    assert any("not a plain http(s) URL" in line for line in lines)
    assert len(feed.requests) >= 5  # pages of two, followed to the end

    talk = wiki.wikitext("User talk:Learner")
    assert markers.badges(talk) == {"first-edit", "ask-mentor"}
    assert "http://127.0.0.1:9/assertions/1" in talk
    assert wiki.wikitext("User:Learner") == "My user page."
    two = wiki.wikitext("User talk:Learner Two")
    assert two.startswith("Earlier talk.\n\n== You earned a badge ==") and "add-citation" not in two
    assert wiki.wikitext("User talk:Learner Nobots") == "{{nobots}}"
    counts = wiki.api_counts(since=mark)
    assert counts.edits == 3  # one per learner with news, plus the cursor
    assert json.loads(wiki.wikitext(STATE))["assertions"]["since"] == "9"

    # the cursor saves work; the markers prevent a second note even when it is lost
    mark = wiki.log_mark()
    report, _ = announce(wiki, feed)
    assert report.announced == [] and wiki.api_counts(since=mark).edits == 0
    wiki.edit(STATE, json.dumps({"assertions": {"since": ""}}), contentmodel="json")
    report, _ = announce(wiki, feed)
    assert report.announced == []
    assert ("Learner", "first-edit", "already announced") in report.skipped
    assert len([r for r in wiki.history("User talk:Learner") if r["user"] == wiki.bot.name]) == 1


def test_a_broken_or_unreachable_app_is_survived_and_the_cursor_kept(wiki, feed):
    wiki.create_user("Learner Later")
    before = json.loads(wiki.wikitext(STATE))["assertions"]["since"]
    feed.add(user="Learner Later")
    for status, raw in ((500, b"oops"), (200, b"<html>not json</html>"),
                        (200, b'{"assertions": ' + b"[" * 100 + b"]" * 100 + b"}"),
                        (200, b"x" * 5_000_001)):
        feed.status, feed.raw = status, raw
        report, lines = announce(wiki, feed)
        assert report.announced == [], lines
        assert json.loads(wiki.wikitext(STATE))["assertions"]["since"] == before
    feed.status, feed.raw = 200, None
    down = BadgeAnnouncer(BotWiki(wiki.site()), "http://127.0.0.1:9", "local",
                          state_title=STATE, log=lambda line: None).run()
    assert down.announced == []
    report, _ = announce(wiki, feed)
    assert report.announced == [("Learner Later", "first-edit")]


def test_the_bot_loop_announces_badges_after_welcoming(wiki, feed):
    import subprocess
    import sys
    from pathlib import Path

    wiki.create_user("Loop Learner")
    feed.add(user="Loop Learner", badge="ask-mentor")
    done = subprocess.run(
        [sys.executable, "-m", "bot.run", "-setup", "-once", "-project:Project:LoopBadges",
         f"-app:{feed.url}", "-wiki:local"],
        cwd=Path(__file__).resolve().parents[2], env=wiki.pywikibot_env(),
        capture_output=True, text=True, timeout=180)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert markers.badges(wiki.wikitext("User talk:Loop Learner")) == {"ask-mentor"}, out
    assert "badge ask-mentor for Loop Learner: announced" in out
    # badges announced by the earlier runs are recognised by their markers, not re-posted
    assert "badge first-edit for Learner: announced" not in out
    state = json.loads(wiki.wikitext("Project:LoopBadges/Bot/State.json"))
    assert state["assertions"]["since"] == str(len(feed.items))


def test_revocations_are_recorded_on_the_talk_page_once_with_their_reason(wiki, feed):
    """A revoked badge is written on the wiki like its award (issue 15): who revoked it, the
    public reason (made inert), a link to the badge page and a marker so it is written once."""
    wiki.create_user("Revoked Rae")
    wiki.edit("User talk:Revoked Rae", "Hello.")
    hostile = "copied [[Category:Cheats]] {{delete}} <script>x</script> ~~~~ text"
    feed.revocations += [
        {"id": "9f3c-aaaa", "badge": "first-edit", "name": "First edit", "user": "Revoked Rae",
         "wiki": "local", "reason": hostile, "revokedBy": "Trainer Tom",
         "revokedOn": "2026-12-01T10:00:00Z", "url": "http://127.0.0.1:9/assertions/9f3c-aaaa"},
        {"id": "9f3c-bbbb", "badge": "citation", "user": "Revoked Rae", "wiki": "local",
         "reason": "", "revokedBy": "", "revokedOn": "2026-12-01T10:00:05Z",
         "url": "http://127.0.0.1:9/assertions/9f3c-bbbb"},
        {"id": "bad id!", "badge": "first-edit", "user": "Revoked Rae", "wiki": "local",
         "revokedOn": "2026-12-01T10:00:06Z", "url": "http://127.0.0.1:9/assertions/x"},
        {"id": "9f3c-cccc", "badge": "first-edit", "user": "Revoked Rae", "wiki": "local",
         "revokedOn": "2026-12-01T10:00:07Z", "url": "javascript:alert(1)"},
    ]
    report, lines = announce(wiki, feed)
    assert report.revoked == [("Revoked Rae", "first-edit"), ("Revoked Rae", "citation")], lines
    assert any("invalid assertion id" in line for line in lines)
    assert any("not a plain http(s) URL" in line for line in lines)
    talk = wiki.wikitext("User talk:Revoked Rae")
    assert talk.startswith("Hello.\n\n== A badge was revoked ==")
    assert {m.get("id") for m in markers.find(talk, "badge-revoked")} == {"9f3c-aaaa", "9f3c-bbbb"}
    assert "[[User:Trainer Tom|Trainer Tom]]" in talk and "9f3c-cccc" not in talk
    assert "http://127.0.0.1:9/assertions/9f3c-aaaa" in talk and "none given" in talk
    html = wiki.html("User talk:Revoked Rae")
    assert "<script>x</script>" not in html and "copied" in html
    pages = wiki.call(action="query", prop="categories|templates",
                      titles="User talk:Revoked Rae")["query"]["pages"]
    page = pages[0] if isinstance(pages, list) else next(iter(pages.values()))
    assert not page.get("categories") and not page.get("templates"), page
    assert talk.count("~~~~") == 0 and talk.count("(UTC)") == 2  # one signature per note
    assert "copied" in html
    assert json.loads(wiki.wikitext(STATE))["revocations"]["since"] == "2026-12-01T10:00:07Z"
    # once: the next runs (the cursor reads a little back, or is lost) add nothing
    mark = wiki.log_mark()
    report, _ = announce(wiki, feed)
    assert report.revoked == [] and wiki.api_counts(since=mark).edits == 0
    state = json.loads(wiki.wikitext(STATE))
    for forged in ("", "9999-99-99T99:99:99Z", "<script>"):
        state["revocations"] = {"since": forged}
        wiki.edit(STATE, json.dumps(state), contentmodel="json")
        report, lines = announce(wiki, feed)
        assert report.revoked == [] and not report.failed, lines
    assert len([r for r in wiki.history("User talk:Revoked Rae")
                if r["user"] == wiki.bot.name]) == 1


def test_revocation_feed_entries_are_checked():
    items, cursor, problems = parse_revocations({"revocations": [
        {"id": "a-1", "badge": "first-edit", "user": "ada", "wiki": "local",
         "url": "http://x/a", "reason": "r" * 1000, "revokedBy": "<b>"},
        {"id": "a-2", "badge": "first-edit", "user": "Ada", "wiki": "other", "url": "http://x/b"},
        "nonsense"], "next": "2026-12-01T10:00:00Z"}, "local")
    assert [(i.id, i.user, len(i.reason), i.revoked_by) for i in items] == [("a-1", "Ada", 255, "")]
    assert cursor == "2026-12-01T10:00:00Z" and len(problems) == 2
    assert parse_revocations({"revocations": [], "next": "1 OR 1"}, "local")[1] is None
    assert parse_revocations([], "local")[0] == []
