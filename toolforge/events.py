"""``POST /api/v1/events``: anonymous funnel events from the gadget (contracts §6).

The gadget sends batches with ``navigator.sendBeacon``, which posts ``text/plain`` without
a preflight, so both ``text/plain`` and ``application/json`` are read as JSON. In order, a
request is checked for: an allowed ``Origin`` (a configured wiki's; requests without one,
from scripts, are taken as they cannot be told apart anyway), the per-client rate limit, the
content type, the body size and batch size (413), the JSON Schema (:data:`SCHEMA`: no field
beyond the contract's, so no user names or time stamps can be sent), then the wiki and tour
against the configuration.

Nothing about the sender is kept: the events become counters per
(wiki, tour, version, step, action, language, skin, day). A batch is summed in memory first,
then added by one upsert statement, ``INSERT … ON DUPLICATE KEY UPDATE`` on MariaDB (sent as a
single multi-row statement) or ``INSERT … ON CONFLICT DO UPDATE`` on SQLite (one prepared
statement run for each distinct counter), in one transaction. By default the sums of all
requests a worker accepted are written that way once a second (:class:`CounterBuffer`);
``EVENTS_FLUSH_INTERVAL: 0`` writes each batch within its request.
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import json
import os
import threading
import time
from collections import Counter
from typing import Any, Iterable, Mapping, NamedTuple

import fastjsonschema
from flask import Blueprint, Flask, current_app, jsonify, request
from jsonschema import Draft7Validator
from jsonschema.exceptions import best_match
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from . import config as config_module
from . import publishedtours
from .db import get_engine, get_session
from .i18n import msg
from .models import EventCount
from .ratelimit import allow_request
from .security import csrf_exempt

__all__ = ["bp", "SCHEMA", "ACTIONS", "EventKey", "aggregate", "count_events", "schema_problem",
           "upsert_statement", "CounterBuffer", "flush_events", "init_app"]

bp = Blueprint("events", __name__)

#: What the gadget may report (contracts §6).
ACTIONS = ("started", "shown", "advanced", "completed", "abandoned")
ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
#: MediaWiki's language codes: ``de``, ``de-formal``, ``be-tarask``, ``zh-classical``, ``roa-tara``.
LANG_PATTERN = r"^[a-z]{2,3}(-[a-z0-9]{1,12}){0,3}$"

#: The JSON Schema of a batch. ``additionalProperties: false`` everywhere: an event that
#: carries anything else (a user name, a time stamp, a page title) is refused whole.
SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "additionalProperties": False,
    "required": ["wiki", "events"],
    "properties": {
        "wiki": {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9._:\[\]-]{0,99}$"},
        "events": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["tour", "version", "action"],
                "properties": {
                    "tour": {"type": "string", "pattern": ID_PATTERN},
                    "version": {"type": "integer", "minimum": 1, "maximum": 32767},
                    # null: the gadget's "completed" after the last step names none
                    "step": {"type": ["string", "null"], "pattern": ID_PATTERN},
                    "index": {"type": "integer", "minimum": 0, "maximum": 999},
                    "action": {"enum": list(ACTIONS)},
                    "lang": {"type": "string", "maxLength": 35, "pattern": LANG_PATTERN},
                    "skin": {"type": "string", "pattern": r"^[a-z0-9][a-z0-9_-]{0,31}$"},
                },
                "if": {"properties": {"action": {"enum": ["shown", "advanced"]}}},
                "then": {"required": ["step"], "properties": {"step": {"type": "string"}}},
            },
        },
    },
}


def _python_patterns(schema: Any) -> Any:
    """The schema with each ``…$`` pattern ending in ``\\Z`` instead.

    Validators run patterns with Python's ``re.search``, where ``$`` also matches before a
    final newline, so ``"welcome\\n"`` would pass as a step id. The published :data:`SCHEMA`
    keeps ECMA-262 patterns; the copy the app checks with is exact.
    """
    if isinstance(schema, dict):
        return {k: (v[:-1] + r"\Z" if k == "pattern" and v.endswith("$") else _python_patterns(v))
                for k, v in schema.items()}
    if isinstance(schema, list):
        return [_python_patterns(v) for v in schema]
    return schema


_CHECKED = _python_patterns(SCHEMA)
#: Fast check for every request (the schema compiled to Python code) ...
_FAST = fastjsonschema.compile(_CHECKED)
#: ... and jsonschema's readable explanation, only for batches that fail it.
_VALIDATOR = Draft7Validator(_CHECKED)


#: The batch without its events' own schema, and one event's schema, for :func:`_known_good`.
_TOP = fastjsonschema.compile({**_CHECKED, "properties": {
    **_CHECKED["properties"],
    "events": {**_CHECKED["properties"]["events"], "items": {"type": "object"}}}})
_ONE_EVENT = fastjsonschema.compile({"$schema": _CHECKED["$schema"],
                                     **_CHECKED["properties"]["events"]["items"]})


@functools.lru_cache(maxsize=8192)
def _event_ok(key: tuple) -> bool:
    """Whether the event ``(names, values, types of values)`` matches the schema."""
    try:
        _ONE_EVENT(dict(zip(key[0], key[1])))
        return True
    except fastjsonschema.JsonSchemaException:
        return False


def _known_good(batch: Any) -> bool:
    """A quick yes for batches made of events already seen valid (most of real traffic).

    Gadgets send the same few hundred distinct events over and over, so each distinct event
    is checked against the schema once and remembered (bounded LRU). The key carries each
    value's type, so ``true`` is never taken for ``1``. Anything else gets the full check.
    """
    try:
        _TOP(batch)
        return all(_event_ok((tuple(e), tuple(e.values()), tuple(map(type, e.values()))))
                   for e in batch["events"])
    except (fastjsonschema.JsonSchemaException, TypeError):  # TypeError: unhashable values
        return False


def schema_problem(batch: Any) -> str | None:
    """``None`` when *batch* matches the schema, else where and what is wrong (for people)."""
    if _known_good(batch):
        return None
    try:
        _FAST(batch)
        return None
    except fastjsonschema.JsonSchemaException:
        pass
    error = best_match(_VALIDATOR.iter_errors(batch))
    if error is None:  # the two validators disagree: refuse, and say so
        return "(batch): does not match the schema"
    where = "/".join(str(p) for p in error.absolute_path) or "(batch)"
    return f"{where}: {error.message}"[:300]
CONTENT_TYPES = ("application/json", "text/plain")


class EventKey(NamedTuple):
    """The dimensions one counter is kept for (without the day).

    A named tuple rather than a dataclass: hashing it is the ingest's inner loop.
    """

    wiki: str
    tour: str
    version: int
    step: str
    action: str
    lang: str
    skin: str


def aggregate(wiki: str, events: Iterable[Mapping[str, Any]]) -> tuple[Counter, dict]:
    """Count a batch by :class:`EventKey`; also return each key's reported step index."""
    counts: Counter = Counter()
    index: dict[EventKey, int] = {}
    for e in events:
        key = EventKey(wiki, e["tour"], int(e["version"]), e.get("step") or "", e["action"],
                       e.get("lang", ""), e.get("skin", ""))
        counts[key] += 1
        index[key] = max(index.get(key, 0), int(e.get("index", 0)))
    return counts, index


