"""New accounts from EventStreams: Pywikibot's EventStreams reader against a local server that
speaks the stream's real format (`event: message`, `id: [...]`, `data: {json}`, recentchange
events with `log_type: newusers`), and the bot loop welcoming the accounts it announces."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from datetime import datetime, timezone
from pathlib import Path

import pytest

from contracts import markers
from bot.streams import account_from_event, stream_accounts

ROOT = Path(__file__).resolve().parents[2]


STAMP = int(datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc).timestamp())


def rc_event(logid: int, user: str, *, wiki: str = "localwiki", stamp: int = STAMP,
             action: str = "create", **extra) -> dict:
    """A recentchange event as EventStreams sends it for a new account."""
    event = {
        "$schema": "/mediawiki/recentchange/1.0.0",
        "meta": {"uri": f"http://127.0.0.1/wiki/User:{user}", "request_id": f"req-{logid}",
                 "id": f"id-{logid}", "dt": "2026-11-25T10:00:00Z", "domain": "127.0.0.1",
                 "stream": "mediawiki.recentchange", "topic": "eqiad.mediawiki.recentchange",
                 "partition": 0, "offset": 1000 + logid},
        "id": 5000 + logid, "type": "log", "namespace": 2, "title": f"User:{user}",
        "title_url": f"http://127.0.0.1/wiki/User:{user}", "comment": "", "timestamp": stamp,
        "user": user, "bot": False, "log_id": logid, "log_type": "newusers",
        "log_action": action, "log_params": {"userid": 100 + logid},
        "log_action_comment": "New user account", "server_url": "http://127.0.0.1",
        "server_name": "127.0.0.1", "server_script_path": "", "wiki": wiki, "parsedcomment": ""}
    event.update(extra)
    return event


def noise() -> list[dict]:
    edit = rc_event(1, "Someone", type="edit")
    del edit["log_type"]
    return [edit,
            rc_event(2, "Other Wiki User", wiki="dewiki"),
            rc_event(3, "Blocked Log", log_type="block", log_action="block"),
            rc_event(4, "Canary", meta={"domain": "canary"}),
            rc_event(5, "Bad|Name"),
            rc_event(6, "Talk", namespace=3)]


class SSE:
    """A local stand-in for the EventStreams service."""

    def __init__(self):
        self.events: list[dict] = []
        self.raw_lines: list[str] = []
        self.drop_after: int | None = None  # close the first connection after N events
        self.seen_last_event_ids: list[str | None] = []
        self.connections = 0

    def frame(self, index: int, event: dict) -> bytes:
        offset = json.dumps([{"topic": "eqiad.mediawiki.recentchange", "partition": 0,
                              "offset": index},
                             {"topic": "codfw.mediawiki.recentchange", "partition": 0,
                              "offset": -1}])
        return (f"event: message\nid: {offset}\ndata: {json.dumps(event)}\n\n").encode()


def start_sse() -> tuple[SSE, ThreadingHTTPServer]:
    state = SSE()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def do_GET(self):  # noqa: N802
            state.connections += 1
            last = self.headers.get("Last-Event-Id")
            state.seen_last_event_ids.append(last)
            try:
                start = json.loads(last)[0]["offset"] + 1 if last else 0
            except (ValueError, LookupError, TypeError):
                start = 0
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            self.wfile.write(b":ok\n\n")
            for line in state.raw_lines:
                self.wfile.write(line.encode())
            sent = 0
            for index in range(start, len(state.events)):
                self.wfile.write(state.frame(index, state.events[index]))
                self.wfile.flush()
                sent += 1
                if state.connections == 1 and state.drop_after and sent >= state.drop_after:
                    return  # the connection drops; the client reconnects with Last-Event-ID
            # The real service keeps the stream open and busy; a comment line of 1 KiB stands
            # for that traffic (requests' iter_lines reads in chunks of 512 bytes).
            self.wfile.write(b":" + b" " * 1024 + b"\n\n")
            self.wfile.flush()
            time.sleep(30)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/v2/stream/recentchange"
    return state, server


@pytest.fixture()
def sse():
    state, server = start_sse()
    yield state
    server.shutdown()
    server.server_close()


def test_events_are_read_like_the_new_users_log():
    account = account_from_event(rc_event(9, "New person"), "localwiki")
    assert (account.logid, account.user, account.action) == (9, "New person", "create")
    assert account.timestamp == "2026-11-25T10:00:00Z"
    assert all(account_from_event(e, "localwiki") is None for e in noise())
    for broken in (None, [], "x", {"type": "log"}, rc_event(0, "Zero"),
                   rc_event(7, "T", log_id="7"), rc_event(8, "T", timestamp="now"),
                   rc_event(9, "T", title=None), rc_event(10, "T", log_action="delete")):
        assert account_from_event(broken, "localwiki") is None


def test_pywikibot_eventstreams_reads_the_local_stream_and_resumes_after_a_drop(wiki, sse):
    sse.raw_lines = ['event: message\nid: [{"topic": "eqiad.mediawiki.recentchange", '
                     '"partition": 0, "offset": -1}]\ndata: {not json\n\n']
    sse.events = noise() + [rc_event(11, "Stream One"), rc_event(12, "Stream Two"),
                            rc_event(13, "Stream Three", action="autocreate")]
    sse.drop_after = 7  # after the noise and the first account
    got = list(stream_accounts(sse.url, wiki.site(), "localwiki", total=3, timeout=10,
                               retry_ms=50))
    assert [(a.logid, a.user, a.action) for a in got] == [
        (11, "Stream One", "create"), (12, "Stream Two", "create"),
        (13, "Stream Three", "autocreate")]
    assert sse.connections == 2
    assert json.loads(sse.seen_last_event_ids[1])[0]["offset"] == 6  # resumed where it broke


def test_the_bot_loop_welcomes_accounts_announced_on_the_stream(wiki, sse):
    from tests.bot.test_bot_welcome import start_project

    for name in ("Streamed Ann", "Streamed Ben"):
        wiki.create_user(name)
    # the bot's log position is after these accounts: only the stream can bring them
    project = start_project(wiki, "T-stream", [{"username": "Mentor Stream"}])
    entries = wiki.call(action="query", list="logevents", letype="newusers",
                        lelimit=20)["query"]["logevents"]
    real = {e["title"].split(":", 1)[1]: e for e in entries}
    sse.events = noise() + [
        rc_event(real[name]["logid"], name, stamp=int(time.time())) for name in
        ("Streamed Ann", "Streamed Ben")]
    done = subprocess.run(
        [sys.executable, "-m", "bot.run", "-setup", f"-project:{project}", f"-stream:{sse.url}",
         "-stream-wiki:localwiki", "-cycles:2", "-interval:20"],
        cwd=ROOT, env=wiki.pywikibot_env(), capture_output=True, text=True, timeout=180)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    for name in ("Streamed Ann", "Streamed Ben"):
        assert markers.welcome_mentor(wiki.wikitext(f"User talk:{name}")) == "Mentor Stream", out
    # the first pass (catching up from the log) had nothing; the second got them from the stream
    assert out.index("run done: 0 welcomed") < out.index("welcomed Streamed Ann"), out
    assert "Other Wiki User" not in out and "Canary" not in out
