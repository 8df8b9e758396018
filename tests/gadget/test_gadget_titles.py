"""The gadget builds the titles of the live version exactly as Python resolves them.

gadget/src/messages.js ``title`` (run in Node) against
``tours.render.liveversion.gadget_titles`` for the pointer line the build writes into the loader,
a loader without a pointer, and forged pointers.
"""

from __future__ import annotations

import json
import subprocess

from tests.gadget.test_gadget_unit import HARNESS, ROOT, supported_node
from tours.render.liveversion import Pointer, gadget_titles, with_pointer

FILES = [ROOT / "gadget" / "src" / f"{m}.js" for m in ("state", "config", "messages")]


def titles_in_node(tmp_path, loader_line: str, calls: list[list]) -> list:
    pointer_file = tmp_path / "pointer.js"
    pointer_file.write_text(loader_line, encoding="utf-8")
    files = [str(pointer_file)] + [str(f) for f in FILES]
    done = subprocess.run([supported_node(), "-e", HARNESS, json.dumps(files)],
                          input=json.dumps([("messages.title", c) for c in calls]),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_gadget_reads_the_titles_the_pointer_names(tmp_path):
    pointer = Pointer("abcdef0123", "0123456789", {"first-edit": "aaaaaaaaaa", "b": "bbbbbbbbbb"})
    line = with_pointer("", pointer)
    langs = ["de-at", "de", "en"]
    calls = [["tours"], ["tours", "first-edit"], ["tours", "missing-tour"], ["config"]]
    calls += [["messages", "first-edit", lang] for lang in langs]
    calls += [["messages", "ui", lang] for lang in langs]
    calls += [["messages", "translate", lang] for lang in langs]
    calls += [["progress", "Ada"], ["sources"]]
    got = titles_in_node(tmp_path, line, calls)
    want = gadget_titles(pointer, "first-edit", langs)
    assert got[0] == want["index"] == "MediaWiki:Gadget-wikitours-tours/abcdef0123.json"
    assert got[1] == want["tour"] == "MediaWiki:Wikitours/tours/first-edit/aaaaaaaaaa.json"
    # a tour the pointer does not name: its fixed title, which a deploy with a pointer never writes
    assert got[2] == gadget_titles(pointer, "missing-tour", [])["tour"] == \
        "MediaWiki:Wikitours/tours/missing-tour.json"
    assert got[3] == want["config"] == "MediaWiki:Gadget-wikitours-config/0123456789.json"
    assert got[4:7] == [want[f"messages/{lang}"] for lang in langs]
    assert got[7:10] == [want[f"ui/{lang}"] for lang in langs]
    assert got[10:13] == [want[f"translate/{lang}"] for lang in langs]
    # the progress page and the translation form's sources are not versioned
    assert got[13:] == ["User:Ada/wikitours.json", "MediaWiki:Gadget-wikitours-sources.json"]


def test_the_pointer_is_compact():
    """Every reader loads it with the loader on every page view: short keys, one hash per tour."""
    pointer = Pointer("abcdef0123", "0123456789", {"first-edit": "aaaaaaaaaa"})
    line = with_pointer("", pointer)
    assert line == ('mw.libs.wikitoursLive = {"config":"0123456789","first-edit":"aaaaaaaaaa",'
                    '"tours":"abcdef0123","translate":"0123456789","ui":"0123456789"};\n')


def test_without_a_pointer_the_fixed_titles(tmp_path):
    got = titles_in_node(tmp_path, "", [["tours"], ["tours", "x"], ["messages", "x", "de"],
                                        ["messages", "ui", "de"], ["config"],
                                        ["messages", "translate", "de"]])
    fixed = gadget_titles(None, "x", ["de"])
    assert got == [fixed["index"], fixed["tour"], fixed["messages/de"], fixed["ui/de"],
                   fixed["config"], fixed["translate/de"]]
    assert fixed["config"] == "MediaWiki:Gadget-wikitours-config.json"


def test_tour_ids_from_the_address_name_no_other_page(tmp_path):
    """The pointer is code on an interface page (trusted like the gadget); what a reader controls
    is the tour id, which the loader checks (ID). Ids that are names of Object's prototype find
    no hash in the pointer's own keys that could make a valid title of another page."""
    line = with_pointer("", Pointer("abcdef0123", "0123456789", {"y": "abcdef"}))
    got = titles_in_node(tmp_path, line, [["tours", "y"], ["tours", "constructor"],
                                          ["tours", "hasownproperty"]])
    assert got[0] == "MediaWiki:Wikitours/tours/y/abcdef.json"
    assert got[2] == "MediaWiki:Wikitours/tours/hasownproperty.json"
    # "constructor" finds Object, whose text holds characters no title may contain: no page
    assert any(c in got[1] for c in "[]{}")
