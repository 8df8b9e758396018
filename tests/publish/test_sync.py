"""publish/sync.py with TWO real wikis: a global library wiki (English) holding the tours and their
translations as pages, and a local wiki in Arabic (right-to-left) that adapts the library with
its own page. Tours are edited on the wiki by a normal user, the sync compiles and deploys them,
broken edits publish nothing and are reported, local adaptations apply and upstream removals
are reported. Requests are counted at the servers.

The tests run in order and build on each other (one library, edited step by step).
"""

from __future__ import annotations

import json
import re
import time

import pytest

from publish.multiwiki import parse_config
from publish.sync import SCHEMA_TITLE, sync_once
from tests.publish.test_sync_state import requests_since
from tests.deployhelp import live_title
from trusthelp import trusted_user
from tours.i18n import source_hash

TOURS = "Project:Wikitours/Tours/"
HEADER = "Project:Wikitours/Library.yaml"
I18N = "Project:Wikitours/i18n/"
LOCAL = "Project:Wikitours/Local.yaml"
STATUS = "Project:Wikitours/Status"

FIRST = """<syntaxhighlight lang="yaml">
# Tour of the wikitours library. Schema: MediaWiki:Wikitours/tours.schema.json
id: first-edit
title: Your first edit
summary: Make a small change in your own sandbox.
audience: newcomer
minutes: 5
version: 1
badge: first-edit
steps:
  - id: welcome
    page: sandbox
    title: This is your sandbox
    text: Your sandbox is a page of your own where you can try anything.
  - id: open-editor
    page: sandbox
    element: edit-source-tab
    placement: bottom
    title: Open the editor
    text: Click '''Edit source''' to open the editor.
    advance: click
  - id: done
    page: sandbox
    title: Well done
    text: You made your first edit.
</syntaxhighlight>
"""

SECOND = """id: ask-mentor
title: Ask your mentor
summary: Leave a question for your mentor.
audience: newcomer
minutes: 3
version: 1
steps:
  - id: talk
    page: user-talk
    title: Your talk page
    text: Messages for you arrive here.
  - id: sign
    page: user-talk
    title: Sign your message
    text: End every message with four tildes.
"""

HEADER_TEXT = """# Settings and badges of the library; each tour has its own page under Project:Wikitours/Tours/.
wikitours: 1
source-language: en
badges:
  - id: first-edit
    name: First edit
    description: Made a first edit.
    requires:
      tours: [first-edit]
"""

LOCAL_TEXT = """id: arwiki
language: ar
pages:
  "Help:Referencing for beginners": "Help:الاستشهاد بمصادر"
changes:
  - tour: first-edit
    replace: welcome
    with:
      id: welcome-ar
      page: sandbox
      title: ملعبك
      text: هذه صفحة تجاربك الخاصة.
  - tour: ask-mentor
    replace: sign
    with: {id: sign-ar, page: user-talk, title: وقّع, text: وقّع رسالتك.}
"""

AR_TITLE = "تعديلك الأول"


AR_STEP = "هذا ملعبك"


def _ar_json(title_source: str) -> str:
    key = "wikitours-tour-first-edit-title"
    step = "wikitours-tour-first-edit-step-welcome-title"
    return json.dumps({"@metadata": {"authors": ["Translator"],
                                     "source-hashes": {key: source_hash(title_source),
                                                       step: source_hash("This is your sandbox")}},
                       key: AR_TITLE, step: AR_STEP}, ensure_ascii=False)


def _config(meta, ar):
    config, problems = parse_config({
        "library": {"wiki": "meta", "tours": TOURS, "header": HEADER, "translations": I18N},
        "wikis": [{"id": "meta", "api": meta.api, "index": meta.index, "language": "en"},
                  {"id": "arwiki", "api": ar.api, "index": ar.index, "language": "ar",
                   "variant": "arwiki", "variant-page": LOCAL}]})
    assert config is not None, problems
    return config


