"""The badge feeds' problems are values (``contracts.problems.Issue``: the entry's place in the
feed, a key of ``i18n/compiler``), and the bot logs them in the operator's language, not in
English whatever the operator reads. Pure, plus a local HTTP server standing for the app."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from bot.badges import fetch_feed, parse_feed, parse_revocations
from contracts.problems import Issue
from tours.problemkinds import issue_text

GOOD = {"id": "a1b2", "wiki": "local", "badge": "first-edit", "user": "Ada",
        "url": "https://example.org/badges/a1b2"}
LANGUAGES = ("en", "ar", "he", "de", "fr", "es", "hi", "pt")


def keys(problems):
    return [(p.page, p.message.key, p.message.params) for p in problems]


def test_feed_problems_are_issues_with_keys_and_the_place_in_the_feed():
    _, _, problems = parse_feed({"assertions": [
        "junk", {**GOOD, "wiki": "other<script>"}, {**GOOD, "badge": "<b>"}, GOOD]}, "local")
    assert all(isinstance(p, Issue) for p in problems)
    assert keys(problems) == [
        ("assertions[0]", "wikitours-problem-feed-not-object", ()),
        ("assertions[1]", "wikitours-problem-feed-other-wiki", ("other&lt;script&gt;", "local")),
        ("assertions[2]", "wikitours-problem-feed-badge-id", ())]
    _, _, problems = parse_revocations({"revocations": [
        "junk", {**GOOD, "wiki": "other"}, {**GOOD, "id": "<b>"}]}, "local")
    assert keys(problems) == [
        ("revocations[0]", "wikitours-problem-feed-not-object", ()),
        ("revocations[1]", "wikitours-problem-feed-other-wiki", ("other", "local")),
        ("revocations[2]", "wikitours-problem-feed-assertion-id", ())]
    (shape,) = parse_feed({"nope": 1}, "local")[2]
    assert shape.message.key == "wikitours-problem-feed-shape"
    assert shape.message.params == ("assertions",)


@pytest.mark.parametrize("change", [{"badge": 7}, {"user": "Ada|Admin"},
                                    {"url": "javascript:alert(1)"}, {"id": None}])
def test_every_feed_problem_reads_in_every_required_language(change):
    problems = parse_revocations({"revocations": [{**GOOD, **change}]}, "local")[2] + \
        parse_feed({"x": 1}, "local")[2]
    assert len(problems) == 2
    for problem in problems:
        english = issue_text(problem, "en")
        assert problem.message.key not in english
        for lang in LANGUAGES[1:]:
            text = issue_text(problem, lang)
            assert text != english and problem.message.key not in text, (lang, text)


@pytest.fixture
def feed():
    """The app's assertions feed, served locally: one good entry and two forged ones."""
    body = json.dumps({"assertions": [GOOD, {**GOOD, "user": "<b>x</b>|y"}, "junk"],
                       "next": "5"}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_bot_logs_feed_problems_in_the_operators_language(feed, monkeypatch):
    monkeypatch.setenv("WIKITOURS_LANG", "de")
    lines: list[str] = []
    items, cursor = next(fetch_feed(feed, "local", "", requests.Session(), lines.append))
    assert [a.user for a in items] == ["Ada"] and cursor == "5"
    problems = [line for line in lines if "assertions[" in line]
    assert problems == ["assertions[1]:0:0: Fehler: ungültiger Benutzername",
                        "assertions[2]:0:0: Fehler: kein JSON-Objekt"], lines
    lines.clear()
    next(fetch_feed(feed, "local", "", requests.Session(), lines.append, lang="fr"))
    assert "assertions[2]:0:0: erreur: pas un objet JSON" in lines, lines
