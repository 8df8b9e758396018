"""Open Badges 2.0 documents, baking and verification (pure functions, no server)."""

from __future__ import annotations

import json
import struct
import zlib
from datetime import datetime, timezone

import pytest

from toolforge import openbadges as ob

BASE = "http://127.0.0.1:5000"
USER_PAGE = "http://127.0.0.1:8080/index.php?title=User:Ada"
NOW = datetime(2026, 11, 25, 10, 5, tzinfo=timezone.utc)


def documents(revoked: bool = False):
    issuer = ob.issuer_document(f"{BASE}/issuer", "Wikitours", f"{BASE}/",
                                revocation_list=f"{BASE}/issuer/revocations")
    badge = ob.badge_class_document(f"{BASE}/badges/first-edit", "First edit", "Made a first edit.",
                                    f"{BASE}/badges/first-edit/image.png",
                                    f"{BASE}/badges/first-edit/criteria", "Complete the tour.",
                                    f"{BASE}/issuer")
    assertion = ob.assertion_document(f"{BASE}/assertions/0f1e", f"{BASE}/badges/first-edit",
                                      USER_PAGE, "pepper", NOW)
    revocations = ob.revocation_list_document(
        f"{BASE}/issuer/revocations", f"{BASE}/issuer",
        [(f"{BASE}/assertions/0f1e", "claimed by mistake")] if revoked else [])
    return issuer, badge, assertion, revocations


def fetcher(*docs, status=None):
    table = {d["id"]: d for d in docs}

    def fetch(url):
        if status and url in status:
            return status[url]
        return (200, table[url]) if url in table else (404, None)
    return fetch


def test_identity_hash_follows_the_specification():
    # sha256 over identity + salt, hex, prefixed with the algorithm
    import hashlib
    expected = hashlib.sha256((USER_PAGE + "pepper").encode()).hexdigest()
    assert ob.hash_identity(USER_PAGE, "pepper") == "sha256$" + expected
    assert ob.hash_identity(USER_PAGE, "salt2") != ob.hash_identity(USER_PAGE, "pepper")


def test_every_document_is_valid_open_badges_2():
    issuer, badge, assertion, revocations = documents(revoked=True)
    assert ob.check_document(issuer, "Issuer") == []
    assert ob.check_document(badge, "BadgeClass") == []
    assert ob.check_document(assertion, "Assertion") == []
    assert ob.check_document(revocations, "RevocationList") == []
    node = ob.expand(assertion)[0]
    assert node["@type"] == ["https://w3id.org/openbadges#Assertion"]
    assert node["https://w3id.org/openbadges#issueDate"][0]["@value"] == "2026-11-25T10:05:00Z"
    recipient = node["https://w3id.org/openbadges#recipient"][0]
    assert recipient["@type"] == ["http://schema.org/url"]


@pytest.mark.parametrize("change, expected", [
    ({"recipient": None}, "required property 'recipient'"),
    ({"colour": "red"}, "'colour' is not defined"),
    ({"id": "assertions/1"}, "absolute http(s) URL"),
    ({"type": "BadgeClass"}, "type must be 'Assertion'"),
    ({"verification": {"type": "signed", "creator": "http://x/key"}}, "must be 'hosted'"),
    ({"recipient": {"type": "url", "hashed": True, "identity": "plain"}}, "sha256$ hash"),
    ({"@context": "https://example.invalid/ctx"}, "@context"),
])
def test_broken_assertions_are_reported(change, expected):
    assertion = {**documents()[2], **change}
    problems = ob.check_document(assertion, "Assertion")
    assert any(expected in p for p in problems), problems


def test_the_loader_never_goes_to_the_network():
    assert ob.document_loader(ob.CONTEXT_URL)["document"]["@context"]["obi"] == \
        "https://w3id.org/openbadges#"
    with pytest.raises(ob.OfflineContextError):
        ob.document_loader("http://127.0.0.1:9/other-context")


