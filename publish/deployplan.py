"""What a deploy should do, decided from the build manifest, the wiki's pages and the deploy state.

Pure functions only; `publish/deploy.py` does the reading and editing. A page's fate:

- `create`: missing on the wiki;
- `unchanged`: its content already equals the build;
- `update`: its content is what wikitours deployed before (per the state page), so it is ours to
  replace;
- `conflict`: someone else's content (edited since the last deploy, or a page wikitours never
  deployed): a deploy stops before any edit unless told to overwrite.

For `MediaWiki:Gadgets-definition` only wikitours' own section counts: other gadgets' lines are
never compared or changed.

The state page (`MediaWiki:Wikitours/deployed.json`) is written *after* the page edits and lists,
per title, the hash of the deployed build text and the revision it became. A deploy that fails
half-way writes no state: the pages it edited already equal the build (unchanged next time), the
others still hold the recorded content (ours to update), so running it again completes it.
MediaWiki's pre-save transform may save something other than what was sent (`~~~~`, `subst:`);
the recorded revision id says the page is still the one wikitours saved.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

#: Deploy records pages it no longer deploys under these prefixes as *retired* (old versions of
#: the gadget's data) and deletes them once no pointer has named them for a grace period.
from tours.render.liveversion import VERSIONED_PREFIXES

STATE_TITLE = "MediaWiki:Wikitours/deployed.json"
STATE_FORMAT = 1
MODELS = ("wikitext", "javascript", "css", "json")


#: Order of edits by page kind (contracts §3): the gadget's versioned data and code first
#: (readers do not see them yet), then the definition and the pointer (the loader, whose one edit
#: switches readers to the new version), then the pages people read. Unknown kinds go last.
EDIT_ORDER = {kind: n for n, kind in enumerate((
    "schema", "messages", "tour-data", "gadget-style", "gadget-code", "gadget-definition",
    "pointer", "badge", "help", "catalogue"))}


class ManifestError(ValueError):
    """The build output cannot be deployed; the message says what is wrong with which file."""


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical(text: str, model: str) -> str:
    """The form a text takes once saved, so build output and wiki content compare equal.

    MediaWiki's pre-save transform trims trailing whitespace and normalises line ends, and
    re-formats JSON pages (indentation, escaping). Comparing canonical forms keeps a deploy with
    nothing changed from editing anything. JSON compares as data (key order ignored).
    """
    if model == "json":
        try:
            return json.dumps(json.loads(text), sort_keys=True, ensure_ascii=False,
                              separators=(",", ":"))
        except ValueError:
            pass
    return text.replace("\r\n", "\n").rstrip()


def content_hash(text: str, model: str) -> str:
    return sha256(canonical(text, model))


@dataclass(frozen=True)
class BuiltPage:
    title: str
    model: str
    text: str
    kind: str


@dataclass(frozen=True)
class GadgetDefinition:
    title: str
    section: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Manifest:
    generator: str
    source: str
    library_version: str
    pages: tuple[BuiltPage, ...]
    gadget_definition: GadgetDefinition | None


def load_manifest(directory: Path) -> Manifest:
    """Read DIR/manifest.json and every page file it names, checking each file's sha256."""
    path = Path(directory) / "manifest.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(f"{path}: not found; build first with python -m tours build") from None
    except ValueError as error:
        raise ManifestError(f"{path}: not valid JSON ({error})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("pages"), list):
        raise ManifestError(f"{path}: no \"pages\" list; is this a wikitours build?")
    pages = []
    seen = set()
    for number, entry in enumerate(raw["pages"], 1):
        where = f"{path}: page {number}"
        if not isinstance(entry, dict):
            raise ManifestError(f"{where}: not an object")
        title, model, file = entry.get("title"), entry.get("model"), entry.get("file")
        if not isinstance(title, str) or not title.strip() or "\n" in title:
            raise ManifestError(f"{where}: missing or invalid \"title\"")
        if model not in MODELS:
            raise ManifestError(f"{where} ({title}): model {model!r} is not one of {MODELS}")
        if not isinstance(file, str):
            raise ManifestError(f"{where} ({title}): missing \"file\"")
        file_path = (Path(directory) / file).resolve()
        if Path(directory).resolve() not in file_path.parents:
            raise ManifestError(f"{where} ({title}): file {file!r} is outside the build folder")
        try:
            text = file_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ManifestError(f"{where} ({title}): cannot read {file}: {error}") from None
        if entry.get("sha256") and entry["sha256"] != sha256(text):
            raise ManifestError(f"{where} ({title}): {file} does not match its sha256; rebuild")
        if title in seen:
            raise ManifestError(f"{where}: {title} appears twice")
        seen.add(title)
        pages.append(BuiltPage(title, model, text, str(entry.get("kind", ""))))
    definition = None
    if raw.get("gadget_definition"):
        gd = raw["gadget_definition"]
        lines = gd.get("lines")
        if not isinstance(lines, list) or not all(isinstance(x, str) and "\n" not in x
                                                  for x in lines):
            raise ManifestError(f"{path}: gadget_definition.lines must be a list of lines")
        section = str(gd.get("section") or "wikitours")
        if not re.fullmatch(r"[\w .-]+", section):
            raise ManifestError(
                f"{path}: gadget_definition.section {section!r} is not a plain name")
        definition = GadgetDefinition(str(gd.get("title") or "MediaWiki:Gadgets-definition"),
                                      section, tuple(lines))
    return Manifest(str(raw.get("generator", "")), str(raw.get("source", "")),
                    str(raw.get("library_version", "")), tuple(pages), definition)


# -- MediaWiki:Gadgets-definition ---------------------------------------------------------------
_HEADING = re.compile(r"^\s*==+\s*(.*?)\s*==+\s*$")


def _section_bounds(text: str, section: str) -> tuple[int, int] | None:
    """Line indexes [start, end) of `== section ==` and its lines, or None."""
    lines = text.split("\n")
    start = None
    for index, line in enumerate(lines):
        heading = _HEADING.match(line)
        if heading is None:
            continue
        if start is not None:
            return start, index
        if heading.group(1) == section:
            start = index
    return (start, len(lines)) if start is not None else None


def section_text(text: str, section: str) -> str | None:
    """Our section of a Gadgets-definition text (heading and lines, trailing blanks trimmed)."""
    bounds = _section_bounds(text, section)
    if bounds is None:
        return None
    return "\n".join(text.split("\n")[bounds[0]:bounds[1]]).rstrip()


def render_section(definition: GadgetDefinition) -> str:
    return "\n".join([f"== {definition.section} ==", *definition.lines])


def merge_definition(current: str, definition: GadgetDefinition) -> str:
    """`current` with our section replaced by (or extended with) the build's lines.

    Every line outside our section stays byte for byte as it was.
    """
    ours = render_section(definition)
    bounds = _section_bounds(current, definition.section)
    if bounds is None:
        base = current.rstrip("\n")
        return f"{base}\n\n{ours}\n" if base.strip() else ours + "\n"
    lines = current.split("\n")
    start, end = bounds
    after = lines[end:]
    block = ours.split("\n") + ([""] if after else [])
    return "\n".join(lines[:start] + block + after) if after else \
        "\n".join(lines[:start] + block) + "\n"


# -- planning -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class WikiPage:
    """A page as read from the wiki (exists=False when missing)."""

    title: str
    exists: bool
    text: str = ""
    model: str = ""
    revid: int = 0
    user: str = ""
    timestamp: str = ""


@dataclass(frozen=True)
class Change:
    title: str
    action: str  # create | update | unchanged | conflict
    model: str
    old: str
    new: str
    kind: str = ""
    revid: int = 0
    user: str = ""
    #: the hash recorded in the state page: of the page, or of our section for the definition
    new_hash: str = ""
    old_hash: str = ""


@dataclass(frozen=True)
class Plan:
    changes: tuple[Change, ...]
    state: dict = field(default_factory=dict)

    def of(self, action: str) -> list[Change]:
        return [c for c in self.changes if c.action == action]

    @property
    def edits(self) -> list[Change]:
        """Pages to save, in an order that never shows readers a half-deployed state: the
        gadget's versioned data and code before the pointer that names them (one edit switches
        readers from one complete version to the next), help pages before the catalogue."""
        edits = [c for c in self.changes if c.action in ("create", "update")]
        return sorted(edits, key=lambda c: EDIT_ORDER.get(c.kind, len(EDIT_ORDER)))

    @property
    def pointer_index(self) -> int:
        """How many edits come before the pointer's (len(edits) when it is not edited): a run
        stopped before it leaves readers on the old version, after it on the new one."""
        return next((n for n, c in enumerate(self.edits) if c.kind == "pointer"),
                    len(self.edits))

    @property
    def conflicts(self) -> list[Change]:
        return self.of("conflict")


def parse_state(text: str | None) -> dict:
    """The deploy state page's `pages` map ({title: {"sha256", "revid"}}), {} if unusable."""
    if not text:
        return {}
    try:
        raw = json.loads(text)
    except ValueError:
        return {}
    pages = raw.get("pages") if isinstance(raw, dict) else None
    return {k: v for k, v in pages.items() if isinstance(v, dict)} \
        if isinstance(pages, dict) else {}


def _ours(state: dict, title: str) -> set[str]:
    entry = state.get(title, {})
    return {entry["sha256"]} if isinstance(entry.get("sha256"), str) else set()


def plan(manifest: Manifest, wiki: dict[str, WikiPage], state: dict,
         overwrite: bool = False) -> Plan:
    """Decide each page's action. `wiki` maps titles (as in the manifest) to what the wiki has."""
    changes = []
    for page in manifest.pages:
        current = wiki.get(page.title) or WikiPage(page.title, False)
        new_hash = content_hash(page.text, page.model)
        old_hash = content_hash(current.text, page.model) if current.exists else ""
        entry = state.get(page.title, {})
        our_revision = current.exists and bool(current.revid) and \
            entry.get("revid") == current.revid
        same_model = (current.model or page.model) == page.model
        if not current.exists:
            action = "create"
        elif (old_hash == new_hash or (our_revision and entry.get("sha256") == new_hash)) \
                and same_model:
            action = "unchanged"
        elif old_hash in _ours(state, page.title) or old_hash == new_hash or our_revision \
                or overwrite:
            action = "update"
        else:
            action = "conflict"
        changes.append(Change(page.title, action, page.model, current.text, page.text,
                              page.kind, current.revid, current.user, new_hash, old_hash))
    if manifest.gadget_definition is not None:
        definition = manifest.gadget_definition
        current = wiki.get(definition.title) or WikiPage(definition.title, False)
        new_section = render_section(definition)
        old_section = section_text(current.text, definition.section) if current.exists else None
        new_text = merge_definition(current.text if current.exists else "", definition)
        new_hash = content_hash(new_section, "wikitext")
        old_hash = content_hash(old_section, "wikitext") if old_section is not None else ""
        if not current.exists:
            action = "create"
        elif old_section == new_section:
            action = "unchanged"
        elif old_section is None or old_hash in _ours(state, definition.title) or overwrite:
            action = "update"
        else:
            action = "conflict"
        changes.append(Change(definition.title, action, "wikitext", current.text, new_text,
                              "gadget-definition", current.revid, current.user,
                              new_hash, old_hash))
    return Plan(tuple(changes), state)


def parse_retired(text: str | None) -> dict[str, dict]:
    """The state page's ``retired`` map ({title: {"since": ISO time, "revid": N}}), {} if none."""
    try:
        raw = json.loads(text or "")
    except ValueError:
        return {}
    retired = raw.get("retired") if isinstance(raw, dict) else None
    if not isinstance(retired, dict):
        return {}
    return {t: {"since": v["since"], "revid": int(v.get("revid") or 0)}
            for t, v in retired.items()
            if isinstance(t, str) and t.startswith(VERSIONED_PREFIXES) and isinstance(v, dict)
            and isinstance(v.get("since"), str) and isinstance(v.get("revid", 0), int)}


def retire(manifest: Manifest, state: dict, retired: dict[str, dict], now: str,
           found: dict[str, int] | None = None) -> dict[str, dict]:
    """Versioned pages no longer in the build: those already retired (unless the build names
    them again, e.g. after a revert) and those the last deploy recorded, retired *now*.

    *found* (title → latest revision) lists versioned pages on the wiki whose latest revision
    is the deploying account's: a deploy that stopped before recording its state may have
    created some that no build names any more (the sources changed again before the rerun);
    they are retired too instead of staying forever."""
    names = {page.title for page in manifest.pages}
    out = {t: v for t, v in retired.items() if t not in names}
    for title, entry in state.items():
        if title not in names and title not in out and title.startswith(VERSIONED_PREFIXES):
            out[title] = {"since": now, "revid": int(entry.get("revid") or 0)}
    for title, revid in (found or {}).items():
        if title not in names and title not in out and title not in state \
                and title.startswith(VERSIONED_PREFIXES):
            out[title] = {"since": now, "revid": int(revid)}
    return dict(sorted(out.items()))


def due(retired: dict[str, dict], now: str, grace_seconds: int) -> list[str]:
    """Retired pages whose grace period is over (no reader can still run a loader naming them)."""
    from datetime import datetime, timedelta

    def moment(value: str):
        try:
            return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            return None

    current = moment(now)
    if current is None:
        return []
    return [t for t, v in retired.items()
            if (since := moment(v["since"])) is not None
            and since + timedelta(seconds=grace_seconds) <= current]


def next_state(manifest: Manifest, result: Plan, revids: dict[str, int],
               retired: dict[str, dict] | None = None) -> dict:
    """The state to record after the edits: per title the build's hash and the revision id.

    `revids` holds the revision each edited page became; unchanged pages keep their current one.
    The gadget definition is shared with other gadgets, so only its section hash is kept.
    """
    pages = {}
    for change in result.changes:
        if change.action == "conflict":
            continue
        entry: dict = {"sha256": change.new_hash}
        revid = revids.get(change.title, change.revid)
        if change.kind != "gadget-definition" and revid:
            entry["revid"] = revid
        pages[change.title] = entry
    state = {"format": STATE_FORMAT, "generator": manifest.generator, "source": manifest.source,
             "library_version": manifest.library_version, "pages": pages}
    if retired:
        state["retired"] = retired
    return state


def state_text(state: dict) -> str:
    return json.dumps(state, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def state_is_current(recorded_text: str | None, wanted: dict) -> bool:
    try:
        return json.loads(recorded_text or "") == wanted
    except ValueError:
        return False
