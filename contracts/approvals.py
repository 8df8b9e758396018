"""The approvals page, ``Project:Wikitours/Approved.json`` (contracts §12): read and written here.

People approve a revision of a source page by adding ``"<page title>": <revid>`` (or a list of
ids) to this JSON page; keys starting with ``@`` and values that are not revision ids are
ignored. Who may approve, and which revision added an entry, is the sync's business
(:mod:`bot.trust`); this module reads one version of the page and writes the line to add.
"""

from __future__ import annotations

import json

__all__ = ["MAX_APPROVALS_BYTES", "MAX_APPROVAL_ENTRIES", "parse_approvals", "approval_line"]

#: A version of the approvals page larger than this, or with more entries, is not read (as if
#: its text were hidden): the page is a short list, not a place for payloads.
MAX_APPROVALS_BYTES = 256 * 1024
MAX_APPROVAL_ENTRIES = 5000


def parse_approvals(text: str | None) -> dict[str, tuple[int, ...]]:
    """The entries of one version of the approvals page; ``{}`` when it is not such JSON (an
    entry whose value is not a revision id or a list of them is left out)."""
    try:
        data = json.loads(text or "")
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    out: dict[str, tuple[int, ...]] = {}
    for key, value in list(data.items())[:MAX_APPROVAL_ENTRIES]:
        if not isinstance(key, str) or key.startswith("@") or len(key) > 255:
            continue
        values = value if isinstance(value, list) else [value]
        ids = tuple(v for v in values
                    if isinstance(v, int) and not isinstance(v, bool) and 0 < v < 2 ** 53)
        if ids:
            out[key] = ids
    return out


def approval_line(title: str, revid: int) -> str:
    """The JSON line that approves *revid* of *title* on the approvals page."""
    return f"{json.dumps(title, ensure_ascii=False)}: {int(revid)}"
