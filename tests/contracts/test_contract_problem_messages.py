"""The progress record's and the tour data's problems are values with message keys.

``contracts/progress.py`` and ``contracts/tourdata.py`` described what is wrong with a page in
English strings, which reached the app's log (and could reach people) in English whatever their
language. Now each problem is a :class:`contracts.problems.Issue` (the page, a key of
``i18n/compiler`` and its parameters) that :func:`tours.problemkinds.issue_text` shows in the
reader's language; hostile parameters (a tour id with markup) stay plain text. Pure.
"""

from __future__ import annotations

import json

import pytest

from contracts import progress, tourdata
from contracts.problems import Issue
from tours.messages import COMPILER_DIR, read_messages
from tours.problemkinds import issue_text

LANGUAGES = ("en", "ar", "he", "de", "fr", "es", "hi", "pt")
ENGLISH = read_messages(COMPILER_DIR, "en")
PAGE = "User:Ada/wikitours.json"
EVIL = "<script>alert(1)</script>"

PROGRESS_PAGES = [
    "{not json",
    "[1, 2]",
    '{"format": 2, "tours": {}}',
    '{"format": 1, "tours": []}',
    "x" * (progress.MAX_PROGRESS_BYTES + 1),
    json.dumps({"format": 1, "tours": {EVIL: {"status": "hacked"},
                                       "first-edit": {"status": "started", "completion": 7}}}),
]
TOUR_PAGES = [None, "", "[" * 100_000, "x" * (tourdata.MAX_PAGE_BYTES + 1), "[]",
              '{"id": "a", "version": 0}',
              json.dumps({"id": "a", "version": 1, "steps": [{"id": EVIL}, {"id": "ok"}]})]
INDEX_PAGES = ["{", "[]", json.dumps({"tours": {EVIL: {"version": 1}}, "badges": {EVIL: {}}})]


def problems() -> list[Issue]:
    found: list[Issue] = []
    for text in PROGRESS_PAGES:
        found += progress.parse_progress(text, PAGE)[1]
    for text in TOUR_PAGES:
        found += tourdata.parse_tour_data(text, "MediaWiki:Wikitours/tours/a.json")[1]
    for text in INDEX_PAGES:
        found += tourdata.parse_index(text, "MediaWiki:Gadget-wikitours-tours.json")[1]
    found += tourdata.parse_messages("[]", "MediaWiki:Wikitours/messages/a/en.json")[1]
    return found


def test_every_problem_is_a_value_with_a_known_key_and_its_page():
    found = problems()
    assert len(found) >= 16
    for issue in found:
        assert isinstance(issue, Issue), issue
        assert issue.message.key in ENGLISH, issue
        assert issue.page in (PAGE, "MediaWiki:Wikitours/tours/a.json",
                              "MediaWiki:Gadget-wikitours-tours.json",
                              "MediaWiki:Wikitours/messages/a/en.json")
        assert issue.hint is None or issue.hint.key in ENGLISH
    keys = {i.message.key for i in found}
    assert {"wikitours-problem-page-too-large", "wikitours-problem-json-invalid",
            "wikitours-problem-progress-status", "wikitours-problem-tourdata-step-id",
            "wikitours-problem-page-missing", "wikitours-problem-page-nested-too-deeply"} <= keys


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_problem_reads_in_the_readers_language(lang):
    for issue in problems():
        text = issue_text(issue, lang)
        assert text.startswith(issue.page + ":"), text
        words = text[len(issue.page):]
        assert "wikitours-" not in words and "$1" not in words and "⧼" not in words, text
        if lang != "en":
            assert text != issue_text(issue, "en"), (lang, text)


def test_a_json_error_says_where_and_in_the_readers_words():
    (issue,) = progress.parse_progress('{"format": 1,\n "tours": }', PAGE)[1]
    assert (issue.line, issue.column) == (2, 11)
    assert issue_text(issue, "de").startswith(f"{PAGE}:2:11: ")
    assert "Wert erwartet" in issue_text(issue, "de")
    assert "Expecting value" in issue_text(issue, "en")


def test_hostile_parameters_stay_plain_text():
    page = json.dumps({"format": 1, "tours": {EVIL: {"status": "hacked"}}})
    (issue,) = progress.parse_progress(page, PAGE)[1]
    assert issue.message.params[0] == EVIL
    assert EVIL in issue_text(issue, "ar")
    step = json.dumps({"id": "a", "version": 1, "steps": [{"id": "$2 {{PLURAL:$1|x}}"}]})
    (issue,) = tourdata.parse_tour_data(step, "T")[1]
    assert issue_text(issue, "fr").endswith(": l’étape 1 n’a pas d’«\u00a0id\u00a0» valide et "
                                            "unique\u00a0; ignorée")


def test_the_app_keeps_the_published_pages_problems_as_values():
    """What the app's log shows of a wiki's published tours (``toolforge/publishedtours.py``)."""
    from contracts.liveversion import gadget_title
    from toolforge.publishedtours import read_through

    pages = {gadget_title(None, "tours"): json.dumps({"tours": {"a": {"version": 1}}}),
             gadget_title(None, "tours", "a"): json.dumps({"id": "b", "version": 1})}

    class Client:
        def page_texts(self, titles):
            return {t: pages.get(t) for t in titles}

    published = read_through(Client(), None)
    assert published.library.tours == ()
    (issue,) = published.problems
    assert issue.message.key == "wikitours-problem-tourdata-other-tour"
    assert issue_text(issue, "de").endswith('nennt die Tour "b"; weggelassen')
