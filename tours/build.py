"""``python -m tours build FILE --out DIR``: every page the wiki needs, or nothing at all.

The build loads and validates the library, checks every translation, adapts the library to
one wiki (``--wiki``), renders help pages, the catalogue, badge pages and the gadget's data,
and only then writes. Any error anywhere means nothing is written — not even a half-filled
DIR — because deploying half a library (a catalogue linking to help pages that were not
written, a tour without its messages) is worse than deploying nothing. Pages are built in a
temporary folder next to DIR and renamed into place.

The same input always gives byte-identical files, so a deploy of an unchanged library makes no
edits and ``library_version`` identifies a library exactly.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Mapping

from tours import __version__
from tours.i18n import (MessageFile, check, outdated_keys, read_dir, source_messages,
                        usable_translations)
from tours.model import Library, Problem
from tours.problemkinds import os_error_text
from tours.problemtext import T, Text
from tours.render.badges import render_badge_page
from tours.render.catalogue import render_catalogue
from tours.render.common import DEFAULT_PREFIX, Page, Site
from tours.render.gadgetdata import (
    form_messages,
    gadget_config,
    gadget_index,
    index_languages,
    tour_data,
    tour_messages,
    ui_messages,
)
from tours.render.helppage import render_help_page
from contracts.liveversion import LOADER_TITLE, with_pointer
from tours.render.liveversion import version_pages, with_version_note
from tours.render.reference import read_reference_messages, render_reference
from tours.render.texts import Messages
from tours.render.translatesources import sources_page
from tours.render.wikitext import is_safe_title
from tours.variants import apply_variant

__all__ = ["Translations", "Result", "build_pages", "manifest", "write_output", "read_i18n", "run_build"]

GADGETS_DEFINITION = "MediaWiki:Gadgets-definition"
_PLACEHOLDER_RE = re.compile(r"\$([1-9][0-9]*)")


@dataclass(frozen=True)
class Translations:
    """Every translation file the build reads, by component and language."""

    tours: Mapping[str, MessageFile]
    pages: Mapping[str, MessageFile]
    gadget: Mapping[str, MessageFile]
    #: The tour language reference's messages (``i18n/reference``); ``None``: the shipped ones.
    reference: Mapping[str, MessageFile] | None = None


@dataclass(frozen=True)
class Result:
    """What a build produced: the pages, the gadget definition lines, and every problem."""

    pages: tuple[Page, ...]
    definition_lines: tuple[str, ...]
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def _gadget_code(config: Mapping) -> tuple[list[Page], list[str], list[Problem]]:
    """The gadget's code pages and definition lines, from the gadget's own bundler."""
    try:
        from tours import gadget_bundle
    except ImportError:
        return [], [], [Problem("gadget", 1, 1,
                                T("wikitours-problem-build-no-gadget-bundler", "tours/gadget_bundle.py"),
                                T("wikitours-hint-build-complete-checkout"), "warning")]
    pages = []
    kinds = {"javascript": "gadget-code", "css": "gadget-style", "json": "tour-data"}
    for title, model, content in gadget_bundle.gadget_pages(dict(config)):
        pages.append(Page(title, model, content, kinds.get(model, "gadget-code")))
    return pages, list(gadget_bundle.definition_lines()), []


def _check_page_messages(files: Mapping[str, MessageFile], component: str) -> list[Problem]:
    """Interface translations may not use placeholders their English message lacks."""
    problems: list[Problem] = []
    base = files.get("en")
    if base is None:
        path = f"i18n/{component}/en.json"
        return [Problem(path, 1, 1, T("wikitours-problem-build-file-missing"),
                        T("wikitours-hint-build-restore-interface-texts", path))]
    for lang, mf in sorted(files.items()):
        if lang in ("en", "qqq"):
            continue
        for key, text in mf.messages.items():
            source = base.messages.get(key)
            if source is None:
                continue
            extra = set(_PLACEHOLDER_RE.findall(text)) - set(_PLACEHOLDER_RE.findall(source))
            if extra:
                line, col = mf.where(key)
                problems.append(Problem(
                    mf.path, line, col,
                    T("wikitours-problem-build-extra-placeholder", key,
                      ", ".join("$" + n for n in sorted(extra))),
                    T("wikitours-hint-build-extra-placeholder", "qqq.json")))
    return problems


_FIRST_PAGE_UNLINKABLE = re.compile(r"the first page of tour '(.*)' cannot be linked: (.*)", re.S)
_TITLE_UNLINKABLE = re.compile(r"not a title that can be linked: (.*)", re.S)


def _unlinkable(exc: ValueError) -> Text:
    """The renderers' refusal of a title (``tours.render``'s two kinds), as a translatable text."""
    text = str(exc)
    if m := _FIRST_PAGE_UNLINKABLE.fullmatch(text):
        return T("wikitours-problem-build-first-page-unlinkable", m.group(1), m.group(2))
    if m := _TITLE_UNLINKABLE.fullmatch(text):
        return T("wikitours-problem-build-title-unlinkable", m.group(1))
    return T("wikitours-problem-build-render-failed", text)


def build_pages(library: Library, translations: Translations, *, wiki: str | None = None,
                prefix: str = DEFAULT_PREFIX, config: Mapping | None = None,
                gadget: bool = True, timer: Callable[[str], None] | None = None) -> Result:
    """Render every page for *library* (pure apart from asking the gadget bundler for its code).

    Returns the pages in a stable order and every problem found on the way; the caller writes
    only when :attr:`Result.ok`. *timer*, when given, is called with the name of each phase as
    it ends (``bench/compile.py`` uses it to show where the time goes).
    """
    mark = timer or (lambda name: None)
    problems: list[Problem] = []
    report = check(library, translations.tours)
    problems.extend(report.problems)
    problems.extend(_check_page_messages(translations.pages, "pages"))
    if translations.gadget:
        problems.extend(_check_page_messages(translations.gadget, "gadget"))
    reference = translations.reference
    if reference is None:
        reference, found = read_reference_messages()
        problems.extend(found)
    problems.extend(_check_page_messages(reference, "reference"))

    if not is_safe_title(prefix) or prefix.endswith("/") or ":" not in prefix:
        problems.append(Problem("--prefix", 1, 1, T("wikitours-problem-build-bad-prefix", prefix),
                                T("wikitours-hint-build-prefix-example", "Help:Wikitours")))
        return Result((), (), tuple(problems))
    variant = None
    if wiki:
        variant = library.wiki(wiki)
        if variant is None:
            known = ", ".join(w.id for w in library.wikis)
            problems.append(Problem(library.file, 1, 1,
                                    T("wikitours-problem-build-no-such-wiki", wiki, "wikis:"),
                                    T("wikitours-hint-build-use-one-of", known) if known
                                    else T("wikitours-hint-build-no-wikis")))
            return Result((), (), tuple(problems))
    applied, variant_problems = apply_variant(library, variant, prefix=prefix)
    problems.extend(variant_problems)
    mark("check translations")
    if any(p.severity == "error" for p in problems):
        return Result((), (), tuple(problems))
    adapted = applied.library
    source = library.source_language

    usable = usable_translations(library, translations.tours, report)
    tour_texts: dict[str, dict[str, str]] = {
        source: {k: m.text for k, m in source_messages(adapted).items()}
    }
    # Every language with a translation file gets its pages, even while its texts are outdated:
    # links to them stay valid, and they fill in as translators catch up.
    adapts_texts = bool(applied.renames or applied.prefixes or applied.local_keys)
    for lang, texts in sorted(usable.items()):
        # (without --wiki nothing is renamed or replaced: the usable texts are used as they are)
        tour_texts[lang] = {k: applied.translate_text(v) for k, v in texts.items()
                            if k not in applied.local_keys} if adapts_texts else texts
    # The unsuffixed pages (Help:Wikitours, Help:Wikitours/<tour>) are in the wiki's own
    # language when the wiki names one, else in the source language; the others get /<lang>.
    base = variant.language if variant is not None and variant.language else source
    page_langs = (base, *sorted(lang for lang in set(tour_texts) | {source} if lang != base))
    tour_texts.setdefault(base, {})

    page_messages = {lang: dict(mf.messages) for lang, mf in translations.pages.items()
                     if lang != "qqq"}
    site = Site(adapted, Messages(tour_texts, source), Messages(page_messages, "en"), page_langs,
                prefix, outdated=outdated_keys(report))

    pages: list[Page] = []
    try:
        for lang in page_langs:
            pages.append(render_catalogue(site, lang))
        for tour in adapted.tours:
            for lang in page_langs:
                pages.append(render_help_page(site, tour, lang))
        for badge in adapted.badges:
            for lang in page_langs:
                pages.append(render_badge_page(site, badge, lang))
        reference_texts = Messages({lang: dict(mf.messages) for lang, mf in reference.items()
                                    if lang != "qqq"}, "en")
        for lang in page_langs:
            pages.append(render_reference(site, lang, reference_texts))
    except ValueError as exc:  # a title that cannot be linked (the validator should stop it first)
        problems.append(Problem(library.file, 1, 1, _unlinkable(exc),
                                T("wikitours-hint-build-title-characters", "[ ] { } | < > ~")))
        return Result((), (), tuple(problems))
    mark("render pages")

    gadget_langs = {lang for lang, mf in translations.gadget.items() if lang != "qqq"}
    config = dict(config or {})
    pages.append(gadget_index(adapted, index_languages(set(tour_texts) | gadget_langs, source),
                              config))
    pages.append(gadget_config(config))
    for tour in adapted.tours:
        pages.append(tour_data(adapted, tour))
        for lang in page_langs:
            page = tour_messages(tour, lang, tour_texts[lang])
            if page is not None:
                pages.append(page)
    for lang in sorted(gadget_langs):
        pages.append(ui_messages(lang, translations.gadget[lang].messages))
        pages.append(form_messages(lang, translations.gadget[lang].messages))
    # the translation form's source texts, hashes and notes: the library's own, not adapted
    qqq = translations.tours.get("qqq")
    pages.append(sources_page(library, qqq.messages if qqq is not None else None))

    lines: list[str] = []
    if gadget:
        code_pages, lines, gadget_problems = _gadget_code(config)
        pages.extend(code_pages)
        problems.extend(gadget_problems)

    mark("render gadget data")
    pages = _versioned(pages, site)

    seen: dict[str, Page] = {}
    for page in pages:
        if page.title in seen:
            problems.append(Problem(
                library.file, 1, 1,
                T("wikitours-problem-build-same-title", page.title, seen[page.title].kind,
                  page.kind),
                T("wikitours-hint-build-same-title", "Badges")))
        seen[page.title] = page
    return Result(tuple(pages), tuple(lines), tuple(problems))


def _versioned(pages: list[Page], site: Site) -> list[Page]:
    """The gadget's data under versioned titles, the pointer in the loader (kind ``pointer``)
    and each tour's help pages naming the version they describe (``tours.render.liveversion``).

    Without the gadget's code there is no loader to carry a pointer: the data keeps its fixed
    titles then."""
    if not any(p.title == LOADER_TITLE for p in pages):
        return pages
    pages, pointer = version_pages(pages)
    out = []
    for page in pages:
        if page.title == LOADER_TITLE:
            page = replace(page, content=with_pointer(page.content, pointer), kind="pointer")
        elif page.kind == "help" and page.tour and page.tour in pointer.tours and page.lang:
            page = replace(page, content=with_version_note(
                page.content, site.msg("wikitours-pages-tour-version", page.lang), page.lang,
                pointer.tours[page.tour]))
        out.append(page)
    return out


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest(result: Result, *, source_name: str, source_bytes: bytes,
             wiki: str | None) -> tuple[dict, list[tuple[str, bytes]]]:
    """The manifest (contracts §3) and the ``(file name, bytes)`` of every page."""
    width = max(4, len(str(len(result.pages))))
    files: list[tuple[str, bytes]] = []
    entries = []
    for n, page in enumerate(result.pages, 1):
        data = page.content.encode("utf-8")
        name = f"pages/{n:0{width}d}.txt"
        files.append((name, data))
        entry = {"title": page.title, "model": page.model, "file": name, "sha256": _sha256(data),
                 "kind": page.kind}
        if page.tour is not None:
            entry["tour"] = page.tour
        if page.lang is not None:
            entry["lang"] = page.lang
        entries.append(entry)
    version = _sha256("".join(e["sha256"] for e in entries).encode("ascii"))[:12]
    data = {
        "generator": f"wikitours {__version__}",
        "source": source_name,
        "source_sha256": _sha256(source_bytes),
        "library_version": version,
        "wiki": wiki,
        "pages": entries,
        "gadget_definition": {"title": GADGETS_DEFINITION, "section": "wikitours",
                              "lines": list(result.definition_lines)},
    }
    return data, files


def manifest_text(data: dict) -> str:
    """The manifest as JSON with one page per line: readable in a diff, and written by the json
    module's fast encoder (a big library lists tens of thousands of pages)."""
    fields = [f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}"
              for k, v in data.items() if k != "pages"]
    pages = [json.dumps(entry, ensure_ascii=False) for entry in data.get("pages", ())]
    fields.append(' "pages": [\n  ' + ",\n  ".join(pages) + "\n ]" if pages else ' "pages": []')
    return "{\n" + ",\n".join(fields) + "\n}\n"


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) \
    | getattr(os, "O_CLOEXEC", 0)


