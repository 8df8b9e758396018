"""publish/deploy.py against a real wiki: fresh deploy, no-change deploy, one change, conflicts,
missing rights, a failure half-way, and invalid input. Edits and reads are counted at the server.

Each test deploys its own pages under its own state page and gadget section, so the tests share
one wiki yet do not depend on each other.
"""

from __future__ import annotations

import json
import math

from tests.deployhelp import content_reads_since, deploy, edits_since, write_build


def _pages(prefix: str, count: int, marker: str = "v1") -> list[tuple[str, str, str]]:
    pages = [(f"Help:{prefix}", "wikitext",
              "== Tours ==\n" + "".join(f"* [[Help:{prefix}/t{n}|Tour title {prefix} {n}]]\n"
                                        for n in range(count)))]
    pages += [(f"Help:{prefix}/t{n}", "wikitext", f"'''Tour {n}''' ({marker}) step text.\n")
              for n in range(count)]
    pages += [(f"MediaWiki:Gadget-{prefix}.js", "javascript",
               f"( function () {{ mw.config.set( 'wt-{prefix}', '{marker}' ); }}() );\n"),
              (f"MediaWiki:Gadget-{prefix}-tours.json", "json",
               json.dumps({"tours": {f"t{n}": {"version": 1} for n in range(count)}}))]
    return pages


def _args(build, prefix: str, *extra: str) -> list[str]:
    return [f"-manifest:{build}", f"-state:MediaWiki:Wikitours/deployed-{prefix}.json", *extra]


def test_fresh_deploy_then_again_with_nothing_changed(wiki, tmp_path):
    wiki.edit("MediaWiki:Gadgets-definition",
              "== editing ==\n* HotCat[ResourceLoader]|HotCat.js\n\n== other ==\n* X|X.js\n")
    pages = _pages("Fresh", 60)
    line = "* Fresh[ResourceLoader|default|dependencies=mediawiki.api,mediawiki.user]|Fresh.js"
    build = write_build(tmp_path / "b", pages, section="fresh", lines=[line])

    mark = wiki.log_mark()
    run = deploy(wiki, *_args(build, "fresh"))
    assert run.code == 0, run.text
    edited = edits_since(wiki, mark)
    assert set(edited) == {t for t, _, _ in pages} | {
        "MediaWiki:Gadgets-definition", "MediaWiki:Wikitours/deployed-fresh.json"}
    assert "64 created, 0 updated" in run.text or "63 created, 1 updated" in run.text

    # read back through the API ...
    for title, model, text in pages[:3] + pages[-2:]:
        info = wiki.page_info(title)
        assert info["contentmodel"] == model
        assert info["user"] == wiki.bot.name
        assert "0123456789ab" in info["comment"]  # the tours version is in the summary
        if model == "json":
            assert json.loads(info["content"]) == json.loads(text)
        else:
            assert info["content"] == text.rstrip()
    # ... and through the rendered HTML
    html = wiki.html("Help:Fresh")
    assert "Tour title Fresh 0" in html and "Tour title Fresh 59" in html
    definition = wiki.wikitext("MediaWiki:Gadgets-definition")
    assert definition.startswith("== editing ==\n* HotCat[ResourceLoader]|HotCat.js\n\n"
                                 "== other ==\n* X|X.js")
    assert definition.endswith("== fresh ==\n" + line)
    gadgets = wiki.html("Special:Gadgets")
    assert "Gadget-Fresh.js" in gadgets and "HotCat" in gadgets

    # again, nothing changed: no edit at all, content read in batches of 50
    mark = wiki.log_mark()
    run = deploy(wiki, *_args(build, "fresh"))
    assert run.code == 0, run.text
    assert edits_since(wiki, mark) == []
    assert content_reads_since(wiki, mark) <= math.ceil((len(pages) + 2) / 50)
    assert "0 created, 0 updated, 64 unchanged, 0 conflicts" in run.text


def test_changing_one_tour_edits_only_its_pages(wiki, tmp_path):
    pages = _pages("One", 5)
    first = write_build(tmp_path / "1", pages, section="one", lines=["* One|One.js"])
    assert deploy(wiki, *_args(first, "one")).code == 0
    changed = [(t, m, x.replace("(v1)", "(v2)") if t == "Help:One/t3" else x)
               for t, m, x in pages]
    second = write_build(tmp_path / "2", changed, section="one", lines=["* One|One.js"],
                         version="fedcba987654")
    mark = wiki.log_mark()
    run = deploy(wiki, *_args(second, "one", "-summary:[[Project:Workshop]]"))
    assert run.code == 0, run.text
    assert edits_since(wiki, mark) == ["Help:One/t3", "MediaWiki:Wikitours/deployed-one.json"]
    assert "(v2)" in wiki.wikitext("Help:One/t3")
    comment = wiki.page_info("Help:One/t3")["comment"]
    assert comment.startswith("[[Project:Workshop]] ") and "fedcba987654" in comment
    assert "0 created, 1 updated, 8 unchanged" in run.text


