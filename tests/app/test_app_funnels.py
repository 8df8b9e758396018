"""Funnel pages and exports, on SQLite and MariaDB; the funnel maths as pure functions."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import text

from toolforge import create_app, db
from toolforge.events import EventKey, count_events
from toolforge.funnels import Filters, build_funnel, chart, parse_filters
from toolforge.models import EventCount

TOURS = {"first-edit": {"version": 2, "steps": ["welcome", "open-editor", "publish"]}}
WIKIS = [{"id": "local", "index": "http://127.0.0.1:8080/index.php"}]
DAY1, DAY2 = dt.date(2026, 11, 1), dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def languages_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("lang") / "languages.json"
    path.write_text(json.dumps({
        "en": {"name": "English", "dir": "ltr", "fallbacks": []},
        "de": {"name": "Deutsch", "dir": "ltr", "fallbacks": []},
        "ar": {"name": "العربية", "dir": "rtl", "fallbacks": []},
        "arz": {"name": "مصرى", "dir": "rtl", "fallbacks": ["ar"]}}))
    return str(path)


@pytest.fixture(scope="module")
def app(database_url, languages_file):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "t",
                      "WIKIS": WIKIS, "TOURS": TOURS, "LANGUAGES_FILE": languages_file})
    db.upgrade(app)
    yield app
    db.get_engine(app).dispose()


def add(app, day, wiki="local", tour="first-edit", version=2, lang="de", skin="vector-2022",
        **counts):
    """Count events straight through the ingest's own upsert (``count_events``)."""
    c: Counter = Counter()
    index = {}
    for name, n in counts.items():
        action, _, step = name.partition("__")
        key = EventKey(wiki, tour, version, step.replace("_", "-"), action, lang, skin)
        c[key] += n
        index[key] = TOURS[tour]["steps"].index(key.step) if key.step in TOURS.get(
            tour, {}).get("steps", []) else 9
    with db.get_engine(app).connect() as conn:
        from sqlalchemy.orm import Session
        with Session(conn) as session:
            count_events(session, c, index, day=day)


@pytest.fixture(scope="module", autouse=True)
def data(app):
    with db.get_engine(app).begin() as conn:
        conn.execute(text("DELETE FROM event_counts"))
    add(app, DAY1, started=100, shown__welcome=90, shown__open_editor=60, shown__publish=40,
        completed=30, abandoned=20)
    add(app, DAY2, lang="ar", skin="minerva", started=10, shown__welcome=10,
        shown__open_editor=5, shown__publish=1, completed=1)
    add(app, DAY2, version=1, started=7)


@pytest.fixture()
def client(app):
    return app.test_client()


def stages(client, query=""):
    r = client.get(f"/funnels/local/first-edit/data.json{query}")
    assert r.status_code == 200, r.data
    return {(s["stage"], s["step"]): s for s in r.get_json()["stages"]}, r.get_json()


def test_build_funnel_orders_known_steps_and_places_extra_ones():
    # ``index`` is 0-based (contracts §6: open-editor, the second step, has index 1)
    rows = [("", "started", 0, 10), ("welcome", "shown", 0, 9), ("local-step", "shown", 1, 8),
            ("publish", "shown", 3, 4), ("publish", "advanced", 3, 4), ("", "completed", 0, 3),
            ("", "abandoned", 0, 2)]
    f = build_funnel("w", "t", rows, ["welcome", "open-editor", "publish"])
    assert [(s.kind, s.step, s.count) for s in f.stages] == [
        ("started", None, 10), ("step", "welcome", 9), ("step", "local-step", 8),
        ("step", "open-editor", 0), ("step", "publish", 0), ("completed", None, 0)]
    # nobody can reach publish past a step nobody reached: the 4 events stay visible as such
    assert [s.dropoff for s in f.stages] == [None, 1, 1, 8, 0, 0]
    assert [s.recorded for s in f.stages] == [10, 9, 8, 0, 4, 3]
    assert f.stages[-1].share == 0.0 and f.abandoned == 2
    assert build_funnel("w", "t", []).stages[0].share is None
    assert build_funnel("w", "t", []).empty


