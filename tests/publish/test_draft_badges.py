"""A tour page, and so a draft, may carry its own badges (issue 22).

Adding a tour with a new badge used to mean editing ``Library.yaml`` live, before the tour
existed: "badge requires unknown tour" stopped publishing until the tour page followed. Now the
badge is written in the draft beside its tour (``badges:``), previewed with it against the live
library, and published with it in one move of the page. Pure: :mod:`tours.wikisource`.
"""

from __future__ import annotations

from publish.statuspage import Status, render_status
from tours.wikisource import SourcePage, load_from_pages

PREFIX = "Project:Wikitours/Tours/"
HEADER = SourcePage("Project:Wikitours/Library.yaml", """<pre>
wikitours: 1
source-language: en
badges:
  - id: communicator
    name: Communicator
    description: Asked a question.
    requires:
      tours: [ask-mentor]
</pre>""")


def tour(tour_id: str, extra: str = "") -> SourcePage:
    return SourcePage(f"{PREFIX}{tour_id}.yaml", f"""id: {tour_id}
title: {tour_id.title()}
summary: A tour.
audience: newcomer
minutes: 2
{extra}steps:
  - id: one
    title: One
    text: The only step.
""")


REPLY = tour("reply-on-talk", "badge: conversation-starter\n")
REPLY_WITH_BADGE = SourcePage(REPLY.title, REPLY.text + """badges:
  - id: conversation-starter
    name: Conversation starter
    description: Replied on a talk page and asked their mentor.
    requires:
      tours: [reply-on-talk, ask-mentor]
""")


def test_a_tour_page_defines_its_new_badge_beside_the_librarys():
    loaded = load_from_pages([tour("ask-mentor"), REPLY_WITH_BADGE], header=HEADER,
                             prefix=PREFIX)
    assert loaded.problems == (), [str(p) for p in loaded.problems]
    lib = loaded.library
    assert [b.id for b in lib.badges] == ["communicator", "conversation-starter"]
    assert lib.badge("conversation-starter").requires_tours == ("reply-on-talk", "ask-mentor")
    assert lib.tour("reply-on-talk").badge == "conversation-starter"


def test_without_the_badge_the_tour_names_an_unknown_badge():
    """What the admin ran into: the tour and the badge on different pages, one edit apart."""
    loaded = load_from_pages([tour("ask-mentor"), REPLY], header=HEADER, prefix=PREFIX)
    assert loaded.library is None
    assert any(p.file == REPLY.title for p in loaded.problems)


def test_a_badge_error_in_a_tour_page_is_reported_on_its_own_line():
    broken = SourcePage(REPLY.title, REPLY_WITH_BADGE.text.replace(
        "[reply-on-talk, ask-mentor]", "[reply-on-talk, ask-mentr]"))
    loaded = load_from_pages([tour("ask-mentor"), broken], header=HEADER, prefix=PREFIX)
    assert loaded.library is None
    [problem] = [p for p in loaded.problems if p.severity == "error"]
    line = broken.text.splitlines().index("      tours: [reply-on-talk, ask-mentr]") + 1
    assert (problem.file, problem.line) == (broken.title, line), str(problem)
    assert "ask-mentr" in str(problem.text.params)
    # and the header's own badges keep their lines too
    header = SourcePage(HEADER.title, HEADER.text.replace("[ask-mentor]", "[nope]"))
    loaded = load_from_pages([tour("ask-mentor"), REPLY_WITH_BADGE], header=header,
                             prefix=PREFIX)
    [problem] = [p for p in loaded.problems if p.severity == "error"]
    assert (problem.file, problem.line) == (HEADER.title, 9), str(problem)


def test_badge_items_at_any_indentation_join_one_list():
    flush = SourcePage(REPLY.title, REPLY.text + """badges:
- id: conversation-starter
  name: Conversation starter
  description: Replied.
  requires:
    tours: [reply-on-talk]
""")
    deep = SourcePage(f"{PREFIX}welcome.yaml", tour("welcome").text + """badges:
      # a comment less indented than the items is fine
        - id: welcomed
          name: Welcomed
          description: Took the welcome tour.
          requires:
            tours: [welcome]
""")
    loaded = load_from_pages([tour("ask-mentor"), flush, deep], header=HEADER, prefix=PREFIX)
    assert loaded.problems == (), [str(p) for p in loaded.problems]
    assert [b.id for b in loaded.library.badges] == ["communicator", "conversation-starter",
                                                     "welcomed"]


def test_two_pages_defining_one_badge_is_an_error_on_a_page():
    twice = SourcePage(f"{PREFIX}ask-mentor.yaml", tour("ask-mentor").text + """badges:
  - id: communicator
    name: Again
    description: Again.
    requires:
      tours: [ask-mentor]
""")
    loaded = load_from_pages([twice, REPLY_WITH_BADGE], header=HEADER, prefix=PREFIX)
    assert loaded.library is None
    assert {p.file for p in loaded.problems if p.severity == "error"} <= {twice.title,
                                                                           HEADER.title}


def test_the_status_page_never_says_published_anyway_when_nothing_was_published():
    from tours.model import Problem
    from tours.problemtext import T
    from publish.statuspage import PageError

    warning = Problem("Project:Wikitours/Tours/a.yaml", 3, 1,
                      T("wikitours-problem-wikisource-empty-page"),
                      None, "warning")
    error = Problem("Project:Wikitours/Library.yaml", 9, 1,
                    T("wikitours-problem-requires-unknown-tour", "badge 'x'", "y"))
    page = render_status(Status(lang="en", errors=(PageError(error),), warnings=(warning,)))
    assert "published anyway" not in page
    assert "Warnings" in page
    ok = render_status(Status(lang="en", warnings=(warning,)))
    assert "published anyway" in ok
