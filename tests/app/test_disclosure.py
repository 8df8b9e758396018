"""Disclosure control (issue 18): an attacker who reads every published table of a wiki
(every ``by=`` as JSON and CSV, every experiment page) and knows who is in which group
(mentee lists, registration weeks and experiment records are public on the wiki) tries the
four recoveries of the issue, and recovers nothing:

1. by-week totals minus the shown mentors give a hidden mentor's numbers;
2. ``by=variant`` merged arms with the same id across experiments, so one experiment's
   control minus another's revealed a hidden control;
3. "more needed" was computed and shown for hidden arms;
4. a hidden arm's size was shown, and the threshold applied to a group, not to each cell
   ("retained: 1 of 1").

The attacker is general, not a replay of those four subtractions: every published count is a
sum over a set of newcomers the attacker can name, so a hidden group's count is recoverable
exactly when its set is a linear combination of published sets (exact rational elimination
below). The test checks every hidden group and hidden cell, and every single newcomer.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
from fractions import Fraction

import pytest

from toolforge import create_app, db, reports
from toolforge.outcomes import OUTCOMES, Outcome

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.timezone.utc)
LIMIT = 5
BY = ("week", "mentor", "tour", "variant", "language")


def population() -> list[Outcome]:
    rng = random.Random(4)
    people = []
    plan = ([("Mentor A", 30), ("Mentor B", 12), ("Mentor C", 3)])
    arms = (["E/control"] * 10 + ["E/b"] * 10 + ["F/control"] * 3 + ["F/b"] * 10
            + [""] * 12)
    rng.shuffle(arms)
    i = 0
    for mentor, count in plan:
        for _ in range(count):
            experiment, _, variant = arms[i].partition("/")
            flags = {o: rng.random() < 0.4 for o in OUTCOMES}
            # "retained" is known for one newcomer only: a cell of "1 of 1" must never appear
            flags["retained"] = (rng.random() < 0.5) if i == 7 else None
            # mentor C's newcomers: only some outcomes known yet
            if mentor == "Mentor C":
                flags["wrote_to_mentor"] = None if i % 2 else True
            people.append(Outcome(
                f"Newcomer {i}", registration="2026-10-01T10:00:00Z",
                week="2026-W40" if rng.random() < 0.5 else "2026-W41", mentor=mentor,
                experiment=experiment.lower(), variant=variant,
                first_tour="first-edit" if rng.random() < 0.4 else "", **flags))
            i += 1
    return people


def publish_all(directory, people):
    """Every table the app publishes for the wiki, as the attacker downloads them."""
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE_URL":
                      f"sqlite:///{directory / 'db.sqlite3'}",
                      "WIKIS": [{"id": "w", "api": "http://127.0.0.1:9/api.php",
                                 "index": "http://127.0.0.1:9/index.php", "language": "en",
                                 "report_threshold": LIMIT}]})
    db.upgrade(app)
    design = {"primary": "activated_7d", "minimum-effect": 10, "planned-size": 20, "end": None}
    with app.app_context():
        session = db.get_session()
        reports.store(session, "w", people, NOW)
        reports.store_designs(session, "w", {
            name: {"variants": [["control", 1.0], ["b", 1.0]], "active": True,
                   "changed": False, "design": design} for name in ("e", "f")}, NOW)
    client = app.test_client()
    tables = {by: client.get(f"/reports/w/data.json?by={by}").get_json() for by in BY}
    csvs = {by: list(csv.DictReader(io.StringIO(client.get(
        f"/reports/w/data.csv?by={by}").get_data(as_text=True)))) for by in BY}
    pages = {name: client.get(f"/reports/w/experiments/{name}/data.json").get_json()
             for name in ("e", "f")}
    html = {name: client.get(f"/reports/w/experiments/{name}").get_data(as_text=True)
            for name in ("e", "f")}
    db.get_engine(app).dispose()
    return tables, csvs, pages, html


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    people = population()
    return (people, *publish_all(tmp_path_factory.mktemp("disclosure"), people))


def test_the_attacker_finds_what_primary_suppression_alone_leaks(tmp_path, monkeypatch):
    """Without complementary suppression (hide only the small cells, no pool) the same
    attacker recovers hidden cells: the test can fail."""
    from toolforge import disclosure

    def primary_only(sizes, threshold):
        return frozenset(i for i, size in enumerate(sizes) if 0 < size < threshold)

    monkeypatch.setattr(disclosure, "suppressed", primary_only)
    monkeypatch.setattr(disclosure, "safe", lambda sizes, hidden, threshold: True)
    monkeypatch.setattr(disclosure, "pooled", lambda sizes, threshold: (frozenset(), False))
    monkeypatch.setattr(reports, "publish", lambda groups, threshold, pool=True: (
        [g for g in groups if g.newcomers >= threshold],
        sum(g.newcomers for g in groups if g.newcomers < threshold)))
    people = population()
    tables, _csvs, pages, _html = publish_all(tmp_path, people)
    span, hidden = spans(people, tables, pages)
    assert any(m and span[o].contains(m) for _by, o, m in hidden)


def key(person: Outcome, by: str) -> str:
    if by == "variant":
        return f"{person.experiment}/{person.variant}" if person.experiment else ""
    return {"week": person.week, "mentor": person.mentor, "tour": person.first_tour,
            "language": "en"}[by]


def group_key(entry: dict, by: str) -> str:
    return entry["group"] or ""


class Span:
    """Rational row space of published indicator vectors over the newcomers."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.rows: list[tuple[int, list[Fraction]]] = []  # (pivot, row)

    def reduce(self, vector: list[Fraction]) -> list[Fraction]:
        v = list(vector)
        for pivot, row in self.rows:
            if v[pivot]:
                factor = v[pivot]
                v = [a - factor * b for a, b in zip(v, row)]
        return v

    def add(self, members: set[int]) -> None:
        v = self.reduce([Fraction(int(i in members)) for i in range(self.size)])
        pivot = next((i for i, a in enumerate(v) if a), None)
        if pivot is not None:
            v = [a / v[pivot] for a in v]
            self.rows = [(p, [a - r[pivot] * b for a, b in zip(r, v)]) for p, r in self.rows]
            self.rows.append((pivot, v))

    def contains(self, members: set[int]) -> bool:
        return not any(self.reduce([Fraction(int(i in members)) for i in range(self.size)]))


