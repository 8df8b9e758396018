"""A revision as the wiki's API answers it, and what the evidence rules read in its text.

The app's evidence checks (:mod:`toolforge.evidence`) and the practice checks
(:mod:`practice.verify`) judge the same revisions; the shape lives here so that neither has to
import the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Revision", "count_refs"]

_REF = re.compile(r"<ref(?:\s[^>]*)?>|<ref\s[^>]*/>", re.I)


@dataclass(frozen=True)
class Revision:
    """One revision as the wiki answered: *missing* when the id is unknown or deleted."""

    revid: int
    missing: bool = False
    title: str = ""
    namespace: int = 0
    user: str = ""
    timestamp: str = ""
    tags: tuple[str, ...] = ()
    text: str | None = None  # None: not fetched or hidden by revision deletion
    parent_text: str | None = None  # the previous revision's text ("" for a page creation)
    hidden: bool = False  # user or text suppressed by revision deletion
    #: A later revision restored the page to what it was before this edit (an undo, a
    #: rollback or a manual revert), whether or not MediaWiki has tagged it ``mw-reverted`` yet.
    restored_later: bool = False


def count_refs(text: str) -> int:
    """``<ref>`` openings (named, grouped or self-closing) in wikitext."""
    return len(_REF.findall(text or ""))
