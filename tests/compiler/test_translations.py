"""Every shipped translation is complete, current and keeps what the software relies on.

For each ``i18n/<component>/<lang>.json`` (``en`` and ``qqq`` are the sources and their
documentation, not translations) this checks, in plain Python without the compiler (MediaWiki's
plural files are read through ``tours.plurals``, their one reader):

* the file is banana JSON: one object, no duplicate keys, ``@metadata`` with authors and
  ``source-hashes``, every message a string;
* complete: every source key is translated, and nothing else is;
* current: each stored hash is ``sha1(source text)[:8]`` of today's source (``tours.yaml`` for
  tours, ``en.json`` for the components), so an edited source makes the test fail until the
  translation is reviewed and restamped with ``scripts/i18n_hashes.py``;
* the wikitext the software relies on survives: the same ``$N``, every ``{{GENDER:$N|…}}`` and
  ``{{PLURAL:$N|…}}`` of the source (with no more forms than the language has, from
  MediaWiki's own plural rules), the same link targets, bold and italic, balanced brackets;
* it stays about as short as the source (popovers are small);
* nothing dangerous or foreign was added: no HTML tags or entities, no templates beyond
  GENDER/PLURAL/GRAMMAR and those the source itself uses;
* right-to-left languages (per MediaWiki's ``Messages*.php``) start with a right-to-left
  letter, use no bidi embedding controls, and Arabic-script text uses Arabic punctuation;
  French puts a no-break space before ``: ; ! ?``; Spanish opens its ``¿`` and ``¡``.

The checks are pure functions; the second half of the file feeds them broken and hostile
translations to show that each one can fail, and drives ``scripts/i18n_hashes.py`` on a
scratch copy to show that it stamps exactly what it is asked to.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from tours import plurals

ROOT = Path(__file__).resolve().parents[2]
I18N = ROOT / "i18n"
MEDIAWIKI = Path("/usr/share/mediawiki")
NOT_TRANSLATIONS = {"en", "qqq"}

#: The issue asks for at least six languages, Arabic and Hebrew among them.
REQUIRED = {"ar", "he", "de", "fr", "es"}
ONE_OF = {"hi", "pt"}

#: Messages that are rightly the same in a translation as in English: names, formats, symbols.
SAME_AS_SOURCE_OK = {
    "wikitours-app-name",
    "wikitours-app-funnel-csv",
    "wikitours-app-funnel-json",
    "wikitours-app-funnel-bar-value",
    "wikitours-deploy-progress",
    "wikitours-pages-list-separator",
}

BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
HTML_TAG = re.compile(r"<\s*/?\s*[A-Za-z!?][^<>]*>")
HTML_ENTITY = re.compile(r"&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")
PLACEHOLDER = re.compile(r"\$\d+")
LINK = re.compile(r"\[\[([^\[\]|{}]*)(?:\|((?:[^\[\]]|\{\{[^{}]*\}\})*))?\]\]")
ALLOWED_FUNCTIONS = {"GENDER", "PLURAL", "GRAMMAR"}
WORD = re.compile(r"[^\W\d_]{2,}")


# ---------------------------------------------------------------------------------------------
# Sources


def source_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def tour_sources(data: dict) -> dict[str, str]:
    """Key -> text of every translatable text of a loaded tours.yaml (contract §1 keys)."""
    out: dict[str, str] = {}
    for tour in data.get("tours") or ():
        out[f"wikitours-tour-{tour['id']}-title"] = tour["title"]
        out[f"wikitours-tour-{tour['id']}-summary"] = tour["summary"]
        for step in tour.get("steps") or ():
            out[f"wikitours-tour-{tour['id']}-step-{step['id']}-title"] = step["title"]
            out[f"wikitours-tour-{tour['id']}-step-{step['id']}-text"] = step["text"]
            for skin, text in (step.get("skin-text") or {}).items():  # its own message per skin
                out[f"wikitours-tour-{tour['id']}-step-{step['id']}-text-{skin}"] = text
    for badge in data.get("badges") or ():
        out[f"wikitours-badge-{badge['id']}-name"] = badge["name"]
        out[f"wikitours-badge-{badge['id']}-description"] = badge["description"]
    return out


def sources(component: str) -> dict[str, str]:
    if component == "tours":
        return tour_sources(yaml.safe_load((ROOT / "tours.yaml").read_text(encoding="utf-8")))
    en = json.loads((I18N / component / "en.json").read_text(encoding="utf-8"))
    return {k: v for k, v in en.items() if k != "@metadata"}


def components() -> list[str]:
    found = ["tours"]
    for folder in sorted(p for p in I18N.iterdir() if p.is_dir()):
        if folder.name != "tours" and (folder / "en.json").is_file():
            found.append(folder.name)
    return found


def translations(component: str) -> list[Path]:
    folder = I18N / component
    return sorted(p for p in folder.glob("*.json") if p.stem not in NOT_TRANSLATIONS)


SHIPPED = [(c, p.stem) for c in components() for p in translations(c)]


# ---------------------------------------------------------------------------------------------
# Language data from MediaWiki's own files


@lru_cache(maxsize=None)
def is_rtl(lang: str) -> bool:
    """MediaWiki's ``$rtl`` for *lang*, following ``$fallback`` like MediaWiki does.

    Fallbacks can form a loop (``pt`` -> ``pt-br`` -> ``pt``), so each language is read once.
    """
    seen: set[str] = set()
    while lang and lang not in seen:
        seen.add(lang)
        name = "Messages" + lang.replace("-", "_").capitalize() + ".php"
        path = MEDIAWIKI / "languages" / "messages" / name
        if not path.is_file():
            return False
        text = path.read_text(encoding="utf-8", errors="replace")
        if re.search(r"^\$rtl\s*=\s*true\s*;", text, re.M):
            return True
        fallback = re.search(r"^\$fallback\s*=\s*'([^']*)'", text, re.M)
        lang = fallback.group(1).split(",")[0].strip() if fallback else ""
    return False


@lru_cache(maxsize=None)
def _mediawiki_plural_rules() -> dict[str, list[str]]:
    return plurals.read_mediawiki(MEDIAWIKI)


def plural_categories(lang: str) -> int:
    """How many plural forms *lang* has (CLDR rules as MediaWiki ships and overrides them)."""
    rules = _mediawiki_plural_rules()
    found = rules.get(lang, rules.get(lang.split("-")[0]))
    return len(found) + 1 if found is not None else 2


# ---------------------------------------------------------------------------------------------
# A small reader for the wikitext subset of messages


def closing(text: str, start: int) -> tuple[int, int]:
    """``(end, depth)`` for the ``{{`` at *start*: *end* just past its matching ``}}`` and depth 0,
    or, when it is never closed, the end of *text* and the depth still open."""
    depth, j = 0, start
    while j < len(text):
        if text.startswith("{{", j):
            depth, j = depth + 1, j + 2
        elif text.startswith("}}", j):
            depth, j = depth - 1, j + 2
            if depth == 0:
                break
        else:
            j += 1
    return j, depth


def constructs(text: str) -> list[tuple[str, str, list[str]]]:
    """``(NAME, argument, forms)`` of every ``{{NAME:argument|form|…}}``, nested ones included."""
    found: list[tuple[str, str, list[str]]] = []
    i = 0
    while True:
        start = text.find("{{", i)
        if start < 0:
            return found
        j, depth = closing(text, start)
        inner = text[start + 2:j - 2] if depth == 0 else text[start + 2:]
        parts = split_top(inner)
        head = parts[0]
        name, _, arg = head.partition(":")
        found.append((name.strip().upper(), arg.strip(), parts[1:]))
        for form in parts[1:]:
            found.extend(constructs(form))
        if depth != 0:
            return found
        i = j


def split_top(inner: str) -> list[str]:
    """Split on ``|`` outside nested ``{{ }}`` and ``[[ ]]``."""
    parts, depth, cur, i = [], 0, [], 0
    while i < len(inner):
        two = inner[i:i + 2]
        if two in ("{{", "[["):
            depth += 1
            cur.append(two)
            i += 2
        elif two in ("}}", "]]"):
            depth -= 1
            cur.append(two)
            i += 2
        elif inner[i] == "|" and depth == 0:
            parts.append("".join(cur))
            cur, i = [], i + 1
        else:
            cur.append(inner[i])
            i += 1
    parts.append("".join(cur))
    return parts


def visible(text: str) -> str:
    """Roughly what a reader sees: first GENDER/PLURAL form, link labels, no quotes or ``$N``."""
    out, i = [], 0
    while i < len(text):
        if text.startswith("{{", i):
            j, _ = closing(text, i)
            parts = split_top(text[i + 2:j - 2])
            out.append(visible(parts[1]) if len(parts) > 1 else "")
            i = j
        elif text.startswith("[[", i):
            m = LINK.match(text, i)
            if not m:
                out.append(text[i])
                i += 1
                continue
            out.append(visible(m.group(2) if m.group(2) is not None else m.group(1)))
            i = m.end()
        else:
            out.append(text[i])
            i += 1
    return PLACEHOLDER.sub("", "".join(out).replace("'''", "").replace("''", ""))


def first_strong(text: str) -> str:
    """``L`` or ``R`` for the first strongly directional character, ``""`` if there is none."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return "L"
        if kind in ("R", "AL"):
            return "R"
    return ""


