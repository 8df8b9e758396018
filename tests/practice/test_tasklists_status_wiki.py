"""Issue 19 + every language is equal, on a real German MediaWiki: when the task types page has
problems, ``publish.tasklists`` prints them in the operator's language with line and column,
and writes them, in the wiki's language, to ``Project:Wikitours/Tasks status`` where admins look;
text quoted from the page stays text; a fixed page turns the status page back to "up to date"."""

from __future__ import annotations

import json
import subprocess
import sys

from playground.practiceseed import TASK_TYPES, seed_task_articles
from publish.taskstatus import STATUS_TITLE
from publish.tasklists import run
from wikiapi.client import Wiki

EVIL = "<script>alert(1)</script>[[Category:Spam]]{{Delete}}"


def test_a_german_wiki_sees_the_task_types_problems_in_german(make_wiki):
    wiki = make_wiki(language="de")
    seed_task_articles(wiki)
    # no problem yet: no status page (a wiki that never had one is not given one)
    run(Wiki(wiki.site()), log=lambda line: None)
    assert wiki.wikitext(STATUS_TITLE) is None
    broken = json.dumps(dict(TASK_TYPES, offer=99, topics=[*TASK_TYPES["topics"], EVIL]), indent=1)
    wiki.edit("Project:Wikitours/Tasks.json", broken, contentmodel="json")
    said: list[str] = []
    report = run(Wiki(wiki.site()), log=said.append, lang="fr")
    assert len(report.problems) == 2 and report.revision
    # the operator's console: French here, with the line and column in the page
    offer_line = next(n for n, line in enumerate(broken.splitlines(), 1) if '"offer"' in line)
    assert any(f"Tasks.json:{offer_line}:" in line and "nombre entier de 1 à 10" in line
               for line in said), said
    assert not any("whole number" in line for line in said)
    # the job as it runs: ``--lang de`` is the console's language, not Pywikibot's wiki
    done = subprocess.run([sys.executable, "-m", "publish.tasklists", "--lang", "de"],
                          capture_output=True, text=True, env=wiki.pywikibot_env(), timeout=300)
    console = done.stdout + done.stderr
    assert done.returncode == 0, console
    assert f"Tasks.json:{offer_line}:" in console and "ganze Zahl von 1 bis 10" in console, console
    assert "whole number" not in console and "Aufgabenlisten aus Version" in console
    # the wiki's status page: German, the quoted name shown as text, never as markup
    status = wiki.wikitext(STATUS_TITLE)
    assert "|2 Probleme}} auf der Seite der Aufgabentypen" in status  # the wiki's PLURAL
    assert "2 Probleme auf der Seite der Aufgabentypen" in wiki.html(STATUS_TITLE)
    assert f", Zeile {offer_line}:" in status
    assert "ganze Zahl von 1 bis 10" in status and "whole number" not in status
    html = wiki.call(action="parse", page=STATUS_TITLE, prop="text|categories|templates",
                     formatversion=2)["parse"]
    assert "<script>" not in html["text"] and "&lt;script&gt;" in html["text"]
    assert not html["categories"] and not html["templates"]
    # fixed: the status page says so, and an unchanged run does not edit it again
    wiki.edit("Project:Wikitours/Tasks.json", json.dumps(TASK_TYPES, indent=1), contentmodel="json")
    assert not run(Wiki(wiki.site()), log=lambda line: None).problems
    assert "Die Aufgabenlisten sind aktuell" in wiki.wikitext(STATUS_TITLE)
    edits = len(wiki.history(STATUS_TITLE))
    assert edits == 2
    run(Wiki(wiki.site()), log=lambda line: None)
    assert len(wiki.history(STATUS_TITLE)) == edits
