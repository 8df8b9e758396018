"""Cohorts for workshops, wiki clubs and courses.

A signed-in trainer creates a cohort on their wiki and either lists learners' user names or
shares the cohort's join link, which a signed-in learner (of the same wiki) follows to join.
The cohort page shows each learner's verified progress per tour and their badges; showing it
(or pressing refresh) issues badges the progress has earned. Only the trainer who made the
cohort and app admins see it. Every form carries the CSRF token (checked for all POSTs).
"""

from __future__ import annotations

import re
import secrets

from flask import (Blueprint, abort, flash, redirect, render_template, request, url_for)
from sqlalchemy import func, select

from . import learning
from .auth import current_user, is_admin, login_required
from .cohortexport import progress_csv
from .db import get_session
from .models_learning import Cohort, CohortMember
from .wikiclient import WikiError, valid_username

__all__ = ["bp", "parse_usernames"]

bp = Blueprint("cohorts", __name__)
MAX_MEMBERS = 500
MAX_LISTED = 200


def parse_usernames(text: str) -> tuple[list[str], list[str]]:
    """User names from a pasted list (one per line or comma separated, ``User:`` allowed).

    Returns ``(names, rejected)``; names that can never be user names are rejected here.
    """
    names: list[str] = []
    rejected: list[str] = []
    for raw in re.split(r"[\n,]+", text):
        name = re.sub(r"^\s*(?:user|benutzer|utilisateur)\s*:", "", raw.strip(), flags=re.I)
        name = re.sub(r"[ _]+", " ", name).strip()
        if not name:
            continue
        if valid_username(name):
            name = name[:1].upper() + name[1:]
            if name not in names:
                names.append(name)
        else:
            rejected.append(name[:85])
    return names, rejected


def _own_cohort(cohort_id: int) -> Cohort:
    cohort = get_session().get(Cohort, cohort_id)
    user = current_user()
    if cohort is None:
        abort(404)
    if not (is_admin(user) or (user and user.wiki == cohort.wiki and user.name == cohort.owner)):
        abort(403)
    return cohort


def _add(cohort: Cohort, text: str, added_by: str) -> None:
    names, rejected = parse_usernames(text)
    if len(names) > MAX_LISTED:
        flash(("error", "wikitours-app-cohort-too-many", str(MAX_LISTED)))
        return
    wiki = learning.wiki_config(cohort.wiki)
    try:
        known = learning.client(wiki).users(names) if names and wiki else {}
    except WikiError:
        flash(("error", "wikitours-app-cohort-wiki-unavailable", ""))
        return
    present = {m.username for m in cohort.members}
    added = 0
    for name in names:
        canonical = known.get(name)
        if canonical is None:
            rejected.append(name)
        elif canonical not in present and len(present) < MAX_MEMBERS:
            cohort.members.append(CohortMember(username=canonical, added_by=added_by))
            present.add(canonical)
            added += 1
    get_session().commit()
    if added:
        flash(("ok", "wikitours-app-cohort-added", str(added)))
    if rejected:
        flash(("error", "wikitours-app-cohort-unknown-users", ", ".join(rejected[:20])))


@bp.get("/cohorts")
@login_required
def index():
    user = current_user()
    session = get_session()
    query = select(Cohort, func.count(CohortMember.username)).outerjoin(CohortMember).group_by(
        Cohort.id).order_by(Cohort.created.desc())
    if not is_admin(user):
        query = query.where(Cohort.wiki == user.wiki, Cohort.owner == user.name)
    return render_template("cohorts.html", cohorts=session.execute(query).all())


@bp.post("/cohorts")
@login_required
def create():
    user = current_user()
    name = re.sub(r"\s+", " ", request.form.get("name", "")).strip()
    if not name or len(name) > 200:
        flash(("error", "wikitours-app-cohort-name-invalid", "200"))
        return redirect(url_for("cohorts.index"), code=303)
    if learning.wiki_config(user.wiki) is None:
        abort(404)
    cohort = Cohort(wiki=user.wiki, name=name, owner=user.name,
                    join_token=secrets.token_urlsafe(18))
    session = get_session()
    session.add(cohort)
    session.commit()
    if request.form.get("usernames", "").strip():
        _add(cohort, request.form["usernames"], user.name)
    return redirect(url_for("cohorts.cohort", cohort_id=cohort.id), code=303)


