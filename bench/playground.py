"""What one playground stack costs per MediaWiki version: the fixture of the journeys and of the
playground check (tests/playground/test_journeys.py, test_playground.py) on each version.

    .venv/bin/python bench/playground.py [--runs 1] [--mediawiki 1.39,1.43]

Runs `python -m playground --check` in a fresh folder (a cold start, as each of those test
modules pays once per version) and prints, per version, the seconds from the start until each
milestone line of its output: the wiki answering, the accounts and tour pages seeded, the
first sync done (tours compiled and published, practice articles seeded), and the check passed
(every service started, the catalogue read); then a warm
start (`--check` again on the same folder: the wiki is reused, the sync has nothing to publish).
The test wiki of an ordinary module (a copy of the template, about 2-3 s) is measured by
bench/mediawiki_versions.py.

Figures of 2026-12-06 on the shared 2-core machine (load average about 9, other engineers'
wikis and browsers running), one run each, after the fix of the seed's pace (before it, from a
shell, the seed alone paused 10 s per edit):

| MediaWiki | wiki up (s) | accounts, tours seeded (s) | first sync done (s) | check passed (s) | warm (s) |
| --- | --- | --- | --- | --- | --- |
| 1.39.17 | 1.7 | 13.4 | 53.6 | 78.6 | 43.1 |
| 1.43.9 | 2.4 | 20.1 | 88.1 | 122.5 | 66.2 |
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from localwiki import free_port, versions  # noqa: E402

#: Milestones: a column name and the start of the output line that marks it (i18n/playground/en.json).
MILESTONES = (("wiki up", "MediaWiki version:"),
              ("accounts, tours seeded", "Compiling the tours on the wiki"),  # the sync starts
              ("first sync done", ": running ("),  # the first service starts after it
              ("check passed", "Check passed"))


def run_once(branch: str, folder: Path) -> dict[str, float]:
    """One `--check` run; seconds from its start to each milestone seen, and "total"."""
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "playground", "--check", "--dir", str(folder), "--mediawiki",
         branch, "--port", str(free_port()), "--app-port", str(free_port()), "--workers", "2"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen: dict[str, float] = {}
    lines = []
    for line in process.stdout:
        lines.append(line)
        for name, start in MILESTONES:
            if name not in seen and start in line:
                seen[name] = time.monotonic() - started
    process.wait()
    seen["total"] = time.monotonic() - started
    if process.returncode != 0:
        raise SystemExit(f"playground --check on {branch} failed:\n{''.join(lines)[-3000:]}")
    return seen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--mediawiki", default=",".join(versions.SUPPORTED))
    args = parser.parse_args()
    columns = [name for name, _ in MILESTONES] + ["warm"]
    print("| MediaWiki | " + " | ".join(f"{c} (s)" for c in columns) + " |")
    print("| --- |" + " --- |" * len(columns))
    for branch in args.mediawiki.split(","):
        cold: dict[str, list[float]] = {}
        warm = []
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory(prefix=f"bench-pg-{branch}-") as tmp:
                for name, value in run_once(branch, Path(tmp) / "pg").items():
                    cold.setdefault(name, []).append(value)
                warm.append(run_once(branch, Path(tmp) / "pg")["total"])
        row = [statistics.median(cold.get(name, [float("nan")])) for name, _ in MILESTONES]
        row.append(statistics.median(warm))
        print(f"| {versions.find(branch).version} | " + " | ".join(f"{v:.1f}" for v in row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
