"""The welcome bot against a real MediaWiki: newcomers sign up through the API, the bot runs
(in this process through Pywikibot, or as separate processes for crash and concurrency), and
the tests read back talk pages, mentor talk pages, the records and the request log.

Each test works in its own project prefix (Project:T-…), with its own mentor list, records and
state page, so tests on the one module wiki never see each other's newcomers.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from contracts import markers
from wikiapi.client import Wiki as BotWiki
from bot.welcome import Config, WelcomeBot
from localwiki.client import call, token

ROOT = Path(__file__).resolve().parents[2]


# -- helpers -------------------------------------------------------------------------------

def bot_wiki(wiki, **kw) -> BotWiki:
    return BotWiki(wiki.site(), **kw)


def run_bot(wiki, project: str, wiki_class=BotWiki, **config):
    lines: list[str] = []
    config.setdefault("seed", 1)
    bot = WelcomeBot(wiki_class(wiki.site(), out=lines.append), Config(project=project, **config),
                     log=lines.append)
    return bot.run(), lines


def start_project(wiki, name: str, mentors: list[dict]) -> str:
    """A project prefix whose bot state starts at the current end of the new-users log."""
    project = f"Project:{name}"
    last = wiki.call(action="query", list="logevents", letype="newusers",
                     lelimit=1)["query"]["logevents"]
    state = {"format": 1, "newusers": {"timestamp": last[0]["timestamp"] if last else "",
                                       "logid": last[0]["logid"] if last else 0},
             "assertions": {"since": ""}, "stop": {"revid": 0}}
    wiki.edit(f"{project}/Bot/State.json", json.dumps(state), contentmodel="json")
    # fresh test accounts: the wiki's minimums are 0 here (the admin saves the settings)
    wiki.edit(f"{project}/Mentors/Settings.json",
              json.dumps({"min-edits": 0, "min-age-days": 0}), contentmodel="json")
    set_mentors(wiki, project, mentors)
    for mentor in mentors:
        if wiki.call(action="query", list="users",
                     ususers=mentor["username"])["query"]["users"][0].get("missing"):
            wiki.create_user(mentor["username"])
    return project


def set_mentors(wiki, project: str, mentors: list[dict]) -> None:
    wiki.edit(f"{project}/Mentors.json", json.dumps({"mentors": mentors}), contentmodel="json")


def talk_pages_made(wiki, names: list[str]) -> int:
    """How many of *names* have a talk page, in one request."""
    pages = wiki.call(action="query", titles="|".join(f"User talk:{n}" for n in names))
    return sum(not p.get("missing") for p in pages["query"]["pages"])


def record(wiki, project: str, mentor: str) -> list[dict]:
    text = wiki.wikitext(f"{project}/Mentees/{mentor}.json")
    return json.loads(text)["mentees"] if text else []


def admin_call(wiki, **params) -> dict:
    session = wiki.session(wiki.admin.name)
    return call(session, wiki.api, "POST", token=token(session, wiki.api), **params)


def bot_revisions(wiki, title: str) -> list[dict]:
    return [r for r in wiki.history(title) if r["user"] == wiki.bot.name]


@pytest.fixture(scope="module")
def prepared(wiki):
    """The welcome template made by -setup, and deployed tour data (contracts §3, §4)."""
    setup = WelcomeBot(bot_wiki(wiki), Config(), log=lambda line: None)
    assert setup.setup()
    wiki.edit("MediaWiki:Gadget-wikitours-tours.json", json.dumps({
        "tours": {"first-edit": {"version": 1, "steps": 2, "audience": "newcomer"},
                  "ask-mentor": {"version": 1, "steps": 2, "audience": "newcomer"},
                  "add-citation": {"version": 1, "steps": 2, "audience": "newcomer"}},
        "languages": {"en": {"dir": "ltr", "fallbacks": []}}}))
    wiki.edit("MediaWiki:Wikitours/tours/first-edit.json", json.dumps({
        "id": "first-edit", "version": 1, "requires": [], "sourceLanguage": "en",
        "steps": [{"id": "welcome", "page": {"kind": "sandbox"}}]}))
    wiki.edit("MediaWiki:Wikitours/tours/ask-mentor.json", json.dumps({
        "id": "ask-mentor", "version": 1, "requires": [], "sourceLanguage": "en",
        "steps": [{"id": "your-talk-page", "page": {"kind": "user-talk"}}]}))
    wiki.edit("MediaWiki:Wikitours/tours/add-citation.json", json.dumps({
        "id": "add-citation", "version": 1, "requires": ["first-edit"], "sourceLanguage": "en",
        "steps": [{"id": "why", "page": {"kind": "sandbox"}}]}))
    wiki.edit("MediaWiki:Wikitours/messages/first-edit/en.json",
              json.dumps({"wikitours-tour-first-edit-title": "Your first edit"}))
    wiki.edit("MediaWiki:Wikitours/messages/ask-mentor/en.json",
              json.dumps({"wikitours-tour-ask-mentor-title": "Ask your <b>mentor</b>"}))
    return wiki


# -- setup ---------------------------------------------------------------------------------

def test_setup_creates_the_template_only_when_missing(prepared):
    wiki = prepared
    text = wiki.wikitext("Template:Wikitours welcome")
    assert "{{{mentor}}}" in text and "{{{tours|" in text
    assert bot_revisions(wiki, "Template:Wikitours welcome")
    community = text.replace("Thank you for joining.", "Glad you are here!")
    wiki.edit("Template:Wikitours welcome", community)
    assert WelcomeBot(bot_wiki(wiki), Config(), log=lambda line: None).setup()
    assert wiki.wikitext("Template:Wikitours welcome") == community


# -- the main path -------------------------------------------------------------------------

def test_newcomers_are_welcomed_with_a_mentor_and_mentors_are_told(prepared):
    wiki = prepared
    away = (date.today() + timedelta(days=10)).isoformat()
    project = start_project(wiki, "T-main", [
        {"username": "Mentor Ada", "languages": ["en"], "weight": 1, "capacity": 50,
         "intro": "I write about <b>birds</b> {{and}} [[bees]]."},
        {"username": "Mentor Bea", "languages": ["de"], "capacity": 50, "notify": "each"},
        {"username": "Mentor Cy", "away-until": away},
    ])
    for name in ("Main One", "Main Two", "Main Three", "Main Blocked", "Main Nobots",
                 "Main Talked", "Main Deutsch"):
        wiki.create_user(name)
    admin_call(wiki, action="block", user="Main Blocked", reason="vandalism", expiry="1 day")
    wiki.edit("User talk:Main Nobots", "{{nobots}} Please, no bots.")
    wiki.edit("User talk:Main Talked", "Hello, a human here.")
    wiki.edit("User:Main Deutsch", "{{#babel:de|en-1}}", user="Main Deutsch")

    mark = wiki.log_mark()
    report, lines = run_bot(wiki, project)
    counts = wiki.api_counts(since=mark)

    welcomed = dict(report.welcomed)
    assert set(welcomed) == {"Main One", "Main Two", "Main Three", "Main Deutsch"}
    assert welcomed["Main Deutsch"] == "Mentor Bea"
    assert set(welcomed.values()) <= {"Mentor Ada", "Mentor Bea"}  # never the away mentor
    skipped = dict(report.skipped)
    assert skipped["Main Blocked"] == "blocked"
    assert skipped["Main Nobots"] == "excluded-by {{nobots}}"
    assert skipped["Main Talked"] == "talk-page-exists"
    assert skipped["Mentor Ada"] == "is-a-mentor"
    assert any(line == "skip Main Blocked: blocked" for line in lines)

    # the welcome: substituted template, marker, mentor, intro made inert, starter tour links
    talk = wiki.wikitext("User talk:Main One")
    mentor = welcomed["Main One"]
    assert markers.welcome_mentor(talk) == mentor
    assert "{{subst:" not in talk and "Thank you for joining" not in talk  # community's text
    assert "Glad you are here!" in talk
    assert f"[[User:{mentor}|{mentor}]]" in talk
    assert "{{fullurl:Special:MyPage/sandbox|wikitour=first-edit}}#wikitour=first-edit" in talk
    assert "{{fullurl:Special:MyTalk|wikitour=ask-mentor}}#wikitour=ask-mentor" in talk
    assert "add-citation" not in talk  # requires another tour first: not a starter tour
    html = wiki.html("User talk:Main One")
    assert "wikitour=first-edit#wikitour=first-edit\"" in html and "Your first edit" in html
    assert "<b>mentor</b>" not in html and "&lt;b&gt;mentor&lt;/b&gt;" in html
    if mentor == "Mentor Ada":
        assert "birds" in html and "<b>birds</b>" not in html
        # shown as text, not called: 1.39 keeps the entities in its HTML, 1.43 writes the braces
        assert ("&#123;&#123;and&#125;&#125;" in html or "birds&lt;/b&gt; {{and}}" in html) \
            and 'title="Bees"' not in html and "Template:And" not in html
    assert "action=edit&amp;section=new" in html and "User_talk:" + mentor.replace(" ", "_") in html
    assert wiki.wikitext("User talk:Main Nobots") == "{{nobots}} Please, no bots."
    assert wiki.wikitext("User talk:Main Talked") == "Hello, a human here."
    assert wiki.wikitext("User talk:Main Blocked") is None
    history = wiki.history("User talk:Main One")
    assert len(history) == 1 and "your mentor is" in history[0]["comment"]
    assert "bot" in wiki.call(action="query", list="recentchanges", rctitle="User talk:Main One",
                              rcprop="flags")["query"]["recentchanges"][0]

    # the records agree with the markers
    for name, mentor in welcomed.items():
        entries = {e["username"]: e for e in record(wiki, project, mentor)}
        assert entries[name]["reason"] == "new-account" and entries[name]["notified"]
    assert record(wiki, project, "Mentor Cy") == []

    # mentors: Ada gets one digest, Bea one message per mentee
    ada_mentees = sorted(n for n, m in welcomed.items() if m == "Mentor Ada")
    bea_mentees = sorted(n for n, m in welcomed.items() if m == "Mentor Bea")
    if ada_mentees:
        ada_talk = wiki.wikitext("User talk:Mentor Ada")
        assert sorted(markers.told_mentees(ada_talk)) == ada_mentees
        assert len(bot_revisions(wiki, "User talk:Mentor Ada")) == 1
    bea_talk = wiki.wikitext("User talk:Mentor Bea")
    assert sorted(markers.told_mentees(bea_talk)) == bea_mentees
    assert len(bot_revisions(wiki, "User talk:Mentor Bea")) == len(bea_mentees)
    assert bea_talk.count("== Your new mentee:") == len(bea_mentees)
    assert wiki.wikitext("User talk:Mentor Cy") is None
    state = json.loads(wiki.wikitext(f"{project}/Bot/State.json"))
    assert state["newusers"]["logid"] > 0

    # edits: one welcome each, one message per mentor (per mentee for Bea), records, state
    records_written = len({m for m in welcomed.values()})
    status_page = 1  # Project:…/Mentors/Status, written once: who counts as a mentor
    expected = (len(welcomed) + bool(ada_mentees) + len(bea_mentees) + records_written + 1
                + status_page)
    assert counts.edits == expected, counts

    # a second run finds nothing to do and edits nothing
    mark = wiki.log_mark()
    again, _ = run_bot(wiki, project)
    assert again.welcomed == [] and again.mentor_messages == 0
    assert wiki.api_counts(since=mark).edits == 0


def test_full_capacity_and_no_mentors_skip_with_a_reason(prepared):
    wiki = prepared
    project = start_project(wiki, "T-full", [{"username": "Mentor Full", "capacity": 1}])
    for name in ("Full One", "Full Two"):
        wiki.create_user(name)
    report, _ = run_bot(wiki, project)
    assert len(report.welcomed) == 1
    assert [r for _, r in report.skipped if r.startswith("no-mentor-available")]
    assert len(record(wiki, project, "Mentor Full")) == 1


def test_broken_mentor_list_is_reported_and_newcomers_wait_until_it_is_fixed(prepared):
    wiki = prepared
    project = start_project(wiki, "T-broken", [{"username": "Mentor Ok"}])
    wiki.edit(f"{project}/Mentors.json", '{"mentors": [{"username": "Mentor Ok", '
              '"weight": "lots"}]}', contentmodel="json")
    wiki.create_user("Broken One")
    state = wiki.wikitext(f"{project}/Bot/State.json")
    report, lines = run_bot(wiki, project)
    assert report.welcomed == [] and report.skipped == [] and report.held
    # MediaWiki stores JSON pretty-printed: the position is in the page as stored
    assert any(f"{project}/Mentors.json:3:3: error: mentors[1]: weight" in p
               for p in report.problems), report.problems
    assert any("nobody welcomed" in line for line in lines)
    assert wiki.wikitext(f"{project}/Bot/State.json") == state  # the position is kept
    set_mentors(wiki, project, [{"username": "Mentor Ok"}])
    report, _ = run_bot(wiki, project)
    assert report.welcomed == [("Broken One", "Mentor Ok")]


# -- mentors leaving and going away --------------------------------------------------------

def test_mentees_of_a_mentor_who_leaves_or_goes_away_are_reassigned_and_both_told(prepared):
    wiki = prepared
    project = start_project(wiki, "T-leave", [
        {"username": "Mentor Leaver", "capacity": 10},
        {"username": "Mentor Stayer", "capacity": 10, "weight": 0},
        {"username": "Mentor Goer", "capacity": 10, "weight": 0}])
    for name in ("Leave One", "Leave Two"):
        wiki.create_user(name)
    report, _ = run_bot(wiki, project)
    assert dict(report.welcomed) == {"Leave One": "Mentor Leaver", "Leave Two": "Mentor Leaver"}

    # Leaver leaves the list; Stayer takes new mentees again
    set_mentors(wiki, project, [{"username": "Mentor Stayer", "capacity": 10},
                                {"username": "Mentor Goer", "capacity": 10, "weight": 0}])
    report, lines = run_bot(wiki, project)
    assert sorted(report.reassigned) == [("Leave One", "Mentor Leaver", "Mentor Stayer"),
                                         ("Leave Two", "Mentor Leaver", "Mentor Stayer")]
    talk = wiki.wikitext("User talk:Leave One")
    assert markers.reassigned(talk) == [("Mentor Leaver", "Mentor Stayer")]
    assert markers.welcome_mentor(talk) == "Mentor Leaver"  # the welcome stays as it was
    assert "[[User:Mentor Stayer|Mentor Stayer]] is now your mentor" in talk
    assert record(wiki, project, "Mentor Leaver") == []
    moved = {e["username"]: e for e in record(wiki, project, "Mentor Stayer")}
    assert moved["Leave One"]["reason"] == "reassigned" and moved["Leave One"]["from"] == \
        "Mentor Leaver"
    stayer = wiki.wikitext("User talk:Mentor Stayer")
    assert markers.told_mentees(stayer) == {"Leave One", "Leave Two"}
    assert "previously mentored by [[User:Mentor Leaver|Mentor Leaver]]" in stayer

    # Stayer goes away: the mentees move on to Goer (weight 0 still means no *new* mentees,
    # so give Goer weight) and nothing is posted twice on a re-run
    away = (date.today() + timedelta(days=5)).isoformat()
    set_mentors(wiki, project, [{"username": "Mentor Stayer", "away-until": away},
                                {"username": "Mentor Goer", "capacity": 10}])
    report, _ = run_bot(wiki, project)
    assert sorted(m for _, _, m in report.reassigned) == ["Mentor Goer", "Mentor Goer"]
    assert {e["username"] for e in record(wiki, project, "Mentor Goer")} == {"Leave One",
                                                                            "Leave Two"}
    mark = wiki.log_mark()
    report, _ = run_bot(wiki, project)
    assert report.reassigned == [] and wiki.api_counts(since=mark).edits == 0
    assert len(markers.reassigned(wiki.wikitext("User talk:Leave Two"))) == 2


# -- failures that must not end the run ----------------------------------------------------

def test_a_protected_talk_page_is_skipped_and_the_run_goes_on(prepared):
    wiki = prepared
    project = start_project(wiki, "T-protect", [{"username": "Mentor Pro"}])
    for name in ("Protected One", "Protected Two"):
        wiki.create_user(name)
    admin_call(wiki, action="protect", title="User talk:Protected One",
               protections="create=sysop", expiry="infinite")
    report, _ = run_bot(wiki, project)
    assert [n for n, _ in report.welcomed] == ["Protected Two"]
    reason = dict(report.skipped)["Protected One"]
    assert reason.startswith(("edit-denied: protectedtitle", "edit-denied: protectedpage"))
    assert wiki.wikitext("User talk:Protected One") is None
    assert json.loads(wiki.wikitext(f"{project}/Bot/State.json"))["newusers"]["timestamp"]


class PersonPostsFirst(BotWiki):
    """A real edit by a person lands between the bot's read and its save (once per title)."""

    wiki = None
    raced: set[str] = set()

    def save(self, page, text, summary, **kw):
        if page.title.startswith("User talk:Race") and page.title not in self.raced:
            self.raced.add(page.title)
            type(self).wiki.edit(page.title, (page.text + "\n" if page.text else "")
                                 + "A person says hi first.")
        return super().save(page, text, summary, **kw)


