"""A wiki's practice leaderboard: only where the wiki switches it on, only who chose to show.

There is no leaderboard unless the wiki's task types page says ``"leaderboard": true`` (read
from the published task list, ``MediaWiki:Gadget-wikitours-tasks.json``, as the offers are):
otherwise the page is a 404 that says so. The wiki is the source of truth: the learners looked
at are those whose kept task edits the app has checked (:func:`toolforge.practice_cache.learners`:
learner pages, mentor dashboards and the badge follower check them), and each one's own
progress page, read again, decides whether they appear (``"public": ["practice"]``) and what
counts (their task edits, checked by :mod:`practice.verify`). A learner who keeps their
practice private is never listed. The table is built at most once per ``LEADERBOARD_CACHE_SECONDS``
per wiki and process, so an anonymous page cannot make the app hammer the wiki.
"""

from __future__ import annotations

import time

from flask import Blueprint, abort, current_app, render_template

from practice.recognition import SkillBoard, leaderboard
from practice.tasklist import config_from_published

from . import learning, practice_cache, practice_view
from .wikiclient import Wiki, WikiError

__all__ = ["bp", "board"]

bp = Blueprint("leaderboard", __name__)
#: Learners per skill on the page.
LIMIT = 20


def board(wiki: Wiki) -> tuple[bool, tuple[SkillBoard, ...]]:
    """``(switched on, tables)`` for *wiki* (cached; see the module doc)."""
    ttl = float(current_app.config.get("LEADERBOARD_CACHE_SECONDS", 300) or 0)
    cache: dict = current_app.extensions.setdefault("wikitours.leaderboards", {})
    hit = cache.get(wiki.id)
    if hit and time.monotonic() - hit[0] < ttl:
        return hit[1]
    client = learning.client(wiki)
    config = config_from_published(practice_view.published(wiki, client))
    result: tuple[bool, tuple[SkillBoard, ...]] = (False, ())
    if config.leaderboard:
        names = practice_cache.learners(wiki.id)
        reads = client.progress(names) if names else {}
        shown = {name: r for name, r in reads.items()
                 if r.status == "ok" and r.progress is not None
                 and "practice" in r.progress.public}  # private learners are not even checked
        standings = practice_view.practice_of(wiki, client, shown)[0] if shown else {}
        result = (True, leaderboard(((shown[n].username, s.summary, s.public)
                                     for n, s in standings.items()), LIMIT))
    cache[wiki.id] = (time.monotonic(), result)
    return result


@bp.get("/leaderboard/<wiki_id>")
def page(wiki_id: str):
    wiki = learning.wiki_config(wiki_id)
    if wiki is None:
        abort(404)
    try:
        on, boards = board(wiki)
    except WikiError:
        return render_template("leaderboard.html", wiki=wiki, on=True, boards=(),
                               tour_text=learning.tour_text, unavailable=True), 503
    return render_template("leaderboard.html", wiki=wiki, on=on, boards=boards,
                           tour_text=learning.tour_text, unavailable=False), 200 if on else 404
