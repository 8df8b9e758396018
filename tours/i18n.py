"""Translations of tour texts: loading banana JSON, checking it, reporting completeness.

Tour texts are written once in ``tours.yaml`` (the source language) and translated in
``i18n/tours/<lang>.json`` (MediaWiki's banana format). A translation records the first 8 hex
digits of the sha1 of the source text it translated (``@metadata.source-hashes``), so a source
text edited later shows up as *outdated*: readers still get the translation (better than the
English text), the help page says part of it is from an earlier version, and the status lists it.

Everything here is pure except :func:`read_dir`, :func:`run_status` and :func:`write_qqq`, so the
build and the ``status`` command share the same checks.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from tours.controlchars import describe, find_control
from tours.languages import load_languages
from tours.model import Library, Position, Problem, message_key
from tours.problemkinds import json_error_text, os_error_text
from tours.problemtext import T, Text, format_problem, render
from tours.markup import check_markup
from tours.languages import language
from tours.messages import output_language

__all__ = [
    "MessageFile",
    "SourceMessage",
    "LanguageStatus",
    "Report",
    "source_hash",
    "source_messages",
    "load_banana",
    "read_dir",
    "check",
    "usable_translations",
    "outdated_keys",
    "qqq_json",
    "run_status",
    "write_qqq",
]

_PLACEHOLDER = re.compile(r"\$([1-9][0-9]*)")
SAFE_SUBSET_HINT = T("wikitours-hint-translation-safe-subset", "{{PLURAL:…}}", "{{GENDER:…}}")
_GENDER_OF_READER = re.compile(r"\{\{\s*GENDER\s*:\s*\$1\s*\|", re.I)


def source_hash(text: str) -> str:
    """First 8 hex digits of the sha1 of *text* (UTF-8): what a translation records it translated."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


@dataclass(frozen=True)
class SourceMessage:
    """One translatable text of the library, with what a translator needs to know about it."""

    key: str
    text: str
    doc: str
    line: int = 0
    column: int = 0


@dataclass(frozen=True)
class MessageFile:
    """One ``i18n/tours/<lang>.json``: its messages, its metadata, and where each key is.

    Key positions are found only when a problem needs one (:meth:`where`): a clean build of
    fifty languages never pays for scanning their files a second time.
    """

    lang: str
    path: str
    messages: Mapping[str, str]
    source_hashes: Mapping[str, str] = field(default_factory=dict)
    authors: tuple[str, ...] = ()
    text: str = field(default="", repr=False, compare=False)
    _positions: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def positions(self) -> Mapping[str, tuple[int, int]]:
        if not self._positions and self.text:
            for key, where in _key_positions(self.text):
                self._positions.setdefault(key, where)
        return self._positions

    def where(self, key: str) -> tuple[int, int]:
        """``(line, column)`` of *key* in the file (``(1, 1)`` when it cannot be found)."""
        return self.positions.get(key, (1, 1))


