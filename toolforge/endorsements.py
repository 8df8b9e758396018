"""Endorsements (Open Badges 2.0): trainers, admins and affiliates vouch for badges and people.

URLs:

- ``/profiles/<wiki>/<name>`` the Profile of a person who endorses or assesses (their user page).
- ``/issuers/<id>`` the Issuer Profile of an affiliate (``ISSUERS`` setting: ``id``, ``name``,
  ``url``, ``email``, ``members`` as ``wiki:Name``); affiliates endorse in their own name.
- ``/endorsements/<uuid>`` an Endorsement (410 once withdrawn); ``…/withdraw`` (POST).
- ``/endorse`` (POST, CSRF-checked like every form): a badge class (no ``username``), one
  learner's badge, or a candidate for a badge not yet issued (the trainer certificate).

Who may endorse: app admins, holders of the trainer badge on the same wiki (not revoked), and
members of an affiliate (on its behalf). Nobody endorses themself.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid

from flask import Blueprint, Response, abort, current_app, redirect, request, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from . import learning
from . import openbadges as ob
from .auth import SignedIn, current_user, is_admin
from .badges import assertion_url, badge_class_document, badge_or_404
from .db import get_session
from .models_learning import Assertion, Endorsement
from .trainer import TRAINER_BADGE
from .wikiclient import valid_username

__all__ = ["bp", "can_endorse", "affiliates_of", "endorsements_for", "endorsement_url",
           "profile_url", "endorser_label"]

bp = Blueprint("endorsements", __name__)
MAX_COMMENT = 1000


def _json(doc: dict, status: int = 200) -> Response:
    response = Response(json.dumps(doc, ensure_ascii=False, indent=1), status=status,
                        mimetype="application/ld+json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _issuers() -> dict[str, dict]:
    return {str(i.get("id")): i for i in current_app.config.get("ISSUERS") or []
            if isinstance(i, dict) and i.get("id") and i.get("name")}


def affiliates_of(user: SignedIn | None) -> list[dict]:
    """The affiliates *user* may speak for."""
    if user is None:
        return []
    me = f"{user.wiki}:{user.name}"
    return [i for i in _issuers().values() if me in (i.get("members") or [])]


def is_trainer(user: SignedIn | None) -> bool:
    if user is None:
        return False
    return get_session().scalar(select(Assertion.seq).where(
        Assertion.wiki == user.wiki, Assertion.username == user.name,
        Assertion.badge == TRAINER_BADGE, Assertion.revoked.is_(False)).limit(1)) is not None


def can_endorse(user: SignedIn | None) -> bool:
    return user is not None and (is_admin(user) or is_trainer(user) or bool(affiliates_of(user)))


def profile_url(wiki: str, name: str) -> str:
    return url_for("endorsements.profile", wiki_id=wiki, name=name, _external=True)


def endorsement_url(row: Endorsement) -> str:
    return url_for("endorsements.endorsement", uid=row.uuid, _external=True)


def endorser_label(row: Endorsement) -> str:
    """Who endorsed, for pages: the affiliate's name or the person's user name."""
    if row.issuer and row.issuer in _issuers():
        return str(_issuers()[row.issuer]["name"])
    return row.endorser.split(":", 1)[-1]


def endorsements_for(wiki: str, badge: str, username: str = "") -> list[Endorsement]:
    """Live endorsements of the badge class, plus those of *username*'s badge when given."""
    who = ["", username] if username else [""]
    return list(get_session().scalars(select(Endorsement).where(
        Endorsement.badge == badge, Endorsement.revoked.is_(False),
        Endorsement.username.in_(who),
        (Endorsement.username == "") | (Endorsement.wiki == wiki)).order_by(Endorsement.id)))


def _claim(row: Endorsement) -> str:
    if not row.username:
        return url_for("badges.badge_class", badge_id=row.badge, _external=True)
    held = get_session().scalar(select(Assertion).where(
        Assertion.wiki == row.wiki, Assertion.username == row.username,
        Assertion.badge == row.badge))
    if held is not None:
        return url_for("badges.assertion", uid=held.uuid, _external=True)
    wiki = learning.wiki_config(row.wiki)
    return wiki.user_page_url(row.username) if wiki else row.username


@bp.get("/profiles/<wiki_id>/<name>")
def profile(wiki_id: str, name: str):
    wiki = learning.wiki_config(wiki_id)
    if wiki is None or not valid_username(name):
        abort(404)
    return _json(ob.profile_document(profile_url(wiki_id, name), name, wiki.user_page_url(name)))


