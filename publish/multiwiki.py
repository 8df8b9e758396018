"""One deployment serving many wikis: the list of wikis, read from one YAML or JSON file.

Contracts §10 names a wiki by a short id with its ``api`` and ``index`` URLs, language and
``Project:`` namespace name; this file adds what the sync needs: where the library lives and how
each wiki adapts it. Example (``wikis.yaml``, kept private beside the bot's user-config):

.. code-block:: yaml

    library:                       # the global library, on one of the wikis below
      wiki: meta
      tours: "Project:Wikitours/Tours/"     # ends with "/": one page per tour (<id>.yaml)
      header: "Project:Wikitours/Library.yaml"   # badges, settings (optional)
      translations: "Project:Wikitours/i18n/"    # <lang>.json pages, banana JSON
      drafts: "Project:Wikitours/Drafts/"        # <id>.yaml draft tours, previewed only ("" = none)
    wikis:
      - id: meta
        api: https://meta.example/w/api.php
        index: https://meta.example/w/index.php
        language: en
        project: Project
      - id: arwiki
        api: ...
        language: ar
        variant: arwiki                            # the id of its local adaptation
        variant-page: "Project:Wikitours/Local.yaml"   # on arwiki itself
        mentors: "Project:Wikitours/Mentors.json"
        settings: {welcome: true, event-url: ""}
        trust:                                     # who publishes (publish/trust.py); defaults:
          publish: {rights: [editsitejson]}
          translate: {rights: [translate-messagereview, patrol, rollback, autopatrol]}
          protect: sysop                           # tour, library, adaptation pages
          protect-translations: autoconfirmed      # translation pages, the approvals page

``tours`` not ending in ``/`` names one page holding the whole library. Every wiki gets the
tours of the library wiki on the next sync; ``variant`` picks an entry of the library's own
``wikis:`` list or, with ``variant-page``, the wiki's own page. :func:`app_wikis` gives the app's
``WIKIS`` setting from the same file, so the bot and the app serve the same list. Parsing is
pure and returns problems as values.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import yaml

from publish.trust import DEFAULT_TRUST, TrustConfig, parse_trust
from tours.model import Problem
from tours.problemkinds import json_error_text, os_error_text
from tours.problemtext import T, Text
from tours.yamltree import yaml_error_what

__all__ = ["WikiConfig", "LibraryConfig", "Config", "drafts_beside", "parse_config", "load_config", "app_wikis",
           "user_config_lines", "bot_run_args", "main"]

#: libyaml's safe loader when available (as in :mod:`tours.yamltree`), whose errors have messages.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ID = re.compile(r"^[a-z0-9][a-z0-9_.:-]{0,63}$")
_LANG = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$")
_URL = re.compile(r"^https?://[^\s/]+(/[^\s]*)?$")
_TITLE_BAD = re.compile(r"[\[\]{}|<>#\x00-\x1f\x7f]")


@dataclass(frozen=True)
class LibraryConfig:
    """Where the global library lives (pages on the library wiki)."""

    wiki: str
    tours: str = "Project:Wikitours/Tours/"
    header: str = "Project:Wikitours/Library.yaml"
    translations: str = "Project:Wikitours/i18n/"
    #: Draft tours (``<drafts><id>.yaml``): compiled into previews, never published. By default
    #: beside the tours prefix (:func:`drafts_beside`); ``""`` turns drafts off.
    drafts: str = "Project:Wikitours/Drafts/"

    @property
    def single(self) -> bool:
        return not self.tours.endswith("/")


def drafts_beside(tours: str) -> str:
    """The default drafts prefix, beside the tours: ``Project:Wikitours/Tours/`` and
    ``Project:Wikitours/Tours.yaml`` give ``Project:Wikitours/Drafts/``; a tours prefix without a
    parent page (``Project:Tours/``) gives ``Project:Tours drafts/``. Either way the drafts share
    a long prefix with the tours, so one listing finds both."""
    base = tours.rstrip("/")
    base = base[:-5] if base.endswith(".yaml") else base
    return f"{base.rpartition('/')[0]}/Drafts/" if "/" in base else f"{base} drafts/"


@dataclass(frozen=True)
class WikiConfig:
    """One wiki the deployment serves."""

    id: str
    api: str
    index: str = ""
    language: str = "en"
    project: str = "Project"
    variant: str = ""
    variant_page: str = ""
    mentors: str = "Project:Wikitours/Mentors.json"
    status: str = "Project:Wikitours/Status"
    previews: str = "Project:Wikitours/Preview/"
    help_prefix: str = "Help:Wikitours"
    settings: Mapping[str, Any] = field(default_factory=dict)
    #: Who publishes (and who protects what): publish/trust.py, docs/community.md "Trust".
    trust: TrustConfig = DEFAULT_TRUST


@dataclass(frozen=True)
class Config:
    library: LibraryConfig
    wikis: tuple[WikiConfig, ...]

    def wiki(self, wiki_id: str) -> WikiConfig | None:
        return next((w for w in self.wikis if w.id == wiki_id), None)

    @property
    def library_wiki(self) -> WikiConfig:
        found = self.wiki(self.library.wiki)
        assert found is not None  # parse_config guarantees it
        return found


_WIKI_KEYS = {"id", "api", "index", "language", "project", "variant", "variant-page", "mentors",
              "status", "previews", "help-prefix", "settings", "origins", "trust"}


def parse_config(data: Any, filename: str = "wikis.yaml") -> tuple[Config | None, list[Problem]]:
    """Check a loaded config document; ``(None, problems)`` when it has any error."""
    problems: list[Problem] = []

    def err(message: Text, hint: Text) -> None:
        problems.append(Problem(filename, 1, 1, message, hint))

    if not isinstance(data, Mapping):
        err(T("wikitours-problem-config-not-mapping", "`library:`", "`wikis:`"),
            T("wikitours-hint-config-see-docs", "docs/community.md"))
        return None, problems
    raw_wikis = data.get("wikis")
    if not isinstance(raw_wikis, list) or not raw_wikis:
        err(T("wikitours-problem-config-no-wikis", "`wikis:`"),
            T("wikitours-hint-config-add-library-wiki", "wikis:"))
        return None, problems
    wikis: list[WikiConfig] = []
    seen: set[str] = set()
    for n, raw in enumerate(raw_wikis, 1):
        if not isinstance(raw, Mapping):
            err(T("wikitours-problem-config-entry-not-mapping", "wikis", n),
                T("wikitours-hint-config-entry-keys", "id, api, language"))
            continue
        unknown = sorted(set(map(str, raw)) - _WIKI_KEYS)
        if unknown:
            err(T("wikitours-problem-config-unknown-keys", "wikis", n, ", ".join(unknown)),
                T("wikitours-hint-config-use-only", ", ".join(sorted(_WIKI_KEYS))))
        wid = str(raw.get("id", ""))
        if not _ID.match(wid):
            err(T("wikitours-problem-config-bad-id", "wikis", n, "id", wid, "dewiki"),
                T("wikitours-hint-config-id-characters"))
            continue
        if wid in seen:
            err(T("wikitours-problem-config-wiki-twice", wid), T("wikitours-hint-config-wiki-once"))
        seen.add(wid)
        api = str(raw.get("api", ""))
        if not _URL.match(api) or not api.endswith("api.php"):
            err(T("wikitours-problem-config-bad-api", wid, "api", api, "api.php"),
                T("wikitours-hint-config-give-example", "https://xx.wikipedia.org/w/api.php"))
        lang = str(raw.get("language", "en"))
        if not _LANG.match(lang):
            err(T("wikitours-problem-config-bad-language", wid, lang),
                T("wikitours-hint-config-language-code", "ar"))
        settings = raw.get("settings") or {}
        if not isinstance(settings, Mapping):
            err(T("wikitours-problem-config-settings-not-mapping", wid, "settings"),
                T("wikitours-hint-config-write", "settings: {key: value}"))
            settings = {}
        values = {k: str(raw.get(k.replace("_", "-"), default)) for k, default in (
            ("variant", ""), ("variant_page", ""), ("mentors", WikiConfig.mentors),
            ("status", WikiConfig.status), ("previews", WikiConfig.previews),
            ("help_prefix", WikiConfig.help_prefix), ("project", "Project"))}
        for key in ("variant_page", "mentors", "status", "previews", "help_prefix"):
            if values[key] and _TITLE_BAD.search(values[key]):
                err(T("wikitours-problem-config-wiki-not-title", wid, key.replace("_", "-"),
                      values[key]),
                    T("wikitours-hint-config-title-characters", "[ ] { } | < > #"))
        index = str(raw.get("index") or api[: -len("api.php")] + "index.php")
        trust = parse_trust(raw.get("trust"), wid, err)
        wikis.append(WikiConfig(id=wid, api=api, index=index, language=lang,
                                settings=dict(settings), trust=trust, **values))
    lib = data.get("library")
    library = None
    if not isinstance(lib, Mapping) or not lib.get("wiki"):
        err(T("wikitours-problem-config-no-library", "`library:`", "library: {wiki: ID}"),
            T("wikitours-hint-config-add-library", "library", "wiki"))
    else:
        library = LibraryConfig(wiki=str(lib["wiki"]),
                                tours=str(lib.get("tours", LibraryConfig.tours)),
                                header=str(lib.get("header", LibraryConfig.header)),
                                translations=str(lib.get("translations", LibraryConfig.translations)),
                                drafts=str(lib["drafts"] if lib.get("drafts") is not None
                                           else drafts_beside(str(lib.get("tours", LibraryConfig.tours)))))
        if library.wiki not in seen:
            err(T("wikitours-problem-config-library-not-listed", library.wiki, "wikis:"),
                T("wikitours-hint-config-list-it", "wikis:"))
        for key in ("tours", "header", "translations", "drafts"):
            value = getattr(library, key)
            if value and _TITLE_BAD.search(value):
                err(T("wikitours-problem-config-library-not-title", key, value),
                    T("wikitours-hint-config-title-characters", "[ ] { } | < > #"))
        if not library.translations.endswith("/"):
            err(T("wikitours-problem-config-translations-slash", "translations",
                  "<prefix><lang>.json"),
                T("wikitours-hint-config-give-example-write", "Project:Wikitours/i18n/"))
        if library.drafts and (not library.drafts.endswith("/") or library.drafts in (
                library.tours, library.translations)):
            err(T("wikitours-problem-config-translations-slash", "drafts", "<prefix><id>.yaml"),
                T("wikitours-hint-config-give-example-write", "Project:Wikitours/Drafts/"))
    if any(p.severity == "error" for p in problems) or library is None:
        return None, problems
    return Config(library, tuple(wikis)), problems


def load_config(path: str | Path) -> tuple[Config | None, list[Problem]]:
    """Read *path* (YAML or JSON) and :func:`parse_config` it."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        return None, [Problem(name, 1, 1,
                              T("wikitours-problem-config-cannot-read", os_error_text(error)),
                              T("wikitours-hint-config-give-path"))]
    try:
        data = json.loads(text) if name.endswith(".json") else yaml.load(text, Loader=_LOADER)
    except json.JSONDecodeError as error:
        return None, [Problem(name, error.lineno, error.colno, T("wikitours-problem-config-syntax",
                                                                 json_error_text(error)),
                              T("wikitours-hint-config-fix-syntax"))]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        return None, [Problem(name, line, column,
                              T("wikitours-problem-config-syntax", yaml_error_what(error)),
                              T("wikitours-hint-config-fix-syntax"))]
    except ValueError as error:  # e.g. a number too long to read
        return None, [Problem(name, 1, 1, T("wikitours-problem-config-syntax", str(error)),
                              T("wikitours-hint-config-fix-syntax"))]
    return parse_config(data, name)


