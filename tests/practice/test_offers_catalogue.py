"""Issue 19, offers "in the catalogue and on phones too", on a real MediaWiki in Chromium.

The catalogue (Help:Wikitours) has an empty place the gadget fills with practice tasks for a
signed-in reader who completed a tour that teaches a task type; others see nothing there. On a
phone (Minerva, a narrow viewport) the completion sheet offers the articles, on screen."""

from __future__ import annotations

import json

import pytest

from tests.gadget.test_gadget_support import POPOVER, wait_title

pytestmark = pytest.mark.browser

LEARNER, OTHER = "Learner Kofi", "Visitor Ines"
PRACTICE = "#wikitours-practice"


@pytest.fixture(scope="module")
def world(wiki, tmp_path_factory):
    """Task lists whose type is taught by the short run-a-workshop tour."""
    from playground.practiceseed import TASK_TYPES, seed_task_articles
    from publish.tasklists import run as publish_tasks
    from tests.gadget.test_gadget_support import build_and_deploy
    from wikiapi.client import Wiki

    seed_task_articles(wiki)
    types = json.loads(json.dumps(TASK_TYPES))
    types["types"][0]["learn"] = "run-a-workshop"
    wiki.edit("Project:Wikitours/Tasks.json", json.dumps(types), contentmodel="json")
    build_and_deploy(wiki, tmp_path_factory.mktemp("build"), languages=("en",))
    assert publish_tasks(Wiki(wiki.site()), log=lambda line: None).saved
    for name in (LEARNER, OTHER):
        wiki.create_user(name)
    return wiki


def finish_short_tour(page, wiki, skin: str = "") -> None:
    extra = f"&useskin={skin}" if skin else ""
    page.goto(f"{wiki.index}?title=Help:Wikitours&wikitour=run-a-workshop{extra}")
    for title in ("Choose the tours", "Create a cohort"):
        wait_title(page, title)
        page.click(f'{POPOVER} [data-wikitours="next"]')
    wait_title(page, "Certificates")
    page.click(f'{POPOVER} [data-wikitours="done"]')
    wait_title(page, "Tour completed")


def catalogue_offers(page, wiki, skin: str = "") -> list[str]:
    page.goto(f"{wiki.index}?title=Help:Wikitours" + (f"&useskin={skin}" if skin else ""))
    page.wait_for_function(f"['on', 'off'].indexOf((document.querySelector('{PRACTICE}') || "
                           "{getAttribute: function () {}}).getAttribute('data-wikitours-offers'))"
                           " !== -1")
    links = page.locator(f"{PRACTICE} a[data-wikitours-task]")
    if links.count():
        links.first.wait_for(state="visible")
    return [links.nth(i).get_attribute("href") or "" for i in range(links.count())]


def test_the_catalogue_offers_tasks_after_the_tour_that_teaches_them(world, page):
    wiki = world
    wiki.login(page, OTHER)
    assert catalogue_offers(page, wiki) == []  # nothing completed, nothing offered
    page.context.clear_cookies()
    wiki.login(page, LEARNER)
    finish_short_tour(page, wiki)
    page.wait_for_function("() => true")
    hrefs = catalogue_offers(page, wiki)
    assert 1 <= len(hrefs) <= 3
    assert all("wikitour=citation-task" in h and "wikitask=citation" in h for h in hrefs)
    assert not any("Locked" in h for h in hrefs)  # protected articles are never offered


def test_the_catalogue_place_is_empty_for_anonymous_readers(world, page):
    page.goto(f"{world.index}?title=Help:Wikitours")
    place = page.locator(PRACTICE)
    assert place.count() == 1
    page.wait_for_load_state("networkidle")
    assert place.get_attribute("data-wikitours-offers") is None
    assert place.inner_text().strip() == ""


def test_on_a_phone_the_completion_sheet_and_the_catalogue_offer_tasks(world, browser):
    wiki = world
    context = browser.new_context(viewport={"width": 375, "height": 667}, is_mobile=True,
                                  has_touch=True)
    context.set_default_timeout(20000)
    page = context.new_page()
    try:
        name = "Phone Learner"
        wiki.create_user(name)
        wiki.login(page, name)
        finish_short_tour(page, wiki, "minerva")
        assert page.evaluate("mw.config.get('skin')") == "minerva"
        links = page.locator(f"{POPOVER} .wikitours-tasks__offer a[data-wikitours-task]")
        links.first.wait_for(state="visible")
        box = links.first.bounding_box()
        assert box and 0 <= box["x"] and box["x"] + box["width"] <= 375
        assert 0 <= box["y"] and box["y"] + box["height"] <= 667  # on screen, not below the sheet
        page.click(f'{POPOVER} [data-wikitours="finish"]')
        hrefs = catalogue_offers(page, wiki, "minerva")
        assert 1 <= len(hrefs) <= 3
    finally:
        context.close()
