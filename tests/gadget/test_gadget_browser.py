"""The gadget in real Chromium on a real MediaWiki 1.39: the "first edit" tour end to end.

The wiki gets what ``python -m tours build`` makes, published by ``publish/deploy.py`` (the gadget's
pages of it: code, tour data, messages, the catalogue); ResourceLoader serving the runtime at all
proves it passed 1.39's ES5 check. Covered here: the loader staying idle, a newcomer
completing the tour from the catalogue's Start link with the record saved in their own JSON
page, Arabic (mirrored), Minerva on a phone with touch, and a keyboard-only run.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.gadget.test_gadget_support import (
    record_of,
    POPOVER,
    ROOT,
    build_and_deploy,
    close_ve_welcome,
    progress_json,
    wait_title,
    watch_errors,
)
from tests import screens
from tests.e2e import click, edit_in_source_editor

pytestmark = pytest.mark.browser
#: Minerva's edit link: `#ca-edit` on 1.39; on 1.43 `#ca-editsource` on an existing page and
#: `#ca-createsource` on a new one (/work/shared/mediawiki-1.43.md).
MINERVA_EDIT = "#ca-edit, #ca-editsource, #ca-createsource"



@pytest.fixture(scope="module")
def site(wiki, tmp_path_factory):
    """The wiki with what `python -m tours build` made, published by publish/deploy.py."""
    manifest = build_and_deploy(wiki, tmp_path_factory.mktemp("build"))
    assert {"gadget-code", "gadget-style", "tour-data", "messages", "catalogue"} <= \
        {p["kind"] for p in manifest["pages"]}
    return wiki


def shot(page, name: str) -> Path:
    """A screenshot for people to look at (docs/screenshots when WIKITOURS_SCREENSHOTS=1, from
    the MediaWiki version the docs show: tests/screens.py)."""
    path = screens.path_for(page, name)
    page.screenshot(path=str(path))
    return path


def test_loader_is_idle_on_an_ordinary_page_view(site, page):
    errors = watch_errors(page)
    mark = site.log_mark()
    page.goto(f"{site.index}?title=Main_Page")
    page.wait_for_function("mw.loader.getState('ext.gadget.wikitours') === 'ready'")
    page.wait_for_timeout(500)
    assert page.evaluate("mw.loader.getState('ext.gadget.wikitours-runtime')") == "registered"
    assert page.locator(POPOVER).count() == 0
    after = [r for r in site.request_log()[mark:]]
    assert not [r for r in after if r.is_api], [r.uri for r in after if r.is_api]
    assert not [r for r in after if "wikitours-runtime" in r.uri]
    assert errors == []


def test_a_starting_tour_reads_the_live_version_cached_long(site, page):
    """With the pointer in the loader, a starting tour reads the versioned titles it names (the
    loader's first line) in one GET that browsers and caches may keep 30 days: those titles never
    change content. The settings and interface texts are versioned too."""
    from urllib.parse import unquote

    from tests.deployhelp import live_title

    errors = watch_errors(page)
    with page.expect_response(lambda r: "api.php" in r.url and
                              "Wikitours/tours/" in unquote(r.url)) as answer:
        page.goto(f"{site.index}?title=Main_Page&wikitour=first-edit")
    url = unquote(answer.value.url)
    wanted = [live_title(site, t) for t in (
        "MediaWiki:Wikitours/tours/first-edit.json", "MediaWiki:Gadget-wikitours-config.json",
        "MediaWiki:Wikitours/messages/first-edit/en.json", "MediaWiki:Wikitours/messages/ui/en.json")]
    assert all(t != f for t, f in zip(wanted, ("MediaWiki:Wikitours/tours/first-edit.json",
                                               "MediaWiki:Gadget-wikitours-config.json")))
    for title in wanted:
        assert title in url, (title, url)
    assert "maxage=2592000" in url and "smaxage=2592000" in url
    assert "max-age=2592000" in answer.value.headers.get("cache-control", "")
    body = answer.value.json()
    found = {p["title"] for p in body["query"]["pages"] if not p.get("missing")}
    assert set(wanted[:3]) <= found, found
    assert errors == []


def test_newcomer_completes_first_edit_from_the_catalogue(site, page):
    site.create_user("Newcomer Ada")
    errors = watch_errors(page)
    site.login(page, "Newcomer Ada")
    page.goto(f"{site.index}?title=Help:Wikitours")
    # Reading more about a tour does not start it; its Start link does.
    more = page.locator('[data-wikitour="first-edit"] a:not([href*="wikitour="])')
    if more.count():
        with page.expect_navigation():
            more.first.click()
        page.wait_for_timeout(500)
        assert page.locator(POPOVER).count() == 0
        page.go_back()
    start = page.locator('[data-wikitour="first-edit"] a[href*="wikitour=first-edit"]').first
    assert "Special:MyPage" in start.get_attribute("href")  # redirected: the query is dropped
    start.click()
    wait_title(page, "This is your sandbox")
    page.wait_for_function("window.mw && mw.config.get('wgPageName') === 'User:Newcomer_Ada/sandbox'")
    # ResourceLoader on 1.39 served the runtime: it passed the ES5 check.
    assert page.evaluate("mw.loader.getState('ext.gadget.wikitours-runtime')") == "ready"
    assert page.inner_text(f"{POPOVER} .wikitours-popover__progress") == "Step 1 of 7"
    click(page, "next")

    wait_title(page, "Open the editor")
    box = page.locator(POPOVER).bounding_box()
    tab = page.locator("#ca-edit").bounding_box()
    assert box["y"] >= tab["y"] + tab["height"], "placement bottom: the popover is below the tab"
    assert page.locator(".wikitours-highlight").count() == 1
    # Edit / Create / Edit source in bold: real <b> elements, no markup shown as text
    assert "<b>" not in page.inner_text(POPOVER)
    assert page.locator(f"{POPOVER} b").all_inner_texts() == ["Edit", "Create", "Edit source"]
    edit_in_source_editor(page)  # the reader clicks the real tab, not the popover
    wait_title(page, "Write something")
    page.fill("#wpTextbox1", "Hello! I would like to improve articles about rivers.")
    click(page, "next")
    wait_title(page, "Describe your change")
    page.fill("#wpSummary", "trying out my sandbox")
    click(page, "next")
    wait_title(page, "Publish your edit")
    # A step that waits for the save has no Next button: the reader publishes for real.
    assert page.locator(f'{POPOVER} [data-wikitours="next"]').count() == 0
    page.click("#wpSave")

    wait_title(page, "You made your first edit!")
    click(page, "done")
    wait_title(page, "Tour completed")
    text = page.inner_text(POPOVER)
    assert "Your first edit" in text
    assert 'badge "First edit"' in text and "first-edit" not in text, "the badge's name"
    # the badge is not promised as earned: the app issues it after checking the edit
    assert "You earned" not in text and "once your edits have been checked" in text
    assert page.locator(f'{POPOVER} [data-wikitours="account"]').count() == 0
    click(page, "finish")
    assert page.locator(POPOVER).count() == 0
    assert page.evaluate("localStorage.getItem('wikitours-active')") is None

    assert site.wikitext("User:Newcomer Ada/sandbox").startswith("Hello! I would like")
    record_of(site, "Newcomer Ada", "first-edit")  # saved in the background after the popover
    record = progress_json(site, "Newcomer Ada")
    tour = record["tours"]["first-edit"]
    assert record["format"] == 1
    assert tour["status"] == "completed" and tour["version"] == 1 and tour["step"] == "done"
    assert tour["completed"].endswith("Z") and tour["started"] <= tour["completed"]
    # the revision the publish step waited for, for the app to check (issue 15)
    assert tour["edits"] == {"publish": site.page_info("User:Newcomer Ada/sandbox")["revid"]}
    history = site.history("User:Newcomer Ada/wikitours.json")
    assert {r["user"] for r in history} == {"Newcomer Ada"}
    assert errors == []


def test_arabic_popovers_are_mirrored(site, page):
    site.create_user("Newcomer Salma")
    site.login(page, "Newcomer Salma")
    page.goto(f"{site.index}?title=User:Newcomer_Salma/sandbox&uselang=ar&wikitour=first-edit")
    wait_title(page, "ملعبك")
    pop = page.locator(POPOVER)
    assert pop.get_attribute("dir") == "rtl" and pop.get_attribute("lang") == "ar"
    click(page, "next")
    wait_title(page, "المحرر")
    # Mirrored layout: the close button is on the left of the title, Next on the left of Back.
    title = page.locator("#wikitours-popover-title").bounding_box()
    close = page.locator(f'{POPOVER} [data-wikitours="close"]').bounding_box()
    back = page.locator(f'{POPOVER} [data-wikitours="back"]').bounding_box()
    nxt = page.locator(f'{POPOVER} [data-wikitours="next"]').bounding_box()
    assert close["x"] < title["x"]
    assert nxt["x"] < back["x"]
    progress = page.inner_text(f"{POPOVER} .wikitours-popover__progress")
    assert "٢" in progress or "2" in progress
    assert page.locator(f'{POPOVER} [data-wikitours="close"]').get_attribute("aria-label") != "Close"
    shot(page, "first-edit-ar")
    # Past the last step (as after the final save): the completion names the badge in Arabic.
    page.evaluate("localStorage.setItem('wikitours-active', JSON.stringify({tour: 'first-edit',"
                  " version: 1, index: 10, shownOn: null}))")
    page.goto(f"{site.index}?title=User:Newcomer_Salma/sandbox&uselang=ar")
    page.wait_for_selector(f"{POPOVER}.wikitours-popover--completed")
    text = page.inner_text(POPOVER)
    assert "التعديل الأول" in text and "first-edit" not in text, text


def test_anonymous_readers_are_invited_to_create_an_account_not_promised_a_badge(site, page):
    page.goto(f"{site.index}?title=Main_Page")
    page.evaluate("localStorage.setItem('wikitours-active', JSON.stringify({tour: 'first-edit',"
                  " version: 1, index: 10, shownOn: null}))")
    page.goto(f"{site.index}?title=Main_Page")
    page.wait_for_selector(f"{POPOVER}.wikitours-popover--completed")
    text = page.inner_text(POPOVER)
    assert "Create an account and take this tour again" in text and "earned" not in text
    account = page.locator(f'{POPOVER} [data-wikitours="account"]')
    assert "Special:CreateAccount" in account.get_attribute("href")


def test_legacy_vector(site, page):
    page.goto(f"{site.index}?title=Special:MyPage/sandbox&useskin=vector#wikitour=first-edit")
    wait_title(page, "This is your sandbox")
    assert page.evaluate("mw.config.get('skin')") == "vector"
    # A wide screen: side placement came with the runtime (phones never load it).
    assert page.evaluate("mw.loader.getState('ext.gadget.wikitours-place')") == "ready"
    click(page, "next")
    wait_title(page, "Open the editor")
    box = page.locator(POPOVER).bounding_box()
    tab = page.locator("#ca-ve-edit").bounding_box()  # "Edit" first: either editor will do
    assert box["y"] >= tab["y"] + tab["height"]
    arrow = page.locator(f"{POPOVER} .wikitours-popover__arrow").bounding_box()
    assert tab["x"] - 8 <= arrow["x"] + arrow["width"] / 2 <= tab["x"] + tab["width"] + 8, \
        "the arrow points at the tab"
    shot(page, "first-edit-vector")


def test_minerva_phone_with_touch(site, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True,
                                  is_mobile=True, device_scale_factor=2)
    context.set_default_timeout(20000)
    page = context.new_page()
    try:
        errors = watch_errors(page)
        page.goto(f"{site.index}?title=Special:MyPage/sandbox&useskin=minerva#wikitour=first-edit")
        wait_title(page, "This is your sandbox")
        assert page.evaluate("mw.config.get('skin')") == "minerva"
        pop = page.locator(POPOVER)
        assert pop.get_attribute("data-side") == "sheet"
        assert page.evaluate("mw.loader.getState('ext.gadget.wikitours-place')") == "registered"
        box = pop.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert box["width"] >= 390 - 2 * 8 - 1
        assert box["y"] + box["height"] <= 844
        for control in page.locator(f"{POPOVER} button").all():
            b = control.bounding_box()
            assert b["height"] >= 44 and b["width"] >= 44, control.inner_text()
        page.tap(f'{POPOVER} [data-wikitours="next"]')
        wait_title(page, "Open the editor")
        assert "wikitours-popover--missing" not in pop.get_attribute("class"), \
            "the step found the edit link"
        edit = page.locator(MINERVA_EDIT).bounding_box()
        box = pop.bounding_box()
        assert box["y"] > edit["y"] + edit["height"] or box["y"] + box["height"] < edit["y"], \
            "the sheet does not cover the element it points at"
        shot(page, "first-edit-minerva")
        # Anonymous: progress stays in this browser.
        stored = json.loads(page.evaluate("localStorage.getItem('wikitours-progress')"))
        assert stored["tours"]["first-edit"]["status"] == "started"
        assert errors == []
    finally:
        context.close()


def test_keyboard_only(site, page):
    site.create_user("Newcomer Kim")
    # Kim turned the visual editor off: the step's tab is then "Edit source", which Next opens.
    token = site.call(user="Newcomer Kim", action="query", meta="tokens")["query"]["tokens"]["csrftoken"]
    site.call("POST", user="Newcomer Kim", action="options", change="visualeditor-betatempdisable=1",
              token=token)
    site.login(page, "Newcomer Kim")
    page.goto(f"{site.index}?title=User:Newcomer_Kim/sandbox&wikitour=first-edit")
    wait_title(page, "This is your sandbox")

    focus_js = ("document.activeElement && (document.activeElement.getAttribute('data-wikitours') || "
                "document.activeElement.id || document.activeElement.tagName)")

    def focused() -> str:
        return page.evaluate(focus_js)

    def focus_is(name: str, why: str = "") -> None:
        """Focus is moved by the gadget after it draws the popover: wait for it, don't race it."""
        try:
            page.wait_for_function(f"({focus_js}) === {name!r}", timeout=10000)
        except Exception:
            raise AssertionError(f"focus is on {focused()!r}, not {name!r}. {why}") from None

    def tab_to(name: str) -> None:
        """Press Tab until *name* has focus; a dialog that traps focus elsewhere fails here."""
        seen = []
        for _ in range(12):
            if focused() == name:
                return
            seen.append(focused())
            page.keyboard.press("Tab")
        raise AssertionError(f"Tab never reached {name!r}; it went {seen}")

    focus_is("next", "focus moves into the dialog")
    page.keyboard.press("Tab")
    assert focused() == "close"
    page.keyboard.press("Tab")
    assert focused() == "next", "Tab stays inside the dialog"
    page.keyboard.press("Enter")
    wait_title(page, "Open the editor")
    # Escape closes and gives focus back; the tour can be resumed from its link.
    page.keyboard.press("Escape")
    assert page.locator(POPOVER).count() == 0
    page.goto(f"{site.index}?title=User:Newcomer_Kim/sandbox&wikitour=first-edit")
    wait_title(page, "Your first edit")
    focus_is("resume")
    page.keyboard.press("Enter")
    wait_title(page, "Open the editor")
    focus_is("next")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # Next on the step activates the tab itself
    close_ve_welcome(page, keyboard=True)
    wait_title(page, "Write something")
    tab_to("wpTextbox1")  # Tab goes round the dialog and the step's own element
    page.keyboard.type("Typed without a mouse.")
    tab_to("next")
    page.keyboard.press("Enter")
    wait_title(page, "Describe your change")
    tab_to("wpSummary")
    page.keyboard.type("keyboard only")
    tab_to("next")
    page.keyboard.press("Enter")
    wait_title(page, "Publish your edit")
    tab_to("wpSave")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    wait_title(page, "You made your first edit!")
    focus_is("done")
    page.keyboard.press("Enter")
    wait_title(page, "Tour completed")
    page.keyboard.press("Enter")
    assert page.locator(POPOVER).count() == 0
    assert site.wikitext("User:Newcomer Kim/sandbox") == "Typed without a mouse."
    record_of(site, "Newcomer Kim", "first-edit")  # saved in the background after the popover


@pytest.mark.parametrize("skin", ["vector-2022", "vector", "minerva"])
def test_step_counter_counts_only_the_steps_on_the_readers_path(site, page, skin):
    """The visual editor's "Write something" is skipped in the source editor: the counter goes
    on from 3 to 4, never "Step 3 of 7" then "Step 5 of 7" (issue 17), in every skin. A reload
    shows the step again but counts it as shown once (contracts §6)."""
    name = f"Counter {skin}"
    site.create_user(name)
    errors = watch_errors(page)
    site.login(page, name)
    sandbox = f"{site.index}?title=User:{name.replace(' ', '_')}/sandbox&useskin={skin}"
    page.goto(f"{sandbox}#wikitour=first-edit")
    wait_title(page, "This is your sandbox")
    progress = f"{POPOVER} .wikitours-popover__progress"
    assert page.inner_text(progress) == "Step 1 of 7"  # which editor is not known yet
    page.reload()
    wait_title(page, "This is your sandbox")
    assert json.loads(page.evaluate("localStorage.getItem('wikitours-active')"))["seen"] == [0]
    click(page, "next")
    wait_title(page, "Open the editor")
    assert page.inner_text(progress) == "Step 2 of 7"
    page.goto(f"{sandbox}&action=edit")
    close_ve_welcome(page)
    wait_title(page, "Write something")
    assert page.inner_text(progress) == "Step 3 of 6"
    click(page, "next")
    wait_title(page, "Describe your change")
    assert page.inner_text(progress) == "Step 4 of 6"
    active = json.loads(page.evaluate("localStorage.getItem('wikitours-active')"))
    assert active["editor"] == "source" and active["seen"] == [0, 1, 2, 4]
    assert errors == []


def test_completion_badge_does_not_promise_an_edit_check(site, page):
    """A tour whose badge checks no edit (the mentor pathway) ends without "once your edits
    have been checked": the compiled tour data says so and the gadget words it (issue 15)."""
    from dataclasses import replace

    from tours.load import load_library
    from tours.render.gadgetdata import tour_data

    lib, problems = load_library((ROOT / "tours.yaml").read_bytes(), "tours.yaml")
    assert lib is not None, problems
    data = tour_data(lib, replace(lib.tour("mentor-basics"), badge="mentor-pathway"))
    # the live version of the tour's data (contracts §3: its title carries a hash)
    live = site.call(action="query", list="allpages", apnamespace=8,
                     apprefix="Wikitours/tours/mentor-basics/")["query"]["allpages"]
    assert len(live) == 1, live
    site.edit(live[0]["title"], data.content, summary="the mentor tour earns the mentor pathway")
    site.create_user("Mentor Mo")
    site.login(page, "Mentor Mo")
    page.goto(f"{site.index}?title=Main_Page")
    page.evaluate("localStorage.setItem('wikitours-active', JSON.stringify({tour: 'mentor-basics',"
                  " version: 1, index: 99, shownOn: null}))")
    page.goto(f"{site.index}?title=Main_Page")
    page.wait_for_selector(f"{POPOVER}.wikitours-popover--completed")
    text = page.inner_text(POPOVER)
    assert "mentor-pathway" in text or "Mentor pathway" in text, text
    assert "once the app has checked that you meet its criteria" in text, text
    assert "edits have been checked" not in text, text
