"""Practice on real tasks in the app: checked task edits, levels and streaks, offers.

The learner page and the mentor dashboard call :func:`practice_of` with the progress reads they
already have; it reads the wiki's published task list (``MediaWiki:Gadget-wikitours-tasks.json``, one
request, cached a few minutes per wiki) and checks the claimed revisions with
:mod:`practice.verify`, through :mod:`toolforge.practice_cache` (verdicts that cannot change by
waiting are stored per wiki, revision and claimant and checked on the wiki again after
``PRACTICE_RECHECK_SECONDS``; only the others are fetched, with their parents, 50 per
request). Public pages show a learner's practice (and the thanks they received, where the wiki
has Thanks) only when the learner chose so in their own progress page; mentors always see
their mentees'.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass, replace
from typing import Mapping

from flask import current_app

from practice.recognition import (Practice, Thanks, count_thanks, has_extension, practice,
                                  practice_started)
from practice.tasklist import config_from_published, parse_list, pick
from practice.tasktypes import LIST_TITLE, TaskConfig
from practice.verify import TaskCheck

from . import practice_cache
from .auth import current_user
from .evidence import Edit
from .wikiclient import ProgressRead, Wiki, WikiClient, WikiError

__all__ = ["Standing", "published", "practice_of", "offers", "keep_delay", "learner_practice",
           "mentor_practice", "has_thanks", "thanks_of"]

CACHE_SECONDS = 300
#: Whether a wiki has the Thanks extension is asked again after this long (siteinfo).
EXTENSIONS_SECONDS = 3600


@dataclass(frozen=True)
class Standing:
    """One learner's practice: the summary and each checked task edit."""

    summary: Practice
    checks: tuple[TaskCheck, ...]
    public: bool
    #: thanks received since the first practice edit; None where the wiki has no Thanks
    thanks: Thanks | None = None


def published(wiki: Wiki, client: WikiClient) -> dict:
    """The wiki's published task list (parsed; empty when missing), cached per process."""
    cache: dict = current_app.extensions.setdefault("wikitours.task-lists", {})
    hit = cache.get(wiki.id)
    if hit and time.monotonic() - hit[0] < CACHE_SECONDS:
        return hit[1]
    _, pages = client._pages([LIST_TITLE], prop="revisions", rvprop="content", rvslots="main")
    text = None
    for page in pages:
        revs = page.get("revisions") or []
        if revs:
            text = ((revs[0].get("slots") or {}).get("main") or {}).get("content")
    data = parse_list(text)
    cache[wiki.id] = (time.monotonic(), data)
    return data


def keep_delay() -> dt.timedelta:
    """How old a task edit must be to count: the app's ``EVIDENCE_KEEP_SECONDS``, as tours'."""
    return dt.timedelta(seconds=float(current_app.config.get("EVIDENCE_KEEP_SECONDS", 0) or 0))


def practice_of(wiki: Wiki, client: WikiClient, reads: Mapping[str, ProgressRead],
                now: dt.datetime | None = None) -> tuple[dict[str, Standing], TaskConfig, dict]:
    """``(name → Standing, config, published list)`` for every ``ok`` read."""
    now = now or dt.datetime.now(dt.timezone.utc)
    data = published(wiki, client)
    config = config_from_published(data)
    types = {t.id: t for t in config.types}
    ok = {name: r for name, r in reads.items() if r.status == "ok" and r.progress is not None}
    checked = practice_cache.checked_tasks(
        wiki.id, {name: (r.username, r.progress.tasks) for name, r in ok.items()}, types,
        client.revisions, now, keep_delay())
    out = {}
    for name, read in ok.items():
        checks = checked[name]
        out[name] = Standing(practice(checks, config, now), checks,
                             "practice" in read.progress.public)
    return out, config, data


def offers(data: dict, config: TaskConfig, read: ProgressRead | None) -> list[tuple[str, str,
                                                                                     list[str]]]:
    """``(type id, tour id, titles)`` to offer a learner: types whose teaching tour they
    completed, without the articles they already worked on."""
    if read is None or read.progress is None:
        return []
    done = {t.tour for t in read.progress.tours if t.status == "completed"}
    worked = [e.title for e in read.progress.tasks]
    out = []
    for t in config.types:
        if t.learn in done:
            titles = pick(data, t.id, exclude=worked, rng=random.Random())
            if titles:
                out.append((t.id, t.tour, titles))
    return out


