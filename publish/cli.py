"""``python -m tours``: the compiler's commands plus publishing's ``pull`` and ``push``.

The compiler (:mod:`tours.cli`: ``lint``, ``build``, ``status``, ``languages``) reads files and
writes a build; it never talks to a wiki and never imports publishing. Moving translations and
tours between the repository and the library wiki is publishing (:mod:`publish.translations`,
:mod:`publish.seed`), yet people run it as ``python -m tours pull|push``. So
``tours/__main__.py`` starts this module, which hands these two commands to the compiler's
parser: the one import against the flow, in an entry point, listed in the import-graph test
(docs/architecture.md).
"""

from __future__ import annotations

import sys

from publish.protection import APPROVALS_TITLE, DEFAULT_LEVEL, DEFAULT_TRANSLATIONS_LEVEL
from publish.seed import DEFAULT_HEADER, DEFAULT_TOURS_PREFIX, WRAPS
from publish.translations import DEFAULT_PREFIX, PASSWORD_ENV, run_pull, run_push
from tours import cli
from tours.cli import DEFAULT_FILE

__all__ = ["main", "add_parsers"]


def add_parsers(sub) -> None:
    """The ``pull`` and ``push`` subcommands (given to :func:`tours.cli.parser`)."""
    for name, help_, run in (("pull", "bring on-wiki translations into i18n/tours/", run_pull),
                             ("push", "send i18n/tours/ translations (and with --tours the tours) "
                              "to the wiki", run_push)):
        p = sub.add_parser(name, help=help_)
        p.add_argument("--api", required=True, metavar="URL", help="the library wiki's api.php")
        p.add_argument("--prefix", default=DEFAULT_PREFIX, metavar="TITLE",
                       help=f"translation pages are PREFIX<lang>.json (default: {DEFAULT_PREFIX})")
        p.add_argument("--i18n", metavar="DIR", help="translations folder (default: i18n beside FILE)")
        p.add_argument("--file", metavar="FILE",
                       help="tours file whose i18n/ is meant "
                            f"(default: --tours FILE, else {DEFAULT_FILE})")
        p.add_argument("--record", metavar="FILE", help="sync record (default: i18n/wikisync.json)")
        p.add_argument("--force", action="store_true", help="copy even when the other side changed too")
        if name == "push":
            p.add_argument("--user", metavar="NAME", help=f"account (bot password login NAME@APP); password in ${PASSWORD_ENV}")
            p.add_argument("--summary", default="", help="edit summary")
            p.add_argument("--tours", metavar="FILE",
                           help="also put the tours of FILE on the wiki: one page per tour and the "
                                "header page (docs/community.md, 'Moving the tours onto the wiki')")
            p.add_argument("--tours-prefix", default=DEFAULT_TOURS_PREFIX, metavar="TITLE",
                           help=f"tour pages are PREFIX<id>.yaml (default: {DEFAULT_TOURS_PREFIX})")
            p.add_argument("--header", default=DEFAULT_HEADER, metavar="TITLE",
                           help=f"the header page (default: {DEFAULT_HEADER})")
            p.add_argument("--wrap", choices=WRAPS, default="pre",
                           help="how the YAML is wrapped on the page (default: pre, shown verbatim)")
            p.add_argument("--protect", default=DEFAULT_LEVEL, metavar="LEVEL",
                           help="protect (edit and move) the tour and library pages at "
                                f"LEVEL (default: {DEFAULT_LEVEL}; none: leave them as they are)")
            p.add_argument("--protect-translations", default=DEFAULT_TRANSLATIONS_LEVEL,
                           metavar="LEVEL", help="protect the translation and approvals pages at "
                           "LEVEL (default: "
                           f"{DEFAULT_TRANSLATIONS_LEVEL}; none: leave them as they are)")
            p.add_argument("--approvals", default=APPROVALS_TITLE, metavar="TITLE",
                           help="with --tours: make this approvals page (JSON) if missing "
                                f"(default: {APPROVALS_TITLE}; docs/community.md, Trust)")
        p.set_defaults(run=run)


def main(argv: list[str] | None = None) -> int:
    """``python -m tours …`` with every command; the exit status."""
    return cli.main(argv, commands=(add_parsers,))


if __name__ == "__main__":
    sys.exit(main())
