"""Outgoing HTTP: one User-Agent for every request the app makes (wiki APIs, OAuth).

Wikimedia's policy asks for a descriptive User-Agent with a contact; it is the ``USER_AGENT``
setting. Use :func:`session` instead of bare ``requests`` calls.
"""

from __future__ import annotations

import requests
from flask import Flask, current_app

__all__ = ["session", "user_agent", "init_app"]


def user_agent() -> str:
    return current_app.config["USER_AGENT"]


def session() -> requests.Session:
    """A ``requests`` session that identifies the app."""
    s = requests.Session()
    s.headers["User-Agent"] = user_agent()
    return s


def init_app(app: Flask) -> None:
    if not app.config.get("USER_AGENT"):
        raise RuntimeError("USER_AGENT must name the tool and a contact")
