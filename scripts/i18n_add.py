"""Add source messages to a component's ``en.json`` and ``qqq.json``, safely while others do too.

Several people (and engineers' tools) add messages at the same time; a hand edit of ``en.json``
can silently drop someone else's key. This tool holds an exclusive lock on ``en.json`` while it
reads, adds and writes both files, keeps the existing order and formatting (tab-indented banana
JSON, like MediaWiki's), and refuses to change the text of an existing key unless ``--replace``
is given (a changed source text makes every translation of it outdated, on purpose).

    python scripts/i18n_add.py i18n/compiler KEY "English text" "Documentation for translators"
    python scripts/i18n_add.py i18n/compiler --from new-messages.json
        (a JSON object {"KEY": ["English text", "documentation"], ...})
"""

from __future__ import annotations

import argparse
import fcntl
import json
import sys
from pathlib import Path


def _load(path: Path) -> dict:
    if not path.exists() or not path.read_text(encoding="utf-8").strip():
        return {"@metadata": {"authors": ["wikitours contributors"]}}
    return json.loads(path.read_text(encoding="utf-8"))


def _dump(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent="\t") + "\n"


def add(directory: Path, new: dict[str, tuple[str, str]], replace: bool = False) -> list[str]:
    """Add *new* (key → (English, documentation)); returns the problems (nothing written then)."""
    en_path, qqq_path = directory / "en.json", directory / "qqq.json"
    directory.mkdir(parents=True, exist_ok=True)
    en_path.touch(exist_ok=True)
    with open(en_path, "r+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        en, qqq = _load(en_path), _load(qqq_path)
        problems = []
        for key, (text, doc) in new.items():
            if not key.startswith("wikitours-") or key.startswith("@"):
                problems.append(f"{key}: keys start with 'wikitours-'")
            elif not doc.strip():
                problems.append(f"{key}: document the message for translators (qqq)")
            elif key in en and en[key] != text and not replace:
                problems.append(f"{key}: already exists with another text:\n    {en[key]!r}\n"
                                "    use --replace to change it (its translations become outdated)")
        if problems:
            return problems
        for key, (text, doc) in new.items():
            en[key] = text
            qqq[key] = doc
        qqq_path.write_text(_dump(qqq), encoding="utf-8")
        handle.seek(0)
        handle.truncate()
        handle.write(_dump(en))
    return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory", type=Path)
    parser.add_argument("message", nargs="*", help="KEY TEXT DOCUMENTATION")
    parser.add_argument("--from", dest="source", type=Path)
    parser.add_argument("--replace", action="store_true")
    args = parser.parse_args(argv)
    new: dict[str, tuple[str, str]] = {}
    if args.source:
        for key, value in json.loads(args.source.read_text(encoding="utf-8")).items():
            new[key] = (value[0], value[1])
    if args.message:
        if len(args.message) != 3:
            parser.error("give KEY TEXT DOCUMENTATION")
        new[args.message[0]] = (args.message[1], args.message[2])
    problems = add(args.directory, new, args.replace)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
