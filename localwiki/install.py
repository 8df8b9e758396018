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

MEDIAWIKI = Path(os.environ.get("WIKITOURS_MEDIAWIKI", "/usr/share/mediawiki"))
PHP = os.environ.get("WIKITOURS_PHP", "php")
#: Debian packages that give what the local wiki needs (see scripts/setup.sh).
DEBIAN_PACKAGES = "mediawiki php-sqlite3 php-cli php8.2-cgi micro-httpd"
EXTENSIONS = ("Gadgets", "ParserFunctions", "Cite", "WikiEditor", "VisualEditor")
SKINS = ("Vector", "MinervaNeue")
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


class MissingSoftware(RuntimeError):
    """MediaWiki or PHP is not installed; the message says which Debian packages to install."""


@dataclass(frozen=True)
class Template:
    """An installed wiki to copy: its folder and the accounts install.php made."""

    path: Path
    language: str
    admin_password: str
    bot_password: str
    bot_app_password: str

    @property
    def data(self) -> Path:
        return self.path / "data"


def check_software() -> str:
    """Return the MediaWiki version, or raise MissingSoftware saying what to install."""
    defines = MEDIAWIKI / "includes" / "Defines.php"
    hint = (f"install them with: sudo apt-get install -y --no-install-recommends {DEBIAN_PACKAGES}"
            " (or run ./dev setup)")
    if not defines.is_file():
        raise MissingSoftware(f"MediaWiki is not installed in {MEDIAWIKI}; {hint}")
    if shutil.which(PHP) is None:
        raise MissingSoftware(f"PHP ({PHP}) is not installed; {hint}")
    probe = subprocess.run([PHP, "-r", "echo extension_loaded('pdo_sqlite') ? 'ok' : 'no';"],
                           capture_output=True, text=True)
    if probe.stdout.strip() != "ok":
        raise MissingSoftware(f"PHP has no SQLite driver (php-sqlite3); {hint}")
    match = re.search(r"define\( 'MW_VERSION', '([^']+)' \)", defines.read_text())
    return match.group(1) if match else "unknown"


def cache_root() -> Path:
    """Where templates are kept: $WIKITOURS_WIKI_CACHE or a per-user folder under /tmp."""
    env = os.environ.get("WIKITOURS_WIKI_CACHE")
    return Path(env) if env else Path(tempfile.gettempdir()) / f"wikitours-wiki-cache-{os.getuid()}"


def settings_hash() -> str:
    """Hash of the code that shapes an installed wiki, so changing it invalidates templates."""
    digest = hashlib.sha256()
    for name in ("install.py", "settings.py"):
        digest.update((HERE / name).read_bytes())
    return digest.hexdigest()[:10]


def template(language: str = "en") -> Template:
    """The cached template for `language`, installing it first if needed (safe across processes)."""
    if not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]+)*", language):
        raise ValueError(f"not a MediaWiki language code: {language!r}")
    version = check_software()
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    final = root / f"mw{version}-{language}-{settings_hash()}"
    with open(root / f"{final.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (final / "accounts.json").is_file():
            _install(final, language)
            _remove_stale(root, final)
    accounts = json.loads((final / "accounts.json").read_text())
    return Template(path=final, language=language, **accounts)


def _remove_stale(root: Path, keep: Path) -> None:
    """Delete templates made by older settings or MediaWiki versions (same language)."""
    language = keep.name.split("-")[1]
    for old in root.glob(f"mw*-{language}-*"):
        if old.is_dir() and old != keep and ".tmp-" not in old.name:
            shutil.rmtree(old, ignore_errors=True)
            (root / f"{old.name}.lock").unlink(missing_ok=True)


def _run(args: list[str], config: Path, what: str) -> None:
    env = dict(os.environ, MW_CONFIG_FILE=str(config))
    done = subprocess.run(args, capture_output=True, text=True, env=env, cwd=MEDIAWIKI)
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def _install(final: Path, language: str) -> None:
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
              f"--extensions={','.join(EXTENSIONS)}", f"--skins={','.join(SKINS)}",
              f"--pass={admin_password}", SITENAME, ADMIN],
             work / "LocalSettings.php", "install.php")
        installed = (work / "LocalSettings.php").read_text()
        (work / "LocalSettings.base.php").write_text(settings.make_base(installed))
        (work / "LocalSettings.php").unlink()
        config = settings.write_local_settings(work, port=1)
        _run([PHP, "maintenance/createAndPromote.php", "--bot", "--custom-groups",
              "interface-admin", BOT, bot_password], config, "createAndPromote.php (bot)")
        _run([PHP, "maintenance/createAndPromote.php", "--force", "--sysop", "--bureaucrat",
              "--interface-admin", ADMIN, admin_password], config, "createAndPromote.php (admin)")
        languages = sorted({language, *PREWARM_LANGUAGES})
        _run([PHP, "maintenance/rebuildLocalisationCache.php", "--force",
              f"--lang={','.join(languages)}"], config, "rebuildLocalisationCache.php")
        _run([PHP, "maintenance/createBotPassword.php", f"--appid={BOT_APP}",
              f"--grants={BOT_GRANTS}", BOT, bot_app_password], config, "createBotPassword.php")
        for leftover in ("images", "LocalSettings.php"):
            path = work / leftover
            shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
        (work / "accounts.json").write_text(json.dumps({
            "admin_password": admin_password, "bot_password": bot_password,
            "bot_app_password": bot_app_password}))
        shutil.rmtree(final, ignore_errors=True)
        work.rename(final)
    finally:
        shutil.rmtree(work, ignore_errors=True)
