"""The readable help page of one tour in one language (``Help:Wikitours/<tour>[/<lang>]``).

It says what the tour is for and how long it takes, links the tours to take first and the badge
it earns, lists every step with its text, and opens with a prominent "Start this tour" link, so
the page is useful on its own (for reading, printing, or when the gadget is off) and is the
way into the tour.
"""

from __future__ import annotations

from tours.model import Tour
from tours.render.common import ENV, Page, Site, render_text

__all__ = ["render_help_page"]

_TEMPLATE = ENV.get_template("helppage.wiki.j2")


def render_help_page(site: Site, tour: Tour, lang: str) -> Page:
    """The help page of *tour* in *lang* (texts fall back per message along lang's chain)."""
    chrome = site.chrome(lang)
    sep = chrome["sep"]
    content = _TEMPLATE.render(
        chrome,
        msg=lambda key: site.msg(key, lang),
        tour_id=tour.id,
        title=site.text(lang, "tour", tour.id, "title"),
        summary=site.text(lang, "tour", tour.id, "summary"),
        audience=render_text(site.msg(f"wikitours-pages-audience-name-{tour.audience}", lang),
                             lang),
        minutes=tour.minutes,
        requires=sep.join(site.tour_link(t, lang) for t in tour.requires),
        badge=site.badge_link(tour.badge, lang) if tour.badge else "",
        start_url=site.start_url(tour),
        steps=site.step_texts(tour, lang),
        languages=site.languages_line(lang, ("tour", tour.id),
                                      lambda other: site.tour_title(tour.id, other)),
    )
    return Page(site.tour_title(tour.id, lang), "wikitext", content, "help", tour.id, lang)
