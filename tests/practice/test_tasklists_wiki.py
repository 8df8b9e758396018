"""Issue 19 on a real MediaWiki: the bot reads the reviewed task types page, finds the articles
in the maintenance category and template with batched queries, and publishes the cached list
the gadget offers from; an unreviewed edit to the types page changes nothing."""

from __future__ import annotations

import json

import pytest

from wikiapi.client import Wiki
from publish.tasklists import run
from practice.tasklist import parse_list
from practice.tasklist import sources
from practice.tasktypes import LIST_TITLE, parse_config
from playground.practiceseed import TASK_TYPES, seed_task_articles


@pytest.fixture(scope="module")
def seeded(wiki):
    seed_task_articles(wiki)
    wiki.create_user("Vandal Vic")
    return wiki


def published(wiki) -> dict:
    return parse_list(wiki.wikitext(LIST_TITLE))


def test_the_bot_publishes_articles_needing_citations_with_topics_and_few_requests(seeded):
    wiki = seeded
    site = wiki.site()
    site.tokens["csrf"]  # Pywikibot's one-time start (login, site info, tokens) is not counted
    mark = wiki.log_mark()
    report = run(Wiki(site), log=lambda line: None)
    assert report.revision and report.saved and not report.problems, report
    counts = wiki.api_counts(since=mark)
    lists = published(wiki)
    pages = dict(lists["types"]["citation"]["pages"])
    # the protected article is never offered; every unprotected one is, with its topics
    assert set(pages) == {"Rhine", "Danube", "Elbe", "Blues"}
    assert pages["Blues"] == (1,) and pages["Rhine"] == (0,)
    assert lists["types"]["citation"]["tour"] == "citation-task"
    # one generator query per source (each type's category and template), five reads to review the
    # types page (history, approvals, user groups, users, the text), the list page, one edit;
    # Pywikibot adds up to two reads of its own, and describes the edit module once per process
    # (paraminfo: part of its start, like login and site info)
    actions = dict(counts.actions)
    start = actions.get("GET paraminfo", 0) + actions.get("POST paraminfo", 0)
    per_source = len(sources(parse_config(json.dumps(TASK_TYPES))))
    assert start <= 1 and counts.edits == 1 and counts.total - start <= 9 + per_source, counts
    assert wiki.page_info(LIST_TITLE)["contentmodel"] == "json"
    # nothing changed: no edit
    again = run(Wiki(wiki.site()), log=lambda line: None)
    assert not again.saved


def test_an_unreviewed_edit_of_the_types_page_is_not_used(seeded):
    wiki = seeded
    run(Wiki(wiki.site()), log=lambda line: None)
    before = wiki.wikitext(LIST_TITLE)
    forged = dict(TASK_TYPES, types=[dict(TASK_TYPES["types"][0], categories=["Rivers"],
                                          templates=[])])
    # the types page is protected on a real wiki; an untrusted account saving it (here it is
    # left open) is exactly the revision the rules must not use
    wiki.edit("Project:Wikitours/Tasks.json", json.dumps(forged), user="Vandal Vic",
              contentmodel="json")
    report = run(Wiki(wiki.site()), log=lambda line: None)
    assert report.waiting == 1 and not report.saved
    assert wiki.wikitext(LIST_TITLE) == before


def test_the_playground_runs_the_bot_as_a_script(seeded, capsys):
    """``python -m publish.tasklists`` through Pywikibot's own configuration, as the playground and
    the Toolforge job run it; ``-help`` prints the module's documentation without connecting."""
    import subprocess
    import sys

    from playground.cli import seed_tasks

    wiki = seeded
    wiki.edit("Orinoco", "The Orinoco.{{Citation needed}}")
    assert seed_tasks(wiki) == 0
    assert "Orinoco" in dict(published(wiki)["types"]["citation"]["pages"])
    assert "task lists from revision" in capsys.readouterr().out
    helped = subprocess.run([sys.executable, "-m", "publish.tasklists", "-help"], capture_output=True,
                            text=True, env=wiki.pywikibot_env(), timeout=120)
    assert helped.returncode == 0 and "MediaWiki:Gadget-wikitours-tasks.json" in helped.stdout
