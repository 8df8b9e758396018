"""The one wiki client paces itself on a real wiki with rate limits and lag (issue 16).

The wiki here is the project's real MediaWiki with ``$wgRateLimits`` on for edits and the bot
account WITHOUT ``noratelimit`` (loopback is not exempt either), as on a wiki where the bot has
no flag or where the flag does not lift the limit. Lag cannot happen on a one-server SQLite wiki,
so the wiki is made to REPORT lag through MediaWiki's own ``ApiMaxLagInfo`` hook: while the file
``lagged`` in the wiki's folder holds a number above 0, every API request that carries ``maxlag``
is answered with a real ``maxlag`` error (and ``Retry-After``), and the number goes down by one.
A request without ``maxlag`` never reaches the hook, so the counter also shows that the client
sent it.

Before the client paced itself, the deploy stopped on the rate limit with "Maximum retries
attempted without success" (Pywikibot counts rate-limit waits as failed tries) and on lag with
"Maximum retries attempted due to maxlag".
"""

from __future__ import annotations

import time

import pytest

from tests.deployhelp import deploy, edits_since, write_build

#: 4 edits per 4 seconds for logged-in accounts; nobody is exempt.
RATE_LIMITED = """
$wgMainCacheType = CACHE_DB;
$wgRateLimitsExcludedIPs = [];
$wgGroupPermissions['bot']['noratelimit'] = false;
$wgRateLimits['edit']['user'] = [ 4, 4 ];
$wgRateLimits['edit']['newbie'] = [ 4, 4 ];
$wgHooks['ApiMaxLagInfo'][] = static function ( &$lagInfo ) use ( $wikitoursDir ) {
    $file = $wikitoursDir . '/lagged';
    $left = is_file( $file ) ? (int)file_get_contents( $file ) : 0;
    if ( $left > 0 ) {
        file_put_contents( $file, (string)( $left - 1 ) );
        $lagInfo = [ 'host' => 'db-replica', 'lag' => 30, 'type' => 'db' ];
    }
};
"""


@pytest.fixture(scope="module")
def limited(make_wiki):
    return make_wiki(extra_settings=RATE_LIMITED)


def _pages(prefix: str, count: int) -> list[tuple[str, str, str]]:
    return [(f"Help:{prefix}/p{n}", "wikitext", f"Page {n} of {prefix}.\n") for n in range(count)]


def test_the_wiki_really_limits_the_bot(limited):
    """The setting is live: the bot account without the client's pacing hits ``ratelimited``."""
    from localwiki.client import ApiError

    assert "noratelimit" not in limited.user_rights(limited.bot.name)["rights"]
    codes = []
    for n in range(8):
        try:
            limited.edit(f"Burst/{n}", f"burst {n}", user=limited.bot.name)
        except ApiError as error:
            codes.append(error.code)
    assert "ratelimited" in codes


def test_deploy_paces_itself_and_finishes_under_the_rate_limit(limited, tmp_path):
    time.sleep(4)  # the burst above used this window
    pages = _pages("Paced", 14)
    build = write_build(tmp_path / "b", pages)
    mark = limited.log_mark()
    started = time.monotonic()
    run = deploy(limited, f"-manifest:{build}", "-state:MediaWiki:Wikitours/deployed-paced.json")
    took = time.monotonic() - started
    assert run.code == 0, run.text
    assert "Maximum retries" not in run.text
    edited = edits_since(limited, mark)
    assert set(edited) == {t for t, _, _ in pages} | {"MediaWiki:Wikitours/deployed-paced.json"}
    for title, _, text in pages:
        assert limited.wikitext(title) == text.rstrip()
    # 15 edits at 4 per 4 seconds cannot be done in less than 3 windows
    assert took >= 8, took