@functools.cache
def upsert_statement(dialect: str):
    """The per-dialect upsert, built once and executed with a list of rows.

    SQLAlchemy compiles it once (it is cached), PyMySQL sends a list of rows as one
    multi-row ``INSERT … ON DUPLICATE KEY UPDATE``, and sqlite3 runs the one prepared
    statement for every row inside the same transaction.
    """
    table = EventCount.__table__
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert

        stmt = insert(table)
        return stmt.on_conflict_do_update(
            index_elements=[c.name for c in table.primary_key.columns],
            set_={"count": table.c.count + stmt.excluded["count"],
                  "step_index": stmt.excluded.step_index},
        )
    if dialect in ("mysql", "mariadb"):
        from sqlalchemy.dialects.mysql import insert

        stmt = insert(table)
        return stmt.on_duplicate_key_update(
            count=table.c.count + stmt.inserted["count"], step_index=stmt.inserted.step_index)
    raise ValueError(f"unsupported database dialect {dialect!r}: use SQLite or MariaDB")


def count_events(session: Session, counts: Mapping[EventKey, int],
                 index: Mapping[EventKey, int] | None = None,
                 day: dt.date | None = None, retries: int = 3) -> int:
    """Add *counts* to the counters of *day* (today, UTC) in one statement; commit.

    Rows are sorted by key so concurrent batches lock rows in the same order; a MariaDB
    deadlock (1213) or lock timeout (1205) is retried. Returns the number of events counted.
    """
    if not counts:
        return 0
    day = day or dt.datetime.now(dt.timezone.utc).date()
    index = index or {}
    rows = [dict(wiki=k.wiki, tour=k.tour, version=k.version, step=k.step, action=k.action,
                 lang=k.lang, skin=k.skin, day=day, step_index=index.get(k, 0), count=n)
            for k, n in sorted(counts.items())]
    stmt = upsert_statement(session.get_bind().dialect.name)
    for attempt in range(retries + 1):
        try:
            session.execute(stmt, rows)
            session.commit()
            return sum(counts.values())
        except sa_exc.OperationalError as error:
            session.rollback()
            if attempt == retries or not _retryable(error):
                raise
            time.sleep(0.01 * (attempt + 1))
    return 0  # pragma: no cover - the loop returns or raises


