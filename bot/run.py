"""The wikitours bot loop: welcome newcomers, tell mentors, announce badges, again and again.

This is what the playground and the Toolforge jobs run:

    python -m bot.run -once                        # one pass (a scheduled job)
    python -m bot.run -interval:300                # poll the new-users log every 5 minutes
    python -m bot.run -stream:URL -stream-wiki:dewiki   # new accounts from EventStreams
    python -m bot.run ... -app:https://TOOL.toolforge.org -wiki:dewiki   # also badge notes

Every option of ``bot.welcome`` (-project:, -template:, -since:, -dry, -setup, -resume, …) and
Pywikibot's global options (-simulate, -family, -lang, -user, -pt, -maxlag) apply. Editing the
stop page (``Project:Wikitours/Bot/Stop``) halts the loop with exit status 3 until an operator
starts it with -resume.

In stream mode the bot first catches up from the new-users log, then takes accounts from the
stream in batches (up to -batch accounts, or whatever arrived within -interval seconds). After
a pass that left accounts pending (a network failure, no usable mentor) the next pass reads the
log from the saved position again, so the stream never makes the bot skip anyone.
"""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Sequence

from bot.badges import BadgeAnnouncer
from bot.welcome import WelcomeBot, connect, parse_options

__all__ = ["main", "run_loop"]


def _split(args: Sequence[str]) -> tuple[list[str], dict[str, str]]:
    ours = {"once": "", "interval": "", "stream": "", "stream-wiki": "", "app": "", "wiki": "",
            "cycles": ""}
    rest = []
    for arg in args:
        key, _, value = arg.lstrip("-").partition(":")
        if key in ours:
            ours[key] = value or "yes"
        else:
            rest.append(arg)
    return rest, ours


def run_loop(wiki, config, flags: dict, loop: dict[str, str], log) -> int:
    """Run passes until -once, -cycles:N, a stop page edit or a signal; returns the exit code."""
    stopping = {"now": False}

    def stop(signum, frame):  # noqa: ARG001 - signal handler signature
        stopping["now"] = True
        log("signal received: finishing this pass, then stopping")

    signal.signal(signal.SIGTERM, stop)
    interval = float(loop["interval"] or 300)
    cycles = int(loop["cycles"]) if loop["cycles"] else (1 if loop["once"] else 0)
    reader = None
    if loop["stream"]:
        from bot.streams import StreamReader, stream_accounts

        reader = StreamReader(lambda: stream_accounts(loop["stream"], wiki.site,
                                                      loop["stream-wiki"]), log)
    done = 0
    accounts = None  # the first pass always catches up from the log
    while True:
        bot = WelcomeBot(wiki, config, log=log)
        if flags.get("resume") and done == 0:
            bot.resume()
        report = bot.run(accounts)
        if report.halted:
            return 3
        if loop["app"] and loop["wiki"]:
            BadgeAnnouncer(wiki, loop["app"], loop["wiki"], state_title=config.state_title,
                           help_prefix=config.help_prefix, language=config.language, log=log,
                           may_edit=bot.may_edit).run()
            if bot.report.halted:
                return 3
        done += 1
        if stopping["now"] or (cycles and done >= cycles):
            return 0
        if reader is not None and report.held:
            accounts = None  # something is pending before the stream's accounts: read the log
            time.sleep(min(interval, 60))
        elif reader is not None:
            accounts = reader.take(config.batch, interval)
            if reader.finished.is_set() and not accounts:
                log("event stream closed; back to polling the new-users log")
                reader, accounts = None, None
        else:
            deadline = time.monotonic() + interval
            while time.monotonic() < deadline and not stopping["now"]:
                time.sleep(min(1.0, interval))
            accounts = None


def main(*args: str) -> int:
    import pywikibot

    from wikiapi.scripthelp import help_requested

    if help_requested(__doc__, args):
        return 0

    local = pywikibot.handle_args(args)
    rest, loop = _split(local)
    config, flags = parse_options(rest)
    if flags.get("unknown"):
        pywikibot.bot.suggest_help(unknown_parameters=flags["unknown"])
        return 2
    wiki = connect(bool(flags["dry"]))
    if flags["setup"]:
        if not WelcomeBot(wiki, config, log=pywikibot.info).setup():
            return 1
    return run_loop(wiki, config, flags, loop, pywikibot.info)


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
