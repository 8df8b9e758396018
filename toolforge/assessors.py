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
from dataclasses import dataclass

from flask import Blueprint, abort, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError

from . import learning
from .auth import current_user
from .db import get_session
from .endorsements import affiliates_of
from .i18n import msg
from .learning import ASSESSORS_PAGE
from .models_learning import Assertion
from .wikiclient import WikiError, valid_username

__all__ = ["bp", "ASSESSORS_PAGE", "Assessor", "parse_assessors", "authorised"]

bp = Blueprint("assessors", __name__)
MAX_EVIDENCE = 2000
_URL = re.compile(r"https?://[^\s<>\"'\x00-\x1f]{1,490}\Z")


@dataclass(frozen=True)
class Assessor:
    """An authorised assessor: who, for which skills (empty: all), and which admin added them."""

    username: str
    skills: tuple[str, ...] = ()
    added_by: str = ""
    revid: int = 0

    def may_award(self, skill: str) -> bool:
        return not self.skills or skill in self.skills


def _norm(name: str) -> str:
    name = re.sub(r"[ _]+", " ", name).strip()
    return name[:1].upper() + name[1:]


def parse_assessors(text: str) -> dict[str, tuple[str, ...]]:
    """Entries of one revision of the page: user name → skills; malformed entries dropped."""
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return {}
    entries = data.get("assessors") if isinstance(data, dict) else None
    out: dict[str, tuple[str, ...]] = {}
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("username"), str):
            continue
        name = _norm(entry["username"])
        if not valid_username(name):
            continue
        skills = entry.get("skills")
        out[name] = tuple(s for s in skills if isinstance(s, str))[:20] \
            if isinstance(skills, list) else ()
    return out


def authorised(history: list[tuple[int, str, str]], admins: set[str]) -> dict[str, Assessor]:
    """The assessors whose entry, as it stands in the latest revision, an admin put there.

    *history* is ``(revid, user, text)`` oldest first; *admins* the wiki's current sysops.
    """
    last_change: dict[str, tuple[int, str]] = {}
    previous: dict[str, tuple[str, ...]] = {}
    for revid, user, text in history:
        entries = parse_assessors(text)
        for name, skills in entries.items():
            if previous.get(name) != skills:
                last_change[name] = (revid, user)
        previous = entries
    return {name: Assessor(name, skills, last_change[name][1], last_change[name][0])
            for name, skills in previous.items()
            if name in last_change and last_change[name][1] in admins}


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