def test_chart_mirrors_for_rtl():
    items = [("Started", "10", 10, "started"), ("Step 1", "5", 5, "step")]
    ltr, height = chart(items, rtl=False, width=640)
    rtl, _ = chart(items, rtl=True, width=640)
    assert height == 88
    assert ltr[0].bar_x == 0 and ltr[0].bar_width == 520 and ltr[1].bar_width == 260
    assert rtl[1].bar_x == 640 - 260 and rtl[1].text_x == 640
    assert chart([("a", "0", 0, "step")], rtl=False)[0][0].bar_width == 0


def test_parse_filters_drops_unusable_values():
    f, error = parse_filters({"lang": "<script>", "skin": "x y", "version": "-1",
                              "from": "2026-01-01", "to": "2026-02-01"}, 3660)
    assert f == Filters("", "", None, dt.date(2026, 1, 1), dt.date(2026, 2, 1)) and error is None
    assert parse_filters({"from": "2026-13-01"}, 3660)[1] == "wikitours-app-funnel-bad-date"
    assert parse_filters({"from": "2026-02-01", "to": "2026-01-01"}, 3660)[0].start is None
    assert parse_filters({"from": "2000-01-01", "to": "2026-01-01"}, 365)[1]


def test_funnel_json_totals_and_filters(client):
    s, data = stages(client)
    assert s[("started", None)]["count"] == 117
    assert s[("step", "welcome")]["count"] == 100
    assert s[("step", "open-editor")]["count"] == 65
    assert s[("step", "open-editor")]["dropoff"] == 35
    assert s[("completed", None)]["count"] == 31
    assert data["abandoned"] == 20
    s, _ = stages(client, "?lang=ar")
    assert s[("started", None)]["count"] == 10 and s[("completed", None)]["share"] == 10.0
    s, _ = stages(client, "?skin=minerva&lang=de")
    assert s[("started", None)]["count"] == 0
    s, _ = stages(client, "?from=2026-11-15&to=2026-11-30")
    assert s[("started", None)]["count"] == 17
    s, _ = stages(client, "?version=1")
    assert s[("started", None)]["count"] == 7 and s[("step", "welcome")]["count"] == 0
    assert client.get("/funnels/local/first-edit/data.json?from=nope").status_code == 400


def test_funnel_csv(client):
    r = client.get("/funnels/local/first-edit/data.csv?lang=de&version=2")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"]
    table = list(csv.DictReader(io.StringIO(r.data.decode())))
    assert [row["stage"] for row in table] == ["started", "step", "step", "step", "completed",
                                               "abandoned"]
    assert table[0]["count"] == "100" and table[3]["step"] == "publish"
    assert table[3]["count"] == "40" and table[3]["share_percent"] == "40.0"
    assert table[-1]["count"] == "20"


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> _Page:
    p = _Page()
    p.feed(html)
    return p


def test_funnel_page_has_chart_table_and_no_script(client):
    r = client.get("/funnels/local/first-edit?lang=de&version=2")
    assert r.status_code == 200
    page = parse(r.data.decode())
    tags = [t for t, _ in page.tags]
    assert "script" not in tags and "svg" in tags and "table" in tags
    svg = next(a for t, a in page.tags if t == "svg")
    assert svg["role"] == "img" and svg["direction"] == "ltr"
    widths = [float(a["width"]) for t, a in page.tags if t == "rect"]
    assert widths[0] == max(widths) and widths[1] == pytest.approx(widths[0] * 0.9, abs=0.2)
    body = " ".join(page.text)
    assert "Step 2: open-editor" in body and "60 (60.0%)" in body
    assert not any("style" in a for _t, a in page.tags)  # CSP forbids inline styles
    links = [a["href"] for t, a in page.tags if t == "a" and "data." in a.get("href", "")]
    assert links == ["/funnels/local/first-edit/data.csv?lang=de&version=2",
                     "/funnels/local/first-edit/data.json?lang=de&version=2"]


