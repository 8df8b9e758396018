"""The gadget builds the titles of the live version exactly as Python resolves them.

gadget/src/messages.js ``pageTitle`` (run in Node) against
``tours.render.liveversion.gadget_titles`` for the pointer line the build writes into the loader,
a loader without a pointer, and forged pointers.
"""

from __future__ import annotations

import json
import subprocess

from tests.test_gadget_unit import HARNESS, NODE, ROOT
from tours.render.liveversion import Pointer, gadget_titles, with_pointer

FILES = [ROOT / "gadget" / "src" / f"{m}.js" for m in ("state", "config", "messages")]


def titles_in_node(tmp_path, loader_line: str, calls: list[list]) -> list:
    pointer_file = tmp_path / "pointer.js"
    pointer_file.write_text(loader_line, encoding="utf-8")
    files = [str(pointer_file)] + [str(f) for f in FILES]
    done = subprocess.run([NODE, "-e", HARNESS, json.dumps(files)],
                          input=json.dumps([("messages.pageTitle", c) for c in calls]),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_gadget_reads_the_titles_the_pointer_names(tmp_path):
    pointer = Pointer("abcdef0123", "0123456789", {"first-edit": "aaaaaaaaaa", "b": "bbbbbbbbbb"})
    line = with_pointer("", pointer)
    langs = ["de-at", "de", "en"]
    calls = [["index"], ["tour", "first-edit"], ["tour", "missing-tour"]]
    calls += [["messages", "first-edit", lang] for lang in langs]
    calls += [["messages", "ui", lang] for lang in langs]
    calls += [["progress", "Ada"]]
    got = titles_in_node(tmp_path, line, calls)
    want = gadget_titles(pointer, "first-edit", langs)
    assert got[0] == want["index"] and got[1] == want["tour"] and got[2] is None
    assert got[3:6] == [want[f"messages/{lang}"] for lang in langs]
    assert got[6:9] == [want[f"ui/{lang}"] for lang in langs]
    assert got[9] == "User:Ada/wikitours.json"


def test_without_a_pointer_the_fixed_titles(tmp_path):
    got = titles_in_node(tmp_path, "", [["index"], ["tour", "x"], ["messages", "x", "de"],
                                        ["messages", "ui", "de"]])
    fixed = gadget_titles(None, "x", ["de"])
    assert got == [fixed["index"], fixed["tour"], fixed["messages/de"], fixed["ui/de"]]


def test_a_forged_pointer_names_no_other_page(tmp_path):
    forged = ('mw.libs.wikitoursLive = {"index": "../../Common", "ui": "<b>", '
              '"tours": {"x": "Gadget-evil|", "y": "abcdef"}};\n')
    got = titles_in_node(tmp_path, forged, [["index"], ["tour", "x"], ["messages", "ui", "de"],
                                            ["tour", "y"], ["tour", "__proto__"],
                                            ["tour", "hasOwnProperty"]])
    assert got[:3] == [None, None, None]
    assert got[3] == "MediaWiki:Wikitours/tours/y/abcdef.json"
    assert got[4:] == [None, None]
