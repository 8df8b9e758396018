"""The wiki fixture gives a real MediaWiki with the accounts, extensions and skins tours rely on."""

from __future__ import annotations

import concurrent.futures
import subprocess
import sys

import pytest

from localwiki import ApiError, LocalWiki
from localwiki import install


def test_accounts_have_the_groups_deploy_and_bots_need(wiki):
    admin = wiki.user_rights(wiki.admin.name)
    assert {"sysop", "bureaucrat", "interface-admin"} <= set(admin["groups"])
    bot = wiki.user_rights(wiki.bot.name)
    assert {"bot", "interface-admin"} <= set(bot["groups"])
    assert {"editsitejs", "editsitejson", "editinterface"} <= set(bot["rights"])


def test_extensions_and_skins_are_loaded(wiki):
    info = wiki.call(action="query", meta="siteinfo", siprop="extensions|skins|general")["query"]
    names = {ext["name"] for ext in info["extensions"]}
    assert {"Gadgets", "ParserFunctions", "Cite", "WikiEditor", "VisualEditor"} <= names
    skins = {skin["code"] for skin in info["skins"] if not skin.get("unusable")}
    assert {"vector", "vector-2022", "minerva"} <= skins
    assert info["general"]["server"] == wiki.url
    html = wiki.html("Main Page", useskin="minerva")
    assert "skin-minerva" in html
    assert "skin-vector-2022" in wiki.html("Main Page")


def test_create_user_signs_up_like_a_newcomer(wiki):
    account = wiki.create_user("Newcomer Alpha")
    events = wiki.logevents(letype="newusers", leuser="Newcomer Alpha")
    assert [(e["action"], e["title"]) for e in events] == [("create", "User:Newcomer Alpha")]
    with pytest.raises(ApiError):
        wiki.create_user("Newcomer Alpha")  # the name is taken
    assert wiki.account("Newcomer Alpha") == account


def test_edit_as_a_user_and_read_back_through_api_and_html(wiki):
    wiki.create_user("Newcomer Beta")
    hostile = ("'''Bold''' <script>alert(1)</script> {{#if: x | parser-functions-work }}"
               "<ref>cite</ref>")
    wiki.edit("Sandbox Beta", hostile, user="Newcomer Beta", summary="first")
    wiki.edit("Sandbox Beta", hostile + "\nmore", user="Newcomer Beta", summary="second")
    assert wiki.wikitext("Sandbox Beta") == hostile + "\nmore"
    history = wiki.history("Sandbox Beta")
    assert [(r["user"], r["comment"]) for r in history] == [
        ("Newcomer Beta", "first"), ("Newcomer Beta", "second")]
    html = wiki.html("Sandbox Beta")
    assert "<b>Bold</b>" in html and "parser-functions-work" in html
    assert "<script>alert(1)</script>" not in html  # escaped, as on any wiki
    assert 'class="references"' in html  # Cite rendered the footnote
    assert wiki.wikitext("No such page anywhere") is None


def test_json_pages_in_the_project_namespace(wiki):
    wiki.edit("Project:Wikitours/Mentors.json", '{"mentors": []}', contentmodel="json")
    assert wiki.page_info("Project:Wikitours/Mentors.json")["contentmodel"] == "json"
    with pytest.raises(ApiError):
        wiki.edit("Project:Wikitours/Broken.json", '{"not json', contentmodel="json")


def test_sessions_are_really_logged_in_and_wrong_passwords_fail(wiki):
    for name in (wiki.admin.name, wiki.bot.name):
        reply = wiki.call(user=name, action="query", meta="userinfo")
        assert reply["query"]["userinfo"]["name"] == name
    wiki.create_user("Newcomer Gamma", password="correct-horse-battery")
    wiki._accounts()["Newcomer Gamma"] = type(wiki.admin)("Newcomer Gamma", "wrong-password-1")
    wiki._session_store.pop("Newcomer Gamma", None)
    with pytest.raises(ApiError):
        wiki.session("Newcomer Gamma")


