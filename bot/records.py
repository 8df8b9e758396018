"""The mentee records ``Project:Wikitours/Mentees/<Mentor>.json``, read and saved as a set.

All records are read in one request (a prefix listing with contents). Changes are collected
during a run as *intentions* (add this mentee, remove that one, mark these as told) and saved
at the end, one edit per changed record. When another copy of the bot saved the record in
between, the bot re-reads it and applies its intentions again to the fresh text, so two bots
never drop each other's mentees.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.mentors import Mentee, normalize_user, parse_record, render_record, with_notified
from wikiapi.client import Page, Wiki

__all__ = ["Record", "Records"]


@dataclass
class Record:
    """One mentor's record during a run: the page as read plus this run's intentions."""

    mentor: str
    page: Page
    mentees: tuple[Mentee, ...] = ()
    added: dict[str, Mentee] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    notified: dict[str, str] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.notified)

    def current(self) -> tuple[Mentee, ...]:
        """The record as it will be saved."""
        return apply(self.mentees, self.added, self.removed, self.notified)

    def names(self) -> set[str]:
        return {m.username for m in self.current()}


def apply(base: tuple[Mentee, ...], added: dict[str, Mentee], removed: set[str],
          notified: dict[str, str]) -> tuple[Mentee, ...]:
    kept = [m for m in base if m.username not in removed]
    present = {m.username for m in kept}
    kept += [m for name, m in added.items() if name not in present and name not in removed]
    out = list(kept)
    for when in set(notified.values()):
        out = list(with_notified(out, {n for n, w in notified.items() if w == when}, when))
    return tuple(out)


def same_json(one: str, other: str) -> bool:
    """MediaWiki reformats JSON pages, so compare meaning, not text."""
    try:
        return json.loads(one) == json.loads(other)
    except ValueError:
        return False


class Records:
    """Every mentor's record, keyed by mentor name."""

    def __init__(self, wiki: Wiki, prefix: str, log: Callable[[str], None]):
        #: *prefix* is like ``Project:Wikitours/Mentees/``.
        self.wiki = wiki
        self.prefix = prefix
        self.log = log
        self.by_mentor: dict[str, Record] = {}

    def title(self, mentor: str) -> str:
        return f"{self.prefix}{mentor}.json"

    def load(self, namespace: int, base: str) -> None:
        """Read every record page (namespace *namespace*, titles starting with *base*)."""
        for title, page in self.wiki.prefixed(namespace, base).items():
            tail = title.split("/Mentees/", 1)[-1]
            if not tail.endswith(".json"):
                continue
            mentor = normalize_user(tail[: -len(".json")])
            self.by_mentor[mentor] = Record(mentor, page, parse_record(page.text))

    def get(self, mentor: str) -> Record:
        if mentor not in self.by_mentor:
            self.by_mentor[mentor] = Record(mentor, Page(self.title(mentor)))
        return self.by_mentor[mentor]

    def mentees(self) -> dict[str, tuple[Mentee, ...]]:
        return {name: record.current() for name, record in self.by_mentor.items()}

    def mentor_of(self, user: str) -> str | None:
        for name, record in self.by_mentor.items():
            if user in record.names():
                return name
        return None

    def add(self, mentor: str, mentee: Mentee) -> None:
        record = self.get(mentor)
        record.removed.discard(mentee.username)
        if mentee.username not in record.names():
            record.added[mentee.username] = mentee

    def remove(self, mentor: str, user: str) -> None:
        record = self.get(mentor)
        record.added.pop(user, None)
        record.removed.add(user)

    def mark_notified(self, mentor: str, users: set[str], when: str) -> None:
        record = self.get(mentor)
        for user in users:
            record.notified.setdefault(user, when)

    def save(self, summary: Callable[[Record], str], attempts: int = 4) -> list[str]:
        """Save every changed record; returns the mentors whose record could not be saved."""
        failed = []
        for mentor, record in sorted(self.by_mentor.items()):
            if not record.changed:
                continue
            for _ in range(attempts):
                text = render_record(record.current())
                if record.page.exists and same_json(text, record.page.text):
                    break
                result = self.wiki.save(record.page, text, summary(record), model="json")
                if result.ok:
                    break
                if result.status in ("conflict", "exists", "missing"):
                    fresh = self.wiki.read([record.page.title])[record.page.title]
                    record.page, record.mentees = fresh, parse_record(fresh.text)
                    continue
                self.log(f"record of {mentor} not saved: {result.status} {result.info}")
                failed.append(mentor)
                break
            else:
                self.log(f"record of {mentor} not saved: it kept changing")
                failed.append(mentor)
        return failed
