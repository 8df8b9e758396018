"""The documentation's pictures of the gadget, taken the way a reader will look at them.

Each scene opens a tour step as a newcomer meets it, on a real wiki of each MediaWiki version
(ids `[mw1.39]`, `[mw1.43]`), then checks what a reader would see wrong on the picture before
taking it: a popover cut off by the window, a popover over the very thing it points at, a message
key or placeholder instead of text, English in an Arabic tour. With WIKITOURS_SCREENSHOTS=1 the
run on the docs' version (1.43, tests/screens.py) writes docs/screenshots/gadget-*.png, the files
README.md links; the other version's go to screenshots/tmp with the version in the name.

Scenes: first-edit's "Open the editor" in Vector 2022, legacy Vector and Minerva on a phone;
"Write something" in the visual editor; ask-mentor's subject and message on a talk page (with
DiscussionTools' new topic tool on 1.43, the classic form on 1.39); first-edit in Arabic; the
end of a tour on a phone.
"""

from __future__ import annotations

import re

import pytest

from tests import screens
from tests.gadget.test_gadget_support import POPOVER, build_and_deploy, close_ve_welcome, \
    wait_title

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
#: What shows when a message is missing (MediaWiki's ⧼key⧽, the gadget's key) or a placeholder
#: was left unfilled.
RAW = re.compile(r"⧼|wikitours-[a-z-]+|\$\d|\{\{")


@pytest.fixture(scope="module")
def site(wiki, tmp_path_factory):
    build_and_deploy(wiki, tmp_path_factory.mktemp("build"), languages=("en", "ar"),
                     catalogues=("en", "ar"))
    return wiki


