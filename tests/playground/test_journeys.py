"""The first hour of a mentor and a trainer, in Chromium, on the whole playground stack (issue 17).

One ``python -m playground`` per MediaWiki version (ids ``[mw1.39]``, ``[mw1.43]``), from a fresh
directory, as the README's first command runs it: the real MediaWiki with the gadget the sync
published, the app under gunicorn, the bot loop (welcome, mentors), the badge issuer, the sync
and the playground's own OAuth 2.0 provider. The browser signs in exactly as a person would (the
provider's form with the wiki account's password). Screenshots from the docs' version (1.43) go
to ``docs/screenshots/journeys/`` when ``WIKITOURS_SCREENSHOTS=1`` (the README links them), the
others to ``screenshots/tmp/`` (tests/screens.py).

Journeys: (1) a newcomer signs up on a phone, is welcomed with a mentor, takes first-edit in
German, gets the badge and sees it; (2) a mentor signs in, finds their newcomer on the dashboard
with their progress and writes to them; (3) a trainer creates a cohort for a wiki club workshop,
shares the join link, participants join, the trainer follows their progress and exports it;
(4) an admin edits a tour, breaks it, reads the error, fixes it and adds a translation.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests import screens
from tests.gadget.test_gadget_browser import MINERVA_EDIT
from tests.gadget.test_gadget_support import POPOVER, wait_title
from tests.playground.test_playground_sync import Playground, wait_for
from localwiki import free_port
from tests.deployhelp import live_title

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
MENTORS = ("Ada", "Grace", "Hedy")


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(scope="module")
def stack(tmp_path_factory, mediawiki):
    """One playground per MediaWiki version (the `mediawiki` fixture names it in the test ids)."""
    ground = Playground(tmp_path_factory.mktemp(f"journeys-{mediawiki.id}") / "pg", free_port(),
                        free_port(), mediawiki.branch)
    out = ground.start()
    assert f"MediaWiki version: {mediawiki.branch}." in out, out
    assert "sign-in: running" in out and "app: running" in out and "bot: running" in out, out
    ground.app_url = f"http://127.0.0.1:{ground.app_port}"
    ground.accounts = json.loads((ground.directory / "accounts.json").read_text())
    yield ground
    ground.stop()


def shot(stack, page, name: str, full_page: bool = True) -> Path:
    """docs/screenshots/journeys/NAME.png from the docs' MediaWiki version with
    WIKITOURS_SCREENSHOTS=1, else screenshots/tmp (tests/screens.py). The version is the
    stack's, also for the app's pages."""
    path = screens.path_named(f"journeys/{name}", stack.branch)
    page.screenshot(path=str(path), full_page=full_page)
    assert path.stat().st_size > 10000
    return path


def sign_in(stack, page, path: str, name: str, shot_name: str | None = None) -> None:
    """Open *path* of the app signed out: the app sends the browser to the playground's
    sign-in page, where *name* signs in with their wiki password, and back to *path*."""
    page.goto(stack.app_url + path)
    page.wait_for_selector("input[name=username]")
    assert "Sign in with your playground wiki account" in page.inner_text("h1")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", stack.accounts[name])
    if shot_name:
        shot(stack, page, shot_name)
    with page.expect_navigation(url=re.compile(re.escape(stack.app_url) + ".*")):
        page.click("button[value=allow]")
    page.wait_for_load_state()
    assert page.url.startswith(stack.app_url), page.url


def wiki_login(stack, page, name: str) -> None:
    """Log in on the wiki with its own form (the app's sign-in is not a wiki session)."""
    page.goto(f"{stack.wiki.index}?title=Special:UserLogin")
    page.fill("#wpName1", name)
    page.fill("#wpPassword1", stack.accounts[name])
    with page.expect_navigation():
        page.click("#wpLoginAttempt")
    assert page.evaluate("mw.config.get('wgUserName')") == name


def close_first_use_dialog(page) -> None:
    """VisualEditor greets a user's first edit with a modal dialog (the page behind is inert):
    close it as a person would."""
    page.wait_for_load_state("networkidle")
    primary = page.locator(".oo-ui-window-active .oo-ui-messageDialog-actions "
                           ".oo-ui-flaggedElement-primary a")
    try:
        primary.wait_for(state="visible", timeout=5000)
    except Exception:  # not shown to this user
        return
    primary.click()
    primary.wait_for(state="hidden")


DT_SUBJECT = ".ext-discussiontools-ui-newTopic-sectionTitle input"
DT_REPLY = ".ext-discussiontools-ui-replyWidget"


def new_topic_tool(page) -> bool:
    """Whether a "new section" link opened DiscussionTools' new topic tool (on by default in
    1.43) rather than the classic edit form (1.39)."""
    page.wait_for_selector(f"{DT_SUBJECT}, #wpSummary", state="visible", timeout=60000)
    return page.locator(DT_SUBJECT).is_visible()


def write_with_discussiontools(page, subject: str, message: str) -> None:
    """Fill DiscussionTools' new topic tool as a person does: the subject, then the message in
    its visual or source mode (whichever it opened in); the tool adds the signature."""
    page.fill(DT_SUBJECT, subject)
    body = page.locator(f"{DT_REPLY} .ve-ce-surface:visible, {DT_REPLY} textarea:visible")
    body.first.wait_for(state="visible", timeout=60000)  # the tool loads its editor after the form
    if page.locator(f"{DT_REPLY} .ve-ce-surface:visible").count():
        body.first.click()
        # VisualEditor takes the focus a task later: keys typed at once are lost (issue 16)
        page.wait_for_selector(f"{DT_REPLY} .ve-ce-surface.ve-ce-surface-focused")
        page.keyboard.type(message)
    else:
        body.first.fill(message)
    page.wait_for_selector(f"{DT_REPLY} .ext-discussiontools-ui-replyWidget-actions "
                           ".oo-ui-flaggedElement-primary:not(.oo-ui-widget-disabled)")


def mentor_of(stack, newcomer: str) -> str:
    """The mentor the bot gave *newcomer* (its record, Project:Wikitours/Mentees/<mentor>.json)."""
    def found():
        for mentor in MENTORS:
            text = stack.wiki.wikitext(f"Project:Wikitours/Mentees/{mentor}.json")
            if text and any(m.get("username") == newcomer
                            for m in json.loads(text).get("mentees", [])):
                return mentor
        return None
    return wait_for(f"the bot gives {newcomer} a mentor", found, deadline=180)


def test_journey_1_a_newcomer_signs_up_takes_first_edit_in_german_on_a_phone(stack, browser):
    from localwiki.client import call, token
    from localwiki.server import Account

    wiki, name, password = stack.wiki, "Lena Neu", "lena-password-" + "x" * 12
    phone = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True,
                                is_mobile=True, device_scale_factor=2, locale="de-DE")
    phone.set_default_timeout(30000)
    page = phone.new_page()
    try:
        # 1. sign up on the phone, in German
        page.goto(f"{wiki.index}?title=Special:CreateAccount&useskin=minerva&uselang=de")
        page.fill("#wpName2", name)
        page.fill("#wpPassword2", password)
        page.fill("#wpRetype", password)
        shot(stack, page, "1-newcomer-signs-up")
        with page.expect_navigation():
            page.click("#wpCreateaccount")
        assert page.evaluate("mw.config.get('wgUserName')") == name
        wiki._accounts()[name] = Account(name, password)
        stack.accounts[name] = password
        # their language and the phone skin, as they would set them in their preferences
        session = wiki.session(name)
        call(session, wiki.api, "POST", action="options", change="language=de|skin=minerva",
             token=token(session, wiki.api, "csrf"))
        # 2. the bot welcomes them and gives them a mentor
        mentor = mentor_of(stack, name)
        talk = wait_for("the welcome", lambda: wiki.wikitext(f"User talk:{name}"), deadline=180)
        assert mentor in talk
        page.goto(f"{wiki.index}?title=User_talk:{name.replace(' ', '_')}")
        shot(stack, page, "1-newcomer-welcomed-with-a-mentor")
        # 3. first-edit in German on Minerva, from the catalogue's start link
        page.goto(f"{wiki.index}?title=User:{name.replace(' ', '_')}/sandbox&wikitour=first-edit")
        wait_title(page, "Das ist deine Spielwiese")
        assert page.evaluate("mw.config.get('skin')") == "minerva"
        shot(stack, page, "1-newcomer-first-step-de")
        page.tap(f'{POPOVER} [data-wikitours="next"]')
        wait_title(page, "Den Editor öffnen")
        with page.expect_navigation():
            page.tap(MINERVA_EDIT)
        close_first_use_dialog(page)
        wait_title(page, "Schreib etwas")
        page.fill("#wpTextbox1", "Hallo! Ich möchte Artikel über Flüsse verbessern.")
        page.tap(f'{POPOVER} [data-wikitours="next"]')
        wait_title(page, "Beschreibe deine Änderung")
        page.fill("#wpSummary", "meine erste Bearbeitung")
        page.tap(f'{POPOVER} [data-wikitours="next"]')
        wait_title(page, "Veröffentliche deine Bearbeitung")
        with page.expect_navigation():
            page.tap("#wpSave")
        wait_title(page, "Deine erste Bearbeitung ist online!")
        page.tap(f'{POPOVER} [data-wikitours="done"]')
        page.wait_for_selector(f"{POPOVER}.wikitours-popover--completed")
        shot(stack, page, "1-newcomer-completed")
        # 4. the badge is issued (the app checked the edit) and they see it
        badges = page.locator(f'{POPOVER} [data-wikitours="badges"]').get_attribute("href")
        assert badges.startswith(stack.app_url)

        def issued():
            page.goto(badges)
            return page.locator(".badge-chip, [data-badge='first-edit'], a[href*='/assertions/']") \
                .count() > 0
        wait_for("the first-edit badge on their page", issued, deadline=180)
        shot(stack, page, "1-newcomer-sees-the-badge")
        wait_for("the badge note on their talk page",
                 lambda: "wikitours:badge" in (wiki.wikitext(f"User talk:{name}") or ""),
                 deadline=180)
    finally:
        phone.close()


