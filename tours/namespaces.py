"""Namespace names in ``when: namespace:`` → MediaWiki namespace numbers.

Tour writers use MediaWiki's canonical English names (``User talk``, ``Project``, ``Help``),
which are the same on every wiki, or numbers. The names and numbers come from
``tours/data/namespaces.json``, generated from MediaWiki itself by :mod:`tours.mwdata`; the
only additions here are the spellings of the main namespace, which has no name.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

__all__ = ["canonical_names", "resolve", "normalise"]

_DATA = Path(__file__).resolve().parent / "data" / "namespaces.json"
#: The main (article) namespace has an empty name; these are the ways to write it.
MAIN_NAMES = ("(main)", "main", "article", "(article)")


@lru_cache(maxsize=1)
def canonical_names() -> dict[str, int]:
    """Canonical name (``User talk``) → number, as generated from MediaWiki."""
    return dict(json.loads(_DATA.read_text("utf-8"))["namespaces"])


@lru_cache(maxsize=1)
def _folded() -> dict[str, int]:
    table = {normalise(name): number for name, number in canonical_names().items()}
    for name in MAIN_NAMES:
        table[name] = 0
    return table


def normalise(name: str) -> str:
    """``User_talk`` and ``user talk`` are the same name."""
    return " ".join(name.replace("_", " ").split()).casefold()


def resolve(name: str) -> int | None:
    """The number of namespace *name*, or ``None`` if MediaWiki has no such canonical name."""
    return _folded().get(normalise(name))