def test_png_baking_round_trips_and_replaces_an_older_bake():
    png = ob.badge_png("#336699")
    first = ob.bake_png(png, '{"id": "one"}')
    again = ob.bake_png(first, json.dumps({"id": "two", "name": "Ada \u202e <script>"}))
    assert ob.read_png(png) is None
    assert json.loads(ob.read_png(first)) == {"id": "one"}
    assert json.loads(ob.read_png(again))["id"] == "two"
    assert again.count(b"openbadges\x00") == 1
    assert again.endswith(b"IEND\xaeB`\x82")


def test_png_reader_rejects_damaged_and_hostile_images():
    baked = ob.bake_png(ob.badge_png("#336699"), "x")
    with pytest.raises(ob.BakingError, match="signature"):
        ob.read_png(b"GIF89a" + baked)
    with pytest.raises(ob.BakingError, match="truncated"):
        ob.read_png(baked[:40])
    damaged = bytearray(baked)
    damaged[30] ^= 0xFF  # inside IHDR
    with pytest.raises(ob.BakingError, match="checksum"):
        ob.read_png(bytes(damaged))
    # a compressed iTXt that inflates far beyond any assertion (a zip bomb) is refused
    bomb = b"openbadges\x00\x01\x00\x00\x00" + zlib.compress(b"a" * (ob.MAX_BAKED_TEXT * 8))
    body = (struct.pack(">I", len(bomb)) + b"iTXt" + bomb
            + struct.pack(">I", zlib.crc32(b"iTXt" + bomb)))
    png = ob.badge_png("#336699")
    with pytest.raises(ob.BakingError, match="too large"):
        ob.read_png(png[:-12] + body + png[-12:])


def test_svg_baking_escapes_and_round_trips():
    label = '<script>alert(1)</script>"&'
    svg = ob.badge_svg("#336699", label)
    assert "<script>" not in svg
    assertion = json.dumps({"id": f"{BASE}/assertions/1", "note": "]]><evil/>&amp;"})
    baked = ob.bake_svg(svg, assertion, f'{BASE}/assertions/1?a=1&b="2"')
    verify, text = ob.read_svg(baked)
    assert verify == f'{BASE}/assertions/1?a=1&b="2"'
    assert json.loads(text) == json.loads(assertion)
    assert "<evil/>" not in baked
    rebaked = ob.bake_svg(baked, '{"id": "two"}', f"{BASE}/assertions/2")
    assert rebaked.count("<openbadges:assertion") == 1
    assert json.loads(ob.read_baked(rebaked.encode())) == {"id": "two"}


def test_svg_reader_refuses_entities_and_garbage():
    laughs = ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
              '<!ENTITY b "&a;&a;&a;&a;&a;">]><svg>&b;</svg>')
    with pytest.raises(ob.BakingError, match="entities"):
        ob.read_svg(laughs)
    with pytest.raises(ob.BakingError, match="well-formed"):
        ob.read_svg("<svg><unclosed></svg>")
    with pytest.raises(ob.BakingError, match="no <svg>"):
        ob.bake_svg("<html></html>", "{}", BASE)
    assert ob.read_svg(ob.badge_svg("#000000", "x")) is None


def test_verification_accepts_a_good_badge_and_checks_the_recipient():
    issuer, badge, assertion, revocations = documents()
    baked = ob.read_png(ob.bake_png(ob.badge_png("#336699"), json.dumps(assertion)))
    result = ob.verify_assertion(baked, fetcher(issuer, badge, assertion, revocations),
                                 identity=USER_PAGE)
    assert result.ok, result.problems
    assert result.badge["name"] == "First edit"
    other = ob.verify_assertion(baked, fetcher(issuer, badge, assertion, revocations),
                                identity="http://127.0.0.1:8080/index.php?title=User:Mallory")
    assert not other.ok and "recipient" in other.problems[0]