def test_funnel_page_in_an_rtl_language(client):
    r = client.get("/funnels/local/first-edit?uselang=arz")
    html = r.data.decode()
    assert re.search(r'<html lang="arz" dir="rtl">', html)
    page = parse(html)
    svg = next(a for t, a in page.tags if t == "svg")
    assert svg["direction"] == "rtl"
    first_rect = next(a for t, a in page.tags if t == "rect")
    assert float(first_rect["x"]) + float(first_rect["width"]) == 640
    # Accept-Language picks only languages that have interface messages
    has_ar = (Path(__file__).resolve().parents[2] / "i18n" / "app" / "ar.json").exists()
    r = client.get("/funnels/local/first-edit", headers={"Accept-Language": "ar;q=0.9, en;q=0.1"})
    want = '<html lang="ar" dir="rtl">' if has_ar else '<html lang="en" dir="ltr">'
    assert want in r.data.decode()


def test_unknown_wiki_or_tour_is_404(client):
    for path in ["/funnels/enwiki/first-edit", "/funnels/local/nope", "/funnels/local/<b>",
                 "/funnels/local/nope/data.csv", "/funnels/local/nope/data.json"]:
        assert client.get(path).status_code == 404, path


HOSTILE = '<script>alert(1)</script>"\'><img src=x onerror=alert(2)>'


def test_hostile_strings_in_every_field_are_escaped(app, database_url, languages_file):
    """Strings that got into the counters by any route (an old version, a hand edit) and
    configured names are shown as text, never as markup."""
    hostile_app = create_app({
        "TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "t",
        "WIKIS": [{"id": "evil", "index": "http://127.0.0.1:9/"}],
        "UNKNOWN_TOURS": "count", "LANGUAGES_FILE": languages_file,
        "TOURS": {"t-x": {"version": 1, "steps": [HOSTILE]}}})
    day = dt.date(2026, 11, 2)
    with db.get_engine(app).begin() as conn:
        for action, step in [("started", ""), ("shown", HOSTILE[:64]), ("shown", "ok")]:
            conn.execute(EventCount.__table__.insert().values(
                wiki="evil", tour="t-x", version=1, step=step, action=action,
                lang=HOSTILE[:35], skin=HOSTILE[:32], day=day, step_index=1, count=3))
    c = hostile_app.test_client()
    r = c.get("/funnels/evil/t-x")
    html = r.data.decode()
    assert r.status_code == 200
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    page = parse(html)
    assert not [t for t, _ in page.tags if t in ("script", "img")]
    assert not any(k.startswith("on") for _t, a in page.tags for k in a)
    csv_text = c.get("/funnels/evil/t-x/data.csv").data.decode()
    assert HOSTILE[:64] in csv_text or HOSTILE.replace('"', '""')[:20] in csv_text
    r = c.get("/funnels/evil/t-x/data.json")
    assert r.mimetype == "application/json"
    r = c.get("/", headers={"Accept-Language": "de"})
    assert "<script>" not in r.data.decode()
    db.get_engine(hostile_app).dispose()
    # a hostile wiki id in the configuration, on the front page and in the links it makes
    named = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "t",
                        "WIKIS": [{"id": HOSTILE, "index": "http://127.0.0.1:9/"}],
                        "TOURS": {"t-x": {"version": 1, "steps": []}}})
    html = named.test_client().get("/").data.decode()
    page = parse(html)
    assert "<script>alert" not in html and not [t for t, _ in page.tags if t in ("script", "img")]
    assert HOSTILE in " ".join(page.text)  # shown as text
    hrefs = [a["href"] for t, a in page.tags if t == "a" and "/funnels/" in a.get("href", "")]
    assert hrefs and all("<" not in h and '"' not in h for h in hrefs)
    db.get_engine(named).dispose()


