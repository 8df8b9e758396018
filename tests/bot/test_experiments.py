"""bot.experiments: the on-wiki configuration, deterministic assignment, the audit record."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from bot.experiments import (OUTCOME_NAMES, Assignment, Design, Experiment, Variant, assign,
                             bucket, choose, marker_attrs, parse_assignments, parse_config,
                             render_assignments, tours_for, verify)

DESIGN = {"primary": "activated_7d", "minimum-effect": 5, "planned-size": 3000}
CONFIG = {"experiments": [
    {"name": "welcome-tour-links", "active": True, "share": 20, **DESIGN,
     "variants": [{"id": "control"}, {"id": "no-tour-links", "tours": []},
                  {"id": "citations-first", "tours": ["citations", "first-edit"]}]}]}


def config(**changes) -> Experiment:
    entry = {**CONFIG["experiments"][0], **changes}
    found, problems = parse_config(json.dumps({"experiments": [entry]}, indent=4))
    assert problems == []
    return found[0]


def test_parse_config():
    found, problems = parse_config(json.dumps(CONFIG))
    assert problems == []
    (experiment,) = found
    assert experiment.share == 20 and experiment.active
    assert [v.id for v in experiment.variants] == ["control", "no-tour-links", "citations-first"]
    assert experiment.variant("control").tours is None
    assert experiment.variant("no-tour-links").tours == ()
    assert parse_config("") == ((), [])


@pytest.mark.parametrize("entry, words", [
    ({"name": "Bad Name", "share": 10, "variants": [{"id": "a"}, {"id": "b"}]}, '"name"'),
    ({"name": "x", "share": 120, "variants": [{"id": "a"}, {"id": "b"}]}, '"share"'),
    ({"name": "x", "share": True, "variants": [{"id": "a"}, {"id": "b"}]}, '"share"'),
    ({"name": "x", "share": 10, "variants": [{"id": "a"}]}, "at least two"),
    ({"name": "x", "share": 10, "variants": [{"id": "a"}, {"id": "a"}]}, "at least two"),
    ({"name": "x", "share": 10, "variants": [{"id": "a", "weight": -1}, {"id": "b"}]}, "weight"),
    ({"name": "x", "share": 10, "variants": [{"id": "a", "tours": "all"}, {"id": "b"}]},
     '"tours"'),
    ({"name": "x", "share": 10,
      "variants": [{"id": "<script>alert(1)</script>"}, {"id": "b"}]}, '"id"'),
])
def test_config_problems_are_readable_and_located(entry, words):
    text = json.dumps({"experiments": [{"name": "fine", "share": 5, **DESIGN,
                                        "variants": [{"id": "a"}, {"id": "b"}]}, entry]},
                      indent=4)
    found, problems = parse_config(text, "Project:Wikitours/Experiments.json")
    assert [e.name for e in found] == ["fine"]
    assert len(problems) == 1 and words in problems[0].message
    assert str(problems[0]).startswith("Project:Wikitours/Experiments.json:")
    assert problems[0].line > 1 or not isinstance(entry.get("name"), str)


def test_broken_json_and_hostile_shapes():
    (found, problems) = parse_config('{"experiments": [')
    assert found == () and str(problems[0]).startswith("Project:Wikitours/Experiments.json:1:")
    assert parse_config("[1, 2]")[0] == ()
    assert parse_config('{"experiments": "all"}')[0] == ()
    huge = {"experiments": [{"name": f"e{i}", "share": 1, "variants": [{"id": "a"}, {"id": "b"}]}
                            for i in range(500)]}
    assert len(parse_config(json.dumps(huge))[0]) == 20  # bounded
    same = {"experiments": [CONFIG["experiments"][0], CONFIG["experiments"][0]]}
    found, problems = parse_config(json.dumps(same))
    assert len(found) == 1 and "twice" in problems[0].message


def test_assignment_is_deterministic_and_near_the_share():
    experiment = config()
    names = [f"Newcomer {i}" for i in range(5000)]
    first = [assign(experiment, n) for n in names]
    assert first == [assign(experiment, n) for n in names]  # re-runs agree
    taken = [v for v in first if v is not None]
    assert 0.18 <= len(taken) / len(names) <= 0.22
    counts = Counter(v.id for v in taken)
    assert set(counts) == {"control", "no-tour-links", "citations-first"}
    assert all(abs(c / len(taken) - 1 / 3) < 0.05 for c in counts.values())
    # an independent hash per experiment: another name splits people differently
    other = config(name="other-test")
    assert [assign(other, n) is None for n in names] != [v is None for v in first]
    assert all(0 <= x < 1 for n in names[:50] for x in bucket("x", n))


def test_weights_stopping_and_changing_the_share():
    weighted = config(share=100, variants=[{"id": "control", "weight": 3}, {"id": "b"}])
    counts = Counter(assign(weighted, f"N{i}").id for i in range(4000))
    assert 0.72 <= counts["control"] / 4000 <= 0.78
    stopped = config(active=False)
    assert all(assign(stopped, f"N{i}") is None for i in range(200))
    # raising the share adds people but never moves anyone to another variant
    small, large = config(share=10), config(share=50)
    for i in range(2000):
        a, b = assign(small, f"N{i}"), assign(large, f"N{i}")
        if a is not None:
            assert b is not None and a.id == b.id


def test_choose_takes_the_first_experiment_that_takes_the_account():
    one, two = config(name="one", share=100), config(name="two", share=100)
    assert choose([one, two], "Ada").experiment == "one"
    assert choose([config(name="one", active=False), two], "Ada").experiment == "two"
    assert choose([], "Ada") is None


def test_verify_rejects_forged_records():
    experiment = config(share=100)
    real = choose([experiment], "Ada")
    assert verify(experiment, real)
    wrong = next(v.id for v in experiment.variants if v.id != real.variant)
    assert not verify(experiment, Assignment(experiment.name, wrong, "Ada"))
    assert not verify(experiment, Assignment(experiment.name, "made-up", "Ada"))


def test_tour_links_per_variant_and_marker():
    links = [("first-edit", "Special:MyPage/sandbox", "Your first edit"),
             ("citations", "Special:MyPage/sandbox", "Citations"),
             ("talk", "Special:MyTalk", "Talk pages")]
    experiment = config()
    assert tours_for(None, links) == links
    assert tours_for(experiment.variant("control"), links) == links
    assert tours_for(experiment.variant("no-tour-links"), links) == []
    assert [t[0] for t in tours_for(experiment.variant("citations-first"), links)] == [
        "citations", "first-edit"]
    assert marker_attrs(None) == {}
    assert marker_attrs(Assignment("x", "b", "Ada")) == {"experiment": "x", "variant": "b"}


def test_assignment_records_round_trip_and_hostile_entries():
    entries = [Assignment("x", "control", "Ada", "2026-11-25T10:00:00Z"),
               Assignment("x", "b", 'Bo "<!--', "2026-11-25T10:00:01Z")]
    text = render_assignments("x", entries)
    assert parse_assignments(text) == tuple(entries)
    hostile = json.dumps({"experiment": "x", "assignments": [
        {"username": "A" * 500, "variant": "b"}, {"username": "C", "variant": "B A D"},
        "nonsense", {"username": 5, "variant": "b"}, {"username": "D", "variant": "b"},
        {"username": "D", "variant": "control"}]})
    assert parse_assignments(hostile) == (Assignment("x", "b", "D", ""),)
    assert parse_assignments("{") == () and parse_assignments('{"assignments": []}') == ()
    assert Variant("a").weight == 1.0


def test_trial_shapes_each_welcome_and_records_only_saved_ones():
    from bot.experiments import Trial

    logged: list[str] = []
    text = json.dumps({"experiments": [{**CONFIG["experiments"][0], "share": 100}]})
    trial = Trial.from_page(text, "P.json", "2026-11-25T10:00:00Z", logged.append)
    links = [("first-edit", "S", "First"), ("citations", "S", "Cite")]
    render = lambda chosen: ",".join(t[0] for t in chosen)  # noqa: E731
    seen = {}
    for i in range(30):
        name = f"Trial {i}"
        tours, marker = trial.welcome(name, links, render, "USUAL")
        variant = marker["variant"]
        seen[variant] = tours
        if i % 2:
            trial.welcomed(name)
    assert seen == {"control": "USUAL", "no-tour-links": "",
                    "citations-first": "citations,first-edit"}
    assert len(trial.assigned) == 15 and all(a.assigned == "2026-11-25T10:00:00Z"
                                             for a in trial.assigned)
    trial.repair("Old", "welcome-tour-links", "control")
    trial.repair("Old2", "unknown-experiment", "control")
    assert trial.assigned[-1].username == "Old" and len(trial.assigned) == 16
    broken = Trial.from_page("{", "P.json", "", logged.append)
    assert broken.welcome("X", links, render, "USUAL") == ("USUAL", {})
    assert logged and logged[0].startswith("P.json:1:")


@pytest.mark.parametrize("changes, words", [
    ({"primary": "happiness"}, '"primary" must be one of activated_24h'),
    ({"primary": "<script>x</script>"}, '"primary" must be one of'),
    ({"minimum-effect": 0}, '"minimum-effect"'),
    ({"minimum-effect": 80}, '"minimum-effect"'),
    ({"minimum-effect": True}, '"minimum-effect"'),
    ({"planned-size": 1}, '"planned-size"'),
    ({"planned-size": 2.5}, '"planned-size"'),
    ({"planned-size": None}, '"planned-size" or "end"'),
    ({"planned-size": None, "end": "2026-02-30"}, '"end"'),
    ({"planned-size": None, "end": "soon"}, '"end"'),
])
def test_a_broken_design_is_reported_and_takes_nobody(changes, words):
    entry = {**CONFIG["experiments"][0], **changes}
    entry = {k: v for k, v in entry.items() if v is not None}
    (experiment,), problems = parse_config(json.dumps({"experiments": [entry]}, indent=2))
    assert experiment.design is None and len(problems) == 1
    assert words in problems[0].message and "<script>" not in str(problems[0])
    from bot.experiments import Trial

    trial = Trial((experiment,), "2026-11-25T10:00:00Z")
    assert all(trial.welcome(f"N{i}", [], lambda t: "", "USUAL") == ("USUAL", {})
               for i in range(50))


def test_the_design_is_declared_on_the_wiki():
    experiment = config()
    assert experiment.design == Design("activated_7d", 5.0, 3000, None)
    dated = config(**{"planned-size": None, "end": "2027-01-31"})
    assert dated.design == Design("activated_7d", 5.0, None, "2027-01-31")
    bare = {k: v for k, v in CONFIG["experiments"][0].items() if k not in DESIGN}
    (found,), problems = parse_config(json.dumps({"experiments": [bare]}))
    assert found.design is None and "declares no design" in problems[0].message
    from toolforge.outcomes import OUTCOMES
    assert OUTCOME_NAMES == OUTCOMES


class FakeWiki:
    """The bot's wiki edge, in memory: read and save pages (for the record pages only)."""

    class Page:
        def __init__(self, title, text=""):
            self.title, self.text, self.exists = title, text, bool(text)

    class Result:
        ok, status, info = True, "saved", ""

    def __init__(self, pages=None):
        self.pages = dict(pages or {})

    def read(self, titles):
        return {t: self.Page(t, self.pages.get(t, "")) for t in titles}

    def save(self, page, text, summary, model=None):
        self.pages[page.title] = text
        return self.Result()


