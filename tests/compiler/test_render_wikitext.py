"""The escaping filter: any text becomes one line of wikitext that shows only the safe subset."""

from __future__ import annotations

import html
import re

import mwparserfromhell
from hypothesis import given, settings
from hypothesis import strategies as st

from tours.render.wikitext import attr, comment, is_safe_title, link, plain, wikitext

MARKUP = list("{}[]|<>~=*#:;!-_'&$ \n\t/\"") + [
    "{{", "}}", "[[", "]]", "~~~~", "__TOC__", "{|", "|}", "<div>", "</div>", "<script>",
    "<code>", "</code>", "{{PLURAL:", "{{GENDER:$1|", "$1", "$2", "[[Category:", "[[File:",
    "https://example.org", "[https://example.org ", "&#123;", "<!--", "-->", "\x7f", "a", "b",
    "ع", "ש", "Ä",
]
hostile_text = st.lists(st.sampled_from(MARKUP), max_size=40).map("".join)


def check_line(out: str) -> None:
    assert "\n" not in out and "\r" not in out and "\x7f" not in out
    assert not out.startswith(tuple("*#:;! -=")), out
    assert "~~~" not in out and "__" not in out and "<!--" not in out
    code = mwparserfromhell.parse(out)
    for tpl in code.filter_templates(recursive=True):
        assert str(tpl.name).startswith("PLURAL:"), out
        assert str(tpl.name)[len("PLURAL:"):].isdigit(), out
    for tag in code.filter_tags(recursive=True):
        assert str(tag.tag).lower() in {"b", "i", "code", "kbd", "bdi"}, out
    for wl in code.filter_wikilinks(recursive=True):
        assert str(wl.title).startswith(":") and wl.text is not None, out
    assert not code.filter_headings(), out
    assert not code.filter_arguments(recursive=True), out
    for el in code.filter_external_links(recursive=True):
        assert str(el.url).startswith(("http://", "https://")), out


@settings(max_examples=400, deadline=None)
@given(hostile_text)
def test_any_text_stays_one_safe_line(text):
    check_line(wikitext(text, ("READER",)))
    check_line(wikitext(text, (3,), links=False))
    out = plain(text)
    check_line(out)
    assert "'''" not in out and "[[" not in out


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_plain_shows_the_text_as_written(text):
    out = plain(text)
    check_line(out)
    # decoding the entities gives back the text (whitespace collapsed, control characters gone)
    kept = "".join(c for c in text if (c >= " " and c != "\x7f") or c in "\t\n\r")
    expected = re.sub(r"[^\S\xa0\u2007\u202f]+", " ", kept).strip(" ")
    assert html.unescape(out) == expected


def test_examples():
    assert wikitext("Click '''Edit source'''.") == "Click <b>Edit source</b>."
    # quotes are closed within the text, so they cannot run on into the rest of the line
    assert wikitext("'''''open bold'' and more") == "<b><i>open bold</i> and more</b>"
    assert wikitext("~~~~") == "&#126;&#126;&#126;&#126;"
    assert wikitext("{{subst:x}}") == "&#123;&#123;subst:x&#125;&#125;"
    assert wikitext("* item") == "&#42; item"
    assert wikitext("[[Category:X]]") == "[[:Category:X|Category:X]]"
    assert wikitext("[[Help:A|the ''guide'']]") == "[[:Help:A|the <i>guide</i>]]"
    assert wikitext("[[Foo{{x}}|label]]") == "label"
    assert wikitext("[[User:$1|your page]]", ("you",)) == "your page"
    assert wikitext("Hi {{GENDER:$1|he|she|they}}", ("x",)) == "Hi they"
    assert wikitext("{{GENDER:$1|you}}", ("x",)) == "you"
    assert wikitext("{{PLURAL:$1|a minute|$1 minutes}}", (5,)) == "{{PLURAL:5|a minute|5 minutes}}"
    assert wikitext("{{PLURAL:$1|one|many}}", ("name",)) == "many"
    assert wikitext("<code>x</code>") == "<code>x</code>"
    assert wikitext("<code>x") == "&lt;code&gt;x"
    assert wikitext("[javascript:x y]") == "&#91;javascript:x y&#93;"
    assert wikitext("[https://x.org/__NOINDEX__ y]") == \
        "&#91;https://x.org/&#95;&#95;NOINDEX&#95;&#95; y&#93;"
    assert wikitext("[[Help:__TOC__|x]] [[Category:{_]]_") == "x Category:&#123;&#95;&#95;"
    assert wikitext("[https://example.org a [[b]]]") == "&#91;https://example.org a [[:b|b]]&#93;"
    assert wikitext("[https://example.org site]", links=False) == "site"
    assert wikitext("a\n== b ==\nc") == "a &#61;&#61; b &#61;&#61; c"
    assert plain("it's") == "it&#39;s"
    assert attr('x" onclick="y') == "x&quot; onclick&#61;&quot;y"


def test_titles_and_links():
    assert is_safe_title("Help:Wikitours/first-edit")
    assert is_safe_title("Help:الاستشهاد بمصادر")
    for bad in ("A|B", "A{{x}}", "A[[", "<b>", "A~~~", "", "#anchor", "A&amp;B", "$1", "a/../b",
                "Help:__TOC__"):
        assert not is_safe_title(bad), bad
    assert link("Help:X", "label") == "[[:Help:X|label]]"
    try:
        link("Help:X]]{{evil}}", "x")
    except ValueError:
        pass
    else:  # pragma: no cover
        raise AssertionError("an unsafe title was linked")


def test_comment_cannot_be_closed_early():
    out = comment("a --> <script> -- b\nc")
    assert out.startswith("<!-- ") and out.endswith(" -->")
    assert out.count("-->") == 1 and "\n" not in out and "<script" not in out


def test_space_fast_path_knows_every_white_space():
    """The quick check for unusual white space must cover everything the collapsing regex
    changes, or such a text would keep a line break."""
    from tours.render import wikitext as w

    changed = [chr(c) for c in range(0x110000) if re.match(r"\s", chr(c))
               and chr(c) not in " \xa0\u2007\u202f"]
    assert changed and all(w._OTHER_SPACE.match(c) for c in changed)
    assert wikitext("a\u2028b\u3000c\td") == "a b c d"
    assert wikitext("a\xa0:") == "a\xa0:"  # non-breaking spaces are kept
