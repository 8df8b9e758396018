"""The welcome bot runs an experiment from the wiki's own configuration (real MediaWiki).

Newcomers sign up through the API; the bot (in this process, through Pywikibot) assigns each to
an arm by hash, welcomes them as the arm says (with or without tour links, or another first
tour), writes the assignment into the welcome marker and into the public record page; one edit
of the configuration stops the experiment.
"""

from __future__ import annotations

import json

import pytest

from contracts import markers
from bot.experiments import choose, parse_assignments, parse_config
from wikiapi.client import Wiki as BotWiki
from bot.welcome import Config, WelcomeBot

PROJECT = "Project:Wikitours"  # the default, which the app reads
CONFIG = {"experiments": [{"name": "tour-links", "active": True, "share": 100,
                           "primary": "activated_24h", "minimum-effect": 20, "planned-size": 9,
                           "variants": [
    {"id": "control"}, {"id": "no-tour-links", "tours": []},
    {"id": "mentor-first", "tours": ["ask-mentor"]}]}]}


def run_bot(wiki) -> tuple:
    lines: list[str] = []
    bot = WelcomeBot(BotWiki(wiki.site(), out=lines.append), Config(project=PROJECT, seed=1),
                     log=lines.append)
    return bot.run(), lines


@pytest.fixture(scope="module")
def prepared(wiki):
    assert WelcomeBot(BotWiki(wiki.site()), Config(project=PROJECT),
                      log=lambda line: None).setup()
    wiki.edit("MediaWiki:Gadget-wikitours-tours.json", json.dumps({
        "tours": {"first-edit": {"version": 1, "steps": 1, "audience": "newcomer"},
                  "ask-mentor": {"version": 1, "steps": 1, "audience": "newcomer"}},
        "languages": {"en": {"dir": "ltr", "fallbacks": []}}}))
    for tour, kind in (("first-edit", "sandbox"), ("ask-mentor", "user-talk")):
        wiki.edit(f"MediaWiki:Wikitours/tours/{tour}.json", json.dumps({
            "id": tour, "version": 1, "requires": [], "sourceLanguage": "en",
            "steps": [{"id": "one", "page": {"kind": kind}}]}))
    last = wiki.call(action="query", list="logevents", letype="newusers",
                     lelimit=1)["query"]["logevents"]
    wiki.edit(f"{PROJECT}/Bot/State.json", json.dumps({
        "format": 1, "newusers": {"timestamp": last[0]["timestamp"], "logid": last[0]["logid"]},
        "assertions": {"since": ""}, "stop": {"revid": 0}}), contentmodel="json")
    wiki.create_user("Exp Mentor")
    wiki.edit(f"{PROJECT}/Mentors/Settings.json", json.dumps({"min-edits": 0, "min-age-days": 0}),
              contentmodel="json")  # fresh test accounts may mentor here
    wiki.edit(f"{PROJECT}/Mentors.json", json.dumps({"mentors": [
        {"username": "Exp Mentor", "capacity": 100}]}), contentmodel="json")
    wiki.edit(f"{PROJECT}/Experiments.json", json.dumps(CONFIG), contentmodel="json")
    return wiki


def test_assignment_welcome_and_record(prepared):
    wiki = prepared
    experiments, _ = parse_config(json.dumps(CONFIG))
    names = [f"Exp Newcomer {i}" for i in range(9)]
    for name in names:
        wiki.create_user(name)
    report, lines = run_bot(wiki)
    assert len(report.welcomed) == len(names), lines
    record = {a.username: a for a in parse_assignments(
        wiki.wikitext(f"{PROJECT}/Experiments/tour-links.json"))}
    seen = set()
    for name in names:
        expected = choose(experiments, name)
        talk = wiki.wikitext(f"User talk:{name}")
        (marker,) = markers.find(talk, "welcome")
        assert (marker.get("experiment"), marker.get("variant")) == ("tour-links",
                                                                     expected.variant)
        assert markers.welcome_mentor(talk) == "Exp Mentor"  # the contract's marker still reads
        assert record[name].variant == expected.variant
        seen.add(expected.variant)
        links = {"first-edit": "wikitour=first-edit" in talk,
                 "ask-mentor": "wikitour=ask-mentor" in talk}
        if expected.variant == "control":
            assert links == {"first-edit": True, "ask-mentor": True}
        elif expected.variant == "no-tour-links":
            assert links == {"first-edit": False, "ask-mentor": False}
        else:
            assert links == {"first-edit": False, "ask-mentor": True}
    assert len(seen) >= 2  # nine newcomers spread over the arms


