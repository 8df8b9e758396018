"""Benchmark: the events API under gunicorn, against a bare Flask endpoint, and funnel page time.

    .venv/bin/python bench/ingest.py [--db sqlite|mariadb] [--clients 8] [--batches 2000]
                                     [--events 20] [--workers 4]

1. Starts the wikitours app under gunicorn on 127.0.0.1 (a private config file: a fresh
   SQLite file or a MariaDB server started for the run; the rate limit stays on, with a burst
   large enough that one loopback client is not throttled), and a bare Flask app whose only
   endpoint reads the body and answers 202, under the same gunicorn settings.
2. Several concurrent clients post the same fixed number of batches (``text/plain`` like
   ``sendBeacon``, with an ``Origin`` header) to each; prints requests per second, the ratio
   app / bare (goal ≥ 0.5), latency p50/p95/p99, and checks events sent = events counted.
3. Funnel page time with 10³ and 10⁶ events. The events are counted through the ingest's own
   code path (``events.aggregate`` + ``events.count_events``, the functions the API calls per
   batch) in batches of 1000, spread over 30 days, 4 languages, 3 skins and the tour's steps;
   only the HTTP layer is skipped to keep the run short. The page is then fetched over HTTP
   (median of 30). Goal: the same time for both.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ORIGIN = "http://127.0.0.1:8080"
WIKIS = [{"id": "local", "index": f"{ORIGIN}/index.php", "api": f"{ORIGIN}/api.php"},
         {"id": "w1k", "index": "http://w1k.test/index.php"},
         {"id": "w1m", "index": "http://w1m.test/index.php"}]
LANGS = ["en", "de", "ar", "fr"]
SKINS = ["vector-2022", "minerva", "monobook"]


def bare_app():
    """The baseline: a Flask endpoint that reads the body and answers 202, nothing else."""
    from flask import Flask, request

    app = Flask("bare")

    @app.post("/api/v1/events")
    def events():
        request.get_data()
        return '{"counted": 0}', 202, {"Content-Type": "application/json"}

    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(target: str, env: dict, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    proc = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning", target],
        cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, port
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn {target} exited with {proc.returncode}")
            time.sleep(0.05)
    raise RuntimeError(f"gunicorn {target} did not start")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def make_batch(rng: random.Random, steps: list[str], n: int) -> dict:
    events = []
    for _ in range(n):
        i = rng.randrange(len(steps))
        events.append({"tour": "first-edit", "version": 1, "step": steps[i], "index": i,
                       "action": rng.choice(["shown", "shown", "advanced"]),
                       "lang": rng.choice(LANGS), "skin": rng.choice(SKINS)})
    return {"wiki": "127.0.0.1:8080", "events": events}


def load(port: int, bodies: list[bytes], clients: int) -> tuple[float, list[float], list[int]]:
    """Post every body once from *clients* threads; return (seconds, latencies, statuses)."""
    latencies: list[float] = []
    statuses: list[int] = []
    lock = threading.Lock()
    chunks = [bodies[i::clients] for i in range(clients)]

    def client(chunk: list[bytes]) -> None:
        mine, codes = [], []
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for body in chunk:
            t = time.perf_counter()
            try:
                conn.request("POST", "/api/v1/events", body=body, headers={
                    "Content-Type": "text/plain;charset=UTF-8", "Origin": ORIGIN})
                response = conn.getresponse()
                response.read()
            except (http.client.HTTPException, OSError):  # sync workers close the connection
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("POST", "/api/v1/events", body=body, headers={
                    "Content-Type": "text/plain;charset=UTF-8", "Origin": ORIGIN})
                response = conn.getresponse()
                response.read()
            mine.append(time.perf_counter() - t)
            codes.append(response.status)
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.close()
        with lock:
            latencies.extend(mine)
            statuses.extend(codes)

    threads = [threading.Thread(target=client, args=(c,)) for c in chunks]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start, latencies, statuses


def server_cpu(master: int) -> float:
    """CPU seconds used so far by a gunicorn master and its workers (from ``/proc``).

    Requests per CPU-second of the server does not depend on what else the machine runs,
    unlike requests per second, so the bench prints both.
    """
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry), int(fields[1])
        if pid == master or ppid == master:
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def counted(app, wiki: str) -> int:
    from sqlalchemy import func, select

    from toolforge import db
    from toolforge.models import EventCount

    with db.get_engine(app).connect() as conn:
        return int(conn.execute(select(func.coalesce(func.sum(EventCount.count), 0))
                                .where(EventCount.wiki == wiki)).scalar())


def fill(app, wiki: str, total: int, steps: list[str], seed: int) -> tuple[float, int]:
    """Count *total* events for *wiki* through the ingest's aggregate + upsert functions."""
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from toolforge import db
    from toolforge.events import aggregate, count_events
    from toolforge.models import EventCount

    rng = random.Random(seed)
    today = date.today()
    start = time.perf_counter()
    engine = db.get_engine(app)
    with Session(engine) as session:
        done = 0
        while done < total:
            n = min(1000, total - done)
            events = []
            for _ in range(n):
                r = rng.random()
                if r < 0.15:
                    events.append({"tour": "first-edit", "version": 1, "action": "started",
                                   "lang": rng.choice(LANGS), "skin": rng.choice(SKINS)})
                elif r < 0.2:
                    events.append({"tour": "first-edit", "version": 1, "action": "completed",
                                   "lang": rng.choice(LANGS), "skin": rng.choice(SKINS)})
                else:
                    i = min(int(rng.expovariate(0.5)), len(steps) - 1)
                    events.append({"tour": "first-edit", "version": 1, "step": steps[i],
                                   "index": i, "action": "shown", "lang": rng.choice(LANGS),
                                   "skin": rng.choice(SKINS)})
            counts, index = aggregate(wiki, events)
            count_events(session, counts, index, day=today - timedelta(days=rng.randrange(30)))
            done += n
    with engine.connect() as conn:
        rows = conn.execute(select(func.count()).select_from(EventCount)
                            .where(EventCount.wiki == wiki)).scalar()
    return time.perf_counter() - start, int(rows)


