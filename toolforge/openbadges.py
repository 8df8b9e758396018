"""Open Badges 2.0 documents, baked images and their verification, as pure functions.

The app hosts three kinds of JSON-LD document at their own URLs (Issuer Profile, BadgeClass,
Assertion) and a revocation list; a verifier anywhere fetches them to check a badge. The
documents are built here from plain values, so the web layer only decides URLs and stores rows.

Baking puts the assertion inside the badge image itself (a PNG ``iTXt`` chunk with keyword
``openbadges``, or an ``<openbadges:assertion>`` element in an SVG), so a badge saved on a
learner's disk still names its issuer and can be checked again later.

Validation expands each document with PyLD through :func:`document_loader`, which answers from
a bundled copy of the ``https://w3id.org/openbadges/v2`` context and refuses every other URL:
validating never touches the network, and a document that names a term the context does not
define is reported instead of silently losing that term.
"""

from __future__ import annotations

import hashlib
import json
import re
import struct
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Mapping
from xml.etree import ElementTree

__all__ = [
    "CONTEXT_URL",
    "OB_NAMESPACE",
    "hash_identity",
    "iso",
    "issuer_document",
    "badge_class_document",
    "assertion_document",
    "revoked_assertion_document",
    "profile_document",
    "endorsement_document",
    "revocation_list_document",
    "document_loader",
    "expand",
    "check_document",
    "bake_png",
    "read_png",
    "bake_svg",
    "read_svg",
    "read_baked",
    "badge_png",
    "badge_svg",
    "Verification",
    "verify_assertion",
]

#: The JSON-LD context every Open Badges 2.0 document names.
CONTEXT_URL = "https://w3id.org/openbadges/v2"
#: Other URLs that serve the same context; the loader answers them from the same copy.
_CONTEXT_ALIASES = (
    CONTEXT_URL,
    CONTEXT_URL + "/",
    "https://openbadgespec.org/v2/context.json",
)
#: XML namespace of the ``openbadges:assertion`` element in baked SVGs.
OB_NAMESPACE = "http://openbadges.org"
_OBI = "https://w3id.org/openbadges#"
_CONTEXT_FILE = Path(__file__).with_name("data") / "openbadges-v2-context.json"

#: Largest text a baked image may carry; an assertion is a few kilobytes.
MAX_BAKED_TEXT = 256 * 1024
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def iso(moment: datetime) -> str:
    """An ISO 8601 time in UTC with a ``Z``, as Open Badges expects for ``issuedOn``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def hash_identity(identity: str, salt: str) -> str:
    """The hashed recipient identity: ``sha256$`` + hex of sha256(identity + salt).

    Hashing keeps the assertion from being a public list of people; a verifier who knows the
    learner's user page URL recomputes the same value with the published salt.
    """
    return "sha256$" + hashlib.sha256((identity + salt).encode("utf-8")).hexdigest()


def issuer_document(
    url: str, name: str, homepage: str, *, description: str = "", email: str = "",
    revocation_list: str = "", image: str = "",
) -> dict[str, Any]:
    """The Issuer Profile hosted at *url* (the app, speaking for one installation)."""
    doc: dict[str, Any] = {"@context": CONTEXT_URL, "type": "Issuer", "id": url, "name": name,
                           "url": homepage}
    if description:
        doc["description"] = description
    if email:
        doc["email"] = email
    if image:
        doc["image"] = image
    if revocation_list:
        doc["revocationList"] = revocation_list
    return doc


def badge_class_document(
    url: str, name: str, description: str, image: str, criteria_url: str, criteria: str,
    issuer_url: str, *, tags: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The BadgeClass hosted at *url*; *criteria* is a narrative shown with the criteria link."""
    doc: dict[str, Any] = {
        "@context": CONTEXT_URL, "type": "BadgeClass", "id": url, "name": name,
        "description": description, "image": image,
        "criteria": {"id": criteria_url, "narrative": criteria}, "issuer": issuer_url,
    }
    if tags:
        doc["tags"] = list(tags)
    return doc


