"""The events API (contracts §6) on SQLite and on a real MariaDB: counting and forged input."""

from __future__ import annotations

import io
import json
import threading

import pytest
from sqlalchemy import func, inspect, select, text

from toolforge import create_app, db
from toolforge.models import EventCount

WIKI = {"id": "local", "index": "http://127.0.0.1:8080/index.php",
        "api": "http://127.0.0.1:8080/api.php", "language": "en", "project": "Project"}
OTHER = {"id": "dewiki", "index": "https://de.wiki.test/w/index.php",
         "api": "https://de.wiki.test/w/api.php", "language": "de", "project": "Wikipedia"}
TOURS = {"first-edit": {"version": 2, "steps": ["welcome", "open-editor", "publish"]},
         "citations": {"version": 1, "steps": ["intro", "cite"]}}
ORIGIN = "http://127.0.0.1:8080"


def make_app(url, **extra):
    config = {"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test", "WIKIS": [WIKI, OTHER],
              "TOURS": TOURS, "RATELIMIT_ENABLED": False, "EVENTS_FLUSH_INTERVAL": 0}
    config.update(extra)
    return create_app(config)


@pytest.fixture(scope="module")
def app(database_url):
    app = make_app(database_url)
    db.upgrade(app)
    yield app
    db.get_engine(app).dispose()


@pytest.fixture(autouse=True)
def empty(app):
    with db.get_engine(app).begin() as conn:
        conn.execute(text("DELETE FROM event_counts"))


@pytest.fixture()
def client(app):
    return app.test_client()


def event(**kw):
    e = {"tour": "first-edit", "version": 2, "step": "welcome", "index": 1, "action": "shown",
         "lang": "de", "skin": "vector-2022"}
    e.update(kw)
    return {k: v for k, v in e.items() if v is not None}


def post(client, batch, content_type="text/plain;charset=UTF-8", origin=ORIGIN, raw=None):
    headers = {"Origin": origin} if origin else {}
    data = raw if raw is not None else json.dumps(batch)
    return client.post("/api/v1/events", data=data, content_type=content_type, headers=headers)


def total(app, **where):
    with db.get_engine(app).connect() as conn:
        query = select(func.coalesce(func.sum(EventCount.count), 0))
        for k, v in where.items():
            query = query.where(getattr(EventCount, k) == v)
        return int(conn.execute(query).scalar())


def rows(app):
    with db.get_engine(app).connect() as conn:
        return conn.execute(select(EventCount)).all()


def test_a_batch_is_counted_per_dimension_and_day(app, client):
    batch = {"wiki": "127.0.0.1:8080", "events": [
        event(action="started", step=None, index=None),
        event(), event(), event(lang="ar"), event(step="open-editor", index=2, skin="minerva"),
    ]}
    r = post(client, batch)
    assert r.status_code == 202, r.get_json()
    assert r.get_json() == {"accepted": 5}
    assert r.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert total(app) == 5
    assert total(app, wiki="local", step="welcome", lang="de") == 2
    assert total(app, step="open-editor", skin="minerva") == 1
    assert total(app, action="started", step="") == 1
    assert len(rows(app)) == 4  # two identical events share one counter row
    # the same batch again adds to the same rows (upsert), it does not insert new ones
    assert post(client, batch).status_code == 202
    assert total(app) == 10 and len(rows(app)) == 4


def test_json_content_type_and_wiki_by_id_without_origin(app, client):
    r = post(client, {"wiki": "local", "events": [event()]}, content_type="application/json",
             origin=None)
    assert r.status_code == 202
    assert "Access-Control-Allow-Origin" not in r.headers
    assert total(app, wiki="local") == 1


