"""Publishing trust (issue 14) on a real local wiki: a plain autoconfirmed account edits a tour
page, a translation page and the library page; the sync publishes none of it (the last
approved version stays live), the status page says what waits, why, with its diff link and
the approval line, and one edit of the approvals page by a trusted editor publishes it. A
trusted editor's minor edit on top of an untrusted one launders nothing; approvals forged by
the untrusted account count for nothing. Translations have their own, wider circle.

The tests run in order and build on each other (one library, edited step by step).
"""

from __future__ import annotations

import json

import pytest

from publish.multiwiki import parse_config
from publish.sync import canonical, sync_once
from tests.deployhelp import live_title
from publish.trust import Rev, approvals_from_history, parse_trust, review_page, weaker
from tests.publish.test_sync import FIRST, HEADER, HEADER_TEXT, I18N, SECOND, STATUS, TOURS, _ar_json
from trusthelp import grant, trusted_user

APPROVALS = "Project:Wikitours/Approved.json"
VANDAL = "Plain Newcomer"
CURATOR = "Curator"        # interface-admin: may publish everything
REVIEWER = "Reviewer"      # a patroller: may publish translations only
TOUR = TOURS + "first-edit.yaml"


# ---------------------------------------------------------------------------------------------
# The rules, without a wiki


def _h(*revs):
    """History from (revid, user, sha1) triples, each the parent of the next."""
    out, parent = [], 0
    for revid, user, sha in revs:
        out.append(Rev(revid, parent, user, sha))
        parent = revid
    return out


def test_every_revision_since_the_last_trusted_one_counts():
    trusted = {"T"}.__contains__
    history = _h((1, "T", "a"), (2, "U", "b"), (3, "T", "c"))
    verdict = review_page("P", history, trusted)
    # the trusted minor edit on top of the untrusted one does not launder it
    assert verdict.published.revid == 1 and [r.revid for r in verdict.waiting] == [2, 3]
    # approving revision 3 approves its content; later trusted edits build on it
    assert review_page("P", [*history, Rev(4, 3, "T", "d")], trusted, {3}).published.revid == 4
    # a revert by anyone to reviewed content is reviewed content
    assert review_page("P", [*history, Rev(4, 3, "U", "a")], trusted).published.revid == 4
    # hidden users count as untrusted; a page created by an untrusted account has nothing live
    assert review_page("P", _h((1, "", "a")), lambda u: True).published is None
    new = review_page("P", _h((5, "U", "x")), trusted)
    assert new.published is None and [r.revid for r in new.waiting] == [5]


def test_only_approvals_a_trusted_editor_added_count():
    versions = [(10, "U", json.dumps({"P": 2})),            # forged
                (11, "T", json.dumps({"P": 2, "Q": 7})),    # trusted save keeps the forgery
                (12, "U", "{not json"),                      # broken ...
                (13, "T", json.dumps({"P": [2, 3], "Q": 7, "@x": 1, "R": "9"}))]  # ... fixed
    found = approvals_from_history(versions)
    added = {(a.page, a.revid, a.approver) for a in found}
    assert ("P", 2, "U") in added and ("P", 2, "T") not in added
    assert ("Q", 7, "T") in added and ("P", 3, "T") in added
    assert not any(a.page in ("@x", "R") for a in found)  # metadata and non-ids are no entries
    # keys that are no titles are skipped; an oversized version is not read
    def strict(title):
        if "[" in title:
            raise ValueError(title)
        return title
    odd = approvals_from_history([(20, "T", json.dumps({"[[x]]": 1, "S": 2})),
                                  (21, "T", json.dumps({"S": 2, "Z": 3, "pad": "x" * 300_000}))], strict)
    assert [(a.page, a.revid) for a in odd] == [("S", 2)]


