"""Property tests: whatever the bytes, load_library returns problems with real positions."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tours.load import load_library

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = (ROOT / "tours.yaml").read_text("utf-8")
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_sane(data) -> None:
    library, problems = load_library(data, "fuzz.yaml")
    text_lines = None
    for p in problems:
        assert p.line >= 1 and p.column >= 1, p
        assert p.file == "fuzz.yaml" and p.message and p.severity in ("error", "warning")
        # the catch-all in load_library must never be what answered: that would be a bug
        assert not p.message.startswith("the file could not be checked"), p
        if isinstance(data, str) and p.message != "the file contains a character that is not valid Unicode":
            text_lines = text_lines or data.lstrip("\ufeff").split("\n")
            assert p.line <= len(text_lines) + 1, (p, len(text_lines))
    if any(p.severity == "error" for p in problems):
        assert library is None
    else:
        assert library is not None


YAMLISH = st.lists(st.sampled_from([
    "\n", " ", "  ", "- ", ": ", "id: ", "steps:", "tours:", "title: ", "text: ", "when: ", "&a ", "*a", "!!str ",
    "[", "]", "{", "}", ",", "'", '"', ">-\n", "|\n", "#", "---\n", "\t", "x", "first-edit", "5", "true", "~",
    "{{PLURAL:$1|a}}", "<script>", "[[Help:X]]", "Special:Foo", "é", "\u202e", "\r\n",
]), max_size=120).map("".join)


@SETTINGS
@given(YAMLISH)
def test_yamlish_text(text):
    assert_sane(text)
    assert_sane(("source-language: en\ntours:\n  - " + text))


@SETTINGS
@given(st.binary(max_size=400))
def test_binary(data):
    assert_sane(data)


@SETTINGS
@given(st.text(max_size=300))
def test_any_text(text):
    assert_sane(text)


@SETTINGS
@given(st.integers(0, len(SHIPPED) - 1), st.integers(0, 40), st.text(max_size=12))
def test_mutated_shipped_file(at, cut, insert):
    assert_sane(SHIPPED[:at] + insert + SHIPPED[at + cut:])


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 10**6) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["id", "title", "text", "steps", "tours", "when", "page", "element", "requires", "badges",
                         "wikis", "changes", "action", "namespace", "minutes", "x"]), inner, max_size=5),
    max_leaves=30,
)


@SETTINGS
@given(st.dictionaries(st.sampled_from(["source-language", "tours", "badges", "wikis", "wikitours", "special-pages"]),
                       JSONISH, max_size=6))
def test_structured_wrong_types(document):
    assert_sane(yaml.safe_dump(document, allow_unicode=True))


def test_pathological_texts_stay_linear():
    """Hostile texts full of half-open markup, in many steps: checked quickly, problems capped."""
    import time

    from tests.compiler.test_validate import BASE

    nasty = ["[[" * 2400, "[a " * 1600, "<div>" * 1000, "{{PLURAL:$1|" * 400, "'''" * 1600, "{{" * 2400, "&lt;" * 1200]
    steps = "".join(f"      - id: s{i}\n        title: T\n        text: \"{nasty[i % len(nasty)]}\"\n" for i in range(2, 300))
    text = BASE + steps
    start = time.perf_counter()
    library, problems = load_library(text, "nasty.yaml")
    elapsed = time.perf_counter() - start
    assert library is None and problems
    assert elapsed < 30, elapsed  # generous: catches quadratic behaviour (minutes), not a benchmark
    per_text = {}
    for p in problems:
        per_text[p.line] = per_text.get(p.line, 0) + 1
    assert max(per_text.values()) <= 21  # 20 problems and one summary line per text
    too_long = load_library(BASE.replace("text: World", "text: " + "word " * 2000), "long.yaml")[1]
    assert [(p.line, p.column, p.message) for p in too_long] == [
        (11, 15, "'text' of step 's1' of tour 't1' is too long (9,999 characters; at most 5,000)")]
