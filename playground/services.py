"""The parts of wikitours the playground runs beside the wiki, and how to start and stop them.

Each `Service` names the module it needs; a service whose module is not there yet is skipped with
a note, so parts can land one by one. To add one, append to `SERVICES`. Every service runs as its
own process group (so stopping it stops its children) with its output in `logs/NAME.log`.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import requests

ROOT = Path(__file__).resolve().parent.parent
#: The playground's certificate path: an assessor (on Assessors.json), a trainer and the
#: learners of the trainer's cohort (accounts made by playground.cli).
ASSESSOR = "Grace"
TRAINER = "Hedy"
COHORT = ("Noor", "Sam", "Kim")


@dataclass
class Context:
    """What services need to know about the playground."""

    wiki: object  # localwiki.LocalWiki
    directory: Path
    app_port: int
    wiki_id: str = "local"

    @property
    def app_url(self) -> str:
        return f"http://127.0.0.1:{self.app_port}"


@dataclass(frozen=True)
class Service:
    name: str
    module: str
    command: Callable[[Context], list[str]]
    env: Callable[[Context], dict[str, str]] = lambda ctx: {}
    prepare: Callable[[Context], list[list[str]]] = lambda ctx: []
    ready: Callable[[Context], bool] | None = None
    url: Callable[[Context], str | None] = lambda ctx: None

    def available(self) -> bool:
        try:
            return importlib.util.find_spec(self.module) is not None
        except ModuleNotFoundError:
            return False


@dataclass
class Running:
    service: Service
    process: subprocess.Popen
    log: Path
    handle: object = field(repr=False, default=None)

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            except ProcessLookupError:
                pass
        if self.handle is not None:
            self.handle.close()


# -- the app (toolforge/) ------------------------------------------------------------------------
def _app_config(ctx: Context) -> Path:
    """A private config file for the app (mode 600), with a secret made once per playground."""
    secret_file = ctx.directory / "app-secret"
    if not secret_file.exists():
        secret_file.write_text(secrets.token_urlsafe(48))
        os.chmod(secret_file, 0o600)
    wiki = ctx.wiki
    config = ctx.directory / "app-config.yaml"
    import json  # JSON is YAML: no quoting surprises in paths or URLs

    config.write_text(json.dumps({
        "SECRET_KEY": secret_file.read_text().strip(),
        "SESSION_COOKIE_SECURE": False,  # plain http on 127.0.0.1
        "DATABASE_URL": f"sqlite:///{ctx.directory / 'app.sqlite'}",
        "WIKIS": [{"id": ctx.wiki_id, "api": wiki.api, "index": wiki.index,
                   "language": wiki.language, "project": "Project"}],
        "UNKNOWN_WIKIS": "count",
        "RATELIMIT_ENABLED": False,
        # the certificate path to try by hand (playground.appseed): the wiki's admin endorses
        # trainers; an assessor may also award in the name of a made-up chapter
        "ADMINS": [f"{ctx.wiki_id}:{wiki.admin.name}"],
        "ISSUERS": [{"id": "playground-chapter", "name": "Wikimedia Playground Chapter",
                     "url": wiki.url + "/", "members": [f"{ctx.wiki_id}:{ASSESSOR}"]}],
    }, indent=1))
    os.chmod(config, 0o600)
    return config


def _app_env(ctx: Context) -> dict[str, str]:
    return {"WIKITOURS_CONFIG": str(_app_config(ctx)), "FLASK_APP": "toolforge"}


def _app_ready(ctx: Context) -> bool:
    try:
        return requests.get(ctx.app_url + "/", timeout=2).status_code < 500
    except requests.RequestException:
        return False


APP = Service(
    name="app",
    module="toolforge",
    prepare=lambda ctx: [[sys.executable, "-m", "flask", "--app", "toolforge", "db-upgrade"],
                         [sys.executable, "-m", "playground.appseed", "--wiki", ctx.wiki_id,
                          "--trainer", TRAINER, *(f"--learner={n}" for n in COHORT)]],
    command=lambda ctx: [sys.executable, "-m", "flask", "--app", "toolforge", "run",
                         "--host", "127.0.0.1", "--port", str(ctx.app_port), "--no-reload"],
    env=_app_env,
    ready=_app_ready,
    url=lambda ctx: ctx.app_url + "/",
)

# -- badge issuing (toolforge/learning.py issue-badges --follow) ------------------------------
#: Seconds between two looks at the wiki's recent changes: a completed tour's badges are issued
#: within about this long, without anyone opening a page.
BADGES_INTERVAL = 10

BADGES = Service(
    name="badges",
    module="toolforge.learning",
    command=lambda ctx: [sys.executable, "-m", "flask", "--app", "toolforge", "issue-badges",
                         "--follow", "--interval", str(BADGES_INTERVAL)],
    env=_app_env,
)

# -- the bot loop (bot/run.py) -------------------------------------------------------------------
BOT = Service(
    name="bot",
    module="bot.run",
    command=lambda ctx: [sys.executable, "-m", "bot.run", "-setup", "-interval:15",
                         f"-app:{ctx.app_url}", f"-wiki:{ctx.wiki_id}"],
    env=lambda ctx: {"PYWIKIBOT_DIR": str(ctx.wiki.pywikibot_dir)},
)

# -- the sync (publish/sync.py): the wiki's tour pages compiled and published -----------------------
#: Seconds between two sync runs: an edit of a tour page is live within about this long.
SYNC_INTERVAL = 10


def sync_command(directory: Path, once: bool = False) -> list[str]:
    """``python -m publish.sync`` on the playground's wikis.yaml (written by the playground)."""
    return [sys.executable, "-m", "publish.sync", f"-wikis:{directory / 'wikis.yaml'}",
            f"-state:{directory / 'sync-state.json'}",
            "-once" if once else f"-interval:{SYNC_INTERVAL}"]


SYNC = Service(
    name="sync",
    module="publish.sync",
    command=lambda ctx: sync_command(ctx.directory),
    env=lambda ctx: {"PYWIKIBOT_DIR": str(ctx.wiki.pywikibot_dir)},
)

SERVICES: list[Service] = [APP, BADGES, BOT, SYNC]


def start(service: Service, ctx: Context, timeout: float = 60) -> Running | None:
    """Start `service`; None when it failed (its log says why)."""
    logs = ctx.directory / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / f"{service.name}.log"
    handle = open(log, "ab")
    env = dict(os.environ, **service.env(ctx))
    for command in service.prepare(ctx):
        done = subprocess.run(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, timeout=300)
        if done.returncode != 0:
            handle.close()
            return None
    process = subprocess.Popen(service.command(ctx), cwd=ROOT, env=env, stdout=handle,
                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                               start_new_session=True)
    running = Running(service, process, log, handle)
    deadline = time.monotonic() + timeout
    if service.ready is not None:
        while not service.ready(ctx):
            if not running.alive() or time.monotonic() > deadline:
                running.stop()
                return None
            time.sleep(0.2)
    else:
        time.sleep(1.0)  # a loop with no address: alive after a moment is the best sign
        if not running.alive():
            running.stop()
            return None
    return running
