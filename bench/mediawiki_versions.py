"""What each supported MediaWiki costs the test suite: install, a wiki per module, edits, tests.

    .venv/bin/python bench/mediawiki_versions.py [--runs 5] [--tests FILE...] [--workers N]

For each version (1.39, 1.43) it prints, from a cache of its own (so the figures include a cold
install and no other checkout's templates are touched):
  - install: install.php plus accounts and the localisation cache, once per machine and version;
  - wiki: copying the template and starting PHP's server, what every test module with a `wiki`
    pays (median of --runs);
  - edit / view: one API edit and one rendered page view, medians;
  - tests (with --tests): the wall time of `pytest --mediawiki VERSION -k mwVERSION FILES`, i.e.
    only the tests that need a wiki, on that version.
A module's wiki is made once and shared by its tests; `-n auto --dist loadfile` runs modules in
parallel. The figures say what sharing one wiki between modules would save: about
(number of modules) x (wiki) seconds per version.

Figures of 2026-12-06 on the shared 2-core machine (load average about 14: eight engineers'
wikis and browsers), so absolute times are several times CI's:

| MediaWiki | install (s) | wiki (s) | edit (s) | view (s) | wiki and browser tests |
| --- | --- | --- | --- | --- | --- |
| 1.39.17 | 18.2 | 2.06 | 2.46 | 0.70 | 244 tests, 31 min 13 s |
| 1.43.9 | 21.3 | 2.88 | 4.86 | 1.36 | 241 tests, 32 min 55 s |

(`pytest -k mwX --mediawiki X`, all test files, `-n auto --dist loadfile`, templates installed
cold for every language.) `scripts/mediawiki.sh install 1.43` takes 8 s (53 MB of .deb, 332 MB
unpacked) and under a second once done. 1.43 answers an edit in about twice 1.39's time, but
the suite's time is dominated by Chromium, Pywikibot and the bots' own waits, so a second
version costs about as much again as the first: CI's run (about 8.5 min with 1.39 alone) grows
to roughly 17 min, far inside its 90. Sharing one wiki between modules would save at most about
50 module-version pairs x 2-3 s; not done (most modules count edits, log entries or accounts on
a fresh wiki). `opcache.file_cache` shared between servers was tried: 1.43 then answered some
Minerva pages with HTTP 500.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from localwiki import LocalWiki, install, versions  # noqa: E402


def timed(action) -> float:
    started = time.monotonic()
    action()
    return time.monotonic() - started


def measure(branch: str, runs: int, scratch: Path) -> dict[str, float]:
    mediawiki = versions.find(branch)
    figures = {"install": timed(lambda: install.template("en", mediawiki))}
    wikis, edits, views = [], [], []
    for n in range(runs):
        started = time.monotonic()
        wiki = LocalWiki.create(scratch / f"{branch}-{n}", mediawiki=mediawiki, workers=2)
        wiki.start()
        wikis.append(time.monotonic() - started)
        try:
            edits.append(timed(lambda: wiki.edit("Sandbox", f"Edit {n}")))
            views.append(timed(lambda: wiki.html("Sandbox")))
        finally:
            wiki.destroy()
    figures["wiki"] = statistics.median(wikis)
    figures["edit"] = statistics.median(edits)
    figures["view"] = statistics.median(views)
    return figures


def test_time(branch: str, files: list[str], workers: str) -> float:
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", workers,
                    "--mediawiki", branch, "-k", f"mw{branch}", *files], cwd=ROOT,
                   env=dict(os.environ), check=False)
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tests", nargs="*", default=[])
    parser.add_argument("--workers", default="auto")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-mw-") as tmp:
        os.environ["WIKITOURS_WIKI_CACHE"] = str(Path(tmp) / "cache")
        for branch in versions.SUPPORTED:
            figures = measure(branch, args.runs, Path(tmp))
            if args.tests:
                figures["tests"] = test_time(branch, args.tests, args.workers)
            rows.append((versions.find(branch).version, figures))
    columns = ["install", "wiki", "edit", "view"] + (["tests"] if args.tests else [])
    print("| MediaWiki | " + " | ".join(f"{c} (s)" for c in columns) + " |")
    print("| --- |" + " --- |" * len(columns))
    for version, figures in rows:
        print(f"| {version} | " + " | ".join(f"{figures[c]:.2f}" for c in columns) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
