"""docs/contracts.md and the code agree: every section names its module (a file that exists), and
every example of an on-wiki format goes through the one module that reads it, and back through
the same module where it also writes it (issue 13).

A new example in the document without a handler here fails, so the document cannot describe a
format no module reads.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from contracts import (approvals, deployrecord, experiments, liveversion, markers, mentees,
                       mentoreligibility, mentorlist, progress, tourdata)

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "contracts.md").read_text(encoding="utf-8")


def sections() -> dict[str, str]:
    parts = re.split(r"^## (\d+)\. [^\n]*\n", DOC, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def examples() -> list[tuple[str, int, str, str]]:
    """``(section number, index in the section, language, text)`` of every fenced example."""
    out = []
    for number, body in sections().items():
        for n, (lang, text) in enumerate(re.findall(r"^```(\w+)\n(.*?)^```", body, re.M | re.S)):
            out.append((number, n, lang, text))
    return out


def as_json(text: str):
    """An example's JSON without the ``// comments`` the document adds after some values."""
    return json.loads(re.sub(r"[ \t]+//[^\n]*", "", text))


def test_every_section_names_a_module_that_exists():
    for number, body in sections().items():
        line = next((l for l in body.splitlines() if l.startswith("Module")), "")
        assert line, f"§{number} names no module"
        paths = re.findall(r"`([\w/]+\.py)`", body[body.index(line):].split("\n\n")[0])
        assert paths, f"§{number}: {line}"
        for path in paths:
            assert (ROOT / path).is_file(), f"§{number} names {path}, which does not exist"


def check_tour_data(text: str) -> None:
    data = as_json(text)
    tour, problems = tourdata.parse_tour_data(json.dumps(data))
    assert problems == [] and tour is not None
    rendered = json.loads(tourdata.render_tour_data(tour))
    for key, value in data.items():  # the compiler adds title, summary and badgeEvidence
        assert rendered[key] == value, key
    assert tourdata.parse_tour_data(tourdata.render_tour_data(tour))[0] == tour
    assert [s.id for s in tour.steps] == ["open-editor"] and not tour.steps[0].is_branch


def check_index(text: str) -> None:
    index, problems = tourdata.parse_index(text)
    assert problems == [] and index.badges["first-edit"].evidence == ("edit",)
    assert json.loads(tourdata.render_index(index)) == json.loads(text)


def check_deploy_record(text: str) -> None:
    pages = deployrecord.parse_state(text)
    assert pages["Help:Wikitours"] == {"sha256": "9f2c0e1d", "revid": 123}
    retired = deployrecord.parse_retired(text)
    assert list(retired) == ["MediaWiki:Wikitours/tours/first-edit/0123456789.json"]
    assert json.loads(deployrecord.state_text(json.loads(text))) == json.loads(text)
    assert deployrecord.state_is_current(deployrecord.state_text(json.loads(text)),
                                         json.loads(text))


def check_progress(text: str) -> None:
    entries, problems = progress.parse_progress(text)
    assert problems == [] and entries[0].edits == (("publish", 12345),)
    assert json.loads(progress.render_progress(entries)) == json.loads(text)


def check_events(text: str) -> None:
    from toolforge.events import schema_problem

    assert schema_problem(json.loads(text)) is None


def check_mentor_list(text: str) -> None:
    mentors, issues = mentorlist.parse_mentor_list(text)
    assert issues == () and [m.username for m in mentors] == ["Ada", "Grace"]
    assert json.loads(mentorlist.render_mentor_list(mentors)) == json.loads(text)
    assert mentorlist.listed_names(text) == ("Ada", "Grace")


def check_mentor_settings(text: str) -> None:
    revision = mentoreligibility.Revision(7, "Admin", "2026-11-25T10:00:00Z", text)
    rules, problems = mentoreligibility.parse_rules(revision)
    assert problems == () and rules.paused == {"Grace": "on a wikibreak"}
    assert rules.admin_groups == ("sysop", "mentor-admins")
    again, _ = mentoreligibility.parse_rules(
        replace(revision, text=mentoreligibility.render_rules(rules)))
    assert again == rules


def check_mentees(text: str) -> None:
    found, problems = mentees.parse_record(text)
    assert problems == () and found[1].previous == "Grace"
    assert json.loads(mentees.render_record(found)) == json.loads(text)


def check_experiments_config(text: str) -> None:
    found, problems = experiments.parse_config(text)
    assert problems == [] and found[0].design.planned_size == 3000
    assert experiments.parse_report_threshold(text) == (10, [])


def check_experiment_record(text: str) -> None:
    record = experiments.parse_record(text)
    assert record.design == (("control", 1.0), ("no-tour-links", 1.0))
    assert record.plan == experiments.Design("activated_7d", 5.0, 3000, None)
    rendered = experiments.render_assignments("welcome-tour-links", record.assignments,
                                              record.raw)
    assert json.loads(rendered) == json.loads(text)


