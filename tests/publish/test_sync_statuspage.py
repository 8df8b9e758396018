"""publish/statuspage.py: status, talk-note and translation pages as safe wikitext."""

from __future__ import annotations

import json

from tours.i18n import check, load_banana, source_messages
from tours.load import load_file
from tours.model import Problem
from publish.statuspage import (PageError, Status, escape, render_status, render_talk_note,
                              render_translation_index, render_translation_status, talk_marker)

HOSTILE = "[[Category:Pwned]] {{delete}} <script>alert(1)</script> ~~~~ __NOTOC__ http://evil.example | '''x'''"


def _unsafe(text: str) -> list[str]:
    return [s for s in ("[[Category:Pwned", "{{delete", "<script", "~~~", "__NOTOC__", "http://evil", "'''x")
            if s in text]


def test_escape_leaves_no_markup():
    assert _unsafe(escape(HOSTILE)) == []
    assert "\n" not in escape("line one\n* line two\n== three ==")
    assert len(escape("x" * 10000)) < 700


def test_status_page_lists_errors_with_line_fix_diff_and_editor():
    p = Problem("Project:Wikitours/Tours/a.yaml", 7, 10, f"bad value {HOSTILE}", f"fix {HOSTILE}")
    status = Status(lang="en", errors=(PageError(p, 120, 100, "Ed <b>itor"),),
                    sources=("Project:Wikitours/Tours/a.yaml",), live_version="0123456789ab",
                    live_sources=(("Project:Wikitours/Tours/a.yaml", 100),), checked="2026-11-25T10:00:00Z")
    text = render_status(status)
    assert _unsafe(text) == []
    assert "line 7" in text and "How to fix it" in text
    assert "[[Special:Diff/100/120|" in text and "[[:User:Ed <b>itor" not in text
    assert "0123456789ab" in text and "nothing was published" in text
    # the same on another wiki: external links to the library wiki
    remote = render_status(Status(lang="ar", errors=(PageError(p, 120, 0, "Ed", "http://127.0.0.1:9/index.php"),),
                                  source_index="http://127.0.0.1:9/index.php"))
    assert "http://127.0.0.1:9/index.php?title=Special%3ADiff&diff=120" in remote
    assert 'dir="rtl"' in remote
    # fixed
    ok = render_status(Status(lang="en", fixed=(("Project:Wikitours/Tours/a.yaml", 120),), live_version="x"))
    assert "up to date" in ok and "Fixed" in ok


def test_talk_note_carries_the_revision_marker_once():
    heading, text = render_talk_note("en", title="Project:Wikitours/Tours/a.yaml", revid=5, good_revid=4,
                                     errors=2, status_title="Project:Wikitours/Status")
    assert text.startswith(talk_marker(5)) and text.count("wikitours:sync-error") == 1
    assert "2 errors" in text or "{{PLURAL:2" in text
    assert "[[Special:Diff/4/5|" in text


def test_translation_status_pages_show_percent_missing_outdated_and_rtl():
    library, _ = load_file("tours.yaml")
    sources = source_messages(library)
    key = next(iter(sources))
    ar, _ = load_banana(json.dumps({"@metadata": {"source-hashes": {key: "00000000"}}, key: "نص"}),
                        "Project:Wikitours/i18n/ar.json", "ar")
    report = check(library, {"ar": ar})
    page = render_translation_status(report, sources, "ar", page_lang="en",
                                     translation_title="Project:Wikitours/i18n/ar.json")
    assert "right to left" in page and 'dir="rtl"' in page
    assert "Outdated" in page and key in page  # the hash does not match: outdated
    assert "{{fullurl:Project:Wikitours/i18n/ar.json|action=edit}}" in page
    assert f"{len(sources) - 1} missing" in page
    index = render_translation_index(report, page_lang="en", titles={"ar": "Project:Wikitours/i18n/ar.json"},
                                     status_titles={"ar": "Project:Wikitours/i18n/Status/ar"},
                                     new_example="Project:Wikitours/i18n/xx.json")
    assert "(rtl)" in index and "0%" in index


def test_compiler_problems_are_shown_in_the_wikis_language():
    """What is wrong and how to fix it come from i18n/compiler in the status page's language;
    the quoted YAML stays as the editor wrote it, escaped."""
    from tours.load import load_library
    from tours.problemtext import problem_in

    text = open("tours.yaml", encoding="utf-8").read().replace("audience: newcomer", "audience: <b>nobody</b>", 1)
    _, problems = load_library(text, "Project:Wikitours/Tours.yaml")
    [problem] = [p for p in problems if p.severity == "error"]
    pages = {}
    for lang in ("en", "de", "ar", "he"):
        message, hint = problem_in(problem, lang)
        page = render_status(Status(lang=lang, errors=(PageError(problem, 12, 10, "Ed"),)))
        assert escape(message) in page and escape(hint) in page
        assert "<b>nobody" not in page and "&lt;b&gt;nobody&lt;/b&gt;" in page
        pages[lang] = page
    english = escape(problem.message)
    assert english in pages["en"] and english not in pages["de"] and english not in pages["ar"]
    assert problem_in(problem, "de")[0] != problem.message != problem_in(problem, "ar")[0]
    assert 'dir="rtl"' in pages["ar"] and 'dir="rtl"' in pages["he"]


def test_hints_on_the_wiki_are_wikitext_with_code_not_markdown_backticks():
    """Console hints mark code with backticks; the status page and draft previews show it as
    <code>, and a value quoted between backticks stays inert."""
    from tours.problemtext import T
    from publish.statuspage import render_draft_errors, wikitext

    p = Problem("Project:Wikitours/Drafts/a.yaml", 1, 1, T("wikitours-problem-wikisource-id-not-page-name", "b", "a"),
                T("wikitours-hint-wikisource-id-not-page-name", "`id: a`", "Project:Wikitours/Tours/b.yaml"))
    for text in (render_status(Status(lang="en", errors=(PageError(p, 2, 1, "Ed"),))),
                 render_draft_errors("en", draft=p.file, revid=2, problems=[p], live="")):
        assert "<code>id: a</code>" in text and "`" not in text
    assert wikitext("use `<script>alert(1)</script>` or `{{delete}}`") == (
        "use <code>&lt;script&gt;alert(1)&lt;/script&gt;</code> or <code>&#123;&#123;delete&#125;&#125;</code>")
    assert _unsafe(wikitext(f"`{HOSTILE}`")) == []
    assert wikitext("a lone ` backtick") == "a lone ` backtick"
