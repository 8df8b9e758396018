"""One wiki's run planned without a wiki (publish/sync.py ``plan_run`` and ``plan_status``):
given what the fetch found (revisions, texts, the state), the plan says exactly what to publish,
which pages to write directly, which talk notes to send and what the status page says."""

from __future__ import annotations

import pytest

from contracts.syncstate import SyncState
from publish import review, sync
from publish.golive import Live, Published
from publish.multiwiki import parse_config
from tours.build import Translations

TOURS = "Project:Wikitours/Tours/"
HEADER = "Project:Wikitours/Library.yaml"
DRAFTS = "Project:Wikitours/Drafts/"
PREVIEW = "Project:Wikitours/Preview/"
STATUS = "Project:Wikitours/Status"
LOCAL = "Project:Wikitours/Local.yaml"

HEADER_TEXT = "wikitours: 1\nsource-language: en\n"

TOUR = """id: first-edit
title: Your first edit
summary: Make a small change in your own sandbox.
audience: newcomer
minutes: 5
version: 1
steps:
  - id: welcome
    page: sandbox
    title: This is your sandbox
    text: Your sandbox is a page of your own.
  - id: done
    page: sandbox
    title: Well done
    text: You made your first edit.
"""

BROKEN = TOUR.replace("minutes: 5", "minutes: [five")


def split_title(title: str) -> tuple[int, str]:
    """The namespace split a wiki would give (Project is 4, MediaWiki 8)."""
    ns, _, rest = title.partition(":")
    return {"Project": 4, "MediaWiki": 8, "Help": 12}.get(ns, 0), rest


@pytest.fixture(scope="module")
def config():
    found, problems = parse_config({
        "library": {"wiki": "meta", "tours": TOURS, "header": HEADER},
        "wikis": [{"id": "meta", "api": "http://127.0.0.1/meta/api.php", "language": "en"},
                  {"id": "arwiki", "api": "http://127.0.0.1/ar/api.php", "language": "ar",
                   "variant": "arwiki", "variant-page": LOCAL}]})
    assert found is not None, problems
    return found


@pytest.fixture(scope="module")
def repo_translations():
    return sync._repo_translations()


def fetch(config, repo_translations, pages: dict[str, str], drafts: dict[str, str] | None = None,
          *, preview=False, force=False, user="Tour Editor"):
    """What the fetch would have found: every page at revision 100 + its position."""
    revs = {t: sync.Revision(t, 100 + i, user, "2026-01-01T00:00:00Z")
            for i, t in enumerate(sorted(pages))}
    draft_revs = {t: sync.Revision(t, 500 + i, "Draft Editor") for i, t in enumerate(sorted(drafts or {}))}
    fetched = sync.Fetched(config, preview, force, revs, None, "lib1", draft_revs, {}, {})
    library = sync.Library(review.Selection(), revs, {**pages, **(drafts or {})}, {}, (),
                           Translations({}, *repo_translations))
    return fetched, library


def plan(config, fetched, library, wiki_id="meta", state=None, ticks=None):
    wiki = config.wiki(wiki_id)
    return sync.plan_run(fetched, library, wiki, state or SyncState(), sync.Local(), split_title,
                         (lambda: ticks.append(1)) if ticks is not None else (lambda: None))


def test_a_clean_library_is_planned_as_one_deploy_and_the_library_pages(config, repo_translations):
    fetched, library = fetch(config, repo_translations, {HEADER: HEADER_TEXT, TOURS + "first-edit.yaml": TOUR})
    run = plan(config, fetched, library)
    assert run.live and run.clean and run.errors == () and run.notes is None
    assert run.version and run.deploy is not None
    titles = [p.title for p in run.deploy.pages]
    assert "Help:Wikitours/first-edit" in titles
    assert run.deploy.library_version == run.version
    # nothing is written directly: no preview, no draft
    assert run.previews == () and run.draft_pages == () and run.own_pages == ()
    library_titles = [t for t, _, _ in run.library_pages]
    assert "MediaWiki:Editnotice-4-Wikitours-Tours" in library_titles
    assert "MediaWiki:Editnotice-4-Wikitours-Drafts" in library_titles
    assert sync.SCHEMA_TITLE in library_titles
    # the revisions compiled are what the status page lists
    assert run.page_revs[TOURS + "first-edit.yaml"].revid == 101
    # a wiki other than the library's gets the same tours but none of the library's pages
    other = plan(config, fetched, library, "arwiki")
    assert other.deploy is not None and other.library_pages == ()


def test_an_up_to_date_wiki_plans_nothing(config, repo_translations):
    fetched, library = fetch(config, repo_translations, {HEADER: HEADER_TEXT, TOURS + "first-edit.yaml": TOUR})
    wiki = config.wiki("meta")
    state = SyncState(inputs=fetched.inputs(wiki), drafts_base=fetched.inputs(wiki))
    run = plan(config, fetched, library, state=state)
    assert not run.live and run.deploy is None and run.notes is None and run.draft_pages == ()
    assert run.version == ""  # the status page names no version being published