def check_markers(text: str) -> None:
    found = markers.find(text)
    assert [m.kind for m in found] == ["welcome", "reassigned", "mentee", "badge"]
    assert "\n".join(markers.render(m.kind, **dict(m.attrs)) for m in found) == text.strip()


def check_sync_state(text: str) -> None:
    from contracts import syncstate

    state, lease, problem = syncstate.parse(text)
    assert problem == () and lease is not None
    assert syncstate.parse(syncstate.render(state, lease)) == (state, lease, ())


def check_approvals(text: str) -> None:
    entries = approvals.parse_approvals(text)
    assert entries == {"Project:Wikitours/Tours/first-edit.yaml": (1234,),
                       "Project:Wikitours/i18n/de.json": (1240, 1250)}
    lines = [approvals.approval_line(page, i) for page, ids in entries.items() for i in ids]
    assert approvals.parse_approvals("{" + ", ".join(lines[:2]) + "}") == {
        "Project:Wikitours/Tours/first-edit.yaml": (1234,),
        "Project:Wikitours/i18n/de.json": (1240,)}


def check_assessors(text: str) -> None:
    from contracts.assessors import authorised, parse_assessors

    assert parse_assessors(text) == {"Ada": ("facilitation",), "Grace": ()}
    # proposed by anyone, appointed only by an admin's edit
    history = [(1, "Mallory", text), (2, "Admin", text.replace("facilitation", "partnership"))]
    assert {n: a.added_by for n, a in authorised(history, {"Admin"}).items()} == {"Ada": "Admin"}


def check_task_types(text: str) -> None:
    from practice.tasktypes import parse_config

    config = parse_config(text, known_tours=frozenset({
        "citation-task", "add-citation", "copyedit-task", "links-task", "stub-task"}))
    assert config.problems == ()
    citation, copyedit, links, stub = config.types
    assert (copyedit.check, links.check, stub.check, stub.grow_by) == (
        ("prose-changed",), ("links-added",), ("grew",), 150)
    assert (citation.id, citation.tour, citation.learn, citation.badge) == (
        "citation", "citation-task", "add-citation", "citation")
    assert citation.categories == ("Articles with unsourced statements",)
    assert citation.templates == ("Citation needed",)
    assert (config.topics, config.offer, config.levels, config.streak, config.leaderboard,
            config.max_pages) == (("Rivers", "Music"), 3, (1, 5, 20), "day", False, 200)


def not_a_wiki_page(text: str) -> None:
    """The build's manifest is a file on disk (tests/compiler/test_build.py checks what the build
    writes, publish/deployplan.py reads it); only its JSON is checked here."""
    assert set(as_json(text)) >= {"generator", "pages", "library_version", "gadget_definition"}


HANDLERS = {
    ("3", 0): not_a_wiki_page,
    ("3", 1): check_deploy_record,
    ("3", 2): check_index,
    ("4", 0): check_tour_data,
    ("5", 0): check_progress,
    ("6", 0): check_events,
    ("7", 0): check_mentor_list,
    ("7", 1): check_mentor_settings,
    ("7", 2): check_mentees,
    ("7", 3): check_experiments_config,
    ("7", 4): check_experiment_record,
    ("7", 5): check_markers,
    ("11", 0): check_sync_state,
    ("12", 0): check_approvals,
    ("13", 0): check_assessors,
    ("14", 0): check_task_types,
}


@pytest.mark.parametrize("number,index,lang,text", examples(),
                         ids=[f"s{n}-{i}" for n, i, _, _ in examples()])
def test_every_example_goes_through_its_module(number, index, lang, text):
    handler = HANDLERS.get((number, index))
    assert handler is not None, f"§{number} example {index + 1} ({lang}) has no module check"
    handler(text)


def test_every_handler_has_its_example():
    assert set(HANDLERS) == {(n, i) for n, i, _, _ in examples()}


def test_the_pointer_line_round_trips():
    """§3's pointer (in the loader's first line, not a fenced example)."""
    pointer = liveversion.Pointer("0123456789", "abcdef0123", {"first-edit": "fedcba9876"})
    text = liveversion.with_pointer("// the loader\n", pointer)
    assert text.startswith('mw.libs.wikitoursLive = {"config":"abcdef0123","first-edit":')
    assert liveversion.parse_pointer(text) == pointer
    assert liveversion.gadget_title(pointer, "tours", "first-edit") == \
        "MediaWiki:Wikitours/tours/first-edit/fedcba9876.json"


def _imports(path: Path) -> set[str]:
    import ast

    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_contracts_are_the_lowest_layer_and_the_app_does_not_import_the_bots():
    import sys

    allowed = set(sys.stdlib_module_names) | {"contracts", "yaml", "mwparserfromhell"}
    for path in sorted((ROOT / "contracts").glob("*.py")):
        assert _imports(path) <= allowed, (path.name, _imports(path) - allowed)
    for path in sorted((ROOT / "toolforge").rglob("*.py")):
        assert "bot" not in _imports(path), f"{path.relative_to(ROOT)} imports bot/"
