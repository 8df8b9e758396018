"""The translation form (gadget module ``wikitours-translate``) in real Chromium on a real wiki.

The wiki gets what ``python -m tours build`` makes, published by ``publish/deploy.py`` (so the
sources page ``MediaWiki:Gadget-wikitours-sources.json`` and the form's gadget come from the
build), and translation pages made from ``i18n/tours/<lang>.json``. A translator opens a language
page, sees which texts are missing and outdated, translates and saves; the page on the wiki must
then be banana JSON that the compiler's own checks (``tours.i18n``) accept, with the hash of the
source text stamped and every other key and the metadata kept.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.gadget.test_gadget_support import ROOT, build_and_deploy, watch_errors
from tours.i18n import check, load_banana, source_hash, source_messages
from tours.load import load_library
from tours.render.translatesources import SOURCES_TITLE, sources_data
from publish.statuspage import render_translation_status

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
TMP_SHOTS = ROOT / "screenshots" / "tmp"
FORM = ".wikitours-translate"
ITEM = ".wikitours-translate__item"
TRANSLATOR = "Translator Tom"


def _library():
    lib, problems = load_library((ROOT / "tours.yaml").read_text(encoding="utf-8"), "tours.yaml")
    assert lib is not None, [str(p) for p in problems]
    return lib


LIBRARY = _library()
SOURCES = source_messages(LIBRARY)
KEYS = list(SOURCES)
MISSING_KEY = "wikitours-tour-first-edit-step-welcome-text"
OUTDATED_KEY = "wikitours-tour-first-edit-title"


def title(lang: str) -> str:
    return f"Project:Wikitours/i18n/{lang}.json"


def repo_translation(lang: str) -> dict:
    return json.loads((ROOT / "i18n" / "tours" / f"{lang}.json").read_text(encoding="utf-8"))


def german_start() -> dict:
    """The repository's German, with one text missing and one recorded against an old source."""
    data = repo_translation("de")
    del data[MISSING_KEY]
    data["@metadata"]["source-hashes"].pop(MISSING_KEY, None)
    data["@metadata"]["source-hashes"][OUTDATED_KEY] = "00000000"
    data["wikitours-unknown-kept"] = "a key the form does not know is kept"
    data["@metadata"]["x-note"] = "other metadata is kept"
    return data


def put(wiki, lang: str, data: dict, user: str | None = None) -> None:
    wiki.edit(title(lang), json.dumps(data, ensure_ascii=False, indent="\t"), user=user,
              contentmodel="json", summary="test setup")


def on_wiki(wiki, lang: str) -> dict:
    text = wiki.wikitext(title(lang))
    assert text is not None
    return json.loads(text)


@pytest.fixture(scope="module")
def site(wiki, tmp_path_factory):
    manifest = build_and_deploy(wiki, tmp_path_factory.mktemp("build"))
    assert SOURCES_TITLE in {p["title"] for p in manifest["pages"]}
    assert any("wikitours-translate[" in line for line in manifest["gadget_definition"]["lines"])
    put(wiki, "de", german_start())
    put(wiki, "ar", repo_translation("ar"))
    wiki.create_user(TRANSLATOR)
    # VisualEditor greets a first edit with a modal dialog that makes the page inert; the
    # translator has seen it (a preference, as after closing it once)
    csrf = wiki.call(user=TRANSLATOR, action="query", meta="tokens")["query"]["tokens"]["csrftoken"]
    wiki.call("POST", user=TRANSLATOR, action="options", change="visualeditor-hidebetawelcome=1",
              token=csrf)
    return wiki


@pytest.fixture
def tom(site, page):
    site.login(page, TRANSLATOR)
    return page


def open_form(page, site, lang: str, action: str = "edit", uselang: str = "en") -> None:
    page.goto(f"{site.index}?title={title(lang)}&action={action}&uselang={uselang}")
    page.wait_for_selector(f"{FORM} {ITEM}", timeout=20000)


