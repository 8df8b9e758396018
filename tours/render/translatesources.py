"""``MediaWiki:Gadget-wikitours-sources.json``: what the translation form needs (contracts §3).

Translators translate on ``Project:Wikitours/i18n/<lang>.json`` with a form (the gadget module
``wikitours-translate``). The form must show each source text, its documentation and the hash a
translation records (contract §2), and the message pages the build already publishes cannot give
those: they hold texts adapted to one wiki (``--wiki``) and converted for the gadget's parser,
while translations are made, and hashed, from the library's own source texts. So the build
publishes the library's source texts as they are, once, in this small page.

The page is deterministic (library order, no time stamps): an unchanged library deploys no edit.
"""

from __future__ import annotations

import json
from typing import Mapping

from tours.i18n import source_hash, source_messages
from tours.model import Library
from tours.render.common import Page

__all__ = ["SOURCES_TITLE", "sources_data", "sources_page"]

SOURCES_TITLE = "MediaWiki:Gadget-wikitours-sources.json"


def sources_data(library: Library, docs: Mapping[str, str] | None = None) -> dict:
    """``{"format": 1, "sourceLanguage", "messages": [{"key", "text", "hash", "doc"}]}``.

    *docs* are the translators' notes of ``i18n/tours/qqq.json``; a key without one gets the
    note the compiler writes itself (:func:`tours.i18n.source_messages`), so none is empty.
    """
    docs = docs or {}
    messages = []
    for key, msg in source_messages(library).items():
        doc = docs.get(key)
        messages.append({
            "key": key,
            "text": msg.text,
            "hash": source_hash(msg.text),
            "doc": doc if isinstance(doc, str) and doc.strip() else msg.doc,
        })
    return {"format": 1, "sourceLanguage": library.source_language, "messages": messages}


def sources_page(library: Library, docs: Mapping[str, str] | None = None) -> Page:
    """The page itself (kind ``tour-data``: gadget data read on demand, like the tour pages)."""
    text = json.dumps(sources_data(library, docs), ensure_ascii=False, separators=(",", ":"))
    return Page(SOURCES_TITLE, "json", text + "\n", "tour-data")
