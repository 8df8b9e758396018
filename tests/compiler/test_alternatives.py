"""Alternatives within a step, texts per skin, the new conditions and lint's check of skins
(issues 16, 17, 22): compiled to one step whose target lists, per skin, what to try in order."""

from __future__ import annotations

import json
import textwrap

from tours import catalogue, targets
from tours.i18n import source_messages
from tours.render.gadgetdata import tour_data, tour_keys
from tours.catalogue import Sel
from tours.load import load_library

BASE = """\
source-language: en
tours:
  - id: t1
    title: T
    summary: S
    audience: newcomer
    minutes: 5
    steps:
      - id: s1
        title: Hello
        text: World
"""


def step(extra: str) -> str:
    return BASE + textwrap.indent(textwrap.dedent(extra), " " * 8)


def load(text):
    library, problems = load_library(text, "t.yaml")
    return library, [(p.line, p.severity, p.message) for p in problems]


def sel(library, skin):
    return dict(library.tours[0].steps[0].target.selectors)[skin]


def test_minerva_on_1_43_has_its_own_edit_tab():
    """Issue 16: 'Open the editor' could not find Minerva's edit tab on 1.43."""
    assert catalogue.selectors_in(catalogue.selectors_for("edit-source-tab"), "minerva", "1.43.9") == [
        "#ca-editsource", "#ca-createsource"]
    assert catalogue.selectors_in(catalogue.selectors_for("edit-source-tab"), "minerva", "1.39.10") == ["#ca-edit"]
    assert catalogue.selectors_in(catalogue.selectors_for("talk-tab"), "minerva", "1.43") == [
        '.minerva__tab-text[data-event-name="tabs.talk"]']
    assert catalogue.exists("add-topic", "minerva", "1.43", dt=True)
    assert not catalogue.exists("add-topic", "minerva", "1.43", dt=False)
    assert catalogue.exists("add-topic", "minerva", "1.39", dt=False)
    assert not catalogue.exists("reply-link", "vector-2022", "1.39", dt=False)
    assert catalogue.selectors_in(catalogue.selectors_for("watchlist-link"), "vector") == ["#pt-watchlist"]


def test_new_elements_of_issue_22_are_in_the_catalogue():
    for name in ("watchlist-link", "section-edit-link", "preview-area", "diff-area", "show-changes-button",
                 "ve-save-dialog", "ve-summary", "ve-publish-button", "cite-button", "cite-dialog",
                 "ve-welcome-dialog", "ve-welcome-button", "reply-link", "add-topic"):
        assert catalogue.element(name) is not None, name


def test_a_list_of_elements_is_one_step_with_ordered_fallbacks():
    library, problems = load(step("element: [edit-source-tab, edit-tab]\nadvance: click\n"))
    assert problems == []
    assert len(library.tours[0].steps) == 1
    assert sel(library, "vector") == ("#ca-edit", "#ca-ve-edit")  # duplicates kept once, in order
    minerva = catalogue.selectors_in(library.tours[0].steps[0].target.selectors, "minerva", "1.43")
    assert minerva == ["#ca-editsource", "#ca-createsource", "#ca-ve-edit", "#ca-ve-create"]


def test_per_skin_and_per_version_alternatives():
    library, problems = load(step("""\
        element:
          - {element: add-topic, skin: [vector-2022, vector]}
          - {element: talk-tab, skin: minerva}
          - {selector: "#ca-viewsource", mediawiki: "1.43+"}
          - {selector: ".old", mediawiki: "1.39-1.42"}
          - {element: reply-link, discussion-tools: true}
          - first-heading
        """))
    assert problems == []
    target = library.tours[0].steps[0].target
    assert target.element == "add-topic" and len(target.alternatives) == 6
    assert catalogue.selectors_in(target.selectors, "vector", "1.43", False) == [
        "#ca-addsection", "#ca-viewsource", "#firstHeading"]
    assert catalogue.selectors_in(target.selectors, "vector", "1.39", False) == [
        "#ca-addsection", ".old", "#firstHeading"]
    assert catalogue.selectors_in(target.selectors, "minerva", "1.43", True) == [
        '.minerva__tab-text[data-event-name="tabs.talk"]', "#ca-viewsource",
        ".ext-discussiontools-init-replylink-buttons", "#firstHeading"]
    assert catalogue.selectors_in(target.selectors, "monobook", "1.43", False) == ["#ca-viewsource", "#firstHeading"]
    # a version range narrows the catalogue's own: Minerva's 1.43 tab is gone on 1.39-1.42
    narrowed, _ = load(step('element:\n  - {element: edit-source-tab, mediawiki: "1.39-1.42"}\n'))
    assert sel(narrowed, "minerva") == (Sel("#ca-edit", since="1.39", before="1.43"),)


