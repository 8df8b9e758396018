"""A fresh local MediaWiki for a benchmark that runs a bot against it.

The benchmarks that count a bot's requests at the server (``bench/tasks.py``,
``bench/welcome.py``) open their wiki the same way: a scratch folder, Pywikibot's user-config
in it (so the bot talks to this wiki and to nothing else), a local MediaWiki started from it,
and everything stopped and removed afterwards, also when the benchmark fails.

Run as scripts (``python bench/tasks.py``), the benchmarks find this module beside them; it
puts the repository on ``sys.path`` for them.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from localwiki import LocalWiki, pwbconfig  # noqa: E402

__all__ = ["ROOT", "fresh_wiki", "bot_site"]


@contextmanager
def fresh_wiki(name: str, workers: int = 2) -> Iterator[LocalWiki]:
    """A started local wiki in a scratch folder ``wikitours-bench-<name>-…``, with Pywikibot
    set up for this process to talk to it; stopped and removed when the block ends."""
    folder = Path(tempfile.mkdtemp(prefix=f"wikitours-bench-{name}-"))
    try:
        pwbconfig.prepare_process(folder / "pywikibot")
        wiki = LocalWiki.create(folder / "wiki", workers=workers).start()
        try:
            yield wiki
        finally:
            wiki.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def bot_site(wiki: LocalWiki):
    """The Pywikibot site of *wiki*, logged in as the bot (:func:`localwiki.pwbconfig.site`)."""
    return pwbconfig.site(wiki)