def test_csv_cells_cannot_become_formulas(app, database_url):
    formula_app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "t",
                              "WIKIS": [{"id": "f"}], "UNKNOWN_TOURS": "count", "TOURS": {}})
    with db.get_engine(app).begin() as conn:
        conn.execute(EventCount.__table__.insert().values(
            wiki="f", tour="t-y", version=1, step="=HYPERLINK(1)", action="shown", lang="",
            skin="", day=DAY1, step_index=1, count=1))
    out = formula_app.test_client().get("/funnels/f/t-y/data.csv").data.decode()
    assert "'=HYPERLINK(1)" in out and ",=HYPERLINK" not in out
    db.get_engine(formula_app).dispose()


def test_funnel_page_cost_does_not_grow_with_events(app, client):
    """The page reads counters: ten times the events on the same days is the same rows."""
    def row_count():
        with db.get_engine(app).connect() as conn:
            return conn.execute(text("SELECT COUNT(*) FROM event_counts")).scalar()

    before = row_count()
    add(app, DAY1, started=100_000, shown__welcome=90_000, completed=50_000)
    assert row_count() == before
    s, _ = stages(client, "?lang=de&skin=vector-2022&version=2")
    assert s[("started", None)]["count"] == 100_100


def test_steps_are_named_by_their_titles_in_the_readers_language(app, database_url, tmp_path,
                                                                 languages_file):
    tour_msgs = tmp_path / "tours"
    tour_msgs.mkdir()
    (tour_msgs / "de.json").write_text(json.dumps({
        "wikitours-tour-first-edit-title": "Deine erste Bearbeitung",
        "wikitours-tour-first-edit-step-open-editor-title": "Den Editor <öffnen>",
        "wikitours-tour-first-edit-step-publish-title": "{{GENDER:$1|Er|Sie}} speichert"}))
    titled = create_app({
        "TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "t", "WIKIS": WIKIS,
        "LANGUAGES_FILE": languages_file, "TOUR_MESSAGES_DIR": str(tour_msgs),
        "TOURS": {"first-edit": {"version": 2, "steps": ["welcome", "open-editor", "publish"],
                                 "title": "Your first edit",
                                 "step_titles": {"welcome": "This is your sandbox",
                                                 "open-editor": "Open the editor",
                                                 "publish": "Publish"}}}})
    c = titled.test_client()
    de = c.get("/funnels/local/first-edit?uselang=de").data.decode()
    assert "Deine erste Bearbeitung" in de
    assert "Den Editor &lt;öffnen&gt;" in de            # translated, escaped
    assert "This is your sandbox" in de                  # untranslated: the source title
    assert "3: publish</bdi>" in de and "GENDER" not in de  # wikitext: the id instead
    en = c.get("/funnels/local/first-edit?uselang=en").data.decode()
    assert "Your first edit" in en and "Step 2: Open the editor" in en
    rows = c.get("/funnels/local/first-edit/data.json?uselang=de").get_json()["stages"]
    assert [r["step"] for r in rows[1:4]] == ["welcome", "open-editor", "publish"]  # ids
    db.get_engine(titled).dispose()


# --- Funnels that add up (issue 17) --------------------------------------------------------

from hypothesis import given, settings, strategies as st  # noqa: E402

from contracts.tourdata import Conditions, is_branch  # noqa: E402
from toolforge.learning import load_library  # noqa: E402
from toolforge.publishedtours import known_from_library  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def _invariants(f):
    """What every funnel shows, whatever arrived: no share above 100 %, no negative loss,
    the main line never grows, a branch never exceeds the step readers come from."""
    started = f.stages[0].count
    line = started
    for s in f.stages:
        assert s.count >= 0
        assert s.share is None or 0 <= s.share <= 100
        assert s.dropoff is None or s.dropoff >= 0
        assert s.count <= started
        if s.kind == "branch":
            assert s.count <= line and s.dropoff is None
        elif s.kind in ("step", "completed"):
            assert s.count <= line and s.dropoff == line - s.count
            line = s.count


