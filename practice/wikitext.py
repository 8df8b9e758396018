"""What a task check reads in an article's wikitext: its prose and its links to articles.

Pure functions, written for hostile input: a revision can be a couple of megabytes of
malformed wikitext (unclosed ``{{``, ``[[`` or ``<ref>``, thousands of nested templates), so
every pass here is linear in the text and the number of passes is bounded; nothing raises.

*Prose* is what a reader reads as running text: templates, references, comments, tables, files
and categories are taken out, a link keeps its label, markup quotes and tags are dropped and
whitespace is collapsed. It is an approximation (a template's output is not expanded), good
enough to tell whether an edit changed or added words rather than markup.
"""

from __future__ import annotations

import re

__all__ = ["prose", "article_links", "NOT_ARTICLE_PREFIXES"]

#: Link prefixes that do not lead to an article: namespaces (canonical English, common aliases
#: and the local names of the wikis this project ships translations for), talk namespaces and
#: the usual interwiki prefixes. A language code prefix (``de:``, ``pt-br:``) is recognised by
#: its shape. Compared in lower case with spaces for underscores.
NOT_ARTICLE_PREFIXES = frozenset({
    # canonical and aliases
    "media", "special", "talk", "user", "user talk", "project", "project talk", "wikipedia",
    "wikipedia talk", "wp", "file", "file talk", "image", "image talk", "mediawiki",
    "mediawiki talk", "template", "template talk", "help", "help talk", "category",
    "category talk", "portal", "portal talk", "draft", "draft talk", "module", "module talk",
    "topic", "gadget", "gadget definition", "timedtext", "book", "education program",
    # interwiki
    "w", "m", "meta", "commons", "c", "wikt", "wiktionary", "s", "wikisource", "q",
    "wikiquote", "b", "wikibooks", "n", "wikinews", "v", "wikiversity", "voy", "wikivoyage",
    "d", "wikidata", "species", "wikispecies", "mw", "mediawikiwiki", "foundation", "wmf",
    "phab", "phabricator", "outreach", "incubator",
    # de
    "datei", "bild", "kategorie", "vorlage", "benutzer", "benutzerin", "hilfe", "diskussion",
    "spezial", "medium",
    # fr
    "fichier", "catégorie", "modèle", "utilisateur", "utilisatrice", "aide", "discussion",
    "spécial", "projet",
    # es / pt
    "archivo", "categoría", "plantilla", "usuario", "usuaria", "ayuda", "discusión", "especial",
    "ficheiro", "arquivo", "imagem", "categoria", "predefinição", "predefinicao", "utilizador",
    "usuário", "ajuda", "discussão", "anexo",
    # ar
    "ملف", "صورة", "تصنيف", "قالب", "مستخدم", "مستخدمة", "مساعدة", "نقاش", "خاص", "ويكيبيديا",
    "بوابة", "وحدة", "ميدياويكي",
    # he
    "קובץ", "תמונה", "קטגוריה", "תבנית", "משתמש", "משתמשת", "עזרה", "שיחה", "מיוחד",
    "ויקיפדיה", "פורטל", "יחידה", "מדיה ויקי",
    # hi
    "चित्र", "श्रेणी", "साँचा", "सदस्य", "सहायता", "वार्ता", "विशेष", "विकिपीडिया", "प्रवेशद्वार",
})
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})*")
_TALK_WORDS = ("talk", "diskussion", "discussion", "discusión", "discussão", "نقاش", "שיחת",
               "वार्ता")

_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_NOWIKI_LIKE = re.compile(r"<(math|chem|score|syntaxhighlight|source|pre|gallery|timeline|"
                          r"graph|mapframe|maplink|templatedata)\b[^<>]*(?<!/)>.*?(?:</\1\s*>|\Z)",
                          re.S | re.I)
_NOWIKI = re.compile(r"<nowiki\b[^<>]*(?<!/)>.*?(?:</nowiki\s*>|\Z)", re.S | re.I)
_SELF_CLOSING_REF = re.compile(r"<ref\b[^<>]*/>", re.I)
_REF_OPEN = re.compile(r"<ref\b[^<>]*>", re.I)
_REF_CLOSE = re.compile(r"</ref\s*>", re.I)
_BRACES = re.compile(r"\{\{|\}\}")
_LEFT_BRACES = re.compile(r"\{\{|\}\}|\{\||\|\}")
_LINK = re.compile(r"\[\[([^\[\]|\n]*)(?:\|([^\[\]\n]*))?\]\]")
_EXTERNAL = re.compile(r"\[(?:https?:)?//[^\s\[\]]+(?:\s([^\[\]\n]*))?\]")
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
_QUOTES = re.compile(r"'{2,}")
_HEADING = re.compile(r"^=+|=+[ \t]*$", re.M)
_LIST_MARK = re.compile(r"^[*#:;]+", re.M)
_SPACE = re.compile(r"\s+")
_BAD_TITLE = re.compile(r"[<>{}\[\]|\x00-\x1f\x7f\ufffd]")


