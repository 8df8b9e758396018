"""Benchmark: outcomes of 2,000 newcomers on a local wiki, API requests counted at the server.

    .venv/bin/python bench/outcomes.py [--newcomers 2000] [--mentors 10] [--reverts 40]

Starts a fresh local MediaWiki (localwiki) and makes the newcomers with tests/outcomes_sim.py:
one PHP process (MediaWiki's eval.php) creates the accounts with User::createNew plus the
newusers log entry, and saves their edits with PageUpdater as them, at past times set with
MediaWiki's fake clock (registrations 50 days ago, so every window has closed). That is how
2,000 accounts take under a minute instead of the ~35 minutes sign-up through the API would
(about a second each for password hashing). The reverts are real: the admin undoes
``--reverts`` first edits through the API, and MediaWiki tags them. Mentee records and the
experiment's assignment record are saved through the API as the bot would.

Then the app's code (toolforge.outcomes_fetch) reads every outcome through the Action API, and
the wiki's own request log counts what it answered. Goal (issue 9): at most one request per 50
newcomers per outcome, i.e. a "per 50 newcomers" figure of at most 1.0 on each line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import signal
import sys
import time

from benchwiki import ROOT, fresh_wiki


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--newcomers", type=int, default=2000)
    parser.add_argument("--mentors", type=int, default=10)
    parser.add_argument("--reverts", type=int, default=40)
    parser.add_argument("--keep", action="store_true", help="keep the wiki folder")
    args = parser.parse_args()

    from bot.experiments import choose, parse_config, render_assignments
    from tests.outcomes_sim import PlannedEdit, simulate
    from toolforge.learning import load_library
    from toolforge.outcomes_fetch import fetch_outcomes
    from toolforge.wikiclient import Wiki, WikiClient

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the wiki stops on kill
    with fresh_wiki("outcomes", keep=args.keep) as wiki:
        rng = random.Random(1)
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
        config = {"experiments": [{"name": "bench", "share": 50, "active": True,
                                   "primary": "activated_7d", "minimum-effect": 5,
                                   "planned-size": 1000,
                                   "variants": [{"id": "control"}, {"id": "no-tour-links",
                                                                     "tours": []}]}]}
        experiments, _ = parse_config(json.dumps(config))
        mentors = [f"Bench Mentor {i}" for i in range(args.mentors)]
        users = {m: now - dt.timedelta(days=400) for m in mentors}
        edits: list[PlannedEdit] = []
        mentees: dict[str, list[str]] = {m: [] for m in mentors}
        assignments = []
        first_edits: list[str] = []
        progress = json.dumps({"format": 1, "tours": {"first-edit": {
            "status": "completed", "version": 1, "step": "done"}}})
        for i in range(args.newcomers):
            name = f"Bench Newcomer {i:05d}"
            registered = now - dt.timedelta(days=50, seconds=30 * i)
            users[name] = registered
            mentor = mentors[i % len(mentors)]
            mentees[mentor].append(name)
            assignment = choose(experiments, name)
            if assignment:
                assignments.append(assignment)
            if rng.random() < 0.5:
                if len(first_edits) < args.reverts:  # an existing page, so it can be undone
                    edits.append(PlannedEdit("Admin", f"Article {i}", "Base.",
                                             registered - dt.timedelta(days=1)))
                    first_edits.append(f"Article {i}")
                edits.append(PlannedEdit(name, f"Article {i}", "Text.",
                                         registered + dt.timedelta(hours=rng.choice([1, 40]))))
            if rng.random() < 0.2:
                edits.append(PlannedEdit(name, f"User:{name}", "Back.",
                                         registered + dt.timedelta(days=20)))
            if rng.random() < 0.1:
                edits.append(PlannedEdit(name, f"User talk:{mentor}", f"Hi from {name}",
                                         registered + dt.timedelta(hours=3)))
            if rng.random() < 0.2:
                edits.append(PlannedEdit(name, f"User:{name}/wikitours.json", progress,
                                         registered + dt.timedelta(hours=2)))
        started = time.monotonic()
        result = simulate(wiki, users, edits)
        made = sum(1 for v in result["users"].values() if v)
        print(f"made {made} accounts in {result['seconds_users']:.1f} s and "
              f"{len(result['edits'])} edits in {result['seconds'] - result['seconds_users']:.1f} s"
              f" ({time.monotonic() - started:.1f} s in all: one eval.php process, fake clock)")

        started = time.monotonic()
        for title in first_edits:  # undone now through the API: MediaWiki tags the revert
            wiki.edit(title, "", undo=wiki.history(title)[-1]["revid"], summary="undo")
        for mentor, names in mentees.items():
            wiki.edit(f"Project:Wikitours/Mentees/{mentor}.json", json.dumps({"mentees": [
                {"username": n, "assigned": "2026-10-01T00:00:00Z"} for n in names]}),
                contentmodel="json")
        wiki.edit("Project:Wikitours/Experiments.json", json.dumps(config), contentmodel="json")
        wiki.edit("Project:Wikitours/Experiments/bench.json",
                  render_assignments("bench", assignments), contentmodel="json")
        wiki.maintenance("runJobs")
        print(f"reverts, records and jobs in {time.monotonic() - started:.1f} s")

        library = load_library(ROOT / "tours.yaml")
        client = WikiClient(Wiki("bench", wiki.api, wiki.index), "wikitours-bench/0.1")
        mark = wiki.log_mark()
        started = time.monotonic()
        fetched = fetch_outcomes(client, now, library=library)
        seconds = time.monotonic() - started
        counts = wiki.api_counts(since=mark)
        n = len(fetched.outcomes)
        print(f"outcomes of {n} newcomers in {seconds:.1f} s")
        print(f"API requests counted at the server: {counts.total} ({counts.get} GET, "
              f"{counts.post} POST) = {counts.total / max(n, 1):.4f} per newcomer")
        print("per part (client count; per 50 newcomers):")
        for part, value in sorted(fetched.requests.items()):
            print(f"  {part:14} {value:5d}  {50 * value / max(n, 1):.2f}")
        print("what each part serves:")
        serves = {"registration": "every time window (activation, constructive, retention)",
                  "contributions": "activation 24 h / 7 d, retention, wrote to mentor",
                  "reverts": "constructive activation (only if a first edit is reverted)",
                  "progress": "tours started / completed, badges earned",
                  "newcomers": "who was welcomed, mentor, experiment arm (shared)",
                  "siteinfo": "content namespaces (shared)"}
        for part, text in serves.items():
            print(f"  {part:14} {text}")
        outcomes = 8
        per50 = 50 * counts.total / max(n, 1)
        print(f"all {outcomes} outcomes: {per50:.2f} requests per 50 newcomers = "
              f"{per50 / outcomes:.2f} per outcome per 50 newcomers (goal: at most 1)")
        summary = {o: sum(1 for x in fetched.outcomes if x.value(o)) for o in
                   ("activated_24h", "activated_7d", "constructive", "retained",
                    "completed_tour", "wrote_to_mentor")}
        print("newcomers with each outcome:", json.dumps(summary))
        if fetched.problems:
            print(f"{len(fetched.problems)} problems, first: {fetched.problems[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
