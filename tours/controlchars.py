"""Control characters in texts: found, named and refused before they reach a wiki page.

YAML itself refuses most raw control characters in a file, but a quoted YAML text may still
*write* one with an escape (``"\\0"``, ``"\\x07"``, ``"\\u001b"``), and JSON translations with
``"\\u0000"``. Such characters show as nothing or as boxes in popovers, break the wiki pages
the sync writes (MediaWiki refuses some of them outright) and can hide text from reviewers. So
every tour text and every translation may contain only tab and line break among the C0/C1
control characters; noncharacters and lone surrogates (which cannot even be saved as UTF-8)
are refused too.
"""

from __future__ import annotations

import re

__all__ = ["find_control", "describe"]

_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_C0 = ("NUL SOH STX ETX EOT ENQ ACK BEL BS HT LF VT FF CR SO SI DLE DC1 DC2 DC3 DC4 NAK SYN "
       "ETB CAN EM SUB ESC FS GS RS US").split()


def find_control(text: str) -> list[tuple[int, str]]:
    """``(offset, character)`` of every forbidden character in *text*, in order."""
    return [(m.start(), m.group(0)) for m in _FORBIDDEN.finditer(text)]


def describe(char: str) -> str:
    """``U+0000 (NUL)``: how a problem names the character (never the character itself)."""
    code = ord(char)
    if code < 32:
        return f"U+{code:04X} ({_C0[code]})"
    if code == 0x7F:
        return "U+007F (DEL)"
    if code == 0x85:
        return "U+0085 (NEL)"
    return f"U+{code:04X}"
