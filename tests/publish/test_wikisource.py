"""tours/wikisource.py: a library assembled from wiki pages, problems mapped back to page + line."""

from __future__ import annotations

import pytest

from tours.load import load_file
from tours.wikisource import SourcePage, assemble, load_from_pages, unwrap

PREFIX = "Project:Wikitours/Tours/"

TOUR = """id: {id}
title: Tour {id}
summary: A tour.
audience: newcomer
minutes: 5
version: 1
steps:
  - id: one
    page: sandbox
    title: One
    text: >-
      First step,
      folded.
  - id: two
    page: sandbox
    title: Two
    text: |
      Second step.
"""


def _page(tid: str, text: str | None = None, revid: int = 1) -> SourcePage:
    return SourcePage(f"{PREFIX}{tid}.yaml", text if text is not None else TOUR.format(id=tid), revid)


def test_one_page_per_tour_gives_the_same_library_as_one_file():
    loaded = load_from_pages([_page("b-tour"), _page("a-tour")], prefix=PREFIX)
    assert loaded.problems == ()
    lib = loaded.library
    assert [t.id for t in lib.tours] == ["a-tour", "b-tour"]  # page title order
    assert lib.tours[0].steps[0].text == "First step, folded."
    assert lib.tours[0].steps[1].text == "Second step.\n" or lib.tours[0].steps[1].text == "Second step."


def test_problems_name_the_page_line_and_column():
    bad = TOUR.format(id="b-tour").replace("minutes: 5", "minutes: five")
    loaded = load_from_pages([_page("a-tour"), _page("b-tour", bad)], prefix=PREFIX)
    assert loaded.library is None
    [problem] = [p for p in loaded.problems if p.severity == "error"]
    assert problem.file == f"{PREFIX}b-tour.yaml"
    assert (problem.line, problem.column) == (5, 10)
    assert problem.hint


def test_a_syntaxhighlight_wrapper_keeps_line_numbers():
    text = '<syntaxhighlight lang="yaml">\n' + TOUR.format(id="a-tour").replace("version: 1", "version: x") \
        + "</syntaxhighlight>\n"
    loaded = load_from_pages([_page("a-tour", text)], prefix=PREFIX)
    [problem] = [p for p in loaded.problems if p.severity == "error"]
    assert problem.line == 7 and problem.file.endswith("a-tour.yaml")
    assert unwrap("<pre>\na: 1\n</pre>") == "\na: 1\n"


def test_the_id_must_match_the_page_name():
    loaded = load_from_pages([_page("a-tour", TOUR.format(id="other"))], prefix=PREFIX)
    assert loaded.library is None
    assert any("page is named for 'a-tour'" in p.message and p.line == 1 for p in loaded.problems)


def test_header_page_with_badges_and_a_local_adaptation_replacing_a_step():
    header = SourcePage("Project:Wikitours/Library.yaml", "wikitours: 1\nsource-language: en\nbadges:\n"
                        "  - id: b\n    name: B\n    description: D\n    requires:\n      tours: [a-tour]\n"
                        "wikis:\n  - id: dewiki\n    language: de\n")
    local = SourcePage("Project:Wikitours/Local.yaml", "id: arwiki\nlanguage: ar\nchanges:\n"
                       "  - {tour: a-tour, replace: two, with: {id: two-ar, title: T, text: X}}\n")
    loaded = load_from_pages([_page("a-tour")], header=header, local=local, prefix=PREFIX)
    assert loaded.problems == (), loaded.problems
    assert [w.id for w in loaded.library.wikis] == ["arwiki"]  # the library's own list is replaced
    assert loaded.library.badges[0].id == "b"
    # an upstream removal: the local change no longer fits, reported on the LOCAL page
    removed = TOUR.format(id="a-tour").split("  - id: two")[0]
    loaded = load_from_pages([_page("a-tour", removed)], header=header, local=local, prefix=PREFIX)
    [problem] = [p for p in loaded.problems if p.severity == "error"]
    assert problem.file == local.title and problem.line == 4 and "two" in problem.message


