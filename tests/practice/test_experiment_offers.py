"""Issue 19, outcomes: an experiment arm with ``"tasks": false`` gets no offers of practice tasks.

The contract (contracts/experiments.py) reads the setting and refuses anything but a boolean;
on a real MediaWiki in Chromium, a newcomer assigned to the arm without offers finishes a tour
that teaches a task's skill and is offered nothing, while a newcomer in the control arm is
offered real articles (the gadget reads the arm from the experiment's record page)."""

from __future__ import annotations

import json

import pytest

from contracts.experiments import Assignment, assign, design_record, parse_config, \
    render_assignments


CONFIG = {"experiments": [{
    "name": "offer-tasks", "share": 100, "primary": "practised", "minimum-effect": 5,
    "planned-size": 1000,
    "variants": [{"id": "control"}, {"id": "no-offers", "tasks": False}]}]}


def test_a_variant_can_switch_offers_off():
    (experiment,), problems = parse_config(json.dumps(CONFIG))
    assert problems == []
    assert [(v.id, v.tasks) for v in experiment.variants] == [("control", True),
                                                              ("no-offers", False)]


@pytest.mark.parametrize("value", ["false", 0, None, [], "<script>alert(1)</script>"])
def test_anything_but_a_boolean_is_a_problem(value):
    config = json.loads(json.dumps(CONFIG))
    config["experiments"][0]["variants"][1]["tasks"] = value
    experiments, problems = parse_config(json.dumps(config))
    assert experiments == ()
    assert [p.message.key for p in problems] == ["wikitours-problem-experiment-entry"]
    assert problems[0].message.params[1].key == "wikitours-problem-experiment-variant-tasks"


def _user_in(variant: str) -> str:
    """A newcomer name the experiment's hash puts in *variant* (deterministic: the same each run)."""
    (experiment,), _ = parse_config(json.dumps(CONFIG))
    for i in range(200):
        name = f"Newcomer Arm{i}"
        chosen = assign(experiment, name)
        if chosen is not None and chosen.id == variant:
            return name
    raise AssertionError(f"no name in {variant}")


@pytest.fixture(scope="module")
def arms(wiki, tmp_path_factory):
    """A wiki with task lists whose type is taught by the short run-a-workshop tour, and the
    experiment with a recorded newcomer in each arm (as the bot records them)."""
    from playground.practiceseed import TASK_TYPES, seed_task_articles
    from publish.tasklists import run as publish_tasks
    from tests.gadget.test_gadget_support import build_and_deploy
    from wikiapi.client import Wiki

    seed_task_articles(wiki)
    types = json.loads(json.dumps(TASK_TYPES))
    types["types"][0]["learn"] = "run-a-workshop"
    wiki.edit("Project:Wikitours/Tasks.json", json.dumps(types), contentmodel="json")
    build_and_deploy(wiki, tmp_path_factory.mktemp("build"), languages=("en",))
    assert publish_tasks(Wiki(wiki.site()), log=lambda line: None).saved
    (experiment,), _ = parse_config(json.dumps(CONFIG))
    users = {arm: _user_in(arm) for arm in ("control", "no-offers")}
    for name in users.values():
        wiki.create_user(name)
    wiki.edit("Project:Wikitours/Experiments.json", json.dumps(CONFIG), contentmodel="json")
    wiki.edit("Project:Wikitours/Experiments/offer-tasks.json", render_assignments(
        "offer-tasks", [Assignment("offer-tasks", arm, name, "2026-12-06T20:00:00Z")
                        for arm, name in users.items()], design_record(experiment)),
        contentmodel="json")
    return wiki, users


def _finish_short_tour(page, wiki) -> None:
    from tests.gadget.test_gadget_support import POPOVER, wait_title

    page.goto(f"{wiki.index}?title=Help:Wikitours&wikitour=run-a-workshop")
    wait_title(page, "Choose the tours")
    page.click(f'{POPOVER} [data-wikitours="next"]')
    wait_title(page, "Create a cohort")
    page.click(f'{POPOVER} [data-wikitours="next"]')
    wait_title(page, "Certificates")
    page.click(f'{POPOVER} [data-wikitours="done"]')
    wait_title(page, "Tour completed")


@pytest.mark.browser
@pytest.mark.parametrize("arm, offered", [("control", True), ("no-offers", False)])
def test_the_arm_without_offers_is_offered_nothing(arms, page, arm, offered):
    from tests.gadget.test_gadget_support import POPOVER

    wiki, users = arms
    wiki.login(page, users[arm])
    _finish_short_tour(page, wiki)
    box = page.locator(f"{POPOVER} .wikitours-tasks__offer[data-wikitours-offers]")
    box.wait_for(state="attached")
    assert box.get_attribute("data-wikitours-offers") == ("on" if offered else "off")
    links = page.locator(f"{POPOVER} .wikitours-tasks__offer a[data-wikitours-task]")
    if offered:
        links.first.wait_for(state="visible")
        assert 1 <= links.count() <= 3
        assert all("wikitask=citation" in (links.nth(i).get_attribute("href") or "")
                   for i in range(links.count()))
    else:
        assert links.count() == 0
        assert page.locator(f"{POPOVER} .wikitours-tasks__intro").count() == 0
