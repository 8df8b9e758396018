"""Renderers: help pages, the catalogue and badge pages parse back (mwparserfromhell) to the
structure intended, in every language, and no text — however hostile — can break out of it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import mwparserfromhell
import pytest

from tours.i18n import source_messages
from tours.model import (
    Badge,
    Conditions,
    Library,
    PageRef,
    StepChange,
    Step,
    Target,
    Tour,
    WikiVariant,
)
from tours.render.badges import render_badge_page
from tours.render.catalogue import render_catalogue
from tours.render.wikitext import wikitext
from tours.render.common import Site
from tours.render.helppage import render_help_page
from tours.render.texts import Messages, Text

ROOT = Path(__file__).resolve().parents[2]
PAGE_MESSAGES = {"en": json.loads((ROOT / "i18n/pages/en.json").read_text(encoding="utf-8"))}

HOSTILE = [
    "~~~~ signed ~~~ ~~~~~",
    "{{subst:Delete me}} {{#invoke:X|y}} {{{1}}}",
    "<script>alert(1)</script><div style='x'>",
    "__TOC__ __NOINDEX__ __NEWSECTIONLINK__",
    "* list\n# numbered\n: indent\n; term\n= heading =\n----",
    "{|\n| cell || cell\n|-\n! head\n|}",
    "a | b || c ! d",
    "[[Category:Spam]] [[File:Evil.png|thumb|x]] [[de:Interwiki]]",
    "[[Page|label]]]] [[[[nested]]]] [[a|[[b]]]]",
    "[javascript:alert(1) click] [//evil.example x]",
    "</div></span><nowiki><pre>",
    "&lt;b&gt; &amp; &#123;",
    "\x7f'\"`UNIQ-nowiki-00000001-QINU`\"'\x7f",
    "-{zh-hans:x;zh-hant:y}-",
    "line one\n== Injected heading ==\nline three",
    " leading space makes pre",
    "=== title ===",
    "'''''unbalanced bold''",
    "{{GENDER:$1|he|she|they}} {{PLURAL:$1|one|many}} {{PLURAL:3|one|many}} $1 $2",
    "<code>unclosed <kbd>tags",
]


def sample_library(title: str = "Your first edit", text: str = "Click '''Edit source'''.",
                   badge_name: str = "First edit") -> Library:
    """A small library built directly (the renderers take a model, not a file)."""
    edit = Target("edit-source-tab", "", (("vector-2022", ("#ca-edit",)), ("*", ("#ca-edit",))))
    first = Tour(
        "first-edit", title, "Make a small change in your own [[Help:Sandbox|sandbox]].",
        "newcomer", 5, 1,
        (
            Step("welcome", "This is your sandbox", "Well done, {{GENDER:$1|you}} are here.",
                 PageRef("sandbox")),
            Step("open-editor", "Open the editor", text, PageRef("sandbox"), edit,
                 placement="bottom", advance="click", when=Conditions(actions=("view",))),
        ),
        badge="first-edit",
    )
    mentor = Tour(
        "mentor-basics", "Mentoring newcomers", "How mentees are assigned to you.", "mentor", 6, 2,
        (Step("mentor-list", "The mentor list", "See [[Project:Wikitours/Mentors.json|the list]].",
              PageRef("title", "Project:Wikitours/Mentors.json")),),
        requires=("first-edit",),
    )
    trainer = Tour(
        "run-a-workshop", "Running a workshop", "Prepare a cohort.", "trainer", 7, 1,
        (Step("catalogue", "Choose the tours", "These are the tours.",
              PageRef("title", "Help:Wikitours")),),
        requires=("mentor-basics",),
    )
    badges = (
        Badge("first-edit", badge_name, "Made a first edit.", requires_tours=("first-edit",)),
        Badge("mentor-pathway", "Mentor pathway", "Learned to mentor.",
              requires_tours=("mentor-basics",), requires_badges=("first-edit",)),
    )
    wikis = (
        WikiVariant("dewiki", "de", (("Project:Wikitours/Mentors.json",
                                      "Project:Wikitours/Mentoren.json"),
                                     ("Help:Sandbox", "Hilfe:Spielwiese"))),
        WikiVariant("xwiki", "en", (), (
            StepChange("first-edit", "replace", "welcome",
                       Step("welcome", "Local welcome", "A local text.", PageRef("sandbox"))),
        )),
    )
    return Library("en", (first, mentor, trainer), badges, wikis)


def site_for(library: Library, translations: dict | None = None,
             languages: tuple[str, ...] | None = None) -> Site:
    texts = {"en": {k: m.text for k, m in source_messages(library).items()}}
    texts.update(translations or {})
    langs = languages or ("en", *sorted(k for k in texts if k != "en"))
    return Site(library, Messages(texts, "en"), Messages(PAGE_MESSAGES, "en"), langs)


ALLOWED_TEMPLATE = re.compile(r"^(fullurl:|PLURAL:)")
ALLOWED_TAGS = {"div", "span", "br", "b", "i", "code", "kbd", "bdi"}


def assert_contained(wikitext: str) -> mwparserfromhell.wikicode.Wikicode:
    """Structure every generated page must keep, whatever its texts say."""
    code = mwparserfromhell.parse(wikitext)
    for tpl in code.filter_templates(recursive=True):
        assert ALLOWED_TEMPLATE.match(str(tpl.name)), f"unexpected template {tpl}"
    for tag in code.filter_tags(recursive=True):
        assert str(tag.tag).lower() in ALLOWED_TAGS or tag.wiki_markup in ("#", "*"), tag
    for wl in code.filter_wikilinks(recursive=True):
        assert str(wl.title).startswith(":"), f"link that could categorise or embed: {wl}"
    assert "~~~" not in wikitext
    assert "__" not in re.sub(r"<!--.*?-->", "", wikitext, flags=re.S)
    assert "{{subst" not in wikitext.lower() and "{{{" not in wikitext
    for line in wikitext.splitlines():
        assert not line.startswith((" ", "{|", "|", "!", ";", ":", "----")), line
    return code


def headings(code) -> list[tuple[int, str]]:
    return [(h.level, h.title.strip_code().strip()) for h in code.filter_headings()]


def test_help_page_structure():
    lib = sample_library()
    page = render_help_page(site_for(lib, {"de": {"wikitours-tour-first-edit-title": "Erste"}}),
                            lib.tours[0], "en")
    assert page.title == "Help:Wikitours/first-edit"
    assert (page.model, page.kind, page.tour, page.lang) == ("wikitext", "help", "first-edit", "en")
    code = assert_contained(page.content)
    assert headings(code) == [(2, "Your first edit"), (3, "Steps")]
    names = [str(t.name) for t in code.filter_templates()]
    assert "fullurl:Special:MyPage/sandbox" in names
    start = next(t for t in code.filter_templates() if str(t.name).startswith("fullurl:"))
    assert str(start.get("wikitour").value) == "first-edit"
    assert ("'''[{{fullurl:Special:MyPage/sandbox|wikitour=first-edit}}#wikitour=first-edit "
            "Start this tour]'''") in page.content
    steps = [line for line in page.content.splitlines() if line.startswith("# ")]
    assert len(steps) == 2
    assert "Open the editor" in steps[1] and "<b>Edit source</b>" in steps[1]
    assert "Well done, you are here." in steps[0]  # GENDER resolved to the neutral form
    links = {str(w.title): str(w.text) for w in code.filter_wikilinks()}
    assert links[":Help:Wikitours/Badges/first-edit"] == "First edit"
    assert links[":Help:Sandbox"] == "sandbox"
    assert links[":Help:Wikitours"] == "All guided tours"
    assert ":Help:Wikitours/first-edit/de" in links  # language links to the translation
    assert 'dir="ltr"' in page.content and 'lang="en"' in page.content


def test_prerequisites_and_first_page_title():
    lib = sample_library()
    page = render_help_page(site_for(lib), lib.tours[1], "en")
    code = assert_contained(page.content)
    links = {str(w.title): w.text.strip_code() for w in code.filter_wikilinks()}
    assert links[":Help:Wikitours/first-edit"] == "Your first edit"
    start = next(t for t in code.filter_templates() if str(t.name).startswith("fullurl:"))
    assert str(start.name) == "fullurl:Project:Wikitours/Mentors.json"
    assert "Takes about 6 minutes" in page.content  # the plural is chosen at build, by English rules
    assert "For: mentors" in page.content


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_texts_cannot_break_out(hostile):
    lib = sample_library(title=hostile, text=hostile, badge_name=hostile)
    site = site_for(lib)
    for page in (render_help_page(site, lib.tours[0], "en"), render_catalogue(site, "en"),
                 render_badge_page(site, lib.badges[0], "en")):
        code = assert_contained(page.content)
        levels = [lvl for lvl, _ in headings(code)]
        if page.kind == "help":
            assert levels == [2, 3]
        if page.kind == "badge":
            assert levels == [2]
        if page.kind == "catalogue":
            assert levels == [2, 2, 3, 2, 3, 2, 3, 2]
        # the wrapper opens and closes exactly once, at the start and end
        assert page.content.count("<div class=\"wikitours-page") == 1
        assert page.content.rstrip().endswith("</div>")
        assert "<script" not in page.content and "</div></span>" not in page.content
        assert "\x7f" not in page.content
        for node in code.filter_external_links(recursive=True):
            assert str(node.url).startswith(("http://", "https://")), node


def test_allowed_markup_survives():
    text = ("See [[Help:Referencing|the guide]], '''bold''', ''italic'', <code>~~~~</code>, "
            "[https://example.org the site] and {{PLURAL:3|one|three}}.")
    lib = sample_library(text=text)
    page = render_help_page(site_for(lib), lib.tours[0], "en")
    code = assert_contained(page.content)
    assert any(str(w.title) == ":Help:Referencing" and str(w.text) == "the guide"
               for w in code.filter_wikilinks())
    assert "<b>bold</b>" in page.content and "<i>italic</i>" in page.content
    assert "<code>&#126;&#126;&#126;&#126;</code>" in page.content
    assert any(str(e.url) == "https://example.org" for e in code.filter_external_links())
    assert "and three." in page.content and "{{PLURAL" not in page.content


def test_plural_forms_follow_the_texts_own_language():
    """A /ar page on an English wiki: MediaWiki would pick the form with the wiki's (English)
    rules, so the build picks it with Arabic rules (zero, one, two, few, many, other)."""
    forms = "{{PLURAL:5|صفر|واحد|اثنان|قليل|كثير|آخر}} {{PLURAL:1|صفر|واحد|اثنان|قليل|كثير|آخر}}"
    assert wikitext(forms, lang="ar") == "قليل واحد"
    assert wikitext(forms, lang="en") == "واحد صفر"  # English: one = 1, everything else "other" (2nd form)
    assert wikitext("{{PLURAL:12|0=none|one|many}}", lang="ru") == "many"
    assert wikitext("{{PLURAL:0|0=none|one|many}}", lang="en") == "none"
    assert wikitext("{{PLURAL:2|a [[Help:X|link]]|<b>two</b>}}", lang="en") == "&lt;b&gt;two&lt;/b&gt;"
    # without a language it stays for the wiki to resolve
    assert wikitext("{{PLURAL:5|one|many}}") == "{{PLURAL:5|one|many}}"


def test_rtl_page_and_fallback_marking():
    lib = sample_library()
    site = site_for(lib, {"ar": {"wikitours-tour-first-edit-title": "تعديلك الأول"}})
    page = render_help_page(site, lib.tours[0], "ar")
    assert page.title == "Help:Wikitours/first-edit/ar"
    code = assert_contained(page.content)
    wrapper = next(t for t in code.filter_tags() if str(t.tag) == "div")
    assert str(wrapper.get("dir").value) == "rtl" and str(wrapper.get("lang").value) == "ar"
    assert headings(code)[0] == (2, "تعديلك الأول")
    # the untranslated summary is English inside an Arabic page: marked as such
    assert ('<span lang="en" dir="ltr">Make a small change in your own '
            "[[:Help:Sandbox|sandbox]].</span>") in page.content
    # the translated title carries no marker
    assert "== تعديلك الأول ==" in page.content


def test_fallback_chain_per_message():
    lib = sample_library()
    site = site_for(lib, {
        "de": {"wikitours-tour-first-edit-title": "Deine erste Bearbeitung",
               "wikitours-tour-first-edit-summary": "Eine kleine Änderung."},
        "de-at": {"wikitours-tour-first-edit-title": "Deine erste Bearbeitung (AT)"},
    })
    page = render_help_page(site, lib.tours[0], "de-at")
    code = assert_contained(page.content)
    assert headings(code)[0] == (2, "Deine erste Bearbeitung (AT)")
    # de-at → de: the summary comes from German and says so
    assert '<span lang="de" dir="ltr">Eine kleine Änderung.</span>' in page.content
    # ...and what neither has comes from English
    assert '<span lang="en" dir="ltr">Open the editor</span>' in page.content


def test_catalogue_groups_by_audience_with_start_links():
    lib = sample_library()
    page = render_catalogue(site_for(lib, {"he": {"wikitours-tour-first-edit-title": "עריכה"}}),
                            "en")
    assert page.title == "Help:Wikitours" and page.kind == "catalogue"
    code = assert_contained(page.content)
    assert headings(code) == [
        (2, "Guided tours"),
        (2, "Tours for newcomers"), (3, "Your first edit"),
        (2, "Tours for mentors"), (3, "Mentoring newcomers"),
        (2, "Tours for trainers"), (3, "Running a workshop"),
        (2, "Badges"),
    ]
    starts = [str(t) for t in code.filter_templates() if str(t.name).startswith("fullurl:")]
    assert starts == [
        "{{fullurl:Special:MyPage/sandbox|wikitour=first-edit}}",
        "{{fullurl:Project:Wikitours/Mentors.json|wikitour=mentor-basics}}",
        "{{fullurl:Help:Wikitours|wikitour=run-a-workshop}}",
    ]
    assert page.content.count("Start this tour]'''") == 3
    he = render_catalogue(site_for(lib, {"he": {"wikitours-tour-first-edit-title": "עריכה"}}),
                          "he")
    assert he.title == "Help:Wikitours/he"
    assert '[[:Help:Wikitours/first-edit/he|עריכה]]' in he.content
    assert 'lang="he" dir="rtl"' in he.content


def test_badge_page_lists_requirements():
    lib = sample_library()
    page = render_badge_page(site_for(lib), lib.badges[1], "en")
    assert page.title == "Help:Wikitours/Badges/mentor-pathway"
    code = assert_contained(page.content)
    assert headings(code) == [(2, "Mentor pathway")]
    links = {str(w.title): w.text.strip_code() for w in code.filter_wikilinks()}
    assert links[":Help:Wikitours/mentor-basics"] == "Mentoring newcomers"
    assert links[":Help:Wikitours/Badges/first-edit"] == "First edit"
    assert "Complete these tours:" in page.content and "Hold these badges:" in page.content
    earned = render_badge_page(site_for(lib), lib.badges[0], "en")
    assert "Tours that earn this badge: [[:Help:Wikitours/first-edit|Your first edit]]" \
        in earned.content


def test_text_cannot_be_printed_raw():
    with pytest.raises(TypeError):
        str(Text("x", "en"))


def test_rendering_is_deterministic():
    lib = sample_library()
    a = render_catalogue(site_for(lib, {"fr": {"wikitours-tour-first-edit-title": "Première"}}),
                         "fr")
    b = render_catalogue(site_for(lib, {"fr": {"wikitours-tour-first-edit-title": "Première"}}),
                         "fr")
    assert a == b


def test_every_interface_message_of_the_pages_exists_and_is_documented():
    en = json.loads((ROOT / "i18n/pages/en.json").read_text(encoding="utf-8"))
    qqq = json.loads((ROOT / "i18n/pages/qqq.json").read_text(encoding="utf-8"))
    assert set(en) == set(qqq)
    sources = [p.read_text(encoding="utf-8") for p in (ROOT / "tours/render").rglob("*")
               if p.suffix in (".py", ".j2")]
    used = set(re.findall(r"wikitours-pages-[a-z-]*[a-z]", "\n".join(sources)))
    used = {k for k in used if not k.endswith(("-audience", "-audience-name"))}
    from tours.model import AUDIENCES
    used |= {f"wikitours-pages-audience-{a}" for a in AUDIENCES}
    used |= {f"wikitours-pages-audience-name-{a}" for a in AUDIENCES}
    assert used <= set(en), used - set(en)
    assert set(en) - {"@metadata"} <= used, set(en) - used  # nothing unused either


def test_tour_data_says_whether_the_badge_checks_edits():
    """The gadget's last step promises a check of the learner's edits only for a badge that has
    one (issue 15): a completion badge or a pathway without ``evidence`` says something else."""
    from dataclasses import replace

    from tours.load import load_library
    from tours.render.gadgetdata import tour_data

    path = Path(__file__).resolve().parents[2] / "tours.yaml"
    lib, problems = load_library(path.read_bytes(), str(path))
    assert lib is not None, problems
    first = lib.tour("first-edit")
    data = json.loads(tour_data(lib, first).content)
    assert data["badge"] == "first-edit" and data["badgeEvidence"] is True
    # the mentor tour earning the mentor pathway (no evidence): no edit is checked
    mentor = replace(lib.tour("mentor-basics"), badge="mentor-pathway")
    assert not lib.badge("mentor-pathway").evidence
    assert json.loads(tour_data(lib, mentor).content)["badgeEvidence"] is False
    # a tour without a badge says so too
    assert json.loads(tour_data(lib, lib.tour("mentor-basics")).content)["badgeEvidence"] is False
