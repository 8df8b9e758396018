"""Issue 19 on a real MediaWiki: the task lists of the copyedit, links (dead ends) and stub types
come from the wiki's own maintenance categories and templates, found by the same batched
generator queries as the citation type (one per source, whatever the number of articles); an
orphan, whose fix no learner's edit of it can show, is on no list."""

from __future__ import annotations

import json

import pytest

from playground.practiceseed import EXPECTED, TASK_TYPES, seed_task_articles
from practice.tasklist import parse_list, sources
from practice.tasktypes import LIST_TITLE, parse_config
from publish.tasklists import run
from wikiapi.client import Wiki

pytestmark = pytest.mark.wiki


def test_each_type_lists_its_articles_with_one_query_per_source(wiki):
    seed_task_articles(wiki)
    site = wiki.site()
    site.tokens["csrf"]  # Pywikibot's one-time start is not the bot's work
    mark = wiki.log_mark()
    report = run(Wiki(site), log=lambda line: None)
    assert report.saved and not report.problems, report
    counts = wiki.api_counts(since=mark)
    lists = parse_list(wiki.wikitext(LIST_TITLE))
    for type_id, titles in EXPECTED.items():
        assert {t for t, _ in lists["types"][type_id]["pages"]} == titles, type_id
    listed = {t for entry in lists["types"].values() for t, _ in entry["pages"]}
    assert "Hunte" not in listed and "Locked article" not in listed
    # topics come with each page from the same query
    assert dict(lists["types"]["copyedit"]["pages"])["Jazz"] == (1,)
    assert dict(lists["types"]["stub"]["pages"])["Ems"] == (0,)
    # what the app needs to check them travels with the list
    assert lists["types"]["stub"]["check"] == ["grew"] and lists["types"]["stub"]["grow-by"] == 150
    assert lists["types"]["links"]["check"] == ["links-added"]
    # one generator request per category and per template, all types together
    config = parse_config(json.dumps(TASK_TYPES))
    generators = sum(n for action, n in counts.actions if "query" in action)
    assert len(sources(config)) == 8
    actions = dict(counts.actions)
    start = actions.get("GET paraminfo", 0) + actions.get("POST paraminfo", 0)
    assert counts.edits == 1 and counts.total - start <= 9 + len(sources(config)), counts
    assert generators >= len(sources(config))
