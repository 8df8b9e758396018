"""The JSON Schema for editors agrees with the validator, and the shipped file passes both."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from tours import schemagen, validate
from tours.load import load_library

from tests.compiler.test_validate import BASE, step

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "tours" / "schema" / "tours.schema.json").read_text("utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def schema_ok(text: str) -> bool:
    return VALIDATOR.is_valid(yaml.safe_load(text))


def test_schema_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_shipped_schema_is_up_to_date():
    assert (ROOT / "tours" / "schema" / "tours.schema.json").read_text("utf-8") == schemagen.render(), \
        "run: python -m tours.schemagen"


def test_tours_yaml_names_the_schema_and_passes_it():
    text = (ROOT / "tours.yaml").read_text("utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=tours/schema/tours.schema.json"
    errors = list(VALIDATOR.iter_errors(yaml.safe_load(text)))
    assert errors == []


def _objects():
    tour = SCHEMA["properties"]["tours"]["items"]
    step_ = tour["properties"]["steps"]["items"]
    badge = SCHEMA["properties"]["badges"]["items"]
    wiki = SCHEMA["properties"]["wikis"]["items"]
    return {
        "top": (SCHEMA, validate.TOP_FIELDS),
        "tour": (tour, validate.TOUR_FIELDS),
        "step": (step_, validate.STEP_FIELDS),
        "when": (step_["properties"]["when"], validate.CONDITION_FIELDS),
        "unless": (step_["properties"]["unless"], validate.CONDITION_FIELDS),
        "badge": (badge, validate.BADGE_FIELDS),
        "badge requires": (badge["properties"]["requires"], validate.BADGE_REQUIRES_FIELDS),
        "wiki": (wiki, validate.WIKI_FIELDS),
        "change": (wiki["properties"]["changes"]["items"], validate.CHANGE_FIELDS),
        "change step": (wiki["properties"]["changes"]["items"]["properties"]["with"], validate.STEP_FIELDS),
    }


@pytest.mark.parametrize("name", list(_objects()))
def test_allowed_and_required_keys_agree(name):
    obj, fields = _objects()[name]
    assert list(obj["properties"]) == list(fields)
    assert obj["additionalProperties"] is False
    assert sorted(obj.get("required", [])) == sorted(k for k, required in fields.items() if required)
    for prop in obj["properties"].values():
        assert prop.get("description") or prop.get("$ref"), prop


def test_enums_agree_with_the_validator():
    step_ = SCHEMA["properties"]["tours"]["items"]["properties"]["steps"]["items"]["properties"]
    when = step_["when"]["properties"]
    assert when["action"]["anyOf"][0]["enum"] == list(validate.ACTIONS)
    assert when["skin"]["anyOf"][0]["enum"] == list(validate.SKIN_NAMES)
    assert when["editor"]["anyOf"][0]["enum"] == list(validate.EDITORS)
    assert step_["page"]["anyOf"][0]["enum"] == list(validate.PAGE_KEYWORDS)


# Each rejected by both the schema and the validator.
BOTH_REJECT = {
    "unknown top-level key": "colour: red\n" + BASE,
    "unknown tour key": BASE.replace("    minutes: 5", "    minutes: 5\n    sumary: x"),
    "unknown step key": step("colour: red\n"),
    "unknown condition key": step("when: {actoin: view}\n"),
    "missing required": BASE.replace("    audience: newcomer\n", ""),
    "minutes zero": BASE.replace("minutes: 5", "minutes: 0"),
    "bad id": BASE.replace("id: t1", "id: T1"),
    "unknown element": step("element: nope\n"),
    "unknown placement": step("placement: left\n"),
    "unknown advance": step("advance: later\n"),
    "unknown action": step("when: {action: veiw}\n"),
    "bad page title": step("page: 'a|b'\n"),
    "change with two kinds": BASE + "wikis:\n  - id: x\n    changes:\n      - {tour: t1, remove: s1, after: s1}\n",
    "change without new step": BASE + "wikis:\n  - id: x\n    changes:\n      - {tour: t1, replace: s1}\n",
    "badge without requirement": BASE + "badges:\n  - {id: b, name: B, description: D, requires: {}}\n",
    "newer format": "wikitours: 2\n" + BASE,
}


@pytest.mark.parametrize("name", list(BOTH_REJECT))
def test_schema_and_validator_both_reject(name):
    text = BOTH_REJECT[name]
    assert not schema_ok(text)
    library, problems = load_library(text, "t.yaml")
    assert library is None and any(p.severity == "error" for p in problems)


def test_schema_and_validator_both_accept_the_full_language():
    text = "wikitours: 1\nspecial-pages: [Homepage]\n" + step(
        "page: Special:Homepage\nelement: search\nplacement: end\nhighlight: false\nadvance: click\n"
        "when: {action: [view], namespace: [User talk, 4, -1], skin: vector-2022, editor: visual, logged-in: true}\n"
        "unless: {skin: minerva}\n"
    ).replace("minutes: 5", "minutes: 5\n    version: 2\n    badge: b") + """\
badges:
  - {id: b, name: B, description: D, requires: {tours: [t1]}}
  - {id: c, name: C, description: D, requires: {badges: b}}
wikis:
  - id: dewiki
    language: de
    pages: {"Help:A": "Hilfe:A"}
    changes:
      - {tour: t1, replace: s1, with: {id: s1-de, title: T, text: X}}
      - {tour: t1, after: s1, add: {id: s2-de, title: T, text: X}}
  - id: frwiki
    changes:
      - {tour: t1, remove: s1}
"""
    assert VALIDATOR.is_valid(yaml.safe_load(text)), list(VALIDATOR.iter_errors(yaml.safe_load(text)))
    library, problems = load_library(text, "t.yaml")
    assert [p.message for p in problems] == [] and library is not None
