"""The bot's reading positions, kept on the wiki in ``Project:Wikitours/Bot/State.json``.

Only *where to start reading* lives here (the new-users log position, the app's assertions
cursor, the stop page revision the operator acknowledged). Whether someone was welcomed, told
or congratulated is never stored here but read from the markers on the pages themselves, so a
lost or stale state costs re-reading, never a second post. The page is public JSON, so anyone
can see how far the bot got.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace

__all__ = ["State", "parse_state", "render_state", "merge_states", "apply_changes", "save_state"]


@dataclass(frozen=True)
class State:
    """*logid*/*timestamp*: the last new account handled; *assertions*: the app's ``next``
    cursor; *stop_revid*: the stop page revision the operator acknowledged (None: never run)."""

    timestamp: str = ""
    logid: int = 0
    assertions: str = ""
    stop_revid: int | None = None
    #: The app's revocations cursor (an ISO time: the latest revocation recorded on the wiki).
    revocations: str = ""


def parse_state(text: str) -> State:
    """The state in *text*; a missing or broken page is a fresh state (the bot re-reads)."""
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return State()
    if not isinstance(data, dict):
        return State()
    users = data.get("newusers") if isinstance(data.get("newusers"), dict) else {}
    badges = data.get("assertions") if isinstance(data.get("assertions"), dict) else {}
    revoked = data.get("revocations") if isinstance(data.get("revocations"), dict) else {}
    stop = data.get("stop") if isinstance(data.get("stop"), dict) else {}
    logid = users.get("logid")
    stop_revid = stop.get("revid")
    return State(
        timestamp=users.get("timestamp") if isinstance(users.get("timestamp"), str) else "",
        logid=logid if isinstance(logid, int) and not isinstance(logid, bool) else 0,
        assertions=badges.get("since") if isinstance(badges.get("since"), str) else "",
        revocations=revoked.get("since") if isinstance(revoked.get("since"), str)
        and len(revoked["since"]) <= 40 else "",
        stop_revid=stop_revid if isinstance(stop_revid, int) and not isinstance(stop_revid, bool)
        else None)


def render_state(state: State) -> str:
    return json.dumps({"format": 1,
                       "newusers": {"timestamp": state.timestamp, "logid": state.logid},
                       "assertions": {"since": state.assertions},
                       "revocations": {"since": state.revocations},
                       "stop": {"revid": state.stop_revid}}, indent=1) + "\n"


def merge_states(ours: State, theirs: State) -> State:
    """Combine with a state another copy of the bot saved meanwhile: the further log position
    wins (both copies handled everything before their own)."""
    if (theirs.logid, theirs.timestamp) > (ours.logid, ours.timestamp):
        ours = replace(ours, logid=theirs.logid, timestamp=theirs.timestamp)
    return ours


def apply_changes(base: State, changes: dict) -> State:
    """*base* (as saved by anyone) with one run's *changes*; a log position never goes back."""
    state = replace(base, **changes)
    if "logid" in changes and (base.logid, base.timestamp) > (state.logid, state.timestamp):
        state = replace(state, logid=base.logid, timestamp=base.timestamp)
    return state


def save_state(wiki, title: str, page, changes: dict, summary: Callable[[State], str],
               log: Callable[[str], None], attempts: int = 4) -> bool:
    """Apply *changes* to the state page read as *page*, re-reading when someone saved it
    meanwhile (the welcome run and the badge run share the page)."""
    if not changes:
        return True
    for _ in range(attempts):
        state = apply_changes(parse_state(page.text), changes)
        text = render_state(state)
        try:
            if page.exists and json.loads(text) == json.loads(page.text):
                return True
        except ValueError:
            pass
        result = wiki.save(page, text, summary(state), model="json")
        if result.ok:
            return True
        if result.status not in ("conflict", "exists", "missing"):
            log(f"state not saved: {result.status} {result.info}")
            return False
        page = wiki.read([title])[title]
    log("state not saved: it kept changing")
    return False
