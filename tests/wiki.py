"""The `wiki` fixture: a real, fresh MediaWiki on 127.0.0.1 for each test module.

Loaded by tests/conftest.py (`pytest_plugins`). Debian's MediaWiki 1.39 (SQLite, PHP's built-in
server on a free loopback port) with Gadgets, ParserFunctions, Cite, WikiEditor, VisualEditor and
the skins Vector 2022 (default), legacy Vector and Minerva. install.php runs once per machine into a
cached template (see localwiki/install.py); each wiki is a copy of its SQLite files and starts in
about a second. Everything a wiki made (server processes, its folder) is removed when the
module ends; set WIKITOURS_KEEP_WIKI=1 to keep the folders (and their logs) for debugging.

Fixtures
    wiki         module scope: a started wiki (content language en).
    make_wiki    module scope: factory for more wikis, `make_wiki(language="ar")`; all of them stop
                 when the module ends.

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

from localwiki import LocalWiki, MissingSoftware, free_port, pwbconfig

_PYWIKIBOT_DIR: Path | None = None


def pytest_configure(config):
    """Give this test process its own PYWIKIBOT_DIR before anything imports pywikibot."""
    global _PYWIKIBOT_DIR
    if _PYWIKIBOT_DIR is None and "pywikibot" not in __import__("sys").modules:
        _PYWIKIBOT_DIR = Path(tempfile.mkdtemp(prefix="wikitours-pywikibot-"))
        pwbconfig.prepare_process(_PYWIKIBOT_DIR)


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
def make_wiki(tmp_path_factory):
    """Factory: make_wiki(language="en", workers=2, extra_settings="") -> a started Wiki."""
    made: list[Wiki] = []

    def factory(language: str = "en", workers: int = 2, extra_settings: str = "") -> Wiki:
        directory = Path(tempfile.mkdtemp(prefix="wiki-", dir=tmp_path_factory.getbasetemp()))
        try:
            wiki = Wiki.create(directory / "w", language=language, workers=workers,
                               extra_settings=extra_settings)
        except MissingSoftware as error:
            pytest.fail(str(error), pytrace=False)
        made.append(wiki)
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
