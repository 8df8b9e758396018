"""Both badge feeds (assertions, revocations) check an entry's badge, user and badge page the
same way, in one place (``bot.badges._entry_problem``): a forged entry is refused by both with
the same reason. Pure."""

from __future__ import annotations

import pytest

from bot.badges import parse_feed, parse_revocations
from contracts.problems import page_issue

GOOD = {"id": "a1b2", "wiki": "local", "badge": "first-edit", "user": "Ada",
        "url": "https://example.org/badges/a1b2"}


@pytest.mark.parametrize("change, reason", [
    ({"badge": "<script>"}, "wikitours-problem-feed-badge-id"),
    ({"badge": 7}, "wikitours-problem-feed-badge-id"),
    ({"user": "Ada|Admin"}, "wikitours-problem-feed-user-name"),
    ({"user": None}, "wikitours-problem-feed-user-name"),
    ({"url": "javascript:alert(1)"}, "wikitours-problem-feed-url"),
    ({"url": "https://x.org/a b"}, "wikitours-problem-feed-url"),
    ({"url": "https://x.org/" + "a" * 600}, "wikitours-problem-feed-url"),
])
def test_a_forged_entry_is_refused_by_both_feeds_with_one_reason(change, reason):
    entry = {**GOOD, **change}
    assertions, _, problems = parse_feed({"assertions": [entry]}, "local")
    revocations, _, revoked_problems = parse_revocations({"revocations": [entry]}, "local")
    assert assertions == [] and revocations == []
    assert problems == [page_issue("assertions[0]", reason)]
    assert revoked_problems == [page_issue("revocations[0]", reason)]


def test_a_good_entry_is_read_by_both_and_a_revocation_needs_an_assertion_id():
    (assertion,), _, problems = parse_feed({"assertions": [GOOD]}, "local")
    (revocation,), _, revoked = parse_revocations({"revocations": [GOOD]}, "local")
    assert problems == revoked == []
    assert (assertion.badge, assertion.user, revocation.id) == ("first-edit", "Ada", "a1b2")
    _, _, revoked = parse_revocations({"revocations": [{**GOOD, "id": "<b>",
                                                         "badge": "<b>"}]}, "local")
    assert revoked == [page_issue("revocations[0]", "wikitours-problem-feed-assertion-id")]
