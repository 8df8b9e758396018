"""Plural forms: our choice must be MediaWiki's own, in languages with very different rules."""

import json

import pytest

from tours import plurals
from toolforge.i18n import Catalog

# Six distinct forms, so every rule index (and the capping to the last form) is visible.
PROBE = "{{PLURAL:$1|f0|f1|f2|f3|f4|f5}}"
LANGUAGES = ["en", "fr", "de", "ar", "he", "ru", "pl", "cy", "lt", "sl", "ga", "hi", "ja",
             "be-tarask", "de-at", "pt-br"]
NUMBERS = ["0", "1", "2", "3", "4", "5", "6", "7", "10", "11", "12", "14", "19", "20", "21",
           "22", "25", "100", "101", "102", "111", "1000"]
# Decimals: MediaWiki parses "1.5" with the language's separators ("1.5" is 15 in German), so
# they are compared only where "." is the decimal separator.
DECIMAL_LANGUAGES = ["en", "he", "ja", "hi"]
DECIMALS = ["1.5", "0.0", "1.0", "2.5"]


@pytest.fixture(scope="module")
def mediawiki_choices(wiki):
    """What MediaWiki itself shows for PROBE, asked through the API for every language and number."""
    wiki.edit("MediaWiki:Wikitours-plural-probe", PROBE)
    wiki.edit("MediaWiki:Wikitours-plural-explicit", "{{PLURAL:$1|0=none|12=a dozen|one|other}}")
    choices = {}
    cases = [(lang, n) for lang in LANGUAGES for n in NUMBERS]
    cases += [(lang, n) for lang in DECIMAL_LANGUAGES for n in DECIMALS]
    for lang, number in cases:
        data = wiki.call(action="query", meta="allmessages",
                         ammessages="wikitours-plural-probe|wikitours-plural-explicit",
                         amargs=number, amlang=lang, amenableparser=1, formatversion=2)
        found = {m["name"]: m["content"] for m in data["query"]["allmessages"]}
        choices[lang, number] = (found["wikitours-plural-probe"],
                                 found["wikitours-plural-explicit"])
    return choices


def test_forms_are_mediawikis_own(mediawiki_choices):
    forms = ["f0", "f1", "f2", "f3", "f4", "f5"]
    fallbacks = {"be-tarask": ("be",), "de-at": ("de",), "pt-br": ("pt",)}
    mismatches = {
        (lang, number): (plurals.choose(forms, number, lang, fallbacks.get(lang, ())), expected)
        for (lang, number), (expected, _) in mediawiki_choices.items()
        if plurals.choose(forms, number, lang, fallbacks.get(lang, ())) != expected}
    assert not mismatches
    # the languages really differ, so the test would notice a one-size-fits-all rule
    assert len({mediawiki_choices["ar", n][0] for n in NUMBERS}) == 6  # zero … other
    assert mediawiki_choices["en", "2"][0] == "f1" and mediawiki_choices["ar", "2"][0] == "f2"


def test_explicit_forms_win(mediawiki_choices):
    for (lang, number), (_, expected) in mediawiki_choices.items():
        assert plurals.choose(["0=none", "12=a dozen", "one", "other"], number, lang) == expected


def test_the_app_uses_the_rules_of_the_language_the_text_is_in(tmp_path):
    (tmp_path / "en.json").write_text(json.dumps({"k": "$1 {{PLURAL:$1|item|items}}"}))
    (tmp_path / "ar.json").write_text(json.dumps(
        {"k": "{{PLURAL:$1|لا عناصر|عنصر واحد|عنصران|$1 عناصر|$1 عنصرًا|$1 عنصر}}"}))
    catalog = Catalog.load(tmp_path, plurals.DATA_FILE.parent / "languages.json")
    assert [catalog.format("ar", "k", n) for n in (0, 1, 2, 3, 11, 100)] == [
        "لا عناصر", "عنصر واحد", "عنصران", "3 عناصر", "11 عنصرًا", "100 عنصر"]
    # a German reader gets the English text (fallback), chosen by English rules
    assert catalog.format("de", "k", 0) == "0 items" and catalog.format("de", "k", 1) == "1 item"
    # hostile or odd numbers never break the page
    assert catalog.format("ar", "k", "<b>") == "لا عناصر"


def test_generated_rules_match_mediawikis_files():
    from pathlib import Path

    root = Path("/usr/share/mediawiki")
    if not (root / "languages" / "data" / "plurals.xml").is_file():
        pytest.fail("MediaWiki is not installed: apt-get install mediawiki (./dev setup does)")
    assert plurals.plurals_json(plurals.read_mediawiki(root)) == plurals.DATA_FILE.read_text()