def test_nothing_about_the_sender_is_stored(app, client):
    r = client.post("/api/v1/events", data=json.dumps({"wiki": "local", "events": [event()]}),
                    content_type="text/plain", headers={"Origin": ORIGIN},
                    environ_base={"REMOTE_ADDR": "203.0.113.77"})
    assert r.status_code == 202
    engine = db.get_engine(app)
    dump = []
    with engine.connect() as conn:
        for table in inspect(engine).get_table_names():
            dump += [repr(tuple(row)) for row in conn.execute(text(f"SELECT * FROM {table}"))]
    joined = "\n".join(dump)
    assert "203.0.113" not in joined
    assert {c["name"] for c in inspect(engine).get_columns("event_counts")} == {
        "wiki", "tour", "version", "step", "action", "lang", "skin", "day", "step_index", "count"}


@pytest.mark.parametrize("bad", [
    {"wiki": "local", "events": [event(version="2")]},                     # wrong type
    {"wiki": "local", "events": [event(version=True)]},
    {"wiki": "local", "events": [event(index=-1)]},
    {"wiki": "local", "events": [event(action="deleted")]},
    {"wiki": "local", "events": [event(user="Ada")]},                      # a user name
    {"wiki": "local", "events": [event(username="Ada")]},
    {"wiki": "local", "events": [event(timestamp="2026-11-25T10:00:00Z")]},
    {"wiki": "local", "events": [event()], "user": "Ada"},
    {"wiki": "local", "events": [event(step="Ada Lovelace")]},            # not an id
    {"wiki": "local", "events": [event(step="<script>alert(1)</script>")]},
    {"wiki": "local", "events": [event(lang="de\"><script>")]},
    {"wiki": "local", "events": [event(skin="x" * 10_000)]},               # huge string
    {"wiki": "local", "events": [event(tour="a" * 100_00)]},
    {"wiki": "l" * 5000, "events": [event()]},
    {"wiki": "local", "events": [event(action="shown", step=None)]},     # shown needs a step
    {"wiki": "local", "events": [event(step="welcome\n")]},             # $ before a newline
    {"wiki": "local\n", "events": [event()]},
    {"wiki": "local", "events": [event(lang="de\n")]},
    {"wiki": "local", "events": []},
    {"wiki": "local", "events": {"0": event()}},
    {"events": [event()]},
    [event()],
    "local",
    None,
])
def test_forged_batches_are_refused_whole(app, client, bad):
    r = post(client, bad)
    assert r.status_code in (400, 413), r.get_json()
    assert r.get_json()["error"] == r.status_code
    assert total(app) == 0


def test_not_json_is_refused(app, client):
    for raw in ["{", "wiki=local", "\x00\xff", "[" * 10_000]:
        r = post(client, None, raw=raw)
        assert r.status_code == 400
    assert total(app) == 0


def test_unknown_wiki_tour_step_and_future_version_are_refused(app, client):
    for batch in [
        {"wiki": "enwiki", "events": [event()]},
        {"wiki": "local", "events": [event(), event(tour="not-a-tour")]},
        {"wiki": "local", "events": [event(step="not-a-step")]},
        {"wiki": "local", "events": [event(version=3)]},
    ]:
        r = post(client, batch, origin=None)
        assert r.status_code == 400, batch
    assert total(app) == 0


def test_too_many_events_and_too_large_bodies_are_413(app, client):
    r = post(client, {"wiki": "local", "events": [event()] * 10_000})
    assert r.status_code == 413
    r = post(client, None, raw='{"wiki": "local", "events": [' + " " * (5 * 1024 * 1024) + "]}")
    assert r.status_code == 413
    limit = app.config["EVENTS_MAX_BATCH"]
    assert post(client, {"wiki": "local", "events": [event()] * (limit + 1)}).status_code == 413
    assert post(client, {"wiki": "local", "events": [event()] * limit}).status_code == 202
    assert total(app) == limit