@pytest.fixture(scope="module")
def two(make_wiki):
    meta = make_wiki()
    ar = make_wiki(language="ar")
    # The editors are trusted (publish/trust.py): administrators may edit site JSON, so their edits
    # are published directly; tests/publish/test_sync_trust.py is about everyone else.
    trusted_user(meta, "Tour Editor", "sysop")
    trusted_user(meta, "Translator", "sysop")
    trusted_user(ar, "Local Admin", "sysop")
    meta.edit(HEADER, HEADER_TEXT)
    meta.edit(TOURS + "first-edit.yaml", FIRST, user="Tour Editor")
    meta.edit(TOURS + "ask-mentor.yaml", SECOND, user="Tour Editor")
    meta.edit(I18N + "ar.json", _ar_json("Your first edit"), user="Translator", contentmodel="json")
    ar.edit(LOCAL, LOCAL_TEXT, user="Local Admin")
    config = _config(meta, ar)
    sites = {"meta": meta.site(), "arwiki": ar.site()}
    state: dict = {}
    logs: list[str] = []

    def run(**kw):
        return sync_once(config, sites, state, log=logs.append, **kw)

    first = run()
    return meta, ar, run, first, state, logs


def _c(wiki, title: str) -> str:
    """*title* as the wiki spells it (the project namespace is named after the site)."""
    from publish.sync import canonical

    return canonical(wiki.site(), title)


def test_first_sync_publishes_on_both_wikis_with_local_adaptation(two):
    meta, ar, run, first, state, logs = two
    assert first.outcomes["meta"].published and first.outcomes["arwiki"].published, logs
    assert first.outcomes["meta"].errors == [] and first.outcomes["arwiki"].errors == []
    # the library wiki: the help page and the gadget data from the on-wiki YAML
    assert "Your first edit" in meta.wikitext("Help:Wikitours/first-edit")
    data = json.loads(meta.wikitext(live_title(meta, "MediaWiki:Wikitours/tours/first-edit.json")))
    assert [s["id"] for s in data["steps"]] == ["welcome", "open-editor", "done"]
    # the Arabic wiki: the local step replaces the library's, nothing was copied
    ar_data = json.loads(ar.wikitext(live_title(ar, "MediaWiki:Wikitours/tours/first-edit.json")))
    assert [s["id"] for s in ar_data["steps"]] == ["welcome-ar", "open-editor", "done"]
    assert "ملعبك" in ar.wikitext("Help:Wikitours/first-edit")
    # the on-wiki translation reaches the gadget's message pages on both wikis
    for wiki in (meta, ar):
        messages = json.loads(wiki.wikitext(live_title(wiki, "MediaWiki:Wikitours/messages/first-edit/ar.json")))
        assert messages["wikitours-tour-first-edit-title"] == AR_TITLE
    # status pages say all is well; the editors' help pages exist
    status = meta.wikitext(STATUS)
    assert "up to date" in status and _c(meta, TOURS + "first-edit.yaml") in status
    assert json.loads(meta.wikitext(SCHEMA_TITLE))["$schema"]
    notice = meta.wikitext("MediaWiki:Editnotice-4-Wikitours-Tours")
    assert notice is not None
    assert SCHEMA_TITLE in notice and _c(meta, STATUS) in notice
    # editors see the edit notice (schema, docs, status) above the editor of every tour page
    form = meta.session(meta.admin.name).get(meta.index, params={
        "title": TOURS + "first-edit.yaml", "action": "edit"}, timeout=60).text
    assert "These pages hold guided tours in YAML" in form and "tours.schema.json" in form
    assert 'dir="rtl"' in ar.wikitext(STATUS)


def test_translation_status_page_per_language(two):
    meta, *_ = two
    page = meta.wikitext(I18N + "Status/ar")
    assert page is not None
    assert 'data-lang="ar"' in page and "rtl" in page
    assert "wikitours-tour-first-edit-summary" in page  # missing
    assert "action=edit" in page and _c(meta, I18N + "ar.json") in page
    index = meta.wikitext(I18N + "Status")
    assert "ar" in index and "%" in index


@pytest.mark.browser
def test_the_on_wiki_translation_and_the_local_step_show_in_the_gadget(two):
    """Chromium: the Arabic popover on the library wiki shows the on-wiki translation; on the
    Arabic wiki the local step replaces the library's first step."""
    from playwright.sync_api import sync_playwright

    from tests.gadget.test_gadget_support import POPOVER, wait_title
    from tests.browser import launch

    meta, ar, *_ = two
    with sync_playwright() as p:
        browser = launch(p)
        try:
            for wiki, name, expected in ((meta, "Salma", AR_STEP), (ar, "Karim", "ملعبك")):
                wiki.create_user(name)
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                context.set_default_timeout(20000)
                page = context.new_page()
                wiki.login(page, name)
                page.goto(f"{wiki.index}?title=User:{name}/sandbox&uselang=ar&wikitour=first-edit")
                wait_title(page, expected)
                assert page.locator(POPOVER).get_attribute("dir") == "rtl"
                if wiki is ar:
                    assert AR_STEP not in page.inner_text(POPOVER)
                context.close()
        finally:
            browser.close()