def test_trust_settings_are_checked():
    problems = []
    trust = parse_trust({"publish": {"groups": ["sysop", "<b>"]}, "protect": "none",
                         "approvals": "[[x]]", "extra": 1}, "w", lambda m, h: problems.append(m))
    assert trust.publish.groups == () and trust.protect == "" and len(problems) == 3
    config, problems = parse_config({"library": {"wiki": "a"}, "wikis": [
        {"id": "a", "api": "http://127.0.0.1/api.php",
         "trust": {"publish": {"groups": ["interface-admin"]}, "protect-translations": "none"}},
        {"id": "b", "api": "http://127.0.0.1:2/api.php"}]})
    assert config is not None, problems
    a, b = config.wikis
    assert a.trust.publish.allows({"interface-admin"}, set()) and not a.trust.publish.allows({"sysop"}, {"editsitejson"})
    assert a.trust.protect_translations == "" and a.trust.protect == "sysop"
    assert b.trust.publish.allows({"sysop"}, {"editsitejson"}) and b.trust.translate.allows((), {"patrol"})
    assert parse_config({"library": {"wiki": "a"}, "wikis": [
        {"id": "a", "api": "http://127.0.0.1/api.php", "trust": "everyone"}]})[0] is None
    assert weaker({"edit": "autoconfirmed"}, "sysop") == ["edit", "move"]
    assert weaker({"edit": "sysop", "move": "sysop"}, "sysop") == [] and weaker({}, "") == []


def test_the_review_section_escapes_what_it_quotes():
    from publish.review import ProtectionGap, Selection, Waiting
    from publish.trust import DEFAULT_TRUST
    from publish.reviewpage import render_review

    hostile = Selection(
        waiting=[Waiting("Project:X/]]{{evil}}[[Category:Y]].yaml", 3, 9, 2,
                         ("<script>x</script>", "~~~~"), False)],
        gaps=[ProtectionGap("Project:Wikitours/Library.yaml", (("edit", "<b>x</b>"),), "sysop")])
    text = render_review("en", library=hostile, trust=DEFAULT_TRUST)
    for bad in ("<script>", "~~~~", "{{evil}}", "[[Category:Y]]", "<b>"):
        assert bad not in text, bad
    assert "[[Special:Diff/3/9|" in text and "|2 edits}}" in text and "edit=&lt;b&gt;" in text
    # on another wiki the links are external links to the library wiki
    remote = render_review("de", library=hostile, trust=DEFAULT_TRUST,
                           source_index="http://127.0.0.1:1/index.php")
    assert "http://127.0.0.1:1/index.php?title=Special%3ADiff&diff=9&oldid=3" in remote
    assert "Warten auf Prüfung" in remote


# ---------------------------------------------------------------------------------------------
# On a real wiki


@pytest.fixture(scope="module")
def wiki(make_wiki):
    # Patrollers as on many Wikipedias: trusted for translations (the default circle has the
    # right patrol), not for tours (no editsitejson).
    return make_wiki(extra_settings="$wgGroupPermissions['patroller']['patrol'] = true;")


@pytest.fixture(scope="module")
def lib(wiki):
    wiki.create_user(VANDAL)
    assert "autoconfirmed" in wiki.user_rights(VANDAL)["groups"]  # an ordinary account
    trusted_user(wiki, CURATOR, "interface-admin")
    trusted_user(wiki, REVIEWER, "patroller")
    wiki.edit(HEADER, HEADER_TEXT, user=CURATOR)
    wiki.edit(TOUR, FIRST, user=CURATOR)
    wiki.edit(TOURS + "ask-mentor.yaml", SECOND, user=CURATOR)
    wiki.edit(I18N + "ar.json", _ar_json("Your first edit"), user=REVIEWER, contentmodel="json")
    wiki.edit(APPROVALS, "{}", user=CURATOR, contentmodel="json")
    config, problems = parse_config({
        "library": {"wiki": "w", "tours": TOURS, "header": HEADER, "translations": I18N},
        "wikis": [{"id": "w", "api": wiki.api, "index": wiki.index, "language": "en"}]})
    assert config is not None, problems
    cache: dict = {}
    logs: list[str] = []

    def run(**kw):
        return sync_once(config, {"w": wiki.site()}, cache, log=logs.append, **kw).outcomes["w"]

    run.cache = cache  # the sync's local cache (tests below garble it)

    first = run()
    assert first.published, (first.errors, logs)
    return wiki, run


