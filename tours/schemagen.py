"""Generate ``tours/schema/tours.schema.json`` (JSON Schema draft 2020-12) from the validator.

Editors with a YAML language server read the schema named on the first line of
``tours.yaml`` and complete field names, element names, actions and namespaces as people type.
The schema is derived from the same tables the validator uses (:mod:`tours.validate`,
:mod:`tours.catalogue`, :mod:`tours.namespaces`), so the two cannot disagree on which fields
exist; a test checks that the shipped file is up to date. Regenerate with
``python -m tours.schemagen`` after changing the language or its descriptions.

The descriptions are the English messages of ``i18n/reference`` (read through
:mod:`tours.render.reference`), which the generated reference page on the wiki shows in every
language: one text per field, for the schema and the page alike.

The schema is a help for typing; ``python -m tours lint`` remains the full check (cycles,
unknown ids, markup, special pages…).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tours import catalogue, namespaces
from tours.render import reference
from tours.model import ADVANCES, AUDIENCES, EVIDENCE_KINDS, PLACEMENTS
from tours.validate import (
    ACTIONS,
    BADGE_FIELDS,
    BADGE_REQUIRES_FIELDS,
    CHANGE_FIELDS,
    CONDITION_FIELDS,
    DIALOGS,
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


def _d(section: str, name: str, schema: dict) -> dict:
    """*schema* described by the field's message (the reference page's English text)."""
    return dict(schema, description=reference.field_description(section, name))


def _texts() -> str:
    return reference.english("value-text") + ". " + reference.english("texts")


_ID = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}
_TEXT = {"type": "string", "minLength": 1}
_LANGUAGE = {"type": "string", "pattern": "^[a-z]{2,3}(-[a-z0-9]{2,8})*$"}
_TITLE_PATTERN = "^[^#<>\\[\\]{}|]+$"


def _one_or_many(item: dict) -> dict:
    return {"anyOf": [item, {"type": "array", "items": item, "minItems": 1, "uniqueItems": True}]}


def _enum(values) -> dict:
    return {"type": "string", "enum": list(values)}


def _alternatives(one: dict, kind: str) -> dict:
    """A step's ``element``/``selector``: one value, or an ordered list of values and of
    alternatives for some skins, MediaWiki versions or DiscussionTools (tour language)."""
    alternative = {
        "type": "object",
        "properties": {
            "element": _enum(catalogue.ELEMENTS),
            "selector": {"type": "string", "minLength": 1},
            "skin": _one_or_many(_enum(SKIN_NAMES)),
            "mediawiki": {"type": "string", "pattern": "^[0-9]+\\.[0-9]+(\\+|-[0-9]+\\.[0-9]+)?$"},
            "discussion-tools": {"type": "boolean"},
        },
        "oneOf": [{"required": ["element"]}, {"required": ["selector"]}],
        "additionalProperties": False,
    }
    return {"anyOf": [one, {"type": "array", "minItems": 1, "items": {"anyOf": [one, alternative]}}]}


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
    """The schema as a dict (deterministic, so the shipped file can be compared).

    Every description is an English message of ``i18n/reference`` (:mod:`tours.render.reference`),
    the same text the reference page on the wiki shows in every language.
    """
    names = [n for n in namespaces.canonical_names()] + ["Main"]
    intro = reference.section_intro
    c = "condition"
    conditions = _object(CONDITION_FIELDS, {
        "action": _d(c, "action", _one_or_many(_enum(ACTIONS))),
        "namespace": _d(c, "namespace", _one_or_many(
            {"anyOf": [_enum(names), {"type": "integer", "minimum": -1}]})),
        "skin": _d(c, "skin", _one_or_many(_enum(SKIN_NAMES))),
        "editor": _d(c, "editor", _one_or_many(_enum(EDITORS))),
        "logged-in": _d(c, "logged-in", {"type": "boolean"}),
        "previewing": _d(c, "previewing", {"type": "boolean"}),
        "showing-changes": _d(c, "showing-changes", {"type": "boolean"}),
        "watched": _d(c, "watched", {"type": "boolean"}),
        "dialog": _d(c, "dialog", _one_or_many(_enum(DIALOGS))),
    }, intro(c))
    page = {"anyOf": [_enum(PAGE_KEYWORDS),
                      {"type": "string", "pattern": _TITLE_PATTERN,
                       "description": reference.english("value-title")}]}
    s = "step"
    step = _object(STEP_FIELDS, {
        "id": _d(s, "id", _ID),
        "page": _d(s, "page", page),
        "element": _d(s, "element", _alternatives(_enum(catalogue.ELEMENTS), "element")),
        "selector": _d(s, "selector", _alternatives({"type": "string", "minLength": 1}, "selector")),
        "placement": _d(s, "placement", _enum(PLACEMENTS)),
        "highlight": _d(s, "highlight", {"type": "boolean"}),
        "title": dict(_TEXT, description=reference.field_description(s, "title") + " " + _texts()),
        "text": dict(_TEXT, description=reference.field_description(s, "text") + " " + _texts()),
        "skin-text": _d(s, "skin-text", {"type": "object", "propertyNames": _enum(SKIN_NAMES),
                                         "additionalProperties": _TEXT}),
        "advance": _d(s, "advance", _enum(ADVANCES)),
        "when": _d(s, "when", conditions),
        "unless": _d(s, "unless", conditions),
    }, intro(s))
    t = "tour"
    tour = _object(TOUR_FIELDS, {
        "id": _d(t, "id", _ID),
        "title": _d(t, "title", _TEXT),
        "summary": _d(t, "summary", _TEXT),
        "audience": _d(t, "audience", _enum(AUDIENCES)),
        "minutes": _d(t, "minutes", {"type": "integer", "minimum": 1}),
        "version": _d(t, "version", {"type": "integer", "minimum": 1}),
        "requires": _d(t, "requires", _one_or_many(_ID)),
        "badge": _d(t, "badge", _ID),
        "steps": _d(t, "steps", {"type": "array", "items": step, "minItems": 1}),
    }, intro(t))
    b, r = "badge", "badge-requires"
    badge = _object(BADGE_FIELDS, {
        "id": _d(b, "id", _ID),
        "name": _d(b, "name", _TEXT),
        "description": _d(b, "description", _TEXT),
        "requires": _d(b, "requires", dict(_object(BADGE_REQUIRES_FIELDS, {
            "tours": _d(r, "tours", _one_or_many(_ID)),
            "badges": _d(r, "badges", _one_or_many(_ID)),
        }, intro(r)), minProperties=1)),
        "evidence": _d(b, "evidence", _one_or_many(_enum(EVIDENCE_KINDS))),
    }, intro(b))
    ch = "change"
    change_props = {
        "tour": _d(ch, "tour", _ID),
        "replace": _d(ch, "replace", _ID),
        "with": _d(ch, "with", step),
        "after": _d(ch, "after", _ID),
        "add": _d(ch, "add", step),
        "remove": _d(ch, "remove", _ID),
    }
    change = _object(CHANGE_FIELDS, change_props, intro(ch))
    change["oneOf"] = [
        {"required": ["replace", "with"], "not": {"anyOf": [{"required": ["after"]}, {"required": ["add"]}, {"required": ["remove"]}]}},
        {"required": ["after", "add"], "not": {"anyOf": [{"required": ["replace"]}, {"required": ["with"]}, {"required": ["remove"]}]}},
        {"required": ["remove"], "not": {"anyOf": [{"required": ["replace"]}, {"required": ["with"]}, {"required": ["after"]}, {"required": ["add"]}]}},
    ]
    w = "wiki"
    wiki = _object(WIKI_FIELDS, {
        "id": _d(w, "id", {"type": "string", "pattern": "^[a-z0-9][a-z0-9_.-]*$"}),
        "language": _d(w, "language", _LANGUAGE),
        "pages": _d(w, "pages", {
            "type": "object", "propertyNames": {"pattern": _TITLE_PATTERN},
            "additionalProperties": {"type": "string", "pattern": _TITLE_PATTERN}}),
        "changes": _d(w, "changes", {"type": "array", "items": change}),
        "skins": _d(w, "skins", _one_or_many(_enum(SKIN_NAMES))),
        "mediawiki": _d(w, "mediawiki", {"type": "string", "pattern": "^[0-9]+\\.[0-9]+$"}),
    }, intro(w))
    h = "header"
    top = _object(TOP_FIELDS, {
        "wikitours": _d(h, "wikitours", {"const": FORMAT}),
        "source-language": _d(h, "source-language", _LANGUAGE),
        "tours": _d(h, "tours", {"type": "array", "items": tour, "minItems": 1}),
        "badges": _d(h, "badges", {"type": "array", "items": badge}),
        "wikis": _d(h, "wikis", {"type": "array", "items": wiki}),
        "special-pages": _d(h, "special-pages", _one_or_many({"type": "string", "minLength": 1})),
    }, intro(h))
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
