"""The bot's reading positions, kept on the wiki in ``Project:Wikitours/Bot/State.json``.

Only *where to start reading* lives here (the new-users log position, the app's assertions
cursor, the stop page revision the operator acknowledged). Whether someone was welcomed, told
or congratulated is never stored here but read from the markers on the pages themselves, so a
lost or stale state costs re-reading, never a second post. The page is public JSON, so anyone
can see how far the bot got.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

__all__ = ["State", "parse_state", "render_state", "merge_states"]


@dataclass(frozen=True)
class State:
    """*logid*/*timestamp*: the last new account handled; *assertions*: the app's ``next``
    cursor; *stop_revid*: the stop page revision the operator acknowledged (None: never run)."""

    timestamp: str = ""
    logid: int = 0
    assertions: str = ""
    stop_revid: int | None = None


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
    stop = data.get("stop") if isinstance(data.get("stop"), dict) else {}
    logid = users.get("logid")
    stop_revid = stop.get("revid")
    return State(
        timestamp=users.get("timestamp") if isinstance(users.get("timestamp"), str) else "",
        logid=logid if isinstance(logid, int) and not isinstance(logid, bool) else 0,
        assertions=badges.get("since") if isinstance(badges.get("since"), str) else "",
        stop_revid=stop_revid if isinstance(stop_revid, int) and not isinstance(stop_revid, bool)
        else None)


def render_state(state: State) -> str:
    return json.dumps({"format": 1,
                       "newusers": {"timestamp": state.timestamp, "logid": state.logid},
                       "assertions": {"since": state.assertions},
                       "stop": {"revid": state.stop_revid}}, indent=1) + "\n"


def merge_states(ours: State, theirs: State) -> State:
    """Combine with a state another copy of the bot saved meanwhile: the further log position
    wins (both copies handled everything before their own)."""
    if (theirs.logid, theirs.timestamp) > (ours.logid, ours.timestamp):
        ours = replace(ours, logid=theirs.logid, timestamp=theirs.timestamp)
    return ours
