"""New accounts as they happen, from Wikimedia EventStreams (server-sent events).

Polling the new-users log is the default and is right for small wikis and the playground. On a
large wiki the bot can instead listen to the ``recentchange`` stream, where each new account is
a ``log`` event of type ``newusers``. The stream is read with Pywikibot's own
``pywikibot.comms.eventstreams.EventStreams`` (which needs the ``requests-sse`` package), and
each event becomes the same :class:`~wikiapi.client.NewAccount` the log gives, so everything after
it (skips, mentors, markers) is shared with polling. Events of other wikis, other types,
canary events and malformed data are dropped.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timezone

from bot.mentors import is_valid_user, normalize_user
from wikiapi.client import NewAccount

__all__ = ["account_from_event", "stream_accounts", "StreamReader"]

ACTIONS = ("create", "create2", "byemail", "autocreate")


def account_from_event(event: object, wiki: str = "") -> NewAccount | None:
    """The new account an event announces, or None for any other event."""
    if not isinstance(event, dict):
        return None
    if event.get("type") != "log" or event.get("log_type") != "newusers":
        return None
    if event.get("log_action") not in ACTIONS:
        return None
    if wiki and event.get("wiki") != wiki:
        return None
    meta = event.get("meta") if isinstance(event.get("meta"), dict) else {}
    if meta.get("domain") == "canary":
        return None
    title, logid, stamp = event.get("title"), event.get("log_id"), event.get("timestamp")
    if event.get("namespace") != 2 or not isinstance(title, str) or ":" not in title:
        return None
    if not isinstance(logid, int) or isinstance(logid, bool) or logid <= 0:
        return None
    if not isinstance(stamp, (int, float)) or isinstance(stamp, bool):
        return None
    user = normalize_user(title.split(":", 1)[1])
    if not is_valid_user(user):
        return None
    when = datetime.fromtimestamp(stamp, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return NewAccount(logid, when, user, event["log_action"])


def stream_accounts(url: str, site, wiki: str = "", *, total: int | None = None,
                    timeout: float = 60, retry_ms: int = 5000,
                    last_event_id: str | None = None) -> Iterator[NewAccount]:
    """New accounts from the stream at *url* (e.g. ``…/v2/stream/recentchange``).

    *wiki* is the database name events must carry (``dewiki``); *total* stops after that many
    accounts. Reconnection after a dropped connection (with ``Last-Event-ID``) is done by
    Pywikibot and requests-sse.
    """
    from pywikibot.comms.eventstreams import EventStreams

    kwargs: dict = {"url": url, "site": site, "timeout": timeout, "retry": retry_ms}
    if last_event_id:
        kwargs["latest_event_id"] = last_event_id
    stream = EventStreams(**kwargs)
    stream.register_filter(type="log", log_type="newusers")
    if wiki:
        stream.register_filter(wiki=wiki)
    count = 0
    for event in stream:
        account = account_from_event(event, wiki)
        if account is None:
            continue
        yield account
        count += 1
        if total is not None and count >= total:
            return


class StreamReader:
    """Reads the stream in a background thread so the bot can work in batches.

    ``take(batch, wait)`` returns up to *batch* accounts, waiting at most *wait* seconds for
    the first one; the reader thread never edits, it only queues.
    """

    def __init__(self, accounts: Callable[[], Iterator[NewAccount]],
                 log: Callable[[str], None]):
        self._queue: queue.Queue[NewAccount | BaseException] = queue.Queue()
        self._log = log
        self._thread = threading.Thread(target=self._read, args=(accounts,), daemon=True)
        self.finished = threading.Event()
        self.error: BaseException | None = None
        self._thread.start()

    def _read(self, accounts: Callable[[], Iterator[NewAccount]]) -> None:
        try:
            for account in accounts():
                self._queue.put(account)
        except Exception as error:  # noqa: BLE001 - reported to the main loop
            self.error = error
            self._log(f"event stream ended: {type(error).__name__}: {error}")
        finally:
            self.finished.set()

    def take(self, batch: int, wait: float) -> list[NewAccount]:
        taken: list[NewAccount] = []
        try:
            first = self._queue.get(timeout=wait)
        except queue.Empty:
            return taken
        taken.append(first)  # type: ignore[arg-type]
        while len(taken) < batch:
            try:
                taken.append(self._queue.get_nowait())  # type: ignore[arg-type]
            except queue.Empty:
                break
        return taken
