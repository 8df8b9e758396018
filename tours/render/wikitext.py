"""Escaping user text for wikitext, keeping only the safe subset.

Every text that reaches a generated page (tour titles, step texts, badge names, translations,
interface messages) goes through :func:`wikitext`. It keeps exactly what MediaWiki's message
parser would show safely — ``[[links]]``, ``[https://… label]``, ``'''bold'''``, ``''italic''``,
balanced ``<code>``/``<kbd>``/``<bdi>``, ``{{PLURAL:…}}`` with a number and ``{{GENDER:…}}`` — and turns everything else into HTML entities, so a text can never
open a template, a table, a list, a heading, a signature (``~~~~`` is expanded when the deploy bot
saves the page), a tag, a behaviour switch (``__TOC__``) or a category. The result is always one
line, so a text can be dropped into a list item or a heading.

Why entities: MediaWiki shows ``&#123;`` as ``{`` but never parses it as markup, and the page
reads exactly like the text that was written.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

from tours.markup import INTERFACE_MESSAGES
from tours.markup import quotes_to_html as _quotes_to_html
from tours.plurals import choose

__all__ = ["wikitext", "plain", "attr", "is_safe_title", "link", "comment"]

#: Characters that are markup anywhere in a line.
_PLAIN = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        "[": "&#91;",
        "]": "&#93;",
        "{": "&#123;",
        "}": "&#125;",
        "|": "&#124;",
        "~": "&#126;",
        "=": "&#61;",
        "\x7f": None,  # MediaWiki's strip-marker delimiter
        **{chr(c): None for c in range(0x00, 0x20)},
    }
)
#: In plain mode apostrophes are text too (no bold/italic).
_PLAIN_NO_QUOTES = str.maketrans({**{chr(k): v for k, v in _PLAIN.items()}, "'": "&#39;"})
#: Characters that are markup at the start of a line (lists, indents, tables, rules, pre).
_LINE_START = {"*": "&#42;", "#": "&#35;", ":": "&#58;", ";": "&#59;", "!": "&#33;",
               "-": "&#45;", " ": "&#32;"}

#: Runs of white space become one space; non-breaking spaces (French "tour :") are kept.
_SPACE = re.compile(r"[^\S\xa0\u2007\u202f]+")
#: White space other than a plain space that _SPACE changes (checked first: much faster).
_OTHER_SPACE = re.compile(r"[\t\n\r\x0b\x0c\x1c-\x1f\x85\u1680\u2000-\u2006\u2008-\u200a"
                          r"\u2028\u2029\u205f\u3000]")
#: Control characters are dropped before anything else (tab and line breaks become spaces).
_CONTROL = {c: None for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]}
_HAS_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TOKEN = re.compile(
    r"\[\[(?P<link>[^\[\]]*?)\]\]"
    r"|\[(?P<url>https?://[^\s\[\]<>\"{}|~']+) (?P<label>[^\[\]]+)\]"
    r"|<(?P<tag>/?(?:code|kbd|bdi))>"
    r"|\{\{(?P<fn>PLURAL|GENDER)\s*:(?P<body>(?:[^{}]|\{(?!\{)|\}(?!\}))*)\}\}"
    r"|\$(?P<ph>[1-9][0-9]*)"
    r"|<nowiki>(?P<nowiki>[^\n]*?)</nowiki>"
    r"|(?P<ent>&(?:lt|gt|amp|#91|#93|#123|#125|#124|#39);)"
    r"|\{\{int:(?P<int>[a-z_]+)\}\}",
    re.I,
)
_BAD_TITLE = re.compile(r"[<>\[\]{}|~$\x00-\x1f\x7f]|__|&[#a-z0-9]+;|^\s*$|^#|/\.\.?(/|$)|^\.\.?/", re.I)


_TAG = re.compile(r"<(/?)(code|kbd|bdi)>", re.I)


#: Bold and italic as <b>/<i>; the gadget's message pages need the same conversion of the
#: same texts, so it is cached once for both.
quotes_to_html = lru_cache(maxsize=65536)(_quotes_to_html)


def _balanced_tags(text: str) -> bool:
    """Whether the allowed tags of *text* open and close in order (else they are shown as text,
    so an unclosed ``<code>`` cannot swallow the rest of the page)."""
    if "<" not in text:
        return True
    stack: list[str] = []
    for m in _TAG.finditer(text):
        name = m.group(2).lower()
        if not m.group(1):
            stack.append(name)
        elif not stack or stack.pop() != name:
            return False
    return not stack


#: Which characters each table changes; str.translate looks up every character in Python, so
#: it only runs on the (rare) pieces that hold one of them.
_PLAIN_SPECIAL = re.compile(r"[&<>\[\]{}|~=\x00-\x1f\x7f]")
_PLAIN_SPECIAL_QUOTES = re.compile(r"[&<>\[\]{}|~='\x00-\x1f\x7f]")


def _escape_plain(text: str, table=_PLAIN) -> str:
    special = _PLAIN_SPECIAL if table is _PLAIN else _PLAIN_SPECIAL_QUOTES
    out = text.translate(table) if special.search(text) else text
    if "__" in out:
        out = out.replace("__", "&#95;&#95;")
    return out


def _split_forms(body: str) -> list[str]:
    """Split ``arg|form|form`` on pipes that are not inside ``[[…]]``."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(body):
        if body.startswith("[[", i):
            depth += 1
            i += 2
            continue
        if body.startswith("]]", i) and depth:
            depth -= 1
            i += 2
            continue
        if body[i] == "|" and not depth:
            parts.append(body[start:i])
            start = i + 1
        i += 1
    parts.append(body[start:])
    return parts


