"""The tour language reference page (``Help:Wikitours/Tour language[/<lang>]``).

It must list every field the validator accepts with a description (a new field without one
fails here), use every message of ``i18n/reference`` and nothing else, keep its structure
whatever a library or a translation says, follow the page language's direction, and, saved on a
real MediaWiki with SyntaxHighlight, render its example intact with no red links.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from dataclasses import replace
from pathlib import Path

import mwparserfromhell
import pytest
import yaml

from tours import catalogue, validate
from tours.build import Translations, build_pages
from tours.i18n import read_dir
from tours.load import load_library
from tours.model import ADVANCES, PLACEMENTS, Library, PageRef, Step, Target, Tour
from tours.render import reference
from tours.render.common import Site
from tours.render.texts import Messages

ROOT = Path(__file__).resolve().parents[2]
EN = json.loads((ROOT / "i18n/reference/en.json").read_text(encoding="utf-8"))
PAGE_MESSAGES = {lang: dict(mf.messages) for lang, mf in read_dir(ROOT / "i18n/pages")[0].items()
                 if lang != "qqq"}
SHIPPED, _ = load_library((ROOT / "tours.yaml").read_text(encoding="utf-8"), "tours.yaml")

#: Every field table of the validator, found by name, so a new table cannot be forgotten.
FIELD_TABLES = {name: table for name, table in vars(validate).items()
                if name.endswith("_FIELDS") and isinstance(table, dict)}

HOSTILE = [
    "</syntaxhighlight><script>alert(1)</script>",
    "~~~~ signed {{subst:CURRENTYEAR}} [[Category:Spam]] __NOTOC__",
    "\n|}\n{| class=x\n|-\n! injected !! cell",
    "a || b !! c | d",
    "<pre>x</pre><nowiki></nowiki>\x7f'\"UNIQ--",
    ": colon # hash - dash \u2028 line\u0085sep \ufeff",
    "yes",
    "123",
]


def reference_texts(overrides: dict | None = None) -> Messages:
    files, problems = read_dir(ROOT / "i18n/reference")
    assert problems == []
    texts = {lang: dict(mf.messages) for lang, mf in files.items() if lang != "qqq"}
    for lang, messages in (overrides or {}).items():
        texts[lang] = {**texts.get(lang, {}), **messages}
    return Messages(texts, "en")


def site_for(library: Library, languages=("en", "ar", "de", "he")) -> Site:
    return Site(library, Messages({"en": {}}, "en"), Messages(PAGE_MESSAGES, "en"), languages)


def render(lang="en", library=SHIPPED, overrides=None, languages=("en", "ar", "de", "he")):
    return reference.render_reference(site_for(library, languages), lang,
                                      reference_texts(overrides))


def fields_of(wikitext: str) -> list[str]:
    return re.findall(r'^\|- data-field="([^"]+)"$', wikitext, re.M)


def example_of(wikitext: str) -> str:
    match = re.search(r'<syntaxhighlight lang="yaml">\n(.*?)\n</syntaxhighlight>', wikitext, re.S)
    assert match, wikitext
    return match.group(1) + "\n"


def assert_reference_contained(wikitext: str) -> None:
    """What the reference page may hold, whatever its texts say: one example block, tables of
    four (or two) cells per row, links only to pages (``[[:…]]``) or its own anchors, no
    templates but PLURAL, no signature, no behaviour switch outside the example."""
    assert wikitext.count("<syntaxhighlight") == wikitext.count("</syntaxhighlight>") <= 1
    outside = re.sub(r"<syntaxhighlight.*?</syntaxhighlight>", "", wikitext, flags=re.S)
    for example in re.findall(r'<syntaxhighlight lang="yaml">(.*?)</syntaxhighlight>', wikitext,
                              re.S):
        assert "<" not in example  # nothing in it can close the block
    assert "~~~" not in wikitext and "\x7f" not in wikitext
    assert "__" not in re.sub(r"<!--.*?-->", "", outside, flags=re.S)
    code = mwparserfromhell.parse(outside)
    for tpl in code.filter_templates(recursive=True):
        assert str(tpl.name).startswith("PLURAL:"), tpl
    allowed = {"div", "span", "br", "b", "i", "code", "kbd", "bdi", "table", "tr", "th", "td"}
    for tag in code.filter_tags(recursive=True):
        assert str(tag.tag).lower() in allowed, tag
    for wl in code.filter_wikilinks(recursive=True):
        assert str(wl.title).startswith((":", "#wikitours-reference-")), wl
    tables = 0
    for line in outside.splitlines():
        if line.startswith("{|"):
            tables += 1
            assert line == '{| class="wikitable wikitours-reference-table"'
        elif line.startswith("|-"):
            assert re.fullmatch(r'\|- data-field="[a-z-]+\.[a-z-]+"', line), line
        elif line.startswith("!"):
            assert line.count("!!") in (1, 3), line
        elif line.startswith("|"):
            assert line == "|}" or (line.startswith("| ") and "||" not in line), line
        else:
            assert not line.startswith((" ", ";", ":", "----", "*", "#")), line
    assert tables == len(reference.SECTIONS)


# ---------------------------------------------------------------------------------------------
# Complete: every field, every value, every message


def test_every_field_table_of_the_validator_has_a_section():
    tables = [section.fields for section in reference.SECTIONS if section.fields is not None]
    for name, table in FIELD_TABLES.items():
        assert any(t is table for t in tables), f"validate.{name} has no section on the page"
    assert [s.values for s in reference.SECTIONS if s.id == "page"] == [validate.PAGE_KEYWORDS]


def test_the_page_lists_every_field_with_a_description_and_values():
    page = render("en")
    want = []
    for section in reference.SECTIONS:
        names = section.fields or {v: False for v in section.values}
        want += [f"{section.id}.{name}" for name in names]
        if section.fields is None:
            want.append(f"{section.id}.title")
        for name, required in (section.fields or {}).items():
            key = f"wikitours-reference-{section.id}-{name}"
            assert EN.get(key, "").strip(), f"no description for {section.id}.{name}: add {key}"
            assert (section.id, name) in reference.VALUES, f"no values for {section.id}.{name}"
    assert fields_of(page.content) == want
    # required/optional comes from the validator's table
    rows = page.content.split("|- data-field=")
    for row in rows[1:]:
        name = row.split('"')[1]
        section, field = name.split(".", 1)
        table = next(s.fields for s in reference.SECTIONS if s.id == section)
        if table is not None:
            cells = [c[2:] for c in row.splitlines()[1:] if c.startswith("| ")]
            assert cells[1] == ("yes" if table[field] else "no"), name


def test_allowed_values_come_from_the_validator_tables():
    page = render("en").content

    def row(name):
        return page.split(f'|- data-field="{name}"\n', 1)[1].split("\n|-", 1)[0]

    for name, values in (("step.element", catalogue.ELEMENTS), ("step.placement", PLACEMENTS),
                         ("step.advance", ADVANCES), ("tour.audience", validate.AUDIENCES),
                         ("condition.action", validate.ACTIONS),
                         ("condition.skin", validate.SKIN_NAMES),
                         ("condition.editor", validate.EDITORS)):
        assert re.findall(r"<code[^>]*>([^<]+)</code>", row(name).splitlines()[2]) == list(values)
    assert '<code dir="ltr">1</code>' in row("header.wikitours")


def test_values_named_in_descriptions_are_still_values_of_the_language():
    fields = {name for table in FIELD_TABLES.values() for name in table}
    known = {
        "step-placement": set(PLACEMENTS), "step-advance": set(ADVANCES),
        "condition-action": set(validate.ACTIONS), "condition-editor": set(validate.EDITORS),
        "step-highlight": {"true"}, "condition-logged-in": {"true", "false"},
    }
    for key, params in reference.DESCRIPTION_PARAMS.items():
        text = EN[reference.PREFIX + key]
        assert set(re.findall(r"\$(\d)", text)) == {str(n + 1) for n in range(len(params))}, key
        if key in known:
            assert set(params) <= known[key], key
        elif key.endswith("-intro") or key.startswith("change-"):
            assert set(params) <= fields, key
    assert set(reference.DESCRIPTION_PARAMS["step-advance"]) == set(ADVANCES)


def test_every_message_is_used_and_documented():
    qqq = json.loads((ROOT / "i18n/reference/qqq.json").read_text(encoding="utf-8"))
    keys = set(EN) - {"@metadata"}
    assert keys == reference.used_keys(), keys ^ reference.used_keys()
    assert keys == set(qqq) - {"@metadata"}
    page = render("en").content
    shown = sum(1 for k in keys if EN[k].split("$")[0][:12] in page)
    assert shown == len(keys)


def test_the_schema_descriptions_are_the_english_messages():
    schema = json.loads((ROOT / "tours/schema/tours.schema.json").read_text(encoding="utf-8"))
    step = schema["properties"]["tours"]["items"]["properties"]["steps"]["items"]
    assert step["properties"]["advance"]["description"] == (
        "How the step moves on: next is the Next button (default), click a click on the element, "
        "saved a saved edit, editor-opened an opened editor, visited the next step's page.")
    assert step["description"] == EN["wikitours-reference-step-intro"]
    for section, obj in (("header", schema), ("step", step),
                         ("tour", schema["properties"]["tours"]["items"])):
        for name, prop in obj["properties"].items():
            assert prop["description"].startswith(
                reference.field_description(section, name)), (section, name)


# ---------------------------------------------------------------------------------------------
# The example


def test_the_example_is_a_valid_fixed_tours_file():
    text = example_of(render("en").content)
    library, problems = load_library(text, "example.yaml")
    assert [str(p) for p in problems] == [] and library is not None
    tour, fixed = library.tours[0], reference.EXAMPLE.tours[0]
    assert (tour.id, tour.title, tour.summary) == (fixed.id, fixed.title, fixed.summary)
    assert [(s.id, s.title, s.text) for s in tour.steps] == \
        [(s.id, s.title, s.text) for s in fixed.steps]
    assert "element: edit-source-tab" in text and "advance: click" in text
    assert "when:" in text and "editor: source" in text


def test_the_example_does_not_follow_the_librarys_first_tour():
    """Issue 17: quoting the first tour rewrote the page in every language at each of its edits."""
    first = SHIPPED.tours[0]
    renamed = replace(first, title="A new title", steps=tuple(
        replace(s, text=s.text + " More.") for s in first.steps))
    other = replace(SHIPPED, tours=(renamed, *SHIPPED.tours[1:]))
    for lang in ("en", "de"):
        assert render(lang, other).content == render(lang).content


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_library_texts_cannot_break_out(hostile):
    steps = (Step("s1", hostile, hostile, PageRef("title", "Help:A"), Target(element="search")),
             Step("s2", "Two", "x" + hostile, PageRef("special", "Special:Watchlist"),
                  Target(selector=hostile), placement="end", highlight=False, advance="click"))
    library = Library("en", (Tour("t1", hostile, hostile, "newcomer", 3, 1, steps),))
    for lang in ("en", "ar"):
        page = render(lang, library)
        assert_reference_contained(page.content)
        assert example_of(page.content) == example_of(render(lang).content)  # the fixed one
        # the emitter itself (used for the fixed example) keeps any text inside its block
        block = reference.example_yaml(library)
        assert "<" not in block and "~" not in block  # nothing in it can close the block or sign
        data = yaml.safe_load(block)
        tour = data["tours"][0]
        assert tour["title"] == hostile and tour["summary"] == hostile
        assert [s["text"] for s in tour["steps"]] == [hostile, "x" + hostile]
        assert tour["steps"][1]["selector"] == hostile
        assert tour["steps"][1]["highlight"] is False


def test_hostile_translations_cannot_break_the_tables():
    evil = {k: "\n|}\n{{subst:X}}<script>alert(1)</script>[[Category:Spam]] || !! | ~~~~ __TOC__"
            for k in EN if k != "@metadata"}
    page = render("de", overrides={"de": evil})
    assert_reference_contained(page.content)
    assert fields_of(page.content) == fields_of(render("en").content)
    assert "<script" not in page.content and "[[Category:" not in page.content


def test_shipped_pages_pass_the_containment_check():
    for lang in ("en", "ar", "he", "de", "fr", "es", "hi", "pt"):
        assert_reference_contained(render(lang, languages=("en", lang)).content)


# ---------------------------------------------------------------------------------------------
# Languages and the build


def test_direction_and_language_follow_the_page_language():
    for lang, direction in (("ar", "rtl"), ("he", "rtl"), ("de", "ltr"), ("en", "ltr")):
        content = render(lang).content
        assert f'<div class="wikitours-page wikitours-reference" lang="{lang}" dir="{direction}">' \
            in content
        # the YAML stays left-to-right, in the library's language
        assert '<div class="wikitours-reference-example" lang="en" dir="ltr">' in content
    ar = render("ar").content
    assert "== لغة الجولات ==" in ar and "! الحقل !! إلزامي !! القيم المسموحة !! الوصف" in ar
    # the language's own separator; code stays left to right in the sentence (not "1$")
    assert '<code dir="ltr">vector-2022</code>، <code dir="ltr">vector</code>' in ar
    assert 'يرمز <code dir="ltr">$1</code> إلى' in ar


def test_a_language_without_translation_falls_back_per_message():
    page = render("de-at", languages=("en", "de-at"))
    # de-at falls back to de (marked as German), not to English
    assert '== <span lang="de" dir="ltr">Die Tour-Sprache</span> ==' in page.content
    assert page.title == "Help:Wikitours/Tour language/de-at"
    one_missing = render("fr", overrides={"fr": {"wikitours-reference-step-heading": ""}})
    assert '== <span lang="en" dir="ltr">Step</span> ==' in one_missing.content  # per message
    assert "== Condition ==" in one_missing.content and "! Champ !!" in one_missing.content


def test_the_build_emits_the_reference_in_every_page_language():
    files, _ = read_dir(ROOT / "i18n/tours")
    pages, _ = read_dir(ROOT / "i18n/pages")
    result = build_pages(SHIPPED, Translations(files, pages, {}), gadget=False)
    assert result.ok, [str(p) for p in result.problems]
    refs = {p.title: p for p in result.pages if "/Tour language" in p.title}
    langs = sorted(lang for lang in files if lang != "qqq")
    assert set(refs) == {"Help:Wikitours/Tour language"} | {
        f"Help:Wikitours/Tour language/{lang}" for lang in langs}
    assert all(p.kind == "help" and p.tour is None for p in refs.values())
    # a wiki with its own language and prefix: the unsuffixed page is in that language
    de = build_pages(SHIPPED, Translations(files, pages, {}), wiki="dewiki",
                     prefix="Hilfe:Touren", gadget=False)
    titles = {p.title: p for p in de.pages}
    assert titles["Hilfe:Touren/Tour language"].lang == "de"
    assert "Hilfe:Touren/Tour language/en" in titles
    assert "[[:Hilfe:Touren|" in titles["Hilfe:Touren/Tour language"].content


def test_a_broken_reference_translation_stops_the_build():
    files, _ = read_dir(ROOT / "i18n/tours")
    pages, _ = read_dir(ROOT / "i18n/pages")
    reference_files, _ = read_dir(ROOT / "i18n/reference")
    de = reference_files["de"]
    broken = dict(reference_files)
    broken["de"] = type(de)(de.lang, de.path, {**de.messages,
                                               "wikitours-reference-value-see": "Siehe $1 $3"})
    result = build_pages(SHIPPED, Translations(files, pages, {}, broken), gadget=False)
    assert not result.ok
    assert any("wikitours-reference-value-see" in p.message and "$3" in p.message
               for p in result.problems)


# ---------------------------------------------------------------------------------------------
# On a real wiki


class _Html(HTMLParser):
    """The parts of a parsed page the tests look at."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.red: list[str] = []
        self.fields: list[str] = []
        self.scripts = 0
        self.highlight: list[str] = []
        self._depth = 0
        self.dirs: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "a" and "new" in classes:
            self.red.append(a.get("title") or a.get("href") or "")
        if "data-field" in a:
            self.fields.append(a["data-field"])
        if tag == "script":
            self.scripts += 1
        if tag == "div" and "wikitours-page" in classes:
            self.dirs.append((a.get("lang", ""), a.get("dir", "")))
        if tag == "div" and "mw-highlight" in classes:
            self._depth = 1
            self.highlight.append("")
        elif self._depth and tag == "div":
            self._depth += 1

    def handle_endtag(self, tag):
        if self._depth and tag == "div":
            self._depth -= 1

    def handle_data(self, data):
        if self._depth:
            self.highlight[-1] += data


