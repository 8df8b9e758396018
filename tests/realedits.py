"""Learners who really do a tour: the edit it ends in, and the progress record the gadget saves.

Badges that claim a skill are issued only for edits the app finds on the wiki (issue 15), so
tests that need such a badge make the edit as the learner, the way the gadget's tour has them do.
"""

from __future__ import annotations

import json

__all__ = ["REAL_EDITS", "really_do", "progress"]

#: Where each tour's saved step happens, and what a learner who really does it writes there.
REAL_EDITS = {
    "first-edit": ("User:{}/sandbox", "Hello, I am trying out my sandbox."),
    "add-citation": ("User:{}/sandbox", "Paris is in France.<ref>Atlas of France, p. 3</ref>"),
    "ask-mentor": ("User talk:Trainer", "== A question ==\nHow do I add a picture? ~~~~"),
    "user-page": ("User:{}", "I like maps."),
}


def really_do(wiki, user: str, tour: str) -> dict[str, dict[str, int]]:
    """Make the edit *tour* ends in, as *user*; the ``edits`` the gadget would record."""
    title, text = REAL_EDITS[tour]
    title = title.format(user)
    before = wiki.wikitext(title) or ""
    done = wiki.edit(title, (before + "\n\n" + text).strip(), user=user)
    return {tour: {"publish": done["newrevid"]}}


def progress(*completed: str, started: tuple[str, ...] = (),
             edits: dict[str, dict[str, int]] | None = None) -> str:
    """A progress page; *edits* are the revision ids the gadget records, per tour and step."""
    tours = {t: {"status": "completed", "version": 1, "step": "done",
                 "started": "2026-11-25T10:00:00Z", "updated": "2026-11-25T10:05:00Z",
                 "completed": "2026-11-25T10:05:00Z"} for t in completed}
    tours.update({t: {"status": "started", "version": 1, "step": "welcome",
                      "started": "2026-11-25T10:00:00Z", "updated": "2026-11-25T10:01:00Z"}
                  for t in started})
    for tour, steps in (edits or {}).items():
        tours[tour]["edits"] = steps
    return json.dumps({"format": 1, "tours": tours})