def test_journey_2_a_mentor_finds_their_newcomer_and_writes_to_them(stack, browser):
    wiki = stack.wiki
    mentor = mentor_of(stack, "Noor")
    assert wait_for("Noor is welcomed", lambda: wiki.wikitext("User talk:Noor"), deadline=120)
    # Noor has started a tour (the gadget writes this page as Noor)
    wiki.edit("User:Noor/wikitours.json", json.dumps({"format": 1, "tours": {"first-edit": {
        "status": "started", "version": 1, "step": "open-editor",
        "started": now(), "updated": now()}}}),
        user="Noor", contentmodel="json")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    try:
        sign_in(stack, page, "/mentor", mentor, "2-mentor-signs-in")
        page.wait_for_selector("table.mentees")
        row = page.locator("table.mentees tr", has_text="Noor")
        assert row.count() == 1, page.inner_text("body")
        assert "Started" in row.inner_text() or "started" in row.inner_text().lower()
        shot(stack, page, "2-mentor-dashboard")
        # writing to them happens on the wiki: the mentor is logged in there as well
        href = row.locator("a.write").get_attribute("href")
        assert "User_talk:Noor" in href and "section=new" in href
        wiki_login(stack, page, mentor)
        page.goto(href)
        message = "Welcome, Noor! How is your first edit going?"
        if new_topic_tool(page):
            # 1.43: the link opens DiscussionTools' new topic tool in the page, which signs
            write_with_discussiontools(page, "Hello from your mentor", message)
            shot(stack, page, "2-mentor-writes")
            page.click(f"{DT_REPLY} .ext-discussiontools-ui-replyWidget-actions "
                       ".oo-ui-flaggedElement-primary .oo-ui-buttonElement-button")
        else:
            close_first_use_dialog(page)
            page.fill("#wpSummary", "Hello from your mentor")
            page.fill("#wpTextbox1", message + " ~~~~")
            shot(stack, page, "2-mentor-writes")
            with page.expect_navigation():
                page.click("#wpSave")
        talk = wait_for("the message on Noor's talk page", lambda: (
            t := wiki.wikitext("User talk:Noor") or "") and message in t and t, deadline=60)
        assert "== Hello from your mentor ==" in talk
        assert f"[[User:{mentor}|" in talk.split(message, 1)[1], "signed by the mentor"
        assert wiki.history("User talk:Noor")[-1]["user"] == mentor
    finally:
        context.close()