# ---------------------------------------------------------------------------------------------
# The checks: pure functions returning readable problems


GENDER_OF_READER = re.compile(r"\{\{\s*GENDER\s*:\s*\$1\s*\|", re.I)


def check_message(lang: str, key: str, src: str, tr: str, *, reader: bool = False) -> list[str]:
    """Problems of one translated message *tr* of source *src*; empty when it is fine.

    With *reader* (tour texts, contract §1: every one is rendered with ``$1`` = the reader's
    user name), a translation may choose forms with ``{{GENDER:$1|…}}`` even where the English
    needs none, as Arabic and Hebrew must; ``$1`` anywhere else still has to be in the source.
    """
    p: list[str] = []
    if not isinstance(tr, str) or not tr.strip():
        return [f"{key}: empty translation"]
    if reader:  # the source's own {{GENDER:$1|…}} is checked with the other constructs below
        tr_plain, src_plain = GENDER_OF_READER.sub("", tr), GENDER_OF_READER.sub("", src)
    else:
        tr_plain, src_plain = tr, src
    have, want = Counter(PLACEHOLDER.findall(tr_plain)), Counter(PLACEHOLDER.findall(src_plain))
    if set(want) - set(have):
        p.append(f"{key}: drops {', '.join(sorted(set(want) - set(have)))}")
    if set(have) - set(want):
        p.append(f"{key}: adds {', '.join(sorted(set(have) - set(want)))}, which the source "
                 "lacks (nothing would fill it)")
    src_c, tr_c = constructs(src), constructs(tr)
    for fn in ("GENDER", "PLURAL"):
        need = {a for n, a, _ in src_c if n == fn}
        got = {a for n, a, _ in tr_c if n == fn}
        for arg in sorted(need - got):
            p.append(f"{key}: lost {{{{{fn}:{arg}|…}}}} of the source")
    for name, arg, forms in tr_c:
        if name == "GENDER" and not 1 <= len(forms) <= 3:
            p.append(f"{key}: {{{{GENDER:{arg}}}}} needs 1 to 3 forms (male|female|unknown), "
                     f"has {len(forms)}")
        if name == "PLURAL":
            plain = [f for f in forms if not re.match(r"^\s*\d+\s*=", f)]
            most = plural_categories(lang)
            if not plain or len(plain) > most:
                p.append(f"{key}: {{{{PLURAL:{arg}}}}} has {len(plain)} forms; {lang} has "
                         f"{most} plural forms")
        if name not in ALLOWED_FUNCTIONS and name not in {n for n, _, _ in src_c}:
            p.append(f"{key}: uses the template or function {{{{{name}}}}}, which the source "
                     "does not; only GENDER, PLURAL and GRAMMAR may be added")
    src_targets = Counter(t.strip() for t, _ in LINK.findall(src))
    tr_targets = Counter(t.strip() for t, _ in LINK.findall(tr))
    if src_targets != tr_targets:
        p.append(f"{key}: link targets {sorted(tr_targets.elements())} differ from the "
                 f"source's {sorted(src_targets.elements())}; translate the label, keep the target")
    for m in LINK.finditer(tr):
        if m.group(2) is not None and not m.group(2).strip():
            p.append(f"{key}: empty link label for {m.group(1)}")
    for opener, closer in (("{{", "}}"), ("[[", "]]")):
        if tr.count(opener) != tr.count(closer):
            p.append(f"{key}: unbalanced {opener} {closer}")
    bold_src, bold_tr = src.count("'''"), tr.count("'''")
    if bold_tr % 2:
        p.append(f"{key}: unbalanced ''' (bold)")
    if bold_src and not bold_tr:
        p.append(f"{key}: the source's '''bold''' is lost")
    ital_src = src.replace("'''", "").count("''")
    ital_tr = tr.replace("'''", "").count("''")
    if ital_tr % 2:
        p.append(f"{key}: unbalanced '' (italic)")
    if ital_src and not ital_tr:
        p.append(f"{key}: the source's ''italic'' is lost")
    for pattern, what in ((HTML_TAG, "HTML tag"), (HTML_ENTITY, "HTML entity")):
        extra = set(pattern.findall(tr)) - set(pattern.findall(src))
        if extra:
            p.append(f"{key}: {what} {sorted(extra)[0]!r} is not allowed in a message")
    # One word may well be the same (Badge, Version, mentors); a phrase is not translated.
    if tr == src and key not in SAME_AS_SOURCE_OK and len(WORD.findall(visible(src))) >= 2:
        p.append(f"{key}: not translated (same as the source)")
    shown = visible(tr)
    room = 1.6 * len(visible(src)) + 20
    if len(shown) > room:
        p.append(f"{key}: {len(shown)} characters where the source has {len(visible(src))}; "
                 "popovers are small, keep it about as short as the source")
    if is_rtl(lang):
        if BIDI_CONTROLS.search(tr):
            p.append(f"{key}: bidi embedding/override/isolate control character; the "
                     "interface sets the direction, remove it")
        if tr != src and first_strong(shown) == "L":
            p.append(f"{key}: starts with left-to-right text; in a right-to-left language the "
                     "first letter decides the direction of the whole line")
        if re.search(r"[\u0600-\u06ff][\s]*[,;?]", shown):
            p.append(f"{key}: Latin , ; or ? after Arabic script; use ، ؛ ؟")
        if re.search("[„‚]", shown):
            p.append(f"{key}: German-style low quotation marks in a right-to-left text")
    if shown.count("(") != shown.count(")"):
        p.append(f"{key}: unbalanced parentheses")
    if lang == "fr" and re.search(r"\S [:;!?](\s|$)", shown):
        p.append(f"{key}: French puts a no-break space (U+00A0) before : ; ! ?")
    if lang == "es":
        for opening, closing in (("¿", "?"), ("¡", "!")):
            if shown.count(opening) != shown.count(closing):
                p.append(f"{key}: Spanish opens every {closing} with {opening}")
    return p


