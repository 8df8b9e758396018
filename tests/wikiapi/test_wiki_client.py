"""Every production request to a wiki goes through the one client (wikiapi/client.py: call,
save_page, Wiki), which adds maxlag, rate-limit pacing and retries; and the scripts' options
follow Pywikibot's conventions (wikiapi/scriptoptions.py)."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLIENT = {"wikiapi/client.py", "wikiapi/client.py", "wikiapi/onwiki.py"}
#: Modules that may use ``requests`` because they do not talk to a wiki's API as the bots do,
#: each with the reason.
REQUESTS_ALLOWED = {
    "toolforge/wikiclient.py": "the app's small read-only client (issue 13 keeps it)",
    "toolforge/http.py": "the app's HTTP session factory (OAuth, wiki reads for the app)",
    "bot/badges.py": "reads the app's badge feed, not a wiki",
}
PACKAGES = ("bot", "tours", "toolforge", "wikiapi", "publish", "contracts", "scripts", "app.py")


@functools.cache
def _modules() -> tuple[tuple[str, ast.Module], ...]:
    """Every production module, parsed once for all the checks of this file."""
    found = []
    for name in PACKAGES:
        path = ROOT / name
        files = [path] if path.suffix == ".py" else sorted(path.rglob("*.py")) if path.is_dir() else []
        for file in files:
            found.append((file.relative_to(ROOT).as_posix(),
                          ast.parse(file.read_text(encoding="utf-8"))))
    return tuple(found)


def test_no_module_outside_the_client_calls_simple_request():
    offenders = []
    for name, tree in _modules():
        if name in CLIENT:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("simple_request", "_simple_request"):
                offenders.append(f"{name}:{node.lineno}")
            if isinstance(node, ast.Name) and node.id == "Request" or \
                    isinstance(node, ast.Attribute) and node.attr == "Request" \
                    and isinstance(node.value, ast.Attribute) and node.value.attr == "api":
                offenders.append(f"{name}:{node.lineno} (pywikibot Request)")
    assert offenders == [], "wiki requests outside wikiapi/client.py: " + ", ".join(offenders)


def test_requests_is_imported_only_where_it_does_not_reach_a_wiki_api():
    offenders = []
    for name, tree in _modules():
        if name in CLIENT or name in REQUESTS_ALLOWED:
            continue
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if any(n == "requests" or n.startswith("requests.") for n in names):
                offenders.append(f"{name}:{node.lineno}")
    assert offenders == [], "requests imported outside the client: " + ", ".join(offenders)


def test_the_checks_see_a_violation(tmp_path):
    """The AST walk above really finds a direct call (it would pass vacuously otherwise)."""
    tree = ast.parse("def f(site):\n    return site.simple_request(action='query').submit()\n")
    assert any(isinstance(n, ast.Attribute) and n.attr == "simple_request" for n in ast.walk(tree))
    assert any(name == "publish/sync.py" for name, _ in _modules()) or \
        any(name.endswith("sync.py") for name, _ in _modules())


def test_every_request_of_the_client_carries_maxlag_and_rate_limits_are_waited_out(monkeypatch):
    """The client's own loop, without a wiki: a Request stand-in answers ``ratelimited`` twice
    (through Pywikibot's hook the client overrides), then lag beyond Pywikibot's retries, then
    succeeds. The real-wiki version is tests/wikiapi/test_wiki_pacing.py."""
    import pywikibot
    from pywikibot.exceptions import MaxlagTimeoutError

    from wikiapi import client as onwiki

    sent, slept = [], []
    answers = ["ratelimited", "ratelimited", "maxlag", "ok"]

    class Limit:
        group, hits, seconds, delay = "user", 4, 8, 2.0

    class Throttle:
        retry_after = 0

    class Site:
        throttle = Throttle()

        def ratelimit(self, action):
            return Limit()

    class FakeRequest:
        def __init__(self, site, params):
            self.site, self.params, self.action = site, params, params.get("action")

        @classmethod
        def create_simple(cls, site, **params):
            return cls(site, params)

        def submit(self):
            sent.append(dict(self.params))
            answer = answers.pop(0)
            if answer == "ratelimited":
                onwiki._request_class()._ratelimited(self)
            if answer == "maxlag":
                Throttle.retry_after = 7
                raise MaxlagTimeoutError("Maximum retries attempted due to maxlag")
            return {"edit": {"result": "Success"}}

    # the client's own hook (what it overrides in Pywikibot's Request) on the stand-in
    paced = type("Paced", (FakeRequest,), {"_ratelimited": onwiki._request_class()._ratelimited})
    monkeypatch.setattr(onwiki, "_request_class", lambda: paced)
    monkeypatch.setattr(onwiki, "_sleep", slept.append)
    monkeypatch.setattr(onwiki, "_pace_edit", lambda site: None)
    monkeypatch.setattr(pywikibot.config, "retry_wait", 1)
    reply = onwiki.call(Site(), action="query", titles="X")
    assert reply == {"edit": {"result": "Success"}}
    assert len(sent) == 4 and all(p["maxlag"] == 5 for p in sent)
    # the account's limit (8 s / 4 hits = 2 s), doubled, then what the server said (Retry-After)
    assert slept == [2.0, 4.0, 7.0]


def test_the_user_agent_names_wikitours_and_the_deployments_contact(monkeypatch):
    """Wikimedia's User-Agent policy: the client's requests say who runs them. The contact comes
    from the deployment (WIKITOURS_CONTACT), never from the repository."""
    from pywikibot import config as pwconfig
    from pywikibot.comms import http

    from tours import __version__
    from wikiapi import client

    monkeypatch.setattr(pwconfig, "user_agent_description", None)
    monkeypatch.setenv("WIKITOURS_CONTACT", "ops@example.org")
    assert client.configure_user_agent() == f"wikitours/{__version__} (ops@example.org)"
    assert f"wikitours/{__version__} (ops@example.org)" in http.user_agent(None)
    # an operator's own description in user-config.py is kept beside ours, and repeated calls
    # (every request makes one) do not pile it up
    monkeypatch.setattr(pwconfig, "user_agent_description", "MyTool (User:Someone)")
    monkeypatch.delenv("WIKITOURS_CONTACT")
    first = client.configure_user_agent()
    assert first == f"wikitours/{__version__} MyTool (User:Someone)"
    assert client.configure_user_agent() == first


def test_options_are_read_from_one_declaration():
    """The shared reader of the scripts' declarations (wikiapi/scriptoptions.py): flags, numbers
    and values by the default's type; the removed dry-run options and malformed values are
    refused, not guessed."""
    from bot.run import LOOP_OPTIONS
    from bot.welcome import OPTIONS, options_to_config
    from wikiapi.scriptoptions import read_options

    values, given, wrong = read_options(
        ["-once", "-interval:30", "-since:2026-11-25T00:00:00Z", "-no-autocreated", "-setup",
         "-dry", "-preview", "-limit:ten", "-once:yes", "-project:", "stray"],
        {**OPTIONS, **LOOP_OPTIONS})
    assert values["once"] is True and values["interval"] == 30 and values["setup"] is True
    assert given == {"once", "interval", "since", "no-autocreated", "setup"}
    assert wrong == ["-dry", "-preview", "-limit:ten", "-once:yes", "-project:", "stray"]
    config, flags = options_to_config(values, given)
    assert config.since == "2026-11-25T00:00:00Z" and config.autocreated is False
    assert flags == {"setup": True, "resume": False, "always": False}