def test_the_first_edit_funnel_of_the_issue_adds_up():
    """The funnel of the issue: 12 'shown' of step 1 for 11 started, the visual editor's
    'Write something' (a conditional step) counted as lost by 7, then −3 at step 5."""
    known = known_from_library(load_library(ROOT / "tours.yaml"))["first-edit"]
    assert known["steps"][:4] == ["welcome", "open-editor", "write", "write-visual"]
    assert set(known["branches"]) == {"write", "write-visual", "summary", "publish", "save-visual",
                                      "summary-visual", "publish-visual"}
    rows = [("", "started", 0, 11), ("welcome", "shown", 0, 12), ("open-editor", "shown", 1, 7),
            ("write", "shown", 2, 5), ("write-visual", "shown", 3, 0),
            ("summary", "shown", 4, 3), ("publish", "shown", 5, 3), ("done", "shown", 6, 3),
            ("", "completed", 6, 3), ("", "abandoned", 0, 8)]
    f = build_funnel("w", "first-edit", rows, known["steps"], branches=known["branches"])
    _invariants(f)
    got = [(s.kind, s.step, s.number, s.count, s.dropoff) for s in f.stages]
    assert got == [("started", None, None, 11, None), ("step", "welcome", 1, 11, 0),
                   ("step", "open-editor", 2, 7, 4), ("branch", "write", 2, 5, None),
                   ("branch", "write-visual", 2, 0, None), ("branch", "summary", 2, 3, None),
                   ("branch", "publish", 2, 3, None), ("branch", "save-visual", 2, 0, None),
                   ("branch", "summary-visual", 2, 0, None), ("branch", "publish-visual", 2, 0, None),
                   ("step", "done", 3, 3, 4),
                   ("completed", None, None, 3, 0)]
    assert f.stages[1].recorded == 12 and f.stages[1].share == 100.0


def test_which_steps_are_branches():
    assert is_branch(Conditions(editors=("visual",)))
    assert is_branch(Conditions(actions=("edit",), skins=("minerva",)))
    assert is_branch(Conditions(logged_in=False))
    assert is_branch(Conditions(), Conditions(actions=("view",)))
    # where a step happens is not a branch: every reader comes to the edit page
    assert not is_branch(Conditions(actions=("edit", "submit")))
    assert not is_branch(Conditions(namespaces=(2,)), None)
    assert not is_branch(Conditions())


# A tour for the simulation: two steps everyone passes, a source/visual fork, a last step.
SIM_STEPS = ["a", "b", "src-1", "src-2", "ve-1", "end"]
SIM_BRANCHES = {"src": ["src-1", "src-2"], "ve": ["ve-1"]}


def _run_events(path: list[str], stop: int, reloads: list[int], restart: bool):
    """The events one run of the tour sends, as the gadget sends them (contracts §6):
    ``started`` once, ``shown`` once per step on its path however often the reader reloads
    or goes back, ``completed`` or ``abandoned``. Returns (events, truth of what happened)."""
    events = [("", "started", 0)]
    seen: list[str] = []
    for i, step in enumerate(path[:stop]):
        for _ in range(1 + reloads[i % len(reloads)]):
            if step not in seen:
                events.append((step, "shown", SIM_STEPS.index(step)))
                seen.append(step)
        events.append((step, "advanced", SIM_STEPS.index(step)))
    events.append(("", "completed" if stop == len(path) and not restart else "abandoned", 0))
    return events, seen


@st.composite
def runs(draw):
    fork = draw(st.sampled_from(["src", "ve"]))
    path = ["a", "b"] + SIM_BRANCHES[fork] + ["end"]
    stop = draw(st.integers(0, len(path)))
    reloads = draw(st.lists(st.integers(0, 3), min_size=1, max_size=4))
    return path, stop, reloads


