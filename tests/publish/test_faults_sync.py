"""Fault injection: the sync killed (SIGKILL) at chosen points of a publish, and restarted.

After each kill a reader must get exactly one complete version (resolved through the pointer
in the loader, as the gadget does), the status page must not claim the tours are up to date,
and a restart on the same machine must take the dead sync's lease over at once and finish the
publish within a minute, editing nothing twice. The kill points are the edges of the one
atomic step (before the first edit, just before and just after the pointer's edit, after every
edit) plus one random point from a fixed seed, printed on failure.
"""

from __future__ import annotations

import json
import os
import random
import time

import pytest

from publish.syncstate import STATE_TITLE
from localwiki.client import call
from tests.faults import (STATUS, TOUR_IDS, TOURS, published_library, read_many, reader_view,
                          run_sync, tour_text)
from tours.render.liveversion import LOADER_TITLE, gadget_titles

SEED = int(os.environ.get("WIKITOURS_FAULT_SEED", "2112"))
OWN = {STATUS, STATE_TITLE, "MediaWiki:Wikitours/deployed.json",
       "MediaWiki:Wikitours/sync-pages.json"}


def bot_edits(wiki, since: tuple[str, int]) -> list[str]:
    """Titles the bot saved after *since* (:func:`wiki_now`), oldest first, without the sync's
    own pages (status, state, records)."""
    reply = wiki.call(action="query", list="recentchanges", rcuser=wiki.bot.name,
                      rcstart=since[0], rcdir="newer", rclimit="max", rcprop="title|ids",
                      rctype="edit|new")
    return [rc["title"] for rc in reply["query"]["recentchanges"]
            if rc["rcid"] > since[1]
            and rc["title"] not in OWN and not rc["title"].endswith(":Wikitours/Status")]


def wiki_now(wiki) -> tuple[str, int]:
    """The wiki's time and its newest change: timestamps count whole seconds, so an edit of
    the run before (in the same second) is told apart by its change id."""
    reply = wiki.call(action="query", curtimestamp=1, list="recentchanges", rclimit=1,
                      rcprop="ids")
    changes = reply["query"]["recentchanges"]
    return reply["curtimestamp"], (changes[0]["rcid"] if changes else 0)


@pytest.fixture(scope="module")
def setup(wiki, tmp_path_factory):
    config, cache = published_library(wiki, tmp_path_factory.mktemp("faults"))
    _, rounds = reader_view(wiki)
    assert set(rounds.values()) == {f"{t} round 0" for t in TOUR_IDS}
    return {"wiki": wiki, "config": config, "cache": cache, "round": [0]}


def change_every_tour(setup) -> int:
    setup["round"][0] += 1
    number = setup["round"][0]
    for tour in TOUR_IDS:
        setup["wiki"].edit(f"{TOURS}{tour}.yaml", tour_text(tour, number), user="Tour Editor")
    return number


def expect_one_version(wiki, old: int, new: int) -> int:
    """The reader gets every tour from one round, old or new; returns which."""
    _, rounds = reader_view(wiki)
    seen = {text.split(" round ")[1] for text in rounds.values()}
    assert len(seen) == 1, f"tours from different versions: {rounds}"
    got = int(seen.pop())
    assert got in (old, new), rounds
    return got


def help_versions(wiki) -> dict[str, str]:
    texts = read_many(wiki, [f"Help:Wikitours/{t}" for t in TOUR_IDS])
    out = {}
    for title, text in texts.items():
        marker = 'data-version="'
        assert text and marker in text, title
        out[title.rsplit("/", 1)[1]] = text.split(marker, 1)[1].split('"', 1)[0]
    return out


def test_a_full_publish_edits_data_first_then_the_pointer_then_help(setup):
    wiki = setup["wiki"]
    number = change_every_tour(setup)
    since = wiki_now(wiki)
    done = run_sync(wiki, setup["config"], setup["cache"])
    assert done.returncode == 0, done.stdout + done.stderr
    edits = bot_edits(wiki, since)
    pointer_at = edits.index(LOADER_TITLE)
    assert edits.count(LOADER_TITLE) == 1 and len(edits) == len(set(edits)), edits
    assert all(t.startswith("MediaWiki:") for t in edits[:pointer_at]), edits
    assert all(t.startswith("Help:") for t in edits[pointer_at + 1:]), edits
    # one tour's worth per tour: its new data and messages, its help page; plus the pointer
    assert sum(t.startswith("MediaWiki:Wikitours/tours/") for t in edits) == len(TOUR_IDS)
    pointer, rounds = reader_view(wiki)
    assert set(rounds.values()) == {f"{t} round {number}" for t in TOUR_IDS}
    assert help_versions(wiki) == dict(pointer.tours)
    setup["plan"] = {"total": len(edits), "pointer": pointer_at}
    status = wiki.wikitext(STATUS)
    assert "The tours are up to date" in status and pointer.version in status


def kill_points(plan: dict) -> list[tuple[str, int]]:
    rnd = random.Random(SEED)
    pointer = plan["pointer"]
    return [("before the first edit", 0),
            ("just before the pointer's edit", pointer),
            ("just after the pointer's edit", pointer + 1),
            ("after the last edit, before the final state", -1),
            (f"at random (seed {SEED})", rnd.randint(1, plan["total"]))]