def _retryable(error: sa_exc.OperationalError) -> bool:
    """A MariaDB deadlock or lock wait timeout, or a busy SQLite file: worth trying again."""
    args = getattr(error.orig, "args", ())
    return (bool(args) and args[0] in (1213, 1205)) or "database is locked" in str(error.orig)


def _error(code: int, message: str):
    response = jsonify({"error": code, "message": message})
    response.status_code = code
    return _cors(response)


def _allowed_origin() -> tuple[str | None, bool]:
    """``(wiki id of the Origin, allowed)``; no Origin header is allowed with no wiki."""
    origin = request.headers.get("Origin")
    if origin is None:
        return None, True
    wiki = current_app.extensions["wikitours.origins"].get(origin.lower())
    return wiki, wiki is not None


def _cors(response):
    wiki, allowed = _allowed_origin()
    if wiki is not None and allowed:
        response.headers["Access-Control-Allow-Origin"] = request.headers["Origin"]
        response.headers["Access-Control-Max-Age"] = "86400"
    response.headers["Vary"] = "Origin"
    return response


@bp.route("/api/v1/events", methods=["OPTIONS"])
@csrf_exempt
def preflight():
    """CORS preflight (``application/json`` posts): allowed only for configured wiki origins."""
    _wiki, allowed = _allowed_origin()
    if not allowed or request.headers.get("Origin") is None:
        return _error(403, msg("wikitours-app-error-403"))
    response = _cors(current_app.response_class(status=204))
    response.headers["Access-Control-Allow-Methods"] = "POST"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type"
    return response


@bp.post("/api/v1/events")
@csrf_exempt
def ingest():
    """Accept one batch of events: 202 ``{"accepted": N}``, JSON errors otherwise."""
    origin_wiki, allowed = _allowed_origin()
    if not allowed:
        return _error(403, msg("wikitours-app-error-403"))
    if not allow_request():
        response = _error(429, msg("wikitours-app-error-429"))
        response.headers["Retry-After"] = "1"
        return response
    if request.mimetype not in CONTENT_TYPES:
        return _error(415, msg("wikitours-app-error-415"))
    limit = int(current_app.config["EVENTS_MAX_BODY"])
    if request.content_length is not None and request.content_length > limit:
        return _error(413, msg("wikitours-app-error-413"))
    if request.content_length is not None:  # checked above: at most the limit
        body = request.get_data(cache=False)
    else:  # chunked: read no more than the limit allows
        body = request.stream.read(limit + 1)
    if len(body) > limit:
        return _error(413, msg("wikitours-app-error-413"))
    try:
        batch = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):  # deep nesting is an attack
        return _error(400, msg("wikitours-app-events-invalid", "not JSON"))
    if isinstance(batch, dict) and isinstance(batch.get("events"), list) and (
            len(batch["events"]) > int(current_app.config["EVENTS_MAX_BATCH"])):
        return _error(413, msg("wikitours-app-error-413"))
    problem = schema_problem(batch)
    if problem is not None:
        return _error(400, msg("wikitours-app-events-invalid", problem))

    config = current_app.config
    wiki = current_app.extensions["wikitours.wiki_aliases"].get(batch["wiki"].lower())
    if wiki is None:
        if config["UNKNOWN_WIKIS"] != "count":
            return _error(400, msg("wikitours-app-events-unknown-wiki", batch["wiki"]))
        wiki = batch["wiki"].lower()
    if origin_wiki is not None and origin_wiki != wiki:
        return _error(403, msg("wikitours-app-error-403"))
    if config["UNKNOWN_TOURS"] != "count":
        unknown = _unknown_tour(batch["events"], publishedtours.published(wiki).steps)
        if unknown is not None:  # published a moment ago? read again, at most once a minute
            unknown = _unknown_tour(batch["events"], publishedtours.published(
                wiki, max_age=publishedtours.min_refresh()).steps)
        if unknown is not None:
            return _error(400, msg("wikitours-app-events-unknown-tour", unknown))
    counts, index = aggregate(wiki, batch["events"])
    buffer: CounterBuffer | None = current_app.extensions.get("wikitours.event_buffer")
    if buffer is not None:
        buffer.add(counts, index)
        accepted = sum(counts.values())
    else:
        accepted = count_events(get_session(), counts, index)
    return _cors(jsonify({"accepted": accepted})), 202


