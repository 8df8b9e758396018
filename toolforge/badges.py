"""Open Badges the app issues: hosted documents, baked images, badge pages, certificates.

URLs (every document lives at its own URL, as hosted verification requires):

- ``/issuer`` Issuer Profile, ``/issuer/revocations`` RevocationList (JSON-LD).
- ``/badges/<id>`` BadgeClass (JSON-LD for machines, a page for people), with
  ``/badges/<id>/criteria`` and plain images ``/badges/<id>/image.png|svg``.
- ``/assertions/<uuid>`` the Assertion (JSON-LD, or the public badge page for browsers; a
  revoked one answers 410 with ``revoked: true``), ``…/badge.png|svg`` baked images,
  ``…/certificate`` a printable certificate in the reader's language, ``…/revoke`` (POST).
- ``/api/v1/assertions?wiki=ID&since=CURSOR`` the feed the bot reads (contracts §9).
"""

from __future__ import annotations

import datetime as dt
import json

from flask import (Blueprint, Response, abort, current_app, jsonify, redirect, render_template,
                   request, url_for)
from sqlalchemy import select

from contracts.assessors import ASSESSORS_PAGE
from tours.model import Badge

from . import badgeimage, learning, publishedtours
from . import openbadges as ob
from .auth import current_user, is_admin
from .db import get_session
from .i18n import catalog, current_language, msg
from .models_learning import Assertion, Cohort, CohortMember
from .trainer import TRAINER_BADGE

__all__ = ["bp", "init_app", "assertion_url", "can_revoke", "badge_class_document",
           "badge_or_404"]

bp = Blueprint("badges", __name__)
JSONLD = "application/ld+json"
FEED_PAGE = 500


def _json(doc: dict, status: int = 200) -> Response:
    response = Response(json.dumps(doc, ensure_ascii=False, indent=1), status=status,
                        mimetype=JSONLD)
    response.headers["Access-Control-Allow-Origin"] = "*"  # public documents, no cookies
    return response


def wants_json() -> bool:
    """Verifiers ask for JSON (or anything); browsers ask for HTML first."""
    best = request.accept_mimetypes.best_match([JSONLD, "application/json", "text/html"])
    return request.args.get("format") == "json" or best in (JSONLD, "application/json")


def issuer_url() -> str:
    return url_for("badges.issuer", _external=True)


def wiki_issuer(wiki_id: str) -> dict | None:
    """The wiki's own issuer profile (``issuer: {name, url, email, description}`` in its
    ``WIKIS`` entry), or None: its badges are then issued by the app's profile."""
    for entry in current_app.config.get("WIKIS") or []:
        if isinstance(entry, dict) and str(entry.get("id")) == wiki_id:
            profile = entry.get("issuer")
            return profile if isinstance(profile, dict) and profile.get("name") else None
    return None


def issuer_name(row: Assertion) -> str:
    """Who issued *row*: its affiliate, its wiki's profile, or the app's issuer name."""
    for entry in current_app.config.get("ISSUERS") or []:
        if row.issuer and isinstance(entry, dict) and str(entry.get("id")) == row.issuer:
            return str(entry.get("name") or row.issuer)
    profile = wiki_issuer(row.wiki)
    if profile:
        return str(profile["name"])
    return current_app.config.get("ISSUER_NAME") or "wikitours"


def badge_url(badge_id: str, issuer: str = "", wiki: str = "") -> str:
    """The BadgeClass: an affiliate's (*issuer*), a wiki's own (*wiki* with a profile), or the
    app's."""
    if issuer:
        return url_for("endorsements.affiliate_badge", issuer_id=issuer, badge_id=badge_id,
                       _external=True)
    if wiki and wiki_issuer(wiki):
        return url_for("badges.wiki_badge_class", wiki_id=wiki, badge_id=badge_id,
                       _external=True)
    return url_for("badges.badge_class", badge_id=badge_id, _external=True)