def source_messages(library: Library) -> dict[str, SourceMessage]:
    """Every translatable text of *library*, keyed by message key, in library order.

    The documentation (for ``qqq.json``) says which tour, step and element the text belongs to,
    because a translator sees only the key and the English text.
    """
    out: dict[str, SourceMessage] = {}

    def add(parts: tuple[str, ...], text: str, doc: str, pos: Position) -> None:
        key = message_key(*parts)
        out[key] = SourceMessage(key, text, doc, pos.line, pos.column)

    for tour in library.tours:
        add(("tour", tour.id, "title"), tour.title,
            f"Title of the guided tour \"{tour.id}\" (audience: {tour.audience}, "
            f"{len(tour.steps)} steps). Shown as the heading of its help page and in the "
            f"catalogue of tours.", tour.pos)
        add(("tour", tour.id, "summary"), tour.summary,
            f"One-sentence summary of the guided tour \"{tour.id}\", shown under its title on "
            f"the help page and in the catalogue.", tour.pos)
        for n, step in enumerate(tour.steps, 1):
            where = step.page.title or step.page.kind
            element = ""
            if step.target is not None:
                element = step.target.element or step.target.selector
            points = f", pointing at the interface element \"{element}\"" if element else ""
            how = {
                "next": "The reader moves on with the Next button.",
                "click": "The step moves on when the reader clicks the element.",
                "saved": "The step moves on when the reader publishes the page.",
                "editor-opened": "The step moves on when the editor opens.",
                "visited": "The step moves on when the reader arrives on the next page.",
            }.get(step.advance, "")
            add(("tour", tour.id, "step", step.id, "title"), step.title,
                f"Title of step {n} (\"{step.id}\") of the guided tour \"{tour.id}\": the "
                f"heading of a popover shown on page \"{where}\"{points}.", step.pos)
            # A step's text and its skin variants are documented alike: same step, same page.
            step_of = f"step {n} (\"{step.id}\") of the guided tour \"{tour.id}\""
            shown = f"popover on page \"{where}\"{points}. {how}"
            keep = "Keep [[links]], '''bold''' and ''italic''."
            add(("tour", tour.id, "step", step.id, "text"), step.text,
                f"Text of {step_of}, shown in a {shown} Also listed on the tour's help page. "
                f"{keep}", step.pos)
            for skin, text in step.skin_texts:
                add(("tour", tour.id, "step", step.id, "text", skin), text,
                    f"Text of {step_of} for readers of the skin \"{skin}\", who see it instead "
                    f"of the step's usual text, in a {shown} {keep}", step.pos)
    for badge in library.badges:
        add(("badge", badge.id, "name"), badge.name,
            f"Name of the badge \"{badge.id}\", earned by completing "
            f"{_needs(badge.requires_tours, badge.requires_badges)}. Shown on badge pages, "
            f"certificates and talk-page notes.", badge.pos)
        add(("badge", badge.id, "description"), badge.description,
            f"Description of the badge \"{badge.id}\": what its holder has done. Shown on the "
            f"badge page and in the Open Badge.", badge.pos)
    return {k: replace(m, doc=m.doc + _reader_note(m.text)) for k, m in out.items()}


def _reader_note(text: str) -> str:
    if "$1" in _GENDER_OF_READER.sub("", text):
        return " $1 is the reader's user name."
    return (" The reader's user name is available as $1 only to choose a form with "
            "{{GENDER:$1|…}}.")


def _needs(tours: tuple[str, ...], badges: tuple[str, ...]) -> str:
    parts = []
    if tours:
        parts.append("the tours " + ", ".join(f"\"{t}\"" for t in tours))
    if badges:
        parts.append("holding the badges " + ", ".join(f"\"{b}\"" for b in badges))
    return " and ".join(parts) or "nothing"


# ---------------------------------------------------------------------------------------------
# Loading banana JSON with the line and column of every key


def _key_positions(text: str) -> list[tuple[str, tuple[int, int]]]:
    """``(key, (line, column))`` of every top-level key of *text*, in order."""
    try:
        offsets = _top_level_keys(text)
    except (ValueError, RecursionError):
        return []
    out = []
    line, line_start, counted = 1, 0, 0  # offsets only grow: count new lines incrementally
    for key, offset in offsets:
        line += text.count("\n", counted, offset)
        counted = offset
        if line > 1:
            line_start = text.rfind("\n", 0, offset) + 1
        out.append((key, (line, offset - line_start + 1)))
    return out


def _top_level_keys(text: str) -> list[tuple[str, int]]:
    """``(key, offset)`` of every key of the top-level object, in order, duplicates included."""
    decoder = json.JSONDecoder()
    keys: list[tuple[str, int]] = []
    ws = re.compile(r"\s*")
    i = ws.match(text, 0).end()
    if not text.startswith("{", i):
        return keys
    i += 1
    while True:
        i = ws.match(text, i).end()
        if not text.startswith('"', i):
            return keys
        key, end = json.decoder.scanstring(text, i + 1)
        keys.append((key, i))
        i = ws.match(text, end).end()
        if not text.startswith(":", i):
            return keys
        _, i = decoder.raw_decode(text, ws.match(text, i + 1).end())
        i = ws.match(text, i).end()
        if not text.startswith(",", i):
            return keys
        i += 1


