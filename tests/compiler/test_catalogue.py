"""The element catalogue: every element the brief names, for every skin, with valid selectors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cssselect import GenericTranslator

from tours import catalogue

REQUIRED = ["edit-source-tab", "visual-edit-tab", "edit-tab", "save-button", "textbox", "summary", "preview-button",
            "editor-toolbar", "visual-editor-surface", "search", "talk-tab", "add-topic", "history-tab", "watch-star",
            "user-menu", "user-page-link", "main-menu", "first-heading", "content"]


def test_required_elements_exist():
    assert set(REQUIRED) <= set(catalogue.ELEMENTS)


@pytest.mark.parametrize("name", sorted(catalogue.ELEMENTS))
def test_every_skin_has_valid_selectors(name):
    element = catalogue.element(name)
    skins = dict(element.selectors)
    assert list(skins) == ["vector-2022", "vector", "minerva", "*"]
    for skin, selectors in skins.items():
        assert selectors, (name, skin)
        for entry in selectors:
            GenericTranslator().css_to_xpath(entry if isinstance(entry, str) else entry.css)  # raises if invalid
    assert element.description


def test_checked_facts_from_mediawiki_1_39():
    sel = {name: dict(catalogue.selectors_for(name)) for name in catalogue.ELEMENTS}
    assert sel["edit-source-tab"]["vector-2022"] == ("#ca-edit",)
    assert sel["visual-edit-tab"]["vector"] == ("#ca-ve-edit",)
    assert sel["edit-tab"]["*"] == ("#ca-ve-edit", "#ca-edit")  # VE first, whichever exists
    assert sel["save-button"]["vector"] == ("#wpSave", ".ve-ui-toolbar-saveButton")
    assert sel["textbox"]["minerva"] == ("#wpTextbox1",)
    assert sel["summary"]["*"] == ("#wpSummary",)
    assert sel["preview-button"]["*"] == ("#wpPreview",)
    assert sel["editor-toolbar"]["vector-2022"][0] == "#wikiEditor-ui-toolbar"
    assert sel["visual-editor-surface"]["*"] == (".ve-ce-surface",)
    assert sel["search"]["vector-2022"] == ("#p-search", "#searchform")
    assert sel["search"]["minerva"] == ("#searchIcon",)
    assert sel["talk-tab"]["minerva"][0] == catalogue.Sel('.minerva__tab[data-event-name="tabs.talk"]', before="1.43")
    assert sel["talk-tab"]["vector"] == ("#ca-talk",)
    assert sel["add-topic"]["*"] == ("#ca-addsection",)
    assert sel["history-tab"]["*"] == ("#ca-history",)
    assert sel["watch-star"]["*"][0] == "#ca-watch"
    assert sel["user-menu"]["minerva"] == (".minerva-user-menu",)
    assert sel["user-menu"]["vector-2022"] == (catalogue.Sel("#p-personal", before="1.43"),
                                               catalogue.Sel("#vector-user-links-dropdown", since="1.43"))
    assert sel["user-page-link"]["vector-2022"][0] == "#pt-userpage-2"
    assert sel["main-menu"]["minerva"] == ("#mw-mf-main-menu-button",)
    assert catalogue.selectors_in(catalogue.selectors_for("main-menu"), "vector-2022", "1.43.9")[0] == \
        "#vector-main-menu-dropdown-label"
    assert sel["first-heading"]["*"] == ("#firstHeading",)
    assert sel["content"]["*"] == ("#mw-content-text",)


def test_unknown_element():
    assert catalogue.element("nope") is None and catalogue.selectors_for("nope") == ()


def test_schema_offers_every_element():
    schema = json.loads((Path(catalogue.__file__).parent / "schema" / "tours.schema.json").read_text("utf-8"))
    step = schema["properties"]["tours"]["items"]["properties"]["steps"]["items"]
    one, many = step["properties"]["element"]["anyOf"]
    assert one["enum"] == list(catalogue.ELEMENTS) and many["items"]["anyOf"][0] == one


# -- the catalogue against a real MediaWiki 1.39 -------------------------------------------------
import html.parser  # noqa: E402

import cssselect  # noqa: E402

#: Elements MediaWiki renders on the server, and the page they are on. The editor toolbars and
#: the visual editor surface are built by JavaScript: the gadget's browser tests cover those.
SERVER_RENDERED = {
    "edit-source-tab": "view", "edit-tab": "view", "search": "view", "talk-tab": "view",
    "history-tab": "view", "watch-star": "view", "user-menu": "view", "user-page-link": "view",
    "main-menu": "view", "first-heading": "view", "content": "view", "add-topic": "talk",
    "save-button": "edit", "textbox": "edit", "summary": "edit", "preview-button": "edit",
}
VISUAL_EDIT_TAB_SKINS = ("vector-2022", "vector")  # Minerva without MobileFrontend has none: falls back


class _Elements(html.parser.HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, {k: v or "" for k, v in attrs}))

    handle_startendtag = handle_starttag


def _matches(selector: str, tag: str, attrs: dict) -> bool:
    """Compound selectors (tag, #id, .class, [attr], [attr=value]) as the catalogue uses them."""
    def match(node) -> bool:
        kind = type(node).__name__
        if kind == "Element":
            return node.element in (None, "*") or node.element == tag
        if kind == "Hash":
            return match(node.selector) and attrs.get("id") == node.id
        if kind == "Class":
            return match(node.selector) and node.class_name in attrs.get("class", "").split()
        if kind == "Attrib":
            if not (match(node.selector) and node.attrib in attrs):
                return False
            return node.operator == "exists" or (node.operator == "=" and attrs[node.attrib] == node.value.value)
        raise AssertionError(f"the catalogue uses a selector this check does not know: {selector}")
    return any(match(parsed.parsed_tree) for parsed in cssselect.parse(selector))


def _first_match(html_text: str, selectors) -> str | None:
    elements = _Elements(html_text).found
    return next((s for s in selectors if any(_matches(s, tag, attrs) for tag, attrs in elements)), None)


@pytest.fixture(scope="module")
def pages(wiki):
    wiki.edit("Tour catalogue probe", "Hello, this page is for the catalogue test.")
    wiki.edit("Talk:Tour catalogue probe", "A talk page.")
    session = wiki.session(wiki.admin.name)
    out = {}
    for skin in catalogue.SKINS:
        for kind, params in (("view", {"title": "Tour catalogue probe"}),
                             ("edit", {"title": "Tour catalogue probe", "action": "edit"}),
                             ("talk", {"title": "Talk:Tour catalogue probe"})):
            response = session.get(wiki.index, params={**params, "useskin": skin}, timeout=60)
            assert response.status_code == 200 and f"skin-{skin}" in response.text
            out[skin, kind] = response.text
    return out


@pytest.mark.parametrize("skin", catalogue.SKINS)
def test_server_rendered_elements_exist_in_every_skin(pages, skin, mediawiki):
    # the test wikis of 1.43 run DiscussionTools (on by default there), those of 1.39 do not
    dt = mediawiki.branch != "1.39"
    missing = []
    for name, kind in SERVER_RENDERED.items():
        selectors = catalogue.selectors_in(catalogue.selectors_for(name), skin, mediawiki.branch, dt)
        if _first_match(pages[skin, kind], selectors) is None:
            missing.append((name, kind, selectors))
    assert missing == []


def test_visual_edit_tab_and_fallbacks(pages, mediawiki):
    for skin in VISUAL_EDIT_TAB_SKINS:
        assert _first_match(pages[skin, "view"], catalogue.selectors_in(catalogue.selectors_for("visual-edit-tab"), skin)) == "#ca-ve-edit"
        assert _first_match(pages[skin, "view"], catalogue.selectors_in(catalogue.selectors_for("edit-tab"), skin)) == "#ca-ve-edit"
    minerva = catalogue.selectors_in(catalogue.selectors_for("visual-edit-tab"), "minerva",
                                     mediawiki.branch)
    # Minerva on 1.39 has one edit link; 1.43 has the visual editor's beside the source one
    assert _first_match(pages["minerva", "view"], minerva) == (
        "#ca-edit" if mediawiki.branch == "1.39" else "#ca-ve-edit")


def test_the_check_itself_can_fail(pages):
    assert _first_match(pages["vector", "view"], ("#no-such-element", ".minerva-user-menu")) is None
    assert _first_match(pages["minerva", "talk"], ('.minerva__tab[data-event-name="tabs.nope"]',)) is None
