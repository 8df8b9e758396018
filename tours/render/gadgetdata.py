"""The JSON pages the gadget reads (contracts §3 and §4).

Content is split so that a page view loads only what it needs: a small index, one page per
tour, and one message page per tour per language holding only the keys translated in that
language (the gadget merges the reader's fallback chain itself). Output is deterministic:
keys in library order, no time stamps, so an unchanged library deploys as no edits at all.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Mapping

from contracts import tourdata as contract
from contracts.tourdata import dump as _dump
from tours.catalogue import entry_json
from tours.languages import fallback_chain, language
from tours.model import Library, Step, Tour, message_key
from tours.render.common import Page
from tours.markup import for_jquerymsg
from tours.languages import load_languages

__all__ = [
    "INDEX_TITLE",
    "CONFIG_TITLE",
    "tour_data_title",
    "messages_title",
    "gadget_index",
    "gadget_config",
    "tour_data",
    "tour_messages",
    "badge_tours",
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


def index_languages(translated: set[str] | frozenset[str], source: str) -> list[str]:
    """Languages the index describes: every language whose fallback chain reaches a language
    that has texts (other than the final ``en`` every chain ends in), plus those languages.

    A reader whose language is not listed sees the source language, so listing all of
    MediaWiki's ~500 languages would only make every tour start slower.
    """
    wanted = set(translated) | {source}
    meaningful = wanted - {"en"}
    out = set(wanted)
    for code, info in load_languages().items():
        if meaningful & {code, *info.fallbacks}:
            out.add(code)
    return sorted(out)


def gadget_index(library: Library, languages: list[str], config: Mapping | None = None) -> Page:
    """``MediaWiki:Gadget-wikitours-tours.json``: tours, languages (dir, fallbacks), config."""
    index = contract.Index(
        tours={t.id: contract.IndexTour(t.version, t.path_length, t.audience)
               for t in library.tours},
        languages={code: {"dir": language(code).dir, "fallbacks": list(fallback_chain(code)[1:])}
                   for code in languages},
        source_language=library.source_language,
        config=dict(config or {}),
        # what the app needs to issue a wiki's badges, tours published only there included
        badges={b.id: contract.BadgeData(b.requires_tours, b.requires_badges, b.evidence,
                                         b.name, b.description) for b in library.badges})
    return Page(INDEX_TITLE, "json", contract.render_index(index), "tour-data")


def gadget_config(config: Mapping | None = None) -> Page:
    """``MediaWiki:Gadget-wikitours-config.json``: the site's settings (``eventUrl``,
    ``waitMs``), the same object as the index's ``config``. The gadget reads this small page with
    a tour instead of the index, whose list of languages grows with every translation."""
    return Page(CONFIG_TITLE, "json", _dump(dict(config or {})), "tour-data")


def _step(tour: Tour, step: Step) -> contract.StepData:
    page: dict = {"kind": step.page.kind}
    if step.page.title:
        page["title"] = step.page.title
    target = None
    if step.target is not None:
        target = {"selectors": {skin: [entry_json(e) for e in sels] for skin, sels in step.target.selectors}}
        if step.target.element:
            target["element"] = step.target.element
    extra = {}
    if step.skin_texts:
        extra["skinText"] = {skin: message_key("tour", tour.id, "step", step.id, "text", skin)
                             for skin, _ in step.skin_texts}
    return contract.StepData(
        id=step.id, page=page, target=target, placement=step.placement,
        highlight=step.highlight, advance=step.advance, when=step.when,
        unless=None if step.unless.is_empty() else step.unless,
        title=message_key("tour", tour.id, "step", step.id, "title"),
        text=message_key("tour", tour.id, "step", step.id, "text"), extra=extra)


def tour_data(library: Library, tour: Tour) -> Page:
    """``MediaWiki:Wikitours/tours/<tour>.json``: one tour as the gadget runs it (contract §4)."""
    data = contract.TourData(
        id=tour.id, version=tour.version, badge=tour.badge or None,
        # the completion popover promises a check of the learner's edits only when one happens
        badge_evidence=_badge_evidence(library, tour.badge),
        # every tour the badge needs: the last step announces the badge only when all are done
        badge_requires=badge_tours(library, tour.badge),
        requires=tuple(tour.requires), source_language=library.source_language,
        title=message_key("tour", tour.id, "title"),
        summary=message_key("tour", tour.id, "summary"),
        steps=tuple(_step(tour, s) for s in tour.steps))
    return Page(tour_data_title(tour.id), "json", contract.render_tour_data(data), "tour-data",
                tour.id)


def _badge_evidence(library: Library, badge_id: str) -> bool:
    """Whether the app checks the learner's edits before issuing the tour's badge."""
    badge = library.badge(badge_id) if badge_id else None
    return bool(badge and badge.evidence_backed)


def badge_tours(library: Library, badge_id: str) -> tuple[str, ...]:
    """Every tour a badge needs, through the badges it requires too, in library order.

    The gadget compares them with the learner's progress so that the last step of a tour never
    announces a badge whose other requirements are not met (it names the missing tours instead).
    """
    wanted: set[str] = set()
    seen: set[str] = set()
    todo = [badge_id] if badge_id else []
    while todo:
        badge = library.badge(todo.pop())
        if badge is None or badge.id in seen:
            continue
        seen.add(badge.id)
        wanted.update(badge.requires_tours)
        todo.extend(badge.requires_badges)
    return tuple(t.id for t in library.tours if t.id in wanted)


def tour_keys(tour: Tour, others: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The message keys one tour's gadget page needs, in order; *others* are the tours whose
    titles it shows too (those its badge also requires)."""
    keys = _keys(tour.id, tuple(s.id for s in tour.steps), tour.badge or "",
                 tuple(o for o in others if o != tour.id))
    skin_keys = tuple(message_key("tour", tour.id, "step", s.id, "text", skin)
                      for s in tour.steps for skin, _ in s.skin_texts)
    return keys + skin_keys if skin_keys else keys


@lru_cache(maxsize=4096)
def _keys(tour_id: str, step_ids: tuple[str, ...], badge: str = "",
          others: tuple[str, ...] = ()) -> tuple[str, ...]:
    keys = [message_key("tour", tour_id, "title"), message_key("tour", tour_id, "summary")]
    if badge:  # the completion popover names the badge the tour earns
        keys.append(message_key("badge", badge, "name"))
    # and the tours still missing for that badge
    keys += [message_key("tour", other, "title") for other in others]
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


def tour_messages(tour: Tour, lang: str, texts: Mapping[str, str],
                  others: tuple[str, ...] = ()) -> Page | None:
    """``MediaWiki:Wikitours/messages/<tour>/<lang>.json``: only *tour*'s keys that *lang* has
    (None when it has none, so no empty page is deployed); *others* as for :func:`tour_keys`."""
    data = {}
    get = texts.get
    for k in tour_keys(tour, others):  # runs for every tour in every language: kept to the bone
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