def test_requests_are_counted_at_the_server_including_post_actions(wiki):
    mark = wiki.log_mark()
    wiki.edit("Counted", "one")
    wiki.wikitext("Counted")
    counts = wiki.api_counts(since=mark)
    assert counts.edits == 1
    assert ("POST edit", 1) in counts.actions
    assert counts.get >= 2  # the csrf token and the read
    assert all(r.status == 200 for r in wiki.request_log()[mark:])


def test_pywikibot_site_is_logged_in_as_the_bot(wiki):
    import pywikibot

    site = wiki.site()
    assert site.user() == wiki.bot.name
    assert site.has_right("editsitejs")
    page = pywikibot.Page(site, "Pywikibot test page")
    page.text = "saved by pywikibot"
    page.save(summary="pwb test")
    assert wiki.history("Pywikibot test page")[-1]["user"] == wiki.bot.name


def test_pywikibot_scripts_run_in_a_subprocess_against_the_wiki(wiki):
    code = ("import pywikibot; s = pywikibot.Site(); s.login(); "
            "print(s.user(), pywikibot.Page(s, 'Sandbox Beta').exists())")
    done = subprocess.run([sys.executable, "-c", code], env=wiki.pywikibot_env(),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-2:] == [wiki.bot.name, "True"]


def test_parallel_requests_are_served(wiki):
    def read(n):
        return wiki.call(action="query", meta="siteinfo")["query"]["general"]["sitename"]

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        assert set(pool.map(read, range(24))) == {install.SITENAME}


def test_a_second_wiki_in_arabic_is_separate(make_wiki, wiki):
    other = make_wiki(language="ar")
    assert other.port != wiki.port
    general = other.call(action="query", meta="siteinfo")["query"]["general"]
    assert general["lang"] == "ar" and general["rtl"] is True
    other.edit("Only here", "x")
    assert wiki.wikitext("Only here") is None
    # cookies are not port-specific: the two wikis must not share a session cookie name
    assert other.session(other.admin.name).cookies.keys() != \
        wiki.session(wiki.admin.name).cookies.keys()


def test_stop_frees_the_port_and_kills_every_worker(tmp_path):
    wiki = LocalWiki.create(tmp_path / "w", workers=3).start()
    port, pid = wiki.port, wiki._process.pid
    wiki.stop()
    from localwiki.server import live_group_members, port_is_free
    assert port_is_free(port)
    assert live_group_members(pid) == []
    assert not wiki.running


def test_missing_mediawiki_names_the_debian_packages(monkeypatch, tmp_path):
    from localwiki import versions

    with pytest.raises(install.MissingSoftware) as error:
        install.check_software(versions.MediaWiki(tmp_path / "nowhere", "1.39.0"))
    assert "apt-get install" in str(error.value) and "mediawiki" in str(error.value)
    monkeypatch.setattr(versions, "PHP", "php-that-does-not-exist")
    with pytest.raises(install.MissingSoftware) as error:
        install.check_software(versions.find("1.39"))
    assert "php-cli" in str(error.value)


@pytest.mark.browser
def test_browser_login_helper_logs_a_page_in(wiki):
    from playwright.sync_api import sync_playwright

    from playground.screenshot import ARGS, CHROMIUM

    wiki.create_user("Browser Newcomer")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            wiki.login(page, "Browser Newcomer")
            page.goto(f"{wiki.index}?title=Special:BlankPage")
            assert page.evaluate("mw.config.get('wgUserName')") == "Browser Newcomer"
            assert page.evaluate("mw.config.get('skin')") == "vector-2022"
            page.goto(f"{wiki.index}?title=Special:BlankPage&useskin=minerva")
            assert page.evaluate("mw.config.get('skin')") == "minerva"
        finally:
            browser.close()