def test_assignments_freeze_and_a_changed_design_takes_nobody_new():
    from bot.experiments import Trial, parse_record, record_title

    first = {"experiments": [{**CONFIG["experiments"][0], "share": 100}]}
    wiki = FakeWiki()
    trial = Trial.from_page(json.dumps(first), "P.json", "2026-11-25T10:00:00Z", print)
    trial.load_records(wiki)
    arms = {}
    for i in range(60):
        _, marker = trial.welcome(f"Early {i}", [], lambda t: "", "USUAL")
        arms[f"Early {i}"] = marker["variant"]
        trial.welcomed(f"Early {i}")
    assert trial.save(wiki, lambda name, n: "s", "Project:Wikitours") == []
    record = parse_record(wiki.pages[record_title("welcome-tour-links")])
    assert record.design == (("control", 1.0), ("no-tour-links", 1.0), ("citations-first", 1.0))
    assert record.plan == Design("activated_7d", 5.0, 3000, None)
    # the wiki re-weights the variants and drops one: a changed design
    changed = {"experiments": [{**first["experiments"][0], "variants": [
        {"id": "control", "weight": 3}, {"id": "no-tour-links"}]}]}
    logged: list[str] = []
    later = Trial.from_page(json.dumps(changed), "P.json", "2026-11-26T10:00:00Z", print)
    later.load_records(wiki, log=logged.append)
    assert any("differ from the ones it started with" in line for line in logged)
    # somebody recorded keeps the recorded arm (a crash and a second welcome, say) ...
    _, marker = later.welcome("Early 3", [], lambda t: "", "USUAL")
    assert marker["variant"] == arms["Early 3"]
    # ... and nobody new joins
    assert later.welcome("Newcomer after the change", [], lambda t: "", "USUAL") == ("USUAL", {})
    # the record keeps its first design; verifying against it keeps everyone
    experiments, _ = parse_config(json.dumps(changed))
    for entry in record.assignments:
        assert verify(experiments[0], entry, record.design)
    moved = [a for a in record.assignments if not verify(experiments[0], a)]
    assert moved  # against the edited configuration many would have been dropped


