"""Per-client rate limits for the public events API, without remembering who anyone is.

A client is keyed by ``HMAC-SHA256(salt, IP address)``, cut to 16 bytes. The salt is random,
lives only in this process's memory and changes every day, so the key cannot be turned back
into an address, is never written anywhere (not to the database, not to logs), and cannot be
linked across days. Each key gets a token bucket: ``RATELIMIT_BURST`` requests at once, refilled
at ``RATELIMIT_RATE`` per second. Buckets are per worker process (gunicorn/uWSGI workers each
keep their own), which bounds a client at workers × the limit: simple, and enough to stop a
flood; it is not accounting. Idle buckets are dropped so memory stays bounded.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field

from flask import Flask, current_app, request

__all__ = ["TokenBuckets", "init_app", "allow_request", "client_key"]


@dataclass
class TokenBuckets:
    """Token buckets keyed by an opaque client key. Thread-safe."""

    rate: float
    burst: int
    max_keys: int = 100_000
    clock: callable = time.monotonic  # type: ignore[valid-type]
    _buckets: dict[bytes, tuple[float, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def allow(self, key: bytes, cost: float = 1.0) -> bool:
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            allowed = tokens >= cost
            if allowed:
                tokens -= cost
            if len(self._buckets) >= self.max_keys and key not in self._buckets:
                self._prune(now)
            self._buckets[key] = (tokens, now)
            return allowed

    def _prune(self, now: float) -> None:
        """Drop buckets that have refilled completely (they behave like new ones)."""
        full_after = self.burst / self.rate if self.rate > 0 else float("inf")
        for key in [k for k, (_t, last) in self._buckets.items() if now - last >= full_after]:
            del self._buckets[key]
        if len(self._buckets) >= self.max_keys:  # under attack: forget the oldest half
            for key in sorted(self._buckets, key=lambda k: self._buckets[k][1])[: self.max_keys // 2]:
                del self._buckets[key]

    def __len__(self) -> int:
        return len(self._buckets)


class _Salt:
    """A random salt that changes every UTC day, kept only in memory."""

    def __init__(self) -> None:
        self._day = -1
        self._salt = b""
        self._lock = threading.Lock()

    def get(self) -> bytes:
        day = int(time.time() // 86400)
        with self._lock:
            if day != self._day:
                self._day, self._salt = day, secrets.token_bytes(32)
            return self._salt


_salt = _Salt()


def client_key(address: str | None) -> bytes:
    """The opaque key of the client at *address* (never stored, never logged)."""
    return hmac.new(_salt.get(), (address or "").encode(), hashlib.sha256).digest()[:16]


def allow_request() -> bool:
    """Whether this request's client may send another events request now."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return True
    return current_app.extensions["wikitours.ratelimit"].allow(client_key(request.remote_addr))


def init_app(app: Flask) -> None:
    app.extensions["wikitours.ratelimit"] = TokenBuckets(
        float(app.config["RATELIMIT_RATE"]), int(app.config["RATELIMIT_BURST"]))
