"""contracts.mentoreligibility: who on the mentor list counts (pure: revisions and accounts in)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from contracts.mentoreligibility import (Account, Revision, Rules, assess, attribute,
                                   effective_settings, names_to_look_up, parse_rules,
                                   settings_title, status_title)

NOW = datetime(2026, 12, 6, tzinfo=timezone.utc)
OLD = "2020-01-01T00:00:00Z"


def listing(*names: str) -> str:
    return json.dumps({"mentors": [{"username": n} for n in names]})


def rev(revid: int, user: str, *names: str, text: str | None = None, parent: int = -1) -> Revision:
    return Revision(revid, user, "2026-12-01T00:00:00Z", listing(*names) if text is None else text,
                    revid - 1 if parent < 0 else parent)


def veteran(name: str, *groups: str, **kw) -> Account:
    return Account(name, True, groups, kw.get("blocked", False), kw.get("editcount", 5000),
                   kw.get("registration", OLD))


def test_each_entry_is_attributed_to_the_edit_that_added_it():
    history = [rev(1, "Admin", "Ada", parent=0), rev(2, "Bea", "Ada", "Bea"),
               rev(3, "Mallory", "Ada", "Bea", "Mallory", "Friend"),
               rev(4, "Vandal", text="{broken"),  # broken JSON changes nothing
               rev(5, "Fixer", "Ada", "Bea", "Mallory", "Friend"),
               rev(6, "Cy", "Bea", "Mallory", "Friend"),  # Ada removed by Cy...
               rev(7, "Ada", "Bea", "Mallory", "Friend", "Ada")]  # ...and put back by herself
    added = attribute(list(reversed(history)))  # any order
    assert {n: r.user for n, r in added.items()} == {
        "Bea": "Bea", "Mallory": "Mallory", "Friend": "Mallory", "Ada": "Ada"}


def test_names_added_before_the_history_read_are_unknown():
    added = attribute([rev(40, "Someone", "Old Timer"), rev(41, "New", "Old Timer", "New")])
    assert added["Old Timer"] is None and added["New"].user == "New"


def test_the_verdicts_follow_the_rules_in_order():
    history = [rev(1, "Admin", "Ada", "Blocked Bo", "Ghost", parent=0),
               rev(2, "Mallory", "Ada", "Blocked Bo", "Ghost", "Mallory", "Friend"),
               rev(3, "Newbie", "Ada", "Blocked Bo", "Ghost", "Mallory", "Friend", "Newbie"),
               rev(4, "Paused Pat", "Ada", "Blocked Bo", "Ghost", "Mallory", "Friend", "Newbie",
                   "Paused Pat"),
               rev(5, "Admin", "Ada", "Blocked Bo", "Ghost", "Mallory", "Friend", "Newbie",
                   "Paused Pat", "Gone Gus")]
    settings = [rev(10, "Admin", text=json.dumps({
        "min-edits": 100, "min-age-days": 30, "paused": {"Paused Pat": "on a wikibreak"},
        "removed": {"Gone Gus": "asked to leave"}}), parent=0)]
    accounts = {"Admin": veteran("Admin", "sysop"), "Ada": veteran("Ada"),
                "Blocked Bo": veteran("Blocked Bo", blocked=True),
                "Ghost": Account("Ghost", exists=False),
                "Mallory": veteran("Mallory", editcount=12),
                "Friend": veteran("Friend"),
                "Newbie": veteran("Newbie", editcount=400, registration="2026-11-30T00:00:00Z"),
                "Paused Pat": veteran("Paused Pat"), "Gone Gus": veteran("Gone Gus")}
    result = assess(history, settings, accounts, NOW)
    verdicts = {v.username: (v.status, v.reason, v.params) for v in result.verdicts}
    assert verdicts == {
        "Ada": ("eligible", "", ()),
        "Blocked Bo": ("rejected", "blocked", ()),
        "Ghost": ("rejected", "no-account", ()),
        "Mallory": ("rejected", "too-few-edits", ("100",)),
        "Friend": ("rejected", "added-by-other", ("Mallory", "2", "sysop")),
        "Newbie": ("rejected", "too-new", ("30",)),
        "Paused Pat": ("paused", "paused", ("on a wikibreak",)),
        "Gone Gus": ("rejected", "removed", ("asked to leave",)),
    }
    assert set(result.counted()) == {"Ada", "Paused Pat"}
    assert result.rules.revid == 10 and result.ignored_settings == ()


def test_only_admins_write_the_settings():
    settings = [rev(10, "Admin", text=json.dumps({"min-edits": 100}), parent=0),
                rev(11, "Mallory", text=json.dumps({"min-edits": 0}))]
    accounts = {"Admin": veteran("Admin", "sysop"), "Mallory": veteran("Mallory", "rollbacker")}
    chosen, ignored = effective_settings(settings, accounts)
    assert chosen.revid == 10 and [r.revid for r in ignored] == [11]
    result = assess([rev(1, "Mallory", "Mallory", parent=0)], settings,
                    {**accounts, "Mallory": veteran("Mallory", editcount=50)}, NOW)
    assert result.rules.min_edits == 100
    assert result.verdicts[0].reason == "too-few-edits"
    # no admin ever saved them: the defaults (GrowthExperiments' 500 edits, 90 days)
    chosen, ignored = effective_settings(settings[1:], accounts)
    assert chosen is None and parse_rules(chosen)[0] == Rules()


def test_admin_groups_widen_who_may_add_mentors_but_not_who_writes_the_settings():
    settings = [rev(10, "Admin", text=json.dumps({"admin-groups": ["mentor-admin"],
                                                  "min-edits": 0, "min-age-days": 0}), parent=0)]
    history = [rev(1, "Helper", "Ada", parent=0)]
    accounts = {"Admin": veteran("Admin", "sysop"), "Helper": veteran("Helper", "mentor-admin"),
                "Ada": veteran("Ada")}
    assert assess(history, settings, accounts, NOW).verdicts[0].status == "eligible"
    assert assess(history, [], accounts, NOW).verdicts[0].reason == "added-by-other"
    # "user" or "*" would make everyone an admin: refused, and said so
    rules, problems = parse_rules(rev(11, "Admin", text=json.dumps({"admin-groups": ["user"]})))
    assert rules.admin_groups == ("sysop",)
    assert problems == (("wikitours-bot-mentor-settings-groups", ("admin-groups",)),)


def test_bad_settings_keep_their_defaults_and_say_why():
    rules, problems = parse_rules(rev(10, "Admin", text=json.dumps(
        {"min-edits": "lots", "min-age-days": True, "paused": ["Ada"], "removed": {"Bo": 3}})))
    assert (rules.min_edits, rules.min_age_days, dict(rules.paused)) == (500, 90, {})
    assert [key for key, _ in problems] == [
        "wikitours-bot-mentor-settings-number", "wikitours-bot-mentor-settings-number",
        "wikitours-bot-mentor-settings-names", "wikitours-bot-mentor-settings-names"]
    assert parse_rules(rev(10, "Admin", text="[1]"))[1] == (
        ("wikitours-bot-mentor-settings-json", ()),)


def test_names_to_look_up_and_titles():
    history = [rev(1, "Admin", "ada_lovelace", parent=0)]
    settings = [rev(5, "Boss", text="{}", parent=0)]
    assert names_to_look_up(history, settings) == ["Ada lovelace", "Admin", "Boss"]
    assert settings_title("Project:Wikitours/Mentors.json") == \
        "Project:Wikitours/Mentors/Settings.json"
    assert status_title("Project:Wikitours/Mentors.json") == "Project:Wikitours/Mentors/Status"


def test_removing_and_re_adding_someone_else_does_not_take_their_entry_over():
    """A vandal who removes a mentor's entry and adds it again must not make it 'added by
    someone else' (that would disqualify the mentor and move their mentees away)."""
    accounts = {"Admin": veteran("Admin", "sysop"), "Ada": veteran("Ada"),
                "Vandal": veteran("Vandal")}
    history = [rev(1, "Admin", "Ada", parent=0), rev(2, "Vandal"), rev(3, "Vandal", "Ada")]
    assert attribute(history, accounts)["Ada"].revid == 1
    settings = [rev(9, "Admin", text=json.dumps({"min-edits": 0, "min-age-days": 0}), parent=0)]
    assert assess(history, settings, accounts, NOW).verdicts[0].status == "eligible"
    # but when Ada (or an admin) removed the entry, whoever puts it back owns it
    left = [rev(1, "Admin", "Ada", parent=0), rev(2, "Ada"), rev(3, "Vandal", "Ada")]
    assert attribute(left, accounts)["Ada"].user == "Vandal"
    verdict = assess(left, settings, accounts, NOW).verdicts[0]
    assert (verdict.status, verdict.reason, verdict.added_by) == ("rejected", "added-by-other",
                                                                  "Vandal")
    # a doubtful entry that its mentor adds again becomes theirs
    fixed = left + [rev(4, "Ada"), rev(5, "Ada", "Ada")]
    assert attribute(fixed, accounts)["Ada"].user == "Ada"
