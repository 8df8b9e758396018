"""A wiki's task types, read from its own protected page (``Project:Wikitours/Tasks.json``).

Each wiki names its maintenance work in its own words: the local "citation needed" category
and template, its orphan category, its stub templates. Like the tours, the page is protected
and only its reviewed revisions count (the bot applies ``bot/trust.py`` before parsing), so a
vandal cannot send newcomers to pages of their choosing. The format (docs/contracts.md §14)::

    {"format": 1,
     "types": [{"id": "citation", "tour": "citation-task", "learn": "add-citation",
                "badge": "citation", "categories": ["Articles with unsourced statements"],
                "templates": ["Citation needed"], "check": ["template-removed", "reference"]}],
     "topics": ["Rivers", "Music"], "offer": 3, "levels": [1, 5, 20],
     "streak": "day", "leaderboard": false}

Parsing never raises: problems come back as lines a person can act on, and a bad type is
dropped on its own so the others keep working.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

__all__ = ["CONFIG_TITLE", "LIST_TITLE", "CHECKS", "TaskType", "TaskConfig", "parse_config",
           "DEFAULT_LEVELS"]

CONFIG_TITLE = "Project:Wikitours/Tasks.json"
#: Where the bot publishes the cached task lists: the MediaWiki namespace, so only the bot
#: (an interface admin) writes what the gadget offers.
LIST_TITLE = "MediaWiki:Gadget-wikitours-tasks.json"
#: How a task edit is verified: the type's template is gone, or a ``<ref>`` was added.
CHECKS = ("template-removed", "reference")
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
    check: tuple[str, ...] = CHECKS


@dataclass(frozen=True)
class TaskConfig:
    types: tuple[TaskType, ...] = ()
    topics: tuple[str, ...] = ()  # category names the wiki offers as topics
    offer: int = 3  # articles offered at once
    levels: tuple[int, ...] = DEFAULT_LEVELS  # kept edits per skill to reach level 1, 2, …
    streak: str = "day"  # a streak counts consecutive days (or weeks) with a kept task edit
    leaderboard: bool = False  # never, unless the wiki switches it on
    max_pages: int = 200  # pages kept per type in the published list
    problems: tuple[str, ...] = field(default=(), compare=False)

    def type(self, type_id: str) -> TaskType | None:
        return next((t for t in self.types if t.id == type_id), None)

    def for_tour(self, tour_id: str) -> tuple[TaskType, ...]:
        """Types offered when *tour_id* is finished."""
        return tuple(t for t in self.types if t.learn == tour_id)


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


def _names(raw: object, where: str, problems: list[str], limit: int = MAX_NAMES) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.append(f"{where}: expected a list of names")
        return ()
    out = []
    for item in raw[:limit]:
        name = _name(item)
        if name is None:
            problems.append(f"{where}: {str(item)[:80]!r} is not a page name; left out")
        else:
            out.append(name)
    if len(raw) > limit:
        problems.append(f"{where}: only the first {limit} names are used")
    return tuple(dict.fromkeys(out))


def _id(value: object) -> str | None:
    return value if isinstance(value, str) and len(value) <= 64 and _ID.fullmatch(value) else None


def _type(raw: object, index: int, problems: list[str]) -> TaskType | None:
    where = f"types[{index}]"
    if not isinstance(raw, dict):
        problems.append(f"{where}: expected an object")
        return None
    type_id, tour = _id(raw.get("id")), _id(raw.get("tour"))
    if type_id is None:
        problems.append(f"{where}: \"id\" must be lower-case letters, digits and hyphens")
        return None
    where = f"type {type_id!r}"
    if tour is None:
        problems.append(f"{where}: \"tour\" must name the tour that guides the task")
        return None
    learn = raw.get("learn", "")
    badge = raw.get("badge", "")
    if learn and _id(learn) is None or badge and _id(badge) is None:
        problems.append(f"{where}: \"learn\" and \"badge\" must be tour and badge ids")
        return None
    categories = _names(raw.get("categories"), f"{where}: categories", problems)
    templates = _names(raw.get("templates"), f"{where}: templates", problems)
    if not categories and not templates:
        problems.append(f"{where}: needs at least one category or template to find articles")
        return None
    check = raw.get("check", list(CHECKS))
    if isinstance(check, str):
        check = [check]
    if not isinstance(check, list) or not check or any(c not in CHECKS for c in check):
        problems.append(f"{where}: \"check\" must be one or more of {', '.join(CHECKS)}")
        return None
    if "template-removed" in check and not templates:
        problems.append(f"{where}: \"template-removed\" needs the type's templates")
        return None
    return TaskType(type_id, tour, learn or "", badge or "", categories, templates,
                    tuple(dict.fromkeys(check)))


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
        return TaskConfig(problems=(f"{CONFIG_TITLE}: larger than {MAX_CONFIG_BYTES} bytes; "
                                    "not read",))
    try:
        data = json.loads(text)
    except ValueError as error:
        return TaskConfig(problems=(f"{CONFIG_TITLE}: not valid JSON ({error})",))
    if not isinstance(data, dict) or data.get("format") != 1:
        return TaskConfig(problems=(f"{CONFIG_TITLE}: expected an object with \"format\": 1",))
    problems: list[str] = []
    raw_types = data.get("types")
    if not isinstance(raw_types, list):
        raw_types = []
        problems.append(f"{CONFIG_TITLE}: \"types\" must be a list")
    types: list[TaskType] = []
    for i, raw in enumerate(raw_types[:MAX_TYPES]):
        found = _type(raw, i, problems)
        if found is None:
            continue
        if any(t.id == found.id for t in types):
            problems.append(f"type {found.id!r}: defined twice; the first one counts")
            continue
        if known_tours is not None and found.tour not in known_tours:
            problems.append(f"type {found.id!r}: the tour {found.tour!r} does not exist")
            continue
        types.append(found)
    topics = _names(data.get("topics"), "topics", problems, MAX_TOPICS)
    offer = _count(data.get("offer"), 3, 1, 10)
    if offer is None:
        problems.append("offer: a whole number from 1 to 10; 3 is used")
        offer = 3
    levels = data.get("levels", list(DEFAULT_LEVELS))
    if (not isinstance(levels, list) or not levels or len(levels) > 10
            or any(_count(n, 0, 1, 100000) in (None, 0) for n in levels)
            or list(levels) != sorted(set(levels))):
        problems.append("levels: increasing whole numbers (edits for each level); "
                        f"{list(DEFAULT_LEVELS)} is used")
        levels = list(DEFAULT_LEVELS)
    streak = data.get("streak", "day")
    if streak not in STREAKS:
        problems.append(f"streak: one of {', '.join(STREAKS)}; \"day\" is used")
        streak = "day"
    board = data.get("leaderboard", False)
    if not isinstance(board, bool):
        problems.append("leaderboard: true or false; false is used")
        board = False
    max_pages = _count(data.get("max-pages"), 200, 10, 1000)
    if max_pages is None:
        problems.append("max-pages: a whole number from 10 to 1000; 200 is used")
        max_pages = 200
    return TaskConfig(tuple(types), topics, offer, tuple(levels), streak, board, max_pages,
                      tuple(problems))
