"""``-help`` for scripts started with ``python -m bot.NAME``.

Pywikibot's own ``-help`` looks the script up by its file name and finds nothing for a module run
with ``-m`` ("Sorry, no help available"), and it connects to the wiki first. Each script's module
docstring is its help text, so print that before any connection is made.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["help_requested"]


def help_requested(doc: str | None, args: Sequence[str]) -> bool:
    """Print *doc* and return True when *args* (or ``sys.argv``) ask for ``-help``."""
    if any(a == "-help" or a.startswith("-help:") for a in (args or sys.argv[1:])):
        print(doc or "")
        return True
    return False
