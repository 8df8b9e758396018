"""The pointer that names the live version of the gadget's data (contracts §3).

The loader ``MediaWiki:Gadget-wikitours.js`` starts with one line,
``mw.libs.wikitoursLive = {"<tour>": "<h>", …, "config": "<u>", "tours": "<index h>",
"translate": "<u>", "ui": "<u>"};``: what the gadget looks up mapped to the hash of its
content. A versioned title is the fixed title with ``/<h>`` after the tour or group. The
compiler writes the pointer (:func:`with_pointer`, from :func:`tours.render.liveversion.version_pages`),
deploy and the sync read it back (:func:`parse_pointer`), and every reader other than the gadget
builds the titles it reads with :func:`gadget_title`, the twin of the gadget's ``title()`` in
``gadget/src/messages.js``. Pure functions; the lowest layer (imports nothing of wikitours).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

__all__ = ["Pointer", "POINTER_NAME", "LOADER_TITLE", "LEGACY_INDEX_TITLE", "LEGACY_CONFIG_TITLE",
           "RESERVED", "VERSIONED_PREFIXES", "HASH_LENGTH", "tour_title", "messages_title",
           "index_title", "config_title", "version_hash", "with_pointer", "parse_pointer",
           "gadget_title", "gadget_titles"]

POINTER_NAME = "mw.libs.wikitoursLive"
LOADER_TITLE = "MediaWiki:Gadget-wikitours.js"
LEGACY_INDEX_TITLE = "MediaWiki:Gadget-wikitours-tours.json"
LEGACY_CONFIG_TITLE = "MediaWiki:Gadget-wikitours-config.json"
#: Keys of the pointer that are not tours.
RESERVED = ("config", "tours", "translate", "ui", "tasks")
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
        return version_hash([self.index, self.ui, *sorted(f"{k}={v}" for k, v in self.tours.items())])

    def data(self) -> dict:
        """The pointer as written into the loader: short keys, nothing derived (bytes on every
        page view): what the gadget looks up -> its hash."""
        data = dict(self.tours)
        data["tours"] = self.index
        if self.ui:
            data.update(config=self.ui, translate=self.ui, ui=self.ui)
        return dict(sorted(data.items()))


def version_hash(parts: Iterable[str]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8")
        digest.update(str(len(data)).encode("ascii") + b":" + data)
    return digest.hexdigest()[:HASH_LENGTH]


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
