"""The readable help page of one tour in one language (``Help:Wikitours/<tour>[/<lang>]``).

It says what the tour is for and how long it takes, links the tours to take first and the badge
it earns, lists every step with its text, and opens with a prominent "Start this tour" link, so
the page is useful on its own (for reading, printing, or when the gadget is off) and is the
way into the tour.

Every text is made wikitext here, with :func:`~tours.render.common.render_text`, and the
template only places the results: a library of 200 tours in 50 languages has ten thousand help
pages, and calling template filters for each of their ~20 texts cost more than the texts
themselves. The interface messages that are the same on every help page of a language are
rendered once per language.
"""

from __future__ import annotations

from tours.model import Tour, message_key
from tours.render.common import ENV, Page, Site, render_text

__all__ = ["render_help_page"]

_TEMPLATE = ENV.get_template("helppage.wiki.j2")


def _fixed(site: Site, lang: str) -> dict:
    """What every help page in *lang* shares: the chrome and two rendered interface texts."""
    key = ("help-fixed", lang)
    found = site._cache.get(key)
    if found is None:
        found = site._cache[key] = {
            **site.chrome(lang),
            "start": render_text(site.msg("wikitours-pages-start", lang), lang, links=False),
            "steps_heading": render_text(site.msg("wikitours-pages-steps", lang), lang),
        }
    return found


def render_help_page(site: Site, tour: Tour, lang: str) -> Page:
    """The help page of *tour* in *lang* (texts fall back per message along lang's chain)."""
    fixed = _fixed(site, lang)
    sep = fixed["sep"]
    reader = (fixed["reader"],)
    requires = sep.join(site.tour_link(t, lang) for t in tour.requires)
    badge = site.badge_link(tour.badge, lang) if tour.badge else ""
    stale = site.outdated.get(lang, frozenset())
    keys = [message_key("tour", tour.id, part) for part in ("title", "summary")] + [
        message_key("tour", tour.id, "step", s.id, part) for s in tour.steps
        for part in ("title", "text")]
    content = _TEMPLATE.render(
        fixed,
        outdated=render_text(site.msg("wikitours-pages-outdated", lang), lang)
        if stale and any(k in stale for k in keys) else "",
        tour_id=tour.id,
        title=render_text(site.text(lang, "tour", tour.id, "title"), lang, reader),
        summary=render_text(site.text(lang, "tour", tour.id, "summary"), lang, reader),
        audience=render_text(
            site.msg("wikitours-pages-for", lang), lang,
            (render_text(site.msg(f"wikitours-pages-audience-name-{tour.audience}", lang),
                         lang),)),
        minutes=render_text(site.msg("wikitours-pages-minutes", lang), lang, (tour.minutes,)),
        requires=render_text(site.msg("wikitours-pages-requires", lang), lang, (requires,))
        if requires else "",
        badge=render_text(site.msg("wikitours-pages-earns", lang), lang, (badge,))
        if badge else "",
        start_url=site.start_url(tour, lang),
        steps=[(render_text(t, lang, reader), render_text(x, lang, reader))
               for t, x in site.step_texts(tour, lang)],
        languages=site.languages_line(lang, ("tour", tour.id),
                                      lambda other: site.tour_title(tour.id, other)),
    )
    return Page(site.tour_title(tour.id, lang), "wikitext", content, "help", tour.id, lang)
