"""The renewed lease (publish/syncstate.py LeaseKeeper) against a real wiki: it renews while its
holder works, and notices when another sync took the wiki (its lease ran out), putting the
other's page back and stopping."""

from __future__ import annotations

import json

import pytest

from publish.syncstate import (LEASE_SECONDS, STATE_TITLE, Lease, LeaseKeeper, LeaseLost, claim,
                           parse_state, read_board, render_state)


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_renewal_moves_the_end_and_keeps_the_state(wiki):
    site = wiki.site()
    wiki.edit(STATE_TITLE, render_state({"inputs": "x", "good": {"P": 1}}, None),
              user=wiki.bot.name, contentmodel="json")
    board = read_board(site)
    won, revid = claim(site, board, "here:1:a", lambda until: f"claim until {until}")
    assert won
    clock = Clock()
    keeper = LeaseKeeper(site, "here:1:a", board, revid, lambda until: f"renew {until}",
                         clock=clock)
    assert keeper.touch() is False  # not due yet: no request
    first = parse_state(wiki.wikitext(STATE_TITLE))[1]
    clock.now += 31
    assert keeper.touch(publishing={"version": "v", "pointer": "p",
                                    "started": "2026-12-06T16:00:00Z"})
    state, lease, _ = parse_state(wiki.wikitext(STATE_TITLE))
    assert lease.holder == "here:1:a" and lease.expires > first.expires
    assert state["good"] == {"P": 1} and state["publishing"]["version"] == "v"
    assert keeper.touch(force=True, publishing=None)
    assert "publishing" not in json.loads(wiki.wikitext(STATE_TITLE))


def test_a_lease_taken_over_meanwhile_stops_the_holder_and_stays(wiki):
    site = wiki.site()
    wiki.edit(STATE_TITLE, render_state({"inputs": "y"}, None), user=wiki.bot.name,
              contentmodel="json")
    board = read_board(site)
    won, revid = claim(site, board, "here:1:b", lambda until: f"claim until {until}")
    assert won
    clock = Clock()
    keeper = LeaseKeeper(site, "here:1:b", board, revid, lambda until: f"renew {until}",
                         clock=clock)
    # our holder stalled past its lease: another sync claimed the wiki
    clock.now += LEASE_SECONDS + 5
    other = render_state({"inputs": "theirs"}, Lease("there:2:c", "2999-01-01T00:00:00Z"))
    wiki.edit(STATE_TITLE, other, user=wiki.bot.name, contentmodel="json")
    with pytest.raises(LeaseLost):
        keeper.touch(force=True)
    state, lease, _ = parse_state(wiki.wikitext(STATE_TITLE))
    assert lease.holder == "there:2:c" and state["inputs"] == "theirs"


def test_a_losing_claim_during_our_lease_does_not_stop_us(wiki):
    """Two syncs read the page before either claimed: the loser's claim may land after the
    winner's, and the winner may renew before the loser backs off. That is no takeover."""
    site = wiki.site()
    wiki.edit(STATE_TITLE, render_state({"inputs": "z"}, None), user=wiki.bot.name,
              contentmodel="json")
    board = read_board(site)
    won, revid = claim(site, board, "here:1:w", lambda until: f"claim until {until}")
    assert won
    keeper = LeaseKeeper(site, "here:1:w", board, revid, lambda until: f"renew {until}")
    late = render_state({"inputs": "z"}, Lease("there:2:l", "2999-01-01T00:00:00Z"))
    wiki.edit(STATE_TITLE, late, user=wiki.bot.name, contentmodel="json")  # the loser's claim
    assert keeper.touch(force=True)
    _, lease, _ = parse_state(wiki.wikitext(STATE_TITLE))
    assert lease.holder == "here:1:w"