def test_the_bot_stops_at_the_planned_size_and_the_end_date():
    from bot.experiments import Assignment, Trial, record_title, render_assignments

    small = {"experiments": [{**CONFIG["experiments"][0], "share": 100, "planned-size": 3}]}
    name = "welcome-tour-links"
    full = render_assignments(name, [Assignment(name, "control", f"U{i}") for i in range(3)])
    trial = Trial.from_page(json.dumps(small), "P.json", "2026-11-25T10:00:00Z", print)
    trial.load_records(FakeWiki({record_title(name): full}), log=lambda line: None)
    assert trial.welcome("Late", [], lambda t: "", "USUAL") == ("USUAL", {})
    dated = {"experiments": [{**CONFIG["experiments"][0], "share": 100, "planned-size": None,
                              "end": "2026-11-24"}]}
    dated["experiments"][0] = {k: v for k, v in dated["experiments"][0].items()
                               if v is not None}
    trial = Trial.from_page(json.dumps(dated), "P.json", "2026-11-25T10:00:00Z", print)
    assert trial.welcome("Late", [], lambda t: "", "USUAL") == ("USUAL", {})
    trial = Trial.from_page(json.dumps(dated), "P.json", "2026-11-24T10:00:00Z", print)
    assert trial.welcome("On time", [], lambda t: "", "USUAL")[1] != {}


