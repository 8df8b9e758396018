"""Issue 14, the people half, against a real MediaWiki: who may be a mentor, and user names
that carry wikitext.

- A plain autoconfirmed account that appends itself (weight 100) to the mentor list gets no
  newcomer, and ``Mentors/Status`` says why; so does an entry it adds for someone else.
- An admin adding an eligible mentor works; a mentor who meets the minimums may add themself.
- A blocked mentor gets nothing new and their mentees move to another mentor; an admin's pause
  on the settings page keeps mentees but stops new ones; a non-admin's edit of the settings
  counts for nothing and is listed as ignored.
- User names with ``'''``, quote marks and ``&`` are welcomed, told and linked correctly
  (checked in the HTML and the links MediaWiki itself parsed).
"""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from contracts import markers
from bot.welcome import Config, WelcomeBot
from tests.bot.test_bot_welcome import admin_call, bot_wiki, record, run_bot


def start(wiki, project: str, settings: dict | None) -> None:
    last = wiki.call(action="query", list="logevents", letype="newusers",
                     lelimit=1)["query"]["logevents"]
    wiki.edit(f"{project}/Bot/State.json", json.dumps({
        "format": 1, "newusers": {"timestamp": last[0]["timestamp"], "logid": last[0]["logid"]},
        "assertions": {"since": ""}, "stop": {"revid": 0}}), contentmodel="json")
    if settings is not None:
        wiki.edit(f"{project}/Mentors/Settings.json", json.dumps(settings), contentmodel="json")
    wiki.edit(f"{project}/Mentors.json", '{"mentors": []}', contentmodel="json")


def experienced(wiki, name: str, edits: int) -> None:
    """An account with *edits* edits of its own."""
    wiki.create_user(name)
    for i in range(edits):
        wiki.edit(f"User:{name}/notes", f"note {i}", user=name)


def add_entry(wiki, project: str, entry: dict, user: str | None = None) -> None:
    """Append *entry* to the mentor list, saved as *user* (default the admin)."""
    title = f"{project}/Mentors.json"
    data = json.loads(wiki.wikitext(title))
    data["mentors"].append(entry)
    wiki.edit(title, json.dumps(data), user=user)


