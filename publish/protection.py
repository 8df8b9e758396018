"""Protection by default: the pages the sync compiles are protected (edit and move) at the
level a community configures, because an unprotected tour page invites edits that then wait
for review (publish/trust.py) and a vandal's edit of it is one step from the wiki's interface.

``python -m tours push`` (and so the playground's seeding) protects the tour and library pages
at ``--protect`` (default ``sysop``) and the translation pages and the approvals page at
``--protect-translations`` (default ``autoconfirmed``: translating stays open to every
account, publishing needs review, and the translation circle approves translations); the sync warns on the status page when a page is protected
more weakly than its ``trust:`` settings say. The level order is pure; :func:`protect` is the
I/O for the push's small API client.
"""

from __future__ import annotations

from typing import Iterable, Mapping

__all__ = ["LEVELS", "APPROVALS_TITLE", "DEFAULT_LEVEL", "DEFAULT_TRANSLATIONS_LEVEL",
           "level_rank", "weaker", "protect"]

#: MediaWiki's protection levels, weakest first.
LEVELS = ("", "autoconfirmed", "extendedconfirmed", "sysop")
DEFAULT_LEVEL = "sysop"
DEFAULT_TRANSLATIONS_LEVEL = "autoconfirmed"
#: Where trusted editors approve revisions (publish/trust.py); protected with the tour pages.
APPROVALS_TITLE = "Project:Wikitours/Approved.json"


def level_rank(level: str) -> int:
    """Strength of a protection level; a wiki's own level (not in :data:`LEVELS`) counts as
    stronger than ``autoconfirmed`` and weaker than ``sysop``."""
    return LEVELS.index(level) * 2 if level in LEVELS else 3


def weaker(current: Mapping[str, str], wanted: str) -> list[str]:
    """The actions (``edit``, ``move``) protected more weakly than *wanted* in *current*
    (action → level); ``[]`` when nothing is wanted."""
    if not wanted:
        return []
    return [a for a in ("edit", "move") if level_rank(current.get(a, "")) < level_rank(wanted)]


def protect(api, titles: Iterable[str], level: str,
            reason: str) -> tuple[list[str], list[tuple[str, str]]]:
    """Protect the existing pages among *titles* at *level* (edit and move, no expiry) where
    they are protected more weakly: ``(protected titles, [(title, why not)])``. Pages already
    protected at least as strongly are left alone (an admin's stronger choice stays)."""
    done: list[str] = []
    failed: list[tuple[str, str]] = []
    names = list(dict.fromkeys(t for t in titles if t))
    if not level or not names:
        return done, failed
    for start in range(0, len(names), 50):
        reply = api.call(action="query", prop="info", inprop="protection",
                         titles="|".join(names[start:start + 50]))["query"]
        for page in reply.get("pages", []):
            if page.get("missing") or page.get("invalid"):
                continue
            current: dict[str, str] = {}
            for p in page.get("protection", []):
                if level_rank(p.get("level", "")) >= level_rank(current.get(p.get("type", ""), "")):
                    current[p.get("type", "")] = p.get("level", "")
            if not weaker(current, level):
                continue
            title = page["title"]
            try:
                token = api.call(action="query", meta="tokens")["query"]["tokens"]["csrftoken"]
                api.call("POST", action="protect", title=title, token=token, reason=reason,
                         protections=f"edit={level}|move={level}", expiry="infinite|infinite")
                done.append(title)
            except RuntimeError as error:  # no protect right, an unknown level, …
                failed.append((title, str(error)))
    return done, failed
