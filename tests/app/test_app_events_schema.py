"""The event schema's two validators, without a database.

Kept apart from tests/app/test_app_events.py, whose autouse fixture runs every test there on SQLite
and on MariaDB: this check touches no database, so it runs once and starts no server.
"""

from __future__ import annotations


def test_both_validators_agree_with_the_published_schema():
    """The fast compiled check and jsonschema's explanation accept and refuse the same."""
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from jsonschema import Draft7Validator

    from toolforge.events import SCHEMA, _FAST, _VALIDATOR, schema_problem

    Draft7Validator.check_schema(SCHEMA)
    text_ = st.one_of(st.sampled_from(["welcome", "first-edit", "de", "vector-2022", "shown",
                                       "started", "x\n", "A", ""]), st.text(max_size=8))
    value = st.one_of(text_, st.integers(-2, 40000), st.booleans(), st.none())
    ev = st.dictionaries(st.sampled_from(["tour", "version", "step", "index", "action", "lang",
                                          "skin", "user"]), value, max_size=8)

    @settings(max_examples=300, deadline=None)
    @given(st.fixed_dictionaries({"wiki": text_, "events": st.lists(ev, max_size=3)}))
    def check(batch):
        fast_ok = schema_problem(batch) is None
        assert fast_ok == _VALIDATOR.is_valid(batch)
        if fast_ok:
            _FAST(batch)

    check()
