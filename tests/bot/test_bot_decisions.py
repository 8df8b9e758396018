"""The bots' pure decisions: bot exclusion, the mentor list, the choice of a mentor, markers,
texts and reading positions. No wiki needed; the same code runs against the real wiki in
test_bot_welcome.py."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from urllib.parse import parse_qs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import exclusion
from contracts import markers
from bot.digest import pending, render_digest, render_each
from bot.mentors import (Mentee, Mentor, active, choose, is_valid_user, loads, normalize_user,
                         parse_mentor_list, parse_record, plan_reassignments, render_record)
from bot.messages import message, sanitize
from tests.gadget.test_gadget_support import library
from wikiapi.client import NewAccount, Page, UserInfo
from bot.records import apply
from bot.state import State, merge_states, parse_state, render_state
from bot.welcome import ASK_MENTOR_QUERY
from bot.welcome import (Config, babel_languages, decide, default_template, render_tour_links,
                         tour_links, welcome_text)

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
TODAY = NOW.date()


# -- bot exclusion -------------------------------------------------------------------------

@pytest.mark.parametrize("text, allowed", [
    ("", True),
    ("Hello there", True),
    ("{{nobots}}", False),
    ("{{ nobots }}", False),
    ("{{NoBots}}", True),  # Template:NoBots is another page: only the first letter is free
    ("{{Template:Nobots}}", False),
    ("{{template:nobots}}", False),
    ("{{nobots|Otherbot}}", True),
    ("{{nobots|Otherbot, WelcomeBot}}", False),
    ("{{nobots|all}}", False),
    ("{{nobots|deny=all}}", False),  # a named parameter on nobots: declined, as in Pywikibot
    ("{{bots}}", True),
    ("{{bots|allow=all}}", True),
    ("{{bots|allow=none}}", False),
    ("{{bots|allow=Otherbot}}", False),
    ("{{bots|allow=Otherbot,WelcomeBot}}", True),
    ("{{bots|allow=welcomeBot}}", True),  # first letter is case-insensitive, like user names
    ("{{bots|deny=all}}", False),
    ("{{bots|deny=none}}", True),
    ("{{bots|deny=Otherbot}}", True),
    ("{{bots|deny=Otherbot, WelcomeBot}}", False),
    ("{{bots|deny=Welcome_Bot}}", True),  # a different name (underscore = space: "Welcome Bot")
    ("{{bots|denyscript=wikitours}}", False),
    ("{{bots|allowscript=archivebot}}", False),
    ("{{bots|optout=all}}", False),
    ("{{bots|optout=welcome}}", False),
    ("{{bots|optout=afd,nosource}}", True),
    ("{{bots|optout=}}", True),  # empty: not valid, ignored
    ("{{bots|WelcomeBot}}", True),  # not valid, ignored as Pywikibot does
    ("<nowiki>{{nobots}}</nowiki>", True),
    ("<!-- {{nobots}} -->", True),
    ("{{Nobots-like}}", True),
    ("{{nobotsx}}", True),
    ("text {{bots|deny=Otherbot}} and {{nobots}}", False),
    ("{{Infobox|note={{nobots}}}}", False),
])
def test_exclusion_follows_the_bot_exclusion_conventions(text, allowed):
    assert exclusion.check(text, "WelcomeBot").allowed is allowed


def test_exclusion_names_the_template_and_honours_message_types():
    result = exclusion.check("Hi {{bots|deny=WelcomeBot}}", "WelcomeBot")
    assert result == exclusion.Exclusion(False, "{{bots|deny=WelcomeBot}}")
    page = "{{bots|optout=badge}}"
    assert exclusion.check(page, "WelcomeBot", message_type="badge").allowed is False
    assert exclusion.check(page, "WelcomeBot", message_type="welcome").allowed is True
    assert exclusion.check("{{bots|optout=wikitours}}", "B", message_type="mentor").allowed is False


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="{}|=[]<>!-nobtsaly ,\n", max_size=80))
def test_exclusion_never_crashes_on_malformed_wikitext(text):
    result = exclusion.check(text, "WelcomeBot")
    assert isinstance(result.allowed, bool)
    if "nobots" not in text.lower() and "bots" not in text.lower():
        assert result.allowed


# -- the mentor list -----------------------------------------------------------------------

GOOD_LIST = """{
  "mentors": [
    {"username": "Ada", "languages": ["en", "de"], "weight": 2, "capacity": 20,
     "away-until": "2026-12-31", "intro": "Hi!", "notify": "each"},
    {"username": "grace_hopper"}
  ]
}"""


def test_mentor_list_is_parsed_with_defaults_and_normalized_names():
    mentors, problems = parse_mentor_list(GOOD_LIST)
    assert problems == ()
    ada, grace = mentors
    assert ada == Mentor("Ada", ("en", "de"), 2, 20, date(2026, 12, 31), "Hi!", "each")
    assert grace == Mentor("Grace hopper")
    assert ada.is_away(TODAY) and not ada.is_away(date(2027, 1, 1))


def test_mentor_list_problems_have_positions_and_hints_and_keep_the_good_entries():
    text = """{"mentors": [
  {"username": "Ada"},
  {"username": "Bob", "weight": -1},
  {"username": "Cy", "away-until": "next week"},
  {"username": "Ada"},
  {"username": "Eve<script>"},
  {"username": "Fay", "notify": "sms", "colour": "red"},
  "Gus",
  {"languages": ["en"]},
  {"username": "Hal", "intro": "%s"}
]}""" % ("x" * 600)
    mentors, problems = parse_mentor_list(text, "Project:Wikitours/Mentors.json")
    assert [m.username for m in mentors] == ["Ada", "Hal"]
    assert len(mentors[1].intro) == 500
    lines = [str(p) for p in problems]
    assert any(line.startswith("Project:Wikitours/Mentors.json:3:3: error: mentors[2]: weight")
               for line in lines), lines
    assert any(":4:3: error: mentors[3]: away-until" in line for line in lines)
    assert any(":5:3: error: mentors[4]: Ada is listed twice" in line for line in lines)
    assert any(":6:3: error: mentors[5]" in line and "not a valid user name" in line
               for line in lines)
    assert any(":7:3: warning: mentors[6]: unknown field 'colour'" in line for line in lines)
    assert any(":7:3: error: mentors[6]: notify" in line for line in lines)
    assert any(":8:3: error: mentors[7] is not an object" in line for line in lines)
    assert any(":9:3: error: mentors[8] has no username" in line for line in lines)
    assert all("hint:" in line for line in lines)


@pytest.mark.parametrize("text, expected", [
    ('{"mentors": [', "not valid JSON"),
    ("[]", 'no "mentors" list'),
    ('{"mentors": {"Ada": 1}}', 'no "mentors" list'),
    ("", "not valid JSON"),
])
def test_broken_mentor_lists_are_problems_not_crashes(text, expected):
    mentors, problems = parse_mentor_list(text)
    assert mentors == () and expected in problems[0].message


def test_huge_mentor_list_is_refused():
    text = json.dumps({"mentors": [{"username": f"M{i}", "intro": "x" * 400}
                                   for i in range(3000)]})
    mentors, problems = parse_mentor_list(text)
    assert mentors == () and "larger than" in problems[0].message


def test_user_names_are_normalized_and_checked():
    assert normalize_user(" ada_lovelace  x ") == "Ada lovelace x"
    for bad in ("", "A|B", "A[[x]]", "A{{t}}", "A<b>", "A/B", "Talk:A", "A#b", "x" * 300):
        assert not is_valid_user(bad), bad
    assert is_valid_user("Ünïcödé Üser") and is_valid_user("O'Brien")


# -- choosing mentors ----------------------------------------------------------------------

def test_choice_skips_away_full_and_zero_weight_mentors():
    mentors = (Mentor("Away", away_until=TODAY), Mentor("Full", capacity=2),
               Mentor("Zero", weight=0), Mentor("Free"))
    rng = random.Random(1)
    picks = {choose(mentors, {"Full": 2}, (), TODAY, rng).username for _ in range(50)}
    assert picks == {"Free"}
    assert choose(mentors, {"Full": 2, "Free": 20}, (), TODAY, rng) is None
    back = (Mentor("Away", away_until=TODAY - timedelta(days=1)),)
    assert choose(back, {}, (), TODAY, rng).username == "Away"


def test_choice_is_weighted():
    mentors = (Mentor("Heavy", weight=3, capacity=10_000), Mentor("Light", weight=1,
                                                                 capacity=10_000))
    rng = random.Random(7)
    counts = Counter(choose(mentors, {}, (), TODAY, rng).username for _ in range(4000))
    assert 2.5 < counts["Heavy"] / counts["Light"] < 3.5


def test_choice_prefers_the_newcomers_language_when_known():
    mentors = (Mentor("En", ("en",), weight=10), Mentor("De", ("de",)), Mentor("Fr", ("fr",)))
    rng = random.Random(3)
    assert {choose(mentors, {}, ("de", "en"), TODAY, rng).username for _ in range(30)} == {"De"}
    assert {choose(mentors, {}, ("de-at",), TODAY, rng).username for _ in range(30)} == {"De"}
    assert {choose(mentors, {}, ("ja", "fr"), TODAY, rng).username for _ in range(30)} == {"Fr"}
    # the speaker is full: someone else rather than no one
    assert choose(mentors, {"De": 20}, ("de",), TODAY, rng).username in {"En", "Fr"}
    assert len({choose(mentors, {}, (), TODAY, rng).username for _ in range(200)}) == 3


def test_capacity_holds_over_a_batch():
    mentors = (Mentor("A", capacity=3), Mentor("B", capacity=2))
    load: dict[str, int] = {}
    rng = random.Random(5)
    picked = []
    for _ in range(7):
        mentor = choose(mentors, load, (), TODAY, rng)
        if mentor:
            load[mentor.username] = load.get(mentor.username, 0) + 1
        picked.append(mentor.username if mentor else None)
    assert Counter(picked) == Counter({"A": 3, "B": 2, None: 2})


def test_active_mentees_and_loads():
    fresh = Mentee("New", "2026-11-20T00:00:00Z")
    old = Mentee("Old", "2026-01-01T00:00:00Z")
    broken = Mentee("Broken", "yesterday")
    assert active(fresh, NOW) and not active(old, NOW) and not active(broken, NOW)
    assert loads({"Ada": (fresh, old, broken)}, NOW) == {"Ada": 1}


def test_reassignment_moves_active_mentees_of_leavers_and_away_mentors_only():
    mentors = (Mentor("Stays"), Mentor("Away", away_until=TODAY + timedelta(days=3)),
               Mentor("Room", capacity=1))
    records = {
        "Stays": (Mentee("S1", "2026-11-24T00:00:00Z"),),
        "Away": (Mentee("A1", "2026-11-24T00:00:00Z"), Mentee("A0", "2025-01-01T00:00:00Z")),
        "Left": (Mentee("L1", "2026-11-24T00:00:00Z"), Mentee("L2", "2026-11-23T00:00:00Z")),
    }
    plan = plan_reassignments(mentors, records, loads(records, NOW), NOW, random.Random(2))
    moved = {(m.mentee.username, m.old) for m in plan}
    assert moved == {("A1", "Away"), ("L1", "Left"), ("L2", "Left")}
    targets = Counter(m.new for m in plan)
    assert targets["Room"] <= 1 and set(targets) <= {"Stays", "Room"}
    assert all(m.new not in (m.old, m.mentee.username) for m in plan)


def test_reassignment_without_room_says_so():
    plan = plan_reassignments((Mentor("Full", capacity=0),),
                              {"Left": (Mentee("L1", "2026-11-24T00:00:00Z"),)}, {}, NOW,
                              random.Random(1))
    assert [(p.mentee.username, p.new) for p in plan] == [("L1", None)]


# -- records and state ---------------------------------------------------------------------

def test_records_round_trip_and_tolerate_garbage():
    mentees = (Mentee("A", "2026-11-25T00:00:00Z"),
               Mentee("B", "2026-11-25T00:00:00Z", "reassigned", "2026-11-25T01:00:00Z", "Old"))
    text = render_record(mentees)
    assert parse_record(text) == mentees
    assert json.loads(text)["mentees"][1] == {"username": "B", "assigned": "2026-11-25T00:00:00Z",
                                              "reason": "reassigned",
                                              "notified": "2026-11-25T01:00:00Z", "from": "Old"}
    garbage = '{"mentees": [1, {"username": "<x>"}, {"username": "a_b", "assigned": 5}, ' \
              '{"username": "A b"}]}'
    assert parse_record(garbage) == (Mentee("A b", "", "new-account"),)
    assert parse_record("not json") == () and parse_record("[]") == ()


def test_record_intentions_apply_to_a_fresh_copy():
    base = (Mentee("A", "t"), Mentee("B", "t"))
    out = apply(base, {"C": Mentee("C", "t2"), "A": Mentee("A", "t3")}, {"B"}, {"C": "now"})
    assert out == (Mentee("A", "t"), Mentee("C", "t2", notified="now"))


def test_state_round_trip_and_merge():
    state = State("2026-11-25T10:00:00Z", 42, "cursor-9", 7)
    assert parse_state(render_state(state)) == state
    assert parse_state("{broken") == State() and parse_state('{"newusers": []}') == State()
    assert parse_state('{"newusers": {"logid": true}}').logid == 0
    newer = State("2026-11-25T11:00:00Z", 50)
    assert merge_states(state, newer).logid == 50 and merge_states(newer, state).logid == 50
    assert merge_states(state, newer).assertions == "cursor-9"


# -- markers -------------------------------------------------------------------------------

def test_markers_round_trip_and_cannot_be_broken_by_names():
    hostile = 'Evil" --> <script>x</script> & "'
    text = "Hi\n" + markers.render("welcome", mentor=hostile) + "\nmore"
    assert text.count("-->") == 1
    assert markers.welcome_mentor(text) == hostile
    assert markers.welcome_mentor("<nowiki><!-- wikitours:welcome mentor=\"A\" --></nowiki>") \
        is None
    assert markers.welcome_mentor('wikitours:welcome mentor="A"') is None
    assert markers.welcome_mentor("<!-- wikitours:welcomed mentor=\"A\" -->") is None
    page = markers.render("badge", id="first-edit") + markers.render("mentee", user="B") + \
        markers.render("reassigned", **{"from": "Old", "mentor": "New"})
    assert markers.badges(page) == {"first-edit"} and markers.told_mentees(page) == {"B"}
    assert markers.reassigned(page) == [("Old", "New")]


# -- texts ---------------------------------------------------------------------------------

def test_messages_fill_parameters_and_fall_back_to_english():
    assert message("wikitours-bot-summary-welcome", "de-at", "Ada").endswith("Ada")
    assert message("wikitours-bot-summary-welcome", "../../etc", "Ada").endswith("Ada")
    with pytest.raises(KeyError):
        message("wikitours-bot-no-such-key", "en")


def test_every_bot_message_is_documented():
    from bot.messages import I18N_DIR

    en = json.loads((I18N_DIR / "en.json").read_text())
    qqq = json.loads((I18N_DIR / "qqq.json").read_text())
    ours = {k for k in en if k.startswith("wikitours-bot-")}
    assert ours and ours <= set(qqq)
    assert all(qqq[k].strip() for k in ours)


def test_sanitize_makes_hostile_text_inert():
    hostile = "{{subst:Evil}} [[Link|x]] ~~~~ <script>alert(1)</script>\n== Head ==\n''b'' |"
    clean = sanitize(hostile)
    for forbidden in ("{{", "}}", "[[", "~~~", "<script", "\n", "|", "=="):
        assert forbidden not in clean
    assert len(sanitize("x" * 2000)) == 500


def test_welcome_text_substitutes_the_template_with_a_marker_and_safe_parameters():
    mentor = Mentor("Ada", intro="I {{love}} | cats ~~~~")
    text = welcome_text("New user", mentor, "en", "Template:Wikitours welcome",
                        "* [{{fullurl:Special:MyPage/sandbox|wikitour=first-edit}}#wikitour=first-edit First]")
    assert text.startswith("== Welcome! ==\n<!-- wikitours:welcome mentor=\"Ada\" -->\n")
    assert "{{subst:Wikitours welcome|user=New user|mentor=Ada|intro=I &#123;&#123;love" in text
    assert "tours=\n* [{{fullurl:Special:MyPage/sandbox|wikitour=first-edit}}#wikitour=first-edit First]\n}} ~~~~" \
        in text
    assert markers.welcome_mentor(text) == "Ada"


def test_default_template_links_mentor_question_and_tours():
    text = default_template("en")
    assert "{{{user|}}}" in text and "[[User:{{{mentor}}}|{{{mentor}}}]]" in text
    assert "{{{tours|* [[Help:Wikitours|" in text
    assert "{{fullurl:User talk:{{{mentor}}}|{{{ask|action=edit&section=new}}}}}" in text
    assert "@" not in text.replace("{{", "")  # every placeholder filled


def test_the_ask_link_names_a_step_of_the_shipped_ask_mentor():
    """The welcome's ask link starts ask-mentor at a step by its id: the id must stay in tours.yaml
    (the gadget would otherwise start the tour from its first step, on the reader's own page)."""
    query = parse_qs(ASK_MENTOR_QUERY)
    tour = next(t for t in library().tours if t.id == query["wikitour"][0])
    assert query["wikitourstep"][0] in [s.id for s in tour.steps]
    assert query["action"] == ["edit"] and query["section"] == ["new"]


def test_tour_links_come_from_the_deployed_gadget_data():
    index = json.dumps({"tours": {
        "first-edit": {"version": 1, "steps": 3, "audience": "newcomer"},
        "add-citation": {"version": 1, "steps": 3, "audience": "newcomer"},
        "mentoring": {"version": 1, "steps": 3, "audience": "mentor"},
        "Bad Id]]": {"audience": "newcomer"},
        "talk": {"audience": "newcomer"}}})
    tours = {
        "first-edit": json.dumps({"id": "first-edit", "requires": [], "sourceLanguage": "en",
                                  "steps": [{"page": {"kind": "sandbox"}}]}),
        "add-citation": json.dumps({"requires": ["first-edit"], "steps": [{}]}),
        "mentoring": json.dumps({"requires": [], "steps": [{}]}),
        "talk": json.dumps({"requires": [], "sourceLanguage": "en",
                            "steps": [{"page": {"kind": "title", "title": "Help:Talk]]"}}]}),
    }
    messages = {"first-edit/de": json.dumps({"wikitours-tour-first-edit-title": "Erste [[x]]"}),
                "first-edit/en": json.dumps({"wikitours-tour-first-edit-title": "First"})}
    links = tour_links(index, tours, messages, ("de-at", "de", "en"))
    assert links == [("first-edit", "Special:MyPage/sandbox", "Erste [[x]]")]
    rendered = render_tour_links(links)
    assert rendered == ("* [{{fullurl:Special:MyPage/sandbox|wikitour=first-edit}}#wikitour=first-edit "
                        "Erste &#91;&#91;x&#93;&#93;]")
    assert tour_links("{not json", {}, {}, ("en",)) == []


def test_babel_languages_best_first():
    page = "{{#babel:en-2|de}} {{User fr-1}} {{Babel|ja-0|es-N}} {{User evil-script-x-99}}"
    assert babel_languages(page) == ("de", "es", "en", "fr")
    assert babel_languages("") == () and babel_languages("{{#babel:") == ()


# -- who gets welcomed ---------------------------------------------------------------------

def _decide(talk=Page("User talk:New"), info=UserInfo("New"), name="New", action="create",
            config=Config()):
    return decide(NewAccount(1, "2026-11-25T00:00:00Z", name, action), info, talk, "WelcomeBot",
                  {"Ada"}, config)


def test_decisions_cover_every_skip_reason():
    assert _decide().action == "welcome"
    assert _decide(name="A|B").reason == "invalid-name"
    assert _decide(info=None).reason == "account-not-found"
    assert _decide(info=UserInfo("New", exists=False)).reason == "account-not-found"
    assert _decide(info=UserInfo("New", blocked=True)).reason == "blocked"
    assert _decide(info=UserInfo("New", blocked=True, block_partial=True)).action == "welcome"
    assert _decide(info=UserInfo("New", groups=("bot", "user"))).reason == "bot"
    assert _decide(name="WelcomeBot").reason == "is-this-bot"
    assert _decide(name="Ada").reason == "is-a-mentor"
    assert _decide(action="autocreate", config=Config(autocreated=False)).reason == "autocreated"
    assert _decide(action="autocreate").action == "welcome"
    welcomed = Page("User talk:New", True, '== Hi ==\n<!-- wikitours:welcome mentor="Bo" -->', 5)
    assert _decide(talk=welcomed) == type(_decide())("repair", "already-welcomed", "Bo")
    nobots = Page("User talk:New", True, "{{nobots}}", 5)
    assert _decide(talk=nobots).reason == "excluded-by {{nobots}}"
    other = Page("User talk:New", True, "Hello from a human", 5)
    assert _decide(talk=other).reason == "talk-page-exists"
    assert _decide(talk=other, config=Config(welcome_existing=True)).action == "welcome"


# -- mentor messages -----------------------------------------------------------------------

def test_digest_lists_each_new_mentee_once_with_markers():
    ada = Mentor("Ada")
    mentees = [Mentee("N1", "2026-11-25T00:00:00Z"),
               Mentee("N2", "2026-11-25T00:00:00Z", "reassigned", previous="Old")]
    notice = render_digest(ada, mentees, "en", "Project:Wikitours/Mentors.json")
    assert markers.told_mentees(notice.text) == {"N1", "N2"}
    assert "previously mentored by [[User:Old|Old]]" in notice.text
    assert notice.text.startswith("== {{PLURAL:2|") and notice.text.endswith("~~~~")
    assert notice.summary.endswith("N1, N2") and notice.mentees == ("N1", "N2")
    told_page = "older stuff\n" + notice.text
    more = mentees + [Mentee("N3", "2026-11-25T00:00:00Z"), Mentee("N4", "2026-11-25T00:00:00Z",
                                                                   notified="x"),
                      Mentee("N5", "2020-01-01T00:00:00Z")]
    assert [m.username for m in pending(more, told_page, NOW, 90)] == ["N3"]
    one = render_each(ada, mentees[0], "en", "L")
    assert one.text.startswith("== Your new mentee: N1 ==") and one.mentees == ("N1",)


def test_the_ask_link_starts_ask_mentor_only_when_the_welcome_links_tours():
    """An experiment arm without tour links gets a plain ask link: the tour is the bot's ``ask``
    parameter, not part of the template."""
    mentor = Mentor("Ada")
    plain = welcome_text("New user", mentor, "en", "Template:Wikitours welcome", "")
    assert "wikitour=" not in plain and "|ask=" not in plain
    toured = welcome_text("New user", mentor, "en", "Template:Wikitours welcome", "", ask_tour=True)
    assert f"|ask={ASK_MENTOR_QUERY}}}}} ~~~~" in toured
