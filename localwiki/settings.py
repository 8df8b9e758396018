"""LocalSettings.php for a local wiki: install.php's output plus what wikitours needs.

install.php writes the server URL and SQLite folder into its LocalSettings.php; `make_base` turns
those two lines into variables so one installed base serves any folder and port, and
`write_local_settings` writes the small per-instance file that sets them (rewritten on every
start, so a wiki folder can move to another port).
"""

from __future__ import annotations

import re
from pathlib import Path


def _php_string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def make_base(installed: str) -> str:
    """install.php's LocalSettings.php with the server and data folder taken from variables."""
    text, servers = re.subn(r'(?m)^\$wgServer\s*=.*$', "$wgServer = $wikitoursServer;", installed)
    text, dirs = re.subn(r'(?m)^\$wgSQLiteDataDir\s*=.*$',
                         "$wgSQLiteDataDir = $wikitoursDir . '/data';", text)
    if servers != 1 or dirs != 1:
        raise RuntimeError("install.php wrote an unexpected LocalSettings.php "
                           f"($wgServer lines: {servers}, $wgSQLiteDataDir lines: {dirs})")
    return text


#: Settings after the installed base. Why each is here:
#: - per-instance cache, upload and cookie names (Debian's defaults are shared system folders;
#:   cookies are not port-specific, so two wikis on 127.0.0.1 would otherwise share session cookies);
#: - Minerva loaded and Vector 2022 the default (the tours target vector-2022, vector and minerva);
#: - no mail, readable errors, raw HTML off (as on Wikimedia wikis);
#: - loopback is exempt from rate limits and the account-creation throttle, because tests create
#:   many accounts and edits per minute from 127.0.0.1;
#: - SQLite without fsync (synchronous=OFF): an edit takes a third of the time. Safe when PHP
#:   crashes or is killed; only a crash of the whole machine could lose the latest writes, which
#:   is fine for a test or playground wiki.
EXTRA = """
$wgDBservers = [ [
    'host' => '', 'dbname' => $wgDBname, 'type' => 'sqlite', 'dbDirectory' => $wgSQLiteDataDir,
    'user' => '', 'password' => '', 'flags' => DBO_DEFAULT, 'load' => 1,
    'trxMode' => 'IMMEDIATE', 'variables' => [ 'synchronous' => 'OFF' ],
] ];
$wgObjectCaches[CACHE_DB]['server']['variables']['synchronous'] = 'OFF';
$wgJobTypeConf['default']['server']['variables']['synchronous'] = 'OFF';
$wgLocalisationCacheConf['storeServer']['variables']['synchronous'] = 'OFF';
$wgCacheDirectory = $wikitoursDir . '/cache';
$wgUploadDirectory = $wikitoursDir . '/images';
$wgCookiePrefix = 'wikitours' . $wikitoursPort;
$wgSessionName = 'wikitours' . $wikitoursPort . '_session';
$wgShowExceptionDetails = true;
$wgEnableEmail = false;
$wgEnableUserEmail = false;
$wgRawHtml = false;
$wgDefaultSkin = 'vector-2022';
$wgSkipSkins = [];
$wgRateLimitsExcludedIPs = [ '127.0.0.1' ];
$wgGroupPermissions['*']['createaccount'] = true;
$wgGroupPermissions['user']['editcontentmodel'] = true;
$wgUseInstantCommons = false;
$wgLogos = [ '1x' => "$wgResourceBasePath/resources/assets/mediawiki.png",
    'icon' => "$wgResourceBasePath/resources/assets/mediawiki.png" ];
$wgPingback = false;
"""


def write_local_settings(directory: Path, port: int, extra: str = "") -> Path:
    """Write DIRECTORY/LocalSettings.php for a wiki served at http://127.0.0.1:PORT."""
    directory = directory.resolve()
    for sub in ("cache", "images"):
        (directory / sub).mkdir(exist_ok=True)
    text = (
        "<?php\n"
        "// Written by localwiki on every start; edit localwiki/settings.py instead.\n"
        f"$wikitoursDir = {_php_string(str(directory))};\n"
        f"$wikitoursPort = {int(port)};\n"
        f"$wikitoursServer = 'http://127.0.0.1:{int(port)}';\n"
        "require __DIR__ . '/LocalSettings.base.php';\n"
        + EXTRA + extra + "\n"
    )
    path = directory / "LocalSettings.php"
    path.write_text(text)
    return path
