"""The mentor dashboard: a mentor's mentees, their tours, badges, recent edits, and hints.

Mentees come from the wiki (``Project:Wikitours/Mentees/<Mentor>.json``, kept by the bot), so
the dashboard needs no setup: a mentor signs in with their wiki account and sees the people
assigned to them. Only someone who counts as a mentor (:mod:`contracts.mentoreligibility`, the same
decision the bot makes: added to the list by themself or an admin, meets the wiki's minimums,
not blocked or removed) gets a dashboard; anyone else is told to read the wiki's mentor status
page, which says why. "May need a hand" hints come from :func:`toolforge.progress.needs_a_hand`.
App admins may look at any mentor's dashboard with ``?mentor=NAME``.
"""

from __future__ import annotations

import datetime as dt
import time

from flask import Blueprint, abort, current_app, render_template, request

from contracts.mentoreligibility import Assessment, status_title

from . import learning, practice_view
from .auth import current_user, is_admin, login_required
from .progress import needs_a_hand
from .wikiclient import MENTORS_PAGE, Wiki, WikiClient, WikiError, valid_username

__all__ = ["bp"]

bp = Blueprint("mentors", __name__)
RECENT_EDITS = 5


def assessment(wiki: Wiki, client: WikiClient) -> Assessment:
    """Who counts as a mentor on *wiki*, reused for ``MENTOR_CACHE_SECONDS`` (the decision
    reads the list's history: not something to redo on every page view)."""
    cache = current_app.extensions.setdefault("wikitours.mentor_assessments", {})
    ttl = float(current_app.config.get("MENTOR_CACHE_SECONDS") or 0)
    hit = cache.get(wiki.id)
    if hit is not None and time.monotonic() - hit[0] < ttl:
        return hit[1]
    result = client.mentor_assessment()
    cache[wiki.id] = (time.monotonic(), result)
    return result


@bp.get("/mentor")
@login_required
def dashboard():
    user = current_user()
    mentor = user.name
    if request.args.get("mentor") and is_admin(user):
        mentor = request.args["mentor"]
    wiki = learning.wiki_config(user.wiki)
    if wiki is None or not valid_username(mentor):
        abort(404)
    lib = learning.library(wiki=wiki.id)
    client = learning.client(wiki)
    try:
        verdict = assessment(wiki, client).verdict(mentor)
        if verdict is None or not verdict.counts:
            return render_template(
                "mentor.html", wiki=wiki, mentor=mentor, rows=[], problems=(), lib=lib,
                tour_text=learning.tour_text, unavailable=False, not_a_mentor=True,
                status_url=wiki.page_url(status_title(MENTORS_PAGE))), 403
        mentees, problems = client.mentees(mentor)
        names = [m.username for m in mentees]
        done = learning.refresh(wiki, names)
        edits = client.contributions(names)
        practice = practice_view.mentor_practice(wiki, client, done.reads)
    except WikiError:
        return render_template("mentor.html", wiki=wiki, mentor=mentor, rows=[], problems=(),
                               lib=lib, tour_text=learning.tour_text, unavailable=True), 503
    now = dt.datetime.now(dt.timezone.utc)
    rows = []
    for mentee in mentees:
        read = done.reads.get(mentee.username)
        recent = edits.get(mentee.username, [])
        hints = needs_a_hand(read.progress if read else None, recent, now,
                             assigned=mentee.assigned)
        rows.append({"mentee": mentee, "read": read, "held": done.assertions.get(
            mentee.username, []), "edits": recent[:RECENT_EDITS], "hints": hints,
                     "practice": practice.get(mentee.username)})
    rows.sort(key=lambda r: (not r["hints"], r["mentee"].username))
    return render_template("mentor.html", wiki=wiki, mentor=mentor, rows=rows,
                           problems=problems, lib=lib, tour_text=learning.tour_text,
                           unavailable=False)