def test_nothing_changed_is_one_read_per_wiki(two):
    meta, ar, run, *_ = two
    start = time.time()
    result = run()
    assert not any(o.changed for o in result.outcomes.values())
    meta_log, ar_log = requests_since(meta, start), requests_since(ar, start)
    assert len(meta_log) == 1 and len(ar_log) == 1, (meta_log, ar_log)
    assert meta_log[0]["action"] == "query" and ar_log[0]["action"] == "query"


def test_without_the_local_cache_each_wiki_costs_one_read_more_and_no_edit(two):
    meta, ar, run, _, state, _ = two
    start = time.time()
    result = sync_once(_config(meta, ar), {"meta": meta.site(), "arwiki": ar.site()}, {},
                       log=lambda _: None)
    assert not any(o.changed for o in result.outcomes.values())
    for wiki in (meta, ar):
        log = requests_since(wiki, start)
        assert len(log) == 2 and all(e["action"] == "query" for e in log), log


def test_an_on_wiki_edit_reaches_both_wikis(two):
    meta, ar, run, *_ = two
    text = meta.wikitext(TOURS + "first-edit.yaml").replace("Open the editor", "Open the source editor")
    meta.edit(TOURS + "first-edit.yaml", text, user="Tour Editor")
    result = run()
    assert result.outcomes["meta"].published and result.outcomes["arwiki"].published
    for wiki in (meta, ar):
        assert "Open the source editor" in wiki.wikitext("Help:Wikitours/first-edit") \
            or "Open the source editor" in wiki.wikitext(live_title(wiki, "MediaWiki:Wikitours/messages/first-edit/en.json"))


def test_a_broken_edit_publishes_nothing_and_is_reported(two):
    meta, ar, run, _, state, _ = two
    good_help = meta.wikitext("Help:Wikitours/first-edit")
    good_ar = ar.wikitext("Help:Wikitours/first-edit")
    deployed = meta.page_info("MediaWiki:Wikitours/deployed.json")["revid"]
    text = meta.wikitext(TOURS + "first-edit.yaml")
    hostile = text.replace("minutes: 5", "minutes: '[[Category:Pwned]] <script>alert(1)</script> {{SITENAME}} __NOTOC__'")
    edit = meta.edit(TOURS + "first-edit.yaml", hostile, user="Tour Editor")
    result = run()
    assert not result.outcomes["meta"].published and not result.outcomes["arwiki"].published
    assert result.outcomes["meta"].errors
    # nothing published: the last good version stays live on both wikis
    assert meta.wikitext("Help:Wikitours/first-edit") == good_help
    assert ar.wikitext("Help:Wikitours/first-edit") == good_ar
    assert meta.page_info("MediaWiki:Wikitours/deployed.json")["revid"] == deployed
    # the status page: page, line, what is wrong, how to fix, the diff that introduced it
    status = meta.wikitext(STATUS)
    assert "nothing was published" in status
    assert _c(meta, TOURS + "first-edit.yaml") in status and "line 7" in status
    assert "minutes" in status and "How to fix it" in status
    assert f"Special:Diff/" in status and str(edit["newrevid"]) in status
    assert "User:Tour Editor" in status
    html = meta.html(STATUS)
    assert "<script>alert" not in html and "Category:Pwned" not in meta.call(
        action="query", prop="categories", titles=STATUS)["query"]["pages"][0].get("categories", [{}])[0].get("title", "")
    # the local wiki says so too, linking the library wiki's page
    ar_status = ar.wikitext(STATUS)
    assert meta.index in ar_status and "first-edit.yaml" in ar_status
    # the editor is told on their talk page, once per broken revision
    talk = meta.wikitext("User talk:Tour Editor")
    assert f'wikitours:sync-error rev="{edit["newrevid"]}"' in talk and _c(meta, STATUS) in talk
    run(force=True)
    assert meta.wikitext("User talk:Tour Editor").count("wikitours:sync-error") == 1