def check_file(component: str, lang: str, raw: str, src: dict[str, str]) -> list[str]:
    """Problems of one whole translation file, given as text, against its sources."""
    dupes: list[str] = []

    def hook(pairs):
        dupes.extend(k for k, n in Counter(k for k, _ in pairs).items() if n > 1)
        return dict(pairs)

    where = f"{component}/{lang}.json"
    try:
        data = json.loads(raw, object_pairs_hook=hook)
    except ValueError as err:
        return [f"{where}: not valid JSON: {err}"]
    if not isinstance(data, dict):
        return [f"{where}: a banana JSON file is one object"]
    p: list[str] = []
    if dupes:
        p.append(f"{where}: duplicate keys {sorted(dupes)}")
    meta = data.get("@metadata")
    if not isinstance(meta, dict):
        return p + [f"{where}: no @metadata object"]
    authors = meta.get("authors")
    if not (isinstance(authors, list) and authors and all(isinstance(a, str) for a in authors)):
        p.append(f"{where}: @metadata.authors must be a non-empty list of names")
    hashes = meta.get("source-hashes")
    if not isinstance(hashes, dict):
        return p + [f"{where}: no @metadata.source-hashes object"]
    for key, text in src.items():
        if key not in data:
            p.append(f"{where}: missing {key}")
            continue
        if not isinstance(data[key], str):
            p.append(f"{where}: {key} is not a string")
            continue
        stored = hashes.get(key)
        if stored is None:
            p.append(f"{where}: {key} has no source hash")
        elif stored != source_hash(text):
            p.append(f"{where}: {key} is outdated (translated from {stored}, the source is now "
                     f"{source_hash(text)}); retranslate, then "
                     f"`python scripts/i18n_hashes.py i18n/{where} --stamp {key}`")
        p.extend(f"{where}: {m}"
                 for m in check_message(lang, key, text, data[key], reader=component == "tours"))
    for key in data:
        if key != "@metadata" and key not in src:
            p.append(f"{where}: unknown key {key} (not in the source)")
    for key in hashes:
        if key not in src:
            p.append(f"{where}: source hash for unknown key {key}")
    return p


