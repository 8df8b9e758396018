"""One message lookup (tours/messages.py) for every Python component's console and page texts.

Before, nine helpers each looked messages up their own way, and they disagreed: for a locale
MediaWiki does not know (``ar-eg`` from ``ar_EG.UTF-8``) the compiler spoke Arabic while the
sync's status pages and the bots' posts fell back to English. Now every helper is one line over
the same lookup, so they fall back, fill parameters and resolve PLURAL the same way.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from bot import messages as bot_messages
from playground import messages as playground_messages
from publish import statuspage, translations
from tours import messages, problemtext

ROOT = Path(__file__).resolve().parents[2]


def _first_key(component: str, *, with_param: bool = False) -> str:
    en = json.loads((ROOT / "i18n" / component / "en.json").read_text("utf-8"))
    return next(k for k, v in en.items() if not k.startswith("@") and ("$1" in v) == with_param
                and "{{" not in v)


def _text(component: str, lang: str, key: str) -> str:
    return json.loads((ROOT / "i18n" / component / f"{lang}.json").read_text("utf-8"))[key]


HELPERS = {
    "sync": lambda key, lang: statuspage.msg(key, lang),
    "bot": lambda key, lang: bot_messages.message(key, lang),
    "seed": lambda key, lang: translations.seed_msg(key, lang=lang),
    "playground": lambda key, lang: playground_messages.msg(key, language=lang),
    "compiler": lambda key, lang: problemtext.render(problemtext.T(key), lang),
}


@pytest.mark.parametrize("component", sorted(HELPERS))
@pytest.mark.parametrize("lang, source", [("ar-eg", "ar"), ("de-at", "de"), ("pt-br", "pt"),
                                          ("xx", "en"), ("../../etc", "en"), ("", "en")])
def test_every_component_falls_back_the_same_way(component, lang, source):
    key = _first_key(component)
    assert HELPERS[component](key, lang) == _text(component, source, key)


def test_the_chain_is_mediawikis_then_the_base_language_then_english():
    assert messages.chain("de-at") == ("de-at", "de", "en")
    assert messages.chain("ar-eg")[-2:] == ("ar", "en")
    assert messages.chain("<script>") == ("en",)


def test_a_key_missing_in_english_is_a_programming_error():
    with pytest.raises(messages.MessageMissing):
        messages.page_text("sync", "wikitours-no-such-key", "de")
    with pytest.raises(KeyError):  # callers that catch KeyError keep working
        bot_messages.message("wikitours-no-such-key", "de")


def test_page_texts_leave_plural_and_gender_to_the_wiki(tmp_path):
    (tmp_path / "en.json").write_text(json.dumps({
        "k": "{{PLURAL:$1|one edit|$1 edits}} by {{GENDER:$2|him|her}} $2"}), "utf-8")
    assert messages.page_text(tmp_path, "k", "en", 1200, "Ada") == \
        "{{PLURAL:1200|one edit|1200 edits}} by {{GENDER:Ada|him|her}} Ada"
    # for people outside the wiki: PLURAL chosen, the number written for the language
    assert messages.message(tmp_path, "k", "en", 1200, "Ada").startswith("1,200 edits by ")


def test_parameters_are_inserted_once_as_plain_text(tmp_path):
    """A parameter holding ``$2`` or ``{{PLURAL:…}}`` is never read as a placeholder."""
    (tmp_path / "en.json").write_text(json.dumps({"k": "$1 and $2 ($3)"}), "utf-8")
    hostile = "$2 {{PLURAL:$2|x|y}} <script>"
    assert messages.page_text(tmp_path, "k", "en", hostile, "B") == f"{hostile} and B ($3)"
    assert messages.message(tmp_path, "k", "en", hostile, "B") == f"{hostile} and B ($3)"


def test_plural_follows_the_rules_of_the_language_the_text_was_found_in(tmp_path):
    (tmp_path / "en.json").write_text(json.dumps({"k": "{{PLURAL:$1|one|many}}"}), "utf-8")
    (tmp_path / "ar.json").write_text(json.dumps({"k": "{{PLURAL:$1|صفر|واحد|اثنان|قليل|كثير|آخر}}"}),
                                      "utf-8")
    assert messages.message(tmp_path, "k", "ar-eg", 3) == "قليل"
    assert messages.message(tmp_path, "k", "fr", 0) == "many"  # English text: English rules


def test_the_app_formats_with_the_same_fill(tmp_path):
    from toolforge.i18n import Catalog

    (tmp_path / "en.json").write_text(json.dumps({"k": "$1 {{PLURAL:$1|tour|tours}}: $2"}), "utf-8")
    catalog = Catalog.load(tmp_path, None)
    assert catalog.format("en", "k", 2, "$1") == messages.fill("$1 {{PLURAL:$1|tour|tours}}: $2",
                                                               (2, "$1"), "en") == "2 tours: $1"
    assert catalog.format("en", "missing") == "⧼missing⧽"


def _placeholder_fillers(source: str) -> list[int]:
    """Lines where *source* fills ``$N`` placeholders itself: ``NAME.sub(...)`` on a regex
    compiled from a ``$N`` pattern."""
    tree = ast.parse(source)
    patterns = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                and getattr(node.value.func, "attr", "") == "compile" and node.value.args
                and isinstance(node.value.args[0], ast.Constant)
                and str(node.value.args[0].value).startswith("\\$")):
            patterns |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "sub" and getattr(node.func.value, "id", None) in patterns]


def test_only_tours_messages_fills_placeholders():
    """A module that fills ``$1``… itself is a tenth helper: only tours/messages.py does."""
    assert _placeholder_fillers('import re\n_P = re.compile(r"\\$(\\d+)")\nx = _P.sub("a", "$1")\n') == [3]
    offenders = []
    for package in ("tours", "publish", "wikiapi", "bot", "toolforge", "playground"):
        for path in sorted((ROOT / package).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if name != "tours/messages.py":
                offenders += [f"{name}:{line}" for line in _placeholder_fillers(path.read_text("utf-8"))]
    assert offenders == []
