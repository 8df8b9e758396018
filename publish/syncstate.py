"""The sync's state on each wiki, the lease that keeps two syncs off one wiki, and the lock
that keeps two syncs off one machine.

The wiki is the source of truth: per wiki the sync keeps what a person may want to audit (the
inputs it last compiled, the revisions live, the errors reported and fixed, the talk notes
sent, the live version, and who is working on the wiki right now) on the JSON page
``MediaWiki:Wikitours/sync-state.json`` of that wiki. The MediaWiki namespace means only
interface admins (the bot is one) can edit it. A local file (``-state:``) is only a cache that
saves one read per wiki when nothing changed; losing it costs that read, never a second talk
note or a forgotten diff link.

The page's format, the typed :class:`contracts.syncstate.SyncState` and its reading and writing
live in :mod:`contracts.syncstate` (docs/contracts.md §11); this module is the I/O around it.

**A lease that notices a dead holder.** A lease is short (``LEASE_SECONDS``) and renewed by its
holder while it works (:class:`LeaseKeeper`, every ``RENEW_SECONDS`` and between the edits of a
publish), so a sync that died is taken over about a minute later by a sync on another machine;
a sync on the holder's own machine checks the holder's process id and takes over at once when
that process is gone. ``publishing`` is written before a publish starts and removed when it
ends: a page that still has it after its holder died tells the next sync (and the status page)
that a publish was interrupted.

**Why the lease is not a plain compare-and-swap.** MediaWiki drops an edit conflict when the
user saving was the last to edit (``EditPage``'s "user was last to edit" rule), and two syncs
use the same bot account, so ``basetimestamp``/``baserevid`` do not stop the second writer
(tests/publish/test_sync_state.py shows it). What *is* atomic is the revision's parent: MediaWiki
saves a revision only if the page's latest revision is still the one it read
(``page_latest`` in the UPDATE's condition), so exactly one revision has a given parent. A sync
therefore writes its claim and then reads its own revision's ``parentid``: the claim holds when
the parent is the revision the sync decided on. A sync that lost puts the page back as it was
before its write (its claim may have been saved over the winner's state).

Pure functions parse and render the page; the I/O (one request each) sits at the bottom.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Mapping

from wikiapi.client import call, save_page
from contracts.syncstate import MAX_DRAFTS, MAX_STATE_BYTES, Lease, SyncState, parse, render

__all__ = ["STATE_TITLE", "LEASE_SECONDS", "RENEW_SECONDS", "MAX_STATE_BYTES", "Lease", "Board",
           "parse_state", "render_state", "lease_verdict", "new_holder", "read_board",
           "write_state", "claim", "LeaseKeeper", "LeaseLost", "MachineLock", "holder_alive"]

STATE_TITLE = "MediaWiki:Wikitours/sync-state.json"
#: How long a claim keeps other syncs off a wiki without being renewed; a sync that crashed
#: is taken over after it (at once on its own machine, see :func:`holder_alive`).
LEASE_SECONDS = 90
#: A working sync renews its lease this often (and never lets it come closer than this to its end).
RENEW_SECONDS = 30
#: Clocks of the wiki's servers may differ a little; a lease ending later than this past
#: ``now + LEASE_SECONDS`` was not written by a sync (forged) and does not count.
SKEW_SECONDS = 120


@dataclass(frozen=True)
class Board:
    """The state page as read: its revision, the usable state, the lease, what was wrong."""

    exists: bool
    revid: int
    state: SyncState
    lease: Lease | None
    problem: tuple[str, ...]  # (reason key, parameter) when the page was not usable, else ()
    server_now: str


# ---------------------------------------------------------------------------------------------
# Pure


def _time(value: str) -> datetime | None:
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except (TypeError, ValueError):
        return None


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def later(now: str, seconds: int) -> str:
    return _iso((_time(now) or datetime.now(timezone.utc)) + timedelta(seconds=seconds))


def parse_state(text: str | None) -> tuple[dict, Lease | None, tuple[str, ...]]:
    """The page read as a dict (its JSON without format and lease): see contracts.syncstate.parse."""
    state, lease, problem = parse(text)
    return state.to_dict(), lease, problem


def render_state(state: SyncState | Mapping[str, object], lease: Lease | None) -> str:
    """The page text of *state*: see contracts.syncstate.render. A dict is written as given
    (its known keys only), unchecked: tests use it to write forged pages."""
    if isinstance(state, SyncState):
        return render(state, lease)
    data: dict = {"format": 1}
    data.update({k: v for k, v in state.items() if k in _KEYS})
    data["lease"] = {"holder": lease.holder, "expires": lease.expires} if lease else None
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


_KEYS = ("inputs", "version", "good", "errors", "fixed", "notified", "drafts-base", "drafts",
         "publishing")


def holder_alive(holder: str) -> bool | None:
    """Whether the sync named *holder* still runs: None when it runs on another machine (only
    its lease's end tells), else whether its process exists on this one."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname()[:64] or not pid.isdigit():
        return None
    if int(pid) == os.getpid():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # exists but belongs to someone else (or cannot be asked): assume alive
    return True


def lease_verdict(lease: Lease | None, holder: str, now: str,
                  alive: Callable[[str], bool | None] = holder_alive) -> str:
    """``free`` (no lease), ``ours``, ``held`` (another sync, not expired), ``expired``,
    ``dead`` (held by a sync on this machine whose process is gone: taken over at once) or
    ``forged`` (ends further ahead than any sync writes: ignored and reported)."""
    if lease is None:
        return "free"
    if lease.holder == holder:
        return "ours"
    ends, current = _time(lease.expires), _time(now) or datetime.now(timezone.utc)
    if ends is None or ends <= current:
        return "expired"
    if ends > current + timedelta(seconds=LEASE_SECONDS + SKEW_SECONDS):
        return "forged"
    if alive(lease.holder) is False:
        return "dead"
    return "held"


def new_holder() -> str:
    """Who holds a lease: host, process id and a random part (a pid is reused across hosts
    and restarts)."""
    return f"{socket.gethostname()[:64]}:{os.getpid()}:{secrets.token_hex(4)}"


# ---------------------------------------------------------------------------------------------
# On the wiki (one API request each)


def _main_text(revision: dict) -> str | None:
    slot = revision.get("slots", {}).get("main", {})
    text = slot.get("content", slot.get("*"))
    return text if isinstance(text, str) else revision.get("*")


def _revisions(site, title: str, limit: int) -> tuple[list[dict], str]:
    reply = call(site, action="query", titles=title, prop="revisions",
                 rvprop="ids|timestamp|content", rvslots="main", rvlimit=limit,
                 curtimestamp=True)
    pages = reply.get("query", {}).get("pages", [])
    pages = list(pages.values()) if isinstance(pages, dict) else list(pages)
    revisions = pages[0].get("revisions", []) if pages else []
    return revisions, reply.get("curtimestamp", "")


def read_board(site, title: str = STATE_TITLE) -> Board:
    """The state page of *site* with the wiki's current time: one request."""
    revisions, now = _revisions(site, title, 1)
    if not revisions:
        return Board(False, 0, SyncState(), None, (), now)
    state, lease, problem = parse(_main_text(revisions[0]))
    return Board(True, int(revisions[0].get("revid", 0)), state, lease, problem, now)


def write_state(site, title: str, text: str, summary: str) -> int:
    """Save the page (content model json); the new revision id (0: no change was needed)."""
    edit = save_page(site, title, text, summary, model="json")
    if edit.get("result") != "Success":
        raise RuntimeError(f"{title}: {edit}")
    return int(edit.get("newrevid", 0))


def claim(site, board: Board, holder: str, summary: Callable[[str], str],
          title: str = STATE_TITLE, restore_summary: str = "") -> tuple[bool, int]:
    """Take the lease on the state read as *board*: ``(won, revid)``.

    Writes the state with our lease, then reads the page's last revisions: the claim holds when
    our revision's parent is *board*'s revision (exactly one revision can have it). Otherwise
    another sync wrote in between, and our write may have replaced its state: we put the
    page back as it was before our write, re-checking in the same way (at most three times).
    """
    expires = later(board.server_now, LEASE_SECONDS)
    text = render(board.state, Lease(holder, expires))
    ours = write_state(site, title, text, summary(expires))
    revisions, _ = _revisions(site, title, 10)
    mine = {int(r.get("revid", 0)): r for r in revisions}.get(ours)
    if mine is not None and int(mine.get("parentid", -1)) == board.revid:
        return True, ours
    for _ in range(3):
        by_id = {int(r.get("revid", 0)): r for r in revisions}
        mine = by_id.get(ours)
        if mine is None or int(revisions[0].get("revid", 0)) != ours:
            return False, ours  # someone wrote after us: their page stands
        before = by_id.get(int(mine.get("parentid", 0)))
        if before is None or _main_text(before) is None:
            return False, ours
        restored = write_state(site, title, _main_text(before),
                               restore_summary or summary(expires))
        revisions, _ = _revisions(site, title, 10)
        put_back = {int(r.get("revid", 0)): r for r in revisions}.get(restored)
        if restored == 0 or put_back is None or int(put_back.get("parentid", -1)) == ours:
            return False, restored
        ours = restored  # our put-back replaced a newer write: put that one back in turn
    return False, ours


class LeaseLost(RuntimeError):
    """Another sync wrote the state page while we held the lease (ours had run out): stop
    working on the wiki and leave its page alone."""


class LeaseKeeper:
    """Renews the lease of one wiki while its holder works (see the module's docstring).

    Each renewal writes the state as it was when the lease was claimed (plus ``publishing``
    once a publish starts) with a lease ending ``LEASE_SECONDS`` later, and checks, like
    :func:`claim`, that its revision's parent is our previous one: otherwise another sync took
    the wiki and :class:`LeaseLost` is raised. The wiki's clock is estimated from the time it
    reported when the lease was claimed.
    """

    def __init__(self, site, holder: str, board: Board, revid: int, summary: Callable[[str], str],
                 title: str = STATE_TITLE, clock: Callable[[], float] | None = None):
        self.site, self.holder, self.title, self.summary = site, holder, title, summary
        self.state: SyncState = board.state
        self.revid = revid
        self._clock = clock or time.monotonic
        self._start = self._clock()
        self._server = _time(board.server_now) or datetime.now(timezone.utc)
        self._renewed = self._start
        #: when our lease ends by the wiki's clock (the claim's end until the first renewal)
        self._expires = _time(later(board.server_now, LEASE_SECONDS))

    def server_now(self) -> str:
        return _iso(self._server + timedelta(seconds=self._clock() - self._start))

    def touch(self, force: bool = False, **changes: object) -> bool:
        """Renew when due (or *force*), first applying *changes* to the state written (a value
        None removes the key); True when a renewal was written."""
        if changes:
            data = self.state.to_dict()
            for key, value in changes.items():
                if value is None:
                    data.pop(key, None)
                else:
                    data[key] = value
            self.state = SyncState.from_dict(data)
        if not force and self._clock() - self._renewed < RENEW_SECONDS:
            return False
        now = self.server_now()
        text = render(self.state, Lease(self.holder, later(now, LEASE_SECONDS)))
        ours = write_state(self.site, self.title, text, self.summary(later(now, LEASE_SECONDS)))
        if ours == 0:  # nothing changed (cannot happen: the end moved), still ours
            self._renewed = self._clock()
            return False
        revisions, _ = _revisions(self.site, self.title, 5)
        by_id = {int(r.get("revid", 0)): r for r in revisions}
        mine = by_id.get(ours)
        parent = by_id.get(int(mine.get("parentid", -1))) if mine is not None else None
        # The page before our write must still have been ours: our last write, or a losing
        # claimant's put-back of it (same text, new revision; see claim()).
        _, parent_lease, _ = parse(_main_text(parent) if parent is not None else None)
        ours_before = parent_lease is not None and parent_lease.holder == self.holder
        if mine is not None and parent is not None and not ours_before \
                and _time(now) is not None and self._expires is not None \
                and _time(now) < self._expires:
            # A claim written while our lease was still running is no takeover: a sync that
            # read the page before our claim and lost the race (it sees our write after its
            # own and backs off, see claim()). Our renewal has replaced it; carry on.
            ours_before = True
        if mine is None or parent is None or not ours_before:
            # Our lease ran out and another sync claimed the wiki: put its page back (our
            # write replaced it) unless someone wrote after us, and stop.
            before = by_id.get(int(mine.get("parentid", 0))) if mine is not None else None
            if before is not None and int(revisions[0].get("revid", 0)) == ours \
                    and _main_text(before) is not None:
                write_state(self.site, self.title, _main_text(before), self.summary("-"))
            raise LeaseLost(self.title)
        self.revid = ours
        self._renewed = self._clock()
        self._expires = _time(later(now, LEASE_SECONDS))
        return True


# ---------------------------------------------------------------------------------------------
# One machine


class MachineLock:
    """A non-blocking ``fcntl.flock`` on *path*: held for the life of the process (the kernel
    drops it when the process ends, however it ends). The holder's pid is written into the
    file so a second process can say who runs."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._file = None

    def acquire(self) -> bool:
        import fcntl  # Unix only

        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle
        return True

    def holder(self) -> str:
        """The pid written by the process holding the lock ("?" when unknown)."""
        try:
            text = self.path.read_text(encoding="utf-8").strip()
        except OSError:
            return "?"
        return text if text.isdigit() else "?"

    def release(self) -> None:
        if self._file is not None:
            import fcntl  # Unix only

            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
