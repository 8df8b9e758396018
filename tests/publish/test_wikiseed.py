"""publish/seed.py: a tours file cut into its on-wiki pages loads back as the same library,
keeping the admin's comments and formatting; `python -m tours push --tours` puts the pages on a
real wiki and never replaces an on-wiki edit without saying so."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tours.load import load_file, load_library
from publish.seed import (DEFAULT_HEADER, PagePlan, WikiRevision, page_sha, plan_pages,
                            same_library, split_library, verify, wrap_text)
from tours.wikisource import SourcePage, load_from_pages

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "Project:Wikitours/Tours/"


HEAD = "wikitours: 1\nsource-language: en\n"


def _tour(tour_id: str, title: str = "A tour", dash: str = "  - ") -> str:
    """One valid tour as a list item written with *dash* (its indentation and spacing)."""
    pad = " " * len(dash)
    body = [f"id: {tour_id}", f"title: {title}", "summary: Something to learn.",
            "audience: newcomer", "minutes: 2", "version: 1", "steps:", "  - id: one",
            "    page: sandbox", "    title: One", "    text: The first step."]
    return dash + body[0] + "\n" + "".join(pad + line + "\n" for line in body[1:])


def _reload(seed, header=DEFAULT_HEADER):
    pages = [SourcePage(t, x) for t, x in seed.pages if t != header]
    head = next((SourcePage(t, x) for t, x in seed.pages if t == header), None)
    return load_from_pages(pages, header=head, prefix=PREFIX)


def _roundtrip(text: str, wrap: str = "pre"):
    seed, problems = split_library(text, "tours.yaml", wrap=wrap)
    assert seed is not None, [str(p) for p in problems]
    loaded = _reload(seed)
    assert loaded.library is not None, [str(p) for p in loaded.problems]
    original, _ = load_library(text, "tours.yaml")
    assert same_library(loaded.library, original)
    return seed


@pytest.mark.parametrize("wrap", ["pre", "syntaxhighlight", "none"])
def test_the_shipped_library_splits_into_pages_that_load_back_the_same(wrap):
    text = (ROOT / "tours.yaml").read_text(encoding="utf-8")
    seed = _roundtrip(text, wrap)
    library, _ = load_library(text, "tours.yaml")
    titles = [t for t, _ in seed.pages]
    assert titles == sorted(f"{PREFIX}{t.id}.yaml" for t in library.tours) + [DEFAULT_HEADER]
    pages = seed.as_dict()
    first = pages[f"{PREFIX}first-edit.yaml"]
    # the tour's own text, shifted left: its keys start the lines, its formatting is kept
    assert "id: first-edit\ntitle: Your first edit\n" in first
    assert "\nsteps:\n  - id: welcome\n" in first
    assert "text: >-\n" in first
    head = pages[DEFAULT_HEADER]
    # the header keeps the file's comments and everything but the tours
    assert "# The wikitours library: guided tours, badges and local adaptations." in head
    assert "# Local adaptations: each wiki renames pages and changes steps" in head
    assert "\nbadges:\n" in head and "\nwikis:\n" in head and "source-language: en" in head
    assert not re.search(r"^tours:", head, re.M)
    assert "id: first-edit\n    title" not in head
    if wrap == "pre":
        assert first.startswith("<pre>\n") and first.endswith("\n</pre>\n")
    elif wrap == "none":
        assert first.startswith("id: first-edit\n")
    # without a yaml.dump round trip: a comment inside a tour survives
    commented = text.replace("  - id: user-page\n",
                             "  # about yourself\n  - id: user-page  # short one\n")
    seed = split_library(commented, "tours.yaml", wrap="none")[0]
    page = seed.as_dict()[f"{PREFIX}user-page.yaml"]
    assert page.startswith("# about yourself\nid: user-page  # short one\n")


def test_comments_blank_lines_and_odd_list_layouts_stay_with_their_tour():
    text = ("wikitours: 1\nsource-language: en\n# about the tours\ntours:\n  # the first one\n"
            + _tour("bb") + "        # deep comment of bb\n\n  # heading for aa\n\n"
            + _tour("aa", "\"Second: quoted 'x'\"") +
            "# a comment at the top level\nbadges: []\n")
    seed = _roundtrip(text, "none")
    pages = seed.as_dict()
    assert pages[f"{PREFIX}bb.yaml"].startswith("# the first one\nid: bb\n")
    assert "# deep comment of bb" in pages[f"{PREFIX}bb.yaml"]
    assert pages[f"{PREFIX}aa.yaml"].startswith("# heading for aa\n\nid: aa\n")
    assert "title: \"Second: quoted 'x'\"" in pages[f"{PREFIX}aa.yaml"]
    head = pages[DEFAULT_HEADER]
    assert "# a comment at the top level\nbadges: []" in head and "bb" not in head.split("order:")[0]
    assert head.rstrip().endswith("order: [bb, aa]")  # the file's order, kept on the wiki
    assert "# about the tours" in head


@pytest.mark.parametrize("layout", ["dash-alone", "zero-indent", "wide-dash", "crlf", "bom",
                                    "flow-items", "flow-list", "flow-root", "block-scalar",
                                    "tours-last"])
def test_unusual_but_valid_files_split_faithfully(layout):
    if layout == "dash-alone":
        text = HEAD + "tours:\n  -\n" + _tour("aa").replace("  - id", "    id", 1) \
            + "  - # note\n" + \
            _tour("bb").replace("  - id", "    id", 1)
    elif layout == "zero-indent":
        text = HEAD + "tours:\n" + _tour("aa", dash="- ") + "# between\n" \
            + _tour("bb", dash="- ") + "badges: []\n"
    elif layout == "wide-dash":
        text = HEAD + "tours:\n" + _tour("aa", dash="  -   ") + _tour("bb", dash="  -   ")
    elif layout == "crlf":
        text = (HEAD + "tours:\n" + _tour("aa") + _tour("bb")).replace("\n", "\r\n")
    elif layout == "bom":
        text = "\ufeffsource-language: en\nwikitours: 1\ntours:\n" + _tour("aa")
    elif layout == "flow-items":
        text = (HEAD + "tours:\n  - {id: aa, title: A, summary: S, audience: newcomer, minutes: 1,"
                " version: 1,\n"
                "     steps: [{id: s, page: sandbox, title: T, text: X}]}\n" + _tour("bb"))
    elif layout == "flow-list":
        text = (HEAD + "tours: [{id: aa, title: A, summary: S, audience: newcomer, minutes: 1,\n"
                "  version: 1, steps: [{id: s, page: sandbox, title: T, text: X}]}]\nbadges: []\n")
    elif layout == "flow-root":
        text = ("{wikitours: 1, source-language: en, tours: [{id: aa, title: A, summary: S, "
                "audience: newcomer, minutes: 1, version: 1, steps: [{id: s, page: sandbox, "
                "title: T, text: X}]}], badges: [{id: b, name: \"B\",\n"
                "description: \"long\n text\", requires: {tours: [aa]}}]}\n")
    elif layout == "block-scalar":
        block = "text: |-\n          Line one\n\n          Line two: not a key\n"
        text = HEAD + "tours:\n" + _tour("aa").replace("text: The first step.", block)
    else:  # tours after badges, and a trailing comment at the end of the file
        text = HEAD + "badges: []\ntours:\n" + _tour("aa") + "# the end\n"
    seed = _roundtrip(text)
    assert f"{PREFIX}aa.yaml" in seed.as_dict()
    if layout == "block-scalar":
        page = seed.as_dict()[f"{PREFIX}aa.yaml"]
        assert "text: |-\n      Line one\n\n      Line two: not a key\n" in page


def test_hostile_texts_are_kept_verbatim_and_cannot_escape_the_wrapper():
    # texts cannot hold HTML (the compiler refuses it), but comments can hold anything
    evil = "# </pre>[[Category:Hacked]]<script>alert(1)</script>{{SITENAME}}\n"
    text = HEAD + "tours:\n" + _tour("aa").replace("    summary:", "    " + evil + "    summary:")
    seed = _roundtrip(text, "pre")
    page = seed.as_dict()[f"{PREFIX}aa.yaml"]
    # the YAML is kept exactly; a text that would close <pre> early leaves the page unwrapped
    assert evil in page and not page.startswith("<pre>")
    quoted = _roundtrip(HEAD + "tours:\n" + _tour("aa", title='"x: {{PLURAL:$1|a|b}} [[Help:Me]]"'))
    assert quoted.as_dict()[f"{PREFIX}aa.yaml"].startswith("<pre>\nid: aa\ntitle: \"x: {{PLURAL")
    assert wrap_text("a: 1\n", "syntaxhighlight").startswith('<syntaxhighlight lang="yaml">\n')
    assert wrap_text("a: </syntaxhighlight >\n", "syntaxhighlight") == "a: </syntaxhighlight >\n"
    with pytest.raises(ValueError):
        wrap_text("a: 1", "html")


@pytest.mark.parametrize("text,expect", [
    ("", "empty"),
    (HEAD + "tours: []\n", "tour"),
    ("tours:\n" + _tour("aa") + _tour("aa"), "aa"),
    ("wikitours: 1\n", "tours"),
    ("tours:\n  - &x {id: aa}\n", "anchors"),
    ("tours:\n" + _tour("aa") + "\tbad: tab\n", "tab"),
    (b"tours: \xc3\x28\n", "UTF-8"),
    ("tours:\n" + _tour("aa") * 1 + "---\ntours: []\n", "more than one YAML document"),
])
def test_broken_files_are_refused_with_the_loaders_problems(text, expect):
    seed, problems = split_library(text, "tours.yaml")
    assert seed is None and problems
    assert any(expect.lower() in (p.message + p.hint).lower() for p in problems), \
        [str(p) for p in problems]
    assert all(p.file == "tours.yaml" for p in problems)


def test_a_split_that_would_change_the_library_is_refused():
    seed = _roundtrip(HEAD + "tours:\n" + _tour("aa") + _tour("bb"))
    pages = dict(seed.pages)
    pages[f"{PREFIX}bb.yaml"] = pages[f"{PREFIX}bb.yaml"].replace("title: A tour", "title: Changed")
    forged = type(seed)(tuple(sorted(pages.items())), seed.library)
    problems = verify(forged)
    assert problems and "cannot be split" in problems[0].message
    pages[f"{PREFIX}bb.yaml"] = "id: [unclosed\n"
    problems = verify(type(seed)(tuple(sorted(pages.items())), seed.library))
    assert problems and "bb.yaml" in problems[0].message


def test_the_files_order_of_tours_is_kept_by_the_header_pages_order_list():
    seed = _roundtrip(HEAD + "tours:\n" + _tour("zz") + _tour("aa-b") + _tour("aa"))
    assert [t for t, _ in seed.pages if t != DEFAULT_HEADER] == \
        [f"{PREFIX}aa-b.yaml", f"{PREFIX}aa.yaml", f"{PREFIX}zz.yaml"]
    loaded = _reload(seed)
    assert [t.id for t in loaded.library.tours] == ["zz", "aa-b", "aa"]
    # without the order list the wiki lists tours by page name
    pages = [(t, x.replace("order: [zz, aa-b, aa]", "")) for t, x in seed.pages]
    loaded = _reload(type(seed)(tuple(pages), seed.library))
    assert [t.id for t in loaded.library.tours] == ["aa-b", "aa", "zz"]


def _rev(title, text, revid, user="Someone"):
    return WikiRevision(title, text, revid, "2026-11-25T10:00:00Z", user)


def test_push_plans_never_replace_an_unseen_wiki_edit():
    local = {"A": "one\n", "B": "two", "C": "three", "D": "four", "E": "five"}
    wiki = {"B": _rev("B", "two\n\n", 5),              # only trailing space differs: the same
            "C": _rev("C", "old", 6),                   # the file changed, the wiki did not
            "D": _rev("D", "wiki edit", 9),             # the wiki changed, the file did not
            "E": _rev("E", "wiki edit", 9)}             # both changed
    record = {"C": {"revid": 6, "sha": page_sha("old")}, "D": {"revid": 7, "sha": page_sha("four")},
              "E": {"revid": 7, "sha": page_sha("older")}}
    plans = {p.title: p for p in plan_pages(local, wiki, record)}
    assert plans["A"] == PagePlan("A", "create")
    assert plans["B"].kind == "same" and plans["C"].kind == "update"
    assert plans["D"].kind == "skip" and plans["E"].kind == "conflict" and not plans["E"].no_record
    forced = {p.title: p for p in plan_pages(local, wiki, record, force=True)}
    assert forced["E"].kind == "update" and forced["E"].forced and forced["D"].kind == "skip"
    # no record and different: a conflict
    assert plan_pages({"C": "mine"}, {"C": _rev("C", "theirs", 3)}, {})[0].no_record


# ---------------------------------------------------------------------------------------------
# python -m tours push --tours, against a real wiki


def _push(wiki, tmp_path, *args, password=True):
    env = dict(os.environ, LANG="C.UTF-8")
    env.pop("LANGUAGE", None)
    env.pop("LC_ALL", None)
    if password:
        env["WIKITOURS_BOT_PASSWORD"] = wiki.bot.app_password
    return subprocess.run([sys.executable, "-m", "tours", "push", "--api", wiki.api, "--user",
                           wiki.bot.login_name, "--record", str(tmp_path / "record.json"),
                           "--i18n", str(tmp_path / "i18n"), *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)


def test_push_tours_seeds_the_wiki_and_the_sync_layout_loads(wiki, tmp_path):
    (tmp_path / "i18n").mkdir()
    source = tmp_path / "tours.yaml"
    source.write_text((ROOT / "tours.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    run = _push(wiki, tmp_path, "--tours", str(source))
    assert run.returncode == 0, run.stdout + run.stderr
    count = len(load_file(ROOT / "tours.yaml")[0].tours) + 1  # each tour's page and the library
    assert f"{count} tour pages: {count} created, 0 updated, 0 unchanged, 0 left alone, 0 conflicts" \
        in run.stdout
    first = wiki.wikitext(f"{PREFIX}first-edit.yaml")
    assert first.startswith("<pre>\nid: first-edit\n")
    assert wiki.history(f"{PREFIX}first-edit.yaml")[-1]["comment"] == \
        "wikitours: tours from tours.yaml"
    # the pages as the wiki keeps them load as the file's library (the sync's reader)
    seed = split_library(source.read_text(), "tours.yaml")[0]
    texts = {t: wiki.wikitext(t) for t in seed.as_dict()}
    pages = [SourcePage(t, x) for t, x in texts.items() if t != DEFAULT_HEADER]
    header = SourcePage(DEFAULT_HEADER, texts[DEFAULT_HEADER])
    loaded = load_from_pages(pages, header=header, prefix=PREFIX)
    assert loaded.library is not None
    assert same_library(loaded.library, load_library(source.read_text(), "x")[0])

    again = _push(wiki, tmp_path, "--tours", str(source))
    assert again.returncode == 0 and f"0 created, 0 updated, {count} unchanged" in again.stdout

    # an editor changes a tour on the wiki; the file did not change: the page is left alone
    wiki.edit(f"{PREFIX}first-edit.yaml",
              first.replace("title: Your first edit", "title: Edited on wiki"),
              user=wiki.admin.name)
    kept = _push(wiki, tmp_path, "--tours", str(source))
    assert kept.returncode == 0 and "left alone" in kept.stdout
    assert "title: Edited on wiki" in wiki.wikitext(f"{PREFIX}first-edit.yaml")

    # now the file changes too: a conflict, nothing replaced, exit status 1, the editor named
    source.write_text(source.read_text().replace("title: Your first edit", "title: Edited in git"))
    clash = _push(wiki, tmp_path, "--tours", str(source))
    assert clash.returncode == 1
    assert "first-edit.yaml: conflict" in clash.stderr
    assert "Admin" in clash.stderr and "--force" in clash.stderr
    assert "title: Edited on wiki" in wiki.wikitext(f"{PREFIX}first-edit.yaml")

    forced = _push(wiki, tmp_path, "--tours", str(source), "--force")
    assert forced.returncode == 0, forced.stderr
    assert "--force" in forced.stderr and "Admin" in forced.stderr
    assert "title: Edited in git" in wiki.wikitext(f"{PREFIX}first-edit.yaml")


def test_push_tours_refuses_a_broken_file_and_needs_a_password(wiki, tmp_path):
    (tmp_path / "i18n").mkdir()
    bad = tmp_path / "bad.yaml"
    bad.write_text("tours:\n  - id: Bad Id\n    title: <script>\n", encoding="utf-8")
    run = _push(wiki, tmp_path, "--tours", str(bad))
    assert run.returncode == 1
    assert "was not put on the wiki" in run.stderr and "bad.yaml:2:" in run.stderr
    assert wiki.wikitext(f"{PREFIX}Bad Id.yaml") is None
    missing = _push(wiki, tmp_path, "--tours", str(tmp_path / "nope.yaml"))
    assert missing.returncode == 1 and "cannot be read" in missing.stderr
    nopass = _push(wiki, tmp_path, "--tours", str(bad), password=False)
    assert nopass.returncode == 2 and "WIKITOURS_BOT_PASSWORD" in nopass.stderr


def test_push_tours_survives_a_forged_record_and_takes_other_titles(wiki, tmp_path):
    (tmp_path / "i18n").mkdir()
    (tmp_path / "i18n" / "xx.json").write_text('{"@metadata": {}}')
    (tmp_path / "record.json").write_text(json.dumps({f"{wiki.api} tours": ["forged", 1],
                                                      wiki.api: "garbage"}))
    source = tmp_path / "mine.yaml"
    source.write_text(HEAD + "badges: []\ntours:\n" + _tour("zz-other", '"<code>a&b</code> [[y]]"'))
    run = _push(wiki, tmp_path, "--tours", str(source), "--tours-prefix", "Project:Other/Tours/",
                "--header", "Project:Other/Library.yaml", "--wrap", "none")
    assert run.returncode == 0, run.stdout + run.stderr
    page = wiki.wikitext("Project:Other/Tours/zz-other.yaml")
    assert page.startswith("id: zz-other\ntitle: \"<code>a&b</code> [[y]]\"")
    assert wiki.wikitext("Project:Other/Library.yaml").startswith("wikitours: 1\n")
    assert "xx: pushed" in run.stdout and wiki.wikitext("Project:Wikitours/i18n/xx.json")
    record = json.loads((tmp_path / "record.json").read_text())
    assert set(record[f"{wiki.api} tours"]) == {"Project:Other/Tours/zz-other.yaml",
                                                "Project:Other/Library.yaml"}


def test_push_tours_messages_follow_the_users_language(wiki, tmp_path):
    (tmp_path / "i18n").mkdir()
    bad = tmp_path / "bad.yaml"
    bad.write_text(HEAD + "tours: []\n", encoding="utf-8")
    env_run = subprocess.run([sys.executable, "-m", "tours", "push", "--api", wiki.api,
                              "--user", "x", "--tours", str(bad),
                              "--record", str(tmp_path / "r.json")],
                             cwd=ROOT, capture_output=True, text=True, timeout=60,
                             env=dict(os.environ, WIKITOURS_LANG="de", WIKITOURS_BOT_PASSWORD="x"))

    german = json.loads((ROOT / "i18n" / "seed" / "de.json").read_text(encoding="utf-8"))
    expected = german["wikitours-seed-file-errors"].replace("$1", str(bad))
    assert env_run.returncode == 1 and expected in env_run.stderr


def _protection(wiki, title):
    page = wiki.call(action="query", prop="info", inprop="protection", titles=title)["query"]["pages"][0]
    return {(p["type"], p["level"], p["expiry"]) for p in page.get("protection", [])}


def test_push_protects_the_pages_it_publishes_from(wiki, tmp_path):
    """Protection by default (publish/protection.py): the tour and library pages at sysop, the
    translation and approvals pages at autoconfirmed, edit and move; an account that may not
    protect is told which pages stay unprotected."""
    from trusthelp import grant

    (tmp_path / "i18n").mkdir()
    (tmp_path / "i18n" / "de.json").write_text(json.dumps({"@metadata": {}, "wikitours-x": "y"}))
    source = tmp_path / "p.yaml"
    source.write_text(HEAD + "badges: []\ntours:\n" + _tour("pp-one", "One"), encoding="utf-8")
    args = ("--tours", str(source), "--tours-prefix", "Project:Prot/Tours/",
            "--header", "Project:Prot/Library.yaml", "--approvals", "Project:Prot/Approved.json",
            "--prefix", "Project:Prot/i18n/")
    # the bot is no administrator yet: everything is pushed and it says what is not protected
    run = _push(wiki, tmp_path, *args)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Prot/Tours/pp-one.yaml: not protected" in run.stderr
    assert "Ask an administrator to protect it (edit and move: sysop)" in run.stderr
    assert "Prot/i18n/de.json: not protected" in run.stderr
    assert _protection(wiki, "Project:Prot/Tours/pp-one.yaml") == set()
    assert json.loads(wiki.wikitext("Project:Prot/Approved.json")) == {}

    grant(wiki, wiki.bot.name, "sysop")
    again = _push(wiki, tmp_path, *args)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "2 pages protected (edit and move: sysop)" in again.stdout, again.stdout
    assert "2 pages protected (edit and move: autoconfirmed)" in again.stdout
    for title, level in (("Project:Prot/Tours/pp-one.yaml", "sysop"), ("Project:Prot/Library.yaml", "sysop"),
                         ("Project:Prot/Approved.json", "autoconfirmed"),
                         ("Project:Prot/i18n/de.json", "autoconfirmed")):
        found = _protection(wiki, title)
        assert found == {("edit", level, "infinity"), ("move", level, "infinity")}, (title, found)
    log = wiki.logevents(letype="protect", letitle="Project:Prot/Tours/pp-one.yaml")
    assert log and log[0]["user"] == wiki.bot.name and "protected by default" in log[0]["comment"]
    # protected already: nothing to say, nothing done; a stronger protection is never lowered
    third = _push(wiki, tmp_path, *args, "--protect", "autoconfirmed")
    assert "protected" not in third.stdout and third.returncode == 0
    assert {p[1] for p in _protection(wiki, "Project:Prot/Library.yaml")} == {"sysop"}
