"""The safe wikitext subset: what is accepted, what is refused (with offsets), and helpers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tours.markup import check_markup, placeholders, quotes_to_html

SAFE = [
    "Plain text, with punctuation: commas; colons! and a question?",
    "Click '''Edit source''' to open the ''editor''.",
    "'''''Bold and italic''''' and it's fine to write an apostrophe.",
    "See [[Help:Referencing for beginners|the guide to referencing]] or [[Help:Contents]].",
    "A link to [[:File:Example.png|a file page]] is fine.",
    "Read [https://www.mediawiki.org/wiki/Help:Editing the editing help] or [http://example.org/a?b=c&d=e site].",
    "Well done, {{GENDER:$1|he|she|they}} made {{PLURAL:$2|one edit|$2 edits}}.",
    "{{gender:|you}} and {{plural:3|a|b}}",
    "{{PLURAL:$2|one [[Help:Edit|edit]]|'''$2''' edits}}",
    "Your page: [[User:$1|$1]].",
    "Sign with four tildes (~~~~) and the date.",
    "Press <kbd>Ctrl</kbd> and type <code>&lt;</code>".replace("&lt;", "x") + " or <bdi>$1</bdi>.",
    "Pipes | and equals = and a < b and 3 > 2 are text.",
    "ISBN 978-3-16-148410-0 and RFC 1149 are text too.",
    "Prices in $ and $ 5 are text.",
    "Paragraph one.\n\nParagraph two.",
    "Press {{int:savearticle}} (on newer wikis {{int:publishchanges}}).",
] + [
    # literal markup (issue 22): nowiki, the entities of markup characters, lone brackets
    "Type <nowiki>[[Help:Contents]]</nowiki> to link, <nowiki>{{Welcome}}</nowiki> for a template.",
    "Write <code><nowiki>''italic''</nowiki></code> for ''italic''.",
    "Write &#91;&#91;Page&#93;&#93; or &lt;ref&gt; &amp; &#123;&#123;x&#125;&#125; and &#124; or &#39;&#39;.",
    "A remark [like this] and a lone [ or ] are text.",
]


@pytest.mark.parametrize("text", SAFE)
def test_safe_texts(text):
    assert check_markup(text) == []


UNSAFE = {
    "<script>alert(1)</script>": [(0, "raw HTML (<script>) is not allowed in tour texts",
                                   "use '''bold''', ''italic'', [[links]], <code> or <kbd> instead")],
    "x <img src=x onerror=alert(1)>": [(2, "raw HTML (<img>) is not allowed in tour texts",
                                        "use '''bold''', ''italic'', [[links]], <code> or <kbd> instead")],
    "<div>a</div>": [(0, "raw HTML (<div>) is not allowed in tour texts",
                      "use '''bold''', ''italic'', [[links]], <code> or <kbd> instead")],
    "<b>bold</b>": [(0, "raw HTML (<b>) is not allowed in tour texts",
                     "use '''bold''', ''italic'', [[links]], <code> or <kbd> instead")],
    "<NOWIKI>x</NOWIKI>": [(0, "raw HTML (<nowiki>) is not allowed in tour texts",
                            "use '''bold''', ''italic'', [[links]], <code> or <kbd> instead")],
    "<nowiki>x": [(0, "<nowiki> is not closed on the same line",
                   "add </nowiki> on the same line, where the literal text ends")],
    "<nowiki>a\nb</nowiki>": [(0, "<nowiki> is not closed on the same line",
                               "add </nowiki> on the same line, where the literal text ends")],
    "<nowiki>&lt;b&gt;</nowiki>": [(8, "the HTML entity &lt; inside <nowiki> shows differently in popovers and on help pages",
                                    "type the character itself"),
                                   (13, "the HTML entity &gt; inside <nowiki> shows differently in popovers and on help pages",
                                    "type the character itself")],
    "a <!-- hidden --> b": [(2, "HTML comments (<!-- … -->) are not allowed in tour texts",
                             "remove the comment; a note for translators belongs in a YAML comment (# …)")],
    '<code onclick="x()">y</code>': [(0, "<code> cannot have attributes here", "write <code> and </code> alone")],
    "<code>open": [(0, "<code> is not closed", "add </code> where the code text ends")],
    "close</kbd>": [(5, "</kbd> closes a tag that is not open", "remove it, or add <kbd> before it")],
    "Hi {{Welcome}}": [(3, "templates ({{Welcome}}) are not allowed in tour texts",
                        "tour texts cannot use templates; write the text out, or link to a page with [[Page|label]]")],
    "{{#if:x|y|z}}": [(0, "the parser function {{#if:…}} is not allowed in tour texts",
                       "tour texts cannot use templates; write the text out, or link to a page with [[Page|label]]")],
    "{{GRAMMAR:genitive|x}}": [(0, "the parser function {{GRAMMAR:…}} is not allowed in tour texts",
                                "only {{PLURAL:…}} and {{GENDER:…}} are allowed")],
    "{{int:mainpage}}": [(0, "the interface message 'mainpage' cannot be included with {{int:…}} in tour texts",
                          "write it exactly like {{int:savearticle}} with one of: savearticle, savechanges, "
                          "publishpage, publishchanges, showpreview, showdiff, cancel, edit, create, viewsource, "
                          "watch, unwatch, watchthis, minoredit, summary, history_short, talk, move, mytalk, "
                          "mycontris, preferences, search, login, createaccount, upload, randompage, "
                          "recentchanges, watchlist; or write the words out")],
    "on {{SITENAME}}": [(3, "the magic word {{SITENAME}} is not allowed in tour texts",
                         "write the value out; popovers and help pages would show it differently")],
    "{{{1}}}": [(0, "template parameters ({{{…}}}) are not allowed in tour texts",
                 "use $1 for the reader's user name; other values cannot be inserted")],
    "__NOTOC__ x": [(0, "the magic word __NOTOC__ is not allowed in tour texts", "remove it")],
    "[javascript:alert(1) click]": [(0, "links starting with 'javascript:' are not allowed in tour texts",
                                     "only http:// and https:// links are allowed, like [https://example.org label]")],
    "[//example.org x]": [(0, "links starting with '//' are not allowed in tour texts",
                           "only http:// and https:// links are allowed, like [https://example.org label]")],
    "[https://example.org]": [(0, "an external link needs a label: [https://example.org label]",
                               "write a space and a few words after the address")],
    "[https://example.org label": [(0, "the external link [ is not closed", "close the link with ]")],
    "x ]] y": [(2, "a ']]' without a matching '[['", "remove it, or open the link with [[")],
    "[[Help:Contents": [(0, "the link [[ is not closed", "close the link with ]]")],
    "[[]]": [(0, "a link needs a page title: [[Page]] or [[Page|label]]", "write the page title after [[")],
    "[[File:X.png|thumb]]": [(0, "[[File:…]] would embed a file or put the help page in a category",
                              "link to it with a colon in front: [[:File:…]]")],
    "[[Category:Help]]": [(0, "[[Category:…]] would embed a file or put the help page in a category",
                           "link to it with a colon in front: [[:Category:…]]")],
    "[[a<b]]": [(3, "a link target cannot contain '<'", "link to a plain page title, like [[Help:Editing|how to edit]]")],
    "[[A|b [[C]] d]]": [(6, "a link cannot contain another link", "close the first link before starting another")],
    "{{PLURAL:$1|a": [(0, "{{PLURAL:…}} is not closed", "close it with }}")],
    "{{PLURAL:x|a|b}}": [(0, "{{PLURAL:…}} needs a number or placeholder first, like {{PLURAL:$2|one edit|$2 edits}}",
                          "write the number placeholder right after PLURAL:")],
    "{{GENDER:Ada|he|she}}": [(0, "{{GENDER:…}} needs a user placeholder first, like {{GENDER:$1|he|she|they}}",
                               "write $1 right after GENDER:")],
    "{{GENDER:$1}}": [(0, "{{GENDER:…}} needs at least one form after '|'",
                       "write the forms separated by '|', like {{GENDER:$1|…|…}}")],
    "a }} b": [(2, "a '}}' without a matching '{{'", "remove it")],
    "a { b": [(2, "a single '{' is not allowed in tour texts",
               "use round brackets ( ) for a remark, or write a link like [https://example.org label]")],
    "x '''bold": [(2, "bold text (''') is not closed on the same line", "add ''' where the bold text ends")],
    "x ''it": [(2, "italic text ('') is not closed on the same line", "add '' where the italic text ends")],
    "a &nbsp; b": [(2, "the HTML entity &nbsp; is not allowed in tour texts",
                    "type the character itself; to show a character that would be markup, write it inside "
                    "<nowiki>…</nowiki> or use one of &lt; &gt; &amp; &#91; &#93; &#123; &#125; &#124; &#39;")],
    "== Heading ==": [(0, "headings (= … =) are not allowed in tour texts",
                       "write the heading as a step title, or as a sentence")],
    "{| class=wikitable\n|}": [(0, "tables ({| … |}) are not allowed in tour texts", "write the content as sentences"),
                               (19, "tables ({| … |}) are not allowed in tour texts", "write the content as sentences")],
    "Intro\n* one": [(6, "a line starting with '*' makes a list on help pages but not in popovers",
                      "write the list as sentences")],
    "Intro\n  code": [(6, "a line starting with a space shows as a code block on help pages",
                       "remove the spaces at the start of the line")],
    "----": [(0, "horizontal lines (----) are not allowed in tour texts", "remove the line")],
}


@pytest.mark.parametrize("text", list(UNSAFE))
def test_unsafe_texts(text):
    assert [(i.offset, str(i.message), str(i.hint)) for i in check_markup(text)] == UNSAFE[text]


def test_several_issues_in_order():
    text = "<script>x</script> then {{Foo}} and [javascript:x y]"
    assert [i.offset for i in check_markup(text)] == [0, 24, 36]


def test_placeholders():
    assert placeholders("Hi $1, {{PLURAL:$2|one|$2}} and $10; $0, $x and $ stay text") == {"$1", "$2", "$10"}
    assert placeholders("none") == set()


def test_quotes_to_html():
    assert quotes_to_html("Click '''Edit''' in ''the'' bar") == "Click <b>Edit</b> in <i>the</i> bar"
    assert quotes_to_html("'''''both''''' it's") == "<b><i>both</i></b> it's"
    assert quotes_to_html("''''four''''") == "'<b>four'</b>"
    assert quotes_to_html("open '''bold\nnext") == "open <b>bold</b>\nnext"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("[]{}|<>/'$1: aAbc=*#-&;!\n") + ["[[", "]]", "{{", "}}", "<code>", "</code>",
                                                                      "PLURAL:", "GENDER:", "https://x.y", "<!--"]),
                max_size=60).map("".join))
def test_checker_never_raises_and_offsets_are_in_range(text):
    for issue in check_markup(text):
        assert 0 <= issue.offset <= len(text)
        assert issue.message and issue.hint


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_unicode_text(text):
    issues = check_markup(text)
    assert all(0 <= i.offset <= len(text) for i in issues)
    if not any(c in text for c in "[]{}<>&'_=*#:; -\n"):
        assert issues == []


#: Literal markup as an admin writes it, and hostile input inside the literal forms.
LITERAL = [
    "Type <nowiki>[[Help:Contents]]</nowiki> to link, <nowiki>{{Welcome}}</nowiki> for a template.",
    "Write <code><nowiki>''italic''</nowiki></code> for ''italic'' and <nowiki>'''bold'''</nowiki>.",
    "Write &#91;&#91;Page&#93;&#93;, &lt;ref&gt; &amp; &#123;&#123;x&#125;&#125;, &#124; and &#39;&#39;x&#39;&#39;.",
    "A remark [like this] and a lone [ or ] are text; [[Help:Contents|a link]] still links.",
    "Sign with <nowiki>~~~~</nowiki>; <nowiki>$1</nowiki> stays as typed.",
    "<nowiki><script>alert(1)</script></nowiki> <nowiki><img src=x onerror=alert(1)></nowiki>",
    "<nowiki>[javascript:alert(1) click]</nowiki> &lt;script&gt;alert(1)&lt;/script&gt; [note]",
    "<nowiki>{{SITENAME}} __NOTOC__ [[Category:Pwned]]</nowiki> &#123;&#123;SITENAME&#125;&#125;",
]


def _visible(html: str) -> str:
    import html as html_lib
    import re

    return " ".join(html_lib.unescape(re.sub(r"<[^>]*>", "", html)).split())


def test_literal_markup_reads_the_same_in_the_popover_and_on_the_help_page(wiki, page):
    """Each literal form shows the same characters through the gadget's renderer (jqueryMsg's
    parseDom in a real browser, on the text the gadget data holds) and through MediaWiki's parser
    (the help page's wikitext), and hostile content stays text in both."""
    import re

    from tours.render.gadgetdata import gadget_text
    from tours.render.wikitext import wikitext

    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{wiki.index}?title=Special:BlankPage")
    page.evaluate("() => mw.loader.using('mediawiki.jqueryMsg')")
    for text in LITERAL:
        assert check_markup(text) == [], text
        popover = page.evaluate(
            "([key, text]) => { mw.messages.set(key, text); var d = document.createElement('div');"
            " $(d).append(mw.message(key, 'Ada').parseDom()); return d.innerHTML; }",
            ["wikitours-literal-test", gadget_text(text)])
        help_page = wiki.call(action="parse", text=wikitext(text), contentmodel="wikitext", prop="text",
                              disablelimitreport=1, title="Help:Wikitours/Test")["parse"]["text"]
        assert _visible(popover) == _visible(help_page), text
        for html in (popover, help_page):
            # as text only, never as a tag or a link
            assert not re.search(r"<(script|img)\b|(href|src)\s*=\s*[\"']?\s*javascript:", html, re.I), html
            assert "Category:Pwned" not in html or "[[Category:Pwned]]" in _visible(html)
    assert dialogs == []
    shown = _visible(page.evaluate("() => { var d = document.createElement('div');"
                                   " $(d).append(mw.message('wikitours-literal-test', 'Ada').parseDom());"
                                   " return d.innerHTML; }"))
    assert "{{SITENAME}} __NOTOC__ [[Category:Pwned]]" in shown


def test_interface_messages_are_allowed_by_key_and_read_the_same_in_both_renderings(wiki, page):
    """{{int:savearticle}} names the save button as the wiki does: jqueryMsg's int: in a real
    browser (after the gadget's loading of the keys it finds) and MediaWiki's parser on the help
    page give the same words; keys outside the allow-list are refused."""
    from tours.render.gadgetdata import gadget_text
    from tours.render.wikitext import wikitext

    text = "Click {{int:savearticle}} (or {{int:publishchanges}}), then {{int:showpreview}}."
    assert check_markup(text) == []
    for bad in ("{{int:mainpage}}", "{{int:Savearticle}}", "{{int:savearticle|x}}", "{{int:}}",
                "{{int:{{int:edit}}}}", "{{int:sitenotice}}"):
        assert [i.message.key for i in check_markup(bad)][:1] == ["wikitours-problem-markup-int-not-allowed"], bad
    page.goto(f"{wiki.index}?title=Special:BlankPage")
    page.evaluate("() => mw.loader.using(['mediawiki.jqueryMsg', 'mediawiki.api'])")
    keys = page.evaluate("(t) => { mw.messages.set('wikitours-int-test', t); return []; }", gadget_text(text))
    assert keys == []
    popover = page.evaluate(
        "() => new mw.Api().loadMessagesIfMissing(['savearticle', 'publishchanges', 'showpreview']).then(() => {"
        " var d = document.createElement('div');"
        " $(d).append(mw.message('wikitours-int-test', 'Ada').parseDom()); return d.innerHTML; })")
    help_page = wiki.call(action="parse", text=wikitext(text), contentmodel="wikitext", prop="text",
                          disablelimitreport=1, title="Help:Wikitours/Test")["parse"]["text"]
    assert _visible(popover) == _visible(help_page) == "Click Save page (or Publish changes), then Show preview."
