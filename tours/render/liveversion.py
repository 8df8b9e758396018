"""Versions of the gadget's data and the pointer that names the live one (contracts §3).

The pointer's format (parse and render) lives in :mod:`contracts.liveversion`; this module
groups the build's pages into versioned segments.

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

from dataclasses import replace
from typing import Sequence

from contracts.liveversion import (  # noqa: F401  (the pointer's contract, re-used here)
    LEGACY_CONFIG_TITLE, LEGACY_INDEX_TITLE, LOADER_TITLE, POINTER_NAME, VERSIONED_PREFIXES,
    Pointer, config_title, gadget_title, gadget_titles, index_title, messages_title,
    parse_pointer, tour_title, version_hash, with_pointer)
from tours.render.common import Page

__all__ = ["version_pages", "with_version_note"]

_SITE_MESSAGES = ("MediaWiki:Wikitours/messages/ui/", "MediaWiki:Wikitours/messages/translate/")


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
    hashes = {group: version_hash(sorted(f"{p.kind}|{p.lang or ''}|{p.content}" for p in group_pages))
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


def with_version_note(help_text: str, message, lang: str, version: str) -> str:
    """A tour's help page ending with the version of the tour it describes (message
    ``wikitours-pages-tour-version``, *message* as ``Site.msg`` gives it), inside the page's
    language wrapper, so a reader can match it with the status page."""
    from tours.render.common import render_text

    note = render_text(message, lang, (version,))
    body = help_text.rstrip("\n")
    line = f'<div class="wikitours-version" data-version="{version}">{note}</div>\n'
    cut = body.rfind("</div>")
    return body[:cut] + line + body[cut:] + "\n" if cut >= 0 else body + "\n" + line
