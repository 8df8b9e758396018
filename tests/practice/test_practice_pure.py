"""Issue 19, pure parts: the task types page, the batched queries and cached list, the checks
of task edits, and recognition (levels, streaks, privacy)."""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta, timezone

from practice.recognition import level, practice, shares_practice, streak
from practice.tasklist import Source, build, merge_reply, parse_list, pick, query_params, render, sources
from practice.tasktypes import parse_config
from practice.verify import TaskEntry, check_task, count_templates, parse_tasks
from toolforge.evidence import Revision
from tours.problemkinds import from_message

CONFIG = {
    "format": 1,
    "types": [{"id": "citation", "tour": "citation-task", "learn": "add-citation",
               "badge": "citation", "categories": ["Category:Articles with unsourced statements"],
               "templates": ["Citation needed"]}],
    "topics": ["Rivers", "Music"], "offer": 2, "levels": [1, 3], "streak": "day",
}
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=timezone.utc)


def config(**changes):
    return parse_config(json.dumps({**CONFIG, **changes}), frozenset({"citation-task"}))


def test_config_parses_names_without_prefix_and_defaults():
    c = config()
    assert not c.problems
    (t,) = c.types
    assert t.categories == ("Articles with unsourced statements",)
    assert t.templates == ("Citation needed",)
    assert t.check == ("template-removed", "reference")
    assert c.leaderboard is False and c.offer == 2 and c.levels == (1, 3)
    assert c.for_tour("add-citation") == (t,)


def test_config_hostile_and_malformed_input_is_dropped_with_readable_problems():
    assert parse_config("not json").problems[0].message.key == "wikitours-problem-tasks-json"
    assert parse_config("[]").types == ()
    assert parse_config("x" * 70000).problems
    c = config(types=[
        {"id": "Bad Id", "tour": "citation-task", "templates": ["A"]},
        {"id": "x", "tour": "citation-task", "templates": ["<script>alert(1)</script>", "[[Foo]]"]},
        {"id": "y", "tour": "missing-tour", "templates": ["Citation needed"]},
        {"id": "z", "tour": "citation-task", "categories": ["Stubs"], "check": "template-removed"},
        {"id": "ok", "tour": "citation-task", "templates": ["Citation needed"], "check": "reference"},
        {"id": "ok", "tour": "citation-task", "templates": ["Other"]},
    ], offer=99, levels=[5, 1], leaderboard="yes", streak="hour")
    assert [t.id for t in c.types] == ["ok"]
    text = "\n".join(str(from_message(p.message)) for p in c.problems)
    for expected in ("lower-case", "not a page name", "does not exist", "template-removed",
                     "defined twice", "offer", "levels", "leaderboard", "streak"):
        assert expected in text
    assert c.offer == 3 and c.levels == (1, 5, 20) and c.leaderboard is False


def test_one_query_per_source_with_topics_and_protection_in_the_same_request():
    c = config(types=[CONFIG["types"][0], {"id": "cn2", "tour": "citation-task",
                                           "categories": ["Articles with unsourced statements"]}])
    found = sources(c)
    assert found == (Source("category", "Articles with unsourced statements"),
                     Source("template", "Citation needed"))
    params = query_params(found[0], c)
    assert params["generator"] == "categorymembers" and params["gcmnamespace"] == 0
    assert params["inprop"] == "protection" and params["clcategories"] == "Category:Rivers|Category:Music"
    assert query_params(found[1], c)["geititle"] == "Template:Citation needed"


def test_build_leaves_out_protected_redirects_and_other_namespaces_and_merges_continuations():
    c = config()
    pages: dict = {}
    merge_reply(pages, {"query": {"pages": [
        {"pageid": 1, "ns": 0, "title": "Rhine", "protection": [],
         "categories": [{"ns": 14, "title": "Category:Rivers"}]},
        {"pageid": 2, "ns": 0, "title": "Locked", "protection": [{"type": "edit", "level": "autoconfirmed"}]},
        {"pageid": 3, "ns": 2, "title": "User:X", "protection": []},
        {"pageid": 4, "ns": 0, "title": "Redirect", "redirect": True, "protection": []},
        {"pageid": 5, "ns": 0, "title": "Moved only", "protection": [{"type": "move", "level": "sysop"}]},
        "junk", {"pageid": "6"}]}})
    merge_reply(pages, {"query": {"pages": [{"pageid": 1, "categories": [{"ns": 14, "title": "Category:Music"}]}]}})
    src = Source("template", "Citation needed")
    lists = build(c, {src: pages.values()})
    assert [(p.title, p.topics) for p in lists.pages["citation"]] == [("Moved only", ()), ("Rhine", (0, 1))]
    published = parse_list(render(lists, 42))
    assert published["types"]["citation"]["tour"] == "citation-task"
    assert pick(published, "citation", topic="Music") == ["Rhine"]
    assert sorted(pick(published, "citation", rng=random.Random(1))) == ["Moved only", "Rhine"]
    assert pick(published, "citation", exclude=["Rhine"]) == ["Moved only"]
    assert render(lists, 42) == render(build(c, {src: list(pages.values())[::-1]}), 42)