def test_a_broken_page_publishes_nothing_and_plans_one_note_per_broken_revision(config, repo_translations):
    broken = TOURS + "first-edit.yaml"
    fetched, library = fetch(config, repo_translations, {HEADER: HEADER_TEXT, broken: BROKEN})
    run = plan(config, fetched, library)
    assert run.live and not run.clean and run.deploy is None and run.errors
    assert all(p.file == broken for p in run.errors)
    assert run.notes.reported == ((broken, 101),)
    assert run.notes.send == ((broken, 101, len(run.errors)),)
    # the editor was told already: no second note
    told = plan(config, fetched, library, state=SyncState(notified=((broken, 101),)))
    assert told.notes.send == () and told.notes.reported == ((broken, 101),)
    # another wiki reports the error but leaves the note to the library wiki's sync
    other = plan(config, fetched, library, "arwiki")
    assert other.notes.send == () and other.notes.settled == ((broken, 101),)


def test_an_operators_preview_writes_help_pages_instead_of_deploying(config, repo_translations):
    fetched, library = fetch(config, repo_translations,
                             {HEADER: HEADER_TEXT, TOURS + "first-edit.yaml": TOUR}, preview=True)
    run = plan(config, fetched, library)
    assert run.clean and run.deploy is None and run.version
    assert [t for t, _, _ in run.previews] == [PREVIEW + "first-edit"]
    assert "Well done" in run.previews[0][2]


def test_drafts_are_previewed_deleted_ones_marked_and_the_lease_kept(config, repo_translations):
    pages = {HEADER: HEADER_TEXT, TOURS + "first-edit.yaml": TOUR}
    draft = DRAFTS + "first-edit.yaml"
    gone = DRAFTS + "old-tour.yaml"
    fetched, library = fetch(config, repo_translations, pages,
                             {draft: TOUR.replace("title: Well done", "title: Very well done")},
                             preview=True)
    wiki = config.wiki("meta")
    state = SyncState(inputs=fetched.inputs(wiki), drafts_base=fetched.inputs(wiki),
                      drafts={gone: (7, 0)})
    ticks: list = []
    run = plan(config, fetched, library, state=state, ticks=ticks)
    # only drafts changed: the live tours are neither deployed nor previewed
    assert not run.live and run.deploy is None and run.previews == ()
    assert run.drafts_todo == (draft, gone) and len(ticks) == 2
    assert run.previewed == {draft: (500, 0)} and run.deleted == (gone,) and run.drafts == {draft: 0}
    written = {t: text for t, _, text in run.draft_pages}
    assert "Very well done" in written[PREVIEW + "first-edit"]
    assert PREVIEW + "old-tour" in written and "Very well done" not in written[PREVIEW + "old-tour"]
    # with the live tours changed as well, the draft's preview replaces the operator's
    both = plan(config, fetched, library, state=SyncState())
    assert PREVIEW + "first-edit" in [t for t, _, _ in both.previews]
    assert PREVIEW + "first-edit" not in [t for t, _, _ in both.own_pages]


def test_a_draft_that_compiles_gets_its_try_it_page_written_directly(config, repo_translations):
    draft = DRAFTS + "first-edit.yaml"
    fetched, library = fetch(config, repo_translations,
                             {HEADER: HEADER_TEXT, TOURS + "first-edit.yaml": TOUR}, {draft: TOUR})
    run = plan(config, fetched, library)
    assert "MediaWiki:Wikitours/drafts/first-edit.json" in [t for t, _, _ in run.draft_pages]


def test_a_hostile_draft_gets_its_errors_listed_and_publishes_nothing(config, repo_translations):
    draft = DRAFTS + "first-edit.yaml"
    hostile = TOUR.replace("title: Well done", 'title: "<script>alert(1)</script>"') \
        .replace("minutes: 5", "minutes: {{evil}}\n  - [")
    fetched, library = fetch(config, repo_translations,
                             {HEADER: HEADER_TEXT, TOURS + "first-edit.yaml": TOUR}, {draft: hostile})
    run = plan(config, fetched, library)
    # the live tours still deploy; the draft never joins them
    assert run.deploy is not None and "Very" not in str(run.deploy.pages)
    count = run.drafts[draft]
    assert count > 0 and run.previewed == {draft: (500, count)}
    text = dict((t, x) for t, _, x in run.draft_pages)[PREVIEW + "first-edit"]
    assert "<script>" not in text
    assert all(model == "wikitext" for _, model, _ in run.draft_pages)  # no try-it page


def test_the_status_page_after_a_stopped_deploy_says_so(config, repo_translations):
    fetched, library = fetch(config, repo_translations, {HEADER: HEADER_TEXT, TOURS + "first-edit.yaml": TOUR})
    wiki = config.wiki("meta")
    run = plan(config, fetched, library)
    outcome = sync.WikiOutcome("meta", version=run.version, errors=list(run.errors))
    stopped = Published(1, 3, 9, Live(None), Live(None), "v1")
    text = sync.plan_status(fetched, library, wiki, run, SyncState(), outcome, sync.Local(),
                            stopped, Live(None), "2026-01-01T00:00:00Z")
    fine = sync.plan_status(fetched, library, wiki, run, SyncState(), outcome, sync.Local(),
                            None, Live(None), "2026-01-01T00:00:00Z")
    assert text != fine and "3" in text and "9" in text
    assert TOURS + "first-edit.yaml" in fine  # the sources compiled are listed