def test_the_bots_saves_pace_themselves(limited):
    """A bot's batch of edits (onwiki.Wiki.save, used by welcome, records, badges...) all land."""
    from wikiapi.client import Wiki

    time.sleep(4)
    wiki = Wiki(limited.site())
    titles = [f"User:{limited.bot.name}/paced/{n}" for n in range(10)]
    pages = wiki.read(titles)
    results = [wiki.save(pages[t], f"record {n}", "pacing test") for n, t in enumerate(titles)]
    assert [r.status for r in results] == ["saved"] * 10, [r.info for r in results]
    assert limited.wikitext(titles[-1]) == "record 9"


def test_deploy_waits_out_reported_lag_and_sends_maxlag(limited, tmp_path):
    """Three answers of ``maxlag`` (Pywikibot gives up after two in the test settings): the
    client waits as told and the deploy finishes; the counter going to 0 shows maxlag was sent."""
    time.sleep(4)
    lagged = limited.directory / "lagged"
    pages = _pages("Lagged", 2)
    build = write_build(tmp_path / "b", pages)
    lagged.write_text("3")
    try:
        run = deploy(limited, f"-manifest:{build}", "-state:MediaWiki:Wikitours/deployed-lag.json")
        left = lagged.read_text()
    finally:
        lagged.write_text("0")
    assert run.code == 0, run.text
    assert left == "0"
    for title, _, text in pages:
        assert limited.wikitext(title) == text.rstrip()


def test_the_sync_publishes_under_the_rate_limit(limited):
    """The sync's many edits (gadget data, help pages, status, state and lease) pace themselves too."""
    from publish.multiwiki import parse_config
    from publish.sync import sync_once
    from tests.publish.test_sync_state import TOUR, TOURS
    from trusthelp import trusted_user

    time.sleep(4)
    trusted_user(limited, "Tour Editor", "sysop")  # publishes (bot/trust.py); sysops are not limited
    limited.edit(TOURS + "hello.yaml", TOUR.format(text="Paced."), user="Tour Editor")
    config, problems = parse_config({"library": {"wiki": "w", "tours": TOURS},
                                     "wikis": [{"id": "w", "api": limited.api, "language": "en"}]})
    assert config is not None, problems
    logs: list[str] = []
    mark = limited.log_mark()
    outcome = sync_once(config, {"w": limited.site()}, {}, log=logs.append).outcomes["w"]
    assert outcome.published and not outcome.errors, logs
    assert len(edits_since(limited, mark)) > 8  # well past one window of the limit
    assert not any("Maximum retries" in line or "failed" in line for line in logs), logs


def test_translations_pull_uses_the_client_without_any_pywikibot_setup(limited, tmp_path):
    """``python -m tours pull`` goes through the same client (it had its own requests client
    without maxlag): with no PYWIKIBOT_DIR it still runs, writes nothing but its output, sends
    maxlag (one reported lag is waited out) and reads the translation pages."""
    import json
    import os
    import subprocess
    import sys

    from tests.deployhelp import ROOT

    limited.edit("Project:Wikitours/i18n/de.json", json.dumps({"wikitours-x": "Hallo"}),
                 contentmodel="json")
    lagged = limited.directory / "lagged"
    lagged.write_text("1")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYWIKIBOT")}
    work = tmp_path / "work"
    work.mkdir()
    try:
        done = subprocess.run([sys.executable, "-m", "tours", "pull", "--api", limited.api,
                               "--i18n", str(tmp_path / "i18n"), "--record",
                               str(tmp_path / "record.json")],
                              cwd=work, env=dict(env, PYTHONPATH=str(ROOT)), capture_output=True,
                              text=True, timeout=300)
        left = lagged.read_text()
    finally:
        lagged.write_text("0")
    assert done.returncode == 0, done.stdout + done.stderr
    assert left == "0"
    assert json.loads((tmp_path / "i18n" / "de.json").read_text())["wikitours-x"] == "Hallo"
    assert list(work.iterdir()) == []  # Pywikibot's files went to a private folder