def has_thanks(wiki: Wiki, client: WikiClient) -> bool:
    """Whether *wiki* has the Thanks extension (siteinfo, asked once an hour per process).
    A wiki that cannot say counts as without: thanks are then simply not shown."""
    cache: dict = current_app.extensions.setdefault("wikitours.extensions", {})
    hit = cache.get(wiki.id)
    if hit and time.monotonic() - hit[0] < EXTENSIONS_SECONDS:
        return hit[1]
    try:
        found = has_extension(client.extensions(), "Thanks")
    except WikiError:
        return False
    cache[wiki.id] = (time.monotonic(), found)
    return found


def thanks_of(wiki: Wiki, client: WikiClient, standing: Standing, username: str) -> Standing:
    """*standing* with the thanks its learner received since their first practice edit (the
    public thanks log, one request, reused for ``CACHE_SECONDS``), where the wiki has Thanks and
    the learner has a practice edit; otherwise unchanged."""
    since = practice_started(standing.checks)
    if since is None or not has_thanks(wiki, client):
        return standing
    cache: dict = current_app.extensions.setdefault("wikitours.thanks", {})
    key = (wiki.id, username, since)
    hit = cache.get(key)
    if hit and time.monotonic() - hit[0] < CACHE_SECONDS:
        return replace(standing, thanks=hit[1])
    try:
        entries, more = client.thanks_log(username, since)
    except WikiError:
        return standing
    thanks = count_thanks(entries, username, since, more)
    if len(cache) > 20_000:
        cache.clear()
    cache[key] = (time.monotonic(), thanks)
    return replace(standing, thanks=thanks)


def _viewer_is(wiki: Wiki, name: str) -> bool:
    user = current_user()
    return bool(user) and user.wiki == wiki.id and user.name == name


def learner_practice(wiki: Wiki, client: WikiClient, read: ProgressRead) -> dict | None:
    """What the learner page shows of practice: None when there is nothing to show or the
    learner keeps it private (the learner themself always sees theirs, with offers)."""
    try:
        by_name, config, data = practice_of(wiki, client, {read.username: read})
    except WikiError:
        return None
    standing = by_name.get(read.username)
    own = _viewer_is(wiki, read.username)
    if standing is None or not (standing.public or own):
        return None
    standing = thanks_of(wiki, client, standing, read.username)
    return {"standing": standing, "own": own, "config": config,
            "offers": offers(data, config, read) if own else []}


def mentor_practice(wiki: Wiki, client: WikiClient,
                    reads: Mapping[str, ProgressRead]) -> dict[str, Standing]:
    """Every mentee's practice for the mentor dashboard (mentors always see it), with the
    thanks each received where the wiki has Thanks."""
    try:
        by_name = practice_of(wiki, client, reads)[0]
    except WikiError:
        return {}
    return {name: thanks_of(wiki, client, standing, reads[name].username)
            for name, standing in by_name.items()}


def badge_evidence(wiki: Wiki, client: WikiClient, reads: Mapping[str, ProgressRead],
                   held: set[tuple[str, str]], lib) -> dict[str, dict[str, tuple]]:
    """``user → badge → kept task edits`` (as :class:`toolforge.evidence.Edit`) for learners
    who claim task edits and do not hold that badge yet: a kept edit on a real article is
    evidence of the skill (issue 19). Nothing is read for anyone else."""

    wanted = {name: r for name, r in reads.items()
              if r.status == "ok" and r.progress is not None and r.progress.tasks
              and any((r.username, b.id) not in held for b in lib.badges if b.evidence)}
    if not wanted:
        return {}
    try:
        by_name, config, _ = practice_of(wiki, client, wanted)
    except WikiError:
        return {}
    types = {t.id: t for t in config.types}
    needs_ref = {b.id for b in lib.badges if "reference" in b.evidence}
    out: dict[str, dict[str, tuple]] = {}
    for name, standing in by_name.items():
        user = reads[name].username
        for c in standing.checks:
            t = types.get(c.entry.type)
            # a badge that certifies adding references takes only task edits that added one
            if c.status == "ok" and t and t.badge and (
                    t.badge not in needs_ref or "reference" in c.did):
                out.setdefault(user, {}).setdefault(t.badge, ())
                out[user][t.badge] += (Edit(t.tour, "task", c.entry.revid, c.entry.title,
                                            c.timestamp),)
    return out
