"""The element catalogue against real MediaWiki pages in Chromium, resolved by the gadget's own code.

For every skin the catalogue knows, the page is put in each state an element needs (reading,
a talk page with a signed comment, the source editor, its preview and its changes, the visual
editor with its welcome, save and Cite dialogs), the gadget's ``elements.js`` is loaded into it,
and every element the catalogue says exists there (for this MediaWiki version and
DiscussionTools state) must be found and visible; an element the catalogue says is missing must
have nothing to try. So a selector MediaWiki changes fails here the day it changes.

The test runs on each MediaWiki version of the run (the ``mediawiki`` fixture); where the
version bundles DiscussionTools (1.43, on by default there) the check runs with it on and off. The page states the new conditions read (previewing, showing changes, watched, open
dialogs) are checked in the same pages with the gadget's ``conditions.js``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tours import catalogue
from tours.catalogue import entry_json

from tests.gadget.test_editors_browser import DT_OFF  # DiscussionTools off as far as 1.43 allows
from tests.wiki import on_mediawiki

ROOT = Path(__file__).resolve().parents[2]
#: The welcome dialog shows on a user's first visual edit when the wiki asks for it.
WELCOME = "$wgVisualEditorShowBetaWelcome = true;\n"
NO_DT_HERE = pytest.mark.skip(reason="this MediaWiki version ships without DiscussionTools")
GADGET = "mw.libs.wikitours = mw.libs.wikitours || {};\n" + "".join(
    (ROOT / "gadget" / "src" / f"{m}.js").read_text("utf-8") for m in ("state", "conditions", "elements"))
VIEWPORTS = {"minerva": {"width": 390, "height": 844}}
PROBE = "Catalogue probe"


def _version(wiki) -> str:
    return wiki.call(action="query", meta="siteinfo")["query"]["general"]["generator"].split()[-1]


@pytest.fixture(scope="module", params=["dt-off", "dt-on"])
def setup(make_wiki, mediawiki, request):
    dt = request.param == "dt-on"
    has_dt = "DiscussionTools" in mediawiki.extensions
    assert has_dt or not dt  # 1.39's dt-on runs are skipped (NO_DT_HERE)
    wiki = make_wiki(extra_settings=WELCOME + ("" if dt or not has_dt else DT_OFF))
    wiki.edit(PROBE, "Hello, this page is for the catalogue test.\n\n== First section ==\nText.\n")
    wiki.edit(f"Talk:{PROBE}", "== A topic ==\nA first comment. [[User:Admin|Admin]] ([[User talk:Admin|talk]]) "
                               "10:00, 1 December 2026 (UTC)\n")
    return wiki, _version(wiki), dt


def _load_gadget(page):
    page.wait_for_load_state("load")
    page.wait_for_function("document.readyState === 'complete' && window.mw && mw.libs && mw.loader &&"
                           " mw.loader.getState('mediawiki.base') === 'ready'")
    page.add_script_tag(content=GADGET)
    page.wait_for_function("!!(mw.libs.wikitours && mw.libs.wikitours.elements)")


def _check(page, skin, version, dt, where, problems):
    """Every element of state *where*: found where it exists, nothing to try where it does not."""
    _load_gadget(page)
    for name, element in catalogue.ELEMENTS.items():
        if element.where != where:
            continue
        target = {"selectors": {k: [entry_json(e) for e in v] for k, v in element.selectors}}
        tried = page.evaluate("([t, s, v, d]) => mw.libs.wikitours.elements.selectors(t, s, v, d)",
                              [target, skin, version, dt])
        exists = catalogue.exists(name, skin, version, dt)
        if not exists:
            if tried:
                problems.append(f"{name} in {skin}: the catalogue says it is missing but lists {tried}")
            continue
        found = page.evaluate("""([list]) => new Promise(resolve => {
            setTimeout(() => resolve(null), 15000);  // held by a covering dialog: not found
            mw.libs.wikitours.elements.waitFor(list, 8000).then(
                el => resolve(list.find(s => document.querySelector(s) === el) || '?'),
                () => resolve(null));
        })""", [tried])
        if not found:
            problems.append(f"{name} in {skin} ({where}): none of {tried} is visible")


def _context(page):
    return page.evaluate("mw.libs.wikitours.conditions.context()")


def _new_page(browser, wiki, skin, user, welcome=False):
    """A logged-in page; without *welcome* the user has dismissed the visual editor's welcome
    dialog before (it also covers the source editor on a first edit, holding every step)."""
    context = browser.new_context(viewport=VIEWPORTS.get(skin, {"width": 1280, "height": 800}))
    context.set_default_timeout(30000)
    page = context.new_page()
    wiki.login(page, user)
    if not welcome:
        page.evaluate("""() => mw.loader.using('mediawiki.api').then(() =>
            new mw.Api().saveOption('visualeditor-hidebetawelcome', '1'))""")
    return page


@on_mediawiki("1.39", NO_DT_HERE, setup="dt-on")
@pytest.mark.parametrize("skin", catalogue.SKINS)
def test_every_catalogue_element_resolves_where_the_catalogue_says(setup, browser, skin):
    wiki, version, dt = setup
    problems: list[str] = []
    url = f"{wiki.index}?useskin={skin}&title="
    page = _new_page(browser, wiki, skin, wiki.admin.name)

    page.goto(url + PROBE.replace(" ", "_"))
    _check(page, skin, version, dt, "view", problems)
    assert _context(page)["watched"] is True, "the admin created the page, so watches it"

    page.goto(url + "Talk:" + PROBE.replace(" ", "_"))
    _check(page, skin, version, dt, "talk", problems)

    page.goto(url + PROBE.replace(" ", "_") + "&action=edit")
    _check(page, skin, version, dt, "edit", problems)
    state = _context(page)
    assert (state["previewing"], state["showingChanges"]) == (False, False)

    page.evaluate("document.getElementById('wpPreview').click()")
    page.wait_for_selector("#mw-previewheader")
    _check(page, skin, version, dt, "preview", problems)
    state = _context(page)
    assert (state["action"], state["previewing"], state["showingChanges"]) == ("submit", True, False)

    page.evaluate("document.getElementById('wpTextbox1').value += '\\nMore.'; document.getElementById('wpDiff').click()")
    page.wait_for_selector("#wikiDiff table.diff")
    _check(page, skin, version, dt, "diff", problems)
    state = _context(page)
    assert (state["action"], state["previewing"], state["showingChanges"]) == ("submit", False, True)
    page.context.close()

    # the visual editor, as a new user: the welcome dialog first
    user = wiki.create_user(f"Cat{skin.replace('-', '')}{'Dt' if dt else ''}").name
    page = _new_page(browser, wiki, skin, user, welcome=True)
    page.goto(url + PROBE.replace(" ", "_") + "&veaction=edit")
    page.wait_for_selector(".ve-init-mw-welcomeDialog", state="visible")
    _check(page, skin, version, dt, "ve-welcome", problems)
    assert "welcome" in _context(page)["dialogs"]
    assert page.evaluate("mw.libs.wikitours.elements.blocked(['.ve-ce-surface'])") is True
    page.click(".ve-init-mw-welcomeDialog .oo-ui-flaggedElement-primary a")  # the first button switches editors
    page.wait_for_selector(".ve-ce-surface", state="visible")
    page.wait_for_function("!document.querySelector('.oo-ui-window-active .ve-init-mw-welcomeDialog')")
    _check(page, skin, version, dt, "ve", problems)
    assert _context(page)["dialogs"] == []

    # what Cite > Basic does (the toolbar's menus differ per skin and version)
    page.evaluate("ve.init.target.getSurface().execute('window', 'open', 'reference')")
    cite_open = "mw.libs.wikitours.conditions.context().dialogs.indexOf('cite') !== -1"
    page.wait_for_function(cite_open)  # the gadget's own test of an open Cite dialog
    _check(page, skin, version, dt, "ve-cite", problems)
    page.evaluate("ve.init.target.getSurface().getDialogs().getCurrentWindow().close()")
    page.wait_for_function(f"!({cite_open})")

    page.click(".ve-ce-paragraphNode")
    page.keyboard.type(" More.")
    page.click(".ve-ui-toolbar-saveButton")
    page.wait_for_selector(".ve-ui-mwSaveDialog", state="visible")
    _check(page, skin, version, dt, "ve-save", problems)
    assert "save" in _context(page)["dialogs"] and "welcome" not in _context(page)["dialogs"]
    page.context.close()

    assert problems == []


@on_mediawiki("1.39", NO_DT_HERE, setup="dt-on")
def test_the_check_can_fail(setup, browser):
    """A selector MediaWiki does not render is reported, and a missing element has nothing to try."""
    wiki, version, dt = setup
    page = _new_page(browser, wiki, "vector", wiki.admin.name)
    page.goto(f"{wiki.index}?useskin=vector&title={PROBE.replace(' ', '_')}")
    _load_gadget(page)
    found = page.evaluate("""() => new Promise(r => mw.libs.wikitours.elements.waitFor(['#ca-no-such-tab'], 500)
        .then(() => r(true), () => r(false)))""")
    assert found is False
    page.context.close()
