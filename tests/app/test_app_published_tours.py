"""The app learns each wiki's tours from what was published there (issues 13 and 22).

A real MediaWiki gets a library deployed with ``bot.deploy`` (the compiler's build for that wiki,
so the wiki variant's added step is in it, and a tour and badge that exist only there). The app
is configured with that wiki and no tours of its own: it must accept the funnel events of
every step the wiki's readers run, show the wiki-only badge, and keep refusing forged events.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from deployhelp import deploy
from toolforge import create_app, db

LIBRARY = (Path(__file__).resolve().parents[1] / "data" / "published-library.yaml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def published(wiki, tmp_path_factory):
    folder = tmp_path_factory.mktemp("published")
    source = folder / "tours.yaml"
    source.write_text(LIBRARY.replace("WIKIID", wiki.family), encoding="utf-8")
    run = deploy(wiki, f"-build:{source}", f"-wiki:{wiki.family}")
    assert run.code == 0, run.text
    return wiki, source


def make_app(wiki, tmp_path, **extra):
    config = {"TESTING": True, "SECRET_KEY": "test", "RATELIMIT_ENABLED": False,
              "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}", "EVENTS_FLUSH_INTERVAL": 0,
              "WIKIS": [{"id": wiki.family, "api": wiki.api, "index": wiki.index,
                         "language": "en"}]}
    config.update(extra)
    app = create_app(config)
    db.upgrade(app)
    return app


def post(client, wiki_id, **event):
    e = {"tour": "first-edit", "version": 1, "step": "welcome", "index": 0, "action": "shown",
         "lang": "en", "skin": "vector-2022"}
    e.update(event)
    return client.post("/api/v1/events", data=json.dumps({"wiki": wiki_id, "events": [e]}),
                       content_type="text/plain;charset=UTF-8")


def test_a_step_added_by_the_wikis_variant_is_known(published, tmp_path):
    wiki, _ = published
    app = make_app(wiki, tmp_path)
    client = app.test_client()
    reply = post(client, wiki.family, step="rules-local", index=1)
    assert reply.status_code == 202, reply.get_data(as_text=True)
    from toolforge import publishedtours

    with app.app_context():
        known = publishedtours.known_tours(wiki.family)
    assert known["first-edit"]["steps"] == ["welcome", "rules-local", "publish"]
    assert known["first-edit"]["step_titles"]["rules-local"] == "Our rules"
    # the funnel draws the wiki's own step under its title, in the wiki's order
    page = client.get(f"/funnels/{wiki.family}/first-edit").get_data(as_text=True)
    assert page.index("This is your sandbox") < page.index("Our rules") < page.index("Publish it")


def test_a_tour_and_badge_published_only_on_the_wiki_are_known(published, tmp_path):
    wiki, _ = published
    app = make_app(wiki, tmp_path)
    client = app.test_client()
    for step, index in (("open-talk", 0), ("reply-visual", 1)):
        reply = post(client, wiki.family, tour="reply-on-talk", step=step, index=index)
        assert reply.status_code == 202, reply.get_data(as_text=True)
    from toolforge import publishedtours

    with app.app_context():
        known = publishedtours.known_tours(wiki.family)
    assert known["reply-on-talk"]["branches"] == ["reply-visual"]  # a conditional step
    assert known["reply-on-talk"]["title"] == "Reply on a talk page"
    page = client.get("/badges/conversation-starter", follow_redirects=True)
    assert page.status_code == 200
    assert "Conversation starter" in page.get_data(as_text=True)
    assert "Reply on a talk page" in page.get_data(as_text=True)  # what it requires
    document = client.get("/badges/conversation-starter",
                          headers={"Accept": "application/ld+json"}).get_json()
    assert document["name"] == "Conversation starter"
    with app.app_context():
        from toolforge import learning

        badge = learning.library(wiki=wiki.family).badge("conversation-starter")
    assert badge.requires_tours == ("reply-on-talk", "first-edit") and badge.evidence == ()


def test_forged_events_are_still_refused_and_cannot_force_wiki_reads(published, tmp_path):
    wiki, _ = published
    app = make_app(wiki, tmp_path)
    client = app.test_client()
    assert post(client, wiki.family).status_code == 202  # loads the wiki's tours
    mark = wiki.log_mark()
    forged = [dict(tour="no-such-tour"), dict(step="not-a-step"), dict(version=2),
              dict(tour="reply-on-talk", step="rules-local"),  # another tour's step
              dict(tour="<script>alert(1)</script>"), dict(tour="x" * 60)]
    for n in range(5):
        for event in forged:
            reply = post(client, wiki.family, **event)
            assert reply.status_code == 400, (event, reply.get_data(as_text=True))
            assert reply.mimetype == "application/json"  # never a page showing the name
    # thirty refused events asked the wiki at most once (a tour published a moment ago)
    assert wiki.api_counts(since=mark).get <= 1
    assert client.get("/badges/no-such-badge").status_code == 404
    assert client.get(f"/funnels/{wiki.family}/no-such-tour").status_code == 404


def test_a_tour_published_later_is_learned_without_a_restart(published, tmp_path):
    wiki, source = published
    app = make_app(wiki, tmp_path, TOURS_MIN_REFRESH=0)
    client = app.test_client()
    assert post(client, wiki.family, tour="watchlist", step="star").status_code == 400
    assert client.get("/badges/watcher").status_code == 404
    assert client.get(f"/funnels/{wiki.family}/watchlist").status_code == 404
    text = source.read_text(encoding="utf-8").replace("badges:\n", """  - id: watchlist
    title: Watch a page
    summary: Follow the changes of a page.
    audience: newcomer
    minutes: 2
    version: 1
    badge: watcher
    steps:
      - id: star
        page: sandbox
        title: The star
        text: Click the star.
