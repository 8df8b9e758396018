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
    branch = wiki_branch(page)
    if os.environ.get("WIKITOURS_SCREENSHOTS") and branch in (DOCS_VERSION, None):
        folder, file = SCREENSHOTS, f"{name}.png"
    else:
        folder, file = TMP_SHOTS, f"{name}-mw{branch}.png" if branch else f"{name}.png"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / file
