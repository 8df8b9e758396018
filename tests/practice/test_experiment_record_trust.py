"""The gadget counts an experiment's record page only when a trusted account saved it last.

``Project:Wikitours/Experiments/<name>.json`` decides whether a reader is offered practice
tasks, and any account may be able to edit a Project: page. On a real MediaWiki in Chromium:
a record that assigns a newcomer to the arm without offers, saved by an ordinary account, is
ignored (the newcomer is offered tasks, as readers outside the experiment are); the very same
text saved by the bot account counts (no offers). Only the author differs between the two.
"""

from __future__ import annotations

import json

import pytest

from contracts.experiments import Assignment, design_record, parse_config, render_assignments
from tests.practice.test_experiment_offers import CONFIG, _finish_short_tour, arms  # noqa: F401

FORGER = "Record Forger"


def _forged(users, when: str = "2026-12-06T20:00:00Z") -> str:
    """The record with the control arm's newcomer moved to the arm without offers."""
    (experiment,), _ = parse_config(json.dumps(CONFIG))
    return render_assignments("offer-tasks", [
        Assignment("offer-tasks", "no-offers", name, when)
        for name in users.values()], design_record(experiment))


def _offers(page, wiki, user) -> str:
    from tests.gadget.test_gadget_support import POPOVER

    wiki.login(page, user)
    _finish_short_tour(page, wiki)
    box = page.locator(f"{POPOVER} .wikitours-tasks__offer[data-wikitours-offers]")
    box.wait_for(state="attached")
    return box.get_attribute("data-wikitours-offers")


@pytest.mark.browser
def test_a_record_edited_by_an_ordinary_account_is_ignored(arms, page):  # noqa: F811
    wiki, users = arms
    try:
        wiki.account(FORGER)
    except KeyError:
        wiki.create_user(FORGER)
    assert "editsitejson" not in wiki.user_rights(FORGER)["rights"]
    title = "Project:Wikitours/Experiments/offer-tasks.json"
    wiki.edit(title, _forged(users), user=FORGER, contentmodel="json")
    assert wiki.history(title)[-1]["user"] == FORGER
    assert _offers(page, wiki, users["control"]) == "on"  # the forged assignment counts for nobody

    # the same assignments (a second later: a real edit, not a null edit), by the bot
    wiki.edit(title, _forged(users, "2026-12-06T20:00:01Z"), user=wiki.bot.name,
              contentmodel="json")
    assert wiki.history(title)[-1]["user"] == wiki.bot.name
    page.context.clear_cookies()
    assert _offers(page, wiki, users["control"]) == "off"  # counted
