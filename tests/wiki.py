"""The `wiki` fixture: a real, fresh MediaWiki on 127.0.0.1 for each test module and version.

Loaded by tests/conftest.py (`pytest_plugins`). Every supported MediaWiki (Debian 12's 1.39 and
1.43 LTS unpacked beside it by `./dev setup`, see localwiki/versions.py), SQLite, PHP's built-in
server on a free loopback port, with Gadgets, ParserFunctions, Cite, WikiEditor, VisualEditor (and
on 1.43 DiscussionTools, on by default as on Wikimedia wikis) and the skins Vector 2022 (default),
legacy Vector and Minerva. install.php runs once per machine and version into a cached template
(see localwiki/install.py); each wiki is a copy of its SQLite files and starts in about a second.
Everything a wiki made (server processes, its folder) is removed when the module ends; set
WIKITOURS_KEEP_WIKI=1 to keep the folders (and their logs) for debugging.

Versions: every test that uses `wiki`, `make_wiki` or `mediawiki` runs once per version, with the
version in its id (`test_x[mw1.39]`, `test_x[mw1.43]`); tests without a wiki run once. Choose
versions with `--mediawiki=1.43` (comma-separated) or WIKITOURS_TEST_MEDIAWIKI; default: all.
A test that only fails on one version because of a known difference marks itself with
`on_mediawiki("1.43", pytest.mark.xfail(...))` below.

Fixtures
    mediawiki    module scope: the `localwiki.versions.MediaWiki` of this run (.branch, .version).
    wiki         module scope: a started wiki (content language en).
    make_wiki    module scope: factory for more wikis, `make_wiki(language="ar")`; all of them stop
                 when the module ends. `make_wiki(extensions=("Echo", "Thanks"))` loads extensions
                 the version ships beyond the usual ones (1.43 ships Echo and Thanks, Debian's
                 1.39 does not) and runs update.php for their tables (about 3 s).

A wiki (`localwiki.LocalWiki` plus the helpers below) has
    .url .api .index            http://127.0.0.1:PORT, …/api.php, …/index.php
    .admin                      Account(name, password): sysop, bureaucrat, interface-admin
    .bot                        BotAccount(name, password, app, app_password): bot, interface-admin,
                                with a bot password (log in as .bot.login_name = "Bot@wikitours")
    .site()                     a Pywikibot site in this process, logged in as the bot
    .pywikibot_dir / .pywikibot_env()   a ready PYWIKIBOT_DIR to run Pywikibot scripts in a
                                subprocess (`-family`/`-lang` default to this wiki, user Bot)
    .create_user(name, password=None) -> Account   API createaccount (log: newusers/create)
    .session(name)              a requests.Session logged in as name (admin, bot or created users)
    .login(page, name)          log a Playwright page in through Special:UserLogin
    .call(method="GET", user=None, **params)   one API request (raises localwiki.ApiError)
    .edit(title, text, user=None, summary="", **params)   save as user (default the admin)
    .wikitext(title) -> str | None, .page_info(title) -> dict, .history(title) -> [dict] oldest
                                first, .html(title, **params) rendered page, .logevents(**params),
                                .user_rights(name) -> {"groups", "rights"}
    .request_log() / .requests_log()   every request the server answered (LoggedRequest: method,
                                uri, action — also for POSTs —, title, status)
    .log_mark(), .api_counts(since=mark) -> RequestCounts(get, post, edits, actions)
    .maintenance(script, *args) run a maintenance script against this wiki
    .language, .directory, .port, .family

If MediaWiki or PHP is missing, the fixture fails with the Debian packages to install.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from localwiki import LocalWiki, MissingSoftware, free_port, pwbconfig, versions

_PYWIKIBOT_DIR: Path | None = None


def pytest_configure(config):
    """Give this test process its own PYWIKIBOT_DIR before anything imports pywikibot."""
    global _PYWIKIBOT_DIR
    if _PYWIKIBOT_DIR is None and "pywikibot" not in __import__("sys").modules:
        _PYWIKIBOT_DIR = Path(tempfile.mkdtemp(prefix="wikitours-pywikibot-"))
        pwbconfig.prepare_process(_PYWIKIBOT_DIR)


def pytest_addoption(parser):
    parser.addoption("--mediawiki", default=None,
                     help="MediaWiki versions to run the wiki tests on, comma-separated "
                          f"(default: $WIKITOURS_TEST_MEDIAWIKI or {','.join(versions.SUPPORTED)})")


def selected_branches(config) -> list[str]:
    """The MediaWiki branches this run tests, from --mediawiki or WIKITOURS_TEST_MEDIAWIKI."""
    raw = config.getoption("--mediawiki") or os.environ.get("WIKITOURS_TEST_MEDIAWIKI") or \
        ",".join(versions.SUPPORTED)
    branches = [b.strip().removeprefix("mw") for b in raw.split(",") if b.strip()]
    unknown = [b for b in branches if b not in versions.SUPPORTED]
    if unknown:
        raise pytest.UsageError(f"--mediawiki: unsupported {', '.join(unknown)}; "
                                f"choose from {', '.join(versions.SUPPORTED)}")
    return branches


def pytest_generate_tests(metafunc):
    """Run every test that needs a wiki once per MediaWiki version, named in its id."""
    if "mediawiki" in metafunc.fixturenames:
        branches = selected_branches(metafunc.config)
        metafunc.parametrize("mediawiki", branches, indirect=True, scope="module",
                             ids=[f"mw{b}" for b in branches])


def on_mediawiki(branch: str, mark, **params):
    """Decorator: apply MARK (e.g. `pytest.mark.xfail(strict=True, reason=...)`) to a test only
    on BRANCH's run, and only for the parameters PARAMS when given (`skin="minerva"`).

    The mark lands on the matching items in `pytest_collection_modifyitems`; a strict xfail
    thus fails the run the day the difference is gone, telling whoever fixed it to remove it."""
    def decorate(obj):
        marks = list(getattr(obj, "_wikitours_version_marks", []))
        marks.append((branch, mark, params))
        obj._wikitours_version_marks = marks
        return obj
    return decorate


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        callspec = getattr(item, "callspec", None)
        branch = callspec.params.get("mediawiki") if callspec else None
        if branch is None:
            continue
        item.add_marker(pytest.mark.wiki_version(branch))
        for holder in (getattr(item, "cls", None), item.function):
            for wanted, mark, params in getattr(holder, "_wikitours_version_marks", []) or []:
                if wanted == branch and all(callspec.params.get(k) == v
                                            for k, v in params.items()):
                    item.add_marker(mark)


def pytest_unconfigure(config):
    if _PYWIKIBOT_DIR is not None and not os.environ.get("WIKITOURS_KEEP_WIKI"):
        shutil.rmtree(_PYWIKIBOT_DIR, ignore_errors=True)


class Wiki(LocalWiki):
    """A LocalWiki with the helpers only tests need (Pywikibot in-process, browser login)."""

    _site = None

    def site(self):
        """A Pywikibot site for this wiki, logged in as the bot (cached)."""
        if self._site is None:
            self._site = pwbconfig.site(self)
        return self._site

    def login(self, page, name: str | None = None) -> None:
        """Log a Playwright page in as `name` (default the admin) with the login form."""
        account = self.account(name or self.admin.name)
        page.goto(f"{self.index}?title=Special:UserLogin")
        page.fill("#wpName1", account.name)
        page.fill("#wpPassword1", account.password)
        with page.expect_navigation():
            page.click("#wpLoginAttempt")
        if page.locator("#pt-logout, #pt-logout-2, .mw-ui-icon-logOut").count() == 0 and \
                page.evaluate("mw.config.get('wgUserName')") != account.name:
            raise AssertionError(f"browser login as {account.name} failed: {page.url}")


@pytest.fixture(scope="module")
def mediawiki(request) -> versions.MediaWiki:
    """The MediaWiki this module's wikis run on (parametrized per version, see above)."""
    branch = getattr(request, "param", None) or selected_branches(request.config)[0]
    try:
        return versions.find(branch)
    except MissingSoftware as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="module")