# ---------------------------------------------------------------------------------------------
# The shipped files


def test_six_languages_for_every_component():
    for component in components():
        langs = {p.stem for p in translations(component)}
        assert REQUIRED <= langs, f"{component}: missing {sorted(REQUIRED - langs)}"
        assert langs & ONE_OF, f"{component}: needs hi or pt as well"


@pytest.mark.parametrize(("component", "lang"), SHIPPED, ids=[f"{c}/{l}" for c, l in SHIPPED])
def test_shipped_translation(component, lang):
    raw = (I18N / component / f"{lang}.json").read_text(encoding="utf-8")
    problems = check_file(component, lang, raw, sources(component))
    assert problems == [], "\n".join(problems)


def test_rtl_and_plural_data_come_from_mediawiki():
    # The checks above rely on these; if MediaWiki's data moved, they would pass vacuously.
    assert is_rtl("ar") and is_rtl("he") and is_rtl("arz")  # arz falls back to ar
    assert not is_rtl("de") and not is_rtl("hi") and not is_rtl("pt")  # pt <-> pt-br loop
    assert plural_categories("ar") == 6
    assert plural_categories("he") == 4
    assert plural_categories("de") == 2
    assert plural_categories("hi") == 2


def test_the_tour_sources_are_the_yaml_texts():
    src = sources("tours")
    raw = yaml.safe_load((ROOT / "tours.yaml").read_text(encoding="utf-8"))
    first = raw["tours"][0]
    assert src[f"wikitours-tour-{first['id']}-title"] == first["title"]
    step = first["steps"][0]
    assert src[f"wikitours-tour-{first['id']}-step-{step['id']}-text"] == step["text"]
    assert "\n" not in step["text"]  # folded >- scalars are one line, as hashed
    # a text per skin is translated as a message of its own (first-edit's Minerva text)
    opening = next(s for s in first["steps"] if s.get("skin-text"))
    for skin, text in opening["skin-text"].items():
        assert src[f"wikitours-tour-{first['id']}-step-{opening['id']}-text-{skin}"] == text