def test_the_fix_is_published_and_the_status_page_says_so(two):
    meta, ar, run, *_ = two
    text = meta.wikitext(TOURS + "first-edit.yaml")
    fixed = re.sub(r"(?m)^minutes: .*$", "minutes: 6", text)
    assert fixed != text
    meta.edit(TOURS + "first-edit.yaml", fixed, user="Tour Editor")
    result = run()
    assert result.outcomes["meta"].published and result.outcomes["arwiki"].published
    status = meta.wikitext(STATUS)
    assert "up to date" in status and "Fixed" in status
    assert "6" in meta.wikitext("Help:Wikitours/first-edit")


def test_an_upstream_removal_is_reported_on_the_local_wiki(two):
    meta, ar, run, *_ = two
    text = meta.wikitext(TOURS + "ask-mentor.yaml")
    removed = text.split("  - id: sign")[0]
    meta.edit(TOURS + "ask-mentor.yaml", removed, user="Tour Editor")
    ar_before = ar.wikitext(live_title(ar, "MediaWiki:Wikitours/tours/ask-mentor.json"))
    result = run()
    # the library wiki gets the change; the Arabic wiki keeps its last good version and says why
    assert result.outcomes["meta"].published
    assert [s["id"] for s in json.loads(meta.wikitext(live_title(meta, "MediaWiki:Wikitours/tours/ask-mentor.json")))["steps"]] == ["talk"]
    assert not result.outcomes["arwiki"].published
    assert ar.wikitext(live_title(ar, "MediaWiki:Wikitours/tours/ask-mentor.json")) == ar_before
    ar_status = ar.wikitext(STATUS)
    assert _c(ar, LOCAL) in ar_status and "sign" in ar_status
    # the local admin fixes the adaptation: the wiki catches up
    ar.edit(LOCAL, LOCAL_TEXT.split("  - tour: ask-mentor")[0], user="Local Admin")
    result = run()
    assert result.outcomes["arwiki"].published and not result.outcomes["meta"].changed
    steps = json.loads(ar.wikitext(live_title(ar, "MediaWiki:Wikitours/tours/ask-mentor.json")))["steps"]
    assert [s["id"] for s in steps] == ["talk"]


def test_preview_mode_writes_preview_pages_and_deploys_nothing(two):
    meta, ar, run, *_ = two
    text = meta.wikitext(TOURS + "first-edit.yaml").replace("Well done", "Very well done")
    meta.edit(TOURS + "first-edit.yaml", text, user="Tour Editor")
    before = meta.wikitext("Help:Wikitours/first-edit")
    run(preview=True)
    assert meta.wikitext("Help:Wikitours/first-edit") == before
    preview = meta.wikitext("Project:Wikitours/Preview/first-edit")
    assert preview is not None and "Very well done" in preview
    run()
    assert "Very well done" in meta.wikitext("Help:Wikitours/first-edit")


def test_a_broken_on_wiki_translation_is_reported_with_its_line(two):
    meta, ar, run, *_ = two
    good = meta.wikitext(I18N + "ar.json")
    data = json.loads(good)
    data["wikitours-tour-first-edit-summary"] = "<script>alert(1)</script> $7"
    meta.edit(I18N + "ar.json", json.dumps(data, ensure_ascii=False, indent="\t"), user="Translator")
    result = run()
    assert not result.outcomes["meta"].published
    status = meta.wikitext(STATUS)
    assert _c(meta, I18N + "ar.json") in status and "$7" in status and "<script>" not in status
    assert "User:Translator" in status
    meta.edit(I18N + "ar.json", good, user="Translator")
    assert run().outcomes["meta"].published


def test_a_wiki_without_its_adaptation_page_gets_the_library_and_a_warning(two, make_wiki):
    meta, ar, *_ = two
    he = make_wiki(language="he")
    config, problems = parse_config({
        "library": {"wiki": "meta", "tours": TOURS, "header": HEADER, "translations": I18N},
        "wikis": [{"id": "meta", "api": meta.api, "index": meta.index, "language": "en"},
                  {"id": "hewiki", "api": he.api, "language": "he", "variant": "hewiki",
                   "variant-page": LOCAL}]})
    assert config is not None, problems
    result = sync_once(config, {"meta": meta.site(), "hewiki": he.site()}, {}, log=lambda _: None)
    assert result.outcomes["hewiki"].published, result.outcomes["hewiki"].errors
    steps = json.loads(he.wikitext(live_title(he, "MediaWiki:Wikitours/tours/first-edit.json")))["steps"]
    assert steps[0]["id"] == "welcome"
    assert _c(he, LOCAL) in he.wikitext(STATUS)
