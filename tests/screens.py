"""Where a test's screenshot goes: docs/screenshots (WIKITOURS_SCREENSHOTS=1) or screenshots/tmp.

Wiki tests run once per MediaWiki version; the docs show the current LTS, so only the run on
`DOCS_VERSION` writes into docs/screenshots. The other runs' pictures go to screenshots/tmp with
the version in the name (`first-edit-vector-mw1.39.png`), to compare the two by eye.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "docs" / "screenshots"
TMP_SHOTS = ROOT / "screenshots" / "tmp"
#: The MediaWiki branch the documentation's screenshots come from.
DOCS_VERSION = "1.43"


def wiki_branch(page) -> str | None:
    """The MediaWiki branch of the wiki page PAGE shows ("1.43"), or None when it is no wiki."""
    try:
        version = page.evaluate("window.mw ? mw.config.get('wgVersion') : null")
    except Exception:  # noqa: BLE001 (a page without scripts, or closed)
        return None
    return ".".join(str(version).split(".")[:2]) if version else None


def path_for(page, name: str) -> Path:
    """The file a screenshot named NAME of PAGE is saved to (its folder made)."""
    return path_named(name, wiki_branch(page))


def path_named(name: str, branch: str | None) -> Path:
    """The file a screenshot named NAME ("journeys/2-mentor-writes") taken on MediaWiki BRANCH
    (None: no wiki involved) is saved to, its folder made. For pages that are not the wiki's
    (the app, the sign-in provider) the test names the version of the stack it runs on."""
    if os.environ.get("WIKITOURS_SCREENSHOTS") and branch in (DOCS_VERSION, None):
        path = SCREENSHOTS / f"{name}.png"
    else:
        path = TMP_SHOTS / (f"{name}-mw{branch}.png" if branch else f"{name}.png")
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