# ---------------------------------------------------------------------------------------------
# The checks can fail: broken and hostile translations


SRC_DONE = "Well done, {{GENDER:$1|you}} have published. See [[Help:Cite|the guide]] for '''more'''."


@pytest.mark.parametrize(("lang", "src", "bad", "expected"), [
    ("de", "Step $1 of $2", "Schritt $1", "drops $2"),
    ("de", "Open the editor", "Öffne den Editor, $1", "adds $1"),
    ("de", SRC_DONE, "Gut gemacht. Siehe [[Help:Cite|Anleitung]], '''mehr'''.", "lost {{GENDER:$1"),
    ("de", SRC_DONE, "{{GENDER:$1|du}} Siehe [[Hilfe:Belege|Anleitung]] '''mehr'''.",
     "link targets"),
    ("de", SRC_DONE, "{{GENDER:$1|du}} [[Help:Cite|Anleitung]] mehr.", "'''bold''' is lost"),
    ("de", SRC_DONE, "{{GENDER:$1|du}} [[Help:Cite|Anleitung]] '''mehr.", "unbalanced '''"),
    ("de", "Click ''here''", "Klicke hier", "''italic'' is lost"),
    ("de", "Next", "<script>alert(1)</script>Weiter", "HTML tag"),
    ("de", "Next", "Weiter<img src=x onerror=alert(1)>", "HTML tag"),
    ("de", "Next", "Weiter &lt;b&gt;", "HTML entity"),
    ("de", "Next", "{{subst:Weiter}}", "template or function {{SUBST}}"),
    ("de", "Next", "{{Weiter", "unbalanced {{"),
    ("de", "Open the editor", "Open the editor", "not translated"),
    ("de", "See [[Help:Cite|the guide]]", "Siehe [[Help:Cite| ]]", "empty link label"),
    ("de", "Next", "   ", "empty translation"),
    ("de", "Next", "Weiter " * 10, "keep it about as short"),
    ("de", "{{PLURAL:$1|$1 step|$1 steps}}", "{{PLURAL:$1|$1 Schritt|$1 Schritte|$1 Schritten}}",
     "de has 2 plural forms"),
    ("ar", "{{PLURAL:$1|$1 step|$1 steps}}", "{{PLURAL:$1|a|b|c|d|e|f|g}} $1", "ar has 6 plural"),
    ("he", "Hello {{GENDER:$1|you}}", "שלום {{GENDER:$1|א|ב|ג|ד}}", "1 to 3 forms"),
    ("he", "Click '''Edit'''", "Click על '''עריכה'''", "starts with left-to-right"),
    ("he", "Next", "\u202bהבא\u202c", "bidi"),
    ("ar", "Hello, friend?", "مرحبا, يا صديق?", "use ، ؛ ؟"),
    ("ar", "Say „hello“", "قل „مرحبا“", "low quotation marks"),
    ("fr", "Why? Because: yes", "Pourquoi ? Parce que : oui", "no-break space"),
    ("es", "Which languages?", "Qué idiomas hablas?", "Spanish opens every ? with ¿"),
    ("de", "Sign (~~~~) here", "Unterschreibe (~~~~ hier", "unbalanced parentheses"),
])
def test_a_bad_translation_is_caught(lang, src, bad, expected):
    problems = check_message(lang, "k", src, bad)
    assert any(expected in p for p in problems), problems