def page_time(port: int, path: str, n: int = 1) -> float:
    """Median seconds to fetch *path* (*n* times)."""
    times = []
    for _ in range(n):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        t = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        times.append(time.perf_counter() - t)
        conn.close()
        if response.status != 200 or b"<svg" not in body:
            raise RuntimeError(f"{path}: {response.status}")
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "mariadb"], default="sqlite")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--batches", type=int, default=2000)
    parser.add_argument("--events", type=int, default=20, help="events per batch")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--big", type=int, default=1_000_000, help="events for the large funnel")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per server")
    args = parser.parse_args(argv)

    from toolforge import create_app, db
    from toolforge.learning import load_library

    steps = [s.id for s in load_library(ROOT / "tours.yaml").tour("first-edit").steps]
    tmp = Path(tempfile.mkdtemp(prefix="wikitours-bench-"))
    server = None
    procs: list[subprocess.Popen] = []
    try:
        if args.db == "mariadb":
            from tests.mariadb import start_mariadb

            server = start_mariadb(tmp / "mariadb")
            url = server.create_database("bench")
        else:
            url = f"sqlite:///{tmp / 'bench.sqlite3'}"
        config = {"SECRET_KEY": "bench", "DATABASE_URL": url, "WIKIS": WIKIS,
                  "TOURS": {"first-edit": {"version": 1, "steps": steps}},
                  "RATELIMIT_RATE": 100000.0, "RATELIMIT_BURST": 100000,
                  "EVENTS_MAX_BATCH": max(200, args.events)}
        (tmp / "config.yaml").write_text(json.dumps(config))  # JSON is YAML
        env = {k: v for k, v in os.environ.items() if not k.startswith("WIKITOURS_")}
        env["WIKITOURS_CONFIG"] = str(tmp / "config.yaml")
        os.environ.update({"WIKITOURS_CONFIG": str(tmp / "config.yaml")})
        app = create_app()
        db.upgrade(app)

        rng = random.Random(1)
        bodies = [json.dumps(make_batch(rng, steps, args.events)).encode()
                  for _ in range(args.batches)]
        sent = args.batches * args.events

        bare, bare_port = start_gunicorn("bench.ingest:bare_app()", env, args.workers)
        procs.append(bare)
        before = counted(app, "local")
        tf, tf_port = start_gunicorn("toolforge:create_app()", env, args.workers)
        procs.append(tf)
        load(bare_port, bodies[:100], args.clients)  # warm-up of both (the app's is counted)
        _s, _l, app_codes = load(tf_port, bodies[:100], args.clients)
        # Rounds alternate between the two servers so that other load on the machine hits both.
        bare_runs, app_runs, bare_lat, app_lat, bare_codes = [], [], [], [], []
        bare_cpu = app_cpu = 0.0
        for _round in range(args.rounds):
            cpu = server_cpu(bare.pid)
            seconds, lat, codes = load(bare_port, bodies, args.clients)
            bare_cpu += server_cpu(bare.pid) - cpu
            bare_runs.append(args.batches / seconds)
            bare_lat += lat
            bare_codes += codes
            cpu = server_cpu(tf.pid)
            seconds, lat, codes = load(tf_port, bodies, args.clients)
            app_cpu += server_cpu(tf.pid) - cpu
            app_runs.append(args.batches / seconds)
            app_lat += lat
            app_codes += codes
        sent = 100 * args.events + args.rounds * args.batches * args.events
        stop(tf)  # a graceful stop: every worker writes the counts it still holds
        after = counted(app, "local")
        stop(bare)
        tf, tf_port = start_gunicorn("toolforge:create_app()", env, args.workers)
        procs.append(tf)

        ratios = [a / b for a, b in zip(app_runs, bare_runs)]
        bare_rps, app_rps = statistics.median(bare_runs), statistics.median(app_runs)
        print(f"database: {args.db}; gunicorn --workers {args.workers}; {args.clients} clients; "
              f"{args.rounds} rounds of {args.batches} batches x {args.events} events; "
              f"load average {os.getloadavg()[0]:.1f}")
        print(f"bare Flask endpoint: {bare_rps:8.0f} requests/s  p50 {percentile(bare_lat, 50)*1e3:6.1f} ms"
              f"  p95 {percentile(bare_lat, 95)*1e3:6.1f} ms  p99 {percentile(bare_lat, 99)*1e3:6.1f} ms")
        print(f"events API:          {app_rps:8.0f} requests/s  p50 {percentile(app_lat, 50)*1e3:6.1f} ms"
              f"  p95 {percentile(app_lat, 95)*1e3:6.1f} ms  p99 {percentile(app_lat, 99)*1e3:6.1f} ms"
              f"  ({app_rps * args.events:.0f} events/s)")
        print(f"ratio app/bare: {statistics.median(ratios):.2f}x median of rounds "
              f"({', '.join(f'{r:.2f}' for r in ratios)}) (goal >= 0.5x)")
        total_batches = args.rounds * args.batches
        print(f"per server CPU-second: bare {total_batches / bare_cpu:.0f}, events API "
              f"{total_batches / app_cpu:.0f} requests; ratio {bare_cpu / app_cpu:.2f}x "
              "(independent of other load on the machine)")
        bad = [c for c in app_codes if c != 202] + [c for c in bare_codes if c != 202]
        print(f"events sent {sent}, counted {after - before}: "
              f"{'OK' if sent == after - before and not bad else 'MISMATCH'}"
              f"{'' if not bad else f' ({len(bad)} non-202 answers)'}")

        sizes = (("w1k", 1000), ("w1m", args.big))
        filled = {wiki: fill(app, wiki, total, steps, seed=total) for wiki, total in sizes}
        paths = {wiki: [f"/funnels/{wiki}/first-edit",
                        f"/funnels/{wiki}/first-edit?lang=de&skin=minerva"] for wiki, _ in sizes}
        times: dict[str, list[list[float]]] = {w: [[], []] for w, _ in sizes}
        for path_list in paths.values():  # warm-up
            for path in path_list:
                page_time(tf_port, path, 3)
        for _ in range(30):  # alternate, so noise hits both sizes alike
            for wiki, _total in sizes:
                for j, path in enumerate(paths[wiki]):
                    times[wiki][j].append(page_time(tf_port, path, 1))
        for wiki, total in sizes:
            fill_s, rows = filled[wiki]
            print(f"funnel page with {total:>9,} events ({rows} counter rows, counted in "
                  f"{fill_s:.1f} s): {statistics.median(times[wiki][0])*1e3:6.1f} ms median; "
                  f"filtered by language and skin {statistics.median(times[wiki][1])*1e3:6.1f} ms")
        ok = sent == after - before and not bad
        return 0 if ok else 1
    finally:
        for p in procs:
            stop(p)
        if server is not None:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