def test_chunked_body_over_the_limit_is_413(app, client):
    """Without Content-Length the body is read only up to the limit."""
    def send(body):
        return client.post("/api/v1/events", input_stream=io.BytesIO(body.encode()),
                           content_type="text/plain", headers={"Transfer-Encoding": "chunked"},
                           environ_base={"wsgi.input_terminated": True})  # as gunicorn sets it

    small = json.dumps({"wiki": "local", "events": [event()] * 2})
    assert send(small).status_code == 202  # the chunked path itself works
    assert send(small + " " * 70_000).status_code == 413
    assert total(app) == 2


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", "text/html",
                                          "application/xml"])
def test_wrong_content_type_is_415(app, client, content_type):
    r = post(client, {"wiki": "local", "events": [event()]}, content_type=content_type)
    assert r.status_code == 415
    assert total(app) == 0


def test_cors_only_for_configured_wiki_origins(app, client):
    batch = {"wiki": "local", "events": [event()]}
    for origin in ["http://evil.test", "null", "http://127.0.0.1:8081", "https://127.0.0.1:8080",
                   "http://127.0.0.1:8080.evil.test"]:
        r = post(client, batch, origin=origin)
        assert r.status_code == 403, origin
        assert "Access-Control-Allow-Origin" not in r.headers
    # an allowed origin cannot count events for another wiki
    r = post(client, {"wiki": "dewiki", "events": [event()]}, origin=ORIGIN)
    assert r.status_code == 403
    assert total(app) == 0
    r = post(client, {"wiki": "dewiki", "events": [event()]}, origin="https://de.wiki.test")
    assert r.status_code == 202 and r.headers["Access-Control-Allow-Origin"] == "https://de.wiki.test"
    assert total(app, wiki="dewiki") == 1


