"""A fresh local MediaWiki for a benchmark that runs a bot against it.

The benchmarks that count requests at a wiki's server (``bench/tasks.py``, ``bench/welcome.py``,
``bench/deploy.py``, ``bench/outcomes.py``) open their wiki the same way: a scratch folder,
Pywikibot's user-config in it (so a bot talks to this wiki and to nothing else), a local
MediaWiki started from it, and everything stopped and removed afterwards, also when the
benchmark fails (``--keep`` leaves the folder for a look).

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
def fresh_wiki(name: str, workers: int = 2, keep: bool = False) -> Iterator[LocalWiki]:
    """A started local wiki in a scratch folder ``wikitours-bench-<name>-…``, with Pywikibot
    set up for this process to talk to it; stopped when the block ends, and removed unless
    *keep* (then the folder is printed). The scratch folder is ``wiki.directory.parent``: a
    benchmark may keep its own files there (builds), removed with the wiki."""
    folder = Path(tempfile.mkdtemp(prefix=f"wikitours-bench-{name}-"))
    try:
        pwbconfig.prepare_process(folder / "pywikibot")
        wiki = LocalWiki.create(folder / "wiki", workers=workers).start()
        try:
            yield wiki
        finally:
            wiki.stop()
    finally:
        if keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def bot_site(wiki: LocalWiki):
    """The Pywikibot site of *wiki*, logged in as the bot (:func:`localwiki.pwbconfig.site`)."""
    return pwbconfig.site(wiki)
