"""Simulated newcomers on a real local wiki, fast and at chosen times (outcome tests, bench).

Signing up through the API costs about a second per account (password hashing) and editing
as a newcomer needs a login each; thousands of newcomers would take an hour. Instead
``simulate`` hands a plan to ``tests/outcomes_sim.php`` through MediaWiki's ``eval.php``: one
PHP process creates the accounts with ``User::createNew`` (plus the ``newusers/create`` log
entry sign-up writes) and saves the edits with ``PageUpdater`` as those users, with
MediaWiki's fake clock set to each planned time. The wiki stores them like any other account
and edit (user, actor, revision, recent changes rows), so every API read of the outcome code
is real; what is simulated is only *when* things happened and that nobody typed a password.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

PHP = Path(__file__).resolve().parent / "outcomes_sim.php"


@dataclass(frozen=True)
class PlannedEdit:
    user: str
    title: str
    text: str
    time: dt.datetime
    summary: str = ""


def _mw(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y%m%d%H%M%S")


def _php_string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def simulate(wiki, users: dict[str, dt.datetime], edits: list[PlannedEdit]) -> dict:
    """Create *users* (name → registration time) and save *edits* (in time order).

    Returns ``{"users": {name: user id (0: existed)}, "edits": [revision ids]}``.
    """
    folder = Path(tempfile.mkdtemp(prefix="wikitours-sim-"))
    plan, out = folder / "plan.json", folder / "out.json"
    plan.write_text(json.dumps({
        "users": [{"name": n, "registration": _mw(t)} for n, t in users.items()],
        "edits": [{"user": e.user, "title": e.title, "text": e.text, "time": _mw(e.time),
                   "summary": e.summary} for e in sorted(edits, key=lambda e: e.time)]}))
    line = (f"$wikitoursSimPlan = {_php_string(str(plan))}; "
            f"$wikitoursSimOut = {_php_string(str(out))}; "
            f"require {_php_string(str(PHP))};\n")
    output = wiki.maintenance("eval", input=line)
    if not out.is_file():
        raise RuntimeError(f"the simulation did not finish:\n{output[-3000:]}")
    result = json.loads(out.read_text())
    for path in (plan, out):
        path.unlink()
    folder.rmdir()
    return result