def test_edit_conflicts_are_detected_and_decided_again(prepared):
    wiki = prepared
    PersonPostsFirst.wiki = wiki
    PersonPostsFirst.raced = set()  # the module runs once per MediaWiki version: race each run
    project = start_project(wiki, "T-race", [{"username": "Mentor Race"}])
    wiki.create_user("Race New")
    report, lines = run_bot(wiki, project, wiki_class=PersonPostsFirst)
    # the page appeared meanwhile: createonly failed, the bot read it again and held back
    assert dict(report.skipped)["Race New"] == "talk-page-exists (changed meanwhile)"
    assert wiki.wikitext("User talk:Race New") == "A person says hi first."

    project = start_project(wiki, "T-race-existing", [{"username": "Mentor Race"}])
    wiki.create_user("Race Old")
    wiki.edit("User talk:Race Old", "Earlier note.")
    report, lines = run_bot(wiki, project, wiki_class=PersonPostsFirst, welcome_existing=True)
    # the page changed after the bot read it: edit conflict, read again, posted below both
    assert [n for n, _ in report.welcomed] == ["Race Old"]
    old = wiki.wikitext("User talk:Race Old")
    assert old.startswith("Earlier note.\nA person says hi first.\n\n== Welcome! ==")
    assert markers.welcome_mentor(old) == "Mentor Race"
    assert len(bot_revisions(wiki, "User talk:Race Old")) == 1


