"""``python -m tours build``: the manifest of contracts §3, byte-identical output for the same
input, wiki variants, and nothing at all written when anything is wrong."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import mwparserfromhell
import pytest

from tests.compiler.test_reference import assert_reference_contained
from tests.compiler.test_render import assert_contained, sample_library

from tours.build import Translations, build_pages, manifest, read_i18n, write_output
from tours.i18n import load_banana, source_hash
from tours.model import PageRef, Position, Step, StepChange, WikiVariant
from tours.render.liveversion import parse_pointer

ROOT = Path(__file__).resolve().parents[2]
KINDS = {"help", "catalogue", "badge", "tour-data", "messages", "gadget-code", "gadget-style",
         "schema", "pointer"}


def live(content: dict[str, str]) -> dict[str, str]:
    """*content* (title -> text) with the gadget's versioned pages also under their fixed
    titles, resolved through the pointer in the loader as the gadget resolves them."""
    from tours.render.liveversion import LOADER_TITLE, gadget_titles, parse_pointer

    pointer = parse_pointer(content[LOADER_TITLE])
    assert pointer is not None
    out = dict(content)
    langs = sorted({t.rsplit("/", 1)[1][:-5] for t in content
                    if t.startswith("MediaWiki:Wikitours/messages/")})
    fixed = gadget_titles(None, "", [])
    out[fixed["index"]] = content[gadget_titles(pointer, "", [])["index"]]
    for tour in pointer.tours:
        versioned, legacy = gadget_titles(pointer, tour, langs), gadget_titles(None, tour, langs)
        for key, title in versioned.items():
            if title in content:
                out[legacy[key]] = content[title]
    return out


def run_build(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "tours", "build", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def read_tree(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes()
            for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> Path:
    """The shipped tours.yaml built once with its translations."""
    out = tmp_path_factory.mktemp("build") / "out"
    done = run_build("tours.yaml", "--out", str(out))
    assert done.returncode == 0, done.stderr
    return out


def test_manifest_follows_the_contract(shipped):
    data = json.loads((shipped / "manifest.json").read_text(encoding="utf-8"))
    assert data["generator"] == "wikitours 0.1.0"
    assert data["source"] == "tours.yaml"
    assert data["source_sha256"] == hashlib.sha256((ROOT / "tours.yaml").read_bytes()).hexdigest()
    assert data["wiki"] is None
    digests = []
    for page in data["pages"]:
        content = (shipped / page["file"]).read_bytes()
        assert hashlib.sha256(content).hexdigest() == page["sha256"]
        assert page["model"] in {"wikitext", "javascript", "css", "json"}
        assert page["kind"] in KINDS
        digests.append(page["sha256"])
    assert data["library_version"] == hashlib.sha256("".join(digests).encode()).hexdigest()[:12]
    assert len({p["title"] for p in data["pages"]}) == len(data["pages"])
    files = {p.name for p in (shipped / "pages").iterdir()}
    assert files == {Path(p["file"]).name for p in data["pages"]}
    gadget = data["gadget_definition"]
    assert gadget["title"] == "MediaWiki:Gadgets-definition" and gadget["section"] == "wikitours"
    assert any(line.startswith("* wikitours[ResourceLoader|default") for line in gadget["lines"])


def test_every_page_the_wiki_needs_is_there(shipped):
    data = json.loads((shipped / "manifest.json").read_text(encoding="utf-8"))
    by_title = {p["title"]: p for p in data["pages"]}
    tours = ["first-edit", "add-citation", "ask-mentor", "user-page", "mentor-basics",
             "run-a-workshop"]
    langs = sorted(p.stem for p in (ROOT / "i18n/tours").glob("*.json") if p.stem != "qqq")
    assert {"ar", "he", "de"} <= set(langs)
    assert by_title["Help:Wikitours"]["kind"] == "catalogue"
    for lang in langs:
        assert by_title[f"Help:Wikitours/{lang}"]["lang"] == lang
    for tour in tours:
        assert by_title[f"Help:Wikitours/{tour}"] == {**by_title[f"Help:Wikitours/{tour}"],
                                                      "kind": "help", "tour": tour, "lang": "en"}
        pointer = parse_pointer((shipped / by_title["MediaWiki:Gadget-wikitours.js"]["file"])
                                .read_text(encoding="utf-8"))
        version = pointer.tours[tour]
        for lang in langs:
            assert f"Help:Wikitours/{tour}/{lang}" in by_title
            assert f"MediaWiki:Wikitours/messages/{tour}/{version}/{lang}.json" in by_title
        assert by_title[f"MediaWiki:Wikitours/tours/{tour}/{version}.json"]["model"] == "json"
        assert f"MediaWiki:Wikitours/tours/{tour}.json" not in by_title
    assert "Help:Wikitours/Badges/trainer/he" in by_title
    for lang in langs:  # the tour language reference, which the sync's pages link
        assert by_title[f"Help:Wikitours/Tour language/{lang}"]["kind"] == "help"
    assert by_title["Help:Wikitours/Tour language"]["lang"] == "en"
    for title in ("MediaWiki:Gadget-wikitours.js", "MediaWiki:Gadget-wikitours-runtime.js",
                  "MediaWiki:Gadget-wikitours-runtime.css", f"MediaWiki:Gadget-wikitours-tours/{pointer.index}.json",
                  "MediaWiki:Gadget-wikitours-place.js", "MediaWiki:Gadget-wikitours-place.css",
                  "MediaWiki:Gadget-wikitours-events.js", f"MediaWiki:Gadget-wikitours-config/{pointer.ui}.json",
                  f"MediaWiki:Wikitours/messages/ui/{pointer.ui}/en.json",
                  f"MediaWiki:Wikitours/messages/translate/{pointer.ui}/en.json"):
        assert title in by_title
    assert by_title["MediaWiki:Gadget-wikitours.js"]["kind"] == "pointer"
    for page in data["pages"]:
        text = (shipped / page["file"]).read_text(encoding="utf-8")
        if page["model"] == "wikitext" and "/Tour language" in page["title"]:
            assert_reference_contained(text)  # tables and a YAML example: its own rules
        elif page["model"] == "wikitext":
            assert_contained(text)
        elif page["model"] == "json":
            assert isinstance(json.loads(text), dict)


def test_gadget_data_is_split_per_tour_and_language(shipped):
    data = json.loads((shipped / "manifest.json").read_text(encoding="utf-8"))
    content = live({p["title"]: (shipped / p["file"]).read_text(encoding="utf-8")
                    for p in data["pages"]})
    index = json.loads(content["MediaWiki:Gadget-wikitours-tours.json"])
    assert index["tours"]["first-edit"] == {"version": 1, "steps": 7, "audience": "newcomer"}
    assert index["languages"]["ar"] == {"dir": "rtl", "fallbacks": ["en"]}
    assert index["languages"]["de-at"]["fallbacks"] == ["de", "en"]  # reaches a translation
    assert "zh-hk" not in index["languages"]  # no translation on its chain: not listed
    tour = json.loads(content["MediaWiki:Wikitours/tours/first-edit.json"])
    assert tour["id"] == "first-edit" and tour["sourceLanguage"] == "en"
    step = tour["steps"][1]
    assert step["id"] == "open-editor" and step["page"] == {"kind": "sandbox"}
    # either editor's tab: the tour follows the editor the newcomer opens (issue 16)
    assert step["target"]["selectors"]["vector-2022"] == ["#ca-ve-edit", "#ca-edit"]
    # Minerva: 1.43's source tabs, 1.39's one edit link (contracts §4: entries for some versions)
    assert step["target"]["selectors"]["minerva"] == [
        {"css": "#ca-editsource", "since": "1.43"}, {"css": "#ca-createsource", "since": "1.43"},
        {"css": "#ca-edit", "before": "1.43"}]
    assert step["advance"] == "editor-opened" and step["when"]["actions"] == ["view"]
    assert step["text"] == "wikitours-tour-first-edit-step-open-editor-text"
    en = json.loads(content["MediaWiki:Wikitours/messages/first-edit/en.json"])
    assert all(k.startswith("wikitours-tour-first-edit-") for k in en if "-badge-" not in k)
    assert en["wikitours-badge-first-edit-name"] == "First edit"  # the completion names it
    assert en["wikitours-tour-first-edit-step-open-editor-text"].startswith(
        "Click <b>Edit</b> (or <b>Create</b>) to write on the page as readers see it")
    de = json.loads(content["MediaWiki:Wikitours/messages/first-edit/de.json"])
    assert set(de) <= set(en) and de["wikitours-tour-first-edit-title"] != \
        en["wikitours-tour-first-edit-title"]
    mentor = json.loads(content["MediaWiki:Wikitours/tours/mentor-basics.json"])
    assert mentor["steps"][0]["page"] == {"kind": "title", "title": "Project:Wikitours/Mentors.json"}


def test_same_input_same_bytes(shipped, tmp_path):
    again = tmp_path / "again"
    done = run_build("tours.yaml", "--out", str(again))
    assert done.returncode == 0, done.stderr
    assert read_tree(again) == read_tree(shipped)


def test_wiki_variant_and_prefix(tmp_path):
    out = tmp_path / "de"
    done = run_build("tours.yaml", "--out", str(out), "--wiki", "dewiki", "--prefix",
                     "Hilfe:Touren")
    assert done.returncode == 0, done.stderr
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert data["wiki"] == "dewiki"
    content = live({p["title"]: (out / p["file"]).read_text(encoding="utf-8")
                    for p in data["pages"]})
    assert "Hilfe:Touren" in content and "Help:Wikitours" not in content
    # the wiki's own language (de) gets the unsuffixed pages, English moves to /en
    langs = {p["title"]: p.get("lang") for p in data["pages"]}
    assert langs["Hilfe:Touren"] == "de" and langs["Hilfe:Touren/first-edit"] == "de"
    assert langs["Hilfe:Touren/en"] == "en" and "Hilfe:Touren/de" not in langs
    assert 'lang="de" dir="ltr"' in content["Hilfe:Touren/first-edit"]
    mentor = json.loads(content["MediaWiki:Wikitours/tours/mentor-basics.json"])
    assert mentor["steps"][0]["page"]["title"] == "Project:Wikitours/Mentoren.json"
    workshop = json.loads(content["MediaWiki:Wikitours/tours/run-a-workshop.json"])
    assert workshop["steps"][0]["page"]["title"] == "Hilfe:Touren"
    # the local help link replaces the library's in texts and translations alike
    for lang in ("en", "de"):
        msgs = json.loads(content[f"MediaWiki:Wikitours/messages/add-citation/{lang}.json"])
        assert "[[Hilfe:Einzelnachweise|" in msgs["wikitours-tour-add-citation-step-why-text"]
    help_page = mwparserfromhell.parse(content["Hilfe:Touren/add-citation"])
    assert ":Hilfe:Einzelnachweise" in [str(w.title) for w in help_page.filter_wikilinks()]


def test_unknown_wiki_is_an_error_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    done = run_build("tours.yaml", "--out", str(out), "--wiki", "nowiki")
    assert done.returncode == 1
    assert "error: no wiki 'nowiki' under wikis:" in done.stderr
    assert "hint: use one of: dewiki, arwiki" in done.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []


def _project(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "tours.yaml", tmp_path / "tours.yaml")
    shutil.copytree(ROOT / "i18n", tmp_path / "i18n")
    return tmp_path


def test_a_bad_translation_stops_the_build_and_keeps_the_old_output(tmp_path):
    project = _project(tmp_path)
    out = project / "out"
    assert run_build("tours.yaml", "--out", "out", cwd=project).returncode == 0
    before = read_tree(out)
    de = project / "i18n/tours/de.json"
    data = json.loads(de.read_text(encoding="utf-8"))
    key = "wikitours-tour-first-edit-step-welcome-title"
    data[key] = "Hallo $4 <script>alert(1)</script>"
    de.write_text(json.dumps(data, ensure_ascii=False, indent="\t"), encoding="utf-8")
    text = de.read_text(encoding="utf-8")
    offset = text.rindex(f'"{key}":')
    where = f"{text.count(chr(10), 0, offset) + 1}:{offset - text.rfind(chr(10), 0, offset)}"
    done = run_build("tours.yaml", "--out", "out", cwd=project)
    assert done.returncode == 1
    assert f"i18n/tours/de.json:{where}: error: {key}: the translation uses $4" in done.stderr
    assert f"i18n/tours/de.json:{where}: error: {key}: unsafe markup" in done.stderr
    assert "hint:" in done.stderr and "nothing was written to out" in done.stderr
    assert read_tree(out) == before  # the previous build is untouched
    fresh = project / "fresh"
    assert run_build("tours.yaml", "--out", "fresh", cwd=project).returncode == 1
    assert not fresh.exists()
    assert not [p for p in project.iterdir() if p.name.startswith(".fresh")]  # no temp left


def test_broken_tours_file_writes_nothing(tmp_path):
    (tmp_path / "tours.yaml").write_bytes(b"wikitours: 1\ntours: [\x00\xff")
    done = run_build("tours.yaml", "--out", "out", cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "tours.yaml:" in done.stderr
    assert not (tmp_path / "out").exists()


def _translations(**tours: dict) -> Translations:
    pages = {"en": load_banana((ROOT / "i18n/pages/en.json").read_text(encoding="utf-8"),
                               "i18n/pages/en.json", "en")[0]}
    files = {}
    for lang, messages in tours.items():
        files[lang] = load_banana(json.dumps(messages[0] | {"@metadata": {"source-hashes":
                                                                          messages[1]}}),
                                  f"i18n/tours/{lang}.json", lang)[0]
    return Translations(files, pages, {})


def test_variant_change_that_no_longer_fits_names_wiki_and_step():
    lib = sample_library()
    bad = WikiVariant("frwiki", "fr", (), (
        StepChange("first-edit", "replace", "open-the-editor",
                   Step("open-the-editor", "x", "y", PageRef("sandbox")), pos=Position(120, 11)),
    ))
    lib = replace(lib, wikis=lib.wikis + (bad,))
    result = build_pages(lib, _translations(), wiki="frwiki", gadget=False)
    assert not result.ok and result.pages == ()
    assert [str(p).splitlines()[0] for p in result.problems] == [
        "tours.yaml:120:11: error: wiki frwiki: the change 'replace' of step 'open-the-editor' in "
        "tour 'first-edit' no longer fits: the library no longer has it (removed or renamed)"]


def test_replaced_step_does_not_show_translations_of_the_old_text():
    lib = sample_library()
    key = "wikitours-tour-first-edit-step-welcome-title"
    tr = _translations(de=({key: "Deine Spielwiese"}, {key: source_hash("This is your sandbox")}))
    plain = build_pages(lib, tr, gadget=False)
    local = build_pages(lib, tr, wiki="xwiki", gadget=False)
    assert plain.ok and local.ok
    get = lambda r, t: next(p.content for p in r.pages if p.title == t)  # noqa: E731
    assert "Deine Spielwiese" in get(plain, "Help:Wikitours/first-edit/de")
    assert "Deine Spielwiese" not in get(local, "Help:Wikitours/first-edit/de")
    assert '<span lang="en" dir="ltr">Local welcome</span>' in get(local,
                                                                    "Help:Wikitours/first-edit/de")
    msgs = json.loads(get(local, "MediaWiki:Wikitours/messages/first-edit/de.json")) \
        if any(p.title == "MediaWiki:Wikitours/messages/first-edit/de.json"
               for p in local.pages) else {}
    assert key not in msgs


def test_outdated_translations_stay_for_readers_and_are_marked():
    """A changed source text keeps its translations live (issue 17: one title change rewrote
    42 translated pages in English): shown on the help page and in the gadget's messages,
    the page says some of it is from an earlier version, and the status lists the key."""
    lib = sample_library()
    key = "wikitours-tour-first-edit-step-welcome-title"
    tr = _translations(de=({key: "Deine Spielwiese"}, {key: source_hash("An older title")}),
                       fr=({key: "Ton bac à sable"}, {key: source_hash("This is your sandbox")}))
    pages = {lang: load_banana((ROOT / f"i18n/pages/{lang}.json").read_text(encoding="utf-8"),
                               f"i18n/pages/{lang}.json", lang)[0] for lang in ("en", "de", "fr")}
    result = build_pages(lib, Translations(tr.tours, pages, {}))
    assert result.ok
    get = lambda t: next(p.content for p in result.pages if p.title == t)  # noqa: E731
    de = get("Help:Wikitours/first-edit/de")
    assert "Deine Spielwiese" in de  # kept for readers
    assert 'class="wikitours-outdated"' in de and "earlier version" not in de  # in German
    assert "früheren Fassung" in de
    fr = get("Help:Wikitours/first-edit/fr")
    assert "Ton bac à sable" in fr and "wikitours-outdated" not in fr  # up to date: no mark
    assert "wikitours-outdated" not in get("Help:Wikitours/first-edit")
    msgs = json.loads(next(p.content for p in result.pages  # (titles carry a content hash)
                           if p.title.startswith("MediaWiki:Wikitours/messages/first-edit/")
                           and p.title.endswith("/de.json")))
    assert msgs[key].startswith("Deine Spielwiese")
    assert any("outdated" in str(p.message) and key in str(p.message) for p in result.problems)


def test_title_clash_between_a_tour_and_a_language_is_an_error():
    lib = sample_library()
    clash = replace(lib.tours[2], id="de")
    lib = replace(lib, tours=lib.tours[:2] + (clash,))
    tr = _translations(de=({"wikitours-tour-first-edit-title": "Erste"},
                           {"wikitours-tour-first-edit-title": source_hash("Your first edit")}))
    result = build_pages(lib, tr, gadget=False)
    assert not result.ok
    assert any("two generated pages have the same title 'Help:Wikitours/de'" in p.message
               for p in result.problems)


def test_write_output_replaces_atomically(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "stale.txt").write_text("old")
    write_output(out, {"pages": []}, [("pages/0001.txt", b"new")])
    assert read_tree(out) == {"manifest.json": b'{\n "pages": []\n}\n', "pages/0001.txt": b"new"}
    assert sorted(os.listdir(tmp_path)) == ["out"]


def test_read_i18n_and_manifest_in_process():
    translations, problems = read_i18n(ROOT / "i18n")
    assert not [p for p in problems if p.severity == "error"]
    result = build_pages(sample_library(), Translations({}, translations.pages, {}), gadget=False)
    assert result.ok
    data, files = manifest(result, source_name="x.yaml", source_bytes=b"x", wiki=None)
    assert [f for f, _ in files][:2] == ["pages/0001.txt", "pages/0002.txt"]
    assert data["pages"][0]["title"] == "Help:Wikitours"


def test_event_url_and_gadget_interface_messages(tmp_path):
    out = tmp_path / "out"
    done = run_build("tours.yaml", "--out", str(out), "--event-url",
                     "https://wikitours.example/api/v1/events")
    assert done.returncode == 0, done.stderr
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    content = live({p["title"]: (out / p["file"]).read_text(encoding="utf-8")
                    for p in data["pages"]})
    pointer = parse_pointer(content["MediaWiki:Gadget-wikitours.js"])
    index = json.loads(content["MediaWiki:Gadget-wikitours-tours.json"])
    assert index["config"] == {"eventUrl": "https://wikitours.example/api/v1/events"}
    # The same settings alone, which a starting tour reads instead of the whole index.
    config = data["pages"][[p["title"] for p in data["pages"]].index(
        f"MediaWiki:Gadget-wikitours-config/{pointer.ui}.json")]
    assert config["kind"] == "tour-data" and config["model"] == "json"
    assert json.loads(content[config["title"]]) == index["config"]
    for path in (ROOT / "i18n/gadget").glob("*.json"):
        if path.stem == "qqq":
            continue
        ui = json.loads(content[f"MediaWiki:Wikitours/messages/ui/{pointer.ui}/{path.stem}.json"])
        form = json.loads(content[
            f"MediaWiki:Wikitours/messages/translate/{pointer.ui}/{path.stem}.json"])
        source = json.loads(path.read_text(encoding="utf-8"))
        # A tour reads only its own interface texts; the translation form's are apart.
        assert {**ui, **form} == {k: v for k, v in source.items() if not k.startswith("@")}
        assert ui and form and not [k for k in ui if k.startswith("wikitours-translate-")]
        assert all(k.startswith("wikitours-translate-") for k in form)