def _c(wiki, title):
    return canonical(wiki.site(), title)


def _approve(wiki, user, **entries):
    text = wiki.wikitext(APPROVALS)
    data = json.loads(text) if text else {}
    data.update({_c(wiki, t) if t.startswith("Project:") else t: r for t, r in entries.items()})
    return wiki.edit(APPROVALS, json.dumps(data, ensure_ascii=False), user=user,
                     contentmodel="json", summary="approve")


def _undo(wiki, title, revid, user):
    from localwiki.client import call, token

    session = wiki.session(user)
    reply = call(session, wiki.api, "POST", action="edit", title=title, undo=revid,
                 token=token(session, wiki.api))
    assert reply["edit"]["result"] == "Success", reply


def test_the_status_page_says_who_publishes(lib):
    wiki, _ = lib
    status = wiki.wikitext(STATUS)
    assert "Only reviewed text is published" in status and "editsitejson" in status
    assert "patrol" in status and _c(wiki, APPROVALS) in status
    notice = wiki.wikitext("MediaWiki:Editnotice-4-Wikitours-Tours")
    assert "Only reviewed changes are published" in notice and _c(wiki, APPROVALS) in notice
    # the seeded pages are not protected: the status page warns
    assert "Protection:" in status and "more weakly than configured" in status


def test_a_plain_account_edit_of_a_tour_page_is_not_published(lib):
    wiki, run = lib
    live_help = wiki.wikitext("Help:Wikitours/first-edit")
    live_messages = wiki.wikitext(live_title(wiki, "MediaWiki:Wikitours/messages/first-edit/en.json"))
    good = wiki.page_info(TOUR)["revid"]
    hostile = wiki.wikitext(TOUR).replace("title: Your first edit",
                                          "title: PWNED by '''a stranger'''")
    edit = wiki.edit(TOUR, hostile, user=VANDAL, summary="better title")
    outcome = run()
    assert outcome.changed and not outcome.errors
    assert wiki.wikitext("Help:Wikitours/first-edit") == live_help
    assert wiki.wikitext(live_title(wiki, "MediaWiki:Wikitours/messages/first-edit/en.json")) == live_messages
    assert "PWNED" not in wiki.wikitext("Help:Wikitours")
    status = wiki.wikitext(STATUS)
    assert "Waiting for review ({{PLURAL:1|one page" in status, status
    # the heading does not call the tours simply "up to date" while an edit waits
    heading = status.split("\n")[1]
    assert heading == ("== The live tours are up to date; {{PLURAL:1|one page has|1 pages have}} "
                       "edits waiting for review =="), heading
    assert f"Special:Diff/{good}/{edit['newrevid']}" in status
    assert f"User:{VANDAL}" in status and "PWNED" not in status
    assert f"&quot;{_c(wiki, TOUR)}&quot;: {edit['newrevid']}" in status  # the approval line
    assert "alert(1)" not in wiki.html(STATUS)


def test_a_trusted_minor_edit_on_top_launders_nothing(lib):
    wiki, run = lib
    text = wiki.wikitext(TOUR).replace("Click '''Edit source'''", "Click '''Edit source''' ")
    minor = wiki.edit(TOUR, text, user=CURATOR, summary="typo", minor=True)
    run()
    assert "PWNED" not in (wiki.wikitext(live_title(wiki, "MediaWiki:Wikitours/messages/first-edit/en.json")) or "")
    status = wiki.wikitext(STATUS)
    assert "|2 edits}}" in status and f": {minor['newrevid']}" in status


