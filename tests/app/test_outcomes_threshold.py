"""The wiki's own report threshold: parsing it from the configuration page (with readable
problems for broken values, hostile ones included) and the floor rule against the operator's
threshold. End to end on a real wiki: tests/app/test_outcomes_wiki.py."""

from __future__ import annotations

import json

import pytest

from bot.experiments import MAX_REPORT_THRESHOLD, parse_config, parse_report_threshold
from toolforge.reports import effective_threshold

PAGE = "Project:Wikitours/Experiments.json"


@pytest.mark.parametrize("value", [1, 20, MAX_REPORT_THRESHOLD])
def test_a_whole_number_is_the_wikis_threshold(value):
    text = json.dumps({"report-threshold": value, "experiments": []})
    assert parse_report_threshold(text, PAGE) == (value, [])
    assert parse_config(text, PAGE) == ((), [])  # the experiments parser is not disturbed


@pytest.mark.parametrize("text", ["", "  ", '{"experiments": []}', "[1, 2]", "{not json",
                                  '"report-threshold"'])
def test_no_field_or_no_page_means_none_without_a_new_problem(text):
    assert parse_report_threshold(text, PAGE) == (None, [])


@pytest.mark.parametrize("value", [0, -3, 2.5, 10.0, True, False, None, "10",
                                   "<script>alert(1)</script>", [10], {"n": 10},
                                   MAX_REPORT_THRESHOLD + 1, 10 ** 400])
def test_a_broken_value_is_reported_where_it_is_and_not_guessed(value):
    text = '{"experiments": [],\n  "report-threshold": ' + json.dumps(value) + "}"
    found, problems = parse_report_threshold(text, PAGE)
    assert found is None and len(problems) == 1
    assert str(problems[0]).startswith(f"{PAGE}:2:3: \"report-threshold\" must be a whole number")
    assert "<script>" not in str(problems[0])


def test_the_operators_threshold_is_a_floor():
    assert effective_threshold(10, None) == 10      # the wiki sets none: the operator's
    assert effective_threshold(10, 25) == 25        # the wiki raises it
    assert effective_threshold(10, 3) == 10         # and cannot lower it below the floor
    assert effective_threshold(2, 3) == 3           # unless the operator allows lower
    assert effective_threshold(0, None) == 1        # never below one
