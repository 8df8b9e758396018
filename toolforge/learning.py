"""The learning side's shared services: the tour library, wiki clients and badge issuing.

Views (learner page, mentor dashboard, cohorts) and the ``issue-badges`` command all go through
:func:`refresh`: read verified progress from the wiki, work out earned badges with
:mod:`toolforge.progress`, and create each missing assertion exactly once. Issuing is
idempotent by construction (a unique row per wiki + user + badge), so any number of views,
refreshes and jobs running at the same time give one assertion.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm import Session as _Session

from tours.load import load_library as compiler_load
from tours.model import Library, message_key

from . import evidence as ev
from . import publishedtours
from .db import get_engine, get_session
from .i18n import Catalog
from .i18n import catalog as app_catalog
from .models_learning import Assertion, Cohort, CohortMember
from .practice_view import badge_evidence
from .trainer import TRAINER_BADGE, trainer_standing
from .wikiclient import ProgressRead, Wiki, WikiClient, WikiError

__all__ = ["library", "wiki_config", "client", "issue", "refresh", "Refreshed", "tour_text",
           "plain", "init_app", "assertions_for"]


# --- the tour library ------------------------------------------------------------------------

def load_library(path: str | Path) -> Library:
    """The validated library, read with the compiler's own loader (errors stop the app)."""
    path = Path(path)
    loaded, problems = compiler_load(path.read_bytes(), str(path))
    if loaded is None:
        raise RuntimeError("\n".join(str(p) for p in problems if p.severity == "error"))
    return loaded


def library(app: Flask | None = None, wiki: str | None = None) -> Library:
    """The tours and badges *wiki* publishes (:mod:`toolforge.publishedtours`), or, without a
    wiki, those of every configured wiki (``LIBRARY`` instead when configured: tests)."""
    if wiki is not None:
        return publishedtours.library_for(wiki, app)
    return publishedtours.all_libraries(app)


# --- translated tour and badge texts -----------------------------------------------------

_GENDER = re.compile(r"\{\{\s*GENDER:[^|}]*\|([^{}]*)\}\}", re.I)
_PLURAL = re.compile(r"\{\{\s*PLURAL:[^|}]*\|([^{}]*)\}\}", re.I)
_LINK = re.compile(r"\[\[(?:[^|\]]*\|)?([^\]]*)\]\]")


def plain(text: str) -> str:
    """Wikitext of the safe subset as plain text (for names and descriptions in the app)."""
    def gender(match: re.Match) -> str:
        forms = match.group(1).split("|")
        return forms[2] if len(forms) > 2 else forms[0]
    text = _GENDER.sub(gender, text)
    text = _PLURAL.sub(lambda m: m.group(1).split("|")[-1], text)
    text = _LINK.sub(lambda m: m.group(1), text)
    return text.replace("'''", "").replace("''", "")


def _tour_catalog(app: Flask):
    catalog = app.extensions.get("wikitours.tour-messages")
    if catalog is None:
        folder = Path(app.config["MESSAGES_DIR"]).parent / "tours"
        catalog = Catalog.load(folder, app.config.get("LANGUAGES_FILE"), "en")
        app.extensions["wikitours.tour-messages"] = catalog
    return catalog


def tour_text(lang: str, *parts: str) -> str:
    """A tour or badge text in *lang* (its fallback chain), else the source text, as plain text.

    ``tour_text("de", "badge", "first-edit", "name")`` is the German badge name.
    """
    return tour_text_in(lang, *parts)


def tour_text_in(lang: str, *parts: str, wiki: str | None = None) -> str:
    """:func:`tour_text` for code outside templates (documents in a wiki's language). Each
    language of the chain is looked up in the app's checkout, then in what *wiki* (without
    one, any configured wiki) published in it: a wiki-only tour or badge is named in the
    reader's language as the gadget names it there."""
    lib = library()
    catalog = _tour_catalog(current_app)
    key = message_key(*parts)
    for code in catalog.chain(lang)[:-1]:
        # the checkout's translation, else what a wiki published (its own tours too)
        text = catalog.messages.get(code, {}).get(key)
        if text is None:
            text = publishedtours.translated(key, code, wiki)
        if text is not None:
            return plain(text)
    kind, item, field = parts[0], parts[1], parts[-1]
    if kind == "badge" and is_skill(item):
        return app_catalog().format(lang, f"wikitours-app-skill-{item}-{field}")
    if kind == "badge":
        badge = lib.badge(item)
        return plain(getattr(badge, field, "") if badge else item)
    tour = lib.tour(item)
    return plain(getattr(tour, field, "") if tour else item)


