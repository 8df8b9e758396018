"""Install MediaWiki once into a cached template, so each new wiki is a copy of a few files.

`install.php` plus creating the bot account and its bot password takes a few seconds; copying the
SQLite files takes milliseconds. Templates are cached under `cache_root()` keyed by the MediaWiki
version, the content language and a hash of this package's settings, so a changed setting or an
upgraded MediaWiki makes a new template. Parallel test workers share one template through a lock.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from localwiki.versions import (DEBIAN_PACKAGES, EXTENSIONS, PHP, SKINS,  # noqa: F401
                                MediaWiki, MissingSoftware)
from localwiki import versions

SITENAME = "Testwiki"
ADMIN = "Admin"
BOT = "Bot"
BOT_APP = "wikitours"
BOT_GRANTS = ("basic,highvolume,editpage,createeditmovepage,editinterface,editsiteconfig,"
              "createaccount,editmyoptions,editprotected,delete,protect")
HERE = Path(__file__).resolve().parent
#: Interface languages whose localisation cache is built into the template, so the first page
#: view in them does not take seconds (wikitours ships translations in these).
PREWARM_LANGUAGES = ("en", "ar", "de", "es", "fr", "he", "hi", "pt", "qqx")


@dataclass(frozen=True)
class Template:
    """An installed wiki to copy: its folder and the accounts install.php made."""

    path: Path
    language: str
    admin_password: str
    bot_password: str
    bot_app_password: str
    mediawiki: MediaWiki | None = None

    @property
    def data(self) -> Path:
        return self.path / "data"


def check_software(mediawiki: MediaWiki | None = None) -> str:
    """Return the MediaWiki version, or raise MissingSoftware saying what to install.

    Without an argument: the MediaWiki `$WIKITOURS_MEDIAWIKI` names, else Debian's 1.39.
    """
    mediawiki = mediawiki or versions.from_env()
    if versions.version_of(mediawiki.path) is None:
        raise MissingSoftware(f"MediaWiki is not installed in {mediawiki.path}; install it with: "
                              f"sudo apt-get install -y --no-install-recommends {DEBIAN_PACKAGES}"
                              " (or run ./dev setup)")
    versions.check_php()
    return mediawiki.version


def cache_root() -> Path:
    """Where templates are kept: $WIKITOURS_WIKI_CACHE or a per-user folder under /tmp."""
    env = os.environ.get("WIKITOURS_WIKI_CACHE")
    return Path(env) if env else Path(tempfile.gettempdir()) / f"wikitours-wiki-cache-{os.getuid()}"


def settings_hash() -> str:
    """Hash of the code that shapes an installed wiki, so changing it invalidates templates."""
    digest = hashlib.sha256()
    for name in ("install.py", "settings.py", "versions.py"):
        digest.update((HERE / name).read_bytes())
    return digest.hexdigest()[:10]


def template(language: str = "en", mediawiki: MediaWiki | None = None) -> Template:
    """The cached template for `language` on `mediawiki` (default: see `check_software`),
    installing it first if needed (safe across processes)."""
    if not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]+)*", language):
        raise ValueError(f"not a MediaWiki language code: {language!r}")
    mediawiki = mediawiki or versions.from_env()
    version = check_software(mediawiki)
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    final = root / template_name(version, language, settings_hash())
    with open(root / f"{final.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (final / "accounts.json").is_file():
            _install(final, language, mediawiki)
            remove_stale(root, final)
    accounts = json.loads((final / "accounts.json").read_text())
    return Template(path=final, language=language, mediawiki=mediawiki, **accounts)


TEMPLATE_NAME = re.compile(
    r"mw(?P<version>[0-9][^-]*)-(?P<language>[a-z0-9-]+)-(?P<hash>[0-9a-f]{10})")


def template_name(version: str, language: str, digest: str) -> str:
    return f"mw{version}-{language}-{digest}"


def stale_templates(names: list[str], keep: str) -> list[str]:
    """Which of NAMES a new template KEEP replaces: same release branch and language, older
    settings or point release. Other branches' templates stay: the test suite keeps one per
    supported version (1.39 and 1.43) side by side, and installing one must not delete the
    other's."""
    kept = TEMPLATE_NAME.fullmatch(keep)
    if kept is None:
        return []
    branch = ".".join(kept["version"].split(".")[:2])
    stale = []
    for name in names:
        match = TEMPLATE_NAME.fullmatch(name)
        if match is None or name == keep:
            continue
        if match["language"] == kept["language"] and \
                ".".join(match["version"].split(".")[:2]) == branch:
            stale.append(name)
    return stale