def test_killed_at_any_point_readers_see_one_version_and_a_restart_finishes(setup):
    wiki = setup["wiki"]
    plan = setup.get("plan") or pytest.skip("needs the full publish test first")
    for label, at in kill_points(plan):
        old = setup["round"][0]
        new = change_every_tour(setup)
        loader_revs = len(wiki.history(LOADER_TITLE))
        killed = run_sync(wiki, setup["config"], setup["cache"], "kill", at)
        assert killed.returncode == -9, (label, killed.stdout + killed.stderr)
        got = expect_one_version(wiki, old, new)
        assert got == (old if 0 <= at <= plan["pointer"] else new), (label, got)
        status = wiki.wikitext(STATUS)
        assert "being published" in status and "up to date" not in status, (label, status)
        state = json.loads(wiki.wikitext(STATE_TITLE))
        assert state["lease"] and state["publishing"]["started"], label

        since = wiki_now(wiki)
        start = time.monotonic()
        again = run_sync(wiki, setup["config"], setup["cache"])
        took = time.monotonic() - start
        output = again.stdout + again.stderr
        assert again.returncode == 0, (label, output)
        assert took < 60, (label, took)
        assert "no longer runs on this machine" in output, (label, output)
        assert "finishing the publish" in output, (label, output)
        pointer, rounds = reader_view(wiki)
        assert set(rounds.values()) == {f"{t} round {new}" for t in TOUR_IDS}, label
        assert help_versions(wiki) == dict(pointer.tours), label
        # nothing twice: the restart edits only what the killed run had not, the pointer once
        redone = bot_edits(wiki, since)
        assert len(redone) == len(set(redone)), (label, redone)
        assert len(wiki.history(LOADER_TITLE)) == loader_revs + 1, label
        status = wiki.wikitext(STATUS)
        assert "The tours are up to date" in status and "this run finished it" in status, label
        assert pointer.version in status and "being published" not in status, label
        loader_rev = wiki.page_info(LOADER_TITLE)["revid"]
        assert f"Special:PermanentLink/{loader_rev}|" in status, label
        state = json.loads(wiki.wikitext(STATE_TITLE))
        assert state["lease"] is None and "publishing" not in state, label


def test_old_versions_stay_for_readers_with_an_old_loader(setup):
    """ResourceLoader may serve the previous loader for minutes: every page it names is kept
    (retired, deleted only after the grace period)."""
    wiki = setup["wiki"]
    before, _ = reader_view(wiki)
    change_every_tour(setup)
    done = run_sync(wiki, setup["config"], setup["cache"])
    assert done.returncode == 0
    after, _ = reader_view(wiki)
    assert after.version != before.version
    for tour in TOUR_IDS:
        old_titles = list(gadget_titles(before, tour, ["en"]).values())
        assert all(text is not None for text in read_many(wiki, old_titles).values())
    record = json.loads(wiki.wikitext("MediaWiki:Wikitours/deployed.json"))
    retired = record.get("retired", {})
    assert gadget_titles(before, TOUR_IDS[0], ["en"])["tour"] in retired
    assert all(not t.startswith("Help:") for t in retired)


def test_cleanup_deletes_only_unnamed_versions_after_the_grace_period(setup):
    """With the delete right and no grace left, a deploy deletes the retired versions it
    saved, never one the pointer names, never one someone else edited since."""
    from publish import deploy, deployplan

    wiki = setup["wiki"]
    record = json.loads(wiki.wikitext("MediaWiki:Wikitours/deployed.json"))
    retired = sorted(record["retired"])
    assert retired
    kept = retired[0]
    wiki.edit(kept, '{"hand": "edited"}', contentmodel="json")
    site = wiki.site()
    left = deploy.clean_up(site, record["retired"], retired, "test")
    assert left == record["retired"]  # no delete right: nothing deleted, nothing forgotten
    admin = wiki.session(wiki.admin.name)
    token = call(admin, wiki.api, action="query", meta="tokens",
                 type="userrights")["query"]["tokens"]["userrightstoken"]
    call(admin, wiki.api, "POST", action="userrights", user=wiki.bot.name, add="sysop",
         token=token)
    del site.userinfo  # Pywikibot caches the rights
    try:
        assert "delete" in site.userinfo["rights"]
        live, _ = reader_view(wiki)
        left = deploy.clean_up(site, record["retired"], retired, "test")
    finally:
        call(admin, wiki.api, "POST", action="userrights", user=wiki.bot.name, remove="sysop",
             token=token)
        del site.userinfo
    assert left == {}
    texts = read_many(wiki, retired)
    assert texts[kept] == '{"hand": "edited"}' or json.loads(texts[kept]) == {"hand": "edited"}
    assert all(texts[t] is None for t in retired if t != kept)
    # the live version is untouched and was never retired
    named = {title for tour in TOUR_IDS for title in gadget_titles(live, tour, ["en"]).values()}
    assert not named & set(retired)
    assert all(t.startswith(deployplan.VERSIONED_PREFIXES) for t in retired)
    _, rounds = reader_view(wiki)
    assert len(rounds) == len(TOUR_IDS)
