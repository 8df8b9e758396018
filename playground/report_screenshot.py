"""`python -m playground.report_screenshot FILE`: the experiment report page, in headless
Chromium, for the playground's experiment (its declared design, ``playground.cli.EXPERIMENTS``).

The playground's newcomers are three accounts, too few for any report, so the outcomes here
are simulated (about 800 participants, the citation-first variant activating less often) and
stored in a throw-away SQLite cache exactly as ``outcomes-refresh`` stores them; the design,
the arms, the disclosure control and the decision are the app's own. The page is served on
127.0.0.1 by Werkzeug and captured with :func:`playground.screenshot.screenshot`.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import tempfile
import threading
from pathlib import Path

from bot.experiments import assign, parse_config
from playground.cli import EXPERIMENTS
from toolforge import create_app, db, reports
from toolforge.outcomes import Outcome
from toolforge.outcomes_fetch import design_entry

NOW = dt.datetime(2027, 4, 2, 12, 0, tzinfo=dt.timezone.utc)
RATES = {"control": 0.42, "citation-first": 0.33}  # activated within 7 days


def simulated(experiment, count: int = 1600, seed: int = 18) -> list[Outcome]:
    rng = random.Random(seed)
    people = []
    for i in range(count):
        name = f"Playground newcomer {i}"
        variant = assign(experiment, name)
        start = NOW - dt.timedelta(days=130 - i % 70)
        active = rng.random() < RATES[variant.id] if variant else rng.random() < 0.4
        people.append(Outcome(
            name, registration=start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            week=f"{start.isocalendar()[0]}-W{start.isocalendar()[1]:02d}",
            mentor=("Ada", "Grace", "Hedy")[i % 3], experiment=experiment.name if variant else "",
            variant=variant.id if variant else "", activated_7d=active,
            activated_24h=active and rng.random() < 0.6,
            constructive=active and rng.random() < 0.8, retained=rng.random() < 0.2,
            started_tour=rng.random() < (0.5 if not variant or variant.tours is None else 0.4),
            completed_tour=rng.random() < 0.25, earned_badge=rng.random() < 0.15,
            wrote_to_mentor=rng.random() < 0.08))
    return people


def main(argv: list[str] | None = None) -> int:
    from werkzeug.serving import make_server

    from playground.screenshot import screenshot

    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    (experiment,), problems = parse_config(json.dumps(EXPERIMENTS))
    assert not problems, problems
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SECRET_KEY": "playground", "DATABASE_URL":
                          f"sqlite:///{Path(tmp) / 'report.sqlite3'}",
                          "WIKIS": [{"id": "playground", "api": "http://127.0.0.1:9/api.php",
                                     "index": "http://127.0.0.1:9/index.php",
                                     "language": "en", "report_threshold": 10}]})
        db.upgrade(app)
        with app.app_context():
            session = db.get_session()
            reports.store(session, "playground", simulated(experiment), NOW)
            reports.store_designs(session, "playground",
                                  {experiment.name: design_entry(experiment)}, NOW)
        server = make_server("127.0.0.1", 0, app)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            url = f"http://127.0.0.1:{server.server_port}/reports/playground/experiments/" \
                  f"{experiment.name}"
            screenshot(url, Path(argv[0]), width=1100, height=900, full_page=True)
        finally:
            server.shutdown()
            db.get_engine(app).dispose()
    print(argv[0])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