def test_stopping_is_one_edit(prepared):
    wiki = prepared
    stopped = json.loads(json.dumps(CONFIG))
    stopped["experiments"][0]["active"] = False
    wiki.edit(f"{PROJECT}/Experiments.json", json.dumps(stopped), contentmodel="json")
    before = wiki.wikitext(f"{PROJECT}/Experiments/tour-links.json")
    wiki.create_user("Exp Late Newcomer")
    report, lines = run_bot(wiki)
    assert [n for n, _ in report.welcomed] == ["Exp Late Newcomer"], lines
    talk = wiki.wikitext("User talk:Exp Late Newcomer")
    (marker,) = markers.find(talk, "welcome")
    assert marker.get("experiment") == "" and "wikitour=first-edit" in talk
    assert wiki.wikitext(f"{PROJECT}/Experiments/tour-links.json") == before


def test_a_broken_configuration_welcomes_as_usual(prepared):
    wiki = prepared
    wiki.edit(f"{PROJECT}/Experiments.json", '{"experiments": [{"name": "x", "share": "all"}]}',
              contentmodel="json")
    wiki.create_user("Exp Broken Config")
    report, lines = run_bot(wiki)
    assert [n for n, _ in report.welcomed] == ["Exp Broken Config"]
    assert any("Experiments.json" in line and "share" in line for line in lines)
    assert markers.find(wiki.wikitext("User talk:Exp Broken Config"),
                        "welcome")[0].get("variant") == ""


def test_the_report_reads_what_the_bot_recorded(prepared, tmp_path):
    """The whole chain: the bot's welcomes and records, newcomers acting by arm, the report.

    The newcomers of the first test signed up minutes ago, so the app is asked for the
    outcomes as they will stand 60 days from now ("now" is a parameter): the control arm edited
    an article, the others did not."""
    import datetime as dt

    from toolforge import create_app, db, reports

    wiki = prepared
    experiments, _ = parse_config(json.dumps(CONFIG))
    names = [f"Exp Newcomer {i}" for i in range(9)]
    arms = {n: choose(experiments, n).variant for n in names}
    # the experiment is over (stopped, not deleted): it is still reported
    stopped = json.loads(json.dumps(CONFIG))
    stopped["experiments"][0]["active"] = False
    wiki.edit(f"{PROJECT}/Experiments.json", json.dumps(stopped), contentmodel="json")
    for name in names:
        if arms[name] == "control":
            wiki.edit(f"Article of {name}", "A sentence.", user=name)
    app = create_app({"TESTING": True, "SECRET_KEY": "t",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite3'}",
                      "WIKIS": [{"id": "local", "api": wiki.api, "index": wiki.index,
                                 "report_threshold": 1}]})
    db.upgrade(app)
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=60)
    with app.app_context():
        fetched = reports.refresh("local", now=later)
    by_name = {o.username: o for o in fetched.outcomes}
    for name in names:
        assert by_name[name].mentor == "Exp Mentor"
        assert (by_name[name].experiment, by_name[name].variant) == ("tour-links", arms[name])
        assert by_name[name].activated_24h is (arms[name] == "control")
    data = app.test_client().get("/reports/local/experiments/tour-links/data.json").get_json()
    rates = {v["variant"]: v["outcomes"]["activated_7d"]["rate"] for v in data["variants"]}
    rates = {v: r for v, r in rates.items() if v in set(arms.values())}
    assert rates == {v: (1.0 if v == "control" else 0.0) for v in set(arms.values())}
    # the design the bot froze on the record page is the one the report shows
    assert data["design"]["primary"] == "activated_24h" and data["stage"] == "decided"
    record = json.loads(wiki.wikitext(f"{PROJECT}/Experiments/tour-links.json"))
    assert [v["id"] for v in record["design"]["variants"]] == [
        "control", "no-tour-links", "mentor-first"]
    db.get_engine(app).dispose()