# --- attested skills ------------------------------------------------------------------------

#: Skills a wiki cannot see in edits; authorised assessors award them (toolforge.assessors).
DEFAULT_SKILLS = ("facilitation", "public-speaking", "partnership")


def skills() -> tuple[str, ...]:
    """The attested skills this app awards (``ATTESTED_SKILLS`` setting)."""
    return tuple(current_app.config.get("ATTESTED_SKILLS") or DEFAULT_SKILLS)


def is_skill(badge_id: str) -> bool:
    return badge_id in skills() and library().badge(badge_id) is None


# --- wikis ---------------------------------------------------------------------------------

def wiki_config(wiki_id: str) -> Wiki | None:
    for entry in current_app.config.get("WIKIS") or []:
        if str(entry.get("id")) == wiki_id:
            return Wiki.from_config(entry)
    return None


def client(wiki: Wiki) -> WikiClient:
    """A wiki client with the app's User-Agent (tests may plug a factory into the config)."""
    factory = current_app.config.get("WIKI_CLIENT_FACTORY")
    if factory:
        return factory(wiki)
    return WikiClient(wiki, current_app.config.get("USER_AGENT", "wikitours"))


# --- issuing -----------------------------------------------------------------------------

def assertions_for(session: Session, wiki: str, usernames: Iterable[str]) -> list[Assertion]:
    names = list(dict.fromkeys(usernames))
    found: list[Assertion] = []
    for i in range(0, len(names), 500):
        found += session.scalars(select(Assertion).where(
            Assertion.wiki == wiki, Assertion.username.in_(names[i:i + 500]))).all()
    return found


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def standings(reads: Iterable[ProgressRead], lib: Library,
              revisions: Mapping[int, ev.Revision] | None, now: dt.datetime,
              keep: dt.timedelta = dt.timedelta(0),
              issued: Mapping[str, set[str]] | None = None,
              practice: Mapping[str, Mapping[str, tuple]] | None = None
              ) -> dict[str, ev.Standing]:
    """What each ``ok`` read earns, with its claimed edits checked against *revisions*;
    *issued* (user → badges held, not revoked) count for pathways as they are; *practice*
    (user → badge → kept task edits) stands in for a tour's own edits (issue 19)."""
    aware = now.replace(tzinfo=dt.timezone.utc) if now.tzinfo is None else now
    return {r.username: ev.earned(r.progress, lib, revisions or {}, aware, keep,
                                  (issued or {}).get(r.username, ()),
                                  (practice or {}).get(r.username))
            for r in reads if r.status == "ok" and r.progress is not None}