@settings(max_examples=150, deadline=None)
@given(st.lists(runs(), max_size=40), st.randoms(use_true_random=False))
def test_funnel_of_random_runs_counts_each_run_once(sessions, rnd):
    c: Counter = Counter()
    truth: Counter = Counter()
    completed = 0
    for path, stop, reloads in sessions:
        events, seen = _run_events(path, stop, reloads, restart=False)
        truth.update(seen)
        completed += stop == len(path)
        for step, action, index in events:
            c[(step, action, index)] += 1
    rows = [(step, action, index, n) for (step, action, index), n in c.items()]
    rnd.shuffle(rows)  # the database returns groups in any order
    f = build_funnel("w", "t", rows, SIM_STEPS, branches=["src-1", "src-2", "ve-1"])
    _invariants(f)
    by_step = {s.step: s for s in f.stages if s.step}
    assert f.stages[0].count == len(sessions)
    for step in SIM_STEPS:  # exact: nothing had to be cut down
        assert by_step[step].count == by_step[step].recorded == truth[step]
    assert f.stages[-1].count == completed
    assert by_step["src-1"].kind == "branch" and by_step["end"].number == 3


ACTIONS = st.sampled_from(["started", "shown", "advanced", "completed", "abandoned", "x"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(SIM_STEPS + ["", "local"]), ACTIONS,
                          st.integers(-3, 9), st.integers(-5, 10**6)), max_size=30),
       st.lists(st.sampled_from(SIM_STEPS), max_size=3))
def test_any_event_stream_gives_a_funnel_that_adds_up(rows, branches):
    """Old gadgets, forged events, partial days: whatever arrived, it is still a funnel."""
    _invariants(build_funnel("w", "t", rows, SIM_STEPS, branches=branches))


def test_branches_are_drawn_apart_and_titles_are_plain_text(app, database_url, tmp_path,
                                                           languages_file):
    tours = {"first-edit": {
        "version": 2, "steps": ["welcome", "open-editor", "publish"],
        "branches": ["open-editor"], "title": "Your '''first''' [[Help:Editing|edit]]",
        "step_titles": {"welcome": "Say [[Help:Hello|hello]] to <b>you</b>",
                        "open-editor": "Only in the [[Help:VE|visual editor]]",
                        "publish": "''Publish''"}}}
    titled = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "t",
                         "WIKIS": WIKIS, "LANGUAGES_FILE": languages_file, "TOURS": tours})
    c = titled.test_client()
    html = c.get("/funnels/local/first-edit?uselang=en&lang=de&version=2").data.decode()
    page = parse(html)
    body = " ".join(page.text)
    assert "[[" not in html and "'''" not in html and "''" not in body
    assert "Your first edit" in body and "Step 1: Say hello to <b>you</b>" in body
    assert "&lt;b&gt;" in html  # plain text is still escaped
    assert "Some readers: Only in the visual editor" in body and "Step 2: Publish" in body
    rows = [a for t, a in page.tags if t == "tr" and a.get("class") == "branch"]
    assert len(rows) == 1
    assert [a["class"] for t, a in page.tags if t == "rect"] == [
        "bar", "bar", "bar-branch", "bar", "bar-drop"]
    data = c.get("/funnels/local/first-edit/data.json?lang=de&version=2").get_json()
    kinds = [(s["stage"], s["step"], s["number"]) for s in data["stages"]]
    assert kinds == [("started", None, None), ("step", "welcome", 1),
                     ("branch", "open-editor", 1), ("step", "publish", 2),
                     ("completed", None, None)]
    assert all(s["dropoff"] is None or s["dropoff"] >= 0 for s in data["stages"])
    assert all(s["share"] is None or s["share"] <= 100 for s in data["stages"])
    db.get_engine(titled).dispose()
