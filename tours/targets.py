"""What a step points at: its ordered alternatives, flattened per skin for the gadget.

A step names one element or selector, or an ordered list of alternatives, each possibly only
for some skins, MediaWiki versions or with/without DiscussionTools (``docs/tour-language.md``,
"Alternatives within a step"). The gadget must not re-implement that logic per alternative, so
:func:`flatten` turns the list into the same shape the catalogue has: per skin, the entries to
try in order, each catalogue element replaced by its own entries narrowed to the alternative's
versions. One step stays one step (the step counter and translations never see the
alternatives); :func:`missing_in` tells ``lint`` where a step points at nothing.
"""

from __future__ import annotations

import re

from tours import catalogue
from tours.catalogue import Sel, version_key
from tours.model import Alternative, Target

__all__ = ["parse_versions", "flatten", "target_of", "missing_in", "DEFAULT_SETUPS", "SKIN_LABELS"]

_RANGE = re.compile(r"^\s*([0-9]+\.[0-9]+)\s*(\+|-\s*([0-9]+\.[0-9]+))?\s*$")

#: The skins and versions lint checks when a wiki does not say: Vector 2022, legacy Vector and
#: Minerva on 1.39 (no DiscussionTools: it is not bundled) and 1.43 (bundled and on by default).
DEFAULT_SETUPS = tuple((skin, version, version != "1.39")
                       for skin in catalogue.SKINS for version in catalogue.VERSIONS)

#: How warnings name a skin (skin names are the same in every language).
SKIN_LABELS = {"vector-2022": "Vector 2022", "vector": "Vector (legacy)", "minerva": "Minerva",
               "monobook": "MonoBook", "timeless": "Timeless"}


def parse_versions(text: str) -> tuple[str, str] | None:
    """``"1.43"`` → ``("1.43", "1.44")``; ``"1.43+"`` → ``("1.43", "")``; ``"1.39-1.42"`` →
    ``("1.39", "1.43")``: (since, before) as the catalogue holds them; ``None`` if malformed."""
    m = _RANGE.match(text)
    if not m:
        return None
    since = m.group(1)
    major, minor = version_key(since)
    if m.group(2) == "+":
        return since, ""
    last = m.group(3) or since
    last_major, last_minor = version_key(last)
    if (last_major, last_minor) < (major, minor):
        return None
    return since, f"{last_major}.{last_minor + 1}"


def _narrow(entry, alt: Alternative):
    """*entry* limited to *alt*'s versions and DiscussionTools state, or ``None`` if nothing is left."""
    css, since, before, dt = (entry, "", "", None) if isinstance(entry, str) else (
        entry.css, entry.since, entry.before, entry.dt)
    if alt.since and (not since or version_key(alt.since) > version_key(since)):
        since = alt.since
    if alt.before and (not before or version_key(alt.before) < version_key(before)):
        before = alt.before
    if alt.dt is not None:
        if dt is not None and dt != alt.dt:
            return None
        dt = alt.dt
    if since and before and version_key(since) >= version_key(before):
        return None
    if not since and not before and dt is None:
        return css
    return Sel(css, since=since, before=before, dt=dt)


def flatten(alternatives: tuple[Alternative, ...]) -> tuple[tuple[str, tuple], ...]:
    """Per skin (the catalogue's, any other an alternative names, then ``*``), the entries to try."""
    keys = list(catalogue.SKINS)
    for alt in alternatives:
        keys.extend(s for s in alt.skins if s not in keys)
    out = []
    for key in keys + ["*"]:
        entries: list = []
        for alt in alternatives:
            if alt.skins and key not in alt.skins:
                continue
            if alt.element:
                per = dict(catalogue.selectors_for(alt.element))
                source = per.get(key, per.get("*", ()))
            else:
                source = (alt.selector,)
            for entry in source:
                narrowed = _narrow(entry, alt)
                if narrowed is not None and narrowed not in entries:
                    entries.append(narrowed)
        out.append((key, tuple(entries)))
    return tuple(out)


def target_of(alternatives: tuple[Alternative, ...]) -> Target:
    first = alternatives[0]
    return Target(element=first.element, selector=first.selector, selectors=flatten(alternatives),
                  alternatives=alternatives)


def missing_in(target: Target, setups) -> list[tuple[str, str, bool]]:
    """The ``(skin, version, dt)`` of *setups* where *target* points at nothing.

    Only targets made of catalogue elements are judged: a plain selector may exist anywhere.
    """
    if any(alt.selector for alt in target.alternatives) or not target.alternatives:
        return []
    return [(skin, version, dt) for skin, version, dt in setups
            if not catalogue.selectors_in(target.selectors, skin, version, dt)]