def _unknown_tour(events: list[dict],
                  tours: Mapping[str, tuple[int, frozenset[str]]]) -> str | None:
    """The first event's tour that *wiki* does not publish (or not in that version, or without
    that step), or None when the wiki runs every tour and step named."""
    for event in events:
        known = tours.get(event["tour"])
        if (known is None or event["version"] > known[0]
                or (known[1] and event.get("step") and event["step"] not in known[1])):
            return event["tour"]
    return None


class CounterBuffer:
    """Per-process sums of accepted events, written to the database every *interval* seconds.

    With ``EVENTS_FLUSH_INTERVAL`` > 0 (the default, 1 s) a request only adds its batch to
    these in-memory sums and the counters are upserted by a background thread, so concurrent
    requests do not queue on the same hot counter rows and the database sees one write per
    process per interval instead of one per request. The cost is durability: a worker that is
    killed hard (SIGKILL, out of memory) loses at most the last interval's events; a normal
    stop (SIGTERM to gunicorn or uWSGI's reload) writes them at exit. A failed write keeps the
    sums for the next attempt. ``EVENTS_FLUSH_INTERVAL: 0`` counts within the request instead.
    """

    def __init__(self, app: Flask, interval: float) -> None:
        self.app = app
        self.interval = interval
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._pending: dict[tuple[dt.date, EventKey], list[int]] = {}
        self._pid: int | None = None
        self._stop = threading.Event()
        atexit.register(self.flush)

    def add(self, counts: Mapping[EventKey, int], index: Mapping[EventKey, int]) -> None:
        day = dt.datetime.now(dt.timezone.utc).date()
        with self._lock:
            self._ensure_thread()
            for key, n in counts.items():
                entry = self._pending.get((day, key))
                if entry is None:
                    self._pending[(day, key)] = [n, index.get(key, 0)]
                else:
                    entry[0] += n
                    entry[1] = max(entry[1], index.get(key, 0))

    def _ensure_thread(self) -> None:
        if self._pid != os.getpid():  # first use, or a forked worker: its own thread
            self._pid = os.getpid()
            threading.Thread(target=self._run, name="wikitours-event-flush", daemon=True).start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.flush()
            except Exception:  # keep flushing later; the sums were put back
                self.app.logger.exception("writing event counters failed; will retry")

    def pending(self) -> int:
        with self._lock:
            return sum(v[0] for v in self._pending.values())

    def flush(self) -> int:
        """Write the pending sums now; return how many events were written."""
        with self._flush_lock:
            with self._lock:
                pending, self._pending = self._pending, {}
            if not pending:
                return 0
            by_day: dict[dt.date, tuple[Counter, dict]] = {}
            for (day, key), (n, idx) in pending.items():
                counts, index = by_day.setdefault(day, (Counter(), {}))
                counts[key] += n
                index[key] = idx
            written = 0
            try:
                with Session(get_engine(self.app)) as session:
                    for day, (counts, index) in sorted(by_day.items()):
                        written += count_events(session, counts, index, day=day)
                        for key in counts:
                            pending.pop((day, key), None)
            except Exception:
                with self._lock:  # put back what was not written
                    for k, (n, idx) in pending.items():
                        entry = self._pending.setdefault(k, [0, idx])
                        entry[0] += n
                raise
            return written


def flush_events(app: Flask) -> int:
    """Write buffered event counts now (tests, shutdown hooks); 0 without a buffer."""
    buffer = app.extensions.get("wikitours.event_buffer")
    return buffer.flush() if buffer is not None else 0


def init_app(app: Flask) -> None:
    interval = float(app.config.get("EVENTS_FLUSH_INTERVAL") or 0)
    if interval > 0:
        app.extensions["wikitours.event_buffer"] = CounterBuffer(app, interval)
    wikis = app.config.get("WIKIS") or []
    app.extensions["wikitours.origins"] = config_module.wiki_origins(wikis)
    app.extensions["wikitours.wiki_aliases"] = config_module.wiki_aliases(wikis)
