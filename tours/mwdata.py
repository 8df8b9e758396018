"""Generate the MediaWiki facts the validator needs from MediaWiki's own source.

Which special pages exist and which namespace names mean which numbers are MediaWiki's
business, not ours, so they are read from an installed MediaWiki (Debian's
``/usr/share/mediawiki``) and pinned into ``tours/data/*.json``; nothing here is a
hand-written table. Run ``python -m tours.mwdata --from /usr/share/mediawiki`` after a
MediaWiki upgrade and commit the result.

* ``special-pages.json``: canonical special page names from
  ``includes/specialpage/SpecialPageFactory.php`` (``CORE_LIST`` and the pages that
  ``getPageList()`` adds depending on the configuration), each with its English aliases from
  ``languages/messages/MessagesEn.php``; plus the special pages of the bundled extensions
  (``extension.json`` ``SpecialPages``, aliases from their ``*.alias.php``).
* ``actions.json``: the page actions of ``includes/actions/ActionFactory.php``.
* ``namespaces.json``: canonical namespace names and numbers from ``includes/Defines.php`` and
  ``includes/title/NamespaceInfo.php``, the bundled extensions' namespaces, and the aliases of
  ``$namespaceAliases`` in ``MessagesEn.php``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

_ENTRY = re.compile(r"^\t\t'(\w+)' => ", re.M)
_LIST_ADD = re.compile(r"\$this->list\['(\w+)'\]")
_ALIAS_LINE = re.compile(r"^\s*'(\w+)'\s*=>\s*\[([^\]]*)\]", re.M)
_STRING = re.compile(r"'((?:[^'\\]|\\.)*)'")


def _php_block(source: str, start_pattern: str) -> str:
    """The text of a PHP array literal that starts after *start_pattern*, up to its matching ``];``."""
    start = source.index(start_pattern)
    open_at = source.index("[", start)
    depth = 0
    for i in range(open_at, len(source)):
        ch = source[i]
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return source[open_at : i + 1]
    raise ValueError(f"unterminated array after {start_pattern!r}")


def _english_aliases(source: str) -> dict[str, list[str]]:
    """``'Name' => [ 'Alias', … ]`` lines of an ``$specialPageAliases`` (English part)."""
    return {m.group(1): _STRING.findall(m.group(2)) for m in _ALIAS_LINE.finditer(source)}


def special_pages(mw: Path) -> dict[str, list[str]]:
    factory = (mw / "includes/specialpage/SpecialPageFactory.php").read_text("utf-8")
    core = _php_block(factory, "private const CORE_LIST")
    names = set(_ENTRY.findall(core))
    page_list = factory[factory.index("function getPageList") :]
    page_list = page_list[: page_list.index("\n\t}\n")]
    names.update(_LIST_ADD.findall(page_list))
    en = (mw / "languages/messages/MessagesEn.php").read_text("utf-8")
    aliases = _english_aliases(_php_block(en, "$specialPageAliases"))
    for ext in sorted((mw / "extensions").iterdir()):
        manifest = ext / "extension.json"
        if not manifest.is_file():
            continue
        data = json.loads(manifest.read_text("utf-8"))
        ext_names = set(data.get("SpecialPages", {}))
        names.update(ext_names)
        for file in data.get("ExtensionMessagesFiles", {}).values():
            if "alias" not in file.lower() or not (ext / file).is_file():
                continue
            text = (ext / file).read_text("utf-8", "replace")
            match = re.search(r"\$specialPageAliases\['en'\]\s*=\s*\[", text)
            if match:
                block = _php_block(text, match.group(0))
                for name, found in _english_aliases(block).items():
                    if name in ext_names:
                        aliases[name] = found
    return {name: sorted(set(aliases.get(name, [])) | {name}) for name in sorted(names)}


def namespaces(mw: Path) -> dict[str, int]:
    defines = (mw / "includes/Defines.php").read_text("utf-8")
    numbers = {m.group(1): int(m.group(2)) for m in re.finditer(r"define\( '(NS_\w+)', (-?\d+) \)", defines)}
    info = (mw / "includes/title/NamespaceInfo.php").read_text("utf-8")
    result: dict[str, int] = {}
    for const, name in re.findall(r"^\t\t(NS_\w+)\s*=>\s*'([^']*)'", info, re.M):
        if const in numbers:
            result[name.replace("_", " ") or "(main)"] = numbers[const]
    en = (mw / "languages/messages/MessagesEn.php").read_text("utf-8")
    block = _php_block(en, "$namespaceAliases")
    for alias, const in re.findall(r"'([^']+)'\s*=>\s*(NS_\w+)", block):
        if const in numbers:
            result.setdefault(alias.replace("_", " "), numbers[const])
    for ext in sorted((mw / "extensions").iterdir()):
        manifest = ext / "extension.json"
        if manifest.is_file():
            for ns in json.loads(manifest.read_text("utf-8")).get("namespaces", []):
                result.setdefault(ns["name"].replace("_", " "), int(ns["id"]))
    return dict(sorted(result.items(), key=lambda kv: (kv[1], kv[0])))


def actions(mw: Path) -> list[str]:
    """Action names (``view``, ``edit``, ``submit``, ``history``…) of ``ActionFactory::CORE_ACTIONS``."""
    factory = (mw / "includes/actions/ActionFactory.php").read_text("utf-8")
    return sorted(set(_ENTRY.findall(_php_block(factory, "private const CORE_ACTIONS"))))


def mediawiki_version(mw: Path) -> str:
    match = re.search(r"define\( 'MW_VERSION', '([^']+)' \)", (mw / "includes/Defines.php").read_text("utf-8"))
    return match.group(1) if match else "unknown"


def generate(mw: Path, out: Path = DATA) -> list[Path]:
    """Write ``special-pages.json``, ``namespaces.json`` and ``actions.json`` into *out*; returns the paths."""
    out.mkdir(parents=True, exist_ok=True)
    version = mediawiki_version(mw)
    note = f"Generated by `python -m tours.mwdata` from MediaWiki {version}; do not edit."
    written = []
    for name, payload in (
        ("special-pages.json", {"comment": note, "mediawiki": version, "pages": special_pages(mw)}),
        ("namespaces.json", {"comment": note, "mediawiki": version, "namespaces": namespaces(mw)}),
        ("actions.json", {"comment": note, "mediawiki": version, "actions": actions(mw)}),
    ):
        path = out / name
        path.write_text(json.dumps(payload, indent=1, ensure_ascii=False, sort_keys=False) + "\n", "utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tours.mwdata", description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="mw", default="/usr/share/mediawiki", help="MediaWiki installation")
    parser.add_argument("--out", default=str(DATA), help="output folder (default: tours/data)")
    ns = parser.parse_args(argv)
    try:
        for path in generate(Path(ns.mw), Path(ns.out)):
            print(f"wrote {path}")
    except (OSError, ValueError) as err:
        print(f"error: cannot read MediaWiki from {ns.mw}: {err}", file=sys.stderr)
        print("    hint: install the Debian package 'mediawiki' or pass --from DIR", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