def load_banana(text: str | bytes, path: str, lang: str) -> tuple[MessageFile | None, list[Problem]]:
    """Parse one banana JSON file; every defect is a :class:`Problem` at its line and column."""
    problems: list[Problem] = []
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            return None, [Problem(path, 1, exc.start + 1, T("wikitours-problem-messages-not-utf8"),
                                  T("wikitours-hint-messages-save-as-utf8"))]
    if text.startswith("\ufeff"):
        text = text[1:]
    duplicated = False

    def pairs(items: list) -> dict:
        nonlocal duplicated
        obj = dict(items)
        if len(obj) != len(items):
            duplicated = True
        return obj

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        return None, [Problem(path, exc.lineno, exc.colno,
                              T("wikitours-problem-json-invalid", json_error_text(exc)),
                              T("wikitours-hint-json-check-punctuation"))]
    except RecursionError:
        return None, [Problem(path, 1, 1, T("wikitours-problem-messages-nested-too-deeply"),
                              T("wikitours-hint-messages-one-object"))]
    if not isinstance(data, dict):
        return None, [Problem(path, 1, 1, T("wikitours-problem-messages-not-an-object"),
                              T("wikitours-hint-messages-write-object"))]
    if duplicated:
        seen: set[str] = set()
        for key, (line, col) in _key_positions(text):
            if key in seen:
                problems.append(Problem(path, line, col,
                                        T("wikitours-problem-messages-duplicate-key", key),
                                        T("wikitours-hint-messages-duplicate-key"), "warning"))
            seen.add(key)
    mf_text = text
    messages: dict[str, str] = {}
    for key, value in data.items():
        if key == "@metadata":
            continue
        if not isinstance(value, str):
            line, col = dict(_key_positions(text)).get(key, (1, 1))
            problems.append(Problem(path, line, col,
                                    T("wikitours-problem-messages-not-a-string", key),
                                    T("wikitours-hint-messages-quote-text")))
            continue
        messages[key] = value
    meta = data.get("@metadata", {})
    hashes: dict[str, str] = {}
    authors: tuple[str, ...] = ()
    if isinstance(meta, dict):
        raw = meta.get("source-hashes", {})
        if isinstance(raw, dict):
            hashes = {k: v for k, v in raw.items() if isinstance(v, str)}
        if isinstance(meta.get("authors"), list):
            authors = tuple(a for a in meta["authors"] if isinstance(a, str))
    return (
        MessageFile(lang, path, MappingProxyType(messages), MappingProxyType(hashes), authors,
                    mf_text),
        problems,
    )


def read_dir(directory: Path | str) -> tuple[dict[str, MessageFile], list[Problem]]:
    """Every ``<lang>.json`` in *directory* (``qqq`` included), keyed by language code."""
    directory = Path(directory)
    files: dict[str, MessageFile] = {}
    problems: list[Problem] = []
    if not directory.is_dir():
        return files, problems
    for path in sorted(directory.glob("*.json")):
        lang = path.stem
        try:
            raw = path.read_bytes()
        except OSError as exc:
            problems.append(Problem(str(path), 1, 1,
                                    T("wikitours-problem-cannot-read", os_error_text(exc))))
            continue
        loaded, found = load_banana(raw, str(path), lang)
        problems.extend(found)
        if loaded is not None:
            files[lang] = loaded
    return files, problems


# ---------------------------------------------------------------------------------------------
# Checking


@dataclass(frozen=True)
class LanguageStatus:
    """How complete one language is."""

    lang: str
    total: int
    translated: int
    missing: tuple[str, ...]
    outdated: tuple[str, ...]
    unknown: tuple[str, ...]
    invalid: tuple[str, ...]

    @property
    def percent(self) -> float:
        """Share of the library's texts with an up-to-date, valid translation."""
        good = self.translated - len(self.outdated) - len(self.invalid)
        return 100.0 * good / self.total if self.total else 100.0


