"""Benchmark: task lists for practice on real articles (issue 19), requests counted at the server.

    .venv/bin/python bench/tasks.py [--articles 600] [--offers 20]

Starts a fresh local MediaWiki, seeds *articles* articles that carry the "citation needed"
template (and so sit in its category), runs the task-list bot once (it reads the reviewed task
types page, queries each category and template with one batched generator request per 500
pages, and saves ``MediaWiki:Gadget-wikitours-tasks.json``), then makes *offers* offers the way the
gadget does (one GET of the published list) and prints requests per offer. A second bot run with
nothing changed shows the cost of keeping the list fresh (no edit).
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from benchwiki import bot_site, fresh_wiki


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--offers", type=int, default=20)
    args = parser.parse_args()

    with fresh_wiki("tasks") as wiki:
        from publish.tasklists import run
        from practice.tasktypes import LIST_TITLE
        from playground.practiceseed import seed_task_articles
        from wikiapi.client import Wiki

        started = time.monotonic()
        seed_task_articles(wiki)
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda i: wiki.edit(
                f"River {i:04d}", f"River number {i}.{{{{Citation needed}}}}\n[[Category:Rivers]]"),
                range(args.articles)))
        print(f"seeded {args.articles + 5} articles in {time.monotonic() - started:.1f} s")

        site = bot_site(wiki)
        site.tokens["csrf"]  # Pywikibot's own start-up reads are not the bot's work
        mark = wiki.log_mark()
        started = time.monotonic()
        report = run(Wiki(site), log=lambda line: None)
        seconds = time.monotonic() - started
        counts = wiki.api_counts(since=mark)
        listed = sum(report.pages.values())
        print(f"task-list bot: {listed} articles listed ({report.pages}) in {seconds:.1f} s")
        print(f"  API requests at the server: {counts.total} ({counts.edits} edit)")
        for action, number in counts.actions:
            print(f"    {action:<14} {number}")
        size = len((wiki.wikitext(LIST_TITLE) or "").encode("utf-8"))
        print(f"  published list: {size} bytes")

        mark = wiki.log_mark()
        run(Wiki(site), log=lambda line: None)
        again = wiki.api_counts(since=mark)
        print(f"second run, nothing changed: {again.total} requests, {again.edits} edits")

        session = wiki.anonymous()
        mark = wiki.log_mark()
        for _ in range(args.offers):
            # exactly the gadget's request (gadget/src/tasks.js), caches aside
            session.get(wiki.api, params={
                "action": "query", "format": "json", "formatversion": 2, "prop": "revisions",
                "rvprop": "content", "rvslots": "main", "titles": LIST_TITLE,
                "maxage": 3600, "smaxage": 3600}).raise_for_status()
        offers = wiki.api_counts(since=mark)
        print(f"offers: {args.offers} offers, {offers.total} requests: "
              f"{offers.total / args.offers:.2f} per offer, whatever the number of articles "
              "(browsers and the wiki's caches keep the answer an hour)")
        return 0 if listed else 1


if __name__ == "__main__":
    sys.exit(main())
