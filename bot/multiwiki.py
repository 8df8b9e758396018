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

from tours.model import Problem

__all__ = ["WikiConfig", "LibraryConfig", "Config", "parse_config", "load_config", "app_wikis",
           "user_config_lines", "bot_run_args", "main"]

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

    @property
    def single(self) -> bool:
        return not self.tours.endswith("/")


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
              "status", "previews", "help-prefix", "settings", "origins"}


def parse_config(data: Any, filename: str = "wikis.yaml") -> tuple[Config | None, list[Problem]]:
    """Check a loaded config document; ``(None, problems)`` when it has any error."""
    problems: list[Problem] = []

    def err(message: str, hint: str) -> None:
        problems.append(Problem(filename, 1, 1, message, hint))

    if not isinstance(data, Mapping):
        err("the configuration must be a mapping with `library:` and `wikis:`", "see docs/community.md")
        return None, problems
    raw_wikis = data.get("wikis")
    if not isinstance(raw_wikis, list) or not raw_wikis:
        err("`wikis:` must list at least one wiki", "add the library wiki under wikis:")
        return None, problems
    wikis: list[WikiConfig] = []
    seen: set[str] = set()
    for n, raw in enumerate(raw_wikis, 1):
        if not isinstance(raw, Mapping):
            err(f"wikis entry {n} is not a mapping", "give id, api, language …")
            continue
        unknown = sorted(set(map(str, raw)) - _WIKI_KEYS)
        if unknown:
            err(f"wikis entry {n}: unknown key(s) {', '.join(unknown)}",
                f"use only {', '.join(sorted(_WIKI_KEYS))}")
        wid = str(raw.get("id", ""))
        if not _ID.match(wid):
            err(f"wikis entry {n}: id {wid!r} is not a short id like dewiki", "use lower-case letters and digits")
            continue
        if wid in seen:
            err(f"wiki {wid!r} is listed twice", "give each wiki once")
        seen.add(wid)
        api = str(raw.get("api", ""))
        if not _URL.match(api) or not api.endswith("api.php"):
            err(f"wiki {wid}: api {api!r} is not the URL of an api.php", "give e.g. https://xx.wikipedia.org/w/api.php")
        lang = str(raw.get("language", "en"))
        if not _LANG.match(lang):
            err(f"wiki {wid}: {lang!r} is not a language code", "give a MediaWiki language code such as ar")
        settings = raw.get("settings") or {}
        if not isinstance(settings, Mapping):
            err(f"wiki {wid}: settings must be a mapping", "write settings: {key: value}")
            settings = {}
        values = {k: str(raw.get(k.replace("_", "-"), default)) for k, default in (
            ("variant", ""), ("variant_page", ""), ("mentors", WikiConfig.mentors),
            ("status", WikiConfig.status), ("previews", WikiConfig.previews),
            ("help_prefix", WikiConfig.help_prefix), ("project", "Project"))}
        for key in ("variant_page", "mentors", "status", "previews", "help_prefix"):
            if values[key] and _TITLE_BAD.search(values[key]):
                err(f"wiki {wid}: {key.replace('_', '-')} {values[key]!r} is not a page title",
                    "remove [ ] { } | < > # from it")
        index = str(raw.get("index") or api[: -len("api.php")] + "index.php")
        wikis.append(WikiConfig(id=wid, api=api, index=index, language=lang,
                                settings=dict(settings), **values))
    lib = data.get("library")
    library = None
    if not isinstance(lib, Mapping) or not lib.get("wiki"):
        err("`library:` must name the wiki holding the tours (library: {wiki: ID})",
            "add library: {wiki: <id of the library wiki>}")
    else:
        library = LibraryConfig(wiki=str(lib["wiki"]),
                                tours=str(lib.get("tours", LibraryConfig.tours)),
                                header=str(lib.get("header", LibraryConfig.header)),
                                translations=str(lib.get("translations", LibraryConfig.translations)))
        if library.wiki not in seen:
            err(f"library wiki {library.wiki!r} is not listed under wikis:", "list it under wikis:")
        for key in ("tours", "header", "translations"):
            value = getattr(library, key)
            if value and _TITLE_BAD.search(value):
                err(f"library {key} {value!r} is not a page title", "remove [ ] { } | < > # from it")
        if not library.translations.endswith("/"):
            err("library translations must end with / (pages <prefix><lang>.json)",
                "write e.g. Project:Wikitours/i18n/")
    if any(p.severity == "error" for p in problems) or library is None:
        return None, problems
    return Config(library, tuple(wikis)), problems


def load_config(path: str | Path) -> tuple[Config | None, list[Problem]]:
    """Read *path* (YAML or JSON) and :func:`parse_config` it."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        return None, [Problem(name, 1, 1, f"cannot read the configuration: {error.strerror}",
                              "give the path of your wikis.yaml")]
    try:
        data = json.loads(text) if name.endswith(".json") else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as error:
        return None, [Problem(name, 1, 1, f"not valid YAML/JSON: {error}", "fix the syntax")]
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
    out = ["# wikitours: one Pywikibot family per wiki of wikis.yaml (python -m bot.multiwiki user-config)"]
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
    """``python -m bot.multiwiki user-config|run -wikis:FILE [bot.run options]``."""
    import subprocess
    import sys

    args = list(sys.argv[1:] if argv is None else argv)
    command = args.pop(0) if args and not args[0].startswith("-") else ""
    path = next((a.split(":", 1)[1] for a in args if a.startswith("-wikis:")), "wikis.yaml")
    rest = [a for a in args if not a.startswith("-wikis:")]
    config, problems = load_config(path)
    for p in problems:
        print(p, file=sys.stderr)
    if config is None or command not in ("user-config", "run"):
        if command not in ("user-config", "run"):
            print("usage: python -m bot.multiwiki user-config|run -wikis:FILE [bot.run options]", file=sys.stderr)
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
