"""What every page renderer shares: the page value, the site being rendered, the template
environment and the one filter that turns a text into wikitext.

Templates run with autoescape off because the output is wikitext, not HTML; safety comes from
the rule that every text reaches the page through the ``wt`` filter (or :func:`render_text`),
which escapes it with :func:`tours.render.wikitext.wikitext`. A :class:`~tours.render.texts.Text`
refuses ``str()``, so a template that forgets the filter fails loudly instead of leaking.
"""

from __future__ import annotations

import re

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence
from urllib.parse import quote

import jinja2

from tours.languages import language
from tours.model import Library, PageRef, Tour, message_key
from tours.render.texts import Messages, Text
from tours.render.wikitext import _wikitext, attr, comment, is_safe_title, link, plain, wikitext

__all__ = ["Page", "Site", "ENV", "render_text", "start_url", "DEFAULT_PREFIX"]

DEFAULT_PREFIX = "Help:Wikitours"


@dataclass(frozen=True)
class Page:
    """One page the build writes: what deploy needs (title, content model, text) and what it is."""

    title: str
    model: str
    content: str
    kind: str
    tour: str | None = None
    lang: str | None = None


@dataclass(frozen=True)
class Site:
    """Everything the page renderers read: the (wiki-adapted) library and all texts.

    *tour_texts* holds the source texts and usable translations of tour texts; *page_texts*
    the interface messages of the generated pages (``i18n/pages``); *languages* the languages
    that get pages, the one of the unsuffixed pages (``Help:Wikitours``) first.
    """

    library: Library
    tour_texts: Messages
    page_texts: Messages
    languages: tuple[str, ...]
    prefix: str = DEFAULT_PREFIX
    #: per language, the tour texts translated from an older source text (shown, and marked)
    outdated: Mapping[str, frozenset[str]] = field(default_factory=dict)
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def source(self) -> str:
        return self.library.source_language

    @property
    def base_language(self) -> str:
        """The language of the pages without a language suffix: the first page language (the
        wiki's own language with ``--wiki``, else the library's source language)."""
        return self.languages[0] if self.languages else self.source

    def _suffix(self, lang: str) -> str:
        return "" if lang == self.base_language else f"/{lang}"

    def catalogue_title(self, lang: str) -> str:
        return self.prefix + self._suffix(lang)

    def tour_title(self, tour_id: str, lang: str) -> str:
        return f"{self.prefix}/{tour_id}{self._suffix(lang)}"

    def badge_title(self, badge_id: str, lang: str) -> str:
        return f"{self.prefix}/Badges/{badge_id}{self._suffix(lang)}"

    def msg(self, key: str, lang: str) -> Text:
        """An interface message of the generated pages."""
        return self.page_texts.get(key, lang)

    def text(self, lang: str, *parts: str) -> Text:
        """A tour text (``text(lang, "tour", id, "title")``)."""
        return self.tour_texts.get(message_key(*parts), lang)

    def step_texts(self, tour: Tour, lang: str) -> list[tuple[Text, Text]]:
        """``(title, text)`` of every step of *tour* in *lang* (keys derived once per tour)."""
        keys = self._cache.get(("step-keys", tour.id))
        if keys is None:
            keys = self._cache[("step-keys", tour.id)] = [
                (message_key("tour", tour.id, "step", s.id, "title"),
                 message_key("tour", tour.id, "step", s.id, "text")) for s in tour.steps]
        view = self.tour_texts.view(lang)
        get = self.tour_texts.get
        return [(view.get(t) or get(t, lang), view.get(x) or get(x, lang)) for t, x in keys]

    def reader(self, lang: str) -> str:
        """What ``$1`` (the reader's user name) shows as on a help page, which has no one reader."""
        key = ("reader", lang)
        if key not in self._cache:
            self._cache[key] = render_text(self.msg("wikitours-pages-reader", lang), lang)
        return self._cache[key]

    def separator(self, lang: str) -> str:
        text = self.msg("wikitours-pages-list-separator", lang)
        rendered = wikitext(text.value) if text.value.strip() else ""
        return rendered + (" " if text.value.endswith(" ") else "")

    def tour_link(self, tour_id: str, lang: str) -> str:
        key = ("tour-link", tour_id, lang)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = link(
                self.tour_title(tour_id, lang),
                render_text(self.text(lang, "tour", tour_id, "title"), lang,
                            (self.reader(lang),), links=False))
        return found

    def badge_link(self, badge_id: str, lang: str) -> str:
        key = ("badge-link", badge_id, lang)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = link(
                self.badge_title(badge_id, lang),
                render_text(self.text(lang, "badge", badge_id, "name"), lang,
                            (self.reader(lang),), links=False))
        return found

    def start_url(self, tour: Tour, lang: str | None = None) -> str:
        """:func:`start_url` of *tour*, worked out once per tour and language. A page in a
        language of its own (``Help:Wikitours/ar``) starts its tours in that language
        (``uselang``), whatever the reader's preference; the unsuffixed pages start them in
        the reader's own language."""
        uselang = lang if lang and lang != self.base_language else None
        key = ("start", tour.id, uselang)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = start_url(tour, uselang)
        return found

    def chrome(self, lang: str) -> dict:
        """What every page in *lang* shares: direction, the generated-page notice, the link
        back to the catalogue, the list separator and the reader's stand-in (built once)."""
        key = ("chrome", lang)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = {
                "lang": lang,
                "dir": language(lang).dir,
                "notice": comment(self.msg("wikitours-pages-generated", lang).value),
                "back": link(self.catalogue_title(lang),
                             render_text(self.msg("wikitours-pages-back", lang), lang,
                                         links=False)),
                "reader": self.reader(lang),
                "sep": self.separator(lang),
            }
        return found

    def language_bar(self, key: tuple, title_of) -> str:
        """Links to one page in every page language, labelled with language names.

        The bar is the same on every language version (MediaWiki shows the link to the page
        itself in bold), so it is built once per page rather than once per page and language.
        """
        bar = self._cache.get(("bar", key))
        if bar is None:
            links = []
            for other in self.languages:
                info = language(other)
                label = f'<span lang="{attr(other)}" dir="{info.dir}">{plain(info.name)}</span>'
                links.append(link(title_of(other), label))
            bar = self._cache[("bar", key)] = " · ".join(links)
        return bar

    def languages_line(self, lang: str, key: tuple, title_of) -> str:
        """The localised "this page in other languages: …" line holding :meth:`language_bar`."""
        if len(self.languages) < 2:
            return ""
        head = self._cache.get(("languages", lang))
        if head is None:
            head = self._cache[("languages", lang)] = render_text(
                self.msg("wikitours-pages-languages", lang), lang, (_SLOT,))
        return head.replace(_SLOT, self.language_bar(key, title_of))