def test_gender_of_the_reader_is_allowed_only_in_tour_texts():
    src, tr = "Click '''Edit'''", "{{GENDER:$1|انقر|انقري}} على '''عدل'''"
    assert check_message("ar", "k", src, tr, reader=True) == []
    assert any("adds $1" in p for p in check_message("ar", "k", src, tr))  # components
    # Outside GENDER, or as another placeholder, it is still refused in tour texts.
    bare = check_message("ar", "k", src, "مرحبا $1 '''عدل'''", reader=True)
    assert any("adds $1" in p for p in bare)
    other = check_message("ar", "k", src, "{{GENDER:$2|أ|ب}} '''عدل'''", reader=True)
    assert any("adds $2" in p for p in other)


@pytest.mark.parametrize(("lang", "src", "good"), [
    ("ar", "{{PLURAL:$1|$1 step|$1 steps}}",
     "{{PLURAL:$1|لا خطوات|خطوة واحدة|خطوتان|$1 خطوات|$1 خطوة|$1 خطوة}}"),
    ("he", "Well done, {{GENDER:$1|you}} did it. See [[Help:Cite|the guide]].",
     "כל הכבוד, {{GENDER:$1|עשית|עשית}} את זה. ראו [[Help:Cite|המדריך]]."),
    ("he", "Read '''wikitours''' docs", "אפשר לקרוא את התיעוד של '''wikitours'''"),
    ("fr", "Why? Because: yes", "Pourquoi\u00a0? Parce que\u00a0: oui"),
    ("es", "Which languages? Great!", "¿Qué idiomas hablas? ¡Genial!"),
    ("de", "[[User:$1|$1]] ([[User talk:$1|talk]])", "[[User:$1|$1]] ([[User talk:$1|Diskussion]])"),
    ("ar", "$1 ($2%)", "$1 ($2%)"),  # a format with no words may stay as it is
    ("fr", "Badges", "Badges"),  # so may a single word that is the same in both languages
])
def test_a_good_translation_passes(lang, src, good):
    assert check_message(lang, "k", src, good) == []


