"""`python -m tours pull|push`: translations between i18n/tours/ and on-wiki JSON pages, never
overwriting an edit the other side has not seen. Planning is tested as pure functions; the
commands run as real processes against a real wiki."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from publish.translations import Action, WikiRevision, content_sha, plan_pull, plan_push

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "Project:Wikitours/i18n/"


def _page(lang, data, revid=10, user="Translator"):
    return WikiRevision(f"W:Wikitours/i18n/{lang}.json", json.dumps(data), revid, "2026-11-25T10:00:00Z", user)


def test_plans_copy_the_side_that_changed_and_report_conflicts():
    old = {"k": "alt"}
    rec = {"de": {"revid": 10, "sha": content_sha(json.dumps(old))}}
    local_same = {"de": json.dumps(old, indent="\t")}
    # formatting differences are not changes
    assert plan_pull(local_same, {"de": _page("de", old)}, rec) == [Action("de", "same")]
    # only the wiki changed: pull writes, push leaves it
    wiki_new = {"de": _page("de", {"k": "neu"}, revid=11)}
    assert plan_pull(local_same, wiki_new, rec)[0].kind == "write"
    push = plan_push(local_same, wiki_new, rec)[0]
    assert push.kind == "skip" and "pull first" in push.reason
    # only the file changed: push updates, pull leaves it
    local_new = {"de": json.dumps({"k": "lokal"})}
    assert plan_push(local_new, {"de": _page("de", old)}, rec)[0].kind == "update"
    assert plan_pull(local_new, {"de": _page("de", old)}, rec)[0].kind == "skip"
    # both changed: a conflict naming the wiki's revision and editor, unless forced
    both = plan_push(local_new, wiki_new, rec)[0]
    assert both.kind == "conflict" and "11" in both.reason and "Translator" in both.reason
    forced = plan_pull(local_new, wiki_new, rec, force=True)[0]
    assert forced.kind == "write" and forced.forced
    # no record and different contents: a conflict too; new languages are copied
    assert plan_pull(local_new, wiki_new, {})[0].kind == "conflict"
    assert plan_pull({}, wiki_new, {})[0].kind == "write"
    assert plan_push({"fr": "{}"}, {}, {})[0].kind == "create"


def test_a_page_mediawiki_normalised_is_not_a_conflict():
    """MediaWiki saves text in Unicode NFC: a file written in NFD (as some editors save it)
    differs from the page it was pushed as, though nobody touched the page since."""
    import unicodedata

    nfd = {"k": unicodedata.normalize("NFD", "Übersetzung")}
    local = {"de": json.dumps(nfd, ensure_ascii=False)}
    saved = {"de": _page("de", {"k": unicodedata.normalize("NFC", "Übersetzung")}, revid=10)}
    rec = {"de": {"revid": 10, "sha": content_sha(local["de"])}}
    assert plan_push(local, saved, rec) == [Action("de", "update")]
    assert plan_pull(local, saved, rec)[0].kind == "skip"
    # once someone edits the page, the wiki is the newer side again
    edited = {"de": _page("de", {"k": "neu"}, revid=11)}
    assert plan_pull(local, edited, rec)[0].kind == "write"
    assert plan_push(local, edited, rec)[0].kind == "skip"


def _tours(ns_args, wiki, *args, password=True):
    env = dict(os.environ)
    if password:
        env["WIKITOURS_BOT_PASSWORD"] = wiki.bot.app_password
    return subprocess.run([sys.executable, "-m", "tours", *args, "--api", wiki.api, *ns_args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_push_then_pull_against_a_real_wiki(wiki, tmp_path):
    folder = tmp_path / "i18n" / "tours"
    folder.mkdir(parents=True)
    de = {"@metadata": {"authors": ["Dev"]}, "wikitours-tour-first-edit-title": "Deine erste Bearbeitung"}
    ar = {"@metadata": {"authors": ["Dev"]}, "wikitours-tour-first-edit-title": "تعديلك الأول"}
    (folder / "de.json").write_text(json.dumps(de, ensure_ascii=False, indent="\t"), encoding="utf-8")
    (folder / "ar.json").write_text(json.dumps(ar, ensure_ascii=False, indent="\t"), encoding="utf-8")
    common = ["--i18n", str(tmp_path / "i18n"), "--prefix", PREFIX]

    run = _tours(common, wiki, "push", password=False)
    assert run.returncode == 2 and "WIKITOURS_BOT_PASSWORD" in run.stderr

    run = _tours(common + ["--user", wiki.bot.login_name], wiki, "push")
    assert run.returncode == 0, run.stderr
    page = wiki.page_info(PREFIX + "ar.json")
    assert page["contentmodel"] == "json"
    assert json.loads(page["content"])["wikitours-tour-first-edit-title"] == "تعديلك الأول"
    assert (tmp_path / "i18n" / "wikisync.json").is_file()

    # a translator improves German on the wiki and adds French; pull brings both
    wiki.create_user("Übersetzerin")
    de_wiki = dict(de, **{"wikitours-tour-first-edit-title": "Deine allererste Bearbeitung"})
    wiki.edit(PREFIX + "de.json", json.dumps(de_wiki, ensure_ascii=False), user="Übersetzerin")
    wiki.edit(PREFIX + "fr.json", json.dumps({"wikitours-tour-first-edit-title": "Ta première modification"}),
              user="Übersetzerin", contentmodel="json")
    run = _tours(common, wiki, "pull")
    assert run.returncode == 0, run.stderr
    assert json.loads((folder / "de.json").read_text())["wikitours-tour-first-edit-title"] == "Deine allererste Bearbeitung"
    assert (folder / "fr.json").read_text().startswith("{\n\t")  # banana layout

    # both sides change German: push refuses to overwrite the newer wiki edit and says so
    wiki.edit(PREFIX + "de.json", json.dumps(dict(de, **{"wikitours-tour-first-edit-title": "Wiki-Fassung"}),
                                             ensure_ascii=False), user="Übersetzerin")
    (folder / "de.json").write_text(json.dumps(dict(de, **{"wikitours-tour-first-edit-title": "Git-Fassung"}),
                                               ensure_ascii=False), encoding="utf-8")
    run = _tours(common + ["--user", wiki.bot.login_name], wiki, "push")
    assert run.returncode == 1 and "de: conflict" in run.stderr and "Übersetzerin" in run.stderr
    assert "Wiki-Fassung" in wiki.wikitext(PREFIX + "de.json")
    run = _tours(common, wiki, "pull")
    assert run.returncode == 1 and "de: conflict" in run.stderr
    assert "Git-Fassung" in (folder / "de.json").read_text()
    # --force takes the direction asked for and says that it replaced a newer edit
    run = _tours(common + ["--force"], wiki, "pull")
    assert run.returncode == 0 and "--force" in run.stderr
    assert "Wiki-Fassung" in (folder / "de.json").read_text()
