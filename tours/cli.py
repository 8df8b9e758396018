"""``python -m tours``: the command line, the only place of the compiler that does I/O.

``lint`` is implemented here; ``build``, ``status`` and ``languages`` dispatch to
:func:`tours.build.run_build`, :func:`tours.i18n.run_status` and
:func:`tours.languages.run_update`, imported only when used so that ``lint`` works on its own.

Exit status: 0 = fine (warnings allowed), 1 = the input has errors, 2 = the command could not
run (bad options, an unexpected failure). No Python traceback ever reaches the user; an
unexpected failure prints one actionable line instead.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections import Counter

from tours import __version__
from tours.model import Problem

__all__ = ["main", "lint", "summary"]

DEFAULT_FILE = "tours.yaml"


def summary(filename: str, problems: list[Problem], library=None, lang: str = "en") -> str:
    """The last line of ``lint``: counts, or what was checked when all is well, in *lang*."""
    from tours.problemtext import T, render

    counts = Counter(p.severity for p in problems)
    errors, warnings = counts["error"], counts["warning"]
    parts = []
    if errors:
        parts.append(render(T("wikitours-lint-errors", errors), lang))
    if warnings:
        parts.append(render(T("wikitours-lint-warnings", warnings), lang))
    no_problems = render(T("wikitours-lint-no-problems"), lang)
    if library is not None and not errors:
        steps = sum(len(t.steps) for t in library.tours)
        checked = render(T("wikitours-lint-checked", len(library.tours), steps, len(library.badges),
                           len(library.wikis)), lang)
        return f"{filename}: " + (", ".join(parts) if parts else no_problems) + "; " + checked
    return f"{filename}: " + ", ".join(parts or [no_problems])


def output_language(requested: str | None = None) -> str:
    """The language of the compiler's messages: ``--lang``, else ``WIKITOURS_LANG``, else the
    POSIX locale (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``, as gettext reads them),
    else English. ``de_AT.UTF-8`` becomes MediaWiki's ``de-at``; ``C`` and ``POSIX`` mean English."""
    import re

    if requested:
        candidates = [requested]
    else:
        candidates = [os.environ.get("WIKITOURS_LANG"), (os.environ.get("LANGUAGE") or "").split(":")[0],
                      os.environ.get("LC_ALL"), os.environ.get("LC_MESSAGES"), os.environ.get("LANG")]
    for value in candidates:
        if value:
            code = value.split(".")[0].split("@")[0].replace("_", "-").lower()
            return code if re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{1,8})*", code) else "en"
    return "en"


def lint(ns: argparse.Namespace) -> int:
    from tours.load import load_library, read_source
    from tours.problemtext import format_problem
    from tours.wikisource import load_page, looks_like_page

    lang = output_language(getattr(ns, "lang", None))
    extra = tuple(ns.special_page or ())
    data, problems = read_source(ns.file)
    library = None
    if data is not None:
        try:
            text: str | None = data.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError:
            text = None  # load_library says so, with the position
        if text is not None and (ns.page or looks_like_page(text)):
            loaded = load_page(text, ns.file, extra_special_pages=extra)
            library, problems = loaded.library, list(loaded.problems)
        else:
            library, problems = load_library(data, ns.file, extra_special_pages=extra)
    out = sys.stdout
    for problem in problems:
        print(format_problem(problem, lang), file=out)
    print(summary(ns.file, problems, library, lang), file=out)
    return 1 if any(p.severity == "error" for p in problems) else 0


