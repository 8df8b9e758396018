"""User names in the wikitext the bots write: shown as spelled, never markup, links still work.

MediaWiki allows ' " & = ; ! ~ * in user names (not [ ] { } | # < > / :). Three quote marks
start bold, ~~~~ signs, * at a line start makes a list: every such character is written as an
HTML entity, which MediaWiki decodes in link targets, so [[User:…]] still links to the account.
(The real-wiki check of the rendered HTML is tests/bot/test_bot_mentor_trust.py.)
"""

from __future__ import annotations

import html
import re

from bot.mentors import Mentor
from bot.messages import user_link, user_text
from bot.welcome import welcome_text
from publish.statuspage import user_link as status_user_link

NAME = "Quote '''Bold''' \"Q\" & Co=1 ~~~~ *x* ;y !z"


def test_user_text_leaves_no_wikitext_markup():
    text = user_text(NAME)
    bare = re.sub(r"&#?[0-9a-z]+;", "", text)  # what is left besides the entities
    for markup in ("'", "~", '"', "&", "=", "*", ";", "!"):
        assert markup not in bare, markup
    assert html.unescape(text) == NAME
    assert text.startswith("Quote &#39;&#39;&#39;Bold") and "&amp; Co&#61;1" in text
    assert user_link(NAME) == f"[[User:{text}|{text}]]"
    assert user_link("Ada", "User talk") == "[[User talk:Ada|Ada]]"


def test_the_welcome_passes_escaped_names_into_the_template():
    post = welcome_text(NAME, Mentor("O'Neil ''the'' mentor"), "en", "Template:Wikitours welcome",
                        "")
    assert "|user=Quote &#39;&#39;&#39;Bold&#39;&#39;&#39; &quot;Q&quot; &amp; Co&#61;1" in post
    assert "|mentor=O&#39;Neil &#39;&#39;the&#39;&#39; mentor}}" in post
    assert '<!-- wikitours:welcome mentor="O\'Neil \'\'the\'\' mentor" -->' in post
    assert "'''" not in post.split("-->", 1)[1]


def test_the_status_page_links_users_by_an_escaped_target():
    link = status_user_link("A&amp;B '''x'''")
    shown = "A&amp;amp;B &#39;&#39;&#39;x&#39;&#39;&#39;"
    assert link == f"[[:User:{shown}|{shown}]]"
    assert status_user_link("Bad|name") == "Bad&#124;name"  # cannot be a title: text only


def test_badge_notes_and_digests_escape_names():
    from bot.badges import Assertion, note_text
    from bot.digest import render_digest
    from bot.mentors import Mentee

    note = note_text([Assertion("1", "first-edit", NAME, "https://badges.example/a/1")], "en",
                     "Help:Wikitours")
    assert "Congratulations, " + user_text(NAME) + "!" in note
    digest = render_digest(Mentor("O'Neil ''the'' mentor"),
                           [Mentee(NAME, "2026-12-01T00:00:00Z", previous="Old '''one'''")],
                           "en", "Project:Wikitours/Mentors.json").text
    body = digest.split("-->")[-1]  # after the markers (which keep names as attribute values)
    assert "'''" not in body and "''" not in body.replace("&#39;", "")
    assert f"[[User:{user_text(NAME)}|{user_text(NAME)}]]" in body
    old = "Old &#39;&#39;&#39;one&#39;&#39;&#39;"
    assert f"[[User:{old}|{old}]]" in body


def test_control_characters_never_reach_a_post_or_a_status_page():
    from publish.statuspage import escape

    post = welcome_text("Ada", Mentor("Bea", intro="I help\x00 with \x1b[31mbirds\x85."), "en",
                        "Template:Wikitours welcome", "")
    assert "|intro=I help with &#91;31mbirds." in post
    assert not any(c in post for c in "\x00\x1b\x85")
    assert escape("bad\x00value\x07") == "bad\ufffdvalue\ufffd"  # shown, as a visible mark