def test_journey_3_a_trainer_runs_a_wiki_club_cohort_and_exports_it(stack, browser):
    wiki = stack.wiki
    trainer = "Hedy"
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US",
                                  accept_downloads=True)
    page = context.new_page()
    try:
        sign_in(stack, page, "/cohorts", trainer)
        page.fill("input[name=name]", "Wiki club workshop, Saturday")
        with page.expect_navigation():
            page.click("form[action$='/cohorts'] button[type=submit]")
        join_url = page.inner_text("code.join-link").strip()
        assert "/join/" in join_url
        shot(stack, page, "3-trainer-cohort-created")
        # two participants open the shared link, sign in with their own accounts and join
        for name in ("Sam", "Kim"):
            guest = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-US")
            other = guest.new_page()
            try:
                sign_in(stack, other, join_url.replace(stack.app_url, ""), name,
                        "3-participant-signs-in" if name == "Sam" else None)
                if name == "Sam":
                    shot(stack, other, "3-participant-joins")
                with other.expect_navigation():
                    other.click("form[action*='/join/'] button[type=submit]")
            finally:
                guest.close()
        # one of them has finished a tour by now (the gadget writes this page as Sam)
        wiki.edit("User:Sam/wikitours.json", json.dumps({"format": 1, "tours": {"first-edit": {
            "status": "completed", "version": 1, "step": "done",
            "started": "2026-12-01T10:00:00Z", "updated": "2026-12-01T10:05:00Z",
            "completed": "2026-12-01T10:05:00Z"}}}), user="Sam", contentmodel="json")
        page.reload()
        with page.expect_navigation():
            page.click("form[action$='/refresh'] button[type=submit]")
        table = page.locator("table.cohort-progress")
        assert table.locator("tr[data-learner=Sam]").count() == 1
        assert table.locator("tr[data-learner=Kim]").count() == 1
        assert "completed" in table.locator("tr[data-learner=Sam] td[data-tour=first-edit]") \
            .inner_text().lower()
        shot(stack, page, "3-trainer-follows-progress")
        with page.expect_download() as download:
            page.click("a.export")
        text = Path(download.value.path()).read_text(encoding="utf-8")
        rows = {r[0]: r for r in csv.reader(io.StringIO(text))}
        header = rows["learner"]
        assert rows["Sam"][header.index("first-edit")] == "completed"
        assert rows["Kim"][header.index("first-edit")] == "none"
    finally:
        context.close()