def test_approvals_by_the_plain_account_count_for_nothing(lib):
    wiki, run = lib
    latest = wiki.page_info(TOUR)["revid"]
    _approve(wiki, VANDAL, **{TOUR: latest})
    run()
    assert "PWNED" not in wiki.wikitext(live_title(wiki, "MediaWiki:Wikitours/messages/first-edit/en.json"))
    # a trusted editor saving the page without adding the line does not adopt the forgery;
    # entries that are no titles or no revision ids are ignored, nothing breaks
    _approve(wiki, CURATOR, **{"Project:Wikitours/Unrelated": 1, "[[Category:X]]{{SITENAME}}<": 5,
                               "Library.yaml": "all", "@metadata": 3})
    run()
    assert "PWNED" not in wiki.wikitext(live_title(wiki, "MediaWiki:Wikitours/messages/first-edit/en.json"))
    # the trusted editor removes the forged entry, then approves with one edit
    data = json.loads(wiki.wikitext(APPROVALS))
    del data[_c(wiki, TOUR)]
    wiki.edit(APPROVALS, json.dumps(data), user=CURATOR, summary="not approved by me")
    assert _c(wiki, TOUR) not in wiki.wikitext(APPROVALS)
    approval = _approve(wiki, CURATOR, **{TOUR: latest})
    outcome = run()
    assert outcome.published, outcome.errors
    assert "PWNED" in wiki.wikitext(live_title(wiki, "MediaWiki:Wikitours/messages/first-edit/en.json"))
    assert "Waiting for review" not in wiki.wikitext(STATUS)
    assert "== The tours are up to date ==" in wiki.wikitext(STATUS)
    # the approval is auditable in the approvals page's history
    last = wiki.history(APPROVALS)[-1]
    assert last["revid"] == approval["newrevid"] and last["user"] == CURATOR


def test_a_plain_account_edit_of_a_translation_waits_and_a_reviewer_approves(lib):
    wiki, run = lib
    live = wiki.wikitext(live_title(wiki, "MediaWiki:Wikitours/messages/first-edit/ar.json"))
    data = json.loads(wiki.wikitext(I18N + "ar.json"))
    data["wikitours-tour-first-edit-step-welcome-title"] = "مخترق"
    edit = wiki.edit(I18N + "ar.json", json.dumps(data, ensure_ascii=False), user=VANDAL)
    run()
    assert wiki.wikitext(live_title(wiki, "MediaWiki:Wikitours/messages/first-edit/ar.json")) == live
    status = wiki.wikitext(STATUS)
    assert _c(wiki, I18N + "ar.json") in status and str(edit["newrevid"]) in status
    # the translation circle (a patroller) approves: published
    _approve(wiki, REVIEWER, **{I18N + "ar.json": edit["newrevid"]})
    assert run().published
    assert "مخترق" in wiki.wikitext(live_title(wiki, "MediaWiki:Wikitours/messages/first-edit/ar.json"))
    # and a reviewer's own translation is published directly
    data["wikitours-tour-first-edit-step-welcome-title"] = "ملعبك هنا"
    wiki.edit(I18N + "ar.json", json.dumps(data, ensure_ascii=False), user=REVIEWER)
    assert run().published
    assert "ملعبك هنا" in wiki.wikitext(live_title(wiki, "MediaWiki:Wikitours/messages/first-edit/ar.json"))


def test_the_translation_circle_cannot_publish_tours(lib):
    wiki, run = lib
    text = wiki.wikitext(TOUR).replace("Well done", "Reviewer was here")
    edit = wiki.edit(TOUR, text, user=REVIEWER)
    _approve(wiki, REVIEWER, **{TOUR: edit["newrevid"]})
    run()
    assert "Reviewer was here" not in wiki.wikitext(live_title(wiki, "MediaWiki:Wikitours/messages/first-edit/en.json"))
    assert str(edit["newrevid"]) in wiki.wikitext(STATUS)
    _undo(wiki, TOUR, edit["newrevid"], CURATOR)  # back to reviewed text: nothing waits
    run()
    assert "Waiting for review" not in wiki.wikitext(STATUS)