def status_rows(wiki, project: str) -> dict[str, tuple[str, str]]:
    """The status page as MediaWiki renders it: listed name → (state, why)."""
    html = wiki.html(f"{project}/Mentors/Status")
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        cells = [unescape(re.sub(r"<[^>]+>", "", c)).strip()
                 for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
        if len(cells) == 3:
            rows[cells[0]] = (cells[1], cells[2])
    return rows


def parsed_links(wiki, title: str) -> set[str]:
    reply = wiki.call(action="parse", page=title, prop="links", formatversion="2")
    return {link["title"] for link in reply["parse"]["links"]}


@pytest.fixture(scope="module")
def prepared(wiki):
    assert WelcomeBot(bot_wiki(wiki), Config(), log=lambda line: None).setup()
    return wiki


def test_a_plain_account_that_lists_itself_gets_no_newcomer(prepared):
    wiki = prepared
    project = "Project:T-self"
    experienced(wiki, "Trusted Mentor", 3)
    experienced(wiki, "Friend Of Mallory", 3)
    wiki.create_user("Mallory Self")  # autoconfirmed, one edit (the list) of its own
    start(wiki, project, {"min-edits": 3, "min-age-days": 0})  # newcomers from here on
    add_entry(wiki, project, {"username": "Trusted Mentor", "capacity": 50})  # by the admin
    assert "autoconfirmed" in wiki.user_rights("Mallory Self")["groups"]
    add_entry(wiki, project, {"username": "Mallory Self", "weight": 100, "capacity": 50},
              user="Mallory Self")
    add_entry(wiki, project, {"username": "Friend Of Mallory", "weight": 100, "capacity": 50},
              user="Mallory Self")
    newcomers = ["Self One", "Self Two", "Self Three"]
    for name in newcomers:
        wiki.create_user(name)

    report, lines = run_bot(wiki, project)
    assert dict(report.welcomed) == {name: "Trusted Mentor" for name in newcomers}
    assert record(wiki, project, "Mallory Self") == []
    assert record(wiki, project, "Friend Of Mallory") == []
    for name in newcomers:
        assert markers.welcome_mentor(wiki.wikitext(f"User talk:{name}")) == "Trusted Mentor"
    rows = status_rows(wiki, project)
    assert rows["Trusted Mentor"][0] == "mentor"
    assert rows["Mallory Self"] == ("not a mentor", "Edit count below 3, the minimum")
    state, why = rows["Friend Of Mallory"]
    assert state == "not a mentor" and why.startswith("Added by Mallory Self in revision ")
    assert "only the mentor themself or an admin (sysop) may add a mentor" in why
    assert "User:Mallory Self" in parsed_links(wiki, f"{project}/Mentors/Status")
    assert any("Mallory Self does not count: too-few-edits" in line for line in lines)

    # the app's dashboard and the bot decide alike (one module): see test_app_learners_mentor
    again, _ = run_bot(wiki, project)  # nothing changed: the status page is not saved again
    assert len(wiki.history(f"{project}/Mentors/Status")) == 1


def test_blocked_paused_and_an_ignored_settings_edit(prepared):
    wiki = prepared
    project = "Project:T-block"
    experienced(wiki, "Block Mentor", 2)
    experienced(wiki, "Backup Mentor", 2)
    experienced(wiki, "Pause Mentor", 2)
    start(wiki, project, {"min-edits": 2, "min-age-days": 0})
    add_entry(wiki, project, {"username": "Block Mentor", "capacity": 50})  # admin
    add_entry(wiki, project, {"username": "Backup Mentor", "capacity": 50, "weight": 0},
              user="Backup Mentor")  # eligible: added by themself, meets the minimums
    for name in ("Block One", "Block Two"):
        wiki.create_user(name)
    report, _ = run_bot(wiki, project)
    assert dict(report.welcomed) == {"Block One": "Block Mentor", "Block Two": "Block Mentor"}

    # Block Mentor is blocked; Backup takes newcomers; an admin adds Pause Mentor and pauses them
    admin_call(wiki, action="block", user="Block Mentor", reason="test", expiry="1 day")
    data = json.loads(wiki.wikitext(f"{project}/Mentors.json"))
    data["mentors"][1]["weight"] = 1
    wiki.edit(f"{project}/Mentors.json", json.dumps(data), user="Backup Mentor")
    add_entry(wiki, project, {"username": "Pause Mentor", "capacity": 50, "weight": 100})
    wiki.edit(f"{project}/Mentors/Settings.json", json.dumps(
        {"min-edits": 2, "min-age-days": 0, "paused": {"Pause Mentor": "on a wikibreak"}}))
    # someone who is not an admin tries to lift the pause and the minimums
    wiki.edit(f"{project}/Mentors/Settings.json", json.dumps({"min-edits": 0}),
              user="Backup Mentor")
    wiki.create_user("Block Three")
    report, _ = run_bot(wiki, project)
    assert dict(report.welcomed) == {"Block Three": "Backup Mentor"}
    assert sorted(report.reassigned) == [("Block One", "Block Mentor", "Backup Mentor"),
                                         ("Block Two", "Block Mentor", "Backup Mentor")]
    assert record(wiki, project, "Block Mentor") == []
    assert markers.reassigned(wiki.wikitext("User talk:Block One")) == [
        ("Block Mentor", "Backup Mentor")]
    rows = status_rows(wiki, project)
    assert rows["Block Mentor"] == ("not a mentor", "The account is blocked")
    assert rows["Backup Mentor"][0] == "mentor"
    assert rows["Pause Mentor"] == (
        "paused", "Paused by an admin (keeps current mentees, gets no new ones): on a wikibreak")
    status = wiki.wikitext(f"{project}/Mentors/Status")
    ignored = wiki.history(f"{project}/Mentors/Settings.json")[-1]["revid"]
    assert f"Revision [[Special:Diff/{ignored}|{ignored}]] of the settings, by " in status
    assert "only admins may change the settings" in status


WEIRD_NEWCOMER = "Quote '''Bold''' \"Q\" & Co"
WEIRD_MENTOR = "O'Neil ''the'' \"Mentor\" & Sons"


def test_user_names_with_wikitext_are_welcomed_told_and_linked_correctly(prepared):
    wiki = prepared
    project = "Project:T-names"
    experienced(wiki, WEIRD_MENTOR, 1)
    experienced(wiki, "Plain Backup", 1)
    start(wiki, project, {"min-edits": 1, "min-age-days": 0})
    add_entry(wiki, project, {"username": WEIRD_MENTOR, "capacity": 50, "notify": "each"})
    wiki.create_user(WEIRD_NEWCOMER)
    report, _ = run_bot(wiki, project)
    assert report.welcomed == [(WEIRD_NEWCOMER, WEIRD_MENTOR)]

    talk = f"User talk:{WEIRD_NEWCOMER}"
    assert markers.welcome_mentor(wiki.wikitext(talk)) == WEIRD_MENTOR
    html = wiki.html(talk)
    assert "<b>" not in html and "<i>" not in html  # no quote mark became markup
    text = unescape(re.sub(r"<[^>]+>", "", html))
    assert f"Hello {WEIRD_NEWCOMER}, and welcome" in text
    assert f"Your mentor is {WEIRD_MENTOR}, an experienced editor" in text
    assert f"User:{WEIRD_MENTOR}" in parsed_links(wiki, talk)  # the link names the mentor
    assert "User_talk:O%27Neil_%27%27the%27%27_%22Mentor%22_%26_Sons" in html.replace(
        "&amp;", "&").replace("'", "%27")  # "ask your mentor" goes to their talk page

    mentor_talk = f"User talk:{WEIRD_MENTOR}"
    assert markers.told_mentees(wiki.wikitext(mentor_talk)) == {WEIRD_NEWCOMER}
    html = wiki.html(mentor_talk)
    assert "<b>" not in html and "<i>" not in html
    assert f"Your new mentee: {WEIRD_NEWCOMER}" in unescape(re.sub(r"<[^>]+>", "", html))
    links = parsed_links(wiki, mentor_talk)
    assert {f"User:{WEIRD_NEWCOMER}", f"User talk:{WEIRD_NEWCOMER}"} <= links
    assert f'title="Special:Contributions/{WEIRD_NEWCOMER}"' in {
        unescape(m) for m in re.findall(r'title="Special:Contributions/[^"]*"', html)}, \
        re.findall(r'title="Special:Contributions/[^"]*"', html)
    assert f"User:{WEIRD_MENTOR}" in parsed_links(wiki, f"{project}/Mentors/Status")

    # the mentor leaves the list: the reassignment notice names both mentors correctly too
    wiki.edit(f"{project}/Mentors.json", json.dumps({"mentors": [
        {"username": "Plain Backup", "capacity": 50}]}))
    report, _ = run_bot(wiki, project)
    assert report.reassigned == [(WEIRD_NEWCOMER, WEIRD_MENTOR, "Plain Backup")]
    html = wiki.html(talk)
    assert "<b>" not in html and "<i>" not in html
    text = unescape(re.sub(r"<[^>]+>", "", html))
    assert f"Hello {WEIRD_NEWCOMER}, your mentor {WEIRD_MENTOR} is not available" in text
    assert {f"User:{WEIRD_MENTOR}", "User:Plain Backup", "User talk:Plain Backup"} <= \
        parsed_links(wiki, talk)