def is_safe_title(title: str) -> bool:
    """Whether *title* can be written into ``[[…]]`` or ``{{fullurl:…}}`` as it is."""
    return not _BAD_TITLE.search(title)


def _render(text: str, params: tuple, links: bool, quotes: bool, tags: bool, plural: str = "") -> str:
    out: list[str] = []
    pos = 0
    table = _PLAIN if quotes else _PLAIN_NO_QUOTES
    for m in _TOKEN.finditer(text):
        start, end = m.span()
        if start > pos:
            out.append(_escape_plain(text[pos:start], table))
        pos = end
        kind = m.lastgroup  # which alternative matched: the last group of each one
        if kind == "ph":
            n = int(m.group("ph"))
            if n <= len(params):
                value = params[n - 1]
                out.append(str(value) if isinstance(value, int) else value)
            else:
                out.append(m.group(0))
        elif kind in ("nowiki", "ent", "int") and not quotes:  # plain(): no markup at all
            out.append(_escape_plain(m.group(0), table))
        elif kind == "nowiki":  # literal markup: shown as typed, quotes and all
            out.append(_escape_plain(m.group("nowiki"), _PLAIN_NO_QUOTES).replace("$", "&#36;"))
        elif kind == "int":  # an allowed interface message, in the reader's language
            key = m.group("int")
            out.append(f"{{{{int:{key}}}}}" if key in INTERFACE_MESSAGES else _escape_plain(m.group(0), table))
        elif kind == "ent":  # a markup character written as an entity (tours.markup.LITERAL_ENTITIES)
            out.append(m.group("ent").lower())
        elif kind == "tag":
            out.append(f"<{m.group('tag').lower()}>" if tags else _escape_plain(m.group(0), table))
        elif kind == "label":  # [url label]
            if "__" in m.group("url"):  # a behaviour switch in a URL would still switch
                out.append(_escape_plain(m.group(0), table))
                continue
            label = _render(m.group("label").strip(), params, False, quotes, tags, plural)
            if links and label:
                out.append(f"[{m.group('url')} {label}]")
            else:
                out.append(label)
        elif kind == "link":
            if not links:
                out.append(_escape_plain(m.group(0), table))
                continue
            target, _, label = m.group("link").partition("|")
            target = target.strip().lstrip(":").strip()
            if label.strip():
                rendered_label = _render(label.strip(" "), params, False, quotes, tags, plural)
            else:
                rendered_label = _escape_plain(target, table)
            if "$" in target or not is_safe_title(target):
                out.append(rendered_label)  # no valid link: keep what the reader sees
            else:
                out.append(f"[[:{target}|{rendered_label}]]")
        else:
            name = m.group("fn").upper()
            arg, *forms = _split_forms(m.group("body"))
            arg = arg.strip()
            ph = re.fullmatch(r"\$([1-9][0-9]*)", arg)
            if ph and int(ph.group(1)) <= len(params) and isinstance(params[int(ph.group(1)) - 1], int):
                arg = str(params[int(ph.group(1)) - 1])
            if name == "GENDER" or not arg.isdigit():
                # A help page has no single reader: show the neutral (or "other") form.
                chosen = (forms[2] if len(forms) >= 3 else forms[0] if forms else "") \
                    if name == "GENDER" else (forms[-1] if forms else "")
                out.append(_render(chosen.strip(), params, links, quotes, tags, plural))
            elif plural:
                # The text's language is known: choose the form here with MediaWiki's rules for
                # that language. Left to the wiki, {{PLURAL}} would follow the wiki's content
                # language, wrong for a /ar page on an English wiki.
                chosen = choose([f.strip() for f in forms], arg, plural)
                out.append(_render(chosen, params, links, quotes, tags, plural))
            else:
                rendered = [_render(f.strip(), params, links, quotes, tags) for f in forms]
                out.append("{{PLURAL:" + arg + "".join("|" + f for f in rendered) + "}}")
    if pos < len(text):
        out.append(_escape_plain(text[pos:], table))
    return "".join(out)