def test_network_failure_holds_the_position_and_the_next_run_catches_up(prepared):
    wiki = prepared
    project = start_project(wiki, "T-net", [{"username": "Mentor Net"}])
    for name in ("Net One", "Net Two", "Net Three"):
        wiki.create_user(name)

    class Flaky(BotWiki):
        def save(self, page, text, summary, **kw):
            if page.title == "User talk:Net Two":
                from wikiapi.client import EditResult
                return EditResult("error", info="ConnectionError: connection reset")
            return super().save(page, text, summary, **kw)

    state_before = json.loads(wiki.wikitext(f"{project}/Bot/State.json"))["newusers"]
    report, _ = run_bot(wiki, project, wiki_class=Flaky)
    assert sorted(n for n, _ in report.welcomed) == ["Net One", "Net Three"]
    assert [n for n, _ in report.failed] == ["Net Two"] and report.held
    held = json.loads(wiki.wikitext(f"{project}/Bot/State.json"))["newusers"]
    one = wiki.logevents(letype="newusers", leuser="Net One")[0]
    assert held["logid"] == one["logid"] > state_before["logid"]
    report, _ = run_bot(wiki, project)
    assert [n for n, _ in report.welcomed] == ["Net Two"] and not report.held
    assert ("Net Three", "already-welcomed (mentor Mentor Net)") in report.skipped
    assert len(bot_revisions(wiki, "User talk:Net Three")) == 1
    assert {e["username"] for e in record(wiki, project, "Mentor Net")} == {
        "Net One", "Net Two", "Net Three"}


