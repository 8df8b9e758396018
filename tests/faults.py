"""Shared helpers of the fault-injection tests (tests/*/test_faults_*.py; no tests of their own).

They look at a wiki the way a reader's gadget does: read the pointer in the loader, then the
versioned pages it names (:func:`tours.render.liveversion.gadget_titles`, the same titles as
gadget/src/messages.js builds), and check that what a reader gets is one complete version.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from localwiki.pwbconfig import write_pywikibot_dir
from tests.trusthelp import trusted_user
from tours.render.liveversion import LOADER_TITLE, Pointer, gadget_titles, parse_pointer

ROOT = Path(__file__).resolve().parent.parent
TOURS = "Project:Wikitours/Tours/"
STATUS = "Project:Wikitours/Status"
TOUR_IDS = ("alpha", "bravo", "charlie", "delta")

TOUR = """id: {id}
title: Tour {id}
summary: The {id} tour.
audience: newcomer
minutes: 1
version: 1
steps:
  - id: one
    page: sandbox
    title: First step of {id}
    text: "{id} round {round}: step one."
  - id: two
    page: sandbox
    title: Second step of {id}
    text: "{id} round {round}: step two."
"""

#: Runs publish.sync with SIGKILL at a chosen point of the publish: after KILL_AT saved edits of
#: the library's deploy (0: before its first edit; -1: after the deploy, before the sync's own
#: pages and final state), or with PAUSE_AT: touching FILE.paused after that many edits and
#: waiting for FILE.go (the test stops the wiki meanwhile).
DRIVER = """
import os, signal, sys, time
from pathlib import Path
from publish import deploy, sync
mode, at, flag = sys.argv[1], int(sys.argv[2]), sys.argv[3]
state = {"saved": 0, "active": False}
real_deploy, real_save = deploy.deploy, deploy.save

def hit():
    if mode == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    Path(flag + ".paused").touch()
    while not Path(flag + ".go").exists():
        time.sleep(0.05)

def wrapped_deploy(site, manifest, *, state_title, **kw):
    state["active"] = state_title == "MediaWiki:Wikitours/deployed.json"
    if state["active"] and at == 0:
        hit()
    code = real_deploy(site, manifest, state_title=state_title, **kw)
    if state["active"] and at < 0:
        hit()
    state["active"] = False
    return code

def wrapped_save(*args, **kwargs):
    revid = real_save(*args, **kwargs)
    if state["active"]:
        state["saved"] += 1
        if state["saved"] == at:
            hit()
    return revid

deploy.deploy, deploy.save = wrapped_deploy, wrapped_save
sys.exit(sync.main(*sys.argv[4:]))
"""


def tour_text(tour: str, round_number: int) -> str:
    return TOUR.format(id=tour, round=round_number)


def sync_command(config: Path, cache: Path, mode: str = "", at: int = 0,
                 flag: Path | None = None) -> list[str]:
    args = [f"-wikis:{config}", f"-state:{cache}", "-once"]
    if not mode:
        return [sys.executable, "-m", "publish.sync", *args]
    return [sys.executable, "-c", DRIVER, mode, str(at), str(flag or cache), *args]


def run_sync(wiki, config: Path, cache: Path, mode: str = "", at: int = 0, env=None,
             timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run(sync_command(config, cache, mode, at), cwd=ROOT,
                          env=env or wiki.pywikibot_env(), capture_output=True, text=True,
                          timeout=timeout)


def published_library(wiki, directory: Path) -> tuple[Path, Path]:
    """A one-wiki sync configuration in *directory* whose tours (round 0, saved by a trusted
    editor: only reviewed revisions publish) are live; ``(wikis.yaml, state cache)``."""
    config = directory / "wikis.yaml"
    config.write_text(json.dumps({"library": {"wiki": wiki.family, "tours": TOURS},
                                  "wikis": [{"id": wiki.family, "api": wiki.api,
                                             "language": "en"}]}))
    trusted_user(wiki, "Tour Editor")
    for tour in TOUR_IDS:
        wiki.edit(f"{TOURS}{tour}.yaml", tour_text(tour, 0), user="Tour Editor")
    done = run_sync(wiki, config, directory / "cache.json")
    assert done.returncode == 0, done.stdout + done.stderr
    return config, directory / "cache.json"


def production_env(wiki, directory: Path) -> dict[str, str]:
    """A PYWIKIBOT_DIR for *wiki* with the production retry settings (Pywikibot's backoff)."""
    write_pywikibot_dir(directory, family=wiki.family, api=wiki.api, bot=wiki.bot,
                        language=wiki.language, retries="production")
    return {**wiki.pywikibot_env(), "PYWIKIBOT_DIR": str(directory)}


def read_many(wiki, titles: list[str]) -> dict[str, str | None]:
    """Current text of *titles* (None: missing), 50 per request, keyed by the title asked."""
    out: dict[str, str | None] = {}
    for start in range(0, len(titles), 50):
        chunk = titles[start:start + 50]
        reply = wiki.call(action="query", prop="revisions", rvprop="content", rvslots="main",
                          titles="|".join(chunk))
        query = reply.get("query", {})
        normal = {n["from"]: n["to"] for n in query.get("normalized", [])}
        found = {}
        for page in query.get("pages", []):
            revisions = page.get("revisions") or []
            found[page["title"]] = revisions[0]["slots"]["main"]["content"] if revisions else None
        for title in chunk:
            out[title] = found.get(normal.get(title, title))
    return out


def reader_view(wiki, tours=TOUR_IDS, lang: str = "en") -> tuple[Pointer, dict[str, str]]:
    """What a reader's gadget gets: the pointer, and per tour its text 'round N' — after
    checking every page the pointer names exists and the tour is complete (every message key
    its data names is there, and all its texts come from one round)."""
    loader = read_many(wiki, [LOADER_TITLE])[LOADER_TITLE]
    pointer = parse_pointer(loader)
    assert pointer is not None, "the loader names no live version"
    wanted = {t: gadget_titles(pointer, t, [lang]) for t in tours}
    pages = read_many(wiki, sorted({title for named in wanted.values()
                                    for title in named.values()}))
    rounds = {}
    for tour, named in wanted.items():
        missing = [title for title in named.values() if pages.get(title) is None]
        assert not missing, f"{tour}: the live version names missing pages {missing}"
        data = json.loads(pages[named["tour"]])
        messages = json.loads(pages[named[f"messages/{lang}"]])
        index = json.loads(pages[named["index"]])
        assert tour in index["tours"] and index["tours"][tour]["steps"] == len(data["steps"])
        texts = []
        for step in data["steps"]:
            assert step["title"] in messages and step["text"] in messages, (tour, step["id"])
            texts.append(messages[step["text"]])
        found = {text.split(":")[0] for text in texts}
        assert len(found) == 1, f"{tour}: one reader gets texts of two versions: {texts}"
        rounds[tour] = found.pop()
    return pointer, rounds
