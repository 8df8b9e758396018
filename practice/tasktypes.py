"""A wiki's task types, read from its own protected page (``Project:Wikitours/Tasks.json``).

Each wiki names its maintenance work in its own words: the local "citation needed" category
and template, its orphan category, its stub templates. Like the tours, the page is protected
and only its reviewed revisions count (the bot applies ``bot/trust.py`` before parsing), so a
vandal cannot send newcomers to pages of their choosing. The format (docs/contracts.md §14)::

    {"format": 1,
     "types": [{"id": "citation", "tour": "citation-task", "learn": "add-citation",
                "badge": "citation", "categories": ["Articles with unsourced statements"],
                "templates": ["Citation needed"], "check": ["template-removed", "reference"]},
               {"id": "stub", "tour": "stub-task", "learn": "citation-task", "badge": "citation",
                "templates": ["Stub"], "check": ["grew"], "grow-by": 300}],
     "topics": ["Rivers", "Music"], "offer": 3, "levels": [1, 5, 20],
     "streak": "day", "leaderboard": false}

Parsing never raises: problems come back as :class:`contracts.problems.Issue` values (a
message key of ``i18n/compiler`` with its parameters, and the line and column in the page where
it can be found), so the console and the wiki show them in their reader's language; a bad type
is dropped on its own so the others keep working.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from contracts.problems import Issue, JsonError, Message, position

__all__ = ["CONFIG_TITLE", "LIST_TITLE", "CHECKS", "DEFAULT_CHECK", "DEFAULT_GROW_BY", "TaskType",
           "TaskConfig", "parse_config", "DEFAULT_LEVELS"]

CONFIG_TITLE = "Project:Wikitours/Tasks.json"
#: Where the bot publishes the cached task lists: the MediaWiki namespace, so only the bot
#: (an interface admin) writes what the gadget offers.
LIST_TITLE = "MediaWiki:Gadget-wikitours-tasks.json"
#: How a task edit is verified (any one of a type's checks is enough; practice/verify.py):
#: the type's template is gone, a ``<ref>`` was added, the prose changed (copyedit), links to
#: articles were added (dead ends), the prose grew by ``grow-by`` characters (stubs).
CHECKS = ("template-removed", "reference", "prose-changed", "links-added", "grew")
#: What a type checks when its page does not say: the citation checks, as before.
DEFAULT_CHECK = ("template-removed", "reference")
#: Characters of running text a ``grew`` check asks for when the type does not say.
DEFAULT_GROW_BY = 200
MAX_GROW_BY = 100000
STREAKS = ("day", "week")
DEFAULT_LEVELS = (1, 5, 20)
MAX_TYPES = 20
MAX_NAMES = 10
MAX_TOPICS = 30
MAX_CONFIG_BYTES = 64 * 1024
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_BAD_TITLE = re.compile(r"[\[\]{}|#<>\x00-\x1f]")


@dataclass(frozen=True)
class TaskType:
    """One kind of maintenance work: where to find it and what it teaches."""

    id: str
    tour: str  # the short guided tour that runs on the article
    learn: str = ""  # the tour that teaches the skill: finishing it offers this type
    badge: str = ""  # the badge (skill) its verified edits count toward
    categories: tuple[str, ...] = ()  # without the namespace prefix
    templates: tuple[str, ...] = ()  # without the namespace prefix
    check: tuple[str, ...] = DEFAULT_CHECK
    grow_by: int = DEFAULT_GROW_BY  # characters of prose a "grew" check asks for


@dataclass(frozen=True)
class TaskConfig:
    types: tuple[TaskType, ...] = ()
    topics: tuple[str, ...] = ()  # category names the wiki offers as topics
    offer: int = 3  # articles offered at once
    levels: tuple[int, ...] = DEFAULT_LEVELS  # kept edits per skill to reach level 1, 2, …
    streak: str = "day"  # a streak counts consecutive days (or weeks) with a kept task edit
    leaderboard: bool = False  # never, unless the wiki switches it on
    max_pages: int = 200  # pages kept per type in the published list
    problems: tuple[Issue, ...] = field(default=(), compare=False)

    def type(self, type_id: str) -> TaskType | None:
        return next((t for t in self.types if t.id == type_id), None)

    def for_tour(self, tour_id: str) -> tuple[TaskType, ...]:
        """Types offered when *tour_id* is finished."""
        return tuple(t for t in self.types if t.learn == tour_id)


class _Problems(list):
    """The problems found so far, each placed in the page where its subject is written."""

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self.text = text

    def add(self, key: str, *params: object, at: tuple[str, object] | None = None) -> None:
        """Problem *key*; *at* = (JSON key, value or None) locates it: the first ``"key":``
        (followed by that value when given), else line 0 (the whole page)."""
        line = column = 0
        if at is not None and self.text:
            pattern = '"' + re.escape(at[0]) + r'"\s*:'
            if at[1] is not None:
                pattern += r"\s*" + re.escape(json.dumps(at[1], ensure_ascii=False))
            found = re.search(pattern, self.text)
            if found:
                line, column = position(self.text, found.start())
        self.append(Issue(line, column, Message(key, tuple(params))))


def _field(name: str, type_id: str) -> Message:
    return Message("wikitours-problem-tasks-field-of-type", (name, type_id))


def _name(value: object) -> str | None:
    """A category or template name without its namespace prefix, or None if it cannot be one."""
    if not isinstance(value, str):
        return None
    text = value.strip().replace("_", " ")
    if ":" in text and text.split(":", 1)[0].strip().lower() in ("category", "template"):
        text = text.split(":", 1)[1].strip()
    if not text or len(text) > 255 or _BAD_TITLE.search(text):
        return None
    return text[:1].upper() + text[1:]


def _names(raw: object, where: Message, key: str, problems: _Problems,
           limit: int = MAX_NAMES) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.add("wikitours-problem-tasks-names-list", where, at=(key, None))
        return ()
    out = []
    for item in raw[:limit]:
        name = _name(item)
        if name is None:
            problems.add("wikitours-problem-tasks-not-a-name", where, str(item)[:80],
                         at=(key, None))
        else:
            out.append(name)
    if len(raw) > limit:
        problems.add("wikitours-problem-tasks-too-many-names", where, limit, at=(key, None))
    return tuple(dict.fromkeys(out))


def _id(value: object) -> str | None:
    return value if isinstance(value, str) and len(value) <= 64 and _ID.fullmatch(value) else None


def _type(raw: object, index: int, problems: _Problems) -> TaskType | None:
    if not isinstance(raw, dict):
        problems.add("wikitours-problem-tasks-type-object", index + 1, at=("types", None))
        return None
    type_id, tour = _id(raw.get("id")), _id(raw.get("tour"))
    if type_id is None:
        raw_id = raw.get("id") if isinstance(raw.get("id"), str) else None
        problems.add("wikitours-problem-tasks-type-id", index + 1,
                     at=("id", raw_id) if raw_id is not None else ("types", None))
        return None
    at = ("id", type_id)
    if tour is None:
        problems.add("wikitours-problem-tasks-type-tour", type_id, at=at)
        return None
    learn = raw.get("learn", "")
    badge = raw.get("badge", "")
    if learn and _id(learn) is None or badge and _id(badge) is None:
        problems.add("wikitours-problem-tasks-type-learn-badge", type_id, at=at)
        return None
    categories = _names(raw.get("categories"), _field("categories", type_id), "categories",
                        problems)
    templates = _names(raw.get("templates"), _field("templates", type_id), "templates", problems)
    if not categories and not templates:
        problems.add("wikitours-problem-tasks-type-no-source", type_id, at=at)
        return None
    check = raw.get("check", list(DEFAULT_CHECK))
    if isinstance(check, str):
        check = [check]
    if not isinstance(check, list) or not check or any(c not in CHECKS for c in check):
        problems.add("wikitours-problem-tasks-type-check", type_id, ", ".join(CHECKS), at=at)
        return None
    if "template-removed" in check and not templates:
        problems.add("wikitours-problem-tasks-type-check-templates", type_id, at=at)
        return None
    grow_by = _count(raw.get("grow-by"), DEFAULT_GROW_BY, 1, MAX_GROW_BY)
    if grow_by is None:
        problems.add("wikitours-problem-tasks-type-grow-by", type_id, MAX_GROW_BY,
                     at=("grow-by", None))
        return None
    return TaskType(type_id, tour, learn or "", badge or "", categories, templates,
                    tuple(dict.fromkeys(check)), grow_by)


def _count(raw: object, default: int, low: int, high: int) -> int | None:
    if raw is None:
        return default
    if isinstance(raw, int) and not isinstance(raw, bool) and low <= raw <= high:
        return raw
    return None


def parse_config(text: str | None, known_tours: frozenset[str] | None = None) -> TaskConfig:
    """The task types of one reviewed revision of the config page (``None``: no page).

    *known_tours*, when given, drops types whose tour the library does not have (the gadget
    could not guide them).
    """
    if text is None:
        return TaskConfig()
    if len(text.encode("utf-8")) > MAX_CONFIG_BYTES:
        return TaskConfig(problems=(Issue(0, 0, Message("wikitours-problem-tasks-too-large",
                                                        (MAX_CONFIG_BYTES,))),))
    try:
        data = json.loads(text)
    except ValueError as error:
        line, column = getattr(error, "lineno", 0), getattr(error, "colno", 0)
        return TaskConfig(problems=(Issue(line, column, Message(
            "wikitours-problem-tasks-json", (JsonError(getattr(error, "msg", str(error))),))),))
    if not isinstance(data, dict) or data.get("format") != 1:
        return TaskConfig(problems=(Issue(1, 1, Message("wikitours-problem-tasks-format")),))
    problems = _Problems(text)
    raw_types = data.get("types")
    if not isinstance(raw_types, list):
        raw_types = []
        problems.add("wikitours-problem-tasks-types-list", at=("types", None))
    types: list[TaskType] = []
    for i, raw in enumerate(raw_types[:MAX_TYPES]):
        found = _type(raw, i, problems)
        if found is None:
            continue
        if any(t.id == found.id for t in types):
            problems.add("wikitours-problem-tasks-type-twice", found.id, at=("id", found.id))
            continue
        if known_tours is not None and found.tour not in known_tours:
            problems.add("wikitours-problem-tasks-type-unknown-tour", found.id, found.tour,
                         at=("tour", found.tour))
            continue
        types.append(found)
    topics = _names(data.get("topics"), Message("wikitours-problem-tasks-topics"), "topics",
                    problems, MAX_TOPICS)
    offer = _count(data.get("offer"), 3, 1, 10)
    if offer is None:
        problems.add("wikitours-problem-tasks-offer", at=("offer", None))
        offer = 3
    levels = data.get("levels", list(DEFAULT_LEVELS))
    if (not isinstance(levels, list) or not levels or len(levels) > 10
            or any(_count(n, 0, 1, 100000) in (None, 0) for n in levels)
            or list(levels) != sorted(set(levels))):
        problems.add("wikitours-problem-tasks-levels", ", ".join(map(str, DEFAULT_LEVELS)),
                     at=("levels", None))
        levels = list(DEFAULT_LEVELS)
    streak = data.get("streak", "day")
    if streak not in STREAKS:
        problems.add("wikitours-problem-tasks-streak", ", ".join(STREAKS), at=("streak", None))
        streak = "day"
    board = data.get("leaderboard", False)
    if not isinstance(board, bool):
        problems.add("wikitours-problem-tasks-leaderboard", at=("leaderboard", None))
        board = False
    max_pages = _count(data.get("max-pages"), 200, 10, 1000)
    if max_pages is None:
        problems.add("wikitours-problem-tasks-max-pages", at=("max-pages", None))
        max_pages = 200
    return TaskConfig(tuple(types), topics, offer, tuple(levels), streak, board, max_pages,
                      tuple(problems))
