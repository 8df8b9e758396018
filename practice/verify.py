"""Whether a task edit a learner's progress page names really did the task: pure functions.

The gadget appends each finished task to the learner's own ``User:NAME/wikitours.json``
(``"tasks": [{"type": "citation", "title": "Rhine", "revid": 123, "done": "ISO"}]``, contracts
§5). Like a tour's ``edits`` that is a claim; the app fetches the revision and its parent and
counts it only when, like a tour's evidence (:mod:`toolforge.evidence`), the revision exists
and is visible, was made by the learner, on the article named, was not reverted, is at least
*keep* seconds old, and does what the type checks (any one of its ``check`` is enough):

``template-removed``
    the type's maintenance template is gone (fewer transclusions than before);
``reference``
    it adds a ``<ref>``;
``prose-changed`` (copyedit)
    the article's running text (:func:`practice.wikitext.prose`: without templates,
    references, markup) is different: removing the ``{{Copy edit}}`` mark or reformatting is not
    a copyedit, changing words is;
``links-added`` (dead ends)
    the article links to at least one article it did not link to before
    (:func:`practice.wikitext.article_links`). Only links *out of* the edited article are seen:
    an orphan is fixed by a link to it from another article, which the learner's edit of the
    orphan cannot show, so no check claims that;
``grew`` (stubs)
    the running text grew by at least the type's ``grow-by`` characters (characters, not bytes:
    a sentence in Hindi or Arabic counts like one in English; a pasted navbox or a reference
    alone does not count).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Iterable, Mapping

from contracts.revisions import Revision, count_refs
from contracts.progress import parse_time

from .tasktypes import TaskType
from .wikitext import article_links, prose

__all__ = ["practice_fields", "TaskEntry", "TaskCheck", "parse_tasks", "count_templates", "check_task",
           "check_tasks", "what_it_did", "MAX_TASKS"]

#: Task entries read from a progress page (the newest ones; the gadget keeps at most this many).
MAX_TASKS = 200
_TYPE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class TaskEntry:
    type: str
    title: str
    revid: int
    done: str = ""


@dataclass(frozen=True)
class TaskCheck:
    """*status* ``ok``, ``pending`` (holds but younger than *keep*) or ``failed`` with a
    *reason*: ``unknown-type``, ``deleted``, ``not-theirs``, ``wrong-page``, ``reverted``,
    ``not-done`` (none of the type's checks holds)."""

    entry: TaskEntry
    status: str
    reason: str = ""
    timestamp: str = ""
    #: What the edit did, of the type's checks: ``("template-removed", "reference")``, …
    did: tuple[str, ...] = ()


def parse_tasks(data: Any) -> tuple[TaskEntry, ...]:
    """The ``tasks`` list of a parsed progress page; malformed entries are dropped one by one,
    a revision named twice counts once."""
    raw = data.get("tasks") if isinstance(data, dict) else None
    if not isinstance(raw, list):
        return ()
    out: dict[int, TaskEntry] = {}
    for item in raw[-MAX_TASKS:]:
        if not isinstance(item, dict):
            continue
        kind, title, revid = item.get("type"), item.get("title"), item.get("revid")
        done = item.get("done")
        if (isinstance(kind, str) and len(kind) <= 64 and _TYPE.fullmatch(kind)
                and isinstance(title, str) and 0 < len(title) <= 255
                and isinstance(revid, int) and not isinstance(revid, bool) and 0 < revid < 2**53
                and revid not in out):
            out[revid] = TaskEntry(kind, title, revid, done[:32] if isinstance(done, str) else "")
    return tuple(out.values())


def practice_fields(text: str) -> tuple[tuple[TaskEntry, ...], tuple[str, ...]]:
    """``(tasks, public)`` of a progress page's text (already size-checked by its reader)."""

    try:
        data = json.loads(text)
    except ValueError:
        return (), ()
    public = data.get("public") if isinstance(data, dict) else None
    shown = tuple(p for p in public[:10] if p in ("practice",)) if isinstance(public, list) else ()
    return parse_tasks(data), shown


def _template_pattern(names: Iterable[str]) -> re.Pattern | None:
    alts = []
    for name in names:
        words = [re.escape(w) for w in re.split(r"[ _]+", name.strip()) if w]
        if not words:
            continue
        first = words[0]
        # MediaWiki titles: the first letter is case-insensitive, spaces and underscores equal
        head = f"[{re.escape(first[0].upper())}{re.escape(first[0].lower())}]" \
            if first[0].isalpha() else first[0]
        words[0] = head + first[1:]
        alts.append("[ _]+".join(words))
    if not alts:
        return None
    return re.compile(r"\{\{\s*(?:(?:template|vorlage|modèle|plantilla|predefinição|قالب|תבנית)"
                      r"\s*:\s*)?(?:" + "|".join(alts) + r")\s*(?:\||\}\})", re.I)


def count_templates(text: str | None, names: Iterable[str]) -> int:
    """Transclusions of any of *names* in wikitext (``{{Citation needed|date=…}}``)."""
    pattern = _template_pattern(names)
    return len(pattern.findall(text or "")) if pattern else 0


def _same(a: str, b: str) -> bool:
    def norm(x: str) -> str:
        x = re.sub(r"[ _]+", " ", x).strip()
        return x[:1].upper() + x[1:]
    return bool(a) and norm(a) == norm(b)


def what_it_did(task_type: TaskType, before: str, after: str, title: str = "") -> tuple[str, ...]:
    """Which of the type's checks the change from *before* to *after* satisfies (in the type's
    order); each is computed only when the type asks for it."""
    tests = {
        "template-removed": lambda: count_templates(after, task_type.templates)
        < count_templates(before, task_type.templates),
        "reference": lambda: count_refs(after) > count_refs(before),
        "prose-changed": lambda: prose(after) != prose(before),
        "links-added": lambda: bool(article_links(after, title) - article_links(before, title)),
        "grew": lambda: len(prose(after)) - len(prose(before)) >= task_type.grow_by,
    }
    return tuple(kind for kind in task_type.check if kind in tests and tests[kind]())


def check_task(entry: TaskEntry, task_type: TaskType | None, username: str,
               revisions: Mapping[int, Revision], now: datetime,
               keep: timedelta = timedelta(0)) -> TaskCheck:
    """The verdict on one task edit (see the module rules)."""
    if task_type is None:
        return TaskCheck(entry, "failed", "unknown-type")
    rev = revisions.get(entry.revid)
    if rev is None or rev.missing:
        return TaskCheck(entry, "failed", "deleted")
    if rev.hidden or not _same(rev.user, username):
        return TaskCheck(entry, "failed", "not-theirs")
    if rev.namespace != 0 or not _same(rev.title, entry.title):
        return TaskCheck(entry, "failed", "wrong-page")
    if "mw-reverted" in rev.tags or rev.restored_later:
        return TaskCheck(entry, "failed", "reverted")
    if rev.text is None or rev.parent_text is None:
        return TaskCheck(entry, "failed", "not-done")
    did = what_it_did(task_type, rev.parent_text, rev.text, rev.title)
    if not did:
        return TaskCheck(entry, "failed", "not-done", rev.timestamp)
    moment = parse_time(rev.timestamp)
    if moment is None:
        return TaskCheck(entry, "failed", "deleted")
    status = "pending" if now - moment < keep else "ok"
    return TaskCheck(entry, status, "", rev.timestamp, did)


def check_tasks(entries: Iterable[TaskEntry], types: Mapping[str, TaskType], username: str,
                revisions: Mapping[int, Revision], now: datetime,
                keep: timedelta = timedelta(0)) -> tuple[TaskCheck, ...]:
    return tuple(check_task(e, types.get(e.type), username, revisions, now, keep)
                 for e in entries)
