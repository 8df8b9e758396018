"""The task lists: which batched queries find the articles, and the cached list the gadget reads.

Articles come from the wiki's own maintenance categories and templates, with one generator
query per category or template (``generator=categorymembers`` / ``generator=embeddedin``) that
also returns each page's protection and its topic categories, so a list of 500 articles costs
one request per source, not one per article. The bot (``publish/tasklists.py``) runs the queries and
publishes the result as one JSON page, ``MediaWiki:Gadget-wikitours-tasks.json``; an offer in the
gadget is then a single cached GET of that page, whatever the number of learners.

Articles a newcomer cannot or should not edit are left out: protected pages (any edit
protection: newcomers are not yet autoconfirmed), redirects and pages outside the main
namespace.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from .tasktypes import TaskConfig, parse_config

__all__ = ["Source", "sources", "query_params", "merge_reply", "TaskPage", "TaskLists",
           "build", "render", "parse_list", "config_from_published", "pick", "MAX_LIST_BYTES"]

MAX_LIST_BYTES = 512 * 1024


@dataclass(frozen=True)
class Source:
    """One category or template whose main-namespace pages are tasks."""

    kind: str  # "category" or "template"
    name: str

    @property
    def title(self) -> str:
        return f"{'Category' if self.kind == 'category' else 'Template'}:{self.name}"


def sources(config: TaskConfig) -> tuple[Source, ...]:
    """Every distinct source of every type (a category two types share is queried once)."""
    out: list[Source] = []
    for t in config.types:
        out += [Source("category", c) for c in t.categories]
        out += [Source("template", n) for n in t.templates]
    return tuple(dict.fromkeys(out))


def query_params(source: Source, config: TaskConfig) -> dict:
    """The API parameters of the first request for *source* (continue with the reply's
    ``continue``). Topic categories come with each page (``clcategories``)."""
    params: dict = {"action": "query", "formatversion": 2, "prop": "info|categories",
                    "inprop": "protection", "cllimit": "max"}
    if config.topics:
        params["clcategories"] = "|".join(f"Category:{t}" for t in config.topics)
    if source.kind == "category":
        params.update(generator="categorymembers", gcmtitle=source.title, gcmnamespace=0,
                      gcmtype="page", gcmlimit="max")
    else:
        params.update(generator="embeddedin", geititle=source.title, geinamespace=0,
                      geilimit="max")
    return params


def merge_reply(pages: dict[int, dict], reply: Mapping) -> None:
    """Add one reply's pages to *pages* (by page id): property continuation sends the same page
    again with more categories, so categories are merged rather than replaced."""
    for page in (reply.get("query") or {}).get("pages") or []:
        if not isinstance(page, dict) or not isinstance(page.get("pageid"), int):
            continue
        have = pages.setdefault(page["pageid"], {"categories": []})
        for key, value in page.items():
            if key == "categories":
                have["categories"] += [c for c in value or [] if isinstance(c, dict)]
            else:
                have[key] = value


@dataclass(frozen=True)
class TaskPage:
    title: str
    topics: tuple[int, ...] = ()  # indexes into the config's topics


@dataclass(frozen=True)
class TaskLists:
    config: TaskConfig
    pages: Mapping[str, tuple[TaskPage, ...]]  # type id → pages


def _eligible(page: Mapping) -> bool:
    if page.get("ns") != 0 or page.get("missing") or page.get("redirect") is True:
        return False
    return not any(isinstance(p, dict) and p.get("type") == "edit"
                   for p in page.get("protection") or [])


def _topics(page: Mapping, topics: Sequence[str]) -> tuple[int, ...]:
    names = {str(c.get("title", "")).split(":", 1)[-1] for c in page.get("categories") or []}
    return tuple(i for i, t in enumerate(topics) if t in names)


def build(config: TaskConfig, found: Mapping[Source, Iterable[Mapping]]) -> TaskLists:
    """Each type's pages from what its sources returned: eligible, deduplicated, sorted by title
    (a stable list: the page is rewritten only when the work itself changes), at most
    ``max_pages``."""
    out: dict[str, tuple[TaskPage, ...]] = {}
    for t in config.types:
        mine = [Source("category", c) for c in t.categories] + \
               [Source("template", n) for n in t.templates]
        by_title: dict[str, TaskPage] = {}
        for source in mine:
            for page in found.get(source, ()):
                title = page.get("title")
                if isinstance(title, str) and _eligible(page) and title not in by_title:
                    by_title[title] = TaskPage(title, _topics(page, config.topics))
        out[t.id] = tuple(by_title[k] for k in sorted(by_title))[:config.max_pages]
    return TaskLists(config, out)


def render(lists: TaskLists, source_revision: int = 0) -> str:
    """The JSON page the gadget and the app read (docs/contracts.md §14)."""
    config = lists.config
    doc = {"format": 1, "source-revision": source_revision, "offer": config.offer,
           "topics": list(config.topics), "levels": list(config.levels),
           "streak": config.streak, "leaderboard": config.leaderboard,
           "types": {t.id: {"tour": t.tour, "learn": t.learn, "badge": t.badge,
                            "templates": list(t.templates), "check": list(t.check),
                            "categories": list(t.categories), "grow-by": t.grow_by,
                            "pages": [[p.title, list(p.topics)] for p in lists.pages[t.id]]}
                     for t in config.types}}
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def parse_list(text: str | None) -> dict:
    """The published list as ``{"offer", "topics", "types": {id: {..., "pages": [(title,
    topics)]}}}``; an empty list for anything malformed (a reader never fails on it)."""
    empty = {"offer": 3, "topics": [], "types": {}}
    if not text or len(text.encode("utf-8")) > MAX_LIST_BYTES:
        return empty
    try:
        data = json.loads(text)
    except ValueError:
        return empty
    if not isinstance(data, dict) or data.get("format") != 1 or not isinstance(
            data.get("types"), dict):
        return empty
    topics = [t for t in data.get("topics") or [] if isinstance(t, str)]
    types = {}
    for type_id, entry in data["types"].items():
        if not isinstance(entry, dict):
            continue
        pages = [(p[0], tuple(i for i in p[1] if isinstance(i, int)))
                 for p in entry.get("pages") or []
                 if isinstance(p, list) and len(p) == 2 and isinstance(p[0], str)
                 and isinstance(p[1], list)]
        types[str(type_id)] = {k: entry.get(k) for k in ("tour", "learn", "badge", "templates",
                                                         "check", "categories", "grow-by")} | {
            "pages": pages}
    offer = data.get("offer")
    return {"offer": offer if isinstance(offer, int) and 1 <= offer <= 10 else 3,
            "topics": topics, "types": types, "levels": data.get("levels"),
            "streak": data.get("streak"), "leaderboard": data.get("leaderboard")}


def config_from_published(published: dict) -> TaskConfig:
    """The task types as the published list states them (the bot wrote it from the reviewed
    types page), validated again: the app trusts the page's protection, not its content."""
    doc = {"format": 1, "offer": published.get("offer", 3), "topics": published.get("topics"),
           "types": [{"id": k, **{f: v.get(f) for f in ("tour", "learn", "badge", "templates",
                                                         "check", "categories", "grow-by")
                                                if v.get(f)}}
                     for k, v in published.get("types", {}).items()]}
    for key in ("levels", "streak", "leaderboard"):
        if published.get(key) is not None:
            doc[key] = published[key]
    return parse_config(json.dumps(doc))


def pick(published: dict, type_id: str, *, topic: str = "", exclude: Iterable[str] = (),
         rng: random.Random | None = None) -> list[str]:
    """Titles to offer for one type: of the topic when one is chosen (else any), without the
    pages the learner already worked on, in random order (so learners spread out)."""
    entry = published["types"].get(type_id)
    if not entry:
        return []
    skip = set(exclude)
    index = published["topics"].index(topic) if topic in published["topics"] else None
    titles = [t for t, topics in entry["pages"]
              if t not in skip and (index is None or index in topics)]
    (rng or random.Random()).shuffle(titles)
    return titles[:published["offer"]]
