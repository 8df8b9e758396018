"""Benchmark: welcome 200 new accounts on a local wiki and count requests at the server.

    .venv/bin/python bench/welcome.py [--accounts 200] [--mentors 4]

Starts a fresh local MediaWiki (localwiki), creates the accounts through the API as sign-up
does, runs one pass of the welcome bot through Pywikibot, and prints what the wiki's own request
log counted: API reads and edits per newcomer, split by action. The goal (issue 7) is at most
2 read requests per newcomer amortised, one welcome edit each and one message per mentor.
For comparison, welcome bots that handle one user at a time (Pywikibot's welcome.py and its
kind) spend 3 to 5 requests per user: that figure is the issue's reference, not measured here.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from benchwiki import bot_site, fresh_wiki


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--mentors", type=int, default=4)
    args = parser.parse_args()

    with fresh_wiki("welcome") as wiki:
        from wikiapi.client import Wiki
        from bot.welcome import Config, WelcomeBot

        site = bot_site(wiki)
        quiet: list[str] = []
        WelcomeBot(Wiki(site), Config(), log=quiet.append).setup()
        mentors = [f"Bench Mentor {i}" for i in range(args.mentors)]
        for name in mentors:
            wiki.create_user(name)
        # brand-new accounts: the admin sets the wiki's mentor minimums to zero
        wiki.edit("Project:Wikitours/Mentors/Settings.json",
                  json.dumps({"min-edits": 0, "min-age-days": 0}), contentmodel="json")
        wiki.edit("Project:Wikitours/Mentors.json", json.dumps({"mentors": [
            {"username": name, "capacity": args.accounts, "languages": ["en"]}
            for name in mentors]}), contentmodel="json")
        WelcomeBot(Wiki(site), Config(), log=quiet.append).run()  # mentors' own accounts

        started = time.monotonic()
        names = [f"Bench Newcomer {i:04d}" for i in range(args.accounts)]
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(wiki.create_user, names))
        print(f"created {len(names)} accounts in {time.monotonic() - started:.1f} s")

        mark = wiki.log_mark()
        started = time.monotonic()
        lines: list[str] = []
        report = WelcomeBot(Wiki(site), Config(), log=lines.append).run()
        seconds = time.monotonic() - started
        counts = wiki.api_counts(since=mark)
        reads = counts.total - counts.edits
        welcomed = len(report.welcomed)
        per = max(welcomed, 1)
        print(f"welcomed {welcomed} of {len(names)} newcomers in {seconds:.1f} s "
              f"({len(report.skipped)} skipped, {len(report.failed)} failed)")
        print(f"API requests at the server: {counts.total} "
              f"({counts.get} GET, {counts.post} POST)")
        for action, number in counts.actions:
            print(f"  {action:<14} {number}")
        print(f"read requests per newcomer:  {reads / per:.3f}   (goal: <= 2)")
        print(f"edits per newcomer:          {counts.edits / per:.3f}   "
              f"({welcomed} welcomes + {report.mentor_messages} mentor messages for "
              f"{len(mentors)} mentors + records and the bot's position)")
        print(f"all requests per newcomer:   {counts.total / per:.3f}   "
              "(one-user-at-a-time welcome bots: 3-5 per user, the issue's reference)")

        mark = wiki.log_mark()
        WelcomeBot(Wiki(site), Config(), log=quiet.append).run()
        again = wiki.api_counts(since=mark)
        print(f"a second pass with nothing new: {again.total} requests, {again.edits} edits")
        return 0 if welcomed == len(names) else 1


if __name__ == "__main__":
    sys.exit(main())
