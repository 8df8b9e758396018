"""Issue 19, the checks of the copyedit, links and stub task types (pure): what the learner's
edit must do for each, parsed from the wiki's task types page, carried through the published
list, and safe on hostile wikitext."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone

from practice.tasklist import config_from_published, parse_list, render, build
from practice.tasktypes import CHECKS, DEFAULT_GROW_BY, parse_config
from practice.verify import TaskEntry, check_task, what_it_did
from practice.wikitext import article_links, prose
from contracts.revisions import Revision
from tours.problemkinds import from_message

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=timezone.utc)
TOURS = frozenset({"citation-task", "copyedit-task", "links-task", "stub-task"})
TYPES = {
    "format": 1,
    "types": [
        {"id": "copyedit", "tour": "copyedit-task", "learn": "first-edit", "badge": "first-edit",
         "categories": ["Wikipedia articles needing copy edit"], "templates": ["Copy edit"],
         "check": ["prose-changed"]},
        {"id": "links", "tour": "links-task", "learn": "first-edit", "badge": "first-edit",
         "categories": ["Dead-end pages"], "templates": ["Dead end"], "check": ["links-added"]},
        {"id": "stub", "tour": "stub-task", "learn": "citation-task", "badge": "citation",
         "categories": ["Stub articles"], "templates": ["Stub"], "check": ["grew"],
         "grow-by": 80},
    ],
}


def types(**changes):
    config = parse_config(json.dumps({**TYPES, **changes}), TOURS)
    return config, {t.id: t for t in config.types}


def rev(before: str, after: str, title: str = "Weser", **kw) -> Revision:
    return Revision(7, title=title, namespace=0, user="Tam", timestamp="2026-12-05T10:00:00Z",
                    text=after, parent_text=before, **kw)


def verdict(type_id: str, before: str, after: str, title: str = "Weser"):
    _, by_id = types()
    return check_task(TaskEntry(type_id, title, 7), by_id[type_id], "Tam",
                      {7: rev(before, after, title)}, NOW, timedelta(hours=1))


# --- the types page ------------------------------------------------------------------------

def test_the_new_checks_are_named_and_parsed_with_their_settings():
    assert {"prose-changed", "links-added", "grew"} <= set(CHECKS)
    config, by_id = types()
    assert not config.problems
    assert by_id["copyedit"].check == ("prose-changed",)
    assert by_id["links"].check == ("links-added",)
    assert by_id["stub"].check == ("grew",) and by_id["stub"].grow_by == 80
    assert by_id["copyedit"].grow_by == DEFAULT_GROW_BY
    # a type without "check" keeps the citation checks it always had
    plain = parse_config(json.dumps({"format": 1, "types": [
        {"id": "citation", "tour": "citation-task", "templates": ["Citation needed"]}]}))
    assert plain.types[0].check == ("template-removed", "reference")


def test_a_bad_grow_by_drops_its_type_with_a_readable_problem():
    for bad in (0, -5, 10**9, "300", True, 2.5, [300]):
        config, by_id = types(types=[{**TYPES["types"][2], "grow-by": bad}, TYPES["types"][1]])
        assert "stub" not in by_id and "links" in by_id, bad
        (problem,) = config.problems
        assert problem.message.key == "wikitours-problem-tasks-type-grow-by"
        assert problem.line > 0
        assert "grow-by" in str(from_message(problem.message))
    config, _ = types(types=[{**TYPES["types"][0], "check": ["prose-changed", "spelling"]}])
    assert "links-added" in str(from_message(config.problems[0].message))


def test_the_published_list_carries_grow_by_back_to_the_app():
    config, _ = types()
    published = parse_list(render(build(config, {}), 12))
    again = {t.id: t for t in config_from_published(published).types}
    assert again["stub"].grow_by == 80 and again["stub"].check == ("grew",)
    assert again["links"].check == ("links-added",)
    assert again["copyedit"].check == ("prose-changed",)


# --- prose and links -------------------------------------------------------------------------

def test_prose_keeps_the_words_a_reader_reads():
    text = ("{{Copy edit|date=December 2026}}{{Infobox river|name={{lang|de|Weser}}}}\n"
            "== History ==\nThe '''[[Weser]]''' flows<ref name=a>Atlas, p. 3</ref> through "
            "[[Bremen|the city of Bremen]]<ref name=a/> to the [[North Sea]].<!-- check -->\n"
            "[[File:Weser.jpg|thumb|The [[Weser]] at Hamelin]]\n"
            "{| class=wikitable\n| 1 || 2\n|}\n* a [http://example.org list item]\n"
            "[[Category:Rivers]]\n[[de:Weser]]")
    assert prose(text) == ("History The Weser flows through the city of Bremen to the North Sea. "
                           "a list item")


def test_article_links_are_distinct_article_titles_only():
    text = ("[[weser]] [[Weser|again]] [[North_Sea#Coast|sea]] [[:Bremen]] [[#History]] "
            "[[Category:Rivers]] [[:Category:Rivers]] [[File:A.jpg]] [[de:Weser]] [[pt-br:X]] "
            "[[Wiktionary:river]] [[User talk:Tam]] [[Kategorie:Flüsse]] [[تصنيف:أنهار]] "
            "[[Star Wars: Episode IV]] [[Ems]] <nowiki>[[Hidden]]</nowiki> <!-- [[Comment]] -->")
    assert article_links(text, "Ems") == frozenset(
        {"Weser", "North Sea", "Bremen", "Star Wars: Episode IV"})


# --- the verdicts ------------------------------------------------------------------------------

DEAD_END = "{{Dead end|date=December 2026}}\nThe '''Weser''' flows through Bremen to the North Sea."


def test_links_added_counts_a_new_link_to_an_article():
    linked = DEAD_END.replace("Bremen", "[[Bremen]]")
    c = verdict("links", DEAD_END, linked)
    assert c.status == "ok" and c.did == ("links-added",)
    # the template removed alone, a link to a category, to itself or a file: not a link added
    for after in (DEAD_END.replace("{{Dead end|date=December 2026}}", ""),
                  DEAD_END + "\n[[Category:Rivers]]", DEAD_END.replace("Weser", "[[Weser]]"),
                  DEAD_END + "\n[[File:Weser.jpg]]", DEAD_END + "\n[[de:Weser]]"):
        assert verdict("links", DEAD_END, after).reason == "not-done", after
    # the same link twice, or one the article already had: nothing new
    assert verdict("links", linked, linked + " [[bremen|again]]").reason == "not-done"


COPY = "{{Copy edit}}\nThe Weser are a river wich flows trough [[Bremen]]."


def test_prose_changed_needs_changed_words_not_a_removed_mark():
    fixed = "{{Copy edit}}\nThe Weser is a river which flows through [[Bremen]]."
    c = verdict("copyedit", COPY, fixed)
    assert c.status == "ok" and c.did == ("prose-changed",)
    # the mark removed, whitespace, a link or a reference changed: the prose is the same
    for after in (COPY.replace("{{Copy edit}}\n", ""), COPY.replace(" a river", "  a\nriver"),
                  COPY.replace("[[Bremen]]", "[[Bremen (city)|Bremen]]"),
                  COPY + "<ref>Atlas</ref>", COPY + "\n[[Category:Rivers]]"):
        assert verdict("copyedit", COPY, after).reason == "not-done", after


STUB = "The '''Ems''' is a river in Germany.{{Stub}}"


def test_grew_needs_enough_new_running_text():
    grown = STUB + "\n\nIt rises in the Senne and flows north for 371 km to the Dollart, " \
                   "passing Rheine, Lingen and Papenburg."
    c = verdict("stub", STUB, grown)
    assert c.status == "ok" and c.did == ("grew",)
    # a short sentence, an infobox, a reference, a table or the mark removed: not grown enough
    for after in (STUB + " It is long.", "{{Infobox river|" + "x" * 500 + "}}" + STUB,
                  STUB + "<ref>" + "A long source. " * 40 + "</ref>",
                  STUB + "\n{|\n|" + "cell " * 100 + "\n|}", STUB.replace("{{Stub}}", "")):
        assert verdict("stub", STUB, after).reason == "not-done", after
    # characters, not bytes: 80 Hindi letters count like 80 Latin ones
    assert verdict("stub", STUB, STUB + " " + "नदी" * 27).status == "ok"


def test_the_other_rules_still_hold_for_the_new_types():
    _, by_id = types()
    linked = DEAD_END.replace("Bremen", "[[Bremen]]")
    entry = TaskEntry("links", "Weser", 7)
    assert check_task(entry, by_id["links"], "Someone else", {7: rev(DEAD_END, linked)},
                      NOW).reason == "not-theirs"
    assert check_task(entry, by_id["links"], "Tam", {7: rev(DEAD_END, linked, "Ems")},
                      NOW).reason == "wrong-page"
    assert check_task(entry, by_id["links"], "Tam",
                      {7: rev(DEAD_END, linked, tags=("mw-reverted",))}, NOW).reason == "reverted"
    young = check_task(entry, by_id["links"], "Tam", {7: rev(DEAD_END, linked)},
                       datetime(2026, 12, 5, 10, 30, tzinfo=timezone.utc), timedelta(hours=1))
    assert young.status == "pending"
    # a page creation (parent "") counts as growth and new links
    assert what_it_did(by_id["stub"], "", STUB + " " + "word " * 20) == ("grew",)


# --- hostile wikitext ------------------------------------------------------------------------

def test_hostile_wikitext_is_read_quickly_and_never_raises():
    _, by_id = types()
    huge = 2_000_000
    nasty = [
        "{{" * (huge // 2), "}}" * (huge // 2), "[[" * (huge // 2), "[[a" * (huge // 3),
        "<ref>" * (huge // 5), "<ref " * (huge // 5), "<math " * (huge // 6),
        "<!--" * (huge // 4), "{|\n" * (huge // 3), "[//x " * (huge // 4),
        "=" + " " * huge, "'" * huge, "{{a|" * (huge // 4) + "}}" * (huge // 4),
        "[[File:x|" * (huge // 9), "\x00<ref/>\ud800" * 1000, "<nowiki>" * (huge // 8),
    ]
    for text in nasty:
        start = time.monotonic()
        for type_id in ("copyedit", "links", "stub"):
            what_it_did(by_id[type_id], text, text + " [[Bremen]] and more words")
        # linear: seconds even on a loaded machine; a quadratic pass would take hours
        assert time.monotonic() - start < 30, text[:20]
    # deeply nested templates beyond the depth limit are still taken out of the prose
    assert prose("{{a|" * 50 + "x" + "}}" * 50 + "Words.") == "Words."
    assert prose(None) == "" and article_links(None) == frozenset()
    assert article_links("[[<script>alert(1)</script>]] [[" + "x" * 300 + "]]") == frozenset()


def test_the_sample_types_name_shipped_tours_and_badges():
    """The playground's and the tests' types page names tours and badges the library ships, so
    every seeded type is guided, offered and counted (a typo would silently offer nothing)."""
    from pathlib import Path

    from playground.practiceseed import TASK_TYPES
    from tours.load import load_file

    library, problems = load_file(Path(__file__).resolve().parents[2] / "tours.yaml")
    assert library is not None, problems
    tours = frozenset(t.id for t in library.tours)
    config = parse_config(json.dumps(TASK_TYPES), tours)
    assert not config.problems and len(config.types) == len(TASK_TYPES["types"])
    badges = {b.id for b in library.badges}
    for t in config.types:
        assert t.tour in tours and t.learn in tours and t.badge in badges, t