@bp.get("/cohorts/<int:cohort_id>")
@login_required
def cohort(cohort_id: int):
    cohort = _own_cohort(cohort_id)
    wiki = learning.wiki_config(cohort.wiki)
    lib = learning.library(wiki=cohort.wiki)
    names = [m.username for m in cohort.members]
    # right after "Refresh" (?fresh=1) the page reads the wiki again: the refresh may have run
    # in another worker process, whose progress cache this one does not share
    fresh = request.args.get("fresh") == "1"
    try:
        done = learning.refresh(wiki, names, fresh=fresh) if wiki and names else None
    except WikiError:
        done = None
        flash(("error", "wikitours-app-cohort-wiki-unavailable", ""))
    return render_template(
        "cohort.html", cohort=cohort, wiki=wiki, lib=lib, tour_text=learning.tour_text,
        reads=done.reads if done else {}, held=done.assertions if done else {},
        join_url=url_for("cohorts.join", token=cohort.join_token, _external=True))


@bp.get("/cohorts/<int:cohort_id>/progress.csv")
@login_required
def export(cohort_id: int):
    """The cohort's progress as the page shows it, for a spreadsheet: one row per learner,
    each tour's status (a completed tour taken again stays ``completed``) and the badges held."""
    cohort = _own_cohort(cohort_id)
    wiki = learning.wiki_config(cohort.wiki)
    names = [m.username for m in cohort.members]
    try:
        done = learning.refresh(wiki, names) if wiki and names else None
    except WikiError:
        abort(503)
    body = progress_csv(names, learning.library(), done.reads if done else {},
                        done.assertions if done else {})
    filename = re.sub(r"[^A-Za-z0-9._-]+", "-", cohort.name).strip("-")[:60] or "cohort"
    return body, 200, {"Content-Type": "text/csv; charset=utf-8",
                       "Content-Disposition": f'attachment; filename="{filename}.csv"'}


@bp.post("/cohorts/<int:cohort_id>/refresh")
@login_required
def refresh(cohort_id: int):
    cohort = _own_cohort(cohort_id)
    wiki = learning.wiki_config(cohort.wiki)
    names = [m.username for m in cohort.members]
    try:
        done = learning.refresh(wiki, names, fresh=True) if wiki and names else None
        flash(("ok", "wikitours-app-cohort-refreshed", str(len(done.new) if done else 0)))
    except WikiError:
        flash(("error", "wikitours-app-cohort-wiki-unavailable", ""))
    return redirect(url_for("cohorts.cohort", cohort_id=cohort.id, fresh=1), code=303)


@bp.post("/cohorts/<int:cohort_id>/members")
@login_required
def add_members(cohort_id: int):
    cohort = _own_cohort(cohort_id)
    _add(cohort, request.form.get("usernames", ""), current_user().name)
    return redirect(url_for("cohorts.cohort", cohort_id=cohort.id), code=303)


@bp.post("/cohorts/<int:cohort_id>/members/remove")
@login_required
def remove_member(cohort_id: int):
    cohort = _own_cohort(cohort_id)
    name = request.form.get("username", "")
    cohort.members[:] = [m for m in cohort.members if m.username != name]
    get_session().commit()
    return redirect(url_for("cohorts.cohort", cohort_id=cohort.id), code=303)


def _by_token(token: str) -> Cohort:
    cohort = get_session().scalar(select(Cohort).where(Cohort.join_token == token[:64]))
    if cohort is None:
        abort(404)
    return cohort


@bp.get("/join/<token>")
@login_required
def join(token: str):
    cohort = _by_token(token)
    user = current_user()
    member = any(m.username == user.name for m in cohort.members) and user.wiki == cohort.wiki
    return render_template("cohort_join.html", cohort=cohort, token=token, member=member,
                           same_wiki=user.wiki == cohort.wiki)


@bp.post("/join/<token>")
@login_required
def join_post(token: str):
    cohort = _by_token(token)
    user = current_user()
    if user.wiki != cohort.wiki:
        abort(403)
    if not any(m.username == user.name for m in cohort.members):
        if len(cohort.members) >= MAX_MEMBERS:
            abort(403)
        cohort.members.append(CohortMember(username=user.name, added_by=user.name))
        get_session().commit()
    flash(("ok", "wikitours-app-cohort-joined", cohort.name))
    return redirect(url_for("learners.learner", wiki_id=cohort.wiki, name=user.name), code=303)
