"""Sample articles that carry maintenance templates, for the playground, the tests and the
benchmark (issue 19): a "citation needed" template that categorises like the real one, a few
articles needing citations (one protected, one about music), and the task types page.

*wiki* is a :class:`localwiki.LocalWiki` (the playground's or a test's)."""

from __future__ import annotations

import json

from localwiki.client import call, token

CITATION_TEMPLATE = (
    '<sup class="noprint Inline-Template Template-Fact" style="white-space:nowrap;">'
    "&#91;<i>citation needed</i>&#93;</sup><includeonly>"
    "[[Category:Articles with unsourced statements]]</includeonly><noinclude>"
    "Marks a statement that needs a source.</noinclude>")

ARTICLES = {
    "Rhine": "The '''Rhine''' is a river in Europe. It is about 1,230 km long."
             "{{Citation needed|date=December 2026}}\n\n[[Category:Rivers]]",
    "Danube": "The '''Danube''' flows into the Black Sea.{{Citation needed}}\n\n"
              "[[Category:Rivers]]",
    "Elbe": "The '''Elbe''' rises in the Krkonoše mountains.{{citation needed}}\n\n"
            "[[Category:Rivers]]",
    "Blues": "'''Blues''' is a music genre.{{Citation needed}}\n\n[[Category:Music]]",
    "Locked article": "A protected article.{{Citation needed}}",
}

TASK_TYPES = {
    "format": 1,
    "types": [{"id": "citation", "tour": "citation-task", "learn": "add-citation",
               "badge": "citation", "categories": ["Articles with unsourced statements"],
               "templates": ["Citation needed"], "check": ["template-removed", "reference"]}],
    "topics": ["Rivers", "Music"], "offer": 3, "levels": [1, 3, 10], "streak": "day",
}


def seeded(wiki) -> bool:
    """Whether the sample is already there (a restarted playground keeps its wiki)."""
    return wiki.wikitext("Project:Wikitours/Tasks.json") is not None


def seed_task_articles(wiki, extra: int = 0) -> None:
    """The template, the articles (plus *extra* numbered ones), the protection, the types page
    (saved by the admin, so reviewed)."""
    wiki.edit("Template:Citation needed", CITATION_TEMPLATE)
    for title, text in ARTICLES.items():
        wiki.edit(title, text)
    for i in range(extra):
        wiki.edit(f"River {i:04d}", f"River number {i}.{{{{Citation needed}}}}\n[[Category:Rivers]]")
    session = wiki.session(wiki.admin.name)
    call(session, wiki.api, "POST", action="protect", title="Locked article",
         protections="edit=sysop", token=token(session, wiki.api))
    wiki.edit("Project:Wikitours/Tasks.json", json.dumps(TASK_TYPES, indent=1),
              contentmodel="json")