def remove_stale(root: Path, keep: Path) -> None:
    """Delete templates KEEP replaces (see `stale_templates`)."""
    names = [p.name for p in root.iterdir() if p.is_dir() and ".tmp-" not in p.name]
    for name in stale_templates(names, keep.name):
        shutil.rmtree(root / name, ignore_errors=True)
        (root / f"{name}.lock").unlink(missing_ok=True)


def _run(args: list[str], config: Path, what: str, mediawiki: MediaWiki) -> None:
    env = dict(os.environ, MW_CONFIG_FILE=str(config))
    done = subprocess.run(args, capture_output=True, text=True, env=env, cwd=mediawiki.path)
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def _install(final: Path, language: str, mediawiki: MediaWiki) -> None:
    from localwiki import settings

    work = Path(tempfile.mkdtemp(prefix=final.name + ".tmp-", dir=final.parent))
    try:
        (work / "data").mkdir()
        admin_password = "Admin-" + secrets.token_hex(12)
        bot_password = "Bot-" + secrets.token_hex(12)
        bot_app_password = secrets.token_hex(16)  # must match ^[0-9a-w]{32,}$
        _run([PHP, "maintenance/install.php", "--dbtype=sqlite", f"--dbpath={work / 'data'}",
              "--dbname=wiki", "--server=http://127.0.0.1:1", "--scriptpath=",
              f"--confpath={work}", f"--lang={language}",
              f"--extensions={','.join(mediawiki.extensions)}", f"--skins={','.join(SKINS)}",
              f"--pass={admin_password}", SITENAME, ADMIN],
             work / "LocalSettings.php", "install.php", mediawiki)
        installed = (work / "LocalSettings.php").read_text()
        (work / "LocalSettings.base.php").write_text(settings.make_base(installed))
        (work / "LocalSettings.php").unlink()
        config = settings.write_local_settings(work, port=1)
        _run([*mediawiki.maintenance("createAndPromote"), "--bot", "--custom-groups",
              "interface-admin", BOT, bot_password], config, "createAndPromote.php (bot)",
             mediawiki)
        _run([*mediawiki.maintenance("createAndPromote"), "--force", "--sysop", "--bureaucrat",
              "--interface-admin", ADMIN, admin_password], config, "createAndPromote.php (admin)",
             mediawiki)
        languages = sorted({language, *PREWARM_LANGUAGES})
        _run([*mediawiki.maintenance("rebuildLocalisationCache"), "--force",
              f"--lang={','.join(languages)}"], config, "rebuildLocalisationCache.php", mediawiki)
        _run([*mediawiki.maintenance("createBotPassword"), f"--appid={BOT_APP}",
              f"--grants={BOT_GRANTS}", BOT, bot_app_password], config, "createBotPassword.php",
             mediawiki)
        for leftover in ("images", "LocalSettings.php"):
            path = work / leftover
            shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
        (work / "mediawiki.json").write_text(json.dumps({
            "path": str(mediawiki.path), "version": mediawiki.version}))
        (work / "accounts.json").write_text(json.dumps({
            "admin_password": admin_password, "bot_password": bot_password,
            "bot_app_password": bot_app_password}))
        shutil.rmtree(final, ignore_errors=True)
        work.rename(final)
    finally:
        shutil.rmtree(work, ignore_errors=True)