def test_hostile_record_designs_are_ignored():
    from bot.experiments import parse_record

    for design in ({"variants": "all"}, {"variants": [{"id": "a"}]},
                   {"variants": [{"id": "a"}, {"id": "a"}]},
                   {"variants": [{"id": "<b>", "weight": 1}, {"id": "b"}]},
                   {"variants": [{"id": "a", "weight": -1}, {"id": "b"}]}, "x"):
        text = json.dumps({"experiment": "x", "design": design, "assignments": []})
        assert parse_record(text).design is None
    assert parse_record("{").design is None


def test_the_playgrounds_experiment_declares_its_design():
    from playground.cli import EXPERIMENTS

    (experiment,), problems = parse_config(json.dumps(EXPERIMENTS))
    assert problems == [] and experiment.design is not None
    assert experiment.design.primary in OUTCOME_NAMES and experiment.design.planned_size


def test_the_primary_outcome_and_horizon_freeze_too():
    """Changing the primary outcome or the planned size after the start (after a look at the
    data, say) is a new experiment: the bot takes nobody new, the report keeps the first."""
    from bot.experiments import (Trial, closed_reason, design_record, parse_record,
                                 record_title)
    from toolforge.experiment_report import design_from
    from toolforge.outcomes_fetch import design_entry

    first = config(share=100)
    record = parse_record(render_assignments(first.name, [Assignment(first.name, "control",
                                                                     "Ada")],
                                             design_record(first)))
    assert closed_reason(first, record, "2026-11-25T10:00:00Z") == ""
    for changes in ({"primary": "retained"}, {"planned-size": 6000}, {"minimum-effect": 2}):
        edited = config(share=100, **changes)
        assert "differ from the ones it started with" in closed_reason(
            edited, record, "2026-11-25T10:00:00Z")
        trial = Trial((edited,), "2026-11-25T10:00:00Z")
        trial.load_records(FakeWiki({record_title(first.name): render_assignments(
            first.name, record.assignments, record.raw)}), log=lambda line: None)
        assert trial.welcome("Someone new", [], lambda t: "", "USUAL") == ("USUAL", {})
        design, _, _, changed = design_from(design_entry(edited, record.design, record.plan))
        assert changed and design == first.design  # the report keeps the first design