def _delegate(module: str, function: str):
    def run(ns: argparse.Namespace) -> int:
        try:
            target = getattr(importlib.import_module(module), function)
        except ModuleNotFoundError as err:
            if err.name != module:
                raise
            print(f"error: '{ns.command}' is not available in this copy of wikitours ({module} is missing)",
                  file=sys.stderr)
            print("    hint: update your copy of wikitours; 'lint' works without it", file=sys.stderr)
            return 2
        return int(target(ns) or 0)

    return run


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="python -m tours",
        description="Check and compile wikitours guided tours (tours.yaml).",
        epilog="The tour language is described in docs/tour-language.md.",
    )
    top.add_argument("--version", action="version", version=f"wikitours {__version__}")
    sub = top.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("lint", help="check a tours file and print every problem")
    p.add_argument("file", nargs="?", default=DEFAULT_FILE, metavar="FILE", help="tours file (default: tours.yaml)")
    p.add_argument("--special-page", action="append", metavar="NAME",
                   help="accept Special:NAME as an existing special page (repeatable)")
    p.add_argument("--page", action="store_true",
                   help="FILE is one wiki page as stored (a tour page, Library.yaml or the whole library), "
                        "<pre> wrapper included; found by itself for a wrapped page or a tour page")
    p.add_argument("--lang", metavar="CODE",
                   help="language of the messages (default: WIKITOURS_LANG, then the locale, then en)")
    p.set_defaults(run=lint)

    p = sub.add_parser("build", help="write every wiki page of the tours into a folder")
    p.add_argument("file", nargs="?", default=DEFAULT_FILE, metavar="FILE", help="tours file (default: tours.yaml)")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (written only when there is no error)")
    p.add_argument("--wiki", metavar="ID", help="adapt the tours for this wiki (an id under 'wikis:')")
    p.add_argument("--prefix", default="Help:Wikitours", metavar="TITLE", help="help pages prefix (default: Help:Wikitours)")
    p.add_argument("--i18n", metavar="DIR", help="translations folder (default: i18n beside FILE)")
    p.add_argument("--event-url", metavar="URL", help="where the gadget sends anonymous funnel events")
    p.add_argument("--lang", metavar="CODE",
                   help="language of the messages (default: WIKITOURS_LANG, then the locale, then en)")
    p.set_defaults(run=_delegate("tours.build", "run_build"))

    p = sub.add_parser("status", help="translation completeness per language")
    p.add_argument("file", nargs="?", default=DEFAULT_FILE, metavar="FILE", help="tours file (default: tours.yaml)")
    p.add_argument("--i18n", metavar="DIR", help="translations folder (default: i18n beside FILE)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.add_argument("--write-qqq", action="store_true", help="also (re)write qqq.json, the message documentation")
    p.add_argument("--lang", metavar="CODE",
                   help="language of the messages (default: WIKITOURS_LANG, then the locale, then en)")
    p.set_defaults(run=_delegate("tours.i18n", "run_status"))

    p = sub.add_parser("languages", help="regenerate language data (fallbacks, direction) from MediaWiki")
    p.add_argument("--from", dest="from_", default="/usr/share/mediawiki", metavar="DIR",
                   help="MediaWiki installation (default: /usr/share/mediawiki)")
    p.add_argument("--out", metavar="FILE", help="output file (default: tours/data/languages.json)")
    p.set_defaults(run=_delegate("tours.languages", "run_update"))

    try:  # pull/push of on-wiki translations (publish/translations.py)
        from publish.translations import add_parsers
    except ImportError:
        pass
    else:
        add_parsers(sub)
    return top


def main(argv: list[str] | None = None) -> int:
    try:
        ns = parser().parse_args(argv)
        return ns.run(ns)
    except SystemExit as exit_:  # argparse: --help, --version, bad options
        code = exit_.code
        return code if isinstance(code, int) else (0 if code is None else 2)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `lint | head`: stop quietly (Python's documented recipe)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except Exception as err:  # noqa: BLE001 - the promise: never a traceback for the user
        print(f"error: wikitours stopped unexpectedly: {type(err).__name__}: {err}", file=sys.stderr)
        print("    hint: check the file and folder names given; if they are right, this is a bug in wikitours: "
              "please report it with the command you ran", file=sys.stderr)
        return 2
