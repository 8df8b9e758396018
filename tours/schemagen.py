"""Generate ``tours/schema/tours.schema.json`` (JSON Schema draft 2020-12) from the validator.

Editors with a YAML language server read the schema named on the first line of
``tours.yaml`` and complete field names, element names, actions and namespaces as people type.
The schema is derived from the same tables the validator uses (:mod:`tours.validate`,
:mod:`tours.catalogue`, :mod:`tours.namespaces`), so the two cannot disagree on which fields
exist; a test checks that the shipped file is up to date. Regenerate with
``python -m tours.schemagen`` after changing the language.

The schema is a help for typing; ``python -m tours lint`` remains the full check (cycles,
unknown ids, markup, special pages…).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tours import catalogue, namespaces
from tours.model import ADVANCES, AUDIENCES, PLACEMENTS
from tours.validate import (
    ACTIONS,
    BADGE_FIELDS,
    BADGE_REQUIRES_FIELDS,
    CHANGE_FIELDS,
    CONDITION_FIELDS,
    EDITORS,
    FORMAT,
    PAGE_KEYWORDS,
    SKIN_NAMES,
    STEP_FIELDS,
    TOP_FIELDS,
    TOUR_FIELDS,
    WIKI_FIELDS,
)

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "tours.schema.json"

_ID = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
       "description": "Lowercase letters, digits and hyphens, like first-edit. Used in links and message keys, so keep it once published."}
_TEXT = {"type": "string", "minLength": 1,
         "description": "Text in the safe wikitext subset: [[links]], [https://… label], '''bold''', ''italic'', {{PLURAL:…}}, {{GENDER:$1|…}}, $1 (the reader's user name), <code>, <kbd>."}
_LANGUAGE = {"type": "string", "pattern": "^[a-z]{2,3}(-[a-z0-9]{2,8})*$",
             "description": "A MediaWiki language code, like en, de or pt-br."}
_TITLE_PATTERN = "^[^#<>\\[\\]{}|]+$"


def _one_or_many(item: dict, description: str) -> dict:
    return {"description": description,
            "anyOf": [item, {"type": "array", "items": item, "minItems": 1, "uniqueItems": True}]}


def _enum(values, description: str) -> dict:
    return {"type": "string", "enum": list(values), "description": description}


def _object(fields: dict[str, bool], properties: dict[str, dict], description: str) -> dict:
    assert set(properties) == set(fields), (set(properties) ^ set(fields))
    return {
        "type": "object",
        "description": description,
        "properties": {name: properties[name] for name in fields},
        "required": [name for name, required in fields.items() if required],
        "additionalProperties": False,
    }


def build_schema() -> dict:
    """The schema as a dict (deterministic, so the shipped file can be compared)."""
    names = [n for n in namespaces.canonical_names()] + ["Main"]
    conditions = _object(CONDITION_FIELDS, {
        "action": _one_or_many(_enum(ACTIONS, "A MediaWiki action."),
                               "Page actions: view (reading), edit and submit (source editor), history…"),
        "namespace": _one_or_many(
            {"anyOf": [_enum(names, "A canonical English namespace name."),
                       {"type": "integer", "minimum": -1, "description": "A namespace number."}]},
            "Namespaces by canonical English name (User talk, Help, (main)…) or number."),
        "skin": _one_or_many(_enum(SKIN_NAMES, "A skin."), "Skins the step shows in."),
        "editor": _one_or_many(_enum(EDITORS, "An editor."),
                               "source (wikitext editor) or visual (VisualEditor)."),
        "logged-in": {"type": "boolean", "description": "true: only logged-in readers; false: only logged-out ones."},
    }, "All given conditions must hold. Each takes one value or a list.")
    page = {"description": "Where the step happens: any, sandbox (the reader's User:NAME/sandbox), user-page, "
                           "user-talk, or a page title such as Help:Contents or Special:Watchlist.",
            "anyOf": [_enum(PAGE_KEYWORDS, "A page of the reader, or any page."),
                      {"type": "string", "pattern": _TITLE_PATTERN, "description": "A page title."}]}
    step = _object(STEP_FIELDS, {
        "id": _ID,
        "page": page,
        "element": _enum(catalogue.ELEMENTS, "A named interface element from the catalogue; it knows each skin's selectors."),
        "selector": {"type": "string", "minLength": 1,
                     "description": "A CSS selector, when no catalogue element fits. Use either element or selector."},
        "placement": _enum(PLACEMENTS, "Where the popover sits; start/end mirror in right-to-left languages."),
        "highlight": {"type": "boolean", "description": "Highlight the element (default true)."},
        "title": dict(_TEXT, description="The popover's title. " + _TEXT["description"]),
        "text": dict(_TEXT, description="The popover's text. " + _TEXT["description"]),
        "advance": _enum(ADVANCES, "How the step moves on: next (the Next button, default), click (on the element), "
                                   "saved (the edit is saved), editor-opened, visited (the next step's page)."),
        "when": dict(conditions, description="The step shows only when these hold."),
        "unless": dict(conditions, description="The step is skipped when these hold."),
    }, "One popover of a tour.")
    tour = _object(TOUR_FIELDS, {
        "id": _ID,
        "title": dict(_TEXT, description="The tour's name."),
        "summary": dict(_TEXT, description="One sentence on what the reader learns."),
        "audience": _enum(AUDIENCES, "Who the tour is for."),
        "minutes": {"type": "integer", "minimum": 1, "description": "About how long the tour takes."},
        "version": {"type": "integer", "minimum": 1,
                    "description": "Raise it when the steps change so much that finished readers should see it again (default 1)."},
        "requires": _one_or_many(_ID, "Tours to complete first (their ids)."),
        "badge": dict(_ID, description="The id of the badge this tour earns."),
        "steps": {"type": "array", "items": step, "minItems": 1, "description": "The steps, in order."},
    }, "A guided tour.")
    badge = _object(BADGE_FIELDS, {
        "id": _ID,
        "name": dict(_TEXT, description="The badge's name."),
        "description": dict(_TEXT, description="What the holder did."),
        "requires": dict(_object(BADGE_REQUIRES_FIELDS, {
            "tours": _one_or_many(_ID, "Tours to complete."),
            "badges": _one_or_many(_ID, "Badges to hold first: a badge made of badges is a pathway."),
        }, "What earns the badge."), minProperties=1),
    }, "A badge, earned by completing tours and holding other badges.")
    new_step = dict(step, description="The new step, with an id of its own.")
    change_props = {
        "tour": dict(_ID, description="The tour to change."),
        "replace": dict(_ID, description="The step to replace (give the new one under 'with')."),
        "with": new_step,
        "after": dict(_ID, description="Add a step after this one (give it under 'add')."),
        "add": new_step,
        "remove": dict(_ID, description="The step to drop on this wiki."),
    }
    change = _object(CHANGE_FIELDS, change_props, "A local change to one step of a tour.")
    change["oneOf"] = [
        {"required": ["replace", "with"], "not": {"anyOf": [{"required": ["after"]}, {"required": ["add"]}, {"required": ["remove"]}]}},
        {"required": ["after", "add"], "not": {"anyOf": [{"required": ["replace"]}, {"required": ["with"]}, {"required": ["remove"]}]}},
        {"required": ["remove"], "not": {"anyOf": [{"required": ["replace"]}, {"required": ["with"]}, {"required": ["after"]}, {"required": ["add"]}]}},
    ]
    wiki = _object(WIKI_FIELDS, {
        "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_.-]*$", "description": "The wiki's id, like dewiki."},
        "language": _LANGUAGE,
        "pages": {"type": "object", "description": "Library page title → this wiki's page title (step pages and [[links]]).",
                  "propertyNames": {"pattern": _TITLE_PATTERN},
                  "additionalProperties": {"type": "string", "pattern": _TITLE_PATTERN}},
        "changes": {"type": "array", "items": change, "description": "Steps this wiki replaces, adds or removes."},
    }, "How one wiki adapts the library without copying it.")
    top = _object(TOP_FIELDS, {
        "wikitours": {"const": FORMAT, "description": "The version of the tour language (1)."},
        "source-language": dict(_LANGUAGE, description="The language the texts in this file are written in."),
        "tours": {"type": "array", "items": tour, "minItems": 1, "description": "The guided tours."},
        "badges": {"type": "array", "items": badge, "description": "Badges and pathways."},
        "wikis": {"type": "array", "items": wiki, "description": "Local adaptations per wiki."},
        "special-pages": _one_or_many({"type": "string", "minLength": 1},
                                      "Special pages added by extensions, which steps may use (like Homepage)."),
    }, "A wikitours library: guided tours for MediaWiki wikis. See docs/tour-language.md.")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "tours.schema.json",
            "title": "wikitours tours file", **top}


def render() -> str:
    return json.dumps(build_schema(), indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    SCHEMA_PATH.parent.mkdir(parents=True, exist_ok=True)
    SCHEMA_PATH.write_text(render(), "utf-8")
    print(f"wrote {SCHEMA_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
