"""Outcomes and experiment reports end to end on a real local MediaWiki.

Simulated newcomers (tests/outcomes_sim.py: real accounts and edits, registered and editing at
chosen past times through MediaWiki's fake clock) behave by plan: in one experiment the
variant arm edits far more often than the control, in another (an A/A test) both arms behave
alike. Reverts are real: the admin undoes and rolls back edits through the API, so MediaWiki
itself tags them. The app then reads everything through the Action API, and the test checks
every newcomer's outcomes against the plan, the requests counted at the server, the report
pages and exports, the privacy threshold and forged records.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import random
import re
from pathlib import Path

import pytest

from bot.experiments import choose, parse_config, save_assignments
from tests.outcomes_sim import PlannedEdit, simulate
from toolforge import create_app, db, reports
from toolforge.learning import load_library

UTC = dt.timezone.utc
NOW = dt.datetime.now(UTC).replace(microsecond=0)
DESIGN = {"primary": "activated_7d", "minimum-effect": 10, "planned-size": 40}
EXPERIMENTS = {"experiments": [
    {"name": "aa-test", "active": True, "share": 40, **DESIGN,
     "variants": [{"id": "control"}, {"id": "same"}]},
    {"name": "welcome-test", "active": True, "share": 100, **DESIGN,
     "variants": [{"id": "control"}, {"id": "more-tours", "tours": ["first-edit"]}]}]}
#: Chance of a first article edit within 7 days, per (experiment, variant).
ACTIVATION = {("aa-test", "control"): 0.5, ("aa-test", "same"): 0.5,
              ("welcome-test", "control"): 0.25, ("welcome-test", "more-tours"): 0.85}
MENTORS = ["Mentor One", "Mentor Two", '=SUM(A1) "Q" & Co']
N = 200
PROGRESS = json.dumps({"format": 1, "tours": {"first-edit": {
    "status": "completed", "version": 1, "step": "done", "started": "2026-10-01T10:00:00Z",
    "completed": "2026-10-01T10:05:00Z"}}})


@pytest.fixture(scope="module")
def world(wiki, tmp_path_factory):
    """The simulated population, its plan (what each newcomer should score) and the app."""
    rng = random.Random(9)
    experiments, problems = parse_config(json.dumps(EXPERIMENTS))
    assert problems == []
    users: dict[str, dt.datetime] = {}
    edits: list[PlannedEdit] = []
    expected: dict[str, dict] = {}
    mentees: dict[str, list[str]] = {m: [] for m in MENTORS}
    assignments = []
    for i in range(N):
        name = f"Sim Newcomer {i:03d}"
        registered = NOW - dt.timedelta(days=50, minutes=i)
        users[name] = registered
        mentor = MENTORS[0] if i % 2 else MENTORS[1] if i % 40 else MENTORS[2]
        if i % 40 == 1:
            mentor = MENTORS[2]
        mentees[mentor].append(name)
        assignment = choose(experiments, name, registered.strftime("%Y-%m-%dT%H:%M:%SZ"))
        assignments.append(assignment)
        p = ACTIVATION[(assignment.experiment, assignment.variant)] if assignment else 0.5
        plan = {"activated_24h": False, "activated_7d": False, "retained": False,
                "wrote_to_mentor": False, "completed_tour": False}
        if rng.random() < p:
            hours = rng.choice([1, 30, 100])
            edits.append(PlannedEdit(name, f"Article by {name}", "Some '''text'''.",
                                     registered + dt.timedelta(hours=hours)))
            plan.update(activated_7d=True, activated_24h=hours < 24)
        elif rng.random() < 0.3:  # busy outside articles: does not activate
            edits.append(PlannedEdit(name, f"User:{name}", "Hello", registered +
                                     dt.timedelta(hours=2)))
        if rng.random() < 0.3:
            edits.append(PlannedEdit(name, f"User:{name}/notes", "back again",
                                     registered + dt.timedelta(days=20)))
            plan["retained"] = True
        if rng.random() < 0.2:
            edits.append(PlannedEdit(name, f"User talk:{mentor}", f"Question from {name}",
                                     registered + dt.timedelta(hours=5)))
            plan["wrote_to_mentor"] = True
        if rng.random() < 0.3:
            edits.append(PlannedEdit(name, f"User:{name}/wikitours.json", PROGRESS,
                                     registered + dt.timedelta(hours=3)))
            plan["completed_tour"] = True
        plan["constructive"] = plan["activated_7d"]
        expected[name] = plan
    # A forged progress page: written by someone else, so it counts for nothing
    edits.append(PlannedEdit("Mentor One", "User:Sim Newcomer 000/wikitours.json", PROGRESS,
                             NOW - dt.timedelta(days=1)))
    expected["Sim Newcomer 000"]["completed_tour"] = False
    # Recent newcomers whose first edits are reverted (or not) by the admin below
    recent = {"Recent Undone": 1, "Recent Rolled": 1, "Recent Late": 3, "Recent Kept": 1}
    for name, days_ago in recent.items():
        users[name] = NOW - dt.timedelta(days=6)
        edits.append(PlannedEdit("Admin", f"Shared {name}", "Base text.",
                                 NOW - dt.timedelta(days=7)))
        edits.append(PlannedEdit(name, f"Shared {name}", "Base text. Changed.",
                                 NOW - dt.timedelta(days=days_ago)))
        mentees[MENTORS[1]].append(name)
    for mentor in MENTORS[:2]:
        users[mentor] = NOW - dt.timedelta(days=400)
    simulate(wiki, users, edits)

    undone = wiki.history("Shared Recent Undone")[-1]["revid"]
    late = wiki.history("Shared Recent Late")[-1]["revid"]
    wiki.edit("Shared Recent Undone", "", undo=undone, summary="undo")
    wiki.edit("Shared Recent Late", "", undo=late, summary="undo")
    session = wiki.session(wiki.admin.name)
    token = wiki.call(user=wiki.admin.name, action="query", meta="tokens",
                      type="rollback")["query"]["tokens"]["rollbacktoken"]
    from localwiki.client import call
    call(session, wiki.api, "POST", action="rollback", title="Shared Recent Rolled",
         user="Recent Rolled", token=token)
    wiki.maintenance("runJobs")  # the revert-tag job (mw-reverted on the undone edits)

    # One newcomer who really signed up through the API and edited just now
    wiki.create_user("Api Newcomer")
    wiki.edit("Api article", "Fresh.", user="Api Newcomer")
    mentees[MENTORS[1]].append("Api Newcomer")

    # The bot's records: mentee lists and experiment assignments, as the bot writes them
    for mentor, names in mentees.items():
        entries = [{"username": n, "assigned": "2026-10-01T00:00:00Z", "reason": "new-account"}
                   for n in names]
        if mentor == MENTORS[0]:
            entries += [{"username": "<b>bad</b>"}, "junk", {"username": "Sim Newcomer 001"}]
        wiki.edit(f"Project:Wikitours/Mentees/{mentor}.json", json.dumps({"mentees": entries}),
                  contentmodel="json")
    wiki.edit("Project:Wikitours/Experiments.json", json.dumps(EXPERIMENTS), contentmodel="json")
    from wikiapi.client import Wiki as BotWiki
    failed = save_assignments(BotWiki(wiki.site()), [a for a in assignments if a],
                              lambda name, n: f"record {n} assignments of {name}")
    assert failed == []
    # A forged entry: someone moves a control newcomer into the other arm
    forged_name = next(a.username for a in assignments
                       if a and a.experiment == "welcome-test" and a.variant == "control")
    record = json.loads(wiki.wikitext("Project:Wikitours/Experiments/welcome-test.json"))
    for entry in record["assignments"]:
        if entry["username"] == forged_name:
            entry["variant"] = "more-tours"
    wiki.edit("Project:Wikitours/Experiments/welcome-test.json", json.dumps(record),
              contentmodel="json")

    database = tmp_path_factory.mktemp("outcomes") / "app.sqlite3"
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE_URL": f"sqlite:///{database}",
                      "WIKIS": [{"id": "local", "api": wiki.api, "index": wiki.index,
                                 "language": "en", "report_threshold": 5}],
                      # the shipped tours, as if published (this wiki publishes none)
                      "LIBRARY": load_library(Path(__file__).resolve().parents[2] / "tours.yaml")})
    db.upgrade(app)
    mark = wiki.log_mark()
    with app.app_context():
        fetched = reports.refresh("local", now=NOW + dt.timedelta(minutes=5))
    counts = wiki.api_counts(since=mark)
    yield {"app": app, "fetched": fetched, "expected": expected, "counts": counts,
           "assignments": {a.username: a for a in assignments if a}, "forged": forged_name}
    db.get_engine(app).dispose()


def test_every_newcomer_scores_as_planned(world):
    by_name = {o.username: o for o in world["fetched"].outcomes}
    assert len(by_name) == N + 5
    for name, plan in world["expected"].items():
        outcome = by_name[name]
        got = {k: outcome.value(k) for k in plan}
        assert got == plan, name
        assert outcome.registration and outcome.week
        assigned = world["assignments"].get(name)
        if name == world["forged"]:  # its record was edited: left out of the experiment
            assert (outcome.experiment, outcome.variant) == ("", "")
        elif assigned:
            assert (outcome.experiment, outcome.variant) == (assigned.experiment,
                                                              assigned.variant)
        else:
            assert outcome.experiment == ""
    assert by_name["Sim Newcomer 003"].mentor == "Mentor One"
    assert by_name[f"Sim Newcomer {40:03d}"].mentor == '=SUM(A1) "Q" & Co'
    completed = [o for o in by_name.values() if o.completed_tour]
    assert completed and all(o.badges == ("first-edit",) and o.first_tour == "first-edit"
                             for o in completed)


def test_reverts_come_from_mediawikis_tags(world):
    by_name = {o.username: o for o in world["fetched"].outcomes}
    assert by_name["Recent Undone"].activated_7d is True
    assert by_name["Recent Undone"].constructive is False  # undone within 48 hours
    assert by_name["Recent Rolled"].constructive is False  # rolled back within 48 hours
    assert by_name["Recent Late"].constructive is True  # stood 3 days before the undo
    assert by_name["Recent Kept"].constructive is None  # its 48 hours are not over yet
    assert by_name["Recent Kept"].retained is None  # registered 6 days ago
    api = by_name["Api Newcomer"]
    assert api.activated_24h is True and api.retained is None and api.constructive is None


def test_revert_times_from_page_histories_agree(world, wiki):
    """Where recent changes cannot answer (expired, or too busy), page histories do."""
    from toolforge.outcomes_fetch import revert_times
    from toolforge.wikiclient import Wiki, WikiClient

    by_name = {o.username: o for o in world["fetched"].outcomes}
    client = WikiClient(Wiki("local", wiki.api, wiki.index), "wikitours-tests")
    contribs = client.get({"action": "query", "list": "usercontribs", "ucprop":
                           "ids|timestamp|tags|title", "ucuser": "Recent Undone|Recent Late"})
    from toolforge.outcomes import Edit
    from toolforge.progress import parse_time
    edits = [Edit(c["revid"], parse_time(c["timestamp"]), c["title"], c["ns"],
                  frozenset(c["tags"])) for c in contribs["query"]["usercontribs"]]
    assert all(e.reverted for e in edits) and len(edits) == 2
    problems: list[str] = []
    window = dt.timedelta(hours=48)
    fast = revert_times(client, edits, window, problems)
    before = client.requests
    slow = revert_times(client, edits, window, problems, budget=0)
    assert client.requests - before == 2  # one history read per reverted edit
    assert fast == slow and problems == []
    assert by_name["Recent Undone"].constructive is False


def test_requests_are_batched(world):
    per_part = world["fetched"].requests
    batches = math.ceil((N + 5) / 50)
    assert per_part["registration"] == batches
    assert per_part["progress"] == batches
    assert per_part["contributions"] <= batches + 1
    assert per_part["reverts"] <= 4  # a recent-changes listing per revert tag, and its start
    assert per_part["siteinfo"] == 1 and per_part["newcomers"] <= 3
    counts = world["counts"]
    assert counts.post == 0 and counts.get == sum(per_part.values())


def test_forged_records_are_reported(world):
    problems = "\n".join(world["fetched"].problems)
    assert world["forged"] in problems and "hash" in problems


def experiment_json(client, name):
    reply = client.get(f"/reports/local/experiments/{name}/data.json")
    assert reply.status_code == 200
    return reply.get_json()


def comparisons(data) -> dict[tuple[str, str], dict]:
    return {(c["variant"], c["outcome"]): c for part in ("decision", "exploratory")
            for c in data[part]["comparisons"]}


def test_experiment_report_recovers_the_difference(world):
    client = world["app"].test_client()
    data = experiment_json(client, "welcome-test")
    assert {v["variant"] for v in data["variants"]} == {"control", "more-tours"}
    assert data["stage"] == "decided" and data["design"]["primary"] == "activated_7d"
    (decision,) = data["decision"]["comparisons"]
    true_difference = ACTIVATION[("welcome-test", "more-tours")] - ACTIVATION[
        ("welcome-test", "control")]
    assert decision["variant"] == "more-tours" and decision["significant"] is True
    assert decision["kind"] == "higher"
    assert decision["low"] <= true_difference <= decision["high"] and decision["low"] > 0
    # the outcomes the variant does not change show no hint (exploratory, corrected)
    assert comparisons(data)[("more-tours", "retained")]["significant"] is False
    assert all(c["variant"] != "control" for c in comparisons(data).values())
    page = client.get("/reports/local/experiments/welcome-test")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "⧼" not in html and "more-tours" in html and "Higher than the control" in html
    assert client.get("/reports/local/experiments/nope").status_code == 404
    assert client.get("/reports/other/experiments/welcome-test").status_code == 404


def test_aa_experiment_shows_no_difference(world):
    data = experiment_json(world["app"].test_client(), "aa-test")
    found = comparisons(data)
    for outcome in ("activated_7d", "activated_24h", "retained", "wrote_to_mentor"):
        if ("same", outcome) in found:  # a hidden cell is not compared
            assert found[("same", outcome)]["significant"] is False, outcome
            assert found[("same", outcome)]["low"] <= 0 <= found[("same", outcome)]["high"]
    assert ("same", "activated_7d") in found
    csv_text = world["app"].test_client().get(
        "/reports/local/experiments/aa-test/data.csv").get_data(as_text=True)
    lines = list(csv.DictReader(io.StringIO(csv_text)))
    from toolforge.outcomes import OUTCOMES

    assert sum(line["part"] == "cell" for line in lines) == 2 * len(OUTCOMES)


def test_report_pages_groups_threshold_and_exports(world):
    client = world["app"].test_client()
    page = client.get("/reports/local?by=mentor&outcome=retained")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<svg" in html and "⧼" not in html and 'class="whisker"' in html
    assert "=SUM(A1) &#34;Q&#34; &amp; Co" in html  # escaped
    data = client.get("/reports/local/data.json?by=mentor").get_json()
    groups = {g["mentor"]: g for g in data["groups"]}
    assert data["threshold"] == 5 and data["newcomers"] == N + 5
    assert groups["Mentor One"]["newcomers"] == sum(1 for i in range(N) if i % 2 and i % 40 != 1)
    assert sum(g["newcomers"] for g in data["groups"]) + data["hidden"] == N + 5
    csv_text = client.get("/reports/local/data.csv?by=mentor").get_data(as_text=True)
    assert "'=SUM(A1)" in csv_text and "\n=SUM" not in csv_text and ",=SUM" not in csv_text
    tours = client.get("/reports/local/data.json?by=tour").get_json()
    first = {g["tour"]: g["newcomers"] for g in tours["groups"]}
    assert first.get("first-edit") == sum(1 for n, p in world["expected"].items()
                                          if p["completed_tour"])
    week = client.get("/reports/local/data.json?by=week").get_json()
    assert all(re.fullmatch(r"\d{4}-W\d{2}", g["week"]) for g in week["groups"] if g["week"])
    # the threshold pools small groups: with 60 only groups of 60 or more stand alone
    world["app"].config["WIKIS"][0]["report_threshold"] = 60
    try:
        pooled = client.get("/reports/local/data.json?by=mentor").get_json()
    finally:
        world["app"].config["WIKIS"][0]["report_threshold"] = 5
    assert all(g["newcomers"] >= 60 for g in pooled["groups"])
    # the small groups alone stay below 60, so the smaller of the two big mentors joins the
    # pool (else the total minus the shown mentors would give the small ones away)
    names = {g["mentor"] for g in pooled["groups"]}
    assert len(names & {"Mentor One", "Mentor Two"}) == 1 and None in names
    assert '=SUM(A1) "Q" & Co' not in json.dumps(pooled)
    overview = client.get("/reports/?by=language&uselang=de")
    assert overview.status_code == 200 and "<svg" in overview.get_data(as_text=True)
    assert client.get("/reports/nowhere").status_code == 404
    assert client.get("/reports/local?by=<script>&outcome=x").status_code == 200


def test_refresh_command(world):
    runner = world["app"].test_cli_runner()
    result = runner.invoke(args=["outcomes-refresh", "--wiki", "local"])
    assert result.exit_code == 0, result.output
    assert f"local: {N + 5} newcomers" in result.output
    assert "hash" in result.output  # the forged assignment is reported
    bad = runner.invoke(args=["outcomes-refresh", "--wiki", "nowhere"])
    assert bad.exit_code != 0


def test_the_number_of_newcomers_read_is_capped(world, wiki, monkeypatch):
    from toolforge import outcomes_fetch
    from toolforge.wikiclient import Wiki, WikiClient

    monkeypatch.setattr(outcomes_fetch, "MAX_NEWCOMERS", 10)
    problems: list[str] = []
    newcomers, experiments = outcomes_fetch.welcomed(
        WikiClient(Wiki("local", wiki.api, wiki.index), "wikitours-tests"), problems)
    assert len(newcomers) == 10 and any("more than 10 newcomers" in p for p in problems)
    assert set(experiments) == {"aa-test", "welcome-test"}


def test_the_wiki_sets_its_report_threshold(world, wiki):
    """Set on the wiki's configuration page, read by the refresh, applied by the reports;
    the operator's threshold stays a floor and a broken value is reported, not guessed."""
    app, client = world["app"], world["app"].test_client()
    when = NOW + dt.timedelta(minutes=5)

    def refresh_with(page: dict) -> list[str]:
        wiki.edit("Project:Wikitours/Experiments.json", json.dumps(page), contentmodel="json")
        with app.app_context():
            return reports.refresh("local", now=when).problems

    before = client.get("/reports/local/data.json?by=mentor").get_json()
    assert before["threshold"] == 5 and "Mentor Two" in {g["mentor"] for g in before["groups"]}
    two = next(g["newcomers"] for g in before["groups"] if g["mentor"] == "Mentor Two")
    try:
        assert refresh_with({**EXPERIMENTS, "report-threshold": two + 1}) == \
            world["fetched"].problems
        after = client.get("/reports/local/data.json?by=mentor").get_json()
        assert after["threshold"] == two + 1
        assert "Mentor Two" not in {g["mentor"] for g in after["groups"]}  # now pooled or hidden
        assert all(g["newcomers"] >= two + 1 for g in after["groups"])
        # the operator's floor wins when it is larger
        app.config["WIKIS"][0]["report_threshold"] = two + 10
        try:
            assert client.get("/reports/local/data.json").get_json()["threshold"] == two + 10
        finally:
            app.config["WIKIS"][0]["report_threshold"] = 5
        problems = refresh_with({**EXPERIMENTS, "report-threshold": "<b>1</b>"})
        assert any('"report-threshold" must be a whole number' in p for p in problems)
        assert client.get("/reports/local/data.json").get_json()["threshold"] == 5
    finally:
        refresh_with(EXPERIMENTS)
    restored = client.get("/reports/local/data.json?by=mentor").get_json()
    assert restored["threshold"] == 5 and restored["groups"] == before["groups"]