def test_hostile_and_broken_pages_are_problems_not_crashes():
    pages = [_page("a-tour", "--- !!python/object:os.system\n{{{[[[\n\t:"),
             _page("b-tour", "\x00" * 10), _page("c-tour", "# only a comment\n"),
             _page("d-tour", "tours:\n  - id: injected\n"),
             _page("e-tour", "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
                 f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
                 for i in range(9)))]
    loaded = load_from_pages(pages, prefix=PREFIX)
    assert loaded.library is None
    files = {p.file for p in loaded.problems}
    assert files <= {p.title for p in pages} and f"{PREFIX}c-tour.yaml" in files
    assert load_from_pages([], prefix=PREFIX).problems[0].message == "no tour pages were found"
    header = SourcePage("Project:Wikitours/Library.yaml", "wikitours: 1\ntours:\n  - id: x\n")
    loaded = load_from_pages([_page("a-tour")], header=header, prefix=PREFIX)
    assert any("may not list tours" in p.message for p in loaded.problems)


def test_the_repository_library_split_into_pages_loads_the_same(tmp_path):
    import yaml

    library, _ = load_file("tours.yaml")
    data = yaml.safe_load(open("tours.yaml", encoding="utf-8"))
    pages = [SourcePage(f"{PREFIX}{t['id']}.yaml", yaml.safe_dump(t, allow_unicode=True, sort_keys=False))
             for t in data["tours"]]
    header_data = {k: v for k, v in data.items() if k != "tours"}
    header = SourcePage("Project:Wikitours/Library.yaml", yaml.safe_dump(header_data, allow_unicode=True, sort_keys=False))
    loaded = load_from_pages(pages, header=header, prefix=PREFIX)
    assert not [p for p in loaded.problems if p.severity == "error"], loaded.problems
    assert sorted(t.id for t in loaded.library.tours) == sorted(t.id for t in library.tours)
    assert {t.id: len(t.steps) for t in loaded.library.tours} == {t.id: len(t.steps) for t in library.tours}


def test_assemble_rejects_misuse():
    with pytest.raises(ValueError):
        assemble([_page("a"), _page("b")], single=True)


def test_one_page_for_the_whole_library_with_a_local_page_replacing_its_wikis():
    text = open("tours.yaml", encoding="utf-8").read()
    page = SourcePage("Project:Wikitours/Tours.yaml", text, 3)
    loaded = load_from_pages([page], single=True)
    assert not [p for p in loaded.problems if p.severity == "error"]
    assert [w.id for w in loaded.library.wikis] == ["dewiki", "arwiki"]
    local = SourcePage("Project:Wikitours/Local.yaml", "id: frwiki\nlanguage: fr\nchanges:\n"
                       "  - {tour: first-edit, remove: gone-step}\n")
    loaded = load_from_pages([page], single=True, local=local)
    [problem] = [p for p in loaded.problems if p.severity == "error"]
    assert problem.file == local.title and problem.line == 4
    broken = text.replace("minutes: 5", "minutes: -1", 1)
    loaded = load_from_pages([SourcePage(page.title, broken)], single=True)
    [problem] = [p for p in loaded.problems if p.severity == "error"]
    line = text[:text.index("minutes: 5")].count("\n") + 1
    assert problem.file == page.title and problem.line == line


HEAD_TITLE = "Project:Wikitours/Library.yaml"


@pytest.mark.parametrize("order", [
    "order: [c-tour, a-tour]",
    "order:\n  - c-tour\n  - 'a-tour'   # the second",
    "order:\n- c-tour\n- a-tour",
])
def test_the_header_orders_the_tours_then_page_names(order):
    head = SourcePage(HEAD_TITLE, "wikitours: 1\nsource-language: en\n" + order + "\nbadges: []\n")
    loaded = load_from_pages([_page("a-tour"), _page("b-tour"), _page("c-tour")], header=head, prefix=PREFIX)
    assert loaded.problems == ()
    assert [t.id for t in loaded.library.tours] == ["c-tour", "a-tour", "b-tour"]


