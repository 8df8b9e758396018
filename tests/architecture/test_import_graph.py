"""The import graph of the production packages follows the flow (docs/architecture.md).

contracts < tours (compiler) < wikiapi (the wiki client) < publish < bot < toolforge (app): a
package imports only packages before it, the bots never import publishing, and the app imports
only contracts and the compiler. No two modules import each other, directly or around a
circle, and an import inside a function says why it is there. Read from the source with
:mod:`ast`, so nothing is imported (no wiki, no Flask app) and the test runs in a second.
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: The layers, lowest first.
LAYERS = ("contracts", "tours", "practice", "wikiapi", "publish", "bot", "toolforge")
#: What each package may import besides itself: the layers before it, with two exceptions.
ALLOWED = {
    "contracts": set(),
    "tours": {"contracts"},
    "practice": {"contracts"},  # the task types, lists and checks: pure, shared by bot and app
    "wikiapi": {"contracts", "tours"},
    "publish": {"contracts", "tours", "practice", "wikiapi"},
    "bot": {"contracts", "tours", "practice", "wikiapi"},  # not publish: the bots read what was published
    "toolforge": {"contracts", "tours", "practice"},  # the app talks to wikis with its own read-only client
}
#: Entry points that join layers for people's convenience, each explained.
ENTRY_POINTS = {
    ("tours.__main__", "publish.cli"):
        "`python -m tours pull|push` keep working: the compiler's command line (tours.cli) does not "
        "know publishing; its __main__ starts publish.cli, which adds those two commands",
}
#: Libraries that talk HTTP or to a wiki: never in the compiler.
NETWORK = {"requests", "pywikibot", "urllib.request", "http.client", "httpx", "aiohttp", "socket"}


@dataclass(frozen=True)
class Import:
    source: str  # importing module
    target: str  # imported module (a production module, or the top-level name of a library)
    line: int
    deferred: bool  # inside a function
    comment: str  # the comment on the import's line(s), "" when there is none


def modules(root: Path, packages=LAYERS) -> dict[str, Path]:
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _resolve(name: str, known: dict[str, Path]) -> str:
    """The production module *name* lives in (``tours.model.Problem`` → ``tours.model``), or
    the top-level library name (``requests``)."""
    probe = name
    while probe:
        if probe in known:
            return probe
        probe = probe.rpartition(".")[0]
    return name if name.partition(".")[0] in NETWORK or name in NETWORK else name.partition(".")[0]


def imports(root: Path = ROOT, packages=LAYERS) -> list[Import]:
    known = modules(root, packages)
    found: list[Import] = []
    for module, path in known.items():
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]

        def visit(node: ast.AST, in_function: bool) -> None:
            for child in ast.iter_child_nodes(node):
                inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
                names: list[str] = []
                if isinstance(child, ast.Import):
                    names = [a.name for a in child.names]
                elif isinstance(child, ast.ImportFrom):
                    base = child.module or ""
                    if child.level:
                        base = ".".join(package[:len(package) - child.level + 1] + ([base] if base else []))
                    names = [f"{base}.{a.name}" for a in child.names]
                if names:
                    text = "\n".join(lines[child.lineno - 1:child.end_lineno])
                    comment = text.partition("#")[2].strip() if "#" in text else ""
                    for target in {_resolve(n, known) for n in names} - {module}:
                        found.append(Import(module, target, child.lineno, in_function, comment))
                visit(child, inside)

        visit(ast.parse(source), False)
    return found


def cycles(edges: list[Import]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    graph: dict[str, set[str]] = {}
    for e in edges:
        graph.setdefault(e.source, set()).add(e.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return found


def against_flow(edges: list[Import]) -> list[tuple[str, str]]:
    wrong = []
    for e in edges:
        a, b = e.source.partition(".")[0], e.target.partition(".")[0]
        if b in LAYERS and a != b and b not in ALLOWED[a]:
            wrong.append((e.source, e.target))
    return sorted(set(wrong))


@pytest.fixture(scope="module")
def found() -> list[Import]:
    return imports()


@pytest.fixture(scope="module")
def edges(found) -> list[Import]:
    return [e for e in found if e.target.partition(".")[0] in LAYERS]


def test_no_module_imports_itself_around_a_circle(edges):
    assert cycles(edges) == []


def test_packages_import_only_earlier_layers(edges):
    wrong = [pair for pair in against_flow(edges) if pair not in ENTRY_POINTS]
    assert wrong == [], "imports against the flow (docs/architecture.md)"


def test_every_exception_is_still_needed(edges):
    """An exception that no import needs any more is deleted, so the list never grows stale."""
    present = set(against_flow(edges))
    assert set(ENTRY_POINTS) <= present


def test_the_compiler_talks_to_no_wiki(found):
    network = [(e.source, e.target) for e in found if e.source.startswith("tours.") and e.target in NETWORK]
    assert network == []


def test_an_import_inside_a_function_says_why(found):
    """Deferred imports hid the cycles; the ones left have a reason, written beside them."""
    silent = [f"{e.source}:{e.line} imports {e.target}" for e in found
              if e.deferred and not e.comment]
    assert silent == []


def _tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_the_checks_catch_a_cycle_a_wrong_import_and_a_silent_deferred_import(tmp_path):
    """The checker itself, on a made-up tree: each rule fails when broken."""
    _tree(tmp_path, {
        "tours/__init__.py": "",
        "tours/a.py": "from tours import b\n",
        "tours/b.py": "def f():\n    from tours.a import x\n",
        "tours/net.py": "import requests  # fetches\nfrom publish.sync import run\n",
        "publish/__init__.py": "",
        "publish/sync.py": "from . import helper\nfrom bot.welcome import greet\n",
        "publish/helper.py": "def g():\n    import json  # big, and only here\n",
        "bot/__init__.py": "",
        "bot/welcome.py": "from publish import sync\nfrom tours.a import x\n",
        "toolforge/__init__.py": "from wikiapi.client import Wiki\n",
        "wikiapi/__init__.py": "",
        "wikiapi/client.py": "",
        "contracts/__init__.py": "",
    })
    found = imports(tmp_path)
    inner = [e for e in found if e.target.partition(".")[0] in LAYERS]
    assert sorted(cycles(inner)) == [["bot.welcome", "publish.sync"], ["tours.a", "tours.b"]]
    assert against_flow(inner) == [("bot.welcome", "publish.sync"), ("publish.sync", "bot.welcome"),
                                   ("toolforge", "wikiapi.client"), ("tours.net", "publish.sync")]
    assert [(e.source, e.target) for e in found if e.deferred and not e.comment] == [("tours.b", "tours.a")]
    assert [(e.source, e.target, e.comment) for e in found if e.deferred and e.comment] == [
        ("publish.helper", "json", "big, and only here")]
    assert ("tours.net", "requests") in {(e.source, e.target) for e in found}
