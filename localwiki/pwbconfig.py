"""A ready PYWIKIBOT_DIR for a local wiki: user-config.py and a bot-password file (mode 600).

Pywikibot reads PYWIKIBOT_DIR once, at import, so scripts get their own folder per wiki and run as
separate processes (`PYWIKIBOT_DIR=... python publish/deploy.py ...`). The wiki needs no family file:
`family_files` maps the family name to the API URL and Pywikibot builds the family itself.
The throttle and maxlag settings here are for a local wiki only; real wikis keep the defaults.

Retries are where the test settings differ on purpose: on a real wiki the bots keep
Pywikibot's own backoff (``PRODUCTION_RETRIES``: up to 15 tries, waiting 5 s doubling to 120 s,
and maxlag), so a wiki gone for 20 seconds costs the bots a delay, never a skipped newcomer or a
half-done publish. The tests use ``FAST_SETTINGS`` (2 quick retries), so that a test of an
error does not wait minutes; the fault-injection tests (tests/test_faults_*.py) run the bots
with ``retries="production"`` to show the outage is waited out.
"""

from __future__ import annotations

import os
from pathlib import Path

SITE_CONFIG = """\
# Written by localwiki for the wiki at {api}; rewritten on every start.
family_files['{family}'] = '{api}'
family = '{family}'
mylang = '{family}'
usernames['{family}']['{family}'] = '{bot}'
password_file = 'user-password.py'
"""

FAST_SETTINGS = """\
# A local wiki on loopback: no reason to wait between edits or to check replication lag.
put_throttle = 0
minthrottle = 0
maxthrottle = 1
read_maxlag = None
write_maxlag = None
# Test-only: fail fast (2 retries, 1-2 s apart) instead of Pywikibot's production backoff.
max_retries = 2
retry_wait = 1
retry_max = 2
log = []
"""

#: Pywikibot's own defaults for a real wiki, written out (Pywikibot 9/10's config.py): a failed
#: request (connection refused, HTTP 5xx, maxlag) waits 5, 10, 20, 40 s... (at most 120 s) and is
#: tried up to 15 times; reads tolerate 30 s of replication lag, edits 5 s.
PRODUCTION_RETRIES = """\
# Production retry settings: Pywikibot's own backoff and maxlag (as on a real wiki).
max_retries = 15
retry_wait = 5
retry_max = 120
read_maxlag = 30
write_maxlag = 5
"""


def write_pywikibot_dir(directory: Path, *, family: str, api: str, bot, language: str,
                        retries: str = "fast") -> Path:
    """*retries*: ``fast`` (tests) or ``production`` (Pywikibot's backoff, see above)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "user-config.py").write_text(
        SITE_CONFIG.format(api=api, family=family, bot=bot.name) + FAST_SETTINGS
        + (PRODUCTION_RETRIES if retries == "production" else ""))
    password_file = directory / "user-password.py"
    password_file.write_text(f"({bot.name!r}, BotPassword({bot.app!r}, {bot.app_password!r}))\n")
    os.chmod(password_file, 0o600)
    return directory


def prepare_process(directory: Path) -> None:
    """Point this process's Pywikibot at `directory` (before pywikibot is imported).

    The folder gets a user-config.py with the local-wiki settings and an empty password file;
    `site()` adds each wiki to both at run time.
    """
    if "pywikibot" in __import__("sys").modules:
        raise RuntimeError("pywikibot was imported before prepare_process(); PYWIKIBOT_DIR "
                           "is read once at import")
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "user-config.py").write_text(
        "password_file = 'user-password.py'\n" + FAST_SETTINGS)
    password_file = directory / "user-password.py"
    password_file.touch(mode=0o600)
    os.chmod(password_file, 0o600)
    os.environ["PYWIKIBOT_DIR"] = str(directory)


def site(wiki):
    """A Pywikibot site for `wiki`, logged in as its bot, in this process.

    Needs prepare_process() (the test plugin does it). Each wiki object is registered under its
    own family name (Pywikibot caches sites by family, and a later wiki may reuse a port); its
    bot password is added to the process's password file.
    """
    import itertools

    import pywikibot
    from pywikibot import config

    global _counter
    if "_counter" not in globals():
        _counter = itertools.count(1)
    family = f"{wiki.family}n{next(_counter)}"

    config.family_files[family] = wiki.api
    config.usernames[family][family] = wiki.bot.name
    password_file = Path(config.base_dir, config.password_file)
    line = f"({family!r}, {wiki.bot.name!r}, BotPassword({wiki.bot.app!r}, " \
           f"{wiki.bot.app_password!r}))\n"
    if line not in password_file.read_text():
        with open(password_file, "a") as handle:
            handle.write(line)
    result = pywikibot.Site(family, family, user=wiki.bot.name)
    result.login()
    return result