def test_preflight(client):
    r = client.options("/api/v1/events", headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "POST" in r.headers["Access-Control-Allow-Methods"]
    r = client.options("/api/v1/events", headers={"Origin": "http://evil.test",
                                                  "Access-Control-Request-Method": "POST"})
    assert r.status_code == 403 and "Access-Control-Allow-Origin" not in r.headers


def test_other_methods_are_not_allowed(client):
    assert client.get("/api/v1/events").status_code == 405
    assert client.put("/api/v1/events", data="{}").status_code in (400, 405)


def test_rate_limit_per_client(app, database_url):
    limited = make_app(database_url, RATELIMIT_ENABLED=True, RATELIMIT_RATE=0.001,
                       RATELIMIT_BURST=3)
    c = limited.test_client()
    batch = json.dumps({"wiki": "local", "events": [event()]})

    def send(addr):
        return c.post("/api/v1/events", data=batch, content_type="text/plain",
                      environ_base={"REMOTE_ADDR": addr}).status_code

    assert [send("198.51.100.1") for _ in range(5)] == [202, 202, 202, 429, 429]
    assert send("198.51.100.2") == 202  # another client has its own bucket
    assert total(app) == 4
    db.get_engine(limited).dispose()


def test_unknown_tours_and_wikis_counted_when_configured(app, database_url):
    open_app = make_app(database_url, UNKNOWN_TOURS="count", UNKNOWN_WIKIS="count")
    c = open_app.test_client()
    r = post(c, {"wiki": "playground", "events": [event(tour="new-tour", step="x1", version=7)]},
             origin=None)
    assert r.status_code == 202
    assert total(app, wiki="playground", tour="new-tour", version=7) == 1
    db.get_engine(open_app).dispose()


def test_concurrent_batches_lose_nothing(app):
    errors = []

    def worker(n):
        c = app.test_client()
        for i in range(10):
            batch = {"wiki": "local", "events": [
                event(step=s, lang=l) for s in ("welcome", "open-editor") for l in ("de", "ar")]}
            r = post(c, batch)
            if r.status_code != 202:
                errors.append(r.status_code)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert total(app) == 6 * 10 * 4
    assert len(rows(app)) == 4


def test_buffered_counting_writes_every_event_once(app, database_url):
    """With a flush interval, requests only add to per-process sums; the flush writes them."""
    from toolforge.events import flush_events

    buffered = make_app(database_url, EVENTS_FLUSH_INTERVAL=3600)  # only explicit flushes
    c = buffered.test_client()
    for _ in range(5):
        assert post(c, {"wiki": "local", "events": [event(), event(lang="ar")]}).status_code == 202
    buffer = buffered.extensions["wikitours.event_buffer"]
    assert buffer.pending() == 10 and total(app) == 0
    assert flush_events(buffered) == 10
    assert buffer.pending() == 0 and total(app) == 10 and len(rows(app)) == 2
    assert flush_events(buffered) == 0 and total(app) == 10  # nothing twice


def test_buffered_counts_survive_a_failed_write(app, database_url, tmp_path):
    from toolforge.events import flush_events

    buffered = make_app(database_url, EVENTS_FLUSH_INTERVAL=3600)
    c = buffered.test_client()
    assert post(c, {"wiki": "local", "events": [event()] * 3}).status_code == 202
    engine = buffered.extensions["wikitours.engine"]
    buffered.extensions["wikitours.engine"] = db.make_engine(
        f"sqlite:///{tmp_path / 'no-such-dir' / 'x.db'}")  # writes fail
    with pytest.raises(Exception):
        flush_events(buffered)
    assert buffered.extensions["wikitours.event_buffer"].pending() == 3 and total(app) == 0
    buffered.extensions["wikitours.engine"] = engine
    assert flush_events(buffered) == 3 and total(app) == 3


def test_background_thread_flushes(app, database_url):
    import time

    buffered = make_app(database_url, EVENTS_FLUSH_INTERVAL=0.05)
    assert post(buffered.test_client(), {"wiki": "local", "events": [event()]}).status_code == 202
    deadline = time.monotonic() + 10
    while total(app) == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert total(app) == 1


def test_remembered_valid_events_do_not_let_look_alikes_through(app, client):
    """``true == 1`` in Python: the cache of valid events must still refuse ``version: true``."""
    ok = {"wiki": "local", "events": [event(tour="citations", version=1, step="intro")]}
    assert post(client, ok).status_code == 202
    assert post(client, ok).status_code == 202
    forged = {"wiki": "local", "events": [event(tour="citations", version=True, step="intro")]}
    assert post(client, forged).status_code == 400
    forged = {"wiki": "local", "events": [event(tour="citations", version=1.0, step="intro")]}
    assert post(client, forged).status_code == 202  # 1.0 is an integer in JSON Schema
    assert total(app, tour="citations", version=1) == 3


def test_what_the_gadget_sends(app, client):
    """The exact shape of gadget/src/telemetry.js: ``wiki: location.host``, ``step: null``
    after the last step, MediaWiki language codes, up to 20 events, sendBeacon's text/plain."""
    events = [
        {"tour": "first-edit", "version": 2, "step": "welcome", "index": 0, "action": "started",
         "lang": "de-formal", "skin": "vector-2022"},
        {"tour": "first-edit", "version": 2, "step": "welcome", "index": 0, "action": "shown",
         "lang": "be-tarask", "skin": "minerva"},
        {"tour": "first-edit", "version": 2, "step": None, "index": 3, "action": "completed",
         "lang": "zh-classical", "skin": "monobook"},
        {"tour": "first-edit", "version": 2, "step": "publish", "index": 2,
         "action": "abandoned", "lang": "en", "skin": "timeless"},
    ]
    r = post(client, {"wiki": "127.0.0.1:8080", "events": events})
    assert r.status_code == 202, r.get_json()
    assert total(app, action="completed", step="", lang="zh-classical") == 1
    assert total(app) == 4
    # ... but a step-less "shown" is refused
    bad = {"wiki": "127.0.0.1:8080", "events": [dict(events[1], step=None)]}
    assert post(client, bad).status_code == 400
