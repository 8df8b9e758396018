"""The outcome cache and report pages on SQLite and MariaDB (no wiki needed: rows are stored
the way ``reports.refresh`` stores them)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from toolforge import create_app, db, reports
from toolforge.outcomes import OUTCOMES, Outcome

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def app(database_url):
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE_URL": database_url,
                      "WIKIS": [{"id": "w1", "api": "http://127.0.0.1:9/api.php",
                                 "index": "http://127.0.0.1:9/index.php", "language": "ar",
                                 "report_threshold": 3},
                                {"id": "w2", "api": "http://127.0.0.1:9/api.php",
                                 "index": "http://127.0.0.1:9/index.php", "language": "de"}]})
    db.upgrade(app)
    yield app
    db.get_engine(app).dispose()


def outcome(name: str, **kw) -> Outcome:
    flags = {o: None for o in OUTCOMES}
    flags.update(kw.pop("flags", {}))
    return Outcome(name, registration="2026-10-01T10:00:00Z", week="2026-W40", **flags, **kw)


def test_store_replaces_a_wikis_rows_and_keeps_unknowns(app):
    with app.app_context():
        session = db.get_session()
        first = [outcome(f"Ünïcode {i} عربي", mentor="Ada", flags={"activated_7d": i % 2 == 0})
                 for i in range(6)]
        assert reports.store(session, "w1", first, NOW) == 6
        assert reports.store(session, "w2", [outcome("Other", mentor="Bo")] * 1, NOW) == 1
        second = first[:4] + [outcome("N" * 255, mentor="M" * 300, variant="v" * 64,
                                      experiment="e", flags={"retained": False})]
        assert reports.store(session, "w1", second, NOW) == 5
    client = app.test_client()
    data = client.get("/reports/w1/data.json?by=mentor").get_json()
    assert data["newcomers"] == 5
    # one newcomer with a 255-character mentor is below the threshold of 3: alone, the pool
    # would be too small, so Ada's 4 join it (else 5 - 4 would give the one away)
    (pool,) = data["groups"]
    assert pool["pooled"] and pool["newcomers"] == 5 and data["hidden"] == 0
    assert pool["activated_7d"] == {**pool["activated_7d"], "yes": 2, "known": 4}
    assert pool["retained"]["hidden"] and pool["retained"]["known"] is None  # 1 known: hidden
    assert "M" * 255 not in json.dumps(data) and "Ada" not in json.dumps(data)
    overview = client.get("/reports/data.json")
    assert overview.status_code == 404  # only per wiki exports
    page = client.get("/reports/?by=language")
    html = page.get_data(as_text=True)
    # all wikis use the largest threshold (10, the default of w2): nobody is shown alone
    assert page.status_code == 200 and "⧼" not in html and "<svg" not in html
    assert "6 newcomers are not shown in any group" in html


def test_experiment_page_on_this_database(app):
    with app.app_context():
        rows = [outcome(f"C{i}", experiment="exp", variant="control",
                        flags={"activated_7d": i < 3}) for i in range(10)]
        rows += [outcome(f"T{i}", experiment="exp", variant="treated",
                         flags={"activated_7d": i < 9}) for i in range(10)]
        reports.store(db.get_session(), "w1", rows, NOW)
        reports.store_designs(db.get_session(), "w1", {"exp": {
            "variants": [["control", 1], ["treated", 1]], "active": True, "changed": False,
            "design": {"primary": "activated_7d", "minimum-effect": 10, "planned-size": 20,
                       "end": None}}}, NOW)
    client = app.test_client()
    data = client.get("/reports/w1/experiments/exp/data.json").get_json()
    assert data["stage"] == "decided" and data["design"]["primary"] == "activated_7d"
    (decision,) = data["decision"]["comparisons"]
    assert decision["variant"] == "treated" and decision["significant"] is True
    assert decision["kind"] == "higher" and decision["difference"] == pytest.approx(0.6)
    assert decision["low"] > 0
    html = client.get("/reports/w1/experiments/exp?uselang=ar").get_data(as_text=True)
    assert 'dir="rtl"' in html and "⧼" not in html
    english = client.get("/reports/w1/experiments/exp").get_data(as_text=True)
    assert "Higher than the control" in english and "Primary outcome" in english
    assert client.get("/reports/w1/experiments/exp?effect=nan").status_code == 200
    assert client.get("/reports/w1/experiments/exp/data.csv").headers[
        "Content-Type"].startswith("text/csv")


def test_chart_is_mirrored_for_right_to_left_readers(app):
    import re

    client = app.test_client()

    def whiskers(lang):
        html = client.get(f"/reports/w1?by=variant&outcome=activated_7d&uselang={lang}"
                          ).get_data(as_text=True)
        return [(float(a), float(b)) for a, b in re.findall(
            r'class="whisker" x1="([\d.]+)" x2="([\d.]+)"', html)]

    ltr, rtl = whiskers("en"), whiskers("ar")
    assert len(ltr) == len(rtl) == 2
    for (l1, l2), (r1, r2) in zip(ltr, rtl):
        assert 0 <= l1 < l2 <= 520 and 120 <= r1 < r2 <= 640
        assert abs((640 - l2) - r1) < 0.2 and abs((640 - l1) - r2) < 0.2  # mirror images
