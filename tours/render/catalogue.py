"""The catalogue of all tours, grouped by audience (``Help:Wikitours[/<lang>]``).

Each tour shows its summary, length, prerequisites and badge, and a "Start this tour" link;
the badges follow, so a newcomer sees in one place what there is to learn and earn.
"""

from __future__ import annotations

from tours.model import AUDIENCES
from tours.render.common import ENV, Page, Site, render_text
from tours.render.wikitext import link

__all__ = ["render_catalogue"]

_TEMPLATE = ENV.get_template("catalogue.wiki.j2")


def render_catalogue(site: Site, lang: str) -> Page:
    """The catalogue page in *lang*: tours by audience (in :data:`AUDIENCES` order), then badges."""
    msg = lambda key: site.msg(key, lang)  # noqa: E731 - a template helper
    sep = site.separator(lang)
    more = render_text(msg("wikitours-pages-more"), lang, links=False)
    reader = (site.reader(lang),)
    minutes, steps = msg("wikitours-pages-minutes"), msg("wikitours-pages-step-count")
    requires, earns = msg("wikitours-pages-requires"), msg("wikitours-pages-earns")
    audiences = list(AUDIENCES) + sorted({t.audience for t in site.library.tours} - set(AUDIENCES))
    groups = []
    # Each tour's texts are made wikitext here rather than by template filters: a catalogue
    # lists every tour, and there is one catalogue per language.
    for audience in audiences:
        tours = [t for t in site.library.tours if t.audience == audience]
        if not tours:
            continue
        entries = []
        for t in tours:
            needs = sep.join(site.tour_link(r, lang) for r in t.requires)
            badge = site.badge_link(t.badge, lang) if t.badge else ""
            entries.append({
                "id": t.id,
                "link": site.tour_link(t.id, lang),
                "summary": render_text(site.text(lang, "tour", t.id, "summary"), lang, reader),
                "minutes": render_text(minutes, lang, (t.minutes,)),
                "steps": render_text(steps, lang, (t.path_length,)),
                "requires": render_text(requires, lang, (needs,)) if needs else "",
                "badge": render_text(earns, lang, (badge,)) if badge else "",
                "start_url": site.start_url(t, lang),
                "more": link(site.tour_title(t.id, lang), more),
            })
        groups.append({"heading": msg(f"wikitours-pages-audience-{audience}"), "tours": entries})
    badges = [
        {"link": site.badge_link(b.id, lang),
         "description": site.text(lang, "badge", b.id, "description")}
        for b in site.library.badges
    ]
    content = _TEMPLATE.render(
        site.chrome(lang),
        msg=msg,
        start=render_text(msg("wikitours-pages-start"), lang, links=False),
        groups=groups,
        badges=badges,
        languages=site.languages_line(lang, ("catalogue",), site.catalogue_title),
    )
    return Page(site.catalogue_title(lang), "wikitext", content, "catalogue", None, lang)