def parsed(wiki, title: str) -> _Html:
    reply = wiki.call(action="parse", page=title, prop="text|categories|links",
                      disablelimitreport=1)
    html = _Html()
    html.feed(reply["parse"]["text"])
    html.categories = reply["parse"]["categories"]
    html.links = reply["parse"]["links"]
    return html


@pytest.fixture(scope="module")
def highlight_wiki(make_wiki):
    return make_wiki(extra_settings="wfLoadExtension( 'SyntaxHighlight_GeSHi' );")


def test_on_a_wiki_the_pages_render_with_the_example_and_no_red_links(highlight_wiki):
    wiki = highlight_wiki
    files, _ = read_dir(ROOT / "i18n/tours")
    pages, _ = read_dir(ROOT / "i18n/pages")
    result = build_pages(SHIPPED, Translations(files, pages, {}), gadget=False)
    assert result.ok
    wanted = [p for p in result.pages if "/Tour language" in p.title or p.kind == "catalogue"]
    for page in wanted:
        wiki.edit(page.title, page.content, summary="wikitours reference test")
    # the first pages were parsed before the later ones existed
    wiki.call("POST", user=wiki.admin.name, action="purge", forcelinkupdate=1,
              titles="|".join(p.title for p in wanted))
    example = example_of(next(p for p in wanted if p.title == "Help:Wikitours/Tour language")
                         .content)
    all_fields = fields_of(wanted[-1].content)
    for page in wanted:
        if "/Tour language" not in page.title:
            continue
        html = parsed(wiki, page.title)
        assert html.red == [], (page.title, html.red)
        assert html.highlight == [example], page.title  # the YAML, character for character
        assert html.fields == all_fields
        assert html.scripts == 0 and html.categories == []
        direction = "rtl" if page.lang in ("ar", "he") else "ltr"
        assert html.dirs == [(page.lang, direction)]
    # the sync's status page and edit notice link the unsuffixed page: it exists now
    info = wiki.call(action="query", titles="Help:Wikitours/Tour language")
    assert "missing" not in info["query"]["pages"][0]


def test_on_a_wiki_hostile_texts_stay_text(highlight_wiki):
    wiki = highlight_wiki
    hostile = "</syntaxhighlight><script>alert(1)</script>~~~~ [[Category:Spam]] {{subst:PAGENAME}}"
    steps = (Step("s1", hostile, hostile),)
    library = Library("en", (Tour("t1", hostile, hostile, "newcomer", 3, 1, steps),))
    page = render("en", library, languages=("en",))
    wiki.edit("Help:Wikitours/Hostile reference", page.content, summary="hostile")
    saved = wiki.wikitext("Help:Wikitours/Hostile reference")
    assert saved == page.content.rstrip("\n")  # no signature, no subst at save time
    html = parsed(wiki, "Help:Wikitours/Hostile reference")
    assert html.scripts == 0 and html.categories == []
    assert len(html.highlight) == 1
    # the library's texts never reach the page: its example is the fixed one
    assert yaml.safe_load(html.highlight[0])["tours"][0]["title"] == "Your first edit"
