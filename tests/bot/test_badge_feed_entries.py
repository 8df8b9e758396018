"""Both badge feeds (assertions, revocations) check an entry's badge, user and badge page the
same way, in one place (``bot.badges._entry_problem``): a forged entry is refused by both with
the same reason. Pure."""

from __future__ import annotations

import pytest

from bot.badges import parse_feed, parse_revocations

GOOD = {"id": "a1b2", "wiki": "local", "badge": "first-edit", "user": "Ada",
        "url": "https://example.org/badges/a1b2"}


@pytest.mark.parametrize("change, reason", [
    ({"badge": "<script>"}, "bad badge id"),
    ({"badge": 7}, "bad badge id"),
    ({"user": "Ada|Admin"}, "bad user name"),
    ({"user": None}, "bad user name"),
    ({"url": "javascript:alert(1)"}, "badge page URL is not a plain http(s) URL"),
    ({"url": "https://x.org/a b"}, "badge page URL is not a plain http(s) URL"),
    ({"url": "https://x.org/" + "a" * 600}, "badge page URL is not a plain http(s) URL"),
])
def test_a_forged_entry_is_refused_by_both_feeds_with_one_reason(change, reason):
    entry = {**GOOD, **change}
    assertions, _, problems = parse_feed({"assertions": [entry]}, "local")
    revocations, _, revoked_problems = parse_revocations({"revocations": [entry]}, "local")
    assert assertions == [] and revocations == []
    assert problems == [f"assertions[0]: {reason}"]
    assert revoked_problems == [f"revocations[0]: {reason}"]


def test_a_good_entry_is_read_by_both_and_a_revocation_needs_an_assertion_id():
    (assertion,), _, problems = parse_feed({"assertions": [GOOD]}, "local")
    (revocation,), _, revoked = parse_revocations({"revocations": [GOOD]}, "local")
    assert problems == revoked == []
    assert (assertion.badge, assertion.user, revocation.id) == ("first-edit", "Ada", "a1b2")
    _, _, revoked = parse_revocations({"revocations": [{**GOOD, "id": "<b>",
                                                         "badge": "<b>"}]}, "local")
    assert revoked == ["revocations[0]: bad assertion id"]
