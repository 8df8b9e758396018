"""The page of one badge in one language (``Help:Wikitours/Badges/<badge>[/<lang>]``).

Open Badges link to it as the badge's criteria, so it says plainly what the badge needs: the
tours to complete and, for a pathway, the badges to hold first.
"""

from __future__ import annotations

from tours.model import Badge
from tours.render.common import ENV, Page, Site

__all__ = ["render_badge_page"]

_TEMPLATE = ENV.get_template("badge.wiki.j2")


def render_badge_page(site: Site, badge: Badge, lang: str) -> Page:
    """The page of *badge* in *lang*: name, description, what it requires, which tours earn it."""
    chrome = site.chrome(lang)
    sep = chrome["sep"]
    earned_by = [t.id for t in site.library.tours if t.badge == badge.id]
    content = _TEMPLATE.render(
        chrome,
        msg=lambda key: site.msg(key, lang),
        badge_id=badge.id,
        name=site.text(lang, "badge", badge.id, "name"),
        description=site.text(lang, "badge", badge.id, "description"),
        tours=sep.join(site.tour_link(t, lang) for t in badge.requires_tours),
        badges=sep.join(site.badge_link(b, lang) for b in badge.requires_badges),
        earned_by=sep.join(site.tour_link(t, lang) for t in earned_by),
        languages=site.languages_line(lang, ("badge", badge.id),
                                      lambda other: site.badge_title(badge.id, other)),
    )
    return Page(site.badge_title(badge.id, lang), "wikitext", content, "badge", None, lang)