def test_published_list_tolerates_forged_content():
    for text in (None, "", "{", "[]", json.dumps({"format": 2, "types": {}}), "x" * 600000,
                 json.dumps({"format": 1, "types": {"a": {"pages": [[1, 2], ["T", "x"], "s"]}},
                             "offer": 1000})):
        published = parse_list(text)
        assert published["offer"] == 3 and all(not t["pages"] for t in published["types"].values())


def test_templates_are_counted_as_mediawiki_reads_titles():
    names = ["Citation needed"]
    text = ("A.{{citation needed|date=May 2026}} B.{{ Citation_needed }} C.{{Template:Citation "
            "needed}} D.{{Citation needed span|x}} E.<nowiki>{{Citation neededx}}</nowiki>")
    assert count_templates(text, names) == 3
    assert count_templates(None, names) == 0


def rev(**fields):
    base = dict(revid=10, title="Rhine", namespace=0, user="Lin", timestamp="2026-12-06T10:00:00Z",
                text="The Rhine is long.<ref>Atlas</ref>",
                parent_text="The Rhine is long.{{Citation needed|date=May 2026}}")
    return Revision(**{**base, **fields})


def test_a_task_edit_counts_only_when_it_did_the_task_on_that_article_and_stayed():
    t = config().types[0]
    entry = TaskEntry("citation", "Rhine", 10)
    check = lambda r, keep=timedelta(0), e=entry, ty=t: check_task(e, ty, "Lin", {10: r}, NOW, keep)  # noqa: E731
    assert check(rev()).status == "ok"
    assert check(rev(), keep=timedelta(hours=3)).status == "pending"
    assert check(rev(user="Other")).reason == "not-theirs"
    assert check(rev(title="Danube")).reason == "wrong-page"
    assert check(rev(namespace=2, title="User:Lin/Rhine")).reason == "wrong-page"
    assert check(rev(tags=("mw-reverted",))).reason == "reverted"
    assert check(rev(restored_later=True)).reason == "reverted"
    assert check(Revision(10, missing=True)).reason == "deleted"
    assert check(rev(text=rev().parent_text + " typo fixed")).reason == "not-done"
    # template removed without a ref, and a ref added with the template kept: both count
    assert check(rev(text="The Rhine is long.")).did == ("template-removed",)
    assert check(rev(text=rev().parent_text + "<ref>Atlas</ref>")).did == ("reference",)
    assert check(rev()).did == ("template-removed", "reference")
    assert check_task(entry, None, "Lin", {10: rev()}, NOW).reason == "unknown-type"


def test_task_entries_are_parsed_defensively():
    data = {"tasks": [{"type": "citation", "title": "Rhine", "revid": 10, "done": "2026-12-06T10:00:00Z"},
                      {"type": "citation", "title": "Rhine", "revid": 10},
                      {"type": "<b>", "title": "X", "revid": 11}, {"type": "c", "title": "", "revid": 12},
                      {"type": "c", "title": "X", "revid": True}, "junk", None]}
    assert parse_tasks(data) == (TaskEntry("citation", "Rhine", 10, "2026-12-06T10:00:00Z"),)
    assert parse_tasks({"tasks": "no"}) == () and parse_tasks(None) == ()
    many = {"tasks": [{"type": "c", "title": "T", "revid": i} for i in range(1, 1000)]}
    assert len(parse_tasks(many)) == 200


def test_levels_streaks_and_privacy():
    assert level(0, (1, 3)) == (0, 1) and level(3, (1, 3)) == (2, None)
    today = date(2026, 12, 6)
    assert streak([today, today - timedelta(1), today - timedelta(2), today - timedelta(5)], today) == 3
    assert streak([today - timedelta(1)], today) == 1  # not lost until a whole day has passed
    assert streak([today - timedelta(2)], today) == 0
    assert streak([today - timedelta(7), today], today, "week") == 2
    t = config().types[0]
    checks = [check_task(TaskEntry("citation", "Rhine", i), t, "Lin",
                         {i: rev(revid=i, timestamp=f"2026-12-0{i}T10:00:00Z")}, NOW)
              for i in (5, 6)]
    p = practice(checks, config(), NOW)
    assert (p.kept, p.streak) == (2, 2)
    assert [(s.badge, s.kept, s.level, s.next_at) for s in p.skills] == [("citation", 2, 1, 3)]
    assert not shares_practice({}) and not shares_practice({"public": "practice"})
    assert shares_practice({"public": ["practice"]})


def test_the_app_reads_the_types_back_from_the_published_list():
    from practice.tasklist import config_from_published

    c = config(leaderboard=True, streak="week")
    back = config_from_published(parse_list(render(build(c, {}), 1)))
    assert back.types == c.types and back.levels == c.levels
    assert back.streak == "week" and back.leaderboard is True and not back.problems
    assert config_from_published(parse_list("garbage")).types == ()
