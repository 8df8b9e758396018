"""``python -m publish.sync -simulate``: Pywikibot's dry run is the sync's dry run (``-preview``
is gone). Everything is computed and each edit is shown, nothing is saved, no lease is taken,
and the local cache stays as it was, so the next real run does the work."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from tests.publish.test_sync_state import TOUR as TOUR_TEMPLATE, requests_since
from trusthelp import trusted_user

ROOT = Path(__file__).resolve().parents[2]
TOUR = TOUR_TEMPLATE.format(text="Simulated first.")


def _run(wiki, *args):
    return subprocess.run([sys.executable, "-m", "publish.sync", *args], cwd=ROOT,
                          env=wiki.pywikibot_env(), capture_output=True, text=True, timeout=300)


def test_simulate_saves_nothing_and_the_next_run_publishes(wiki, tmp_path):
    trusted_user(wiki, "Tour Editor", "sysop")
    wiki.edit("Project:Wikitours/Tours/hello.yaml", TOUR, user="Tour Editor")
    config = tmp_path / "wikis.yaml"
    config.write_text(json.dumps({"library": {"wiki": wiki.family},
                                  "wikis": [{"id": wiki.family, "api": wiki.api, "language": "en"}]}))
    state = tmp_path / "state.json"
    help_text = _run(wiki, "-help").stdout
    assert "-simulate" in help_text and "-preview]" not in help_text

    start = time.time()
    run = _run(wiki, f"-wikis:{config}", f"-state:{state}", "-once", "-simulate")
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    assert [e for e in requests_since(wiki, start)
            if e["method"] == "POST" and e["action"] in ("edit", "delete", "protect")] == []
    assert "SIMULATION: edit action blocked" in out
    assert "Help:Wikitours/hello" in out  # the deploy lists the pages it would write
    assert "nothing was saved" in out
    assert wiki.wikitext("Help:Wikitours/hello") is None
    assert wiki.wikitext("MediaWiki:Wikitours/sync-state.json") is None  # no lease, no state
    assert not state.exists() or not json.loads(state.read_text()).get("wikis")

    run = _run(wiki, f"-wikis:{config}", f"-state:{state}", "-once")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Simulated first." in wiki.wikitext("Help:Wikitours/hello")


def test_the_old_dry_run_options_are_refused(wiki, tmp_path):
    config = tmp_path / "wikis.yaml"
    config.write_text(json.dumps({"library": {"wiki": wiki.family},
                                  "wikis": [{"id": wiki.family, "api": wiki.api, "language": "en"}]}))
    run = _run(wiki, f"-wikis:{config}", f"-state:{tmp_path / 's.json'}", "-once", "-preview")
    assert run.returncode == 1
    assert "-preview" in run.stdout + run.stderr
    deploy = subprocess.run([sys.executable, "-m", "publish.deploy", "-dry", "-manifest:x"],
                            cwd=ROOT, env=wiki.pywikibot_env(), capture_output=True, text=True,
                            timeout=120)
    assert deploy.returncode != 0 and "-dry" in deploy.stdout + deploy.stderr
