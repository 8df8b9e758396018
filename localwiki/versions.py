"""Which MediaWiki serves a local wiki: Debian 12's 1.39 or 1.43 LTS unpacked beside it.

wikitours supports both: 1.39 is what Debian 12 installs (/usr/share/mediawiki), 1.43 LTS is the
release Wikimedia's interfaces look like today, unpacked by `scripts/mediawiki.sh` into
`.mediawiki/1.43/` without changing the machine. A `MediaWiki` names one code folder and its
version; every wiki folder records which one made it (`wiki.json`), so a wiki is always served by
the code that installed it.

Where each version is looked for, first match wins (the folder's own `MW_VERSION` decides, not its
name, so pointing `WIKITOURS_MEDIAWIKI` at a 1.43 checkout works as before):
  - `$WIKITOURS_MEDIAWIKI` (any version),
  - `/usr/share/mediawiki` (Debian's package),
  - `$WIKITOURS_MEDIAWIKI_ROOT/1.43/root/usr/share/mediawiki` (default root: `.mediawiki/`).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

#: Supported release branches, oldest first. The first is the default for the playground.
SUPPORTED = ("1.39", "1.43")
DEFAULT = "1.39"
REPO = Path(__file__).resolve().parent.parent
PHP = os.environ.get("WIKITOURS_PHP", "php")
#: Debian packages that give what the local wiki needs (see scripts/setup.sh).
DEBIAN_PACKAGES = "mediawiki php-sqlite3 php-cli php8.2-cgi micro-httpd"
#: Extensions every local wiki loads; newer versions add what Wikimedia wikis have by default
#: and the older version cannot load (DiscussionTools needs 1.43 and Linter).
EXTENSIONS = ("Gadgets", "ParserFunctions", "Cite", "WikiEditor", "VisualEditor")
EXTENSIONS_SINCE = {"1.43": ("Linter", "DiscussionTools")}
SKINS = ("Vector", "MinervaNeue")


class MissingSoftware(RuntimeError):
    """MediaWiki or PHP is not installed; the message says what to install."""


@dataclass(frozen=True)
class MediaWiki:
    """One MediaWiki code folder: `path` holds index.php; `version` is its MW_VERSION."""

    path: Path
    version: str

    @property
    def branch(self) -> str:
        """The release branch, "1.43" for 1.43.9."""
        return ".".join(self.version.split(".")[:2])

    @property
    def id(self) -> str:
        """Short name used in test ids and folder names: "mw1.43"."""
        return f"mw{self.branch}"

    @property
    def extensions(self) -> tuple[str, ...]:
        extra = [name for since, names in EXTENSIONS_SINCE.items()
                 if _key(self.branch) >= _key(since) for name in names]
        return EXTENSIONS + tuple(extra)

    def maintenance(self, script: str) -> list[str]:
        """The command that runs maintenance script SCRIPT ("edit", "createAndPromote").

        1.40 and later run scripts through maintenance/run.php (calling the file directly is
        deprecated there); 1.39 has only the files.
        """
        if (self.path / "maintenance" / "run.php").is_file():
            return [PHP, "maintenance/run.php", script]
        return [PHP, f"maintenance/{script}.php"]


def _key(branch: str) -> tuple[int, ...]:
    return tuple(int(part) for part in branch.split(".") if part.isdigit())


def version_of(path: Path) -> str | None:
    """MW_VERSION of the MediaWiki in PATH, or None when PATH holds no MediaWiki."""
    try:
        text = (Path(path) / "includes" / "Defines.php").read_text()
    except OSError:
        return None
    match = re.search(r"define\( 'MW_VERSION', '([^']+)' \)", text)
    return match.group(1) if match else None


def candidates() -> list[Path]:
    """Code folders to look in, in order."""
    found = []
    if os.environ.get("WIKITOURS_MEDIAWIKI"):
        found.append(Path(os.environ["WIKITOURS_MEDIAWIKI"]))
    found.append(Path("/usr/share/mediawiki"))
    root = Path(os.environ.get("WIKITOURS_MEDIAWIKI_ROOT") or REPO / ".mediawiki")
    found.extend(root / branch / "root/usr/share/mediawiki" for branch in SUPPORTED)
    return found


def find(branch: str = DEFAULT) -> MediaWiki:
    """The MediaWiki of release branch BRANCH ("1.39", "1.43"), or MissingSoftware saying how
    to get it."""
    if branch not in SUPPORTED:
        raise ValueError(f"MediaWiki {branch!r} is not supported; choose one of "
                         f"{', '.join(SUPPORTED)}")
    for path in candidates():
        version = version_of(path)
        if version and version.startswith(branch + "."):
            check_php()
            return MediaWiki(path.resolve(), version)
    if branch == "1.39":
        hint = (f"install it with: sudo apt-get install -y --no-install-recommends "
                f"{DEBIAN_PACKAGES} (or run ./dev setup)")
    else:
        hint = f"unpack it with: scripts/mediawiki.sh install {branch} (or run ./dev setup)"
    raise MissingSoftware(f"MediaWiki {branch} is not installed "
                          f"(looked in {', '.join(map(str, candidates()))}); {hint}")


def check_php() -> None:
    """Raise MissingSoftware when PHP (`PHP`, read at call time) or its SQLite driver is missing."""
    _check_php(PHP)


@functools.lru_cache(maxsize=None)
def _check_php(PHP: str) -> None:  # noqa: N803 (the same name as the setting it checks)
    hint = (f"install it with: sudo apt-get install -y --no-install-recommends {DEBIAN_PACKAGES}"
            " (or run ./dev setup)")
    if shutil.which(PHP) is None:
        raise MissingSoftware(f"PHP ({PHP}) is not installed; {hint}")
    probe = subprocess.run([PHP, "-r", "echo extension_loaded('pdo_sqlite') ? 'ok' : 'no';"],
                           capture_output=True, text=True)
    if probe.stdout.strip() != "ok":
        raise MissingSoftware(f"PHP has no SQLite driver (php-sqlite3); {hint}")


def from_env(default: str = DEFAULT) -> MediaWiki:
    """The MediaWiki `$WIKITOURS_MEDIAWIKI` names (any version), else branch DEFAULT."""
    if os.environ.get("WIKITOURS_MEDIAWIKI"):
        path = Path(os.environ["WIKITOURS_MEDIAWIKI"])
        version = version_of(path)
        if version is None:
            raise MissingSoftware(f"WIKITOURS_MEDIAWIKI={path} holds no MediaWiki "
                                  "(no includes/Defines.php)")
        check_php()
        return MediaWiki(path.resolve(), version)
    return find(default)


def recorded(meta: dict | None) -> MediaWiki:
    """The MediaWiki a wiki folder's `wiki.json` names ({"path", "version"}); folders made before
    wikis recorded it are 1.39's. A recorded folder that is gone is looked up by its branch."""
    if not meta:
        return from_env()
    path = Path(meta.get("path", ""))
    if version_of(path) == meta.get("version"):
        return MediaWiki(path, meta["version"])
    return find(".".join(str(meta.get("version", DEFAULT)).split(".")[:2]))