def spans(people, tables, pages) -> tuple[dict[str, Span], list[tuple[str, str, set[int]]]]:
    """Per outcome, the span of what is published; and the hidden (breakdown, outcome, set)."""
    n = len(people)
    known = {o: {i for i, p in enumerate(people) if getattr(p, o) is not None} for o in OUTCOMES}
    span = {o: Span(n) for o in OUTCOMES}
    hidden: list[tuple[str, str, set[int]]] = []
    for by, table in tables.items():
        groups: dict[str, set[int]] = {}
        for i, p in enumerate(people):
            groups.setdefault(key(p, by), set()).add(i)
        listed = {group_key(e, by) for e in table["groups"] if not e["pooled"]}
        pooled = set().union(*(m for k, m in groups.items() if k not in listed)) \
            if any(e["pooled"] for e in table["groups"]) else set()
        for entry in table["groups"]:
            members = pooled if entry["pooled"] else groups[group_key(entry, by)]
            for o in OUTCOMES:
                if entry[o]["hidden"]:
                    hidden.append((by, o, members & known[o]))
                else:
                    assert entry[o]["known"] == len(members & known[o])
                    span[o].add(members & known[o])
        for k, members in groups.items():
            if k not in listed and not (pooled and members <= pooled):
                for o in OUTCOMES:
                    hidden.append((by, o, members & known[o]))
            elif k not in listed:
                for o in OUTCOMES:  # inside the pooled row: hidden on its own
                    hidden.append((by, o, members & known[o]))
    for name, page in pages.items():
        for arm in page["variants"]:
            members = {i for i, p in enumerate(people)
                       if p.experiment == name and p.variant == arm["variant"]}
            for o in OUTCOMES:
                cell = (arm["outcomes"] or {}).get(o)
                if cell and not cell["hidden"]:
                    span[o].add(members & known[o])
                else:
                    hidden.append((f"experiment {name}", o, members & known[o]))
    return span, hidden