# -- dry run, -simulate and the emergency stop ---------------------------------------------

def test_dry_run_prints_every_edit_and_saves_nothing(prepared):
    wiki = prepared
    project = start_project(wiki, "T-dry", [{"username": "Mentor Dry"}])
    wiki.create_user("Dry One")
    mark = wiki.log_mark()
    report, lines = run_bot(wiki, project, wiki_class=lambda site, out: BotWiki(site, dry=True,
                                                                               out=out))
    assert report.welcomed == [("Dry One", "Mentor Dry")]
    assert wiki.api_counts(since=mark).edits == 0
    printed = "\n".join(lines)
    assert "would save [[User talk:Dry One]] (create-only)" in printed
    assert '<!-- wikitours:welcome mentor="Mentor Dry" -->' in printed
    assert "would save [[User talk:Mentor Dry]]" in printed
    assert wiki.wikitext("User talk:Dry One") is None


def run_process(wiki, *args: str, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bot.welcome", *args], cwd=ROOT,
                            env=wiki.pywikibot_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, **popen)


def test_simulate_runs_the_real_script_without_saving(prepared):
    wiki = prepared
    project = start_project(wiki, "T-sim", [{"username": "Mentor Sim"}])
    wiki.create_user("Sim One")
    mark = wiki.log_mark()
    done = run_process(wiki, "-simulate", f"-project:{project}")
    out, _ = done.communicate(timeout=120)
    assert done.returncode == 0, out
    assert "SIMULATION: edit action blocked" in out and "welcomed Sim One" in out
    assert wiki.api_counts(since=mark).edits == 0
    assert wiki.wikitext("User talk:Sim One") is None


