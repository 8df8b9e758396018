"""docs/tutorial.md, the admins' step-by-step tutorial (issue 22), is followed by this test:
its pages compile with the shipped library exactly as written, the tour's badge is announced
only with its other requirement, the broken example gives the error the tutorial shows, and the
translation is accepted for the new keys. Pure (the compiler on wiki pages)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tours.i18n import source_messages
from tours.render.gadgetdata import tour_data
from publish.seed import split_library
from tours.wikisource import SourcePage, load_from_pages

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "tutorial.md").read_text(encoding="utf-8")
PREFIX = "Project:Wikitours/Tours/"
HEADER = "Project:Wikitours/Library.yaml"
BLOCK = re.compile(r"<!-- tutorial-(page|broken|error|translation): ?([^ ]*) ?-->\n"
                   r"```\w+\n(.*?)```",
                   re.S)


def blocks(kind: str) -> list[tuple[str, str]]:
    found = [(title, text) for k, title, text in BLOCK.findall(DOC) if k == kind]
    assert found, kind
    return found


def load_with_shipped(title: str, text: str):
    """The shipped library as the wiki holds it (one page per tour) plus the tutorial's page,
    published under the tours' prefix as step 5 says."""
    seed, problems = split_library((ROOT / "tours.yaml").read_bytes())
    assert seed is not None, problems
    pages = dict(seed.pages)
    tours = [SourcePage(t, x) for t, x in pages.items() if t != HEADER]
    published = SourcePage(PREFIX + title.rsplit("/", 1)[1], text)
    return load_from_pages(tours + [published], header=SourcePage(HEADER, pages[HEADER]),
                           prefix=PREFIX)


def test_the_tutorials_draft_compiles_with_the_shipped_library():
    [(title, text)] = blocks("page")
    assert title == "Project:Wikitours/Drafts/reply-on-talk.yaml"
    loaded = load_with_shipped(title, text)
    assert loaded.problems == (), [str(p) for p in loaded.problems]
    lib = loaded.library
    badge = lib.badge("conversation-starter")
    assert badge.requires_tours == ("reply-on-talk", "ask-mentor")
    data = json.loads(tour_data(lib, lib.tour("reply-on-talk")).content)
    assert data["badge"] == "conversation-starter"
    assert set(data["badgeRequires"]) == {"ask-mentor", "reply-on-talk"}


def test_the_broken_example_gives_the_error_the_tutorial_shows():
    [(title, text)] = blocks("broken")
    [(_, shown)] = blocks("error")
    loaded = load_with_shipped(title, text)
    [problem] = [p for p in loaded.problems if p.severity == "error"]
    # the tutorial shows the draft's name; the check publishes it under the tours' prefix
    assert str(problem).replace(PREFIX, "Project:Wikitours/Drafts/") == shown.strip()


def test_the_translation_example_translates_the_new_tour():
    [(title, text)] = blocks("page")
    lib = load_with_shipped(title, text).library
    [(lang, body)] = blocks("translation")
    assert lang == "de"
    keys = set(source_messages(lib))
    translation = json.loads(body)
    assert set(translation) <= keys, set(translation) - keys
    assert all(k.startswith(("wikitours-tour-reply-on-talk-", "wikitours-badge-conversation"))
               for k in translation)


def test_the_tutorial_is_linked_from_the_readme_and_the_references():
    for doc in ("README.md", "docs/tour-language.md", "docs/community.md"):
        assert "tutorial.md" in (ROOT / doc).read_text(encoding="utf-8"), doc