def test_a_page_edited_by_someone_else_stops_the_deploy_until_overwrite(wiki, tmp_path):
    pages = _pages("Theirs", 3)
    build1 = write_build(tmp_path / "1", pages)
    assert deploy(wiki, *_args(build1, "theirs")).code == 0
    wiki.create_user("Helpful Editor")
    wiki.edit("Help:Theirs/t1", "Improved <b>by hand</b> on the wiki", user="Helpful Editor")
    changed = [(t, m, x.replace("(v1)", "(v2)")) for t, m, x in pages]
    build2 = write_build(tmp_path / "2", changed)

    mark = wiki.log_mark()
    run = deploy(wiki, *_args(build2, "theirs"))
    assert run.code == 2
    assert edits_since(wiki, mark) == []  # nothing at all, not even the pages nobody touched
    assert "Help:Theirs/t1" in run.err and "Helpful Editor" in run.err
    assert "-Improved <b>by hand</b> on the wiki" in run.out  # the unified diff
    assert "+'''Tour 1''' (v2) step text." in run.out
    assert wiki.wikitext("Help:Theirs/t1") == "Improved <b>by hand</b> on the wiki"

    run = deploy(wiki, *_args(build2, "theirs", "-overwrite"))
    assert run.code == 0, run.text
    assert wiki.wikitext("Help:Theirs/t1") == "'''Tour 1''' (v2) step text."
    assert wiki.history("Help:Theirs/t1")[-1]["user"] == wiki.bot.name


def test_missing_interface_admin_stops_before_the_first_edit(wiki, tmp_path):
    build = write_build(tmp_path / "b", _pages("Rights", 2))
    session = wiki.session(wiki.admin.name)
    from localwiki.client import call, token

    def groups(**change):
        call(session, wiki.api, "POST", action="userrights", user=wiki.bot.name,
             token=token(session, wiki.api, "userrights"), reason="test", **change)

    groups(remove="interface-admin")
    try:
        mark = wiki.log_mark()
        run = deploy(wiki, *_args(build, "rights"))
        assert run.code == 1
        assert "editsitejs" in run.err or "editsitejson" in run.err or \
            "editinterface" in run.err
        assert "interface-admin" in run.err
        assert edits_since(wiki, mark) == []
        assert wiki.wikitext("Help:Rights") is None
    finally:
        groups(add="interface-admin")
    assert deploy(wiki, *_args(build, "rights")).code == 0
    assert wiki.wikitext("Help:Rights") is not None


def test_a_failure_half_way_is_completed_by_the_next_run(wiki, tmp_path):
    pages = _pages("Half", 4)
    build1 = write_build(tmp_path / "1", pages)
    assert deploy(wiki, *_args(build1, "half")).code == 0
    changed = [(t, m, x.replace("(v1)", "(v2)")) for t, m, x in pages]
    build2 = write_build(tmp_path / "2", changed)
    # A page the bot may not edit (protected for sysops) makes the deploy fail after some edits.
    session = wiki.session(wiki.admin.name)
    from localwiki.client import call, token
    call(session, wiki.api, "POST", action="protect", title="Help:Half/t2",
         protections="edit=sysop", token=token(session, wiki.api))
    run = deploy(wiki, *_args(build2, "half"))
    assert run.code == 1
    assert "Help:Half/t2" in run.err and "protectedpage" in run.err
    assert "(v2)" in wiki.wikitext("Help:Half/t1")  # edited before the failure
    assert "(v1)" in wiki.wikitext("Help:Half/t2")
    call(session, wiki.api, "POST", action="protect", title="Help:Half/t2",
         protections="edit=all", token=token(session, wiki.api))

    mark = wiki.log_mark()
    run = deploy(wiki, *_args(build2, "half"))
    assert run.code == 0, run.text  # no conflict: half-done pages are recognised as ours
    assert edits_since(wiki, mark) == ["Help:Half/t2", "Help:Half/t3",
                                       "MediaWiki:Wikitours/deployed-half.json"]
    for n in range(4):
        assert "(v2)" in wiki.wikitext(f"Help:Half/t{n}")
    mark = wiki.log_mark()
    assert deploy(wiki, *_args(build2, "half")).code == 0
    assert edits_since(wiki, mark) == []


def test_diff_and_simulate_edit_nothing(wiki, tmp_path):
    build = write_build(tmp_path / "b", _pages("Dry", 2), section="dry", lines=["* Dry|Dry.js"])
    mark = wiki.log_mark()
    run = deploy(wiki, *_args(build, "dry", "-diff"))
    assert run.code == 0, run.text
    assert "+++ Help:Dry/t1 (build)" in run.out and "+'''Tour 1''' (v1) step text." in run.out
    assert "+== dry ==" in run.out
    run = deploy(wiki, *_args(build, "dry", "-simulate"))
    assert run.code == 0, run.text
    assert edits_since(wiki, mark) == []
    assert wiki.wikitext("Help:Dry") is None