def test_editing_the_stop_page_halts_the_bot_until_resumed(prepared):
    wiki = prepared
    project = start_project(wiki, "T-stop", [{"username": "Mentor Stop"}])
    run_bot(wiki, project)  # acknowledges the (missing) stop page
    wiki.create_user("Stop One")
    wiki.edit(f"{project}/Bot/Stop", "Stop! It posts in the wrong language.", summary="stop")
    mark = wiki.log_mark()
    report, lines = run_bot(wiki, project)
    assert report.halted.startswith(f"[[{project}/Bot/Stop]] was edited by {wiki.admin.name}")
    assert report.welcomed == [] and wiki.api_counts(since=mark).edits == 0
    done = run_process(wiki, f"-project:{project}")
    out, _ = done.communicate(timeout=120)
    assert done.returncode == 3 and "HALTED" in out
    done = run_process(wiki, f"-project:{project}", "-resume")
    out, _ = done.communicate(timeout=120)
    assert done.returncode == 0, out
    assert markers.welcome_mentor(wiki.wikitext("User talk:Stop One")) == "Mentor Stop"


def test_stop_page_edited_during_a_run_stops_further_edits(prepared):
    wiki = prepared
    project = start_project(wiki, "T-stop2", [{"username": "Mentor Stop Two",
                                               "capacity": 100}])
    run_bot(wiki, project)
    names = [f"Midstop {i}" for i in range(6)]
    for name in names:
        wiki.create_user(name)

    class StopAfterTwo(BotWiki):
        saves = 0

        def save(self, page, text, summary, **kw):
            result = super().save(page, text, summary, **kw)
            type(self).saves += 1
            if type(self).saves == 2:
                wiki.edit(f"{project}/Bot/Stop", "stop", summary="stop now")
            return result

    report, _ = run_bot(wiki, project, wiki_class=StopAfterTwo, stop_check_every=1)
    assert report.halted
    assert len(report.welcomed) == 2
    assert sum(wiki.wikitext(f"User talk:{n}") is not None for n in names) == 2