badges:
  - id: watcher
    name: Watcher
    description: Watches the pages they care about.
    requires:
      tours: [watchlist]
""", 1)
    source.write_text(text, encoding="utf-8")
    run = deploy(wiki, f"-build:{source}", f"-wiki:{wiki.family}")
    assert run.code == 0, run.text
    # each of these, asked first, finds what was just published (no restart, no wait)
    assert "Watcher" in client.get("/badges/watcher", follow_redirects=True).get_data(as_text=True)
    assert "The star" in client.get(f"/funnels/{wiki.family}/watchlist").get_data(as_text=True)
    assert post(client, wiki.family, tour="watchlist", step="star").status_code == 202
    assert post(client, wiki.family, step="rules-local", index=1).status_code == 202


def test_a_wiki_without_published_tours_or_out_of_reach_refuses_and_answers(wiki, tmp_path):
    app = make_app(wiki, tmp_path, WIKIS=[{"id": "gone", "api": "http://127.0.0.1:9/api.php",
                                           "index": "http://127.0.0.1:9/index.php",
                                           "language": "en"}])
    client = app.test_client()
    reply = post(client, "gone")
    assert reply.status_code == 400 and "first-edit" in reply.get_data(as_text=True)
    assert client.get("/").status_code == 200


# --- the published pages are hostile input (pure: no wiki) -----------------------------------

def test_broken_or_forged_published_pages_drop_only_themselves():
    from contracts import tourdata
    from toolforge.publishedtours import known_from_library, library_from_published

    good = {"id": "first-edit", "version": 2, "badge": "first-edit", "requires": [],
            "sourceLanguage": "en", "title": "wikitours-tour-first-edit-title",
            "summary": "wikitours-tour-first-edit-summary",
            "steps": [{"id": "welcome", "page": {"kind": "sandbox"}, "title": "k1", "text": "k2"},
                      {"id": "<script>"}, "not a step", {"id": "welcome"},
                      {"id": "ve", "when": {"editors": ["visual"], "namespaces": ["x", 2]},
                       "unless": {"actions": []}, "title": "k3", "text": "k4"}]}
    tour, problems = tourdata.parse_tour_data(json.dumps(good), "T")
    assert [s.id for s in tour.steps] == ["welcome", "ve"] and len(problems) == 3
    assert tour.steps[1].when.namespaces == (2,) and tour.steps[1].is_branch
    for text in ("", "[]", "{", '{"id": "X Y", "version": 1}', '{"id": "a", "version": true}',
                 '{"id": "a", "version": 0}', "[" * 100000, "x" * 2_100_000):
        assert tourdata.parse_tour_data(text, "T")[0] is None
    index, problems = tourdata.parse_index(json.dumps({
        "tours": {"first-edit": {"version": 2, "steps": 2}, "bad id": {"version": 1},
                  "other": {"version": "2"}},
        "badges": {"first-edit": {"tours": ["first-edit", 7], "evidence": "edit"},
                   "<b>": {}}}), "I")
    assert list(index.tours) == ["first-edit"] and list(index.badges) == ["first-edit"]
    assert index.badges["first-edit"].tours == ("first-edit",) and len(problems) == 3
    texts = {"first-edit": {"wikitours-tour-first-edit-title": "<b>First</b>", "k1": "Hi"}}
    lib = library_from_published(index, {"first-edit": tour}, texts)
    known = known_from_library(lib)["first-edit"]
    assert known == {"version": 2, "steps": ["welcome", "ve"], "title": "<b>First</b>",
                     "step_titles": {"welcome": "Hi", "ve": ""}, "branches": ["ve"]}
    assert lib.badge("first-edit").evidence == () and lib.tour("first-edit").badge == "first-edit"
    # a tour the index names but whose page is missing is left out: readers could not run it
    assert library_from_published(index, {}, {}).tours == ()