@dataclass(frozen=True)
class Report:
    """Everything ``status`` prints, and the problems the build refuses to go on with."""

    source_language: str
    total: int
    languages: tuple[LanguageStatus, ...]
    problems: tuple[Problem, ...]
    undocumented: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {
            "sourceLanguage": self.source_language,
            "messages": self.total,
            "languages": {
                s.lang: {
                    "percent": round(s.percent, 1),
                    "translated": s.translated,
                    "missing": list(s.missing),
                    "outdated": list(s.outdated),
                    "unknown": list(s.unknown),
                    "invalid": list(s.invalid),
                }
                for s in self.languages
            },
            "undocumented": list(self.undocumented),
            "problems": [
                {"file": p.file, "line": p.line, "column": p.column, "severity": p.severity,
                 "message": p.message, "hint": p.hint}
                for p in self.problems
            ],
        }


#: Texts without any of these cannot leave the safe subset, so the full check is skipped for
#: them (most translations): a test keeps this in step with the loader's checker.
_MARKUP_CHARS = re.compile(r"[\[\]{}<&\n]")  # a bare character class scans fastest


def maybe_markup(text: str) -> bool:
    """False only for texts the loader's markup check is sure to accept."""
    return (text[:1] in _LINE_START_CHARS or "''" in text or "__" in text
            or _MARKUP_CHARS.search(text) is not None)


_LINE_START_CHARS = frozenset("={|-*#:; ")


def _markup_problems(text: str) -> list[tuple[Text, Text]]:
    """``(message, hint)`` for every place *text* leaves the safe subset (the loader's check)."""
    if not text or not maybe_markup(text):
        return []
    return [(issue.message, issue.hint) for issue in check_markup(text)]