def overlaps(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"] or
                a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


def as_a_reader_sees_it(page, viewport: dict) -> str:
    """Fail on what would look wrong in the picture; returns the popover's text."""
    pop = page.locator(POPOVER)
    page.wait_for_timeout(400)  # the popover's entrance transition
    box = pop.bounding_box()
    assert box is not None, "no popover"
    assert box["x"] >= 0 and box["y"] >= 0, f"the popover is cut off at the top or left: {box}"
    assert box["x"] + box["width"] <= viewport["width"] + 0.5 and \
        box["y"] + box["height"] <= viewport["height"] + 0.5, \
        f"the popover is cut off at the bottom or right: {box}"
    assert "wikitours-popover--missing" not in (pop.get_attribute("class") or ""), \
        "the step did not find its element"
    target = page.locator(".wikitours-highlight")
    if target.count():
        mark = target.first.bounding_box()
        if mark and mark["width"] * mark["height"] < 0.25 * viewport["width"] * viewport["height"]:
            # a small target (a tab, a button) must stay visible; a whole editing surface
            # may have the popover beside its text
            assert not overlaps(box, mark), f"the popover covers what it points at: {mark}"
    text = pop.inner_text()
    assert not RAW.search(text), f"untranslated or unfilled text in the popover: {text!r}"
    for control in pop.locator("button, a").all():
        if control.is_visible():
            label = (control.inner_text() or control.get_attribute("aria-label") or "").strip()
            assert label and not RAW.search(label), f"a control without a readable label: {label!r}"
            off = label_off_centre(control)
            assert off <= 3, f"the label {label!r} sits {off:.0f} px off its button's middle"
    return text


def label_off_centre(control) -> float:
    """How far (px) the middle of a control's text is from the middle of its box, vertically:
    a label stuck to the top of a tall button looks broken."""
    return control.evaluate("""el => {
        const range = document.createRange();
        range.selectNodeContents(el);
        const text = range.getBoundingClientRect(), box = el.getBoundingClientRect();
        if (!text.height) { return 0; }
        return Math.abs((text.top + text.height / 2) - (box.top + box.height / 2));
    }""")


def take(page, name: str) -> None:
    page.screenshot(path=str(screens.path_for(page, name)))


def newcomer(site, browser, name: str, viewport: dict, **options):
    context = browser.new_context(viewport=viewport, **options)
    context.set_default_timeout(60000)  # a fresh wiki builds its caches on first use
    page = context.new_page()
    site.create_user(name)
    site.login(page, name)
    return context, page


@pytest.mark.parametrize("skin", ["vector-2022", "vector"])
def test_first_edit_open_the_editor_on_a_desktop(site, browser, skin):
    context, page = newcomer(site, browser, f"Reader {skin}", DESKTOP)
    try:
        page.goto(f"{site.index}?title=Special:MyPage/sandbox&useskin={skin}#wikitour=first-edit")
        wait_title(page, "This is your sandbox", timeout=60)
        assert page.evaluate("mw.config.get('skin')") == skin
        page.click(f'{POPOVER} [data-wikitours="next"]')
        wait_title(page, "Open the editor")
        as_a_reader_sees_it(page, DESKTOP)
        take(page, f"gadget-{'vector-2022' if skin == 'vector-2022' else 'vector-legacy'}")
    finally:
        context.close()


def test_first_edit_open_the_editor_on_a_phone(site, browser):
    context, page = newcomer(site, browser, "Reader phone", PHONE, has_touch=True,
                             is_mobile=True, device_scale_factor=2)
    try:
        page.goto(f"{site.index}?title=Special:MyPage/sandbox&useskin=minerva#wikitour=first-edit")
        wait_title(page, "This is your sandbox", timeout=60)
        assert page.evaluate("mw.config.get('skin')") == "minerva"
        page.tap(f'{POPOVER} [data-wikitours="next"]')
        wait_title(page, "Open the editor")
        as_a_reader_sees_it(page, PHONE)
        take(page, "gadget-minerva-phone")
    finally:
        context.close()


def test_first_edit_in_the_visual_editor(site, browser):
    context, page = newcomer(site, browser, "Reader visual", DESKTOP)
    try:
        page.goto(f"{site.index}?title=Special:MyPage/sandbox#wikitour=first-edit")
        wait_title(page, "This is your sandbox", timeout=60)
        page.click(f'{POPOVER} [data-wikitours="next"]')
        wait_title(page, "Open the editor")
        page.click("#ca-ve-edit a")
        page.wait_for_selector(".ve-ce-surface", state="visible", timeout=60000)
        close_ve_welcome(page)
        wait_title(page, "Write something", timeout=30)
        page.locator(".ve-ce-surface .ve-ce-branchNode").first.click(position={"x": 8, "y": 8})
        page.wait_for_selector(".ve-ce-surface.ve-ce-surface-focused")  # VE focuses a task later
        page.keyboard.type("Hello! I would like to improve articles about rivers.")
        as_a_reader_sees_it(page, DESKTOP)
        save = page.locator(".ve-ui-toolbar-saveButton").bounding_box()
        assert not overlaps(page.locator(POPOVER).bounding_box(), save), \
            "the popover covers the visual editor's Publish button"
        take(page, "gadget-visual-editor")
    finally:
        context.close()


def test_ask_mentor_subject_on_the_talk_page(site, browser, mediawiki):
    """On 1.43 the talk page's "Add topic" opens DiscussionTools' new topic tool in the page;
    the step points at its subject field. On 1.39 the classic form."""
    dt = "DiscussionTools" in mediawiki.extensions
    mentor, name = "Mentor Rosa", "Reader asks"
    site.create_user(mentor)
    site.edit(f"User talk:{mentor}", f"== Hello ==\nWelcome. [[User:{mentor}]] 10:00, "
              "1 December 2026 (UTC)\n")
    context, page = newcomer(site, browser, name, DESKTOP)
    try:
        site.edit(f"User talk:{name}", f"== Welcome ==\nYour mentor is [[User:{mentor}]]: ask on "
                  f"[[User talk:{mentor}|their talk page]]. [[User:{mentor}]] 10:00, "
                  "1 December 2026 (UTC)\n")
        page.goto(f"{site.index}?title=Special:MyTalk#wikitour=ask-mentor",
                  wait_until="domcontentloaded")
        wait_title(page, "Your talk page", timeout=60)
        page.click(f'{POPOVER} [data-wikitours="next"]')
        wait_title(page, "Go to your mentor's talk page")
        with page.expect_navigation(wait_until="domcontentloaded"):
            page.locator(f'#mw-content-text a[title="User talk:{mentor}"]').first.click()
        wait_title(page, "Start a new topic", timeout=60)
        if dt:
            page.locator("#ca-addsection").first.click()
            page.wait_for_selector(".ext-discussiontools-ui-newTopic-sectionTitle input",
                                   state="visible")
        else:
            with page.expect_navigation(wait_until="domcontentloaded"):
                page.locator("#ca-addsection a").first.click()
            close_ve_welcome(page)
        wait_title(page, "A clear subject", timeout=60)
        subject = ".ext-discussiontools-ui-newTopic-sectionTitle input" if dt else "#wpSummary"
        page.fill(subject, "Sources about rivers")
        as_a_reader_sees_it(page, DESKTOP)
        page.click(f'{POPOVER} [data-wikitours="next"]')
        question = "Where do I find sources about rivers?"
        if dt:  # the message box of the tool (its visual mode), which signs by itself
            wait_title(page, "Ask your question")
            page.click(".ext-discussiontools-ui-replyWidget .ve-ce-surface")
            page.wait_for_selector(".ext-discussiontools-ui-replyWidget .ve-ce-surface-focused")
            page.keyboard.type(question)
        else:
            wait_title(page, "Sign your message")
            page.fill("#wpTextbox1", question + " ~~~~")
        as_a_reader_sees_it(page, DESKTOP)
        take(page, "gadget-discussiontools" if dt else "gadget-talk-page-classic")
    finally:
        context.close()


def test_first_edit_in_arabic_reads_right_to_left(site, browser):
    context, page = newcomer(site, browser, "Reader Salma", DESKTOP)
    try:
        page.goto(f"{site.index}?title=Special:MyPage/sandbox&uselang=ar#wikitour=first-edit")
        wait_title(page, "ملعبك", timeout=60)
        page.click(f'{POPOVER} [data-wikitours="next"]')
        wait_title(page, "المحرر")
        pop = page.locator(POPOVER)
        assert pop.get_attribute("dir") == "rtl" and pop.get_attribute("lang") == "ar"
        text = as_a_reader_sees_it(page, DESKTOP)
        # every word a reader reads is Arabic (digits may be either)
        assert not re.search(r"[A-Za-z]{2,}", text), f"English in the Arabic popover: {text!r}"
        assert page.evaluate("document.documentElement.dir") == "rtl"
        take(page, "gadget-arabic")
    finally:
        context.close()


def test_completed_on_a_phone_invites_a_reader_to_create_an_account(site, browser):
    """The end of a tour, as an anonymous reader on a phone sees it: the link that looks like a
    button ("Create an account ...") has its label in its middle like the real buttons."""
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True,
                                  device_scale_factor=2)
    context.set_default_timeout(60000)
    page = context.new_page()
    try:
        page.goto(f"{site.index}?title=Main_Page&useskin=minerva")
        page.evaluate("localStorage.setItem('wikitours-active', JSON.stringify({tour: "
                      "'first-edit', version: 1, index: 10, shownOn: null}))")
        page.goto(f"{site.index}?title=Main_Page&useskin=minerva")
        page.wait_for_selector(f"{POPOVER}.wikitours-popover--completed")
        assert page.locator(f'{POPOVER} a[data-wikitours="account"]').is_visible()
        as_a_reader_sees_it(page, PHONE)
        take(page, "gadget-completed-minerva-phone")
    finally:
        context.close()
