"""Attested skills: badges authorised assessors award for what the wiki cannot show in edits.

Facilitating a workshop, speaking in public or building a partnership leaves no edit to check,
so a person vouches for it. Who may is the wiki's decision, kept on the wiki where anyone can
audit it: ``Project:Wikitours/Assessors.json`` (contracts §13),
``{"assessors": [{"username": "Ada", "skills": ["facilitation"]}]}`` (no ``skills``: every
skill). An entry counts only when the revision that added or last changed it was made by an
administrator of the wiki (``sysop``), so anyone can propose an assessor on the page but
only admins can make one. :func:`authorised` is the pure rule over the page's history.

An award (``/assess/<wiki>``, a CSRF-protected form) creates an assertion of kind ``attested``
with the assessor's evidence text and link, issued by the app (or the wiki's own profile) or,
when the assessor picks one they are a member of, by an affiliate in its own name (``ISSUERS``);
the feed gives it to the bot, whose talk-page note
on the learner's page is the on-wiki record. The assessor (or an app admin) can revoke it with
a public reason through the badge page.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import uuid

from flask import Blueprint, abort, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError

from contracts.assessors import (  # noqa: F401  (the page, as the app uses it)
    ASSESSORS_PAGE, Assessor, authorised, parse_assessors)
from contracts.users import normalize_user as _norm

from . import learning
from .auth import current_user
from .db import get_session
from .endorsements import affiliates_of
from .i18n import msg
from .models_learning import Assertion
from .wikiclient import WikiError, valid_username

__all__ = ["bp", "ASSESSORS_PAGE", "Assessor", "parse_assessors", "authorised"]

bp = Blueprint("assessors", __name__)
MAX_EVIDENCE = 2000
_URL = re.compile(r"https?://[^\s<>\"'\x00-\x1f]{1,490}\Z")


def assessors_of(wiki) -> dict[str, Assessor]:
    """The wiki's authorised assessors, read from the page's history and the admins' groups."""
    wiki_client = learning.client(wiki)
    history = wiki_client.page_history(ASSESSORS_PAGE)
    groups = wiki_client.groups({user for _, user, _ in history if user})
    admins = {user for user, gs in groups.items() if "sysop" in gs}
    return authorised(history, admins)


def _form(wiki, assessor, error: str = "", status: int = 200):
    return render_template("assess.html", wiki=wiki, assessor=assessor, skills=learning.skills(),
                           page=ASSESSORS_PAGE, error=error, tour_text=learning.tour_text), status


@bp.route("/assess/<wiki_id>", methods=["GET", "POST"])
def assess(wiki_id: str):
    wiki = learning.wiki_config(wiki_id)
    if wiki is None:
        abort(404)
    user = current_user()
    if user is None:
        return redirect(url_for("auth.login", wiki=wiki_id, next=request.path))
    if user.wiki != wiki_id:
        abort(403)
    try:
        assessor = assessors_of(wiki).get(_norm(user.name))
    except WikiError:
        abort(503)
    if assessor is None:
        return _form(wiki, None, status=403)
    if request.method == "GET":
        return _form(wiki, assessor)
    name = _norm(request.form.get("username", ""))[:85]
    skill = request.form.get("skill", "")
    text = request.form.get("evidence", "").strip()[:MAX_EVIDENCE]
    link = request.form.get("url", "").strip()
    issuer = request.form.get("issuer", "")[:64]
    if issuer and issuer not in {i["id"] for i in affiliates_of(user)}:
        abort(403)  # only a member awards in an affiliate's name
    bad = (not valid_username(name) or name == _norm(user.name) or skill not in learning.skills()
           or not assessor.may_award(skill) or not text or (link and not _URL.match(link)))
    if not bad:
        try:
            bad = learning.client(wiki).users([name]).get(name) is None
        except WikiError:
            abort(503)
    if bad:
        return _form(wiki, assessor, msg("wikitours-app-assess-bad-input"), 400)
    row = Assertion(uuid=str(uuid.uuid4()), wiki=wiki_id, username=name, badge=skill,
                    salt=secrets.token_hex(16), kind="attested",
                    awarded_by=f"{wiki_id}:{user.name}", issuer=issuer,
                    evidence=json.dumps([{"narrative": text, "url": link}]),
                    issued_on=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None,
                                                                       microsecond=0))
    session = get_session()
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return _form(wiki, assessor, msg("wikitours-app-assess-bad-input"), 409)
    return redirect(url_for("badges.assertion", uid=row.uuid), code=303)
