"""Tours and badges published only on a wiki are named in the reader's language (issue 13).

A real MediaWiki gets a library deployed whose tour ``reply-on-talk`` and badge
``conversation-starter`` exist only there, with a German translation in the build (so the wiki
carries ``messages/reply-on-talk/<h>/de``). The app's own checkout knows nothing of them: it
must read the wiki's message pages and show German to a German reader, German to an Austrian
one (the fallback chain, as the gadget merges it), and English where there is no translation.
"""

from __future__ import annotations

import json

import pytest

from deployhelp import deploy
from tests.app.test_app_published_tours import LIBRARY, make_app
from tours.i18n import source_hash

GERMAN = {
    "wikitours-tour-reply-on-talk-title": ("Reply on a talk page", "Auf einer Diskussionsseite antworten"),
    "wikitours-tour-reply-on-talk-step-open-talk-title": ("Open the talk page",
                                                           "Die Diskussionsseite öffnen"),
    "wikitours-badge-conversation-starter-name": ("Conversation starter", "Gesprächseröffner"),
}


@pytest.fixture(scope="module")
def published(wiki, tmp_path_factory):
    folder = tmp_path_factory.mktemp("published-de")
    source = folder / "tours.yaml"
    source.write_text(LIBRARY.replace("WIKIID", wiki.family), encoding="utf-8")
    (folder / "i18n" / "tours").mkdir(parents=True)
    (folder / "i18n" / "tours" / "de.json").write_text(json.dumps({
        "@metadata": {"authors": ["test"],
                      "source-hashes": {k: source_hash(en) for k, (en, _) in GERMAN.items()}},
        **{k: de for k, (_, de) in GERMAN.items()}}, ensure_ascii=False), encoding="utf-8")
    run = deploy(wiki, f"-build:{source}", f"-wiki:{wiki.family}")
    assert run.code == 0, run.text
    return wiki


def test_a_wiki_only_tour_and_badge_are_named_in_the_readers_language(published, tmp_path):
    wiki = published
    app = make_app(wiki, tmp_path)
    client = app.test_client()
    from toolforge import publishedtours

    with app.app_context():
        translations = publishedtours.published(wiki.family).translations
    assert translations["de"]["wikitours-tour-reply-on-talk-title"] == \
        "Auf einer Diskussionsseite antworten"
    assert "en" not in translations  # the source language is the library's own texts

    for lang in ("de", "de-at"):
        page = client.get("/badges/conversation-starter/criteria",
                          headers={"Accept-Language": lang}).get_data(as_text=True)
        assert "Gesprächseröffner" in page and "Conversation starter" not in page, lang
        assert "Auf einer Diskussionsseite antworten" in page, lang
        funnel = client.get(f"/funnels/{wiki.family}/reply-on-talk?uselang={lang}")
        text = funnel.get_data(as_text=True)
        assert funnel.status_code == 200
        assert "Auf einer Diskussionsseite antworten" in text, lang
        assert "Die Diskussionsseite öffnen" in text, lang
        # a step the translation leaves out keeps its source title
        assert "Reply in the visual editor" in text, lang

    page = client.get("/badges/conversation-starter/criteria",
                      headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Conversation starter" in page and "Reply on a talk page" in page
    assert "Gesprächseröffner" not in page


def test_forged_indexes_and_message_pages_cannot_inject_or_overread():
    from contracts import tourdata
    from toolforge.publishedtours import MAX_MESSAGE_PAGES, merge_translations, translation_titles

    index, _ = tourdata.parse_index(json.dumps({
        "tours": {"a": {"version": 1, "steps": 1}}, "sourceLanguage": "en",
        "languages": {"de": {}, "en": {}, "x|y": {}, "../../Main Page": {}, "pt-br": {},
                      **{f"q{chr(97 + i // 26)}{chr(97 + i % 26)}": {} for i in range(600)}}}), "I")
    titles = translation_titles(None, index, ["a", "b"])
    assert len(titles) == MAX_MESSAGE_PAGES  # 2 tours × 602 languages, cut
    assert ("a", "de") in titles and ("a", "pt-br") in titles and ("a", "en") not in titles
    assert not any(code in ("x|y", "../../Main Page") for _, code in titles)
    read = {titles[("a", "de")]: json.dumps({
        "wikitours-tour-a-title": "<script>alert(1)</script>A",
        "wikitours-tour-b-title": "forged by a's page", "other": "x", "wikitours-tour-a-x": 7}),
        titles[("b", "de")]: "{broken", titles[("a", "pt-br")]: None}
    problems: list = []
    merged = merge_translations(titles, read, problems)
    # text stays text (templates escape it); another tour's key is not taken from a's page
    assert merged == {"de": {"wikitours-tour-a-title": "<script>alert(1)</script>A"}}
    assert len(problems) == 1 and problems[0].page == titles[("b", "de")]
