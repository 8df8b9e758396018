"""Task-edit checks remembered per wiki, revision and claimant, so a page view rarely asks the wiki.

Checking one claimed task edit costs the wiki the revision, its parent and a look at the
page's later history (:meth:`toolforge.wikiclient.WikiClient.revisions`): the learner page,
the mentor dashboard, the badge follower and the leaderboard would otherwise redo that for
every edit on every view. The refresh policy, which is what keeps this honest:

- A verdict is stored only when it can no longer change by waiting: ``ok`` (the edit held and
  was already older than the keep delay) and ``failed`` (deleted, not theirs, wrong page,
  reverted, not done). ``pending`` is never stored: it turns into ``ok`` or ``failed`` by itself
  and is exactly when a revert is most likely.
- A stored verdict is reused for ``PRACTICE_RECHECK_SECONDS`` (default one hour) after its
  check; then the revision is checked again in full and the new verdict stored. A revert,
  a revision deletion or an undeletion thus shows within that time, never later.
- It is reused only for the same claim and rules (*basis*: the task type's definition, the
  title and the learner); a keep delay raised since the check makes an ``ok``
  that was younger than the new delay be checked again.

The wiki stays the source of truth; the table only saves asking it the same question twice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from typing import Callable, Iterable, Mapping

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from contracts.progress import parse_time
from contracts.revisions import Revision
from practice.tasktypes import TaskType
from practice.verify import TaskCheck, TaskEntry, check_task

from .models_practice import TaskCheckRow

__all__ = ["basis", "reusable", "storable", "checked_tasks", "recheck_seconds", "learners"]


def recheck_seconds() -> float:
    return float(current_app.config.get("PRACTICE_RECHECK_SECONDS", 3600) or 0)


def basis(entry: TaskEntry, task_type: TaskType, username: str) -> str:
    """What a verdict depends on besides the revision itself (SHA-1 hex): the claim and every
    field of its task type (the checks and what they read, such as templates or a minimum
    growth), so any change to the type's definition means a new check."""
    raw = json.dumps([entry.type, entry.title, username, dataclasses.asdict(task_type)],
                     ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()


def _naive(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None)


def reusable(row: TaskCheckRow | None, entry: TaskEntry, wanted_basis: str, now: dt.datetime,
             keep: dt.timedelta, recheck: float) -> TaskCheck | None:
    """The stored verdict for *entry* when the policy (module doc) lets it stand, else None."""
    if row is None or row.basis != wanted_basis or recheck <= 0:
        return None
    age = _naive(now) - row.checked
    if age < dt.timedelta(0) or age.total_seconds() >= recheck:
        return None
    if row.status == "ok":
        moment = parse_time(row.timestamp)
        if moment is None or _naive(moment) + keep > row.checked:
            return None  # it was not yet old enough by today's keep delay when checked
    elif row.status != "failed":
        return None
    did = tuple(d for d in row.did.split(",") if d)
    return TaskCheck(entry, row.status, row.reason, row.timestamp, did)


def storable(check: TaskCheck) -> bool:
    """Whether waiting cannot change *check* (see the module doc)."""
    return check.status == "ok" or (check.status == "failed" and check.reason != "unknown-type")


def _session():
    return current_app.extensions["wikitours.sessionmaker"]()


def _load(wiki_id: str, revids: list[int]) -> dict[tuple[int, str], TaskCheckRow]:
    found: dict[tuple[int, str], TaskCheckRow] = {}
    with _session() as session:
        for i in range(0, len(revids), 500):
            for row in session.scalars(select(TaskCheckRow).where(
                    TaskCheckRow.wiki == wiki_id, TaskCheckRow.revid.in_(revids[i:i + 500]))):
                found[(row.revid, row.username)] = row
    return found


def _save(wiki_id: str, rows: list[tuple[str, str, TaskCheck]], now: dt.datetime) -> None:
    """Store verdicts (best effort: a failure to write costs a later re-check, nothing else)."""
    if not rows:
        return
    with _session() as session:
        try:
            for username, wanted_basis, check in rows:
                session.merge(TaskCheckRow(
                    wiki=wiki_id, revid=check.entry.revid, username=username[:255],
                    basis=wanted_basis, status=check.status, reason=check.reason[:32],
                    timestamp=check.timestamp[:32], did=",".join(check.did)[:64],
                    checked=_naive(now)))
            session.commit()
        except SQLAlchemyError:  # another worker stored the same revision first
            session.rollback()


def checked_tasks(wiki_id: str, claims: Mapping[str, tuple[str, Iterable[TaskEntry]]],
                  types: Mapping[str, TaskType],
                  fetch: Callable[[list[int]], Mapping[int, Revision]],
                  now: dt.datetime, keep: dt.timedelta) -> dict[str, tuple[TaskCheck, ...]]:
    """Each learner's checked task edits (*claims*: key → (user name, entries)), from stored
    verdicts where the policy allows and from the wiki (*fetch*, one batched call) otherwise."""
    recheck = recheck_seconds()
    entries = {key: (user, tuple(items)) for key, (user, items) in claims.items()}
    stored = _load(wiki_id, sorted({e.revid for _, items in entries.values() for e in items
                                    if e.type in types}))
    out: dict[str, list[TaskCheck | None]] = {}
    missing: list[tuple[str, int, str, str, TaskEntry]] = []
    for key, (user, items) in entries.items():
        checks: list[TaskCheck | None] = []
        for entry in items:
            task_type = types.get(entry.type)
            if task_type is None:  # nothing to look up: the wiki has no such task type
                checks.append(check_task(entry, None, user, {}, now, keep))
                continue
            wanted = basis(entry, task_type, user)
            hit = reusable(stored.get((entry.revid, user[:255])), entry, wanted, now, keep,
                           recheck)
            if hit is None:
                missing.append((key, len(checks), user, wanted, entry))
            checks.append(hit)
        out[key] = checks
    if missing:
        revisions = fetch(sorted({m[4].revid for m in missing}))
        fresh = []
        for key, index, user, wanted, entry in missing:
            check = check_task(entry, types[entry.type], user, revisions, now, keep)
            out[key][index] = check
            if storable(check):
                fresh.append((user, wanted, check))
        _save(wiki_id, fresh, now)
    return {key: tuple(c for c in checks if c is not None) for key, checks in out.items()}


def learners(wiki_id: str, limit: int = 500) -> list[str]:
    """Learners with a kept task edit the app has checked on *wiki_id* (in name order, at most
    *limit*): who a leaderboard looks at (their progress pages then say whether they show up)."""
    with _session() as session:
        rows = session.execute(
            select(TaskCheckRow.username).where(TaskCheckRow.wiki == wiki_id,
                                                TaskCheckRow.status == "ok")
            .group_by(TaskCheckRow.username)
            .order_by(TaskCheckRow.username).limit(limit)).scalars().all()
    return list(rows)
