"""The sync's state on each wiki (``MediaWiki:Wikitours/sync-state.json``, docs/contracts.md §11).

The one home of this contract: the typed :class:`SyncState` (plus the :class:`Lease` that shares
its page), reading it from the page text (:func:`parse`) and writing it (:func:`render`), and
the dict form of the local cache (:meth:`SyncState.to_cache` / :meth:`SyncState.from_cache`).
Pure: the requests that read and write the page are in the sync's I/O layer
(``publish/syncstate.py``).

A page that cannot be used (not JSON, too large, wrong format) gives an empty state and a
*problem* the sync reports on the status page before it rebuilds the page; a single bad field is
dropped and named as the problem. Lists are capped (:data:`LIST_CAP`) so the page stays small.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Mapping

__all__ = ["SyncState", "Lease", "Publishing", "parse", "render", "MAX_STATE_BYTES", "MAX_DRAFTS",
           "LIST_CAP"]

#: A state page larger than this is not read (the sync's own page stays far below); it is
#: reported and rebuilt.
MAX_STATE_BYTES = 256 * 1024
#: At most this many drafts are remembered (and previewed) per wiki.
MAX_DRAFTS = 500
#: ``errors``, ``fixed`` and ``notified`` keep their newest LIST_CAP entries.
LIST_CAP = 200

Pair = tuple[str, int]


@dataclass(frozen=True)
class Lease:
    holder: str
    expires: str  # ISO 8601 UTC, the wiki's clock


@dataclass(frozen=True)
class Publishing:
    """A publish in progress: written just before its first edit, removed by the final write."""

    version: str
    pointer: str
    started: str


@dataclass(frozen=True)
class SyncState:
    """What the sync keeps about one wiki (see docs/contracts.md §11 for each field's meaning).

    ``inputs`` is "" when the wiki must be compiled again next run (a failed or stopped run);
    ``drafts`` maps a draft page to ``(revision, number of errors)``."""

    inputs: str = ""
    version: str = ""
    good: Mapping[str, int] = field(default_factory=dict)
    errors: tuple[Pair, ...] = ()
    fixed: tuple[Pair, ...] = ()
    notified: tuple[Pair, ...] = ()
    drafts_base: str = ""
    drafts: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    publishing: Publishing | None = None

    # -- the dict form (the local cache file, and the page's JSON without format/lease) --------
    def to_dict(self) -> dict:
        data: dict = {}
        if self.inputs:
            data["inputs"] = self.inputs
        if self.version:
            data["version"] = self.version
        # the lists are always written (empty once fixed), the rest only when set
        data["good"] = dict(self.good)
        for key in ("errors", "fixed", "notified"):
            data[key] = [[t, r] for t, r in getattr(self, key)][-LIST_CAP:]
        if self.drafts_base:
            data["drafts-base"] = self.drafts_base
        if self.drafts:
            data["drafts"] = {t: [v[0], v[1]] for t, v in self.drafts.items()}
        if self.publishing is not None:
            data["publishing"] = {"version": self.publishing.version,
                                  "pointer": self.publishing.pointer,
                                  "started": self.publishing.started}
        return data

    @classmethod
    def from_dict(cls, data: Mapping) -> "SyncState":
        """The state in *data* (checked like the page: a bad field is left out)."""
        state, _ = _fields(data)
        return state

    def to_cache(self, revid: int) -> dict:
        """The local cache's entry for a wiki: the state and the page revision it was read at."""
        return dict(self.to_dict(), revid=revid)

    @classmethod
    def from_cache(cls, data: object) -> "SyncState | None":
        return cls.from_dict(data) if isinstance(data, Mapping) else None

    def with_(self, **changes) -> "SyncState":
        return replace(self, **changes)

    # -- a read-only view of the page's JSON (``state["good"]``), for reports and tests -------
    def __getitem__(self, key: str):
        return self.to_dict()[key]

    def get(self, key: str, default=None):
        return self.to_dict().get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self.to_dict()


def _time_ok(value: object) -> bool:
    try:
        datetime.strptime(str(value), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        return isinstance(value, str)
    except ValueError:
        return False


def _is_revid(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2 ** 53


def _pairs(value: object) -> tuple[Pair, ...] | None:
    if not isinstance(value, list):
        return None
    out = []
    for item in value:
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)
                and len(item[0]) <= 255 and _is_revid(item[1])):
            return None
        out.append((item[0], item[1]))
    return tuple(out[-LIST_CAP:])


def _fields(data: Mapping) -> tuple[SyncState, str]:
    """The usable fields of *data* and the first bad one ("" when none)."""
    values: dict = {}
    bad = ""
    for key, name in (("inputs", "inputs"), ("version", "version"), ("drafts-base", "drafts_base")):
        value = data.get(key)
        if isinstance(value, str) and len(value) <= 255:
            values[name] = value
        elif value is not None:
            bad = bad or key
    good = data.get("good")
    if isinstance(good, dict) and len(good) <= 5000 and all(
            isinstance(k, str) and len(k) <= 255 and _is_revid(v) for k, v in good.items()):
        values["good"] = dict(good)
    elif good is not None:
        bad = bad or "good"
    for key in ("errors", "fixed", "notified"):
        pairs = _pairs(data.get(key))
        if pairs is not None:
            values[key] = pairs
        elif data.get(key) is not None:
            bad = bad or key
    drafts = data.get("drafts")
    if isinstance(drafts, dict) and len(drafts) <= MAX_DRAFTS and all(
            isinstance(k, str) and len(k) <= 255 and isinstance(v, (list, tuple)) and len(v) == 2
            and _is_revid(v[0]) and _is_revid(v[1]) for k, v in drafts.items()):
        values["drafts"] = {k: (v[0], v[1]) for k, v in drafts.items()}
    elif drafts is not None:
        bad = bad or "drafts"
    publishing = data.get("publishing")
    if isinstance(publishing, dict) and all(
            isinstance(publishing.get(k), str) and len(publishing[k]) <= 64
            for k in ("version", "pointer", "started")) and _time_ok(publishing["started"]):
        values["publishing"] = Publishing(publishing["version"], publishing["pointer"],
                                          publishing["started"])
    elif publishing is not None:
        bad = bad or "publishing"
    return SyncState(**values), bad


def parse(text: str | None) -> tuple[SyncState, Lease | None, tuple[str, ...]]:
    """``(state, lease, problem)`` from the page text; *problem* is ``()`` when the page was fine
    or missing, else ``(reason, parameter)`` with reason ``json``, ``size`` or ``field``. A page
    that is not usable gives an empty state (the sync rebuilds it); a bad field is dropped."""
    if text is None or text.strip() == "":
        return SyncState(), None, ()
    if len(text.encode("utf-8")) > MAX_STATE_BYTES:
        return SyncState(), None, ("size", str(MAX_STATE_BYTES))
    try:
        data = json.loads(text)
    except ValueError:
        return SyncState(), None, ("json", "")
    if not isinstance(data, dict) or data.get("format") != 1:
        return SyncState(), None, ("field", "format")
    state, bad = _fields(data)
    lease = None
    raw = data.get("lease")
    if isinstance(raw, dict) and isinstance(raw.get("holder"), str) and 0 < len(raw["holder"]) <= 255 \
            and _time_ok(raw.get("expires")):
        lease = Lease(raw["holder"], raw["expires"])
    elif raw is not None:
        bad = bad or "lease"
    return state, lease, (("field", bad) if bad else ())


def render(state: SyncState, lease: Lease | None) -> str:
    """The page text (``format: 1``, keys sorted, lease ``null`` when nobody works on the wiki)."""
    data: dict = {"format": 1, **state.to_dict()}
    data["lease"] = {"holder": lease.holder, "expires": lease.expires} if lease else None
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
