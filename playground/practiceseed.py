"""Sample articles that carry maintenance templates, for the playground, the tests and the
benchmark (issue 19): "citation needed", "copy edit", "dead end", "orphan" and "stub" templates
that look and categorise like the real ones (with the class names the task tours point at), a
few articles for each (one protected, some about music), articles a dead end can link to, and
the task types page with a type for each kind of work.

An orphan is seeded but no type lists it: its fix is a link *to* it from another article, which
the learner's edit of the orphan cannot show (docs/contracts.md §14); it shows that the lists
leave out what no type names.

*wiki* is a :class:`localwiki.LocalWiki` (the playground's or a test's)."""

from __future__ import annotations

import json

from localwiki.client import call, token

CITATION_TEMPLATE = (
    '<sup class="noprint Inline-Template Template-Fact" style="white-space:nowrap;">'
    "&#91;<i>citation needed</i>&#93;</sup><includeonly>"
    "[[Category:Articles with unsourced statements]]</includeonly><noinclude>"
    "Marks a statement that needs a source.</noinclude>")


def _banner(name: str, css: str, text: str, category: str, doc: str) -> str:
    """A message box like the wikis' own (``ambox ambox-style ambox-<name>``)."""
    return (f'<table class="box-{name} plainlinks metadata ambox ambox-style ambox-{css}" '
            f'role="presentation"><tr><td class="mbox-text">{text}</td></tr></table>'
            f"<includeonly>[[Category:{category}]]</includeonly><noinclude>{doc}</noinclude>")


TEMPLATES = {
    "Template:Citation needed": CITATION_TEMPLATE,
    "Template:Copy edit": _banner(
        "Copy_edit", "Copy_edit", "This article may need to be <b>copy edited</b> for grammar, "
        "style, cohesion, tone or spelling.", "Wikipedia articles needing copy edit",
        "Marks an article whose writing needs work."),
    "Template:Dead end": _banner(
        "Dead_end", "dead_end", "This article has no links to other articles. Please help by "
        "adding links to related articles.", "Dead-end pages",
        "Marks an article that links to no other article."),
    "Template:Orphan": _banner(
        "Orphan", "Orphan", "This article is an orphan: no other article links to it.",
        "Orphaned articles", "Marks an article no other article links to."),
    "Template:Stub": (
        '<div class="metadata plainlinks asbox stub" role="presentation">This article is a '
        "<b>stub</b>. You can help by expanding it.</div>"
        "<includeonly>[[Category:Stub articles]]</includeonly>"
        "<noinclude>Marks an article that is only a few sentences long.</noinclude>"),
}

ARTICLES = {
    "Rhine": "The '''Rhine''' is a river in Europe. It is about 1,230 km long."
             "{{Citation needed|date=December 2026}}\n\n[[Category:Rivers]]",
    "Danube": "The '''Danube''' flows into the Black Sea.{{Citation needed}}\n\n"
              "[[Category:Rivers]]",
    "Elbe": "The '''Elbe''' rises in the Krkonoše mountains.{{citation needed}}\n\n"
            "[[Category:Rivers]]",
    "Blues": "'''Blues''' is a music genre.{{Citation needed}}\n\n[[Category:Music]]",
    "Locked article": "A protected article.{{Citation needed}}",
    # copyedit
    "Moselle": "{{Copy edit|date=December 2026}}\nThe '''Moselle''' are a river wich flows "
               "trough France, Luxembourg and Germany. It join the Rhine at Koblenz.\n\n"
               "[[Category:Rivers]]",
    "Jazz": "{{Copy edit}}\n'''Jazz''' is a music genre who originated in New Orleans, it's "
            "roots are in blues and ragtime.\n\n[[Category:Music]]",
    # dead ends, and articles they can link to
    "Weser": "{{Dead end|date=December 2026}}\nThe '''Weser''' is a river in Germany. It flows "
             "through Bremen and into the North Sea.\n\n[[Category:Rivers]]",
    "Oder": "{{Dead end}}\nThe '''Oder''' forms part of the border between Germany and "
            "Poland.\n\n[[Category:Rivers]]",
    "Bremen": "'''Bremen''' is a city in the north of [[Germany]], on the [[Weser]].",
    "North Sea": "The '''North Sea''' lies between Great Britain and the mainland of Europe.",
    "Germany": "'''Germany''' is a country in Central Europe.",
    # an orphan: no article links to it, and no type lists it (see the module)
    "Hunte": "{{Orphan|date=December 2026}}\nThe '''Hunte''' is a river in Lower Saxony; it "
             "flows into the [[Weser]].\n\n[[Category:Rivers]]",
    # stubs
    "Ems": "The '''Ems''' is a river in north-western Germany.\n\n{{Stub}}\n\n"
           "[[Category:Rivers]]",
    "Ska": "'''Ska''' is a music genre from Jamaica.\n\n{{Stub}}\n\n[[Category:Music]]",
}

#: Which seeded articles each type lists (the protected one never is).
EXPECTED = {
    "citation": {"Rhine", "Danube", "Elbe", "Blues"},
    "copyedit": {"Moselle", "Jazz"},
    "links": {"Weser", "Oder"},
    "stub": {"Ems", "Ska"},
}

TASK_TYPES = {
    "format": 1,
    "types": [{"id": "citation", "tour": "citation-task", "learn": "add-citation",
               "badge": "citation", "categories": ["Articles with unsourced statements"],
               "templates": ["Citation needed"], "check": ["template-removed", "reference"]},
              {"id": "copyedit", "tour": "copyedit-task", "learn": "first-edit",
               "badge": "first-edit", "categories": ["Wikipedia articles needing copy edit"],
               "templates": ["Copy edit"], "check": ["prose-changed"]},
              {"id": "links", "tour": "links-task", "learn": "first-edit", "badge": "first-edit",
               "categories": ["Dead-end pages"], "templates": ["Dead end"],
               "check": ["links-added"]},
              {"id": "stub", "tour": "stub-task", "learn": "citation-task", "badge": "citation",
               "categories": ["Stub articles"], "templates": ["Stub"], "check": ["grew"],
               "grow-by": 150}],
    "topics": ["Rivers", "Music"], "offer": 3, "levels": [1, 3, 10], "streak": "day",
}


def seeded(wiki) -> bool:
    """Whether the sample is already there (a restarted playground keeps its wiki)."""
    return wiki.wikitext("Project:Wikitours/Tasks.json") is not None


def seed_task_articles(wiki, extra: int = 0) -> None:
    """The templates, the articles (plus *extra* numbered ones needing a citation), the
    protection, the types page (saved by the admin, so reviewed)."""
    for title, text in TEMPLATES.items():
        wiki.edit(title, text)
    for title, text in ARTICLES.items():
        wiki.edit(title, text)
    for i in range(extra):
        wiki.edit(f"River {i:04d}", f"River number {i}.{{{{Citation needed}}}}\n[[Category:Rivers]]")
    session = wiki.session(wiki.admin.name)
    call(session, wiki.api, "POST", action="protect", title="Locked article",
         protections="edit=sysop", token=token(session, wiki.api))
    wiki.edit("Project:Wikitours/Tasks.json", json.dumps(TASK_TYPES, indent=1),
              contentmodel="json")
