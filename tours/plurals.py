"""Plural forms chosen the way MediaWiki chooses them, from MediaWiki's own CLDR data.

``{{PLURAL:n|form|form|…}}`` picks a form by the plural rules of the text's language. MediaWiki
numbers the rules of ``languages/data/plurals.xml`` (overridden by ``plurals-mediawiki.xml``) in
file order, leaving out ``other``; the form at the index of the first rule that matches is
taken, ``other`` is the index after the last rule, and with fewer forms than that the last form
is used. An explicit form ``N=text`` wins when the number equals N. A language without rules of
its own (or only ``other``, like Japanese) uses those of the first language in its fallback chain
that has some, English last: this is what MediaWiki 1.39 shows, checked against it in the tests.
MediaWiki reads the number as a float (``1.0`` is 1, ``0.0`` matches ``0=``); it parses it with the
language's own separators, which this module does not (callers pass plain numbers).

``python -m tours languages`` copies the rules into ``tours/data/plurals.json`` (the compiler and
the app must work without MediaWiki installed); Babel's CLDR rule parser evaluates them, so no
rule is written by hand here.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from babel.plural import PluralRule

__all__ = ["DATA_FILE", "read_mediawiki", "plurals_json", "rules_for", "form_index", "choose"]

DATA_FILE = Path(__file__).resolve().parent / "data" / "plurals.json"
_FILES = ("plurals.xml", "plurals-mediawiki.xml")


def read_mediawiki(root: Path) -> dict[str, list[str]]:
    """Language code → its rule conditions in MediaWiki's order (``other`` left out)."""
    rules: dict[str, list[str]] = {}
    for name in _FILES:
        tree = ET.parse(Path(root) / "languages" / "data" / name)
        for group in tree.iter("pluralRules"):
            conditions = [(rule.text or "").split("@", 1)[0].strip()
                          for rule in group.findall("pluralRule") if rule.get("count") != "other"]
            for code in (group.get("locales") or "").split():
                rules[code.lower()] = conditions
    return rules


def plurals_json(rules: dict[str, list[str]]) -> str:
    """The generated data file: sorted, one language a line, so diffs stay readable."""
    lines = [f"  {json.dumps(code)}: {json.dumps(rules[code], ensure_ascii=False)}"
             for code in sorted(rules)]
    return "{\n" + ",\n".join(lines) + "\n}\n"


@lru_cache(maxsize=1)
def _data() -> dict[str, list[str]]:
    try:
        return json.loads(DATA_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


@lru_cache(maxsize=512)
def _compiled(conditions: tuple[str, ...]) -> tuple[PluralRule, ...]:
    return tuple(PluralRule({"one": condition}) for condition in conditions)


def rules_for(lang: str, fallbacks: Iterable[str] = ()) -> tuple[str, ...]:
    """The rule conditions of *lang*, or of the first of its *fallbacks* that has rules."""
    data = _data()
    for code in (lang, *fallbacks, "en"):
        if data.get(code.lower()):  # like MediaWiki, a language with only "other" falls back
            return tuple(data[code.lower()])
    return ()


def form_index(number: Decimal | int, lang: str, fallbacks: Iterable[str] = ()) -> int:
    """MediaWiki's plural form index of *number* in *lang* (0-based, before capping)."""
    rules = _compiled(rules_for(lang, fallbacks))
    for index, rule in enumerate(rules):
        if rule(number) == "one":
            return index
    return len(rules)


def choose(forms: Sequence[str], number: str, lang: str, fallbacks: Iterable[str] = ()) -> str:
    """The form of ``{{PLURAL:number|forms…}}`` that MediaWiki shows in *lang*."""
    # MediaWiki reads the number as a float, so "1.0" is 1 and "0.0" matches "0=…"
    try:
        parsed = float(number.strip().replace(",", ""))
    except ValueError:
        parsed = 0.0
    if parsed != parsed or parsed in (float("inf"), float("-inf")):
        parsed = 0.0
    value: Decimal | int = int(parsed) if parsed.is_integer() else Decimal(repr(parsed))
    text = str(value)
    plain: list[str] = []
    for form in forms:
        key, sep, rest = form.partition("=")
        if sep and key.strip().isdigit():
            if key.strip() == text:
                return rest
            continue
        plain.append(form)
    if not plain:
        return ""
    return plain[min(form_index(value, lang, fallbacks), len(plain) - 1)]