def test_alternatives_compile_for_the_gadget(tmp_path):
    text = step("""\
        element:
          - {element: edit-source-tab, skin: minerva}
          - edit-tab
        skin-text:
          minerva: Tap the pencil icon.
        when: {previewing: false, watched: true, dialog: [save, cite]}
        unless: {showing-changes: true}
        """)
    library, problems = load(text)
    assert problems == []
    tour = library.tours[0]
    s = json.loads(tour_data(library, tour).content)["steps"][0]
    assert s["target"]["selectors"]["minerva"][:2] == [{"css": "#ca-editsource", "since": "1.43"},
                                                       {"css": "#ca-createsource", "since": "1.43"}]
    assert s["target"]["selectors"]["vector"] == ["#ca-ve-edit", "#ca-edit"]
    assert s["skinText"] == {"minerva": "wikitours-tour-t1-step-s1-text-minerva"}
    assert s["when"]["previewing"] is False and s["when"]["watched"] is True
    assert s["when"]["dialogs"] == ["save", "cite"] and s["unless"]["showingChanges"] is True
    assert "wikitours-tour-t1-step-s1-text-minerva" in tour_keys(tour)
    assert source_messages(library)["wikitours-tour-t1-step-s1-text-minerva"].text == "Tap the pencil icon."


def test_errors_in_alternatives_are_clear():
    _, problems = load(step("element:\n  - {skin: minerva}\n"))
    assert problems == [(13, "error", "an alternative of step 's1' of tour 't1' needs 'element' or 'selector'")]
    _, problems = load(step("element:\n  - {element: talk-tab, selector: '#x'}\n"))
    assert problems[0][2] == "an alternative of step 's1' of tour 't1' has both 'element' and 'selector'"
    _, problems = load(step("element:\n  - {element: talk-tab, mediawiki: 'one.four'}\n"))
    assert problems[0][2] == "'one.four' is not a MediaWiki version"
    _, problems = load(step("element:\n  - {element: talk-tab, skin: minerwa}\n"))
    assert problems[0][2].startswith("unknown skin 'minerwa'")
    _, problems = load(step("element: [talk-tab, talk-tabb]\n"))
    assert problems[0][2] == "unknown element 'talk-tabb' in step 's1' of tour 't1'"
    _, problems = load(step("selector: ['#ok', 'p:contains(x)']\n"))
    assert "only jQuery" in problems[0][2] or ":contains" in problems[0][2]
    _, problems = load(step("skin-text:\n  minerwa: Tap.\n"))
    assert problems[0][2].startswith("unknown field 'minerwa'")
    _, problems = load(step("skin-text:\n  minerva: <script>alert(1)</script>\n"))
    assert problems and problems[0][1] == "error"
    _, problems = load(step("when: {dialog: popup}\n"))
    assert problems[0][2].startswith("unknown dialog 'popup'")


def test_lint_warns_when_an_element_is_missing_in_a_skin_the_wiki_uses():
    library, problems = load(step("page: Talk:Sandbox\nelement: add-topic\n"))
    assert library is not None
    assert problems == []  # with DiscussionTools (on by default on 1.43) Minerva has one
    wiki = "wikis:\n  - id: xwiki\n    skins: [minerva]\n    mediawiki: \"1.39\"\n"
    _, problems = load(step("page: Talk:Sandbox\nelement: reply-link\n") + wiki)
    assert problems == [(13, "warning", "step 's1' of tour 't1' points at nothing in Minerva on MediaWiki 1.39: "
                                        "reply-link does not exist there")]
    # a fallback for that skin silences it; a step only for other skins is not checked there
    _, problems = load(step("page: Talk:Sandbox\nelement: [reply-link, add-topic]\n") + wiki)
    assert problems == []
    _, problems = load(step("page: Talk:Sandbox\nelement: reply-link\nwhen: {skin: vector}\n") + wiki)
    assert problems == []


def test_lint_warns_about_one_step_written_once_per_skin():
    """Issue 22: three copies of a step with `when: skin:` broke the counter and the tour."""
    text = BASE + textwrap.indent(textwrap.dedent("""\
        - id: a
          title: A
          text: A
          element: edit-source-tab
          when: {skin: vector-2022}
        - id: b
          title: B
          text: B
          element: edit-source-tab
          when: {skin: vector}
        - id: c
          title: C
          text: C
          element: edit-source-tab
          when: {skin: minerva}
        """), " " * 6)
    library, problems = load(text)
    assert library is not None
    assert problems == [(12, "warning", "steps 'a', 'b', 'c' of tour 't1' are one step written once per skin")]


def test_version_ranges():
    assert targets.parse_versions("1.43") == ("1.43", "1.44")
    assert targets.parse_versions("1.43+") == ("1.43", "")
    assert targets.parse_versions("1.39-1.42") == ("1.39", "1.43")
    assert targets.parse_versions("1.42-1.39") is None
    assert targets.parse_versions("1.4x") is None
    assert catalogue.entry_applies(Sel("#x", since="1.43"), "1.100.0", None)
    assert not catalogue.entry_applies(Sel("#x", before="1.43"), "1.43.0-wmf.1", None)
