"""Deploy benchmark: API requests and edits of publish/deploy.py, counted at the wiki's server.

    .venv/bin/python bench/deploy.py [--keep]

Makes a fresh local wiki, then runs three deploys of the shipped tours.yaml: fresh, again with
nothing changed, and after changing one tour's title. For each it prints the API requests the
server answered (GET/POST), the edits among them, the batched content reads and the wall time.
Goal: a deploy with nothing changed makes no edit and at most one content read per 50 pages.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchwiki import ROOT, fresh_wiki
from localwiki import LocalWiki


def run(wiki: LocalWiki, manifest_dir: Path) -> dict:
    mark = wiki.log_mark()
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "publish.deploy", f"-manifest:{manifest_dir}"],
                          cwd=ROOT, env=wiki.pywikibot_env(), capture_output=True, text=True)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"deploy failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    log = [e for e in wiki.request_log()[mark:] if e.is_api]
    return {"get": sum(e.method == "GET" for e in log),
            "post": sum(e.method == "POST" for e in log),
            "edits": sum(e.method == "POST" and e.action == "edit" for e in log),
            "reads": sum(e.action == "query" and "revisions" in e.prop.split("|") for e in log),
            "seconds": seconds}


def build(source: Path, out: Path) -> int:
    done = subprocess.run([sys.executable, "-m", "tours", "build", str(source), "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"build failed:\n{done.stdout}{done.stderr}")
    return len(json.loads((out / "manifest.json").read_text())["pages"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the wiki folder afterwards")
    args = parser.parse_args()
    with fresh_wiki("deploy", workers=1, keep=args.keep) as wiki:
        work = wiki.directory.parent
        pages = build(ROOT / "tours.yaml", work / "build1")
        changed = work / "changed"
        changed.mkdir()
        text = (ROOT / "tours.yaml").read_text()
        (changed / "tours.yaml").write_text(
            text.replace("title: Your first edit\n", "title: Your very first edit\n", 1))
        shutil.copytree(ROOT / "i18n", changed / "i18n")
        build(changed / "tours.yaml", work / "build2")
        rows = [("fresh", run(wiki, work / "build1")),
                ("unchanged", run(wiki, work / "build1")),
                ("one tour changed", run(wiki, work / "build2"))]
    print(f"deploy of the shipped tours: {pages} pages (+ gadget definition), "
          f"goal for reads: <= {math.ceil((pages + 2) / 50)} per deploy")
    print(f"{'run':<18}{'API GET':>9}{'API POST':>10}{'edits':>7}{'reads':>7}{'seconds':>9}")
    for name, row in rows:
        print(f"{name:<18}{row['get']:>9}{row['post']:>10}{row['edits']:>7}{row['reads']:>7}"
              f"{row['seconds']:>9.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