@bp.get("/issuers/<issuer_id>")
def affiliate(issuer_id: str):
    entry = _issuers().get(issuer_id)
    if entry is None:
        abort(404)
    return _json(ob.issuer_document(
        url_for("endorsements.affiliate", issuer_id=issuer_id, _external=True),
        str(entry["name"]), str(entry.get("url") or url_for("core.index", _external=True)),
        email=str(entry.get("email") or ""), description=str(entry.get("description") or ""),
        revocation_list=url_for("endorsements.affiliate_revocations", issuer_id=issuer_id,
                                _external=True)))


@bp.get("/issuers/<issuer_id>/badges/<badge_id>")
def affiliate_badge(issuer_id: str, badge_id: str):
    """The BadgeClass an affiliate issues in its own name (its members' awards point here)."""
    if issuer_id not in _issuers():
        abort(404)
    return _json(badge_class_document(
        badge_or_404(badge_id),
        url_for("endorsements.affiliate", issuer_id=issuer_id, _external=True), issuer_id))


@bp.get("/issuers/<issuer_id>/revocations")
def affiliate_revocations(issuer_id: str):
    if issuer_id not in _issuers():
        abort(404)
    rows = get_session().scalars(select(Assertion).where(
        Assertion.revoked.is_(True), Assertion.issuer == issuer_id).order_by(Assertion.seq)).all()
    return _json(ob.revocation_list_document(
        url_for("endorsements.affiliate_revocations", issuer_id=issuer_id, _external=True),
        url_for("endorsements.affiliate", issuer_id=issuer_id, _external=True),
        [(assertion_url(r), r.revocation_reason) for r in rows]))


@bp.get("/endorsements/<uid>")
def endorsement(uid: str):
    row = get_session().scalar(select(Endorsement).where(Endorsement.uuid == uid[:36]))
    if row is None:
        abort(404)
    if row.revoked:
        return _json({"@context": ob.CONTEXT_URL, "type": "Endorsement",
                      "id": endorsement_url(row), "revoked": True}, 410)
    issuer = (url_for("endorsements.affiliate", issuer_id=row.issuer, _external=True)
              if row.issuer else profile_url(*row.endorser.split(":", 1)))
    return _json(ob.endorsement_document(endorsement_url(row), issuer, _claim(row),
                                         row.comment or "", row.created))


def _back(badge: str, username: str, wiki: str) -> str:
    if username:
        held = get_session().scalar(select(Assertion).where(
            Assertion.wiki == wiki, Assertion.username == username, Assertion.badge == badge))
        if held is not None:
            return url_for("badges.assertion", uid=held.uuid)
        return url_for("learners.learner", wiki_id=wiki, name=username)
    return url_for("badges.criteria", badge_id=badge)


@bp.post("/endorse")
def endorse():
    user = current_user()
    if not can_endorse(user):
        abort(403)
    badge = request.form.get("badge", "")[:64]
    username = request.form.get("username", "").strip()[:255]
    issuer = request.form.get("issuer", "")[:64]
    if learning.library().badge(badge) is None and not learning.is_skill(badge):
        abort(404)
    if username and (not valid_username(username) or username == user.name):
        abort(400)
    if issuer and issuer not in {i["id"] for i in affiliates_of(user)}:
        abort(403)
    if not issuer and not (is_admin(user) or is_trainer(user)):
        abort(403)  # an affiliate member endorses on the affiliate's behalf only
    session = get_session()
    session.add(Endorsement(
        uuid=str(uuid.uuid4()), wiki=user.wiki, endorser=f"{user.wiki}:{user.name}",
        issuer=issuer, badge=badge, username=username,
        comment=request.form.get("comment", "").strip()[:MAX_COMMENT],
        created=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()  # endorsed before: once is enough
    return redirect(_back(badge, username, user.wiki), code=303)


@bp.post("/endorsements/<uid>/withdraw")
def withdraw(uid: str):
    row = get_session().scalar(select(Endorsement).where(Endorsement.uuid == uid[:36]))
    if row is None:
        abort(404)
    user = current_user()
    if user is None or not (is_admin(user) or row.endorser == f"{user.wiki}:{user.name}"):
        abort(403)
    row.revoked = True
    get_session().commit()
    return redirect(_back(row.badge, row.username, row.wiki), code=303)


def init_app(app) -> None:
    app.jinja_env.globals.update(can_endorse=lambda: can_endorse(current_user()),
                                 may_endorse_personally=lambda: is_admin(current_user())
                                 or is_trainer(current_user()),
                                 affiliates_of=lambda: affiliates_of(current_user()),
                                 endorsements_for=endorsements_for, endorser_label=endorser_label,
                                 endorsement_url=endorsement_url)
