"""The JSON pages the gadget reads (contracts §3 and §4).

Content is split so that a page view loads only what it needs: a small index, one page per
tour, and one message page per tour per language holding only the keys translated in that
language (the gadget merges the reader's fallback chain itself). Output is deterministic:
keys in library order, no time stamps, so an unchanged library deploys as no edits at all.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Mapping

from tours.catalogue import entry_json
from tours.languages import fallback_chain, language
from tours.model import Conditions, Library, Step, Tour, message_key
from tours.render.common import Page
from tours.markup import for_jquerymsg

__all__ = [
    "INDEX_TITLE",
    "CONFIG_TITLE",
    "tour_data_title",
    "messages_title",
    "gadget_index",
    "gadget_config",
    "tour_data",
    "tour_messages",
    "ui_messages",
    "form_messages",
    "index_languages",
    "gadget_text",
]

INDEX_TITLE = "MediaWiki:Gadget-wikitours-tours.json"
#: The site's settings alone: all a starting tour needs of the site, so it does not read the index.
CONFIG_TITLE = "MediaWiki:Gadget-wikitours-config.json"


def tour_data_title(tour_id: str) -> str:
    return f"MediaWiki:Wikitours/tours/{tour_id}.json"


def messages_title(group: str, lang: str) -> str:
    return f"MediaWiki:Wikitours/messages/{group}/{lang}.json"


def _dump(data: object) -> str:
    # Compact JSON is written by the json module's C encoder, several times faster than
    # indented output (which only Python can write); MediaWiki shows JSON pages as a table.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def index_languages(translated: set[str] | frozenset[str], source: str) -> list[str]:
    """Languages the index describes: every language whose fallback chain reaches a language
    that has texts (other than the final ``en`` every chain ends in), plus those languages.

    A reader whose language is not listed sees the source language, so listing all of
    MediaWiki's ~500 languages would only make every tour start slower.
    """
    from tours.languages import load_languages

    wanted = set(translated) | {source}
    meaningful = wanted - {"en"}
    out = set(wanted)
    for code, info in load_languages().items():
        if meaningful & {code, *info.fallbacks}:
            out.add(code)
    return sorted(out)


def gadget_index(library: Library, languages: list[str], config: Mapping | None = None) -> Page:
    """``MediaWiki:Gadget-wikitours-tours.json``: tours, languages (dir, fallbacks), config."""
    data: dict = {
        "tours": {
            t.id: {"version": t.version, "steps": len(t.steps), "audience": t.audience}
            for t in library.tours
        },
        "languages": {
            code: {"dir": language(code).dir, "fallbacks": list(fallback_chain(code)[1:])}
            for code in languages
        },
        "sourceLanguage": library.source_language,
        "config": dict(config or {}),
    }
    return Page(INDEX_TITLE, "json", _dump(data), "tour-data")


def gadget_config(config: Mapping | None = None) -> Page:
    """``MediaWiki:Gadget-wikitours-config.json``: the site's settings (``eventUrl``,
    ``waitMs``), the same object as the index's ``config``. The gadget reads this small page with
    a tour instead of the index, whose list of languages grows with every translation."""
    return Page(CONFIG_TITLE, "json", _dump(dict(config or {})), "tour-data")


def _conditions(c: Conditions) -> dict:
    out = {
        "actions": list(c.actions),
        "namespaces": list(c.namespaces),
        "skins": list(c.skins),
        "editors": list(c.editors),
        "loggedIn": c.logged_in,
    }
    # the page states of the source editor, the watch star and the visual editor's dialogs
    # (contracts §4): only when given, so data of tours without them is unchanged
    for key, value in (("previewing", c.previewing), ("showingChanges", c.showing_changes),
                       ("watched", c.watched)):
        if value is not None:
            out[key] = value
    if c.dialogs:
        out["dialogs"] = list(c.dialogs)
    return out


def _step(tour: Tour, step: Step) -> dict:
    page: dict = {"kind": step.page.kind}
    if step.page.title:
        page["title"] = step.page.title
    target = None
    if step.target is not None:
        target = {"selectors": {skin: [entry_json(e) for e in sels] for skin, sels in step.target.selectors}}
        if step.target.element:
            target["element"] = step.target.element
    out = {
        "id": step.id,
        "page": page,
        "target": target,
        "placement": step.placement,
        "highlight": step.highlight,
        "advance": step.advance,
        "when": _conditions(step.when),
        "unless": None if step.unless.is_empty() else _conditions(step.unless),
        "title": message_key("tour", tour.id, "step", step.id, "title"),
        "text": message_key("tour", tour.id, "step", step.id, "text"),
    }
    if step.skin_texts:
        out["skinText"] = {skin: message_key("tour", tour.id, "step", step.id, "text", skin)
                           for skin, _ in step.skin_texts}
    return out


def tour_data(library: Library, tour: Tour) -> Page:
    """``MediaWiki:Wikitours/tours/<tour>.json``: one tour as the gadget runs it (contract §4)."""
    data = {
        "id": tour.id,
        "version": tour.version,
        "badge": tour.badge or None,
        # the completion popover promises a check of the learner's edits only when one happens
        "badgeEvidence": _badge_evidence(library, tour.badge),
        "requires": list(tour.requires),
        "sourceLanguage": library.source_language,
        "title": message_key("tour", tour.id, "title"),
        "summary": message_key("tour", tour.id, "summary"),
        "steps": [_step(tour, s) for s in tour.steps],
    }
    return Page(tour_data_title(tour.id), "json", _dump(data), "tour-data", tour.id)


def _badge_evidence(library: Library, badge_id: str) -> bool:
    """Whether the app checks the learner's edits before issuing the tour's badge."""
    badge = library.badge(badge_id) if badge_id else None
    return bool(badge and badge.evidence_backed)


def tour_keys(tour: Tour) -> tuple[str, ...]:
    """The message keys one tour's gadget page needs, in order."""
    keys = _keys(tour.id, tuple(s.id for s in tour.steps), tour.badge or "")
    skin_keys = tuple(message_key("tour", tour.id, "step", s.id, "text", skin)
                      for s in tour.steps for skin, _ in s.skin_texts)
    return keys + skin_keys if skin_keys else keys