def assertion_document(
    url: str, badge_url: str, recipient_url: str, salt: str, issued_on: datetime, *,
    image: str = "", evidence: str | list[dict[str, Any]] = "",
) -> dict[str, Any]:
    """A hosted Assertion at *url*: the recipient is a user page URL, hashed with *salt*.

    *evidence* is a URL or a list of Evidence objects (``{"type": "Evidence", "id": diff URL,
    "narrative": what was checked}``), as Badgr and Credly show them next to the badge.
    """
    doc: dict[str, Any] = {
        "@context": CONTEXT_URL, "type": "Assertion", "id": url,
        "recipient": {"type": "url", "hashed": True, "salt": salt,
                      "identity": hash_identity(recipient_url, salt)},
        "badge": badge_url, "issuedOn": iso(issued_on),
        "verification": {"type": "hosted"},
    }
    if image:
        doc["image"] = image
    if evidence:
        doc["evidence"] = evidence
    return doc


def profile_document(url: str, name: str, homepage: str, *, email: str = "",
                     description: str = "") -> dict[str, Any]:
    """A Profile for someone who endorses or assesses (a trainer, an affiliate): who they are."""
    doc = issuer_document(url, name, homepage, email=email, description=description)
    doc["type"] = "Profile"
    return doc


def endorsement_document(url: str, issuer_url: str, claim_id: str, comment: str,
                         issued_on: datetime) -> dict[str, Any]:
    """An Endorsement at *url*: *issuer_url*'s profile vouches for *claim_id* (a badge class, an
    assertion, or a learner's user page before their badge exists), with a comment."""
    claim: dict[str, Any] = {"id": claim_id}
    if comment:
        claim["endorsementComment"] = comment
    return {"@context": CONTEXT_URL, "type": "Endorsement", "id": url, "issuer": issuer_url,
            "claim": claim, "issuedOn": iso(issued_on), "verification": {"type": "hosted"}}


def revoked_assertion_document(url: str, reason: str = "") -> dict[str, Any]:
    """What a revoked hosted assertion answers (with HTTP 410), as the specification asks."""
    doc: dict[str, Any] = {"@context": CONTEXT_URL, "type": "Assertion", "id": url,
                           "revoked": True}
    if reason:
        doc["revocationReason"] = reason
    return doc


def revocation_list_document(
    url: str, issuer_url: str, revoked: list[tuple[str, str]],
) -> dict[str, Any]:
    """The issuer's RevocationList: ``(assertion URL, reason)`` for every revoked assertion."""
    return {
        "@context": CONTEXT_URL, "type": "RevocationList", "id": url, "issuer": issuer_url,
        "revokedAssertions": [
            {"id": a, "revocationReason": r} if r else {"id": a} for a, r in revoked
        ],
    }


# --- JSON-LD -------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _context() -> dict[str, Any]:
    return json.loads(_CONTEXT_FILE.read_text(encoding="utf-8"))


class OfflineContextError(Exception):
    """A document named a remote context other than the Open Badges one."""


