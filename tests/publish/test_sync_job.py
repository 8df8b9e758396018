"""`python -m publish.sync` as the Toolforge job runs it: a config file, a state file, -once."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from tests.publish.test_sync_state import TOUR as TOUR_TEMPLATE, requests_since

ROOT = Path(__file__).resolve().parents[2]

TOUR = TOUR_TEMPLATE.format(text="This tour was written on the wiki.")


def _run(wiki, *args):
    return subprocess.run([sys.executable, "-m", "publish.sync", *args], cwd=ROOT, env=wiki.pywikibot_env(),
                          capture_output=True, text=True, timeout=300)


def test_the_job_publishes_and_then_has_nothing_to_do(wiki, tmp_path):
    wiki.edit("Project:Wikitours/Tours/hello.yaml", TOUR)
    config = tmp_path / "wikis.yaml"
    # the wiki id is the Pywikibot family of the job's user-config.py (its account and password)
    config.write_text(json.dumps({"library": {"wiki": wiki.family},
                                  "wikis": [{"id": wiki.family, "api": wiki.api, "language": "en"}]}))
    state = tmp_path / "state.json"
    assert "-wikis:" in _run(wiki, "-help").stdout

    run = _run(wiki, f"-wikis:{config}", f"-state:{state}", "-once")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "This tour was written on the wiki." in wiki.wikitext("Help:Wikitours/hello")
    assert json.loads(state.read_text())["wikis"][wiki.family]["version"]

    start = time.time()
    run = _run(wiki, f"-wikis:{config}", f"-state:{state}", "-once")
    assert run.returncode == 0, run.stderr
    assert not [e for e in requests_since(wiki, start) if e["method"] == "POST" and e["action"] == "edit"]

    # the local file is only a cache: lost, the next run reads the wiki's state page, edits
    # nothing and writes the cache again
    on_wiki = json.loads(wiki.wikitext("MediaWiki:Wikitours/sync-state.json"))
    assert on_wiki["lease"] is None and on_wiki["version"] == json.loads(state.read_text())["wikis"][wiki.family]["version"]
    state.unlink()
    start = time.time()
    run = _run(wiki, f"-wikis:{config}", f"-state:{state}", "-once")
    assert run.returncode == 0, run.stderr
    assert not [e for e in requests_since(wiki, start) if e["method"] == "POST" and e["action"] == "edit"]
    assert json.loads(state.read_text())["wikis"][wiki.family]["inputs"] == on_wiki["inputs"]
    assert (tmp_path / "state.json.lock").exists()

    bad = tmp_path / "bad.yaml"
    bad.write_text("library: {wiki: nowhere}\nwikis: []\n")
    run = _run(wiki, f"-wikis:{bad}", f"-state:{state}", "-once")
    assert run.returncode == 1 and "at least one wiki" in run.stderr