def test_invalid_input_deploys_nothing(wiki, tmp_path):
    bad = tmp_path / "tours.yaml"
    bad.write_text("tours:\n  - id: [unclosed\n")
    mark = wiki.log_mark()
    run = deploy(wiki, f"-build:{bad}", "-state:MediaWiki:Wikitours/deployed-bad.json")
    assert run.code == 1
    assert "nothing was deployed" in run.err
    build = write_build(tmp_path / "b", _pages("Tampered", 1))
    (build / "pages" / "0001.txt").write_text("changed after the build")
    run = deploy(wiki, *_args(build, "tampered"))
    assert run.code == 1 and "sha256" in run.err
    run = deploy(wiki, "-manifest:/nonexistent/build")
    assert run.code == 1 and "not found" in run.err
    assert edits_since(wiki, mark) == []


def test_hostile_content_is_deployed_verbatim_and_rendered_inert(wiki, tmp_path):
    hostile = ("<<red>>colour markup<<default>> <script>alert('x')</script> {{#if:1|pf}} "
               "[[Category:Injected]] \u202eRTL override \U0001F600 %s %(x)s $1 ~~~~")
    pages = [("Help:Hostile", "wikitext", hostile),
             ("MediaWiki:Gadget-hostile-tours.json", "json",
              json.dumps({"title": "</script><script>alert(1)</script>"}))]
    build = write_build(tmp_path / "b", pages)
    run = deploy(wiki, *_args(build, "hostile"))
    assert run.code == 0, run.text
    saved = wiki.wikitext("Help:Hostile")
    assert "<<red>>colour markup<<default>>" in saved
    html = wiki.html("Help:Hostile")
    assert "<script>alert('x')</script>" not in html
    data = json.loads(wiki.wikitext("MediaWiki:Gadget-hostile-tours.json"))
    assert data == {"title": "</script><script>alert(1)</script>"}
    mark = wiki.log_mark()
    run = deploy(wiki, *_args(build, "hostile"))
    # "~~~~" is expanded by MediaWiki when saved; the deploy still knows the page is up to date
    assert run.code == 0, run.text
    assert edits_since(wiki, mark) == []


def test_help_explains_the_options():
    import subprocess
    import sys

    from tests.deployhelp import ROOT
    done = subprocess.run([sys.executable, "-m", "publish.deploy", "-help"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    text = done.stdout + done.stderr
    for option in ("-manifest:DIR", "-build:FILE", "-diff", "-overwrite", "-summary", "-simulate"):
        assert option in text


def test_a_network_failure_half_way_is_completed_by_the_next_run(wiki, tmp_path):
    import subprocess
    import sys
    import time

    from tests.deployhelp import ROOT
    pages = _pages("Net", 40)
    build = write_build(tmp_path / "b", pages)
    mark = wiki.log_mark()
    process = subprocess.Popen([sys.executable, "-m", "publish.deploy", *_args(build, "net")],
                               cwd=ROOT, env=wiki.pywikibot_env(), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 120
    while len(edits_since(wiki, mark)) < 5 and time.monotonic() < deadline:
        time.sleep(0.02)
    wiki.stop()  # the wiki goes away in the middle of the deploy
    try:
        out, _ = process.communicate(timeout=180)
    finally:
        wiki.start()
    assert process.returncode == 1, out
    assert "run the deploy again" in out
    saved = len(edits_since(wiki, mark))
    assert 5 <= saved < len(pages)

    mark = wiki.log_mark()
    run = deploy(wiki, *_args(build, "net"))
    assert run.code == 0, run.text  # no conflicts: the pages saved before the failure are ours
    # the rest, then the state (one fewer if the server saved an edit it could not log)
    assert len(pages) - saved <= len(edits_since(wiki, mark)) <= len(pages) - saved + 1
    for title, model, text in pages:
        saved_text = wiki.wikitext(title)
        assert json.loads(saved_text) == json.loads(text) if model == "json" else \
            saved_text == text.rstrip()
    mark = wiki.log_mark()
    assert deploy(wiki, *_args(build, "net")).code == 0
    assert edits_since(wiki, mark) == []


def test_an_unreachable_wiki_is_reported_without_a_traceback(wiki, tmp_path):
    build = write_build(tmp_path / "b", _pages("Down", 1))
    wiki.stop()
    try:
        run = deploy(wiki, *_args(build, "down"))
    finally:
        wiki.start()
    assert run.code == 1
    # (Pywikibot logs each failed try itself; the deploy ends with its own message)
    assert "nothing was deployed" in run.err and "uncaught exception" not in run.err
