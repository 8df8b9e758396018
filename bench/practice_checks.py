"""Benchmark: the app's checks of task edits, with and without stored verdicts (issue 19).

    .venv/bin/python bench/practice_checks.py [--edits 20] [--views 10] [--mediawiki 1.39]

Starts a fresh local MediaWiki, seeds *edits* articles that carry the "citation needed" template,
lets one learner fix each of them (a ``<ref>`` in place of the template) and claim them in their
progress page, publishes the task list, and then opens the learner's page in the app *views*
times, counting API requests at the wiki's server:

- before: ``PRACTICE_RECHECK_SECONDS: 0`` (nothing reused: every view checks every edit again,
  as the app did before the verdicts were stored);
- after: the default policy (verdicts that waiting cannot change are reused for an hour).

The progress cache is off in both runs (``PROGRESS_CACHE_SECONDS: 0``), so the figures show the
checks alone plus one progress read per view. The task list is read once per run (cached five
minutes in the app either way).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from localwiki import LocalWiki, pwbconfig  # noqa: E402

NOW = "2026-12-01T10:00:00Z"


def _checks(entries) -> int:
    """Requests that look up revisions (the checks' own work)."""
    return sum(1 for e in entries if e.is_api and ("revids=" in e.uri or "rvstartid=" in e.uri))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--views", type=int, default=10)
    parser.add_argument("--mediawiki", default=None, help="1.39 or 1.43 (default: 1.39)")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="wikitours-bench-practice-"))
    pwbconfig.prepare_process(folder / "pywikibot")
    wiki = LocalWiki.create(folder / "wiki", mediawiki=args.mediawiki, workers=2).start()
    try:
        from playground.practiceseed import seed_task_articles
        from publish.tasklists import run as publish_tasks
        from toolforge import create_app, db, learning
        from wikiapi.client import Wiki

        seed_task_articles(wiki)
        wiki.create_user("Learner")
        tasks = []
        for i in range(args.edits):
            title = f"River {i:04d}"
            wiki.edit(title, f"River number {i}.{{{{Citation needed}}}}\n[[Category:Rivers]]")
            revid = wiki.edit(title, f"River number {i}.<ref>Atlas</ref>\n[[Category:Rivers]]",
                              user="Learner")["newrevid"]
            tasks.append({"type": "citation", "title": title, "revid": revid, "done": NOW})
        done = {"status": "completed", "version": 1, "step": "done", "started": NOW,
                "updated": NOW, "completed": NOW}
        wiki.edit("User:Learner/wikitours.json", json.dumps(
            {"format": 1, "tours": {"add-citation": done}, "tasks": tasks,
             "public": ["practice"]}), user="Learner")
        publish_tasks(Wiki(pwbconfig.site(wiki)), log=lambda line: None)
        library = learning.load_library(ROOT / "tours.yaml")

        figures = {}
        for label, recheck in (("before (nothing stored)", 0), ("after (stored verdicts)", 3600)):
            app = create_app({
                "TESTING": True, "SECRET_KEY": "bench", "TOURS": {}, "LIBRARY": library,
                "DATABASE_URL": f"sqlite:///{folder / f'app-{recheck}.sqlite3'}",
                "WIKIS": [{"id": "local", "api": wiki.api, "index": wiki.index}],
                "PROGRESS_CACHE_SECONDS": 0, "PRACTICE_RECHECK_SECONDS": recheck})
            db.upgrade(app)
            client = app.test_client()
            per_view = []
            for _ in range(args.views):
                mark = wiki.log_mark()
                page = client.get("/learners/local/Learner")
                assert page.status_code == 200 and f"{args.edits} edits kept" in \
                    page.data.decode(), "the learner page did not count the edits"
                entries = wiki.request_log()[mark:]
                per_view.append((sum(1 for e in entries if e.is_api), _checks(entries)))
            figures[label] = per_view
            first, rest = per_view[0], per_view[1:]
            average = sum(t for t, _ in rest) / len(rest) if rest else float(first[0])
            checks = sum(c for _, c in rest) / len(rest) if rest else float(first[1])
            print(f"{label}: first view {first[0]} API requests ({first[1]} revision look-ups); "
                  f"later views {average:.1f} requests each ({checks:.1f} revision look-ups)")
        print(f"{args.edits} task edits, {args.views} views of the learner page, "
              f"MediaWiki {wiki.mediawiki.version}")
        return 0
    finally:
        wiki.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