def check(library: Library, files: Mapping[str, MessageFile]) -> Report:
    """Check every translation file against *library*; pure, so the build and ``status`` agree."""
    sources = source_messages(library)
    known_languages = load_languages()
    problems: list[Problem] = []
    statuses: list[LanguageStatus] = []
    source_placeholders = {k: set(_PLACEHOLDER.findall(m.text)) for k, m in sources.items()}
    expected_hash = {k: source_hash(m.text) for k, m in sources.items()}
    markup_memo: dict[str, list[tuple[Text, Text]]] = {}  # the same text is checked once
    for lang in sorted(files):
        mf = files[lang]
        if lang == "qqq":
            continue
        if lang not in known_languages:
            problems.append(Problem(mf.path, 1, 1,
                                    T("wikitours-problem-translation-unknown-language", lang),
                                    T("wikitours-hint-translation-unknown-language")))
        missing, outdated, unknown, invalid = [], [], [], []
        translated = 0
        messages = dict(mf.messages)  # plain dict lookups: this loop runs for every text
        recorded_hashes = dict(mf.source_hashes)
        for key in sources:
            text = messages.get(key)
            if text is None or not text.strip():
                missing.append(key)
        for key, text in messages.items():
            if key not in sources:
                unknown.append(key)
                problems.append(Problem(mf.path, *mf.where(key),
                                        T("wikitours-problem-messages-unknown-key", key),
                                        T("wikitours-hint-translation-unknown-key"), "warning"))
                continue
            if not text.strip():
                continue
            translated += 1
            bad = False
            controls = find_control(text)
            if controls:  # "\u0000" and friends: nothing a wiki page or a popover may show
                problems.append(Problem(
                    mf.path, *mf.where(key),
                    T("wikitours-problem-translation-control-character", key,
                      describe(controls[0][1])),
                    T("wikitours-hint-control-character", "\\0", "\\x07", "\\u0000")))
                invalid.append(key)
                continue
            if "$" in text:
                # $1 (the reader's user name) is always given, so {{GENDER:$1|…}} is fine in
                # any translation (Arabic and Hebrew need it where English does not); shown as
                # text, a placeholder the source lacks shows what the source never meant to.
                used = set(_PLACEHOLDER.findall(_GENDER_OF_READER.sub("", text)))
                extra = sorted(used - source_placeholders[key], key=int)
                if extra:
                    bad = True
                    problems.append(Problem(
                        mf.path, *mf.where(key),
                        T("wikitours-problem-translation-extra-placeholder", key,
                          ", ".join("$" + n for n in extra)),
                        T("wikitours-hint-translation-extra-placeholder", "$1", "{{GENDER:$1|…}}")))
            # maybe_markup(), inlined: most texts stop here
            if (text[:1] in _LINE_START_CHARS or "''" in text or "__" in text
                    or _MARKUP_CHARS.search(text) is not None):
                found = markup_memo.get(text)
                if found is None:
                    found = markup_memo[text] = _markup_problems(text)
                for what, hint in found:
                    bad = True
                    problems.append(Problem(mf.path, *mf.where(key),
                                            T("wikitours-problem-translation-unsafe-markup", key, what),
                                            hint or SAFE_SUBSET_HINT))
            if bad:
                invalid.append(key)
                continue
            recorded = recorded_hashes.get(key)
            if recorded == expected_hash[key]:
                continue
            if recorded is None:
                problems.append(Problem(
                    mf.path, *mf.where(key), T("wikitours-problem-translation-no-source-hash", key),
                    T("wikitours-hint-translation-no-source-hash", key, expected_hash[key]),
                    "warning"))
            else:
                outdated.append(key)
                sm = sources[key]
                problems.append(Problem(
                    mf.path, *mf.where(key),
                    T("wikitours-problem-translation-outdated", key, library.file, str(sm.line),
                      str(sm.column)),
                    T("wikitours-hint-translation-outdated", expected_hash[key]), "warning"))
        statuses.append(LanguageStatus(lang, len(sources), translated, tuple(missing),
                                       tuple(outdated), tuple(unknown), tuple(invalid)))
    undocumented: tuple[str, ...] = ()
    qqq = files.get("qqq")
    if qqq is not None:
        undocumented = tuple(k for k in sources if not qqq.messages.get(k, "").strip())
        for key in qqq.messages:
            if key not in sources:
                line, col = qqq.where(key)
                problems.append(Problem(qqq.path, line, col,
                                        T("wikitours-problem-messages-unknown-key", key),
                                        T("wikitours-hint-qqq-unknown-key",
                                          "`python -m tours status --write-qqq`"),
                                        "warning"))
    else:
        undocumented = tuple(sources)
    return Report(library.source_language, len(sources), tuple(statuses), tuple(problems),
                  undocumented)


def usable_translations(library: Library, files: Mapping[str, MessageFile],
                        report: Report) -> dict[str, dict[str, str]]:
    """The translations a build may show: known and valid (language → key → text).

    Outdated ones stay: a translation of the previous wording serves readers better than the
    English text, and a changed title must not replace every translated page with English
    until translators catch up. The help pages mark them (:func:`outdated_keys`) and the
    status pages list them.
    """
    sources = source_messages(library)
    out: dict[str, dict[str, str]] = {}
    by_lang = {s.lang: s for s in report.languages}
    for lang, mf in files.items():
        if lang == "qqq" or lang == library.source_language or lang not in by_lang:
            continue
        status = by_lang[lang]
        skip = set(status.invalid)
        out[lang] = {k: v for k, v in mf.messages.items()
                     if k in sources and v.strip() and k not in skip}
    return out


def outdated_keys(report: Report) -> dict[str, frozenset[str]]:
    """Per language, the keys whose translation is of an older source text (shown, marked)."""
    return {s.lang: frozenset(s.outdated) for s in report.languages if s.outdated}


# ---------------------------------------------------------------------------------------------
# qqq.json


def qqq_json(library: Library, existing: MessageFile | None = None) -> str:
    """``qqq.json`` documenting every text of *library* (existing authors are kept)."""
    authors = list(existing.authors) if existing else []
    if "wikitours" not in authors:
        authors.append("wikitours")
    doc: dict = {"@metadata": {"authors": authors}}
    for key, msg in source_messages(library).items():
        doc[key] = msg.doc
    return json.dumps(doc, ensure_ascii=False, indent="\t") + "\n"


