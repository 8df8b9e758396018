"""The deploy record, ``MediaWiki:Wikitours/deployed.json`` (contracts §3): read and written here.

After its edits, deploy records what it deployed: ``{"format": 1, "generator", "source",
"library_version", "pages": {"<title>": {"sha256", "revid"}}, "retired": {"<title>":
{"since", "revid"}}}``. The next deploy (any copy of it, on any machine) reads it to tell its
own earlier edits from edits people made since, and to delete retired versions of the gadget's
data after their grace period. Interface admins can edit the page, so reading is forgiving and
a retired entry outside the gadget's versioned titles is ignored (a forged entry must never
make deploy delete another page).
"""

from __future__ import annotations

import json

from contracts.liveversion import VERSIONED_PREFIXES

__all__ = ["STATE_TITLE", "STATE_FORMAT", "parse_state", "parse_retired", "state_text",
           "state_is_current"]

STATE_TITLE = "MediaWiki:Wikitours/deployed.json"
STATE_FORMAT = 1


def parse_state(text: str | None) -> dict:
    """The deploy state page's `pages` map ({title: {"sha256", "revid"}}), {} if unusable."""
    if not text:
        return {}
    try:
        raw = json.loads(text)
    except ValueError:
        return {}
    pages = raw.get("pages") if isinstance(raw, dict) else None
    return {k: v for k, v in pages.items() if isinstance(v, dict)} \
        if isinstance(pages, dict) else {}


def parse_retired(text: str | None) -> dict[str, dict]:
    """The state page's ``retired`` map ({title: {"since": ISO time, "revid": N}}), {} if none."""
    try:
        raw = json.loads(text or "")
    except ValueError:
        return {}
    retired = raw.get("retired") if isinstance(raw, dict) else None
    if not isinstance(retired, dict):
        return {}
    return {t: {"since": v["since"], "revid": int(v.get("revid") or 0)}
            for t, v in retired.items()
            if isinstance(t, str) and t.startswith(VERSIONED_PREFIXES) and isinstance(v, dict)
            and isinstance(v.get("since"), str) and isinstance(v.get("revid", 0), int)}


def state_text(state: dict) -> str:
    return json.dumps(state, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def state_is_current(recorded_text: str | None, wanted: dict) -> bool:
    try:
        return json.loads(recorded_text or "") == wanted
    except ValueError:
        return False
