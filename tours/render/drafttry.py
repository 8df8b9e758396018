"""The page that lets anyone try a draft tour in the browser before it is published (issue 22).

A draft (``Project:Wikitours/Drafts/<id>.yaml``) is compiled against the live library; from
that build this module takes the draft tour's gadget data and its texts in every language and
puts them on one page of their own, ``MediaWiki:Wikitours/drafts/<id>.json``:
``{"tour": <tour data, contracts §4, with "draft": true>, "messages": {lang: {key: text}}}``.
The gadget reads it only when started with ``?wikitourdraft=<id>`` (the "Try this draft" link
of the draft's preview page), marks every popover as a draft and records nothing: no progress,
no funnel event, so no badge. The live tour data and message pages are never touched.
"""

from __future__ import annotations

import json
from typing import Iterable

from tours.render.common import Page


__all__ = ["draft_data_title", "draft_data_page"]

#: A draft's texts are kept to this many languages on its page (the library's are far fewer).
MAX_LANGUAGES = 400


def draft_data_title(tour_id: str) -> str:
    """Never versioned by the live pointer: a draft changes with every save."""
    return f"MediaWiki:Wikitours/drafts/{tour_id}.json"


def draft_data_page(pages: Iterable[Page], tour_id: str) -> Page | None:
    """The draft's page from the build's *pages*, or None when the build has no such tour."""
    tour = None
    messages: dict[str, dict] = {}
    for page in pages:
        # the tour's data page, whatever its (versioned) title: contracts §3, §4
        if page.kind == "tour-data" and page.tour == tour_id:
            tour = json.loads(page.content)
        elif page.kind == "messages" and page.tour == tour_id and page.lang:
            if len(messages) < MAX_LANGUAGES:
                messages[page.lang] = json.loads(page.content)
    if tour is None:
        return None
    tour["draft"] = True
    content = json.dumps({"tour": tour, "messages": messages}, ensure_ascii=False,
                         sort_keys=True, separators=(",", ":"))
    return Page(draft_data_title(tour_id), "json", content, "draft-data", tour_id)