def test_a_german_wiki_gets_the_welcome_and_summaries_in_german(make_wiki):
    wiki = make_wiki(language="de")
    setup = WelcomeBot(bot_wiki(wiki), Config(), log=lambda line: None)
    assert setup.lang == "de" and setup.setup()
    from bot.messages import message

    template = wiki.wikitext("Vorlage:Wikitours welcome")
    greeting = message("wikitours-bot-template-greeting", "de", "{{{user|}}}")
    assert greeting != message("wikitours-bot-template-greeting", "en", "{{{user|}}}")
    assert greeting in template
    project = start_project(wiki, "T-de", [{"username": "Mentorin Ada"}])
    wiki.create_user("Neuling Eins")
    report, _ = run_bot(wiki, project)
    assert report.welcomed == [("Neuling Eins", "Mentorin Ada")]
    talk = wiki.wikitext("Benutzer Diskussion:Neuling Eins")
    assert talk.startswith("== Willkommen! ==")
    assert greeting.replace("{{{user|}}}", "Neuling Eins") in talk  # the German template
    assert markers.welcome_mentor(talk) == "Mentorin Ada"
    comment = wiki.history("Benutzer Diskussion:Neuling Eins")[0]["comment"]
    assert comment.startswith("Bot: Willkommen im Wiki") and comment.endswith("Mentorin Ada")
    assert "Bot:" in wiki.history("Benutzer Diskussion:Mentorin Ada")[0]["comment"]


