"""The badge feeds' problems are values (``contracts.problems.Issue``: the entry's place in the
feed, a key of ``i18n/compiler``), and the bot logs them in the operator's language, not in
English whatever the operator reads. Pure, plus the badge tests' loopback stand-in app."""

from __future__ import annotations

import json

import pytest
import requests

from bot.badges import fetch_feed, parse_feed, parse_revocations
from contracts.problems import Issue
from tests.bot.test_bot_badges import feed  # noqa: F401  (the stand-in app)
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


def test_the_bot_logs_feed_problems_in_the_operators_language(feed, monkeypatch):  # noqa: F811
    # the stand-in app of the badge bot's tests, answering one good entry and two forged ones
    feed.raw = json.dumps({"assertions": [GOOD, {**GOOD, "user": "<b>x</b>|y"}, "junk"],
                           "next": "5"}).encode()
    monkeypatch.setenv("WIKITOURS_LANG", "de")
    lines: list[str] = []
    items, cursor = next(fetch_feed(feed.url, "local", "", requests.Session(), lines.append))
    assert [a.user for a in items] == ["Ada"] and cursor == "5"
    problems = [line for line in lines if "assertions[" in line]
    assert problems == ["assertions[1]:0:0: Fehler: ungültiger Benutzername",
                        "assertions[2]:0:0: Fehler: kein JSON-Objekt"], lines
    lines.clear()
    next(fetch_feed(feed.url, "local", "", requests.Session(), lines.append, lang="fr"))
    assert "assertions[2]:0:0: erreur: pas un objet JSON" in lines, lines