def _drop_refs(text: str) -> str:
    """Every ``<ref>…</ref>`` (and self-closing ``<ref/>``) taken out, in one linear scan; an
    unclosed ``<ref>`` hides the rest of the text, as MediaWiki shows it."""
    text = _SELF_CLOSING_REF.sub(" ", text)
    out: list[str] = []
    at = 0
    while True:
        opening = _REF_OPEN.search(text, at)
        if opening is None:
            out.append(text[at:])
            break
        out.append(text[at:opening.start()])
        closing = _REF_CLOSE.search(text, opening.end())
        if closing is None:
            break
        at = closing.end()
    return " ".join(out)


def _drop_tables(text: str) -> str:
    """Tables (``{|`` … ``|}``, nested too) taken out line by line: data, not prose."""
    out: list[str] = []
    depth = 0
    for line in text.split("\n"):
        stripped = line.lstrip()
        if stripped.startswith("{|"):
            depth += 1
        elif depth and stripped.startswith("|}"):
            depth -= 1
        elif not depth:
            out.append(line)
    return "\n".join(out)


def _drop_templates(text: str) -> str:
    """Templates taken out whatever their nesting, in one linear scan of their braces; an
    unclosed ``{{`` hides the rest of the text."""
    out: list[str] = []
    depth = at = 0
    for brace in _BRACES.finditer(text):
        if brace.group() == "{{":
            if not depth:
                out.append(text[at:brace.start()])
            depth += 1
        elif depth:
            depth -= 1
            if not depth:
                at = brace.end()
    if not depth:
        out.append(text[at:])
    return " ".join(out)


def _prefix(target: str) -> str:
    return target.split(":", 1)[0].strip().replace("_", " ").lower() if ":" in target else ""


def _is_article_target(target: str) -> bool:
    """Whether a link target (without its leading ``:``) names a page in the article
    namespace: no known namespace, talk or interwiki prefix, and not a language code."""
    prefix = _prefix(target)
    if not prefix:
        return True
    if prefix in NOT_ARTICLE_PREFIXES or _LANGUAGE_CODE.fullmatch(target.split(":", 1)[0].strip()):
        return False
    return not any(word in prefix.split() for word in _TALK_WORDS)


def _link_label(match: re.Match) -> str:
    target, label = match.group(1), match.group(2)
    bare = target.lstrip(":").strip()
    if not target.startswith(":") and _prefix(bare) and (
            _prefix(bare) in NOT_ARTICLE_PREFIXES
            or _LANGUAGE_CODE.fullmatch(bare.split(":", 1)[0].strip())):
        return " "  # a file, a category or an interlanguage link: not prose
    return label if label is not None else bare


def prose(text: str | None) -> str:
    """The running text of *text* (see the module), whitespace collapsed."""
    if not text:
        return ""
    text = _COMMENT.sub(" ", text)
    text = _NOWIKI_LIKE.sub(" ", text)
    text = _drop_refs(text)
    text = _drop_templates(text)
    text = _drop_tables(text)
    text = _LEFT_BRACES.sub(" ", text)
    # a link inside a file caption: the inner link first, then the file link goes as a whole
    for _ in range(3):
        text, found = _LINK.subn(_link_label, text)
        if not found:
            break
    text = _EXTERNAL.sub(lambda m: m.group(1) or " ", text)
    text = _TAG.sub(" ", text)
    text = _QUOTES.sub("", text)
    text = _HEADING.sub(" ", text)
    text = _LIST_MARK.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


def _normal_title(target: str) -> str:
    title = _SPACE.sub(" ", target.split("#", 1)[0].replace("_", " ")).strip()
    return title[:1].upper() + title[1:]


def article_links(text: str | None, page_title: str = "") -> frozenset[str]:
    """The distinct articles *text* links to (``[[Target]]``, ``[[Target|label]]``,
    ``[[:Target]]``), titles normalised (first letter upper case, underscores as spaces, no
    ``#section``); links to other namespaces, other wikis, the page itself and its own sections
    are left out. Links written by templates are not seen (the text is not expanded)."""
    if not text:
        return frozenset()
    text = _COMMENT.sub(" ", text)
    text = _NOWIKI_LIKE.sub(" ", text)
    text = _NOWIKI.sub(" ", text)
    own = _normal_title(page_title) if page_title else ""
    found = set()
    for match in _LINK.finditer(text):
        target = match.group(1).strip().lstrip(":").strip()
        if not target or target.startswith("#") or not _is_article_target(target):
            continue
        title = _normal_title(target)
        if title and title != own and len(title) <= 255 and not _BAD_TITLE.search(title):
            found.add(title)
    return frozenset(found)