def test_a_plain_account_edit_of_the_library_page_waits(lib):
    wiki, run = lib
    text = wiki.wikitext(HEADER).replace("name: First edit", "name: Defaced badge")
    edit = wiki.edit(HEADER, text, user=VANDAL)
    run()
    assert "Defaced badge" not in json.dumps(
        [wiki.wikitext(t) or "" for t in ("Help:Wikitours", live_title(wiki, "MediaWiki:Wikitours/messages/first-edit/en.json"))])
    status = wiki.wikitext(STATUS)
    assert _c(wiki, HEADER) in status and str(edit["newrevid"]) in status
    _approve(wiki, CURATOR, **{HEADER: edit["newrevid"]})
    assert run().published
    assert "Defaced badge" in json.dumps([wiki.wikitext(p["title"]) for p in wiki.call(
        action="query", list="allpages", apnamespace=8, apprefix="Wikitours/", aplimit="max")["query"]["allpages"]],
        ensure_ascii=False)


def test_a_new_tour_page_by_a_plain_account_is_not_compiled(lib):
    wiki, run = lib
    new = TOURS + "scam.yaml"
    edit = wiki.edit(new, SECOND.replace("ask-mentor", "scam").replace("Ask your mentor", "Send money"),
                     user=VANDAL)
    run()
    assert "Send money" not in wiki.wikitext("Help:Wikitours")
    assert wiki.wikitext(live_title(wiki, "MediaWiki:Wikitours/tours/scam.json")) is None
    status = wiki.wikitext(STATUS)
    assert "no approved revision yet" in status and str(edit["newrevid"]) in status


def test_protection_as_configured_clears_the_warning(lib):
    wiki, run = lib
    from localwiki.client import call, token

    session = wiki.session(wiki.admin.name)
    titles = [p["title"] for p in wiki.call(action="query", list="allpages", apnamespace=4,
                                            apprefix="Wikitours/", aplimit="max")["query"]["allpages"]]
    sources = [t for t in titles if "/Tours/" in t or t.endswith((".yaml", ".json"))]
    assert len(sources) >= 6  # tours, library, translation, approvals
    for title in sources:
        level = "autoconfirmed" if "/i18n/" in title else "sysop"
        call(session, wiki.api, "POST", action="protect", title=title,
             protections=f"edit={level}|move={level}", token=token(session, wiki.api))
    run(force=True)
    assert "more weakly than configured" not in wiki.wikitext(STATUS)


def test_a_garbled_local_cache_is_read_again_from_the_wiki(lib):
    """The review's verdicts live in the local cache file; garbage there (hand-edited, forged
    approvals) is dropped and the histories are read again, never trusted."""
    wiki, run = lib
    scam = TOURS + "scam.yaml"
    if wiki.wikitext(scam) is None:  # made by the test above when the module runs in order
        wiki.edit(scam, SECOND.replace("ask-mentor", "scam"), user=VANDAL)
        run()
    review = run.cache["review"]["w"]
    review["approvals"] = [[_c(wiki, TOURS + "scam.yaml"), 1, ["x"], "y"], "junk", [1, 2, 3, 4]]
    review["pages"][_c(wiki, TOUR)] = {"latest": "?", "waiting": 5}
    review["pages"][_c(wiki, TOURS + "scam.yaml")] = {"latest": 0, "published": 7, "waiting": "abc"}
    run(force=True)
    assert wiki.wikitext(live_title(wiki, "MediaWiki:Wikitours/tours/scam.json")) is None
    assert "no approved revision yet" in wiki.wikitext(STATUS)
