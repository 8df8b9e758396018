"""The welcome bot's tour links come from the version readers run: the pointer in the loader
names the versioned pages (contracts §3), and pages of other versions are ignored."""

from __future__ import annotations

from wikiapi.client import Wiki as BotWiki
from bot.welcome import Config, WelcomeBot
from tests.gadget.test_gadget_support import library
from tours.i18n import source_messages
from tours.render.gadgetdata import gadget_index, tour_data, tour_messages
from tours.render.liveversion import LOADER_TITLE, version_pages, with_pointer


def test_tour_links_follow_the_pointer_and_ignore_old_versions(wiki):
    lib = library()
    texts = {k: m.text for k, m in source_messages(lib).items()}
    pages = [gadget_index(lib, ["en"])]
    for tour in lib.tours:
        pages.append(tour_data(lib, tour))
        pages.append(tour_messages(tour, "en", texts))
    versioned, pointer = version_pages(pages)
    assert pointer.tours and pointer.index
    for page in versioned:
        wiki.edit(page.title, page.content, contentmodel=page.model)
    wiki.edit(LOADER_TITLE, with_pointer("/* loader */", pointer), contentmodel="javascript")
    # a stale page at the fixed title (an old version) must not be read
    wiki.edit("MediaWiki:Wikitours/messages/first-edit/en.json",
              '{"wikitours-tour-first-edit-title": "STALE TITLE"}', contentmodel="json")
    bot = WelcomeBot(BotWiki(wiki.site()), Config(), log=lambda line: None)
    titles = {tour: title for tour, _, title in bot._tour_links()}
    assert "first-edit" in titles and "STALE" not in " ".join(titles.values())
    assert titles["first-edit"] == texts["wikitours-tour-first-edit-title"]
