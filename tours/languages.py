"""Language data (names, direction, fallback chains) taken from MediaWiki itself.

wikitours must fall back exactly like the wiki does (``de-at → de → en``), so the data is read
from MediaWiki's own ``languages/messages/Messages*.php`` and ``Names.php`` by
``python -m tours languages --from /usr/share/mediawiki`` and committed as
``tours/data/languages.json``: the compiler then works on machines without MediaWiki.

The rules mirror MediaWiki 1.39's ``LocalisationCache``: a language's ``$fallback`` is the whole
chain (it is not followed recursively), ``en`` is appended when the chain does not end in it,
and ``$rtl`` is inherited from the first language in the chain that sets it.
"""

from __future__ import annotations

import json
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = [
    "Language",
    "DATA_FILE",
    "parse_messages_file",
    "parse_names",
    "read_mediawiki",
    "languages_json",
    "load_languages",
    "language",
    "fallback_chain",
    "run_update",
]

DATA_FILE = Path(__file__).resolve().parent / "data" / "languages.json"

_FALLBACK = re.compile(r"^\$fallback\s*=\s*(?:'((?:[^'\\]|\\.)*)'|(false|null))\s*;", re.M)
_RTL = re.compile(r"^\$rtl\s*=\s*(true|false)\s*;", re.M | re.I)
_NAME = re.compile(r"^\s*'([a-z0-9-]+)'\s*=>\s*'((?:[^'\\]|\\.)*)'\s*(?:,|#|$)", re.M)


@dataclass(frozen=True)
class Language:
    """One language as MediaWiki knows it.

    *fallbacks* is the chain MediaWiki tries after the language itself, always ending in ``en``
    (empty for ``en``); *dir* is ``ltr`` or ``rtl``.
    """

    code: str
    name: str
    dir: str
    fallbacks: tuple[str, ...]


def _php_unquote(text: str) -> str:
    return re.sub(r"\\(['\\])", r"\1", text)


def parse_messages_file(text: str) -> tuple[list[str] | None, bool | None]:
    """The ``$fallback`` list and ``$rtl`` flag of one ``Messages*.php`` file (None when unset)."""
    fallback: list[str] | None = None
    m = _FALLBACK.search(text)
    if m:
        if m.group(1) is not None:
            fallback = [p.strip() for p in _php_unquote(m.group(1)).split(",") if p.strip()]
        else:
            fallback = []
    r = _RTL.search(text)
    rtl = None if r is None else r.group(1).lower() == "true"
    return fallback, rtl


def parse_names(text: str) -> dict[str, str]:
    """Autonyms from ``Names.php`` (``'de' => 'Deutsch',``)."""
    return {code: _php_unquote(name) for code, name in _NAME.findall(text)}


def _code_from_filename(name: str) -> str:
    # MessagesDe_at.php -> de-at
    return name[len("Messages") : -len(".php")].lower().replace("_", "-")


def read_mediawiki(root: Path) -> dict[str, Language]:
    """Every language MediaWiki at *root* has a name or a messages file for."""
    messages_dir = root / "languages" / "messages"
    names_file = root / "includes" / "languages" / "data" / "Names.php"
    if not names_file.is_file():  # older layouts
        names_file = root / "languages" / "data" / "Names.php"
    if not messages_dir.is_dir() or not names_file.is_file():
        raise FileNotFoundError(
            f"{root}: no languages/messages/ or Names.php; is this a MediaWiki installation?"
        )
    names = parse_names(names_file.read_text(encoding="utf-8"))
    raw: dict[str, tuple[list[str] | None, bool | None]] = {}
    for path in sorted(messages_dir.glob("Messages*.php")):
        raw[_code_from_filename(path.name)] = parse_messages_file(
            path.read_text(encoding="utf-8", errors="replace")
        )
    result: dict[str, Language] = {}
    for code in sorted(set(names) | set(raw)):
        fallback, _ = raw.get(code, (None, None))
        if code == "en":
            chain: list[str] = []
        else:
            chain = list(fallback or [])
            if not chain or chain[-1] != "en":
                chain.append("en")
        rtl = False
        for c in [code, *chain]:
            flag = raw.get(c, (None, None))[1]
            if flag is not None:
                rtl = flag
                break
        result[code] = Language(
            code=code,
            name=names.get(code, code),
            dir="rtl" if rtl else "ltr",
            fallbacks=tuple(chain),
        )
    return result


def languages_json(languages: dict[str, Language]) -> str:
    """The committed file's text: sorted, one language per line, so diffs stay readable."""
    lines = []
    for code in sorted(languages):
        lang = languages[code]
        entry = {"name": lang.name, "dir": lang.dir, "fallbacks": list(lang.fallbacks)}
        lines.append(f"  {json.dumps(code)}: {json.dumps(entry, ensure_ascii=False)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


@lru_cache(maxsize=4)
def load_languages(path: str | None = None) -> dict[str, Language]:
    """The committed language data (``tours/data/languages.json``)."""
    data = json.loads(Path(path or DATA_FILE).read_text(encoding="utf-8"))
    return {
        code: Language(code, e["name"], e["dir"], tuple(e["fallbacks"])) for code, e in data.items()
    }


def language(code: str) -> Language:
    """The language *code*, or a left-to-right language falling back to ``en`` if unknown."""
    known = load_languages().get(code)
    if known is not None:
        return known
    return Language(code, code, "ltr", () if code == "en" else ("en",))


def fallback_chain(code: str) -> tuple[str, ...]:
    """*code* followed by its MediaWiki fallbacks, e.g. ``("de-at", "de", "en")``."""
    return (code, *language(code).fallbacks)


def run_update(ns) -> int:
    """``python -m tours languages --from DIR``: regenerate ``tours/data/languages.json``."""
    root = Path(getattr(ns, "from_", None) or "/usr/share/mediawiki")
    out = Path(getattr(ns, "out", None) or DATA_FILE)
    try:
        languages = read_mediawiki(root)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{root}: error: {exc}", file=sys.stderr)
        print("    hint: pass --from with the folder of a MediaWiki installation", file=sys.stderr)
        return 1
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(languages_json(languages), encoding="utf-8")
    load_languages.cache_clear()
    print(f"{out}: {len(languages)} languages from {root}")
    from tours import plurals  # the plural rules travel with the language data

    try:
        rules = plurals.read_mediawiki(root)
    except (OSError, ET.ParseError) as exc:
        print(f"{root}: error: plural rules: {exc}", file=sys.stderr)
        return 1
    target = out.parent / plurals.DATA_FILE.name
    target.write_text(plurals.plurals_json(rules), encoding="utf-8")
    print(f"{target}: plural rules of {len(rules)} languages from {root}")
    return 0