def _issued(session: Session, wiki: str, names: list[str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for a in assertions_for(session, wiki, names):
        if not a.revoked:
            out.setdefault(a.username, set()).add(a.badge)
    return out


def issue(session: Session, wiki: str, reads: Iterable[ProgressRead], lib: Library,
          now: dt.datetime | None = None, *,
          revisions: Mapping[int, ev.Revision] | None = None,
          keep: dt.timedelta = dt.timedelta(0), trainer_min_learners: int = 3,
          practice: Mapping[str, Mapping[str, tuple]] | None = None) -> list[Assertion]:
    """Create the missing assertions for every ``ok`` read; return the new ones.

    Only progress the wiki client accepted (the learner's own latest revision) counts, and a
    badge with ``evidence`` only when the edits it names hold on the wiki (*revisions*, from
    :meth:`WikiClient.revisions`; without them no evidence-backed badge is issued). A concurrent
    issuer that wins the race makes our insert fail on the unique key; that row is then simply
    not new.
    """
    now = now or _utcnow()
    reads = [r for r in reads if r.status == "ok" and r.progress is not None]
    existing = assertions_for(session, wiki, [r.username for r in reads])
    have = {(a.username, a.badge) for a in existing}
    by_user = standings(reads, lib, revisions, now, keep, _issued(session, wiki,
                                                                   [r.username for r in reads]),
                        practice)
    created: list[Assertion] = []
    for read in reads:
        for held in by_user[read.username].earned:
            if (read.username, held.badge) in have:
                continue
            kind, evidence = held.kind, [e.__dict__ for e in held.edits]
            if held.badge == TRAINER_BADGE:
                # earned by training: a cohort's learners and an endorsement (toolforge.trainer)
                standing = trainer_standing(session, wiki, read.username, trainer_min_learners)
                if not standing.ok:
                    continue
                kind, evidence = "evidence", standing.evidence()
            row = Assertion(uuid=str(uuid.uuid4()), wiki=wiki, username=read.username,
                            badge=held.badge, salt=secrets.token_hex(16), issued_on=now,
                            revision=read.progress.revision, kind=kind,
                            evidence=json.dumps(evidence))
            if held.badge == TRAINER_BADGE:
                # a chapter certifies its own trainers: endorsed in an affiliate's name, the
                # certificate is issued in that name (its profile, its revocation list)
                row.issuer = next((e.issuer for e in standing.endorsements if e.issuer), "")
            session.add(row)
            try:
                session.commit()  # one row per transaction: a lost race costs only that row
                created.append(row)
            except IntegrityError:
                session.rollback()  # issued meanwhile by someone else: exactly once all the same
            have.add((read.username, held.badge))
    return created


@dataclass(frozen=True)
class Refreshed:
    """What one refresh saw: each learner's read, and the assertions they now hold."""

    reads: dict[str, ProgressRead]
    assertions: dict[str, list[Assertion]]
    new: tuple[Assertion, ...] = ()
    #: Learners with a badge waiting only for its edits to be old enough: check them again.
    pending: tuple[str, ...] = ()


def _cached_progress(wiki: Wiki, usernames: list[str], fresh: bool) -> dict[str, ProgressRead]:
    """Progress reads, reusing those younger than ``PROGRESS_CACHE_SECONDS`` unless *fresh*.

    Public pages (a learner's page) would otherwise let anyone make the app query the wiki on
    every request; the short per-process cache bounds that, and explicit refreshes bypass it.
    """
    ttl = float(current_app.config.get("PROGRESS_CACHE_SECONDS", 60) or 0)
    cache: dict = current_app.extensions.setdefault("wikitours.progress-cache", {})
    now = time.monotonic()
    result: dict[str, ProgressRead] = {}
    wanted = []
    for name in usernames:
        hit = cache.get((wiki.id, name)) if ttl > 0 and not fresh else None
        if hit and hit[0] > now:
            result[name] = hit[1]
        else:
            wanted.append(name)
    if wanted:
        reads = client(wiki).progress(wanted)
        if len(cache) > 20_000:
            cache.clear()
        for name, read in reads.items():
            cache[(wiki.id, name)] = (now + ttl, read)
        result.update(reads)
    return result


def refresh(wiki: Wiki, usernames: Iterable[str], session: Session | None = None, *,
            fresh: bool = False) -> Refreshed:
    """Read verified progress for *usernames*, issue what it earns, and return both.

    *fresh* skips the short progress cache (an explicit refresh, the scheduled job).
    """
    session = session or get_session()
    lib = library(wiki=wiki.id)
    reads = _cached_progress(wiki, list(dict.fromkeys(usernames)), fresh)
    already = {(a.username, a.badge) for a in assertions_for(
        session, wiki.id, [r.username for r in reads.values()])}
    claimed: list[int] = []
    for read in reads.values():
        if read.status == "ok" and read.progress is not None:
            # only edits that could still earn something are looked up on the wiki
            if any((read.username, b.id) not in already for b in lib.badges if b.evidence):
                claimed += ev.claimed_revisions(read.progress, lib)
    revisions = client(wiki).revisions(claimed) if claimed else {}
    keep = dt.timedelta(seconds=float(current_app.config.get("EVIDENCE_KEEP_SECONDS", 0) or 0))
    now = _utcnow()
    practice = badge_evidence(wiki, client(wiki), reads, already, lib)
    new = issue(session, wiki.id, reads.values(), lib, now, revisions=revisions, keep=keep,
                trainer_min_learners=int(current_app.config.get("TRAINER_MIN_LEARNERS", 3)),
                practice=practice)
    pending = tuple(name for name, standing in standings(
        reads.values(), lib, revisions, now, keep,
        _issued(session, wiki.id, list(reads))).items() if standing.pending)
    held: dict[str, list[Assertion]] = {}
    for a in assertions_for(session, wiki.id, [r.username for r in reads.values()]):
        held.setdefault(a.username, []).append(a)
    return Refreshed(reads, held, tuple(new), pending)


# --- the scheduled job -----------------------------------------------------------------------

@dataclass
class Follower:
    """Issue badges within seconds of a completed tour, from the wikis' recent changes.

    Each pass asks every wiki which progress pages changed since the last pass
    (:meth:`WikiClient.progress_changes`), refreshes exactly those learners, and keeps the ones
    whose edits only need to age (the keep delay) for the next passes. The first pass looks
    back *lookback* seconds, so a restart misses nothing recent; older progress is the
    scheduled full job's.
    """

    wikis: list[Wiki]
    session: Session
    lookback: float = 3600
    cursors: dict[str, str] | None = None
    pending: dict[str, set[str]] | None = None

    def step(self, now: dt.datetime | None = None) -> dict[str, int]:
        """One pass; ``{wiki id: badges issued}``. A wiki that cannot be reached is retried."""
        now = now or dt.datetime.now(dt.timezone.utc)
        self.cursors = self.cursors if self.cursors is not None else {}
        self.pending = self.pending if self.pending is not None else {}
        issued: dict[str, int] = {}
        for wiki in self.wikis:
            since = self.cursors.get(wiki.id) or (now - dt.timedelta(seconds=self.lookback)) \
                .strftime("%Y-%m-%dT%H:%M:%SZ")
            try:
                names, newest = client(wiki).progress_changes(since)
                names = sorted(set(names) | self.pending.get(wiki.id, set()))
                done = refresh(wiki, names, self.session, fresh=True) if names else None
            except WikiError as error:
                click.echo(f"{wiki.id}: {error}; trying again", err=True)
                continue
            self.cursors[wiki.id] = newest
            self.pending[wiki.id] = set(done.pending) if done else set()
            issued[wiki.id] = len(done.new) if done else 0
            if done and done.new:
                click.echo(f"{wiki.id}: {len(done.new)} badges issued to "
                           f"{len({a.username for a in done.new})} learners")
        return issued


@click.command("issue-badges")
@click.option("--wiki", "wiki_ids", multiple=True, help="wiki id (default: every wiki)")
@click.option("--user", "users", multiple=True, help="also check these learners")
@click.option("--follow", is_flag=True,
              help="keep running: issue badges within seconds of each progress change")
@click.option("--interval", type=float, default=15.0, show_default=True,
              help="seconds between two passes with --follow")
@click.option("--passes", type=int, default=0, help="with --follow, stop after N passes")
@with_appcontext
def issue_badges_command(wiki_ids: tuple[str, ...], users: tuple[str, ...], follow: bool,
                         interval: float, passes: int) -> None:
    """Issue the badges that learners' verified progress has earned (a Toolforge job).

    Checks every cohort member and every mentee recorded on the wiki, plus ``--user`` names.
    With ``--follow`` it instead watches the wikis' recent changes to progress pages and
    issues what a completed tour earned within one interval (a continuous job).
    """
    wikis = [Wiki.from_config(w) for w in current_app.config.get("WIKIS") or []
             if not wiki_ids or str(w.get("id")) in wiki_ids]
    if follow:
        with _Session(get_engine(), expire_on_commit=False) as session:
            follower = Follower(wikis, session)
            done = 0
            while True:
                follower.step()
                done += 1
                if passes and done >= passes:
                    return
                time.sleep(max(1.0, interval))
    with _Session(get_engine(), expire_on_commit=False) as session:
        for wiki in wikis:
            names = set(users)
            names.update(session.scalars(select(CohortMember.username).join(Cohort).where(
                Cohort.wiki == wiki.id)).all())
            wiki_client = client(wiki)
            for mentor in wiki_client.mentors():
                mentees, _ = wiki_client.mentees(mentor)
                names.update(m.username for m in mentees)
            done = refresh(wiki, sorted(names), session, fresh=True)
            click.echo(f"{wiki.id}: {len(done.reads)} learners checked, "
                       f"{len(done.new)} badges issued")


def init_app(app: Flask) -> None:
    app.cli.add_command(issue_badges_command)