def test_file_level_problems_are_caught():
    src = {"a": "One", "b": "Two $1"}
    good = {"@metadata": {"authors": ["x"], "source-hashes": {
        "a": source_hash("One"), "b": source_hash("Two $1")}}, "a": "Eins", "b": "Zwei $1"}
    assert check_file("c", "de", json.dumps(good), src) == []

    def problems(data=None, raw=None):
        return "\n".join(check_file("c", "de", raw if raw is not None else json.dumps(data), src))

    assert "not valid JSON" in problems(raw='{"a": ')
    assert "one object" in problems(raw="[1, 2]")
    assert "duplicate keys" in problems(raw=json.dumps(good)[:-1] + ', "a": "Eins"}')
    missing = json.loads(json.dumps(good))
    del missing["b"]
    assert "missing b" in problems(missing)
    outdated = json.loads(json.dumps(good))
    outdated["@metadata"]["source-hashes"]["a"] = source_hash("An older One")
    assert "a is outdated" in problems(outdated)
    unstamped = json.loads(json.dumps(good))
    del unstamped["@metadata"]["source-hashes"]["b"]
    assert "b has no source hash" in problems(unstamped)
    unknown = dict(good, c="Drei")
    assert "unknown key c" in problems(unknown)
    no_authors = json.loads(json.dumps(good))
    no_authors["@metadata"]["authors"] = []
    assert "authors" in problems(no_authors)
    not_string = dict(good, a=["Eins"])
    assert "a is not a string" in problems(not_string)
    huge = dict(good, a="Eins " * 200_000)  # a huge message is judged, not choked on
    assert "keep it about as short" in problems(huge)


# ---------------------------------------------------------------------------------------------
# scripts/i18n_hashes.py on a scratch project


SCRIPT = ROOT / "scripts" / "i18n_hashes.py"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=60)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "tours.yaml").write_text(
        "wikitours: 1\nsource-language: en\ntours:\n"
        "  - id: t\n    title: A tour\n    summary: About it\n    steps:\n"
        "      - id: s\n        title: Step\n        text: >-\n          Folded\n          text.\n"
        "badges:\n  - id: b\n    name: Badge\n    description: Got it.\n", encoding="utf-8")
    tours = tmp_path / "i18n" / "tours"
    tours.mkdir(parents=True)
    (tours / "de.json").write_text(json.dumps({
        "wikitours-tour-t-title": "Eine Tour", "wikitours-tour-t-summary": "Darüber",
        "wikitours-tour-t-step-s-title": "Schritt", "wikitours-tour-t-step-s-text": "Text.",
        "wikitours-badge-b-name": "Abzeichen",
    }, ensure_ascii=False), encoding="utf-8")
    app = tmp_path / "i18n" / "app"
    app.mkdir()
    (app / "en.json").write_text(json.dumps({"@metadata": {}, "x-next": "Next",
                                             "x-back": "Back"}), encoding="utf-8")
    (app / "de.json").write_text(json.dumps({"x-next": "Weiter", "x-back": "Zurück"},
                                            ensure_ascii=False), encoding="utf-8")
    return tmp_path