# ---------------------------------------------------------------------------------------------
# Command line edges


def _load_library(path: str) -> tuple[Library | None, list[Problem]]:
    from tours.load import load_library  # the loader (H1); imported late to keep this importable

    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        return None, [Problem(path, 1, 1, T("wikitours-problem-cannot-read", os_error_text(exc)),
                              T("wikitours-hint-give-your-tours-file-path"))]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return load_library(raw, path)
    return load_library(text, path)


def _table(report: Report, lang: str = "en") -> str:
    rows = [tuple(render(T(f"wikitours-status-column-{c}"), lang)
                  for c in ("language", "name", "translated", "outdated", "missing", "invalid"))]
    for s in report.languages:
        rows.append((s.lang, language(s.lang).name, f"{s.percent:5.1f}%", str(len(s.outdated)),
                     str(len(s.missing)), str(len(s.invalid))))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def write_qqq(library: Library, directory: Path) -> Path:
    """Regenerate ``<directory>/qqq.json`` from the model."""
    path = Path(directory) / "qqq.json"
    existing = None
    if path.is_file():
        existing, _ = load_banana(path.read_bytes(), str(path), "qqq")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(qqq_json(library, existing), encoding="utf-8")
    return path


def tours_dir(i18n: str | None, tours_file: str) -> Path:
    """The folder of tour translations: ``--i18n`` is the i18n root (holding ``tours/``) or the
    tour translations folder itself; by default ``i18n/tours`` beside the tours file."""
    root = Path(i18n) if i18n else Path(tours_file).resolve().parent / "i18n"
    return root / "tours" if (root / "tours").is_dir() or not i18n else root


def run_status(ns) -> int:
    """``python -m tours status [FILE] [--i18n DIR] [--format text|json] [--write-qqq]``.

    Exits 1 when a translation has an error (a placeholder the source lacks, unsafe markup,
    broken JSON), so CI catches what the build would refuse.
    """
    lang = output_language(getattr(ns, "lang", None))
    file = getattr(ns, "file", None) or "tours.yaml"
    directory = tours_dir(getattr(ns, "i18n", None), file)
    library, problems = _load_library(file)
    if library is None or any(p.severity == "error" for p in problems):
        for p in problems:
            print(format_problem(p, lang), file=sys.stderr)
        return 1
    if getattr(ns, "write_qqq", False):
        print(render(T("wikitours-status-wrote", str(write_qqq(library, directory))), lang), file=sys.stderr)
    files, file_problems = read_dir(directory)
    report = check(library, files)
    all_problems = [*file_problems, *report.problems]
    if getattr(ns, "format", "text") == "json":
        data = report.to_json()
        data["problems"] = Report("", 0, (), tuple(all_problems)).to_json()["problems"]
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(render(T("wikitours-status-texts", report.total, library.file, library.source_language), lang))
        print(_table(report, lang))
        for s in report.languages:
            for label, keys in (("outdated", s.outdated), ("missing", s.missing),
                                ("unknown", s.unknown)):
                if keys:
                    print("\n" + render(T(f"wikitours-status-list-{label}", s.lang, len(keys)), lang))
                    print("\n".join(f"  {k}" for k in keys))
        if report.undocumented:
            print("\n" + render(T("wikitours-status-list-undocumented", "qqq", len(report.undocumented)), lang))
            print("\n".join(f"  {k}" for k in report.undocumented))
        if all_problems:
            print()
            for p in all_problems:
                print(format_problem(p, lang))
    return 1 if any(p.severity == "error" for p in all_problems) else 0


if __name__ == "__main__":  # pragma: no cover - `python -m tours status` is the usual way
    import argparse

    parser = argparse.ArgumentParser(prog="python -m tours.i18n")
    parser.add_argument("file", nargs="?", default="tours.yaml")
    parser.add_argument("--i18n")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--write-qqq", action="store_true")
    sys.exit(run_status(parser.parse_args()))