def test_exclusion_agrees_with_pywikibots_bot_may_edit_on_the_real_wiki(prepared):
    import pywikibot

    from bot import exclusion

    wiki = prepared
    site = wiki.site()
    me = site.user()
    wiki.edit("Template:Nobots", "<noinclude>Keeps bots away.</noinclude>")
    wiki.edit("Template:Bots", "<noinclude>Bot exclusion.</noinclude>")
    cases = ["Plain text", "{{nobots}}", "{{ nobots }}", "{{Nobots}}", "{{bots}}",
             f"{{{{bots|deny={me}}}}}", "{{bots|deny=Other}}", "{{bots|deny=all}}",
             "{{bots|deny=none}}", f"{{{{bots|allow={me}}}}}", "{{bots|allow=Other}}",
             "{{bots|allow=all}}", "{{bots|allow=none}}", "{{nobots|Other}}",
             f"{{{{nobots|Other,{me}}}}}", "{{nobots|all}}", "{{nobots|deny=all}}",
             "<nowiki>{{nobots}}</nowiki>", "<!-- {{nobots}} -->",
             "{{bots|deny=Other}} then {{nobots}}", f"{{{{bots|deny= {me} , X}}}}"]
    for index, text in enumerate(cases):
        wiki.edit(f"Exclusion case {index}", text)
    for index, text in enumerate(cases):
        theirs = pywikibot.Page(site, f"Exclusion case {index}").botMayEdit()
        ours = exclusion.check(text, me).allowed
        assert ours == theirs, (text, ours, theirs)


def test_names_with_quotes_and_ampersands_survive_markers_records_and_digests(prepared):
    wiki = prepared
    project = start_project(wiki, "T-names", [{"username": 'Mentor "Q" & Co'}])
    name = wiki.create_user("Amp & \"Quote\" O'Neil ''x''").name
    report, _ = run_bot(wiki, project)
    assert report.welcomed == [(name, 'Mentor "Q" & Co')]
    talk = wiki.wikitext(f"User talk:{name}")
    assert markers.welcome_mentor(talk) == 'Mentor "Q" & Co'
    assert talk.count("-->") == 1
    assert [e["username"] for e in record(wiki, project, 'Mentor "Q" & Co')] == [name]
    assert markers.told_mentees(wiki.wikitext('User talk:Mentor "Q" & Co')) == {name}


def test_a_mentor_who_opts_out_is_not_told_until_they_opt_in_again(prepared):
    wiki = prepared
    project = start_project(wiki, "T-optout", [{"username": "Mentor Quiet"}])
    wiki.edit("User talk:Mentor Quiet", "{{bots|optout=mentor}}")
    wiki.create_user("Quiet One")
    report, lines = run_bot(wiki, project)
    assert report.welcomed == [("Quiet One", "Mentor Quiet")] and report.mentor_messages == 0
    assert any("talk page has {{bots|optout=mentor}}" in line for line in lines)
    assert wiki.wikitext("User talk:Mentor Quiet") == "{{bots|optout=mentor}}"
    assert "notified" not in record(wiki, project, "Mentor Quiet")[0]
    wiki.edit("User talk:Mentor Quiet", "Happy to hear from the bot again.")
    report, _ = run_bot(wiki, project)
    assert report.mentor_messages == 1
    assert markers.told_mentees(wiki.wikitext("User talk:Mentor Quiet")) == {"Quiet One"}
    assert record(wiki, project, "Mentor Quiet")[0]["notified"]
