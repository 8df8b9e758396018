"""``python -m tours lint`` as users run it: output lines, summary, exit status, no tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tours import cli

from tests.compiler.test_validate import BASE, step

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tours", *args], cwd=cwd, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=120)


def shipped_counts() -> tuple[int, int, int, int]:
    """Tours, steps, badges and wikis of the shipped file (other work adds tours to it)."""
    from toolforge.learning import load_library

    lib = load_library(ROOT / "tours.yaml")
    return (len(lib.tours), sum(len(t.steps) for t in lib.tours), len(lib.badges),
            len(lib.wikis))


def skin_texts() -> int:
    """The shipped steps' texts per skin (``skin-text``), each a message of its own."""
    from toolforge.learning import load_library  # as shipped_counts: only these tests need it

    return sum(len(s.skin_texts) for t in load_library(ROOT / "tours.yaml").tours for s in t.steps)


def test_shipped_file_lints_clean():
    done = run("lint")
    tours, steps, badges, wikis = shipped_counts()
    assert (done.returncode, done.stdout, done.stderr) == (
        0, f"tours.yaml: no problems; {tours} tours, {steps} steps, {badges} badges, "
           f"{wikis} wikis\n", "")


def test_errors_are_printed_with_hints_and_exit_1(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(step("element: save-buton\nplacement: botom\n").replace("minutes: 5", "minutes: soon"), "utf-8")
    done = run("lint", str(bad))
    assert done.returncode == 1 and done.stderr == ""
    assert done.stdout.splitlines() == [
        f"{bad}:7:14: error: 'minutes' of tour 't1' must be a whole number greater than 0, not 'soon'",
        "    hint: write a number, like 'minutes: 5'",
        f"{bad}:12:18: error: unknown element 'save-buton' in step 's1' of tour 't1'",
        "    hint: did you mean 'save-button'?",
        f"{bad}:13:20: error: unknown placement 'botom' in step 's1' of tour 't1'",
        "    hint: did you mean 'bottom'? (one of: auto, top, bottom, start, end)",
        f"{bad}: 3 errors",
    ]


def test_warnings_only_exit_0(tmp_path):
    (tmp_path / "tours.yaml").write_text(step("advance: visited\n"), "utf-8")
    done = run("lint", cwd=tmp_path)  # FILE defaults to tours.yaml in the current folder
    assert done.returncode == 0
    assert done.stdout.splitlines() == [
        "tours.yaml:12:18: warning: 'advance: visited' on the last step of tour 't1', so there is no next page to visit",
        "    hint: use 'advance: next' on the last step",
        "tours.yaml: 1 warning; 1 tour, 1 step, 0 badges, 0 wikis",
    ]


@pytest.mark.parametrize("content", [bytes(range(256)), b"\x00" * 100, b"[" * 100_000, b"a: &x [*x]"])
def test_hostile_files_never_show_a_traceback(tmp_path, content):
    file = tmp_path / "t.yaml"
    file.write_bytes(content)
    done = run("lint", str(file))
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert done.stdout.startswith(f"{file}:") and done.stdout.rstrip().endswith(("error", "errors"))


def test_missing_file_and_folder(tmp_path):
    done = run("lint", str(tmp_path / "none.yaml"))
    assert done.returncode == 1
    assert done.stdout.splitlines()[:2] == [f"{tmp_path / 'none.yaml'}:1:1: error: the file does not exist",
                                            "    hint: check the file name; the default is tours.yaml"]
    assert run("lint", str(tmp_path)).returncode == 1


def test_usage_errors_exit_2():
    done = run()
    assert done.returncode == 2 and "usage: python -m tours" in done.stderr and "Traceback" not in done.stderr
    assert run("lint", "--bogus").returncode == 2
    assert run("frobnicate").returncode == 2


def test_special_page_option(tmp_path, capsys):
    file = tmp_path / "t.yaml"
    file.write_text(step("page: Special:Homepage\n"), "utf-8")
    assert cli.main(["lint", str(file)]) == 1
    assert "there is no special page 'Special:Homepage'" in capsys.readouterr().out
    assert cli.main(["lint", str(file), "--special-page", "Homepage"]) == 0


def test_unexpected_failure_is_one_actionable_message(monkeypatch, capsys, tmp_path):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(cli, "read_source", broken)
    assert cli.main(["lint", str(tmp_path / "x.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: wikitours stopped unexpectedly: RuntimeError: disk on fire\n    hint: ")
    assert "Traceback" not in err


def test_subcommands_dispatch_with_their_options(monkeypatch):
    seen = {}

    def fake(name, function):
        def handler(ns):
            seen[name] = ns
            return 7

        monkeypatch.setattr(cli, function, handler)

    for name, function in (("tours.build", "run_build"), ("tours.i18n", "run_status"),
                           ("tours.languages", "run_update")):
        fake(name, function)
    assert cli.main(["build", "t.yaml", "--out", "o", "--wiki", "dewiki", "--prefix", "Help:T", "--i18n", "i",
                     "--event-url", "http://127.0.0.1:1/e"]) == 7
    ns = seen["tours.build"]
    assert (ns.file, ns.out, ns.wiki, ns.prefix, ns.i18n, ns.event_url) == (
        "t.yaml", "o", "dewiki", "Help:T", "i", "http://127.0.0.1:1/e")
    assert cli.main(["status", "--format", "json"]) == 7
    ns = seen["tours.i18n"]
    assert (ns.file, ns.i18n, ns.format, ns.write_qqq) == ("tours.yaml", None, "json", False)
    assert cli.main(["languages", "--from", "/srv/mw"]) == 7
    assert seen["tours.languages"].from_ == "/srv/mw"
    assert cli.main(["build"]) == 2  # --out is required


def test_summary_wording():
    from tours.model import Problem

    p = Problem("f", 1, 1, "m")
    w = Problem("f", 1, 1, "m", severity="warning")
    assert cli.summary("f", [p, p, w]) == "f: 2 errors, 1 warning"
    assert cli.summary("f", []) == "f: no problems"


def test_messages_in_the_requested_language(tmp_path):
    """``--lang`` (then WIKITOURS_LANG, then the locale) picks the language of the output; the
    positions and the YAML quoted in messages stay as they are."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(step("placement: botom\n"), "utf-8")
    english = run("lint", str(bad)).stdout.splitlines()
    german = run("lint", str(bad), "--lang", "de").stdout.splitlines()
    assert english[0].startswith(f"{bad}:12:20: error: ") and german[0].startswith(f"{bad}:12:20: Fehler: ")
    assert "'botom'" in german[0] and german[1].startswith("    Hinweis: ")
    arabic = subprocess.run([sys.executable, "-m", "tours", "lint", str(bad)], cwd=ROOT, capture_output=True,
                            text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin",
                                            "LANG": "ar_EG.UTF-8"}, timeout=120).stdout.splitlines()
    assert arabic[0].startswith(f"{bad}:12:20: خطأ: ")
    assert run("lint", str(bad), "--lang", "not a language!").stdout.splitlines() == english


@pytest.mark.parametrize(("env", "requested", "expected"), [
    ({}, None, "en"),
    ({"LANG": "C.UTF-8"}, None, "en"),
    ({"LANG": "pt_BR.UTF-8"}, None, "pt-br"),
    ({"LANGUAGE": "fr:de", "LANG": "de_DE.UTF-8"}, None, "fr"),
    ({"WIKITOURS_LANG": "he", "LANG": "de_DE.UTF-8"}, None, "he"),
    ({"WIKITOURS_LANG": "he"}, "hi", "hi"),
    ({"LC_ALL": "sr_RS@latin"}, None, "sr-rs"),
])
def test_output_language_choice(monkeypatch, env, requested, expected):
    for name in ("WIKITOURS_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert cli.output_language(requested) == expected


def test_build_speaks_the_requested_language_too(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(step("placement: botom\n"), "utf-8")
    done = run("build", str(bad), "--out", str(tmp_path / "out"), "--lang", "de")
    assert done.returncode == 1 and not (tmp_path / "out").exists()
    lines = done.stderr.splitlines()
    assert lines[0].startswith(f"{bad}:12:20: Fehler: ") and "'botom'" in lines[0]
    from tours.problemtext import T, render

    assert lines[-1] == render(T("wikitours-build-nothing-written", 1, str(tmp_path / "out")), "de")
    assert lines[-1].startswith("1 Fehler") and str(tmp_path / "out") in lines[-1]
    english = run("build", str(bad), "--out", str(tmp_path / "out")).stderr.splitlines()
    assert english[-1] == f"1 error: nothing was written to {tmp_path / 'out'}"


def test_status_speaks_the_requested_language_too():
    done = run("status", "--lang", "fr")
    assert done.returncode == 0, done.stderr
    first, header = done.stdout.splitlines()[:2]
    tours, steps, badges, _ = shipped_counts()
    # title and summary / text, name and description; and each step's text per skin
    texts = 2 * (tours + steps + badges) + skin_texts()
    assert first.startswith(f"{texts} textes dans tours.yaml") and header.split()[:3] == ["langue", "nom", "traduit"]
    assert run("status").stdout.splitlines()[1].split()[:3] == ["language", "name", "translated"]


TOUR_PAGE = """\
id: first-edit
title: Your first edit
summary: Try it in your sandbox.
audience: newcomer
minutes: 5
badge: first-edit
steps:
  - id: welcome
    title: Welcome
    text: Hello
    placement: botom
"""


@pytest.mark.parametrize("wrap", ["pre", "syntaxhighlight", "none"])
@pytest.mark.parametrize("flag", [("--page",), ()])
def test_a_tour_page_is_checked_as_stored_on_the_wiki_with_its_line_numbers(tmp_path, wrap, flag):
    """A tour page copied from the wiki (wikiseed's wrappers) lints on its own: no YAML error for
    the wrapper, no 'unknown field' for a tour's fields, no error for the badge kept on the header
    page, and the line numbers are those of the page as stored."""
    from publish.seed import wrap_text

    page = tmp_path / "first-edit.yaml"
    page.write_text(wrap_text(TOUR_PAGE, wrap), "utf-8")
    line = next(n for n, text in enumerate(page.read_text("utf-8").splitlines(), 1) if "botom" in text)
    done = run("lint", *flag, str(page))
    assert (done.returncode, done.stderr) == (1, "")
    assert done.stdout.splitlines() == [
        f"{page}:{line}:16: error: unknown placement 'botom' in step 'welcome' of tour 'first-edit'",
        "    hint: did you mean 'bottom'? (one of: auto, top, bottom, start, end)",
        f"{page}: 1 error",
    ]


def test_a_tour_page_whose_id_is_not_its_name_and_the_header_page(tmp_path):
    from publish.seed import split_library

    seed, problems = split_library((ROOT / "tours.yaml").read_text("utf-8"))
    assert problems == [] and seed is not None
    pages = seed.as_dict()
    (tmp_path / "Library.yaml").write_text(pages["Project:Wikitours/Library.yaml"], "utf-8")
    done = run("lint", "--page", str(tmp_path / "Library.yaml"))
    assert (done.returncode, done.stdout) == (0, f"{tmp_path / 'Library.yaml'}: no problems\n")
    (tmp_path / "user-page.yaml").write_text(pages["Project:Wikitours/Tours/first-edit.yaml"], "utf-8")
    done = run("lint", str(tmp_path / "user-page.yaml"))
    assert done.returncode == 1
    assert done.stdout.splitlines()[0] == (
        f"{tmp_path / 'user-page.yaml'}:2:1: error: the tour's id is 'first-edit' but its page is named for 'user-page'")
    broken = pages["Project:Wikitours/Library.yaml"].replace("badges:", "badges:\n  - id: Bad Id\n", 1)
    (tmp_path / "Library.yaml").write_text(broken, "utf-8")
    done = run("lint", "--page", str(tmp_path / "Library.yaml"))
    assert done.returncode == 1 and "'Bad Id' is not a valid id" in done.stdout


def test_page_mode_on_hostile_pages_never_shows_a_traceback(tmp_path):
    for content in (b"<pre>\n\x00id: x\n</pre>\n", b"<pre>\n" + b"[" * 50_000 + b"\n</pre>\n",
                    b"<pre>\nid: x\n</pre>\n<script>alert(1)</script>\n", bytes(range(256))):
        file = tmp_path / "x.yaml"
        file.write_bytes(content)
        done = run("lint", "--page", str(file))
        assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr, content[:20]