#: Stands in for a parameter while a message is escaped (a private-use character, inserted as
#: it is because parameters are not escaped), then replaced by the real wikitext.
_SLOT = "\ue000"


_SPANS: dict[str, str] = {}


def render_text(text: Text | str, page_lang: str, params: Sequence[str | int] = (), *,
                links: bool = True) -> str:
    """*text* as safe wikitext; a text in another language than the page keeps its lang/dir."""
    if not isinstance(text, Text):
        return plain(str(text))
    lang = text[1]
    out = _wikitext(text[0], params if type(params) is tuple else tuple(params), links, True, lang)
    if lang != page_lang and out:
        span = _SPANS.get(lang)
        if span is None:
            span = _SPANS[lang] = f'<span lang="{attr(lang)}" dir="{language(lang).dir}">'
        out = span + out + "</span>"
    return out


def start_page(tour: Tour) -> str:
    """Where "Start this tour" leads: the first step's page, or the reader's own pages."""
    page: PageRef = tour.steps[0].page if tour.steps else PageRef("sandbox")
    if page.kind in ("title", "special") and page.title:
        return page.title
    return {"user-page": "Special:MyPage", "user-talk": "Special:MyTalk"}.get(
        page.kind, "Special:MyPage/sandbox")


def start_url(tour: Tour, uselang: str | None = None) -> str:
    """``{{fullurl:PAGE|wikitour=ID}}#wikitour=ID``: the URL that opens *tour* on its first page;
    with *uselang*, ``{{fullurl:PAGE|uselang=LANG&wikitour=ID}}#wikitour=ID`` (the gadget keeps
    ``uselang`` on every page of the tour)."""
    page = start_page(tour)
    if not is_safe_title(page) or "}}" in page or ":" == page[:1]:
        raise ValueError(f"the first page of tour {tour.id!r} cannot be linked: {page!r}")
    if uselang is not None and not re.fullmatch(r"[a-z][a-z0-9-]{0,30}", uselang):
        raise ValueError(f"not a language code: {uselang!r}")
    tour_id = quote(tour.id, safe="-_.")
    lang = f"uselang={uselang}&" if uselang else ""
    # The fragment repeats the id because Special:MyPage redirects drop unknown parameters,
    # while browsers keep a fragment across redirects (the gadget's loader reads both).
    # uselang is one of the parameters those redirects keep.
    return "{{fullurl:" + page + "|" + lang + "wikitour=" + tour_id + "}}#wikitour=" + tour_id


def _wt(context, text, *params, links: bool = True) -> str:
    return render_text(text, context["lang"], params, links=links)


ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(Path(__file__).resolve().parent / "templates")),
    autoescape=False,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
ENV.filters["wt"] = jinja2.pass_context(_wt)
ENV.filters["plain"] = plain
ENV.filters["attr"] = attr