def document_loader(url: str, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """PyLD document loader that serves the bundled Open Badges context and nothing else."""
    if url in _CONTEXT_ALIASES:
        return {"contextUrl": None, "documentUrl": url, "document": _context()}
    raise OfflineContextError(f"refusing to load {url!r}: only the bundled Open Badges v2 "
                              "context is available offline")


def expand(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The JSON-LD expansion of *doc*, resolving contexts with :func:`document_loader` only."""
    from pyld import jsonld  # PyLD only when a document is verified

    return jsonld.expand(dict(doc), {"documentLoader": document_loader})


_REQUIRED = {
    "Issuer": ("id", "name", "url"),
    "BadgeClass": ("id", "name", "description", "image", "criteria", "issuer"),
    "Assertion": ("id", "recipient", "badge", "verification", "issuedOn"),
    "RevocationList": ("id", "issuer"),
    "Profile": ("id", "name", "url"),
    "Endorsement": ("id", "issuer", "claim", "issuedOn", "verification"),
}
#: The expanded @type of each kind (Endorsement is a ``cred:Credential`` in the context).
_TYPES = {"Endorsement": "https://w3id.org/credentials#Credential"}


def check_document(doc: Any, kind: str) -> list[str]:
    """Problems that keep *doc* from being a valid Open Badges 2.0 *kind*; empty when valid.

    *kind* is ``Issuer``, ``BadgeClass``, ``Assertion`` or ``RevocationList``. The check expands
    the document with the real context: a term it does not define, a missing required property,
    a wrong type or a relative IRI all show as a readable problem.
    """
    if not isinstance(doc, Mapping):
        return [f"{kind}: expected a JSON object, got {type(doc).__name__}"]
    problems: list[str] = []
    if doc.get("@context") != CONTEXT_URL:
        problems.append(f"{kind}: @context must be {CONTEXT_URL!r}")
    terms = _context()["@context"]
    for key in doc:
        if key != "@context" and key not in terms and ":" not in key:
            problems.append(f"{kind}: property {key!r} is not defined by the Open Badges context")
    for key in _REQUIRED[kind]:
        if key not in doc or doc[key] in ("", None, [], {}):
            problems.append(f"{kind}: required property {key!r} is missing")
    try:
        expanded = expand(doc)
    except Exception as error:  # PyLD raises its own error tree; report, never crash
        return problems + [f"{kind}: JSON-LD expansion failed: {error}"]
    if len(expanded) != 1:
        return problems + [f"{kind}: expected one node after expansion, got {len(expanded)}"]
    node = expanded[0]
    if _TYPES.get(kind, _OBI + kind) not in node.get("@type", []):
        problems.append(f"{kind}: type must be {kind!r}")
    node_id = doc.get("id", "")
    if not isinstance(node_id, str) or not re.match(r"^https?://[^\s]+$", node_id):
        problems.append(f"{kind}: id must be an absolute http(s) URL, got {node_id!r}")
    if kind == "Assertion":
        recipient = (node.get(_OBI + "recipient") or [{}])[0]
        identity = (recipient.get(_OBI + "identityHash") or [{}])[0].get("@value", "")
        if not re.fullmatch(r"sha256\$[0-9a-f]{64}", str(identity)):
            problems.append("Assertion: recipient identity must be a sha256$ hash")
        verify = (node.get(_OBI + "verify") or [{}])[0]
        if _OBI + "HostedBadge" not in verify.get("@type", []):
            problems.append("Assertion: verification type must be 'hosted'")
    return problems


# --- Baking --------------------------------------------------------------------------------

class BakingError(ValueError):
    """An image that cannot carry or does not carry a badge."""


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    if not data.startswith(_PNG_SIGNATURE):
        raise BakingError("not a PNG image (bad signature)")
    chunks, pos = [], len(_PNG_SIGNATURE)
    while pos < len(data):
        if pos + 8 > len(data):
            raise BakingError("PNG image is truncated")
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if len(body) != length or pos + 12 + length > len(data):
            raise BakingError("PNG image is truncated")
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(kind + body) != crc:
            raise BakingError(f"PNG chunk {kind!r} has a bad checksum")
        chunks.append((kind, body))
        pos += 12 + length
        if kind == b"IEND":
            break
    if not chunks or chunks[-1][0] != b"IEND":
        raise BakingError("PNG image has no IEND chunk")
    return chunks


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _itxt_openbadges(body: bytes) -> str | None:
    keyword, sep, rest = body.partition(b"\x00")
    if keyword != b"openbadges" or not sep or len(rest) < 2:
        return None
    compressed, _method, rest = rest[0], rest[1], rest[2:]
    _lang, _, rest = rest.partition(b"\x00")
    _translated, _, text = rest.partition(b"\x00")
    if compressed:
        decompressor = zlib.decompressobj()
        text = decompressor.decompress(text, MAX_BAKED_TEXT + 1)
    if len(text) > MAX_BAKED_TEXT:
        raise BakingError("baked badge text is too large")
    return text.decode("utf-8")


def bake_png(png: bytes, text: str) -> bytes:
    """*png* with *text* (an assertion's JSON or URL) in an ``iTXt`` chunk keyed ``openbadges``.

    An older ``openbadges`` chunk is replaced, never duplicated, so re-baking is safe.
    """
    chunks = _png_chunks(png)
    body = b"openbadges\x00\x00\x00\x00\x00" + text.encode("utf-8")
    out = [_PNG_SIGNATURE]
    for kind, chunk_body in chunks:
        if kind == b"iTXt" and _itxt_openbadges(chunk_body) is not None:
            continue
        if kind == b"IEND":
            out.append(_chunk(b"iTXt", body))
        out.append(_chunk(kind, chunk_body))
    return b"".join(out)


def read_png(png: bytes) -> str | None:
    """The text baked into *png*, or ``None`` when it carries no badge."""
    for kind, body in _png_chunks(png):
        if kind == b"iTXt":
            text = _itxt_openbadges(body)
            if text is not None:
                return text
    return None


def _json_for_xml(text: str) -> str:
    # Escaping <, > and & as JSON escapes keeps "]]>" and markup out of the CDATA section.
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _xml_attr(value: str) -> str:
    return (value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            .replace(">", "&gt;"))


def bake_svg(svg: str, assertion_json: str, verify_url: str) -> str:
    """*svg* with an ``<openbadges:assertion verify="URL">`` element holding the assertion."""
    match = re.search(r"<svg\b[^>]*>", svg)
    if not match:
        raise BakingError("not an SVG image (no <svg> element)")
    open_tag = match.group(0)
    if "xmlns:openbadges" not in open_tag:
        open_tag = open_tag[:-1].rstrip("/") + f' xmlns:openbadges="{OB_NAMESPACE}">'
    element = (f'<openbadges:assertion verify="{_xml_attr(verify_url)}"><![CDATA['
               f"{_json_for_xml(assertion_json)}]]></openbadges:assertion>")
    rest = re.sub(r"<openbadges:assertion\b.*?</openbadges:assertion>", "",
                  svg[match.end():], flags=re.S)
    return svg[:match.start()] + open_tag + element + rest


def read_svg(svg: str) -> tuple[str, str] | None:
    """``(verify URL, assertion JSON)`` baked into *svg*, or ``None`` when it carries none."""
    if len(svg) > 4 * MAX_BAKED_TEXT:
        raise BakingError("SVG image is too large")
    if "<!ENTITY" in svg:
        raise BakingError("SVG image declares entities; refusing to read it")
    try:
        root = ElementTree.fromstring(svg)
    except ElementTree.ParseError as error:
        raise BakingError(f"SVG image is not well-formed XML: {error}") from error
    element = root.find(f"{{{OB_NAMESPACE}}}assertion")
    if element is None:
        return None
    return element.get("verify", ""), (element.text or "").strip()


def read_baked(data: bytes) -> str | None:
    """The assertion text (JSON or URL) baked into a PNG or SVG image, or ``None``."""
    if data.startswith(_PNG_SIGNATURE):
        return read_png(data)
    found = read_svg(data.decode("utf-8", errors="replace"))
    if found is None:
        return None
    verify_url, text = found
    return text or verify_url


# --- Images --------------------------------------------------------------------------------

def _rgb(color: str) -> tuple[int, int, int]:
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", color):
        raise ValueError(f"colour must look like #3366cc, got {color!r}")
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def badge_png(color: str, size: int = 128) -> bytes:
    """A plain round badge image: a coloured disc with a light ring, transparent outside.

    Drawn here rather than loaded from a file so every badge has an image without artwork;
    the colour comes from the badge id so badges differ at a glance.
    """
    r, g, b = _rgb(color)
    centre, outer, ring = (size - 1) / 2, size / 2 - 1, size / 2 - 9
    rows = []
    for y in range(size):
        row = bytearray(b"\x00")
        for x in range(size):
            d = ((x - centre) ** 2 + (y - centre) ** 2) ** 0.5
            if d > outer:
                row += b"\x00\x00\x00\x00"
            elif d > ring:
                row += bytes((255, 255, 255, 255))
            else:
                row += bytes((r, g, b, 255))
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (_PNG_SIGNATURE + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + _chunk(b"IEND", b""))


def badge_svg(color: str, label: str, size: int = 128) -> str:
    """The same round badge as SVG, with *label* (escaped) written across it."""
    _rgb(color)
    half = size / 2
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
            f'viewBox="0 0 {size} {size}"><circle cx="{half}" cy="{half}" r="{half - 1}" '
            f'fill="#ffffff"/><circle cx="{half}" cy="{half}" r="{half - 9}" fill="{color}"/>'
            f'<text x="{half}" y="{half + 5}" text-anchor="middle" font-size="14" '
            f'fill="#ffffff">{_xml_attr(label[:24])}</text></svg>')


def color_for(badge_id: str) -> str:
    """A stable, fairly dark colour for a badge id (white text stays readable on it)."""
    digest = hashlib.sha1(badge_id.encode("utf-8")).digest()
    return "#%02x%02x%02x" % tuple(40 + c % 140 for c in digest[:3])


# --- Verification --------------------------------------------------------------------------

@dataclass(frozen=True)
class Verification:
    """What a verifier concluded about one assertion; *problems* empty means valid."""

    assertion: Mapping[str, Any] = field(default_factory=dict)
    badge: Mapping[str, Any] = field(default_factory=dict)
    issuer: Mapping[str, Any] = field(default_factory=dict)
    problems: tuple[str, ...] = ()
    revoked: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems and not self.revoked


def _origin(url: str) -> str:
    match = re.match(r"^(https?://[^/]+)", url)
    return match.group(1) if match else ""


def verify_assertion(
    baked_or_url: str, fetch: Callable[[str], tuple[int, Any]], *, identity: str = "",
) -> Verification:
    """Verify a hosted assertion the way an outside verifier does.

    *baked_or_url* is the text found in a baked image (the assertion JSON or its URL). *fetch*
    returns ``(HTTP status, parsed JSON)`` for a URL. The hosted copy is authoritative: it is
    fetched again, compared with the baked copy, checked for revocation, and followed to its
    BadgeClass and Issuer, which must share the assertion's origin. When *identity* (a user page
    URL) is given, the hashed recipient must match it.
    """
    text = baked_or_url.strip()
    problems: list[str] = []
    baked: Mapping[str, Any] = {}
    if text.startswith("{"):
        try:
            baked = json.loads(text)
        except ValueError as error:
            return Verification(problems=(f"baked assertion is not JSON: {error}",))
        if not isinstance(baked, Mapping):
            return Verification(problems=("baked assertion is not a JSON object",))
        url = str(baked.get("id", ""))
    else:
        url = text
    if not re.match(r"^https?://", url):
        return Verification(problems=(f"assertion id is not a URL: {url!r}",))
    status, hosted = fetch(url)
    if status == 410 or (isinstance(hosted, Mapping) and hosted.get("revoked") is True):
        return Verification(assertion=hosted if isinstance(hosted, Mapping) else {},
                            problems=("assertion has been revoked",), revoked=True)
    if status != 200 or not isinstance(hosted, Mapping):
        return Verification(problems=(f"assertion URL answered HTTP {status}",))
    problems += check_document(hosted, "Assertion")
    if hosted.get("id") != url:
        problems.append("hosted assertion's id differs from its URL")
    if baked and {k: v for k, v in baked.items()} != dict(hosted):
        problems.append("baked assertion differs from the hosted one")
    badge_url = str(hosted.get("badge", ""))
    status, badge = fetch(badge_url) if badge_url else (0, None)
    if status != 200 or not isinstance(badge, Mapping):
        return Verification(assertion=hosted, problems=tuple(problems + [
            f"badge class at {badge_url!r} answered HTTP {status}"]))
    problems += check_document(badge, "BadgeClass")
    issuer_url = str(badge.get("issuer", ""))
    status, issuer = fetch(issuer_url) if issuer_url else (0, None)
    if status != 200 or not isinstance(issuer, Mapping):
        return Verification(assertion=hosted, badge=badge, problems=tuple(problems + [
            f"issuer at {issuer_url!r} answered HTTP {status}"]))
    problems += check_document(issuer, "Issuer")
    if not (_origin(url) == _origin(badge_url) == _origin(issuer_url) != ""):
        problems.append("hosted verification needs the assertion, badge class and issuer "
                        "on one origin")
    revocation_url = str(issuer.get("revocationList", ""))
    if revocation_url:
        status, revocations = fetch(revocation_url)
        if status == 200 and isinstance(revocations, Mapping):
            revoked_ids = {str(r.get("id")) for r in revocations.get("revokedAssertions", [])
                           if isinstance(r, Mapping)}
            if url in revoked_ids:
                return Verification(hosted, badge, issuer, ("assertion has been revoked",), True)
    if identity:
        recipient = hosted.get("recipient") or {}
        if hash_identity(identity, str(recipient.get("salt", ""))) != recipient.get("identity"):
            problems.append("the recipient is not " + identity)
    return Verification(hosted, badge, issuer, tuple(problems))
