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
        shown__open_editor=5, completed=1)
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
        ("step", "open-editor", 0), ("step", "publish", 4), ("completed", None, 3)]
    assert [s.dropoff for s in f.stages] == [None, 1, 1, 8, -4, 1]
    assert f.stages[-1].share == 30.0 and f.abandoned == 2
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
    has_ar = (Path(__file__).resolve().parent.parent / "i18n" / "app" / "ar.json").exists()
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