def hashes_of(path: Path) -> dict[str, str]:
    return json.loads(path.read_text(encoding="utf-8"))["@metadata"]["source-hashes"]


def test_stamp_all_stamps_a_fresh_file_from_the_yaml_texts(project):
    de = project / "i18n" / "tours" / "de.json"
    result = run("i18n/tours/de.json", "--stamp-all", cwd=project)
    assert result.returncode == 0, result.stderr
    h = hashes_of(de)
    assert h["wikitours-tour-t-step-s-text"] == source_hash("Folded text.")
    assert h["wikitours-tour-t-title"] == source_hash("A tour")
    assert "wikitours-badge-b-description" not in h  # not translated, so not stamped
    check = run("i18n/tours/de.json", "--check", cwd=project)
    assert check.returncode == 1 and "missing: wikitours-badge-b-description" in check.stdout
    data = json.loads(de.read_text(encoding="utf-8"))
    assert list(data)[0] == "@metadata" and data["wikitours-badge-b-name"] == "Abzeichen"


def test_an_edited_source_is_never_restamped_silently(project):
    de = project / "i18n" / "tours" / "de.json"
    assert run("i18n/tours/de.json", "--stamp-all", cwd=project).returncode == 0
    before = hashes_of(de)
    yml = project / "tours.yaml"
    yml.write_text(yml.read_text().replace("title: A tour", "title: A better tour")
                   .replace("title: Step", "title: First step"), encoding="utf-8")
    again = run("i18n/tours/de.json", "--stamp-all", cwd=project)
    assert again.returncode == 1 and "outdated, left alone" in again.stdout
    assert hashes_of(de) == before
    check = run("i18n/tours/de.json", "--check", cwd=project)
    assert "outdated: wikitours-tour-t-title" in check.stdout
    # The translator retranslates one of the two, and stamps exactly that one.
    one = run("i18n/tours/de.json", "--stamp", "wikitours-tour-t-title", cwd=project)
    assert one.returncode == 0, one.stderr
    after = hashes_of(de)
    assert after["wikitours-tour-t-title"] == source_hash("A better tour")
    assert after["wikitours-tour-t-step-s-title"] == before["wikitours-tour-t-step-s-title"]
    forced = run("i18n/tours/de.json", "--stamp-all", "--force", cwd=project)
    assert forced.returncode == 0
    assert hashes_of(de)["wikitours-tour-t-step-s-title"] == source_hash("First step")


def test_stamp_refuses_keys_it_cannot_stamp(project):
    de = project / "i18n" / "tours" / "de.json"
    before = de.read_text(encoding="utf-8")
    for key, why in (("wikitours-badge-b-description", "not translated"),
                     ("wikitours-nonsense", "no such source message")):
        result = run("i18n/tours/de.json", "--stamp", key, cwd=project)
        assert result.returncode == 2 and why in result.stderr
        assert de.read_text(encoding="utf-8") == before
    assert run("i18n/app/en.json", "--stamp-all", cwd=project).returncode == 2
    (project / "i18n" / "tours" / "fr.json").write_text('{"broken": ', encoding="utf-8")
    broken = run("i18n/tours/fr.json", "--stamp-all", cwd=project)
    assert broken.returncode == 2 and "fr.json" in broken.stderr
    assert "Traceback" not in broken.stderr


def test_component_sources_are_the_en_json(project):
    result = run("i18n/app/de.json", "--stamp-all", cwd=project)
    assert result.returncode == 0, result.stderr
    assert hashes_of(project / "i18n" / "app" / "de.json") == {
        "x-next": source_hash("Next"), "x-back": source_hash("Back")}
    assert run("i18n/app/de.json", "--check", cwd=project).returncode == 0
