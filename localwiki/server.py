"""Create, start and stop one local MediaWiki: a folder, PHP's built-in server, its request log.

A wiki folder holds `LocalSettings.php` (selected by MW_CONFIG_FILE), the SQLite files in `data/`,
`cache/`, `images/`, `requests.log` (one JSON line per request, written by `router.php`),
`server.log` (PHP's own output) and `pywikibot/` (a ready PYWIKIBOT_DIR for scripts run against it).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from localwiki import install, settings, versions
from localwiki.client import ClientMixin
from localwiki.pwbconfig import write_pywikibot_dir

ROUTER = install.HERE / "router.php"


@dataclass(frozen=True)
class Account:
    """A wiki account and its main password."""

    name: str
    password: str


@dataclass(frozen=True)
class BotAccount(Account):
    """The bot account, with the bot password scripts log in with (`Bot@wikitours`)."""

    app: str
    app_password: str

    @property
    def login_name(self) -> str:
        return f"{self.name}@{self.app}"


@dataclass(frozen=True)
class LoggedRequest:
    """One request as the server saw it."""

    method: str
    uri: str
    action: str
    title: str
    status: int
    prop: str = ""

    @property
    def path(self) -> str:
        return self.uri.split("?", 1)[0]

    @property
    def is_api(self) -> bool:
        return self.path.endswith("/api.php")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_free(port: int) -> bool:
    """True when nothing listens on 127.0.0.1:PORT (closed connections in TIME_WAIT are fine)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def live_group_members(pgid: int) -> list[int]:
    """Processes of process group PGID that are still running (zombies do not count)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


class LocalWiki(ClientMixin):
    """A MediaWiki in `directory`, served on 127.0.0.1:`port` while started.

    `LocalWiki.create(dir)` copies the cached template (installing it once if needed);
    `LocalWiki.open(dir)` reuses an existing folder. `start()`/`stop()` run the PHP server; use it
    as a context manager to be sure the server stops.
    """

    def __init__(self, directory: Path, port: int | None = None, workers: int = 1,
                 extra_settings: str = ""):
        self.directory = Path(directory).resolve()
        meta = json.loads((self.directory / "wiki.json").read_text())
        self.language: str = meta["language"]
        self.mediawiki: versions.MediaWiki = versions.recorded(meta.get("mediawiki"))
        self.admin = Account(install.ADMIN, meta["admin_password"])
        self.bot = BotAccount(install.BOT, meta["bot_password"], install.BOT_APP,
                              meta["bot_app_password"])
        self.port = port or free_port()
        self.workers = workers
        self.extra_settings = extra_settings
        self._process: subprocess.Popen | None = None
        self._log_handle = None

    # -- creating -------------------------------------------------------------------------
    @classmethod
    def create(cls, directory: Path, language: str = "en",
               mediawiki: versions.MediaWiki | str | None = None, **kwargs) -> "LocalWiki":
        """Make a new wiki in `directory` (which must not exist or be empty), served by
        `mediawiki` (a MediaWiki, a branch such as "1.43", or None for the default)."""
        if isinstance(mediawiki, str):
            mediawiki = versions.find(mediawiki)
        mediawiki = mediawiki or versions.from_env()
        tpl = install.template(language, mediawiki)
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        if any(directory.iterdir()):
            raise FileExistsError(f"{directory} is not empty; use LocalWiki.open to reuse a wiki")
        shutil.copytree(tpl.data, directory / "data")
        shutil.copytree(tpl.path / "cache", directory / "cache")  # the localisation cache
        shutil.copy2(tpl.path / "LocalSettings.base.php", directory / "LocalSettings.base.php")
        (directory / "wiki.json").write_text(json.dumps({
            "language": language, "admin_password": tpl.admin_password,
            "mediawiki": {"path": str(mediawiki.path), "version": mediawiki.version},
            "bot_password": tpl.bot_password, "bot_app_password": tpl.bot_app_password}))
        os.chmod(directory / "wiki.json", 0o600)
        return cls(directory, **kwargs)

    @classmethod
    def open(cls, directory: Path, **kwargs) -> "LocalWiki":
        return cls(directory, **kwargs)

    @staticmethod
    def exists(directory: Path) -> bool:
        return (Path(directory) / "wiki.json").is_file()

    # -- addresses --------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api(self) -> str:
        return f"{self.url}/api.php"

    @property
    def index(self) -> str:
        return f"{self.url}/index.php"

    @property
    def config_file(self) -> Path:
        return self.directory / "LocalSettings.php"

    @property
    def request_log_file(self) -> Path:
        return self.directory / "requests.log"

    @property
    def family(self) -> str:
        """Pywikibot family (and code) name of this wiki: unique per port."""
        return f"localwiki{self.port}"

    @property
    def pywikibot_dir(self) -> Path:
        return self.directory / "pywikibot"

    def pywikibot_env(self, **extra: str) -> dict[str, str]:
        """Environment for running a Pywikibot script against this wiki as the bot."""
        return dict(os.environ, PYWIKIBOT_DIR=str(self.pywikibot_dir), **extra)

    # -- running ----------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self, timeout: float = 30) -> "LocalWiki":
        if self.running:
            return self
        if not port_is_free(self.port):
            raise OSError(f"port {self.port} on 127.0.0.1 is in use; choose another port")
        settings.write_local_settings(self.directory, self.port, self.extra_settings)
        write_pywikibot_dir(self.pywikibot_dir, family=self.family, api=self.api,
                            bot=self.bot, language=self.language)
        env = dict(os.environ, MW_CONFIG_FILE=str(self.config_file),
                   WIKITOURS_REQUEST_LOG=str(self.request_log_file))
        if self.workers > 1:
            env["PHP_CLI_SERVER_WORKERS"] = str(self.workers)
        self._log_handle = open(self.directory / "server.log", "ab")
        self._process = subprocess.Popen(
            [install.PHP, "-d", "opcache.enable_cli=1", "-S", f"127.0.0.1:{self.port}",
             "-t", str(self.mediawiki.path),
             str(ROUTER)],
            cwd=self.mediawiki.path, env=env, stdin=subprocess.DEVNULL,
            stdout=self._log_handle, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while True:
            if self._process.poll() is not None:
                log = (self.directory / "server.log").read_text(errors="replace")[-2000:]
                self._cleanup_process()
                raise RuntimeError(f"php -S exited early on port {self.port}:\n{log}")
            try:
                reply = requests.get(self.api, params={"action": "query", "meta": "siteinfo",
                                                       "format": "json"}, timeout=10)
                if reply.ok and "query" in reply.json():
                    break
            except (requests.ConnectionError, requests.Timeout, ValueError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError(f"the wiki on port {self.port} did not answer in {timeout} s")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        """Stop the server and every worker it forked (they share its process group)."""
        process = self._process
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            # Workers may outlive the parent for a moment; make sure the group is gone.
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            deadline = time.monotonic() + 10
            while (live_group_members(process.pid) or not port_is_free(self.port)) \
                    and time.monotonic() < deadline:
                time.sleep(0.02)
        self._cleanup_process()

    def _cleanup_process(self) -> None:
        self._process = None
        if self._log_handle is not None:
            self._log_handle.close()
            self._log_handle = None

    def destroy(self) -> None:
        """Stop the server and delete the wiki's folder."""
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> "LocalWiki":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- maintenance and logs ---------------------------------------------------------------
    def maintenance(self, script: str, *args: str, input: str | None = None) -> str:
        """Run maintenance/SCRIPT.php with this wiki's settings; return its output."""
        settings.write_local_settings(self.directory, self.port, self.extra_settings)
        done = subprocess.run(
            [*self.mediawiki.maintenance(script), *args], input=input,
            capture_output=True, text=True, cwd=self.mediawiki.path,
            env=dict(os.environ, MW_CONFIG_FILE=str(self.config_file)))
        if done.returncode != 0:
            raise RuntimeError(f"{script}.php failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def request_log(self) -> list[LoggedRequest]:
        """Every request the server has answered so far, oldest first."""
        try:
            lines = self.request_log_file.read_text().splitlines()
        except FileNotFoundError:
            return []
        entries = []
        for line in lines:
            try:
                raw = json.loads(line)
            except ValueError:
                continue  # a line being written right now
            entries.append(LoggedRequest(raw.get("method", ""), raw.get("uri", ""),
                                         raw.get("action", ""), raw.get("title", ""),
                                         int(raw.get("status") or 0), str(raw.get("prop", ""))))
        return entries
