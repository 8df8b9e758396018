"""A real MariaDB server for the app's tests (pytest plugin, loaded by ``tests/conftest.py``).

``mariadb_server`` (module scope) initialises a data folder with Debian's
``mariadb-install-db`` and runs ``mariadbd`` on 127.0.0.1 and a free port, the way
``/work/shared/realwiki.md`` describes (about a second). It stops the server and removes the
folder when the module's tests are done.

``database_url`` (module scope) is parametrised over ``sqlite`` and ``mariadb``: every test
that uses it runs on both. Each call gives a fresh, empty database, so test modules never see
each other's rows. Tests apply the schema themselves (``toolforge.db.upgrade(app)``).
"""

from __future__ import annotations

import itertools
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

__all__ = ["MariaDB", "free_port", "start_mariadb"]

_counter = itertools.count(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class MariaDB:
    """A running server: connect as root over TCP with the password in ``.password``."""

    datadir: Path
    port: int
    process: subprocess.Popen
    password: str = "wikitours-test"

    def connect(self, database: str | None = None):
        import pymysql

        return pymysql.connect(host="127.0.0.1", port=self.port, user="root",
                               password=self.password, database=database, charset="utf8mb4",
                               autocommit=True)

    def create_database(self, name: str | None = None) -> str:
        """Create an empty utf8mb4 database; return its SQLAlchemy URL."""
        name = name or f"wikitours_test_{next(_counter)}"
        with self.connect() as conn, conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
        return self.url(name)

    def url(self, database: str) -> str:
        return (f"mysql+pymysql://root:{self.password}@127.0.0.1:{self.port}/{database}"
                "?charset=utf8mb4")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_mariadb(base: Path) -> MariaDB:
    """Install a data folder in *base* and start a server on loopback; wait until it answers.

    Tried three times from scratch: on a busy machine another process may take the free port
    before mariadbd binds it, or a bootstrap may fail; the last error is raised.
    """
    errors = []
    for attempt in range(3):
        try:
            return _install_and_start(base / f"try{attempt}")
        except RuntimeError as error:
            errors.append(str(error))
    raise RuntimeError("MariaDB did not start:\n" + "\n".join(errors))


def _install_and_start(base: Path) -> MariaDB:
    datadir = base / "data"
    datadir.mkdir(parents=True)
    tmpdir = base / "tmp"  # a shared /tmp makes parallel bootstraps collide on temp tables
    tmpdir.mkdir()
    done = subprocess.run(
        ["mariadb-install-db", "--no-defaults", f"--datadir={datadir}", "--user=root",
         "--auth-root-authentication-method=normal", "--skip-test-db", f"--tmpdir={tmpdir}",
         "--innodb-use-native-aio=0"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if done.returncode != 0:
        raise RuntimeError(f"mariadb-install-db failed: {done.stderr.decode(errors='replace')}")
    server, conn = _run_server(base, datadir, tmpdir)
    if conn is None:
        raise RuntimeError(f"mariadbd exited: {(base / 'mariadbd.log').read_text()[-2000:]}")
    with conn.cursor() as cur:  # root over TCP needs a password (and has one from here on)
        cur.execute(f"ALTER USER 'root'@'localhost' IDENTIFIED BY '{server.password}'")
        # mariadb-install-db also makes root@127.0.0.1, without a password.
        cur.execute(f"CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '{server.password}'")
        cur.execute(f"ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '{server.password}'")
        cur.execute("GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION")
    conn.close()
    return server


def _run_server(base: Path, datadir: Path, tmpdir: Path):
    """Start mariadbd on a free port; ``(server, connection)``, or ``(None, None)`` on exit."""
    import pymysql

    port = free_port()
    log = open(base / "mariadbd.log", "ab")
    process = subprocess.Popen(
        ["mariadbd", "--no-defaults", f"--datadir={datadir}", f"--socket={base / 'sock'}",
         f"--port={port}", "--bind-address=127.0.0.1", "--user=root", "--skip-log-bin",
         "--innodb-buffer-pool-size=64M", "--innodb-flush-log-at-trx-commit=2",
         "--skip-name-resolve", f"--pid-file={base / 'mariadbd.pid'}", f"--tmpdir={tmpdir}",
         "--innodb-use-native-aio=0"],  # many servers at once can exhaust the kernel's AIO
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    server = MariaDB(datadir, port, process)
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            return None, None
        try:
            return server, pymysql.connect(unix_socket=str(base / "sock"), user="root",
                                           password="")
        except pymysql.err.OperationalError as error:
            if time.monotonic() > deadline:
                server.stop()
                raise RuntimeError(f"mariadbd did not answer in 60 s: {error}") from error
            time.sleep(0.05)


@pytest.fixture(scope="module")
def mariadb_server(tmp_path_factory):
    """A MariaDB server for this test module."""
    base = tmp_path_factory.mktemp("mariadb")
    server = start_mariadb(base)
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("mariadb", marks=pytest.mark.mariadb)])
def database_url(request, tmp_path_factory) -> str:
    """The URL of a fresh, empty database: SQLite (WAL) or a real MariaDB."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'wikitours.sqlite3'}"
    return request.getfixturevalue("mariadb_server").create_database()
