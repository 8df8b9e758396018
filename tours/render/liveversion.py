"""Versions of the gadget's data and the pointer that names the live one (contracts §3).

A publish must never leave readers running new steps with old messages. MediaWiki cannot edit
several pages at once, so the build gives every page the gadget reads a title that carries a
hash of its content, grouped by what changes together:

- one *segment* per tour: ``MediaWiki:Wikitours/tours/<tour>/<h>.json`` and
  ``MediaWiki:Wikitours/messages/<tour>/<h>/<lang>.json`` (``h`` hashes the tour's data and all
  its message pages);
- the site's own pages, one hash for all: the interface messages
  ``MediaWiki:Wikitours/messages/ui/<h>/<lang>.json``, the translation form's texts
  ``MediaWiki:Wikitours/messages/translate/<h>/<lang>.json`` and the settings
  ``MediaWiki:Gadget-wikitours-config/<h>.json`` (they change rarely, and together: one hash keeps the
  pointer short);
- the index: ``MediaWiki:Gadget-wikitours-tours/<h>.json``.

A versioned title is the fixed title with ``/<h>`` after the tour or group (the settings:
``MediaWiki:Gadget-wikitours-config/<h>.json``), so the gadget builds both with one rule. The
pointer is paid on every page view, so it is one flat map from what the gadget looks up (a tour
id, ``ui``, ``translate``, ``config``, ``tours`` for the index) to its hash: those four names
cannot be tour ids.

The *pointer* maps each of them to its hash and is written into the first line of the loader
(``MediaWiki:Gadget-wikitours.js``), which every reader already loads: flipping it is the single
edit that switches readers from one complete version to the next, and starting a tour costs no
extra request. Deploy writes every new page before the pointer; old pages stay until no pointer
has named them for a grace period (ResourceLoader may serve a reader the old loader for minutes).

A publish where one tour changed creates only that tour's segment, the index (its step counts)
and the pointer. Pure functions.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping, Sequence

from tours.model import RESERVED_TOUR_IDS
from tours.render.common import Page
from tours.render.common import render_text

__all__ = ["Pointer", "POINTER_NAME", "LOADER_TITLE", "LEGACY_INDEX_TITLE", "tour_title",
           "messages_title", "index_title", "version_pages", "with_pointer", "parse_pointer",
           "gadget_titles", "gadget_title", "VERSIONED_PREFIXES", "with_version_note", "config_title",
           "LEGACY_CONFIG_TITLE"]

POINTER_NAME = "mw.libs.wikitoursLive"
LOADER_TITLE = "MediaWiki:Gadget-wikitours.js"
LEGACY_INDEX_TITLE = "MediaWiki:Gadget-wikitours-tours.json"
LEGACY_CONFIG_TITLE = "MediaWiki:Gadget-wikitours-config.json"
#: Keys of the pointer that are not tours.
RESERVED = RESERVED_TOUR_IDS
_SITE_MESSAGES = ("MediaWiki:Wikitours/messages/ui/", "MediaWiki:Wikitours/messages/translate/")
#: Titles of versioned pages start with one of these (deploy may retire and delete them).
VERSIONED_PREFIXES = ("MediaWiki:Wikitours/tours/", "MediaWiki:Wikitours/messages/",
                      "MediaWiki:Gadget-wikitours-tours/", "MediaWiki:Gadget-wikitours-config/")
_HASH = re.compile(r"^[0-9a-f]{6,40}$")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_LINE = re.compile(r"^" + re.escape(POINTER_NAME) + r" = (\{.*\});$", re.M)
HASH_LENGTH = 10


def tour_title(tour: str, version: str) -> str:
    return f"MediaWiki:Wikitours/tours/{tour}/{version}.json"


def messages_title(group: str, version: str, lang: str) -> str:
    return f"MediaWiki:Wikitours/messages/{group}/{version}/{lang}.json"


def index_title(version: str) -> str:
    return f"MediaWiki:Gadget-wikitours-tours/{version}.json"


def config_title(version: str) -> str:
    return f"MediaWiki:Gadget-wikitours-config/{version}.json"


@dataclass(frozen=True)
class Pointer:
    """What readers run: the hash of the index, of the site's pages (interface and translation
    form texts, settings: ``ui``) and of each tour."""

    index: str
    ui: str
    tours: Mapping[str, str] = field(default_factory=dict)

    @property
    def version(self) -> str:
        """One id for the whole live gadget version (shown on the status page)."""
        return _hash([self.index, self.ui, *sorted(f"{k}={v}" for k, v in self.tours.items())])

    def data(self) -> dict:
        """The pointer as written into the loader: short keys, nothing derived (bytes on every
        page view): what the gadget looks up -> its hash."""
        data = dict(self.tours)
        data["tours"] = self.index
        if self.ui:
            data.update(config=self.ui, translate=self.ui, ui=self.ui)
        return dict(sorted(data.items()))


def _hash(parts: Iterable[str]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8")
        digest.update(str(len(data)).encode("ascii") + b":" + data)
    return digest.hexdigest()[:HASH_LENGTH]


def _group(page: Page) -> str | None:
    """Which segment a page belongs to: ``index``, ``ui`` (the site's pages), ``tour:<id>``, or
    None (fixed title)."""
    if page.title == LEGACY_INDEX_TITLE:
        return "index"
    if page.title == LEGACY_CONFIG_TITLE or (
            page.kind == "messages" and page.tour is None and page.lang
            and page.title.startswith(_SITE_MESSAGES)):
        return "ui"
    if page.kind in ("tour-data", "messages") and page.tour and \
            page.title.startswith(VERSIONED_PREFIXES):
        return "tour:" + page.tour
    return None


def version_pages(pages: Sequence[Page]) -> tuple[list[Page], Pointer]:
    """*pages* with the gadget's data moved to versioned titles, and the pointer to them.

    The order of *pages* is kept (the build's output stays deterministic)."""
    members: dict[str, list[Page]] = {}
    for page in pages:
        group = _group(page)
        if group is not None:
            members.setdefault(group, []).append(page)
    hashes = {group: _hash(sorted(f"{p.kind}|{p.lang or ''}|{p.content}" for p in group_pages))
              for group, group_pages in members.items()}
    out = []
    for page in pages:
        group = _group(page)
        if group is None:
            out.append(page)
        elif group == "index":
            out.append(replace(page, title=index_title(hashes[group])))
        elif page.title == LEGACY_CONFIG_TITLE:
            out.append(replace(page, title=config_title(hashes[group])))
        elif group == "ui":
            name = page.title[len("MediaWiki:Wikitours/messages/"):].split("/")[0]
            out.append(replace(page, title=messages_title(name, hashes[group], page.lang or "")))
        elif page.kind == "tour-data":
            out.append(replace(page, title=tour_title(page.tour or "", hashes[group])))
        else:
            out.append(replace(page, title=messages_title(page.tour or "", hashes[group],
                                                          page.lang or "")))
    pointer = Pointer(hashes.get("index", ""), hashes.get("ui", ""),
                      {g[5:]: h for g, h in sorted(hashes.items()) if g.startswith("tour:")})
    return out, pointer


def with_pointer(loader: str, pointer: Pointer) -> str:
    """The loader's text with the pointer as its first line (replacing one already there)."""
    line = f"{POINTER_NAME} = " + json.dumps(pointer.data(), sort_keys=True,
                                             separators=(",", ":")) + ";\n"
    return line + _LINE.sub("", loader, count=1).lstrip("\n")


def parse_pointer(loader: str | None) -> Pointer | None:
    """The pointer in a loader's text; None when it has none or it is malformed (a hand-staged
    wiki: the gadget then reads the fixed titles)."""
    match = _LINE.search(loader or "")
    if not match:
        return None
    try:
        data = json.loads(match.group(1))
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    index, ui = data.get("tours"), data.get("ui", "")
    if not (isinstance(index, str) and _HASH.match(index) and isinstance(ui, str)
            and (ui == "" or _HASH.match(ui))):
        return None
    clean = {k: v for k, v in data.items() if k not in RESERVED
             and isinstance(k, str) and _ID.match(k) and isinstance(v, str) and _HASH.match(v)}
    return Pointer(index, ui, clean)


def gadget_title(pointer: Pointer | None, kind: str, name: str = "", lang: str = "") -> str:
    """The title the gadget's ``title(kind, name, lang)`` (gadget/src/messages.js) builds: the
    fixed title, with ``/<h>`` after the tour or group when the pointer names a hash for it."""
    if kind == "progress":
        return f"User:{name}/wikitours.json"
    version = pointer.data().get(name or kind) if pointer is not None else None
    base = f"MediaWiki:Wikitours/{kind}/{name}" if name else f"MediaWiki:Gadget-wikitours-{kind}"
    return base + (f"/{version}" if version else "") + (f"/{lang}" if lang else "") + ".json"


def gadget_titles(pointer: Pointer | None, tour: str, langs: Sequence[str]) -> dict[str, str]:
    """The titles the gadget reads to start *tour* in the languages *langs*, as the gadget
    builds them (:func:`gadget_title`): ``{"index", "config", "tour", "messages/<lang>",
    "ui/<lang>", "translate/<lang>"}``. Without a pointer, or for a tour the pointer does not
    name, the fixed titles (which a deploy with a pointer never writes: the tour is missing)."""
    out = {"index": gadget_title(pointer, "tours"), "config": gadget_title(pointer, "config"),
           "tour": gadget_title(pointer, "tours", tour)}
    for lang in langs:
        out[f"messages/{lang}"] = gadget_title(pointer, "messages", tour, lang)
        out[f"ui/{lang}"] = gadget_title(pointer, "messages", "ui", lang)
        out[f"translate/{lang}"] = gadget_title(pointer, "messages", "translate", lang)
    return out


def with_version_note(help_text: str, message, lang: str, version: str) -> str:
    """A tour's help page ending with the version of the tour it describes (message
    ``wikitours-pages-tour-version``, *message* as ``Site.msg`` gives it), inside the page's
    language wrapper, so a reader can match it with the status page."""
    note = render_text(message, lang, (version,))
    body = help_text.rstrip("\n")
    line = f'<div class="wikitours-version" data-version="{version}">{note}</div>\n'
    cut = body.rfind("</div>")
    return body[:cut] + line + body[cut:] + "\n" if cut >= 0 else body + "\n" + line