def make_wiki(tmp_path_factory, mediawiki):
    """Factory: make_wiki(language="en", workers=2, extra_settings="", extensions=()) -> a
    started Wiki."""
    made: list[Wiki] = []

    def factory(language: str = "en", workers: int = 2, extra_settings: str = "",
                extensions: tuple[str, ...] = ()) -> Wiki:
        directory = Path(tempfile.mkdtemp(prefix=f"wiki-{mediawiki.id}-",
                                          dir=tmp_path_factory.getbasetemp()))
        for name in extensions:
            if not (mediawiki.path / "extensions" / name / "extension.json").is_file():
                pytest.fail(f"MediaWiki {mediawiki.version} does not ship the extension {name}",
                            pytrace=False)
        loads = "".join(f"wfLoadExtension( '{name}' );\n" for name in extensions)
        try:
            wiki = Wiki.create(directory / "w", language=language, mediawiki=mediawiki,
                               workers=workers, extra_settings=loads + extra_settings)
        except MissingSoftware as error:
            pytest.fail(str(error), pytrace=False)
        made.append(wiki)
        if extensions:
            wiki.maintenance("update", "--quick")  # the extensions' own tables
        last_error: Exception | None = None
        for _ in range(3):  # the free port may be taken by someone else before php binds it
            try:
                return wiki.start()
            except (OSError, RuntimeError) as error:
                last_error = error
                wiki.port = free_port()
        raise RuntimeError(f"could not start a wiki: {last_error}")

    yield factory
    for wiki in made:
        wiki.stop()
        if not os.environ.get("WIKITOURS_KEEP_WIKI"):
            shutil.rmtree(wiki.directory.parent, ignore_errors=True)


@pytest.fixture(scope="module")
def wiki(make_wiki) -> Wiki:
    """A fresh, started wiki for this test module (content language en)."""
    return make_wiki()