def assertion_url(row: Assertion) -> str:
    return url_for("badges.assertion", uid=row.uuid, _external=True)


def badge_or_404(badge_id: str):
    """A badge of the tour library, or an attested skill (awarded by assessors)."""
    badge = learning.library().badge(badge_id)
    if badge is None and not learning.is_skill(badge_id):  # published a moment ago?
        badge = publishedtours.all_libraries(max_age=publishedtours.min_refresh()).badge(badge_id)
    if badge is None and learning.is_skill(badge_id):
        lang = current_language()
        badge = Badge(id=badge_id, name=learning.tour_text(lang, "badge", badge_id, "name"),
                      description=learning.tour_text(lang, "badge", badge_id, "description"))
    if badge is None:
        abort(404)
    return badge


def _assertion_or_404(uid: str, live: bool = False) -> Assertion:
    """The assertion *uid*; 404 when there is none, and 410 when *live* and it was revoked."""
    row = get_session().scalar(select(Assertion).where(Assertion.uuid == uid[:36]))
    if row is None:
        abort(404)
    if live and row.revoked:
        abort(410)
    return row


def _download(data, mimetype: str, row: Assertion, extension: str) -> Response:
    """A baked badge as a file named after the badge and the assertion."""
    return Response(data, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{row.badge}-{row.uuid[:8]}.{extension}"'})


def recipient_identity(row: Assertion) -> str:
    """The identity a verifier checks the hashed recipient against: the learner's user page."""
    wiki = learning.wiki_config(row.wiki)
    return wiki.user_page_url(row.username) if wiki else row.username


def diff_url(wiki, revid: int) -> str:
    """The wiki's diff of one revision: the evidence a person can open and judge."""
    return f"{wiki.index}?diff={int(revid)}" if wiki else ""


def evidence_items(row: Assertion) -> list[dict]:
    """Open Badges Evidence for *row*, narrated in the wiki's language.

    An evidence-backed badge lists each checked edit as its diff; a completion badge says
    plainly that only the learner's own progress record stands behind it.
    """
    wiki = learning.wiki_config(row.wiki)
    lang = wiki.language if wiki else "en"
    cat = catalog()
    badge = learning.library().badge(row.badge)
    if row.kind == "attested":
        return [{"type": "Evidence", "narrative": str(e.get("narrative", "")),
                 **({"id": e["url"]} if e.get("url") else {})} for e in row.edits()]
    if any(e.get("type") in ("cohort-learner", "endorsement") for e in row.edits()):
        return _trainer_evidence(row, lang)
    if row.kind != "evidence":
        tours = ", ".join(learning.tour_text_in(lang, "tour", t, "title")
                          for t in (badge.requires_tours if badge else ()))
        item = {"type": "Evidence",
                "narrative": cat.format(lang, "wikitours-app-badge-evidence-completion",
                                        tours or row.badge)}
        if wiki and row.revision:
            item["id"] = f"{wiki.index}?oldid={int(row.revision)}"
        return [item]
    items = []
    for edit in row.edits():
        tour = learning.tour_text_in(lang, "tour", str(edit.get("tour", "")), "title")
        narrative = cat.format(lang, "wikitours-app-badge-evidence-narrative",
                               edit.get("title", ""), edit.get("timestamp", ""), tour)
        if badge and "reference" in badge.evidence:
            narrative += " " + cat.format(lang, "wikitours-app-badge-evidence-narrative-reference")
        items.append({"type": "Evidence", "id": diff_url(wiki, edit.get("revid", 0)),
                      "name": str(edit.get("title", "")), "narrative": narrative,
                      "genre": "wiki edit"})
    return items


def _trainer_evidence(row: Assertion, lang: str) -> list[dict]:
    """The trainer certificate's evidence: the cohort's learners' badges, the endorsements."""
    cat = catalog()
    items = []
    for e in row.edits():
        if e.get("type") == "cohort-learner":
            learner = get_session().scalar(select(Assertion).where(
                Assertion.uuid == str(e.get("assertion", ""))))
            badge = learning.tour_text_in(lang, "badge", learner.badge, "name") if learner else ""
            items.append({"type": "Evidence", "narrative": cat.format(
                lang, "wikitours-app-trainer-evidence-learner", str(e.get("learner", "")), badge,
                str(e.get("cohort", ""))), **({"id": assertion_url(learner)} if learner else {})})
        elif e.get("type") == "endorsement":
            items.append({"type": "Evidence", "narrative": cat.format(
                lang, "wikitours-app-trainer-evidence-endorsement",
                str(e.get("endorser", "")).split(":", 1)[-1]),
                "id": url_for("endorsements.endorsement", uid=str(e.get("endorsement", "")),
                              _external=True)})
    return items


def assertion_document(row: Assertion) -> dict:
    return ob.assertion_document(
        assertion_url(row), badge_url(row.badge, row.issuer, row.wiki), recipient_identity(row),
        row.salt, row.issued_on, image=url_for("badges.baked_png", uid=row.uuid, _external=True),
        evidence=evidence_items(row))


def criteria_narrative(badge, lang: str) -> str:
    """What earning *badge* takes, and what the issuer checks (the BadgeClass criteria)."""
    cat = catalog()
    if learning.is_skill(badge.id):
        return " ".join([learning.plain(badge.description), cat.format(
            lang, "wikitours-app-badge-criteria-attested", ASSESSORS_PAGE)])
    tours = ", ".join(learning.tour_text_in(lang, "tour", t, "title") for t in badge.requires_tours)
    badges = ", ".join(learning.tour_text_in(lang, "badge", b, "name")
                       for b in badge.requires_badges)
    parts = [learning.plain(badge.description)]
    if tours:
        parts.append(cat.format(lang, "wikitours-app-badge-criteria-tours", tours))
    if badges:
        parts.append(cat.format(lang, "wikitours-app-badge-criteria-badges", badges))
    if badge.id == TRAINER_BADGE:
        parts.append(cat.format(lang, "wikitours-app-badge-criteria-trainer",
                                int(current_app.config.get("TRAINER_MIN_LEARNERS", 3))))
    elif badge.evidence:
        parts.append(cat.format(lang, "wikitours-app-badge-criteria-evidence"))
        if "reference" in badge.evidence:
            parts.append(cat.format(lang, "wikitours-app-badge-criteria-reference"))
    if not badge.evidence and badge.id != TRAINER_BADGE:
        parts.append(cat.format(lang, "wikitours-app-badge-criteria-completion"))
    return " ".join(p for p in parts if p)


def can_revoke(row: Assertion) -> bool:
    """App admins, and trainers whose cohort (on the same wiki) the learner joined themself.

    A learner a trainer merely listed never agreed to anything: otherwise anyone could list a
    stranger in a cohort of their own and revoke the stranger's badges.
    """
    user = current_user()
    if user is None:
        return False
    if is_admin(user):
        return True
    if user.wiki != row.wiki:
        return False
    if row.awarded_by:  # an attested badge: its assessor takes it back
        return row.awarded_by == f"{user.wiki}:{user.name}"
    return get_session().scalar(
        select(CohortMember.username).join(Cohort).where(
            Cohort.wiki == row.wiki, Cohort.owner == user.name,
            CohortMember.username == row.username,
            CohortMember.added_by == row.username).limit(1)) is not None


# --- issuer and badge classes -------------------------------------------------------------

@bp.get("/issuer")
def issuer():
    cfg = current_app.config
    return _json(ob.issuer_document(
        issuer_url(), cfg.get("ISSUER_NAME") or "wikitours",
        url_for("core.index", _external=True), email=cfg.get("ISSUER_EMAIL") or "",
        description=cfg.get("ISSUER_DESCRIPTION") or "",
        revocation_list=url_for("badges.revocations", _external=True)))


@bp.get("/issuer/revocations")
def revocations():
    rows = get_session().scalars(select(Assertion).where(
        Assertion.revoked.is_(True), Assertion.issuer == "").order_by(Assertion.seq)).all()
    return _json(ob.revocation_list_document(
        url_for("badges.revocations", _external=True), issuer_url(),
        [(assertion_url(r), r.revocation_reason) for r in rows if not wiki_issuer(r.wiki)]))


def _wiki_profile_or_404(wiki_id: str) -> dict:
    profile = wiki_issuer(wiki_id)
    if profile is None:
        abort(404)
    return profile


@bp.get("/wikis/<wiki_id>/issuer")
def wiki_issuer_profile(wiki_id: str):
    """A wiki's own Issuer Profile: its community issues its learners' badges in its name."""
    profile = _wiki_profile_or_404(wiki_id)
    wiki = learning.wiki_config(wiki_id)
    return _json(ob.issuer_document(
        url_for("badges.wiki_issuer_profile", wiki_id=wiki_id, _external=True),
        str(profile["name"]), str(profile.get("url") or (wiki.index if wiki else "")),
        email=str(profile.get("email") or ""),
        description=str(profile.get("description") or ""),
        revocation_list=url_for("badges.wiki_revocations", wiki_id=wiki_id, _external=True)))


@bp.get("/wikis/<wiki_id>/issuer/revocations")
def wiki_revocations(wiki_id: str):
    _wiki_profile_or_404(wiki_id)
    rows = get_session().scalars(select(Assertion).where(
        Assertion.revoked.is_(True), Assertion.issuer == "", Assertion.wiki == wiki_id)
        .order_by(Assertion.seq)).all()
    return _json(ob.revocation_list_document(
        url_for("badges.wiki_revocations", wiki_id=wiki_id, _external=True),
        url_for("badges.wiki_issuer_profile", wiki_id=wiki_id, _external=True),
        [(assertion_url(r), r.revocation_reason) for r in rows]))


@bp.get("/wikis/<wiki_id>/badges/<badge_id>")
def wiki_badge_class(wiki_id: str, badge_id: str):
    """The BadgeClass a wiki issues in its own name (its assertions point here)."""
    _wiki_profile_or_404(wiki_id)
    return _json(badge_class_document(
        badge_or_404(badge_id),
        url_for("badges.wiki_issuer_profile", wiki_id=wiki_id, _external=True), wiki=wiki_id))


def badge_class_document(badge, issuer: str, issuer_id: str = "", wiki: str = "") -> dict:
    """The BadgeClass of *badge* as issued by the profile at *issuer*."""
    return ob.badge_class_document(
        badge_url(badge.id, issuer_id, wiki), badge.name, badge.description or badge.name,
        url_for("badges.badge_png", badge_id=badge.id, _external=True),
        url_for("badges.criteria", badge_id=badge.id, _external=True),
        criteria_narrative(badge, current_language()), issuer, tags=("wikitours", _tag(badge)))


@bp.get("/badges/<badge_id>")
def badge_class(badge_id: str):
    badge = badge_or_404(badge_id)
    if wants_json():
        return _json(badge_class_document(badge, issuer_url()))
    lang = request.args.get("uselang")
    return redirect(url_for("badges.criteria", badge_id=badge.id,
                            **({"uselang": lang} if lang else {})), code=303)


def _tag(badge) -> str:
    if learning.is_skill(badge.id):
        return "attested"
    return "evidence-backed" if badge.evidence or badge.id == TRAINER_BADGE else "tour-completion"


@bp.get("/badges/<badge_id>/criteria")
def criteria(badge_id: str):
    badge = badge_or_404(badge_id)
    return render_template("badge.html", badge=badge, tour_text=learning.tour_text,
                           narrative=criteria_narrative(badge, current_language()))


@bp.get("/badges/<badge_id>/image.png")
def badge_png(badge_id: str):
    badge = badge_or_404(badge_id)
    return Response(ob.badge_png(ob.color_for(badge.id)), mimetype="image/png")


@bp.get("/badges/<badge_id>/image.svg")
def badge_svg(badge_id: str):
    badge = badge_or_404(badge_id)
    name = learning.tour_text(current_language(), "badge", badge.id, "name")
    return Response(ob.badge_svg(ob.color_for(badge.id), name), mimetype="image/svg+xml")


# --- assertions -----------------------------------------------------------------------------

@bp.get("/assertions/<uid>")
def assertion(uid: str):
    row = _assertion_or_404(uid)
    if wants_json():
        if row.revoked:
            return _json(ob.revoked_assertion_document(assertion_url(row), row.revocation_reason),
                         410)
        return _json(assertion_document(row))
    wiki = learning.wiki_config(row.wiki)
    return render_template("assertion.html", row=row, wiki=wiki, url=assertion_url(row),
                           badge=learning.library().badge(row.badge), can_revoke=can_revoke(row),
                           tour_text=learning.tour_text, identity=recipient_identity(row),
                           edits=_edit_links(row, wiki)), 410 if row.revoked else 200


@bp.get("/assertions/<uid>/badge.png")
def baked_png(uid: str):
    """The baked badge: its picture names the badge in the reader's language and the issuer."""
    row = _assertion_or_404(uid, live=True)
    lang = current_language()
    picture = badgeimage.named_badge_png(
        ob.color_for(row.badge), learning.tour_text(lang, "badge", row.badge, "name"),
        issuer_name(row), lang)
    data = ob.bake_png(picture, json.dumps(assertion_document(row), ensure_ascii=False))
    return _download(data, "image/png", row, "png")


@bp.get("/assertions/<uid>/badge.svg")
def baked_svg(uid: str):
    row = _assertion_or_404(uid, live=True)
    name = learning.tour_text(current_language(), "badge", row.badge, "name")
    data = ob.bake_svg(ob.badge_svg(ob.color_for(row.badge), name),
                       json.dumps(assertion_document(row), ensure_ascii=False), assertion_url(row))
    return _download(data, "image/svg+xml", row, "svg")


@bp.get("/assertions/<uid>/certificate")
def certificate(uid: str):
    row = _assertion_or_404(uid, live=True)
    wiki = learning.wiki_config(row.wiki)
    if not request.args.get("uselang") and wiki and not request.accept_languages:
        return redirect(url_for("badges.certificate", uid=uid, uselang=wiki.language), code=303)
    own = row.issuer or wiki_issuer(row.wiki)  # an affiliate's or the wiki's own profile
    return render_template("certificate.html", row=row, wiki=wiki, url=assertion_url(row),
                           issuer=issuer_name(row) if own else "",
                           badge=learning.library().badge(row.badge),
                           tour_text=learning.tour_text, edits=_edit_links(row, wiki))


def _edit_links(row: Assertion, wiki) -> list[dict]:
    """The evidence for a page: a text and a URL each (plain values, escaped later)."""
    # First-strong isolates keep a Latin title or an ISO date whole inside a right-to-left text
    isolate = "\u2068{}\u2069".format
    edits = [{"text": msg("wikitours-app-badge-evidence-edit", isolate(str(e.get("title", ""))),
                          isolate(str(e.get("timestamp", ""))[:10])),
              "url": diff_url(wiki, e.get("revid", 0))}
             for e in row.edits() if isinstance(e.get("revid"), int)]
    if edits:
        return edits
    if row.kind == "attested" or any(e.get("type") for e in row.edits()):
        # narrated in the wiki's language, as in the hosted assertion
        return [{"text": i.get("narrative", ""), "url": i.get("id", "")}
                for i in evidence_items(row)]
    return []


@bp.post("/assertions/<uid>/revoke")
def revoke(uid: str):
    row = _assertion_or_404(uid)
    if not can_revoke(row):
        abort(403)
    if not row.revoked:
        user = current_user()
        row.revoked = True
        row.revocation_reason = request.form.get("reason", "").strip()[:255]
        row.revoked_by = f"{user.wiki}:{user.name}" if user else ""
        row.revoked_on = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
        get_session().commit()
    return redirect(url_for("badges.assertion", uid=row.uuid), code=303)


# --- the feed for the bot -------------------------------------------------------------------

@bp.get("/api/v1/assertions")
def feed():
    """Assertions of one wiki after the cursor, oldest first (contracts §9).

    The cursor is the last returned position; pass ``next`` back as ``since``. The feed
    announces issued badges: a badge revoked before the bot reads it shows ``revoked: true``.
    """
    wiki = request.args.get("wiki", "")
    since = request.args.get("since", "0") or "0"
    if learning.wiki_config(wiki) is None:
        return jsonify({"error": 404, "message": msg("wikitours-app-badge-unknown-wiki")}), 404
    if not since.isdigit() or len(since) > 18:
        return jsonify({"error": 400, "message": msg("wikitours-app-badge-bad-cursor")}), 400
    rows = get_session().scalars(
        select(Assertion).where(Assertion.wiki == wiki, Assertion.seq > int(since))
        .order_by(Assertion.seq).limit(FEED_PAGE)).all()
    lang = learning.wiki_config(wiki).language
    names = {b: learning.tour_text(lang, "badge", b, "name") for b in {r.badge for r in rows}}
    return jsonify({
        "assertions": [{"id": r.uuid, "badge": r.badge, "name": names[r.badge],
                        "user": r.username, "wiki": r.wiki, "kind": r.kind,
                        **({"awardedBy": r.awarded_by.split(":", 1)[-1]} if r.awarded_by else {}),
                        "issuedOn": ob.iso(r.issued_on), "url": assertion_url(r),
                        "revoked": bool(r.revoked)} for r in rows],
        "next": str(rows[-1].seq if rows else int(since)),
    })


@bp.get("/api/v1/revocations")
def revocations_feed():
    """Badges of one wiki revoked at or after ``since`` (ISO time), oldest first (contracts §9).

    The bot writes each one on the learner's talk page with its reason, as it wrote the award,
    so the community audits revocations where it audits awards. ``since`` is inclusive and the
    bot reads a little before its cursor: its marker on the page keeps each note single.
    """
    wiki = request.args.get("wiki", "")
    since = request.args.get("since", "") or "1970-01-01T00:00:00Z"
    if learning.wiki_config(wiki) is None:
        return jsonify({"error": 404, "message": msg("wikitours-app-badge-unknown-wiki")}), 404
    try:
        start = dt.datetime.strptime(since, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return jsonify({"error": 400, "message": msg("wikitours-app-badge-bad-cursor")}), 400
    rows = get_session().scalars(
        select(Assertion).where(Assertion.wiki == wiki, Assertion.revoked.is_(True),
                                Assertion.revoked_on >= start)
        .order_by(Assertion.revoked_on, Assertion.seq).limit(FEED_PAGE)).all()
    lang = learning.wiki_config(wiki).language
    names = {b: learning.tour_text(lang, "badge", b, "name") for b in {r.badge for r in rows}}
    return jsonify({
        "revocations": [{"id": r.uuid, "badge": r.badge, "name": names[r.badge],
                         "user": r.username, "wiki": r.wiki, "reason": r.revocation_reason,
                         "revokedBy": r.revoked_by.split(":", 1)[-1],
                         "revokedOn": ob.iso(r.revoked_on), "url": assertion_url(r)}
                        for r in rows],
        "next": ob.iso(rows[-1].revoked_on) if rows else since,
    })


@bp.after_request
def _vary(response: Response) -> Response:
    """Documents and pages share URLs (content negotiation): caches must key on Accept."""
    response.headers.add("Vary", "Accept")
    return response


def init_app(app) -> None:
    learning.init_app(app)
    app.jinja_env.globals.update(badge_color=ob.color_for)