def test_verification_catches_revocation_tampering_and_foreign_origins():
    issuer, badge, assertion, revocations = documents(revoked=True)
    fetch = fetcher(issuer, badge, assertion, revocations)
    assert ob.verify_assertion(assertion["id"], fetch).revoked
    gone = fetcher(issuer, badge, status={assertion["id"]: (410, ob.revoked_assertion_document(
        assertion["id"], "mistake"))})
    assert ob.verify_assertion(assertion["id"], gone).revoked

    issuer, badge, assertion, revocations = documents()
    forged = {**assertion, "badge": f"{BASE}/badges/trainer"}
    result = ob.verify_assertion(json.dumps(forged), fetcher(issuer, badge, assertion, revocations))
    assert "differs from the hosted" in " ".join(result.problems)

    foreign_badge = {**badge, "issuer": "http://127.0.0.2:5000/issuer"}
    foreign_issuer = {**issuer, "id": "http://127.0.0.2:5000/issuer"}
    result = ob.verify_assertion(assertion["id"], fetcher(foreign_issuer, foreign_badge, assertion))
    assert "one origin" in " ".join(result.problems)
    assert ob.verify_assertion("not a url", fetcher()).problems
    assert ob.verify_assertion("{broken", fetcher()).problems


KINDS = {
    "evidence": [{"type": "Evidence", "id": "http://127.0.0.1:8080/index.php?diff=42",
                  "name": "User:Ada/sandbox", "narrative": "Checked on the wiki.",
                  "genre": "wiki edit"}],
    "completion": [{"type": "Evidence", "narrative": "The progress record says so."}],
    "attested": [{"type": "Evidence", "id": "https://example.org/report",
                  "narrative": "Ran the editathon."}],
    "trainer": [{"type": "Evidence", "id": f"{BASE}/assertions/1a2b", "narrative": "Bo learned."},
                {"type": "Evidence", "id": f"{BASE}/endorsements/3c", "narrative": "Endorsed."}],
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_of_assertion_verifies_offline_and_fails_as_it_should(kind):
    """Issue 15: evidence-backed, completed, attested and endorsed (trainer) assertions all pass;
    the wrong recipient and a revoked one fail; nothing is fetched from the network."""
    issuer, badge, _, revocations = documents()
    assertion = ob.assertion_document(f"{BASE}/assertions/0f1e", f"{BASE}/badges/first-edit",
                                      USER_PAGE, "pepper", NOW, evidence=KINDS[kind])
    assert ob.check_document(assertion, "Assertion") == []
    expanded = ob.expand(assertion)[0]
    assert len(expanded["https://w3id.org/openbadges#evidence"]) == len(KINDS[kind])
    fetch = fetcher(issuer, badge, assertion, revocations)
    assert ob.verify_assertion(json.dumps(assertion), fetch, identity=USER_PAGE).ok
    wrong = ob.verify_assertion(json.dumps(assertion), fetch, identity=USER_PAGE + "2")
    assert not wrong.ok and "the recipient is not" in wrong.problems[-1]
    _, _, _, revoked_list = documents(revoked=True)
    revoked = ob.verify_assertion(json.dumps(assertion),
                                  fetcher(issuer, badge, assertion, revoked_list))
    assert revoked.revoked and not revoked.ok


def test_endorsements_and_profiles_are_valid_and_checked():
    endorsement = ob.endorsement_document(f"{BASE}/endorsements/3c", f"{BASE}/profiles/local/Bo",
                                          f"{BASE}/assertions/0f1e", "Great <b>work</b>", NOW)
    assert ob.check_document(endorsement, "Endorsement") == []
    profile = ob.profile_document(f"{BASE}/profiles/local/Bo", "Bo", USER_PAGE)
    assert ob.check_document(profile, "Profile") == []
    broken = dict(endorsement, claim={}, extra="x")
    problems = ob.check_document(broken, "Endorsement")
    assert any("claim" in p for p in problems) and any("'extra'" in p for p in problems)