@lru_cache(maxsize=4096)
def _keys(tour_id: str, step_ids: tuple[str, ...], badge: str = "") -> tuple[str, ...]:
    keys = [message_key("tour", tour_id, "title"), message_key("tour", tour_id, "summary")]
    if badge:  # the completion popover names the badge the tour earns
        keys.append(message_key("badge", badge, "name"))
    for step in step_ids:
        keys.append(message_key("tour", tour_id, "step", step, "title"))
        keys.append(message_key("tour", tour_id, "step", step, "text"))
    return tuple(keys)


def gadget_text(text: str) -> str:
    """A tour text as the gadget's message parser needs it (bold/italic as ``<b>``/``<i>``,
    which jqueryMsg on MediaWiki 1.39 renders while it ignores quote markup; literal brackets
    and entities as ``<nowiki>``: :func:`tours.markup.for_jquerymsg`)."""
    if "''" not in text and "[" not in text and "]" not in text and "&" not in text:
        return text
    return for_jquerymsg(text)


def tour_messages(tour: Tour, lang: str, texts: Mapping[str, str]) -> Page | None:
    """``MediaWiki:Wikitours/messages/<tour>/<lang>.json``: only *tour*'s keys that *lang* has
    (None when it has none, so no empty page is deployed)."""
    data = {}
    get = texts.get
    for k in tour_keys(tour):  # runs for every tour in every language: kept to the bone
        text = get(k)
        if text and text.strip():
            data[k] = gadget_text(text)
    if not data:
        return None
    return Page(messages_title(tour.id, lang), "json", _dump(data), "messages", tour.id,
                lang)


#: Keys of the translation form's own texts: on a page of their own, so that a starting tour
#: does not read them.
FORM_PREFIX = "wikitours-translate-"


def _interface(messages: Mapping[str, str], form: bool) -> dict[str, str]:
    return {k: v for k, v in messages.items() if not k.startswith("@") and isinstance(v, str)
            and k.startswith(FORM_PREFIX) == form}


def ui_messages(lang: str, messages: Mapping[str, str]) -> Page:
    """``MediaWiki:Wikitours/messages/ui/<lang>.json``: the gadget's own interface messages,
    those a tour shows (the translation form's are in :func:`form_messages`)."""
    return Page(messages_title("ui", lang), "json", _dump(_interface(messages, False)),
                "messages", None, lang)


def form_messages(lang: str, messages: Mapping[str, str]) -> Page:
    """``MediaWiki:Wikitours/messages/translate/<lang>.json``: the translation form's texts."""
    return Page(messages_title("translate", lang), "json", _dump(_interface(messages, True)),
                "messages", None, lang)
