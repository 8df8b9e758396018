"""Stamp, in a translation file, which source text each translated message was made from.

A translation (MediaWiki banana JSON, ``i18n/<component>/<lang>.json``) records for every key the
first 8 hex digits of the SHA-1 of the source text it translated, in
``@metadata.source-hashes``. When the source text changes later, the stored hash no longer
matches and the compiler (``python -m tours status``) shows the translation as outdated.

That only works if hashes are stamped when, and only when, a translator has really translated
the current source. So this tool never restamps anything it was not asked to:

    python scripts/i18n_hashes.py i18n/tours/de.json --stamp KEY [KEY ...]
        stamp exactly these keys (the translator has just (re)translated them)
    python scripts/i18n_hashes.py i18n/tours/de.json --stamp-all
        stamp every translated key that has no hash yet (a fresh file); keys whose stored hash
        is outdated are listed and left alone unless ``--force`` is given
    python scripts/i18n_hashes.py i18n/tours/de.json --check
        list missing, outdated, unknown and unstamped keys; exit status 1 if there are any

The source of ``i18n/tours/*.json`` is ``tours.yaml`` (texts exactly as ``yaml.safe_load``
returns them); the source of any other ``i18n/<component>/*.json`` is that folder's ``en.json``.
The algorithm is contract §2: ``hashlib.sha1(text.encode()).hexdigest()[:8]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import yaml

__all__ = ["source_hash", "tour_sources", "component_sources", "sources_for", "main"]

NOT_TRANSLATIONS = ("en.json", "qqq.json")


def source_hash(text: str) -> str:
    """The contract's hash of a source text (first 8 hex digits of SHA-1 over UTF-8)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def _key(*parts: str) -> str:
    # Same as tours.model.message_key; repeated so this script runs without the package.
    return "-".join(("wikitours",) + parts)


def tour_sources(data: object) -> dict[str, str]:
    """Message key -> source text for a loaded ``tours.yaml``, in file order.

    Only what is well-formed enough to name a key is read: validation is the compiler's job.
    """
    out: dict[str, str] = {}
    if not isinstance(data, dict):
        return out
    for tour in data.get("tours") or ():
        if not isinstance(tour, dict) or not isinstance(tour.get("id"), str):
            continue
        tid = tour["id"]
        for field in ("title", "summary"):
            if isinstance(tour.get(field), str):
                out[_key("tour", tid, field)] = tour[field]
        for step in tour.get("steps") or ():
            if not isinstance(step, dict) or not isinstance(step.get("id"), str):
                continue
            for field in ("title", "text"):
                if isinstance(step.get(field), str):
                    out[_key("tour", tid, "step", step["id"], field)] = step[field]
            # a text per skin (``skin-text``) is a message of its own: ``…-text-<skin>``
            per_skin = step.get("skin-text")
            for skin, text in (per_skin.items() if isinstance(per_skin, dict) else ()):
                if isinstance(skin, str) and isinstance(text, str):
                    out[_key("tour", tid, "step", step["id"], "text", skin)] = text
    for badge in data.get("badges") or ():
        if not isinstance(badge, dict) or not isinstance(badge.get("id"), str):
            continue
        for field in ("name", "description"):
            if isinstance(badge.get(field), str):
                out[_key("badge", badge["id"], field)] = badge[field]
    return out


def component_sources(en: dict) -> dict[str, str]:
    """Message key -> source text of a component's ``en.json`` (without ``@metadata``)."""
    return {k: v for k, v in en.items() if not k.startswith("@") and isinstance(v, str)}


def sources_for(translation: Path) -> dict[str, str]:
    """The source texts a translation file translates, found from where the file lives."""
    folder = translation.resolve().parent
    if folder.name == "tours":
        tours_yaml = folder.parent.parent / "tours.yaml"
        with tours_yaml.open(encoding="utf-8") as f:
            return tour_sources(yaml.safe_load(f))
    with (folder / "en.json").open(encoding="utf-8") as f:
        return component_sources(json.load(f))


def _load(path: Path) -> dict:
    with path.open(encoding="utf-8") as f:
        data = json.load(f)
    if not isinstance(data, dict):
        raise ValueError(f"{path}:1:1: a banana JSON file must hold one object")
    return data


def _save(path: Path, data: dict, order: list[str]) -> None:
    """Write banana JSON the way MediaWiki keeps it: tabs, ``@metadata`` first, source order."""
    meta = data.get("@metadata", {})
    hashes = meta.get("source-hashes", {})
    rank = {k: i for i, k in enumerate(order)}
    last = len(order)
    meta["source-hashes"] = dict(sorted(hashes.items(), key=lambda kv: (rank.get(kv[0], last), kv[0])))
    keys = sorted((k for k in data if k != "@metadata"), key=lambda k: (rank.get(k, last), k))
    out = {"@metadata": meta} | {k: data[k] for k in keys}
    path.write_text(json.dumps(out, ensure_ascii=False, indent="\t") + "\n", encoding="utf-8")


def check(data: dict, sources: dict[str, str]) -> list[str]:
    """Readable lines for everything that keeps a translation from being complete and current."""
    hashes = data.get("@metadata", {}).get("source-hashes", {})
    lines = []
    for key, text in sources.items():
        if key not in data:
            lines.append(f"missing: {key}")
        elif key not in hashes:
            lines.append(f"unstamped: {key} (run --stamp {key} once it is translated)")
        elif hashes[key] != source_hash(text):
            lines.append(f"outdated: {key} (the source changed; translate it again, then --stamp it)")
    for key in data:
        if key != "@metadata" and key not in sources:
            lines.append(f"unknown: {key} (no such source message; remove it)")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path, help="a translation, e.g. i18n/tours/de.json")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--stamp", nargs="+", metavar="KEY", help="stamp exactly these keys")
    mode.add_argument("--stamp-all", action="store_true", help="stamp every unstamped key")
    mode.add_argument("--check", action="store_true", help="report, change nothing")
    parser.add_argument("--force", action="store_true",
                        help="with --stamp-all: also restamp keys whose hash is outdated")
    args = parser.parse_args(argv)

    path: Path = args.file
    if path.name in NOT_TRANSLATIONS:
        print(f"{path}: {path.name} is not a translation; nothing to stamp", file=sys.stderr)
        return 2
    try:
        data = _load(path)
        sources = sources_for(path)
    except (OSError, ValueError) as err:  # JSONDecodeError is a ValueError
        print(f"{path}: {err}", file=sys.stderr)
        return 2

    if args.check:
        lines = check(data, sources)
        print("\n".join(lines) if lines else f"{path}: complete and current")
        return 1 if lines else 0

    meta = data.setdefault("@metadata", {})
    meta.setdefault("authors", ["wikitours translators"])
    hashes = meta.setdefault("source-hashes", {})
    problems = 0
    if args.stamp:
        keys = args.stamp
        for key in keys:
            if key not in sources:
                print(f"{path}: {key}: no such source message", file=sys.stderr)
                problems += 1
            elif key not in data:
                print(f"{path}: {key}: not translated in this file; translate it first", file=sys.stderr)
                problems += 1
        if problems:
            return 2
    else:
        keys = []
        for key in sources:
            if key not in data:
                continue
            current = source_hash(sources[key])
            if key not in hashes:
                keys.append(key)
            elif hashes[key] != current:
                if args.force:
                    keys.append(key)
                else:
                    print(f"{path}: {key}: outdated, left alone (check it, then --stamp {key})")
                    problems += 1
    for key in keys:
        hashes[key] = source_hash(sources[key])
        print(f"{path}: stamped {key} {hashes[key]}")
    _save(path, data, list(sources))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