def _write_files(base: str, files: list[tuple[str, bytes]]) -> None:
    """Write each ``(name, bytes)`` below the folder *base* (ending in a separator).

    Plain descriptors rather than ``open()``: a big library writes tens of thousands of
    files, and the buffered file object around each cost as much as the writing itself.
    """
    for name, data in files:
        fd = os.open(base + name, _NEW_FILE, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)


def write_output(out: Path, manifest_data: dict, files: list[tuple[str, bytes]]) -> None:
    """Write everything into a temporary folder beside *out*, then swap it into place.

    A crash or a full disk half-way leaves the previous *out* (or none) untouched.
    """
    out = Path(out)
    parent = out.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=parent))
    try:
        (tmp / "pages").mkdir()
        _write_files(str(tmp) + os.sep, files)
        (tmp / "manifest.json").write_text(manifest_text(manifest_data), encoding="utf-8")
        old = None
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=parent))
            os.rename(out, old / "previous")
        os.rename(tmp, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _i18n_dirs(root: Path) -> tuple[Path, Path, Path]:
    """``(tours, pages, gadget)`` translation folders under an i18n root."""
    return root / "tours", root / "pages", root / "gadget"


def read_i18n(root: Path) -> tuple[Translations, list[Problem]]:
    """Read every translation the build needs from the i18n folder *root*."""
    problems: list[Problem] = []
    parts = []
    for directory in _i18n_dirs(Path(root)):
        files, found = read_dir(directory)
        parts.append(files)
        problems.extend(found)
    if not parts[1]:  # the pages' interface texts ship with wikitours itself
        files, found = read_dir(Path(__file__).resolve().parent.parent / "i18n" / "pages")
        parts[1] = files
        problems.extend(found)
    return Translations(*parts), problems


def _load(path: str) -> tuple[Library | None, bytes, list[Problem]]:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        return None, b"", [Problem(path, 1, 1,
                                   T("wikitours-problem-build-cannot-read", os_error_text(exc)),
                                   T("wikitours-hint-build-give-path"))]
    from tours.load import load_library

    try:
        text: str | bytes = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw
    library, problems = load_library(text, path)
    return library, raw, list(problems)


def run_build(ns) -> int:
    """The ``build`` command: returns the exit status (0 only when everything was written)."""
    file = getattr(ns, "file", None) or "tours.yaml"
    out = getattr(ns, "out", None)
    if not out:
        print("error: --out DIR is required", file=sys.stderr)
        return 2
    library, raw, problems = _load(file)
    i18n_root = Path(getattr(ns, "i18n", None) or Path(file).resolve().parent / "i18n")
    translations, i18n_problems = read_i18n(i18n_root)
    problems.extend(i18n_problems)
    result = None
    if library is not None and not any(p.severity == "error" for p in problems):
        config = {}
        if getattr(ns, "event_url", None):
            config["eventUrl"] = ns.event_url
        result = build_pages(library, translations, wiki=getattr(ns, "wiki", None),
                             prefix=getattr(ns, "prefix", None) or DEFAULT_PREFIX,
                             config=config)
        problems.extend(result.problems)
    from tours.cli import output_language
    from tours.problemtext import T, format_problem, render

    lang = output_language(getattr(ns, "lang", None))
    for p in problems:
        print(format_problem(p, lang), file=sys.stderr)
    if result is None or any(p.severity == "error" for p in problems):
        errors = sum(p.severity == "error" for p in problems)
        print(render(T("wikitours-build-nothing-written", errors, str(out)), lang), file=sys.stderr)
        return 1
    data, files = manifest(result, source_name=Path(file).name, source_bytes=raw,
                           wiki=getattr(ns, "wiki", None))
    try:
        write_output(Path(out), data, files)
    except OSError as exc:
        print(f"{out}: error: cannot write: {exc}", file=sys.stderr)
        return 1
    print(render(T("wikitours-build-written", str(out), len(files), data["library_version"]), lang))
    return 0