def row(page, key: str):
    return page.locator(f'{ITEM}[data-key="{key}"]')


def shot(page, name: str) -> Path:
    folder = SCREENSHOTS if os.environ.get("WIKITOURS_SCREENSHOTS") else TMP_SHOTS
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def axe_problems(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document.querySelector('.wikitours-translate'));
        return r.violations.map(v => ({id: v.id, impact: v.impact,
                                       nodes: v.nodes.map(n => n.html + ' ' + n.failureSummary)}));
    }""")
    return [v for v in result if v["impact"] in ("serious", "critical")]


# -- the build publishes what the form needs --------------------------------------------------

def test_sources_page_holds_every_source_text_with_its_hash_and_note():
    data = sources_data(LIBRARY, {KEYS[0]: "A hand-written note"})
    assert data["sourceLanguage"] == LIBRARY.source_language
    assert [m["key"] for m in data["messages"]] == KEYS
    for m in data["messages"]:
        assert m["text"] == SOURCES[m["key"]].text
        assert m["hash"] == source_hash(m["text"])
        assert m["doc"].strip()
    assert data["messages"][0]["doc"] == "A hand-written note"


def test_loader_leaves_other_pages_alone(site, page):
    for where in ("Main_Page", "Project:Wikitours/i18n/Status", "Project:Wikitours/Mentors.json"):
        page.goto(f"{site.index}?title={where}")
        page.wait_for_function("mw.loader.getState('ext.gadget.wikitours') === 'ready'")
        page.wait_for_timeout(300)
        assert page.evaluate("mw.loader.getState('ext.gadget.wikitours-translate')") == "registered"
        assert page.locator(FORM).count() == 0
    # the language page's history is no place for the form
    page.goto(f"{site.index}?title={title('de')}&action=history")
    page.wait_for_function("mw.loader.getState('ext.gadget.wikitours-translate') === 'ready'")
    page.wait_for_timeout(500)
    assert page.locator(FORM).count() == 0


# -- translating ------------------------------------------------------------------------------

def test_status_page_translate_link_opens_the_form(site, tom):
    files = {"de": load_banana(json.dumps(german_start()), "de.json", "de")[0]}
    report = check(LIBRARY, files)
    site.edit("Project:Wikitours/i18n/Status/de", render_translation_status(
        report, SOURCES, "de", page_lang="en", translation_title=title("de")))
    tom.goto(f"{site.index}?title=Project:Wikitours/i18n/Status/de")
    link = tom.locator('.wikitours-translation-status a[href*="i18n/de.json"][href*="action=edit"]')
    with tom.expect_navigation():
        link.click()
    tom.wait_for_selector(f"{FORM} {ITEM}")
    assert tom.locator(ITEM).count() == len(KEYS)


def test_translator_sees_flags_translates_and_saves(site, tom):
    errors = watch_errors(tom)
    before = german_start()
    open_form(tom, site, "de")
    assert tom.locator(ITEM).count() == len(KEYS)
    missing, outdated = row(tom, MISSING_KEY), row(tom, OUTDATED_KEY)
    assert missing.locator(".wikitours-translate__flag--missing").inner_text() == "missing"
    assert outdated.locator(".wikitours-translate__flag--outdated").inner_text() == "outdated"
    assert tom.locator(".wikitours-translate__flag--missing").count() == 1
    assert tom.locator(".wikitours-translate__flag--outdated").count() == 1
    # the source in the source language, the note for translators, the translation in German
    source = missing.locator(".wikitours-translate__source")
    assert source.inner_text() == SOURCES[MISSING_KEY].text
    assert (source.get_attribute("lang"), source.get_attribute("dir")) == ("en", "ltr")
    assert "welcome" in missing.locator(".wikitours-translate__doc").inner_text()
    box = outdated.locator("textarea")
    assert (box.get_attribute("lang"), box.get_attribute("dir")) == ("de", "ltr")
    assert box.input_value() == before[OUTDATED_KEY]
    label = tom.locator(f'label[for="{box.get_attribute("id")}"]').inner_text()
    assert label == "Translation (Deutsch)"
    # the filter leaves only what needs work
    tom.check("#wikitours-translate-filter")
    assert tom.locator(f"{ITEM}:visible").count() == 2
    tom.uncheck("#wikitours-translate-filter")
    assert tom.locator(f"{ITEM}:visible").count() == len(KEYS)
    # nothing changed: nothing saved
    tom.click(".wikitours-translate__save")
    tom.wait_for_selector('.wikitours-translate__status[data-status="nochange"]')

    missing.locator("textarea").fill("Dies ist deine Spielwiese, {{GENDER:$1|ein}} Ort zum Üben.")
    outdated.locator(".wikitours-translate__confirm input").check()
    tom.click(".wikitours-translate__save")
    tom.wait_for_selector('.wikitours-translate__status[data-status="saved"]')
    assert "2 texts updated" in tom.inner_text(".wikitours-translate__status")
    # the flags follow the saved page
    assert tom.locator(".wikitours-translate__flag--missing").count() == 0
    assert tom.locator(".wikitours-translate__flag--outdated").count() == 0
    assert errors == []

    saved = on_wiki(site, "de")
    hashes = saved["@metadata"]["source-hashes"]
    assert saved[MISSING_KEY] == "Dies ist deine Spielwiese, {{GENDER:$1|ein}} Ort zum Üben."
    assert hashes[MISSING_KEY] == source_hash(SOURCES[MISSING_KEY].text)
    assert hashes[OUTDATED_KEY] == source_hash(SOURCES[OUTDATED_KEY].text)
    # every other key, hash and metadata as it was; the translator is an author now
    for key, value in before.items():
        if key != "@metadata":
            assert saved[key] == value, key
    for key, value in before["@metadata"]["source-hashes"].items():
        if key not in (MISSING_KEY, OUTDATED_KEY):
            assert hashes[key] == value
    assert saved["@metadata"]["x-note"] == "other metadata is kept"
    assert saved["@metadata"]["authors"] == before["@metadata"]["authors"] + [TRANSLATOR]
    last = site.history(title("de"))[-1]
    assert last["user"] == TRANSLATOR and "2 texts" in last["comment"]
    assert site.page_info(title("de"))["contentmodel"] == "json"
    # the compiler's own checks accept the page: nothing missing or outdated, no error
    mf, problems = load_banana(site.wikitext(title("de")), "de.json", "de")
    assert mf is not None and problems == []
    report = check(LIBRARY, {"de": mf})
    status = next(s for s in report.languages if s.lang == "de")
    assert status.missing == () and status.outdated == () and status.invalid == ()
    assert not [p for p in report.problems if p.severity == "error"]
    if os.environ.get("WIKITOURS_SCREENSHOTS"):
        # the screenshot shows flags: a fresh form on the starting page
        put(site, "de", german_start())
        open_form(tom, site, "de", action="view")
        tom.check("#wikitours-translate-filter")
        tom.evaluate("document.querySelector('.wikitours-translate').scrollIntoView()")
        shot(tom, "translate-form-de")
        put(site, "de", saved)


def test_new_language_page_is_created_as_json(site, tom):
    open_form(tom, site, "nl", action="view")
    assert tom.locator(".wikitours-translate__flag--missing").count() == len(KEYS)
    key = KEYS[0]
    row(tom, key).locator("textarea").fill("Je eerste bewerking")
    tom.click(".wikitours-translate__save")
    tom.wait_for_selector('.wikitours-translate__status[data-status="saved"]')
    assert site.page_info(title("nl"))["contentmodel"] == "json"
    saved = on_wiki(site, "nl")
    assert saved == {"@metadata": {"authors": [TRANSLATOR],
                                   "source-hashes": {key: source_hash(SOURCES[key].text)}},
                     key: "Je eerste bewerking"}


def test_arabic_page_is_right_to_left(site, tom):
    errors = watch_errors(tom)
    open_form(tom, site, "ar", action="view", uselang="ar")
    box = row(tom, KEYS[0]).locator("textarea")
    assert (box.get_attribute("lang"), box.get_attribute("dir")) == ("ar", "rtl")
    assert box.evaluate("e => getComputedStyle(e).direction") == "rtl"
    source = row(tom, KEYS[0]).locator(".wikitours-translate__source")
    assert source.evaluate("e => getComputedStyle(e).direction") == "ltr"
    assert "العربية" in tom.inner_text("#wikitours-translate-heading")
    assert tom.inner_text(".wikitours-translate__save") == "احفظ الترجمات"
    tom.evaluate("document.querySelector('.wikitours-translate').scrollIntoView()")
    shot(tom, "translate-form-ar")
    assert errors == []


def test_concurrent_edit_is_reported_and_nothing_is_overwritten(site, tom):
    put(site, "fr", repo_translation("fr"))
    open_form(tom, site, "fr")
    key = KEYS[2]
    row(tom, key).locator("textarea").fill("Ma traduction")
    other = repo_translation("fr")
    other[KEYS[1]] = "Changé par quelqu’un d’autre"
    put(site, "fr", other)  # the admin saves in between
    tom.click(".wikitours-translate__save")
    tom.wait_for_selector('.wikitours-translate__status[data-status="conflict"]')
    assert "Someone else edited this page" in tom.inner_text(".wikitours-translate__status")
    assert on_wiki(site, "fr") == other
    assert site.history(title("fr"))[-1]["user"] != TRANSLATOR
    # the translator's text is still in the box to copy
    assert row(tom, key).locator("textarea").input_value() == "Ma traduction"


def test_hostile_sources_and_translations_are_shown_as_text(site, tom):
    hostile = '<script>window.__pwned = 1</script>{{SITENAME}} "quoted" \'single\' ' \
              '<img src=x onerror="window.__pwned = 2"> [[Main Page]] &amp;'
    data = sources_data(LIBRARY)
    data["messages"][0]["text"] = hostile
    data["messages"][0]["doc"] = "<b onmouseover=alert(1)>note</b> {{int:edit}}"
    data["messages"].append({"key": "not a key <b>", "text": "x", "hash": "00000000", "doc": ""})
    data["messages"].append({"key": "wikitours-bad-hash", "text": "x", "hash": "<img>", "doc": ""})
    good = site.wikitext(SOURCES_TITLE)
    put(site, "es", {"@metadata": {"authors": ["<i>x</i>"]},
                     KEYS[1]: '</textarea><script>window.__pwned = 3</script>'})
    try:
        site.edit(SOURCES_TITLE, json.dumps(data, ensure_ascii=False), contentmodel="json")
        errors = watch_errors(tom)
        open_form(tom, site, "es")
        first = row(tom, KEYS[0])
        assert first.locator(".wikitours-translate__source").inner_text() == hostile
        assert "<b onmouseover=alert(1)>note</b>" in first.locator(".wikitours-translate__doc").inner_text()
        assert row(tom, KEYS[1]).locator("textarea").input_value() == \
            '</textarea><script>window.__pwned = 3</script>'
        assert tom.locator(f"{FORM} img, {FORM} script, {FORM} b").count() == 0
        assert tom.locator(ITEM).count() == len(KEYS)  # the forged entries are left out
        assert tom.evaluate("window.__pwned") is None
        assert errors == []
    finally:
        site.edit(SOURCES_TITLE, good, contentmodel="json")


def test_forged_hash_on_the_sources_page_is_not_stamped(site, tom):
    """The form hashes the source text it shows itself (crypto.subtle on 127.0.0.1)."""
    key = KEYS[5]
    data = sources_data(LIBRARY)
    assert data["messages"][5]["key"] == key
    data["messages"][5]["hash"] = "abcdef12"
    data["messages"].append({"key": "wikitours-huge", "text": "x" * 30000, "hash": "00000000"})
    good = site.wikitext(SOURCES_TITLE)
    try:
        site.edit(SOURCES_TITLE, json.dumps(data, ensure_ascii=False), contentmodel="json")
        open_form(tom, site, "hi", action="view")
        assert tom.locator(ITEM).count() == len(KEYS)  # the huge text is left out
        row(tom, key).locator("textarea").fill("पाठ")
        tom.click(".wikitours-translate__save")
        tom.wait_for_selector('.wikitours-translate__status[data-status="saved"]')
        saved = on_wiki(site, "hi")
        assert saved["@metadata"]["source-hashes"] == {key: source_hash(SOURCES[key].text)}
    finally:
        site.edit(SOURCES_TITLE, good, contentmodel="json")


def test_broken_pages_give_a_notice_not_a_form(site, page):
    site.edit(title("pt"), "{ this is not json", contentmodel="wikitext")
    page.goto(f"{site.index}?title={title('pt')}&uselang=en")
    page.wait_for_selector(".wikitours-translate--notice")
    assert "not valid translation JSON" in page.inner_text(".wikitours-translate--notice")
    assert page.locator(ITEM).count() == 0
    good = site.wikitext(SOURCES_TITLE)
    try:
        site.edit(SOURCES_TITLE, json.dumps({"messages": "nothing"}), contentmodel="json")
        page.goto(f"{site.index}?title={title('de')}&uselang=en")
        page.wait_for_selector(".wikitours-translate--notice")
        assert "not on this wiki yet" in page.inner_text(".wikitours-translate--notice")
    finally:
        site.edit(SOURCES_TITLE, good, contentmodel="json")


def test_keyboard_only_translation(site, tom):
    start = repo_translation("he")
    key = KEYS[3]
    del start[key]
    put(site, "he", start)
    open_form(tom, site, "he")
    tom.focus("#wikitours-translate-filter")
    tom.keyboard.press("Space")
    assert tom.locator(f"{ITEM}:visible").count() == 1
    tom.keyboard.press("Tab")
    focused = tom.evaluate("[document.activeElement.tagName, document.activeElement.lang,"
                           " document.activeElement.closest('fieldset').dataset.key]")
    assert focused == ["TEXTAREA", "he", key]
    tom.keyboard.type("טקסט מהמקלדת")
    for _ in range(5):
        tom.keyboard.press("Tab")
        if tom.evaluate("document.activeElement.classList.contains('wikitours-translate__save')"):
            break
    tom.keyboard.press("Enter")
    tom.wait_for_selector('.wikitours-translate__status[data-status="saved"]')
    status = tom.locator(".wikitours-translate__status")
    assert (status.get_attribute("role"), status.get_attribute("aria-live")) == ("status", "polite")
    assert on_wiki(site, "he")[key] == "טקסט מהמקלדת"


def test_axe_finds_no_serious_problems(site, tom):
    open_form(tom, site, "de")
    assert axe_problems(tom) == []
    # every text box has a label, every fieldset a legend
    assert tom.evaluate("""() => [...document.querySelectorAll('.wikitours-translate textarea')]
        .every(t => document.querySelector('label[for="' + t.id + '"]'))""")
    assert tom.locator(f"{ITEM} > legend").count() == len(KEYS)


def test_phone_sized_screen_has_no_sideways_scrolling(site, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        page.goto(f"{site.index}?title={title('de')}&useskin=minerva&uselang=en")
        page.wait_for_selector(f"{FORM} {ITEM}", timeout=20000)
        widths = page.evaluate("""() => {
            const f = document.querySelector('.wikitours-translate');
            const t = f.querySelector('textarea').getBoundingClientRect();
            return [f.getBoundingClientRect().right, t.right, document.documentElement.clientWidth];
        }""")
        assert widths[0] <= widths[2] and widths[1] <= widths[2], widths
    finally:
        context.close()
