"""A learner's public page: their verified tours and badges on one wiki.

Everything shown is public on the wiki already (the learner's own progress page). Looking at
the page also issues any badge the verified progress has earned, so a learner who finishes a
tour can come here and find their badge at once.
"""

from __future__ import annotations

from dataclasses import replace

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from . import learning, practice_view
from .progress import badge_statuses, completed_tours
from .wikiclient import WikiError, valid_username

__all__ = ["bp"]

bp = Blueprint("learners", __name__)


@bp.get("/learners/find")
def find():
    """From the gadget's last step: the learner page for a wiki named by its host name.

    The gadget knows its wiki's host and the reader's name, not the app's wiki id; a host no
    configured wiki has, or a name that cannot be a user name, is a 404.
    """
    host = request.args.get("host", "")[:200].lower()
    name = request.args.get("user", "")[:100]
    if not host or not valid_username(name):
        abort(404)
    for entry in current_app.config.get("WIKIS") or []:
        if urlsplit(str(entry.get("index", ""))).netloc.lower() == host:
            return redirect(url_for("learners.learner", wiki_id=str(entry["id"]), name=name),
                            code=303)
    abort(404)


@bp.get("/learners/<wiki_id>/<name>")
def learner(wiki_id: str, name: str):
    wiki = learning.wiki_config(wiki_id)
    if wiki is None or not valid_username(name):
        abort(404)
    lib = learning.library(wiki=wiki.id)
    try:
        done = learning.refresh(wiki, [name])
    except WikiError:
        return render_template("learner.html", wiki=wiki, name=name, read=None, held=[],
                               statuses=(), lib=lib, tour_text=learning.tour_text,
                               unavailable=True), 503
    read = done.reads[name]
    held = done.assertions.get(read.username, [])
    # A pathway is done when its badge was issued (its edits checked), not when tours say so.
    issued = {a.badge for a in held if not a.revoked}
    statuses = tuple(replace(s, earned=s.badge in issued)
                     for s in badge_statuses(completed_tours(read.progress, lib), lib))
    practice = practice_view.learner_practice(wiki, read)
    return render_template("learner.html", wiki=wiki, name=read.username, read=read,
                           held=held, statuses=statuses, practice=practice,
                           lib=lib, tour_text=learning.tour_text, unavailable=False)