def test_nothing_hidden_can_be_recovered(published):
    people, tables, _csvs, pages, _html = published
    span, hidden = spans(people, tables, pages)
    assert hidden  # the scenario does hide things: mentor C, arm f/control, retained 1 of 1
    recovered = [(by, o, sorted(m)) for by, o, m in hidden
                 if m and span[o].contains(m)]
    assert recovered == []
    # nor any single newcomer's outcome
    for o in OUTCOMES:
        assert not any(span[o].contains({i}) for i in range(len(people)))


def test_the_four_recoveries_of_the_issue(published):
    people, tables, csvs, pages, html = published
    mentors = {e["mentor"] for e in tables["mentor"]["groups"]}
    # 1. mentor C (3 newcomers) is not shown on its own, and week totals minus the shown
    #    mentors give a pool of several mentors, not C
    assert "Mentor C" not in mentors
    week_total = sum(e["newcomers"] for e in tables["week"]["groups"]) + tables["week"]["hidden"]
    shown = sum(e["newcomers"] for e in tables["mentor"]["groups"] if not e["pooled"])
    assert week_total - shown != 3
    # 2. arms are per experiment, never merged across experiments
    keys = [(e["experiment"], e["variant"]) for e in tables["variant"]["groups"]]
    assert all(e is None or "/" not in (v or "") for e, v in keys)
    assert ("e", "control") in keys and ("f", "control") not in keys
    assert len(keys) == len(set(keys))
    # 3. and 4. the hidden arm shows no size, no cell, nothing derived from it
    f_control = next(a for a in pages["f"]["variants"] if a["variant"] == "control")
    assert f_control == {"variant": "control", "shown": False, "newcomers": None,
                         "outcomes": None}
    assert pages["f"]["horizon"]["participants"] is None  # the total would give it away
    assert all(c["variant"] != "control" for c in pages["f"]["decision"]["comparisons"])
    assert "more_needed" not in json.dumps(pages)
    # the needed size uses the published control rate, or 50 % when the control is hidden
    from toolforge import stats
    assert pages["f"]["design"]["needed_for_minimum_effect"] == stats.planned_total(
        0.5, 0.10, [1, 1], 0.05)
    # 4. every published cell has at least LIMIT known outcomes: "retained: 1 of 1" is gone
    for by in BY:
        for entry in tables[by]["groups"]:
            assert entry["newcomers"] >= LIMIT
            for o in OUTCOMES:
                assert entry[o]["hidden"] or entry[o]["known"] == 0 or entry[o]["known"] >= LIMIT
        for line in csvs[by]:
            assert line["hidden"] == "True" or not line["known"] or int(line["known"]) == 0 \
                or int(line["known"]) >= LIMIT
            if line["hidden"] == "True":
                assert line["yes"] == line["known"] == line["rate"] == ""
    assert "Not shown: this variant has fewer than" in html["f"]


def test_hostile_attributes_do_not_break_the_protection():
    """Mentor names that look like the pool's key, or contain a slash, stay separate rows."""
    people = [Outcome(f"N{i}", mentor=reports.SMALL if i < 2 else "a/b" if i < 9 else "x",
                      activated_7d=True) for i in range(20)]
    shown, hidden = reports.pool_small(people, "mentor", 5)
    assert hidden == 0 and sum(g.newcomers for g in shown) == 20
    assert [g.key for g in shown].count(reports.SMALL) == 1
