"""The shipped tours, built by the real compiler and deployed by publish/deploy.py to a real wiki."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys

import pytest

from tests.deployhelp import ROOT, content_reads_since, deploy, edits_since, live_title


def _build(source, out):
    done = subprocess.run([sys.executable, "-m", "tours", "build", str(source), "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads((out / "manifest.json").read_text())


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    out = tmp_path_factory.mktemp("shipped")
    return out, _build(ROOT / "tours.yaml", out / "build")


def test_shipped_tours_deploy_render_and_redeploy_without_edits(wiki, shipped):
    out, manifest = shipped
    wiki.edit("MediaWiki:Gadgets-definition", "== tools ==\n* HotCat[ResourceLoader]|HotCat.js\n")
    mark = wiki.log_mark()
    run = deploy(wiki, f"-build:{ROOT / 'tours.yaml'}")
    assert run.code == 0, run.text
    titles = {page["title"] for page in manifest["pages"]}
    assert set(edits_since(wiki, mark)) == titles | {"MediaWiki:Gadgets-definition",
                                                     "MediaWiki:Wikitours/deployed.json"}

    catalogue = wiki.html("Help:Wikitours")
    for title in ("Your first edit",):
        assert title in catalogue
    for page in manifest["pages"]:
        if page["model"] == "json" and page["title"].startswith("MediaWiki:Wikitours/tours/"):
            assert wiki.page_info(page["title"])["contentmodel"] == "json"
    assert wiki.page_info(live_title(wiki, "MediaWiki:Gadget-wikitours-tours.json"))["contentmodel"] == "json"
    assert wiki.page_info("MediaWiki:Gadget-wikitours.js")["contentmodel"] == "javascript"
    gadgets = wiki.html("Special:Gadgets")
    assert "Gadget-wikitours.js" in gadgets and "HotCat" in gadgets
    definition = wiki.wikitext("MediaWiki:Gadgets-definition")
    assert definition.startswith("== tools ==\n* HotCat[ResourceLoader]|HotCat.js\n")
    for line in manifest["gadget_definition"]["lines"]:
        assert line in definition

    mark = wiki.log_mark()
    run = deploy(wiki, f"-manifest:{out / 'build'}")
    assert run.code == 0, run.text
    assert edits_since(wiki, mark) == []
    assert content_reads_since(wiki, mark) <= math.ceil((len(titles) + 2) / 50)


def test_changing_one_tour_edits_only_the_pages_it_changes(wiki, shipped, tmp_path):
    out, before = shipped
    source = tmp_path / "tours.yaml"
    text = (ROOT / "tours.yaml").read_text()
    assert "title: Your first edit\n" in text
    source.write_text(text.replace("title: Your first edit\n", "title: Your very first edit\n", 1))
    shutil.copytree(ROOT / "i18n", tmp_path / "i18n")
    after = _build(source, tmp_path / "build")
    old = {p["title"]: p["sha256"] for p in before["pages"]}
    changed = {p["title"] for p in after["pages"] if old.get(p["title"]) != p["sha256"]}
    assert "Help:Wikitours/first-edit" in changed
    assert len(changed) < len(after["pages"])  # which pages is the compiler's business

    mark = wiki.log_mark()
    run = deploy(wiki, f"-manifest:{tmp_path / 'build'}")
    assert run.code == 0, run.text
    edited = edits_since(wiki, mark)
    assert set(edited) == changed | {"MediaWiki:Wikitours/deployed.json"}
    assert len(edited) == len(set(edited))
    assert "Your very first edit" in wiki.html("Help:Wikitours")
    assert after["library_version"] in wiki.page_info("Help:Wikitours/first-edit")["comment"]