#: A text with none of these characters (and no doubled space, _ or ', no space at either end,
#: no line-start markup first) is already what the page should show: the common case.
_NEEDS_WORK = re.compile(r"[&<>\[\]{}|~=$\x00-\x1f\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029"
                         r"\u202f\u205f\u3000]")


def _is_plain(text: str, quotes: bool) -> bool:
    return bool(text) and text[0] not in _LINE_START and text[0] not in "*#:;!-" \
        and text[-1] != " " and "  " not in text and "__" not in text \
        and ("''" not in text if quotes else "'" not in text) and not _NEEDS_WORK.search(text)


@lru_cache(maxsize=65536)
def _wikitext(text: str, params: tuple, links: bool, quotes: bool, plural: str = "") -> str:
    if _is_plain(text, quotes):
        return text
    if _HAS_CONTROL.search(text):
        text = text.translate(_CONTROL)
    if "  " in text or _OTHER_SPACE.search(text):
        text = _SPACE.sub(" ", text)
    text = text.strip(" ")
    result = _render(text, params, links, quotes, quotes and _balanced_tags(text), plural)
    if quotes and "''" in result:
        # Bold and italic as <b>/<i>, closed within the text itself: unbalanced quotes in a
        # heading would otherwise run on into the section's edit link.
        result = quotes_to_html(result)
    if "__" in result:  # also across the joins of escaped pieces: no behaviour switch
        result = result.replace("__", "&#95;&#95;")
    if result and result[0] in _LINE_START:
        result = _LINE_START[result[0]] + result[1:]
    return result


def wikitext(text: str, params: Sequence[str | int] = (), *, links: bool = True, lang: str = "") -> str:
    """*text* as one line of wikitext that shows the safe subset and nothing else.

    *params* fill ``$1``, ``$2``…: strings must already be wikitext (they are inserted as they
    are, e.g. a link made by :func:`link`), integers are numbers and may drive ``{{PLURAL:$N|…}}``.
    With *links* false, ``[[…]]`` is shown as text (for labels of external links). With *lang*,
    the language *text* is written in, ``{{PLURAL:…}}`` of a known number is resolved with that
    language's rules instead of being left to the wiki.
    """
    return _wikitext(text, tuple(params), links, True, lang)


def plain(text: str) -> str:
    """*text* with no markup at all (ids, language names, anything not meant as wikitext)."""
    return _wikitext(text, (), False, False)


def link(title: str, label_wikitext: str) -> str:
    """A link to *title* (which the caller built and must be a valid title) showing *label_wikitext*."""
    if not is_safe_title(title):
        raise ValueError(f"not a title that can be linked: {title!r}")
    return f"[[:{title}|{label_wikitext}]]"


def comment(text: str) -> str:
    """An HTML comment holding *text*; nothing in *text* can end the comment early."""
    safe = _SPACE.sub(" ", text).replace("--", "- -").replace("<", "&lt;").replace(">", "&gt;")
    return f"<!-- {safe.strip()} -->"


def attr(text: str) -> str:
    """*text* for a double-quoted HTML attribute value in wikitext."""
    return plain(text).replace('"', "&quot;")
