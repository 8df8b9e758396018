"""The build's texts fall back along the one chain of ``tours/messages.py``.

``tours/render/texts.py`` holds the tours' texts of every language in memory for a build; it
used to walk its own chain (MediaWiki's fallbacks only), so a language MediaWiki does not know
(``ar-eg``, a locale's code) showed English on a help page while the console showed Arabic.
Pure.
"""

from __future__ import annotations

import pytest

from tours import messages
from tours.render.texts import Messages, Text

TEXTS = {"en": {"k": "Hello", "only-en": "Only English"},
         "ar": {"k": "مرحبا"},
         "de": {"k": "Hallo"},
         "zh-cn": {"k": "你好"}}


@pytest.mark.parametrize("lang", ["ar-eg", "de-at", "arz", "zh-hant", "en", "fr", "<b>"])
def test_a_page_text_falls_back_like_a_console_message(lang):
    texts = Messages(TEXTS, "en")
    expected = next(code for code in messages.chain(lang) if code in TEXTS)
    assert texts.get("k", lang) == Text(TEXTS[expected]["k"], expected)
    assert texts.chain(lang) == tuple(c for c in messages.chain(lang) if c in TEXTS)


def test_an_unknown_locale_of_a_known_language_shows_that_language():
    texts = Messages(TEXTS, "en")
    assert texts.get("k", "ar-eg") == Text("مرحبا", "ar")
    assert texts.get("only-en", "ar-eg") == Text("Only English", "en")


def test_the_source_language_is_the_last_resort():
    texts = Messages({"de": {"k": "Hallo", "x": "Nur Deutsch"}, "en": {"k": "Hello"},
                      "fr": {"k": "Bonjour"}}, "de")
    assert texts.get("x", "fr") == Text("Nur Deutsch", "de")
    assert texts.chain("fr") == ("fr", "en", "de")
    assert texts.get("missing", "fr") == Text("missing", "en")