def test_order_problems_name_the_header_line_and_column():
    head = SourcePage(HEAD_TITLE, "wikitours: 1\norder: [a-tour, Bad Id, a-tour, gone]\n")
    loaded = load_from_pages([_page("a-tour"), _page("b-tour")], header=head, prefix=PREFIX)
    found = [(p.file, p.line, p.column, p.severity, p.message) for p in loaded.problems]
    assert found == [
        (HEAD_TITLE, 2, 17, "error", "'Bad Id' in 'order' is not a tour id"),
        (HEAD_TITLE, 2, 25, "error", "'a-tour' is listed twice in 'order'"),
        (HEAD_TITLE, 2, 33, "warning", f"'order' lists 'gone', but there is no page {PREFIX}gone.yaml"),
    ]
    assert all(p.text is not None and p.hint_text is not None for p in loaded.problems)
    # hostile entries stay text: no markup reaches the message as anything but characters
    head = SourcePage(HEAD_TITLE, "order: [\"<script>x</script>\", '{{PLURAL:$1|a}}']\n")
    loaded = load_from_pages([_page("a-tour")], header=head, prefix=PREFIX)
    assert [p.message for p in loaded.problems] == [
        "'<script>x</script>' in 'order' is not a tour id", "'{{PLURAL:$1|a}}' in 'order' is not a tour id"]


def test_a_drafts_id_mismatch_says_to_rename_the_draft_not_to_publish_it():
    """Moving a draft under the tours' prefix would publish it: the hint renames it where it is."""
    draft = SourcePage("Project:Wikitours/Drafts/a-tour.yaml", TOUR.format(id="other"), 3)
    loaded = load_from_pages([_page("b-tour"), draft], prefix=PREFIX)
    [problem] = [p for p in loaded.problems if p.file == draft.title]
    assert problem.message == "the tour's id is 'other' but its page is named for 'a-tour'"
    assert problem.hint == ("set `id: a-tour`, or rename the draft to Project:Wikitours/Drafts/other.yaml "
                            "(it stays a draft; it is published only when copied to the tours' pages)")
    assert PREFIX not in problem.hint
    # a tour page is still told to move to its own name under the prefix
    loaded = load_from_pages([_page("a-tour", TOUR.format(id="other"))], prefix=PREFIX)
    assert loaded.problems[0].hint == f"set `id: a-tour`, or move the page to {PREFIX}other.yaml"


def test_library_fields_on_a_tour_page_say_where_they_belong():
    text = TOUR.format(id="a-tour") + "badges:\n  - id: x\nwikis: []\n"
    loaded = load_from_pages([_page("a-tour", text)], prefix=PREFIX)
    hints = {p.message: p.hint for p in loaded.problems}
    # a tour page may bring its own badges (issue 22: a draft with a new badge is published as
    # one page); they join the library's and are checked as such, on the page's own lines
    assert "unknown field 'badges' in tour 'a-tour'" not in hints
    badge_problems = [p for p in loaded.problems if "'x'" in p.message]
    assert badge_problems and all(p.file == f"{PREFIX}a-tour.yaml" for p in badge_problems)
    assert hints["unknown field 'wikis' in tour 'a-tour'"] == (
        "`wikis:` belongs to the whole library, not to a tour: write it at the top of the tours file "
        "(on the wiki: on the header page `Library.yaml`)")


def test_a_nul_on_a_wiki_tour_page_is_refused_at_its_page_line_and_column():
    """Issue 14: a tour page on the wiki whose title writes NUL with an escape publishes nothing;
    the problem names the page, the line, the column and the character (never the character
    itself, so the status page and the editor's note stay clean)."""
    bad = TOUR.format(id="b-tour").replace("title: Tour b-tour", 'title: "Tour \\0 b"')
    loaded = load_from_pages([_page("a-tour"), _page("b-tour", bad)], prefix=PREFIX)
    assert loaded.library is None
    [problem] = [p for p in loaded.problems if p.severity == "error"]
    assert (problem.file, problem.line, problem.column) == (f"{PREFIX}b-tour.yaml", 2, 14)
    assert problem.message == ("'title' of tour 'b-tour' contains the control character "
                               "U+0000 (NUL), which no wiki page or popover can show")
    assert "\x00" not in str(problem)
