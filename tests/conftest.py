"""Shared test configuration. Fixtures live in plugin modules named for what they provide."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

pytest_plugins: list[str] = ["tests.wiki", "tests.mariadb", "tests.browser"]

# The compiler speaks the locale's language (``LANG=de_DE.UTF-8`` gives German messages); the
# tests compare English texts, so they ask for English explicitly, whatever the machine's locale.
import os  # noqa: E402

os.environ["WIKITOURS_LANG"] = "en"


# --- markers: what a test starts --------------------------------------------------------------
# Every test is marked by the real components it starts, found from the fixtures it uses and
# from its own source and its fixtures' sources (a test that drives Chromium itself, or runs the
# playground in a subprocess). `./dev test -m "not wiki and not browser"` then runs the pure
# tests. A test that starts a wiki, Chromium or MariaDB without its marker fails (see
# _guard_starts below), so the marked set cannot quietly go wrong.
import inspect  # noqa: E402
import re  # noqa: E402

import pytest  # noqa: E402

#: marker → fixtures that start the component
STARTED_BY = {
    "wiki": {"wiki", "make_wiki"},
    "browser": {"browser", "page"},
    "mariadb": {"mariadb_server"},
}
#: marker → what a test's or fixture's own code calls to start the component
STARTED_IN_CODE = {
    "wiki": re.compile(r"\bmake_wiki\b|\bLocalWiki(\.create)?\(|[\"']-m[\"'],\s*[\"']playground[\"']"),
    "browser": re.compile(r"\bsync_playwright\b|\blaunch\(p\w*\)|\bbrowser_type\.launch\("),
    "mariadb": re.compile(r"\bstart_mariadb\(|\bmariadb_server\b"),
}


def _sources(item) -> str:
    """The code of the test function, of every fixture it uses (fixtures of fixtures too), and
    of the functions and classes of their own modules that these name (a fixture that builds a
    ``Playground`` helper class, a test that calls ``_run_sync(...)``), followed to any depth."""
    queue = [getattr(item, "function", None)]
    info = getattr(item, "_fixtureinfo", None)
    for name in getattr(item, "fixturenames", ()):
        queue.extend(d.func for d in (info.name2fixturedefs.get(name, ()) if info else ()))
    seen: set[int] = set()
    texts = []
    while queue:
        code = queue.pop()
        if code is None or id(code) in seen:
            continue
        seen.add(id(code))
        try:
            text = inspect.getsource(code)
        except (OSError, TypeError):
            continue
        texts.append(text)
        module = inspect.getmodule(code)
        for name in set(re.findall(r"\b[A-Za-z_]\w*\b", text)):
            value = getattr(module, name, None)
            if (inspect.isfunction(value) or inspect.isclass(value)) and inspect.getmodule(value) is module:
                queue.append(value)
    return "\n".join(texts)


def markers_for(item) -> set[str]:
    """The markers *item* needs: by fixture name, then by what its code (and its fixtures'
    code) calls."""
    names = set(getattr(item, "fixturenames", ()))
    found = {marker for marker, fixtures in STARTED_BY.items() if names & fixtures}
    code = _sources(item)
    found |= {marker for marker, pattern in STARTED_IN_CODE.items() if pattern.search(code)}
    if "mariadb" in found and "database_url" in names:
        # database_url runs each test on SQLite and on MariaDB: only the MariaDB case needs it
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("database_url") == "sqlite":
            found.discard("mariadb")
    return found


def pytest_collection_modifyitems(config, items):
    for item in items:
        for marker in sorted(markers_for(item) - {m.name for m in item.iter_markers()}):
            item.add_marker(getattr(pytest.mark, marker))


_RUNNING: dict[str, set[str]] = {"markers": set()}


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    _RUNNING["markers"] = {m.name for m in item.iter_markers()}


def _guard(marker: str, owner, name: str) -> None:
    """Make ``owner.name`` refuse to start its component for a test not marked *marker*."""
    original = getattr(owner, name)

    def guarded(*args, **kwargs):
        if marker not in _RUNNING["markers"]:
            raise RuntimeError(f"this test starts {marker} but is not marked '{marker}': "
                               "use the fixture (tests/conftest.py marks by fixture) or mark it")
        return original(*args, **kwargs)

    setattr(owner, name, guarded)


def pytest_configure(config):
    from localwiki.server import LocalWiki

    from tests import browser, mariadb

    _guard("wiki", LocalWiki, "start")
    _guard("browser", browser, "launch")
    _guard("mariadb", mariadb, "start_mariadb")