def app_wikis(config: Config) -> list[dict]:
    """The app's ``WIKIS`` setting (contracts §10) for the same wikis."""
    return [{"id": w.id, "api": w.api, "index": w.index, "language": w.language,
             "project": w.project} for w in config.wikis]


# ---------------------------------------------------------------------------------------------
# Running the other bots for every wiki


def user_config_lines(config: Config, account: str = "WikitoursBot") -> str:
    """Lines for Pywikibot's ``user-config.py``: each wiki id as a family (its API URL) with the
    bot's account. Passwords go to the password file (``password_file``), never here."""
    out = ["# wikitours: one Pywikibot family per wiki of wikis.yaml (python -m publish.multiwiki user-config)"]
    for w in config.wikis:
        out.append(f"family_files[{w.id!r}] = {w.api!r}")
        out.append(f"usernames[{w.id!r}][{w.id!r}] = {str(w.settings.get('account', account))!r}")
    return "\n".join(out) + "\n"


def bot_run_args(wiki: WikiConfig) -> list[str]:
    """Arguments of ``python -m bot.run`` for *wiki* (its family, language, help pages and the
    extra ``bot-args`` of its settings)."""
    args = [f"-family:{wiki.id}", f"-lang:{wiki.id}", f"-language:{wiki.language}",
            f"-help-prefix:{wiki.help_prefix}"]
    extra = wiki.settings.get("bot-args") or []
    if isinstance(extra, list):
        args += [str(a) for a in extra]
    return args


def main(argv: list[str] | None = None) -> int:
    """``python -m publish.multiwiki user-config|run -wikis:FILE [bot.run options]``."""
    import subprocess
    import sys

    args = list(sys.argv[1:] if argv is None else argv)
    command = args.pop(0) if args and not args[0].startswith("-") else ""
    path = next((a.split(":", 1)[1] for a in args if a.startswith("-wikis:")), "wikis.yaml")
    rest = [a for a in args if not a.startswith("-wikis:")]
    from tours.cli import output_language
    from tours.problemtext import format_problem

    config, problems = load_config(path)
    lang = output_language()
    for p in problems:
        print(format_problem(p, lang), file=sys.stderr)
    if config is None or command not in ("user-config", "run"):
        if command not in ("user-config", "run"):
            print("usage: python -m publish.multiwiki user-config|run -wikis:FILE [bot.run options]", file=sys.stderr)
        return 1 if config is None else 2
    if command == "user-config":
        print(user_config_lines(config), end="")
        return 0
    failed = 0
    for wiki in config.wikis:
        done = subprocess.run([sys.executable, "-m", "bot.run", *bot_run_args(wiki), *rest],
                              cwd=Path(__file__).resolve().parent.parent)
        failed += done.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