def wait_rendered(stack, title: str, text: str) -> None:
    import html

    def shown():
        reply = stack.wiki.anonymous().get(stack.wiki.index, params={
            "title": title, "action": "render"}, timeout=30)
        return text in html.unescape(reply.text)
    wait_for(f"{text!r} on {title}", shown)


def test_journey_4_an_admin_edits_breaks_fixes_and_translates_a_tour(stack, browser):
    wiki = stack.wiki
    stack.accounts.setdefault(wiki.admin.name, wiki.admin.password)
    tour = "Project:Wikitours/Tours/user-page.yaml"
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()

    def save_source(change, summary: str, picture: str | None = None) -> None:
        page.goto(f"{wiki.index}?title={tour}&action=edit")
        close_first_use_dialog(page)
        box = page.locator("#wpTextbox1")
        box.fill(change(box.input_value()))
        page.fill("#wpSummary", summary)
        if picture:  # the README's picture of a tour page being edited on the wiki
            page.screenshot(path=str(screens.path_named(picture, stack.branch)))
        with page.expect_navigation():
            page.click("#wpSave")

    try:
        wiki_login(stack, page, wiki.admin.name)
        # 1. edit: the help page follows within seconds
        save_source(lambda t: t.replace("title: Your user page", "title: Your own user page", 1),
                    "clearer title", picture="playground-tour-page")
        wait_rendered(stack, "Help:Wikitours/user-page", "Your own user page")
        page.goto(f"{wiki.index}?title=Help:Wikitours/user-page")
        shot(stack, page, "4-admin-edited-tour-live")
        # 2. break it: an unclosed bracket
        save_source(lambda t: t.replace("title: Your own user page", "title: [Your own user page",
                                        1), "oops")
        wait_for("the error on the status page",
                 lambda: "nothing was published" in (wiki.wikitext("Project:Wikitours/Status")
                                                     or ""))
        # 3. read the error where the admin looks: the status page, with line and fix
        page.goto(f"{wiki.index}?title=Project:Wikitours/Status")
        text = page.inner_text("#mw-content-text")
        assert "user-page.yaml" in text and "line 3" in text and "How to fix it" in text, text
        shot(stack, page, "4-admin-reads-the-error")
        # 4. fix it
        save_source(lambda t: t.replace("title: [Your own user page", "title: Your own user page",
                                        1), "fixed")
        wait_for("the status page saying it is fixed",
                 lambda: "Fixed:" in (wiki.wikitext("Project:Wikitours/Status") or ""))
        # 5. add the German translation of the new title in the translation form
        page.goto(f"{wiki.index}?title=Project:Wikitours/i18n/de.json&action=edit&uselang=en")
        page.wait_for_selector(".wikitours-translate .wikitours-translate__item", timeout=30000)
        item = page.locator('.wikitours-translate__item'
                            '[data-key="wikitours-tour-user-page-title"]')
        item.locator("textarea").fill("Deine eigene Benutzerseite")
        confirm = item.locator(".wikitours-translate__confirm input")
        if confirm.count():
            confirm.check()
        page.click(".wikitours-translate__save")
        page.wait_for_selector('.wikitours-translate__status[data-status="saved"]')
        # the form lists every text of every tour (tens of thousands of pixels): the picture is
        # the window around the text just translated
        item.scroll_into_view_if_needed()
        page.evaluate("window.scrollBy(0, -200)")
        shot(stack, page, "4-admin-adds-translation", full_page=False)
        saved = json.loads(wiki.wikitext("Project:Wikitours/i18n/de.json"))
        assert saved["wikitours-tour-user-page-title"] == "Deine eigene Benutzerseite"
        # the sync publishes it: the German texts readers get (the live version's page)
        fixed = "MediaWiki:Wikitours/messages/user-page/de.json"
        wait_for("the translation live", lambda: "Deine eigene Benutzerseite" in (
            wiki.wikitext(live_title(wiki, fixed)) or ""))
    finally:
        context.close()
