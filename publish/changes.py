"""What changed since the last pull or push of a page: the wiki's revision, the content hash
and the three-way decision that both the translations (:mod:`publish.translations`) and the
tour pages (:mod:`publish.seed`) follow, so that neither overwrites an edit it has not seen.
Pure.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Mapping

__all__ = ["WikiRevision", "content_sha", "changed_side"]


@dataclass(frozen=True)
class WikiRevision:
    """The latest revision of a page on the wiki."""

    title: str
    text: str
    revid: int
    timestamp: str
    user: str = ""


def content_sha(text: str) -> str:
    """Hash of the JSON data of *text* (formatting ignored); of the raw text if it is not JSON."""
    try:
        canonical = json.dumps(json.loads(text), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    except ValueError:
        canonical = text
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def changed_side(here: str, there: str, there_revid: int, record: object) -> str:
    """Which side changed since the last sync, from the hashes of the local text (*here*) and
    the wiki page (*there*), the page's revision and the *record* (``{"sha", "revid"}``) of the
    last sync: ``same`` (nothing to do), ``here`` (copy the local text to the wiki), ``there``
    (copy the wiki page here) or ``both`` (both changed, or there is no record: a conflict).

    A wiki page still at the revision of the last sync counts as unchanged, whatever the local
    hash: MediaWiki normalises what it saves (Unicode NFC), so a file can differ from the page it
    was saved as while nobody else has touched the page."""
    if here == there:
        return "same"
    if not isinstance(record, Mapping):
        return "both"
    if there_revid == record.get("revid"):
        return "here"
    if here == record.get("sha"):
        return "there"
    return "both"
