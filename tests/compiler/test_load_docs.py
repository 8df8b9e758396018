"""docs/tour-language.md stays true: its examples lint clean and its catalogue table is current."""

from __future__ import annotations

import re
from pathlib import Path

from tours import catalogue
from tours.load import load_library

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "tour-language.md").read_text("utf-8")
BLOCKS = re.findall(r"```yaml\n(.*?)```", DOC, re.S)


def test_small_example_is_a_valid_library():
    example = next(b for b in BLOCKS if b.startswith("wikitours: 1"))
    library, problems = load_library(example, "example.yaml")
    assert problems == [] and [s.id for s in library.tours[0].steps] == ["welcome", "open-editor"]


def test_local_variant_example_applies_to_the_shipped_tours():
    example = next(b for b in BLOCKS if b.startswith("wikis:"))
    shipped = (ROOT / "tours.yaml").read_text("utf-8").split("\nwikis:")[0]
    library, problems = load_library(shipped + "\n" + example, "tours.yaml")
    assert problems == []
    assert [c.action for c in library.wiki("dewiki").changes] == ["replace", "insert-after", "remove"]


def test_badge_example_is_valid():
    example = next(b for b in BLOCKS if b.startswith("badges:"))
    shipped = (ROOT / "tours.yaml").read_text("utf-8")
    without_trainer = re.sub(r"  - id: trainer\n.*?(?=\n# Local)", "", shipped, flags=re.S)
    example_entry = example.split("badges:\n", 1)[1]
    text = without_trainer.replace("\n# Local", example_entry + "\n# Local", 1)
    library, problems = load_library(text, "tours.yaml")
    assert problems == [] and library.badge("trainer").requires_badges == ("newcomer-pathway", "mentor-pathway")


def test_catalogue_table_matches_the_catalogue():
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `([a-z-]+)` \| [^\n]*$", DOC, re.M)}
    for name, element in catalogue.ELEMENTS.items():
        selectors = dict(element.selectors)
        expected = " | ".join(", ".join(catalogue.describe_entry(s) for s in selectors[skin]) or "—"
                              for skin in ("vector-2022", "vector", "minerva", "*"))
        assert rows[name] == f"| `{name}` | {element.description} | {expected} |"
