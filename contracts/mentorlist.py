"""The mentor list, ``Project:Wikitours/Mentors.json`` (contracts §7): read and written here.

Mentors edit the list themselves, so it is hostile input: every problem becomes an
:class:`~contracts.problems.Issue` with the line and column in the page, and one mentor's typo
drops only that entry, never the whole mentoring. The welcome bot chooses among the parsed
:class:`Mentor` entries (:mod:`bot.mentors`); who on the list counts at all is decided from the
page's history by :mod:`contracts.mentoreligibility`, which reads the names with
:func:`listed_names` (lenient: attribution asks who is listed, not whether the entry is valid).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

from contracts.problems import Issue, JsonError, Message, position
from contracts.users import is_valid_user, normalize_user

__all__ = ["Mentor", "parse_mentor_list", "render_mentor_list", "listed_names", "MAX_LIST_BYTES",
           "MAX_INTRO", "NOTIFY"]

MAX_LIST_BYTES = 1_000_000
MAX_INTRO = 500
NOTIFY = ("digest", "each")
_LANG = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_KNOWN = {"username", "languages", "weight", "capacity", "away-until", "intro", "notify"}


def M(key: str, *params: object) -> Message:  # noqa: N802 - reads like the compiler's T()
    return Message(key, params)


@dataclass(frozen=True)
class Mentor:
    """One entry of the mentor list (contracts §7)."""

    username: str
    languages: tuple[str, ...] = ()
    weight: int = 1
    capacity: int = 20
    away_until: date | None = None
    intro: str = ""
    notify: str = "digest"

    def is_away(self, today: date) -> bool:
        return self.away_until is not None and today <= self.away_until


def _entry_offsets(text: str) -> list[int]:
    """Character offsets where each element of the ``mentors`` array starts (best effort)."""
    match = re.search(r'"mentors"\s*:\s*\[', text)
    if not match:
        return []
    decoder = json.JSONDecoder()
    offsets, i = [], match.end()
    while i < len(text):
        while i < len(text) and text[i] in " \t\r\n,":
            i += 1
        if i >= len(text) or text[i] == "]":
            break
        offsets.append(i)
        try:
            _, i = decoder.raw_decode(text, i)
        except ValueError:
            break
    return offsets


def parse_mentor_list(text: str) -> tuple[tuple[Mentor, ...], tuple[Issue, ...]]:
    """Parse and validate the mentor list; return the usable mentors and every problem."""
    problems: list[Issue] = []

    def problem(offset: int, message: Message, hint: Message, severity: str = "error") -> None:
        line, column = position(text, offset)
        problems.append(Issue(line, column, message, hint, severity))  # type: ignore[arg-type]

    shape = M("wikitours-hint-mentors-shape", '{"mentors": [{"username": "Ada"}]}')
    if len(text.encode()) > MAX_LIST_BYTES:
        problem(0, M("wikitours-problem-mentors-too-large", str(MAX_LIST_BYTES)),
                M("wikitours-hint-mentors-too-large"))
        return (), tuple(problems)
    try:
        data = json.loads(text)
    except ValueError as error:
        pos = getattr(error, "pos", 0) or 0
        problem(pos, M("wikitours-problem-json-invalid", JsonError(getattr(error, "msg", str(error)))), shape)
        return (), tuple(problems)
    if not isinstance(data, dict) or not isinstance(data.get("mentors"), list):
        problem(0, M("wikitours-problem-mentors-no-list", '"mentors"'), shape)
        return (), tuple(problems)
    offsets = _entry_offsets(text)
    mentors: list[Mentor] = []
    seen: set[str] = set()
    for index, entry in enumerate(data["mentors"]):
        at = offsets[index] if index < len(offsets) else 0
        label = f"mentors[{index + 1}]"
        if not isinstance(entry, dict):
            problem(at, M("wikitours-problem-mentors-entry-not-object", label),
                    M("wikitours-hint-mentors-write", '{"username": "NAME", …}'))
            continue
        name = entry.get("username")
        if not isinstance(name, str) or not name.strip():
            problem(at, M("wikitours-problem-mentors-entry-no-username", label, "username"),
                    M("wikitours-hint-mentors-add", '"username": "NAME"'))
            continue
        name = normalize_user(name)
        if not is_valid_user(name):
            problem(at, M("wikitours-problem-mentors-invalid-user-name", label, repr(name)),
                    M("wikitours-hint-mentors-user-name-characters", "# < > [ ] | { } / : @"))
            continue
        if name in seen:
            problem(at, M("wikitours-problem-mentors-listed-twice", label, name),
                    M("wikitours-hint-mentors-remove-one"))
            continue
        bad = False
        for key in sorted(set(entry) - _KNOWN):
            problem(at, M("wikitours-problem-mentors-unknown-field", label, key),
                    M("wikitours-hint-mentors-known-fields", ", ".join(sorted(_KNOWN))), "warning")
        languages = entry.get("languages", [])
        if not isinstance(languages, list) or not all(
                isinstance(x, str) and _LANG.match(x.strip().lower()) for x in languages):
            problem(at, M("wikitours-problem-mentors-languages", label, "languages", '"de"'),
                    M("wikitours-hint-mentors-write", '"languages": ["en", "de"]'))
            languages, bad = [], True
        weight = entry.get("weight", 1)
        if isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight <= 100:
            problem(at, M("wikitours-problem-mentors-whole-number", label, "weight", "0", "100"),
                    M("wikitours-hint-mentors-weight"))
            weight, bad = 1, True
        capacity = entry.get("capacity", 20)
        if (isinstance(capacity, bool) or not isinstance(capacity, int)
                or not 0 <= capacity <= 10000):
            problem(at, M("wikitours-problem-mentors-whole-number", label, "capacity", "0",
                          "10000"),
                    M("wikitours-hint-mentors-capacity"))
            capacity, bad = 20, True
        away = entry.get("away-until")
        away_until = None
        if away not in (None, ""):
            try:
                if not isinstance(away, str) or not _DATE.match(away):
                    raise ValueError
                away_until = date.fromisoformat(away)
            except ValueError:
                problem(at, M("wikitours-problem-mentors-date", label, "away-until", "2026-12-31"),
                        M("wikitours-hint-mentors-away-until"))
                bad = True
        intro = entry.get("intro", "")
        if not isinstance(intro, str):
            problem(at, M("wikitours-problem-mentors-intro-not-text", label, "intro"),
                    M("wikitours-hint-mentors-write", '"intro": "…"'))
            intro, bad = "", True
        if len(intro) > MAX_INTRO:
            problem(at, M("wikitours-problem-mentors-intro-too-long", label, "intro", MAX_INTRO),
                    M("wikitours-hint-mentors-intro-too-long"), "warning")
            intro = intro[:MAX_INTRO]
        notify = entry.get("notify", "digest")
        if notify not in NOTIFY:
            problem(at, M("wikitours-problem-mentors-notify", label, "notify", "digest", "each"),
                    M("wikitours-hint-mentors-notify", "digest", "each"))
            notify, bad = "digest", True
        if bad:
            # A broken entry might mean "not now": better no mentees than wrong ones.
            continue
        seen.add(name)
        mentors.append(Mentor(name, tuple(x.strip().lower() for x in languages), weight,
                              capacity, away_until, intro.strip(), notify))
    return tuple(mentors), tuple(problems)


def render_mentor_list(mentors: tuple[Mentor, ...] | list[Mentor]) -> str:
    """The list's page text for *mentors* (fields at their defaults left out)."""
    entries = []
    for m in mentors:
        entry: dict = {"username": m.username}
        if m.languages:
            entry["languages"] = list(m.languages)
        if m.weight != 1:
            entry["weight"] = m.weight
        if m.capacity != 20:
            entry["capacity"] = m.capacity
        if m.away_until is not None:
            entry["away-until"] = m.away_until.isoformat()
        if m.intro:
            entry["intro"] = m.intro
        if m.notify != "digest":
            entry["notify"] = m.notify
        entries.append(entry)
    return json.dumps({"mentors": entries}, ensure_ascii=False, indent=1) + "\n"


def listed_names(text: str) -> tuple[str, ...] | None:
    """The user names a revision of the list names, or None when it is not a list at all.

    Lenient on purpose: attribution only asks *who is listed*, not whether the entry is valid.
    """
    try:
        data = json.loads(text) if text else None
    except ValueError:
        return None
    entries = data.get("mentors") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return None
    names = [e.get("username") for e in entries if isinstance(e, dict)]
    return tuple(dict.fromkeys(normalize_user(n) for n in names
                               if isinstance(n, str) and n.strip()))
