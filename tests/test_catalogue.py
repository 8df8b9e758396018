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
        for selector in selectors:
            GenericTranslator().css_to_xpath(selector)  # raises on an invalid selector
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
    assert sel["talk-tab"]["minerva"][0] == '.minerva__tab[data-event-name="tabs.talk"]'
    assert sel["talk-tab"]["vector"] == ("#ca-talk",)
    assert sel["add-topic"]["*"] == ("#ca-addsection",)
    assert sel["history-tab"]["*"] == ("#ca-history",)
    assert sel["watch-star"]["*"][0] == "#ca-watch"
    assert sel["user-menu"]["minerva"] == (".minerva-user-menu",)
    assert sel["user-page-link"]["vector-2022"][0] == "#pt-userpage-2"
    assert sel["main-menu"]["minerva"] == ("#mw-mf-main-menu-button",)
    assert sel["first-heading"]["*"] == ("#firstHeading",)
    assert sel["content"]["*"] == ("#mw-content-text",)


def test_unknown_element():
    assert catalogue.element("nope") is None and catalogue.selectors_for("nope") == ()


def test_schema_offers_every_element():
    schema = json.loads((Path(catalogue.__file__).parent / "schema" / "tours.schema.json").read_text("utf-8"))
    step = schema["properties"]["tours"]["items"]["properties"]["steps"]["items"]
    assert step["properties"]["element"]["enum"] == list(catalogue.ELEMENTS)
