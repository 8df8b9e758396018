"""The sync's publishing step: one compiled build goes live on one wiki, all or nothing.

Readers switch versions in one edit: the build gives the gadget's data versioned titles and the
loader (``MediaWiki:Gadget-wikitours.js``) names the live ones (:mod:`tours.render.liveversion`);
:mod:`publish.deploy` writes every new page before the loader. Around that this module

- marks the publish on the wiki's state page (``publishing``) and keeps the lease alive while the
  edits go on (:class:`publish.syncstate.LeaseKeeper`), so a sync that dies is noticed within a
  minute and the next one finishes the publish;
- reads what is actually live before and after (the pointer in the loader, with its revision),
  so the status page reports that rather than what the sync meant to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from publish.syncstate import LeaseKeeper
from tours.render.liveversion import LOADER_TITLE, Pointer, parse_pointer

__all__ = ["Live", "Published", "read_live", "target_of", "publish"]


@dataclass(frozen=True)
class Live:
    """What readers run: the pointer in the loader (None: no version published, or a loader
    without one) and the loader's revision."""

    pointer: Pointer | None
    revid: int = 0

    @property
    def version(self) -> str:
        return self.pointer.version if self.pointer is not None else ""


@dataclass(frozen=True)
class Published:
    """How a publish went: the deploy's exit status, the edits made of those planned, and what
    was live before and after."""

    code: int
    done: int
    total: int
    before: Live
    after: Live
    target: str  #: the gadget version the build names

    @property
    def switched(self) -> bool:
        """Readers run the new version (the pointer was flipped, now or earlier)."""
        return bool(self.target) and self.after.version == self.target


def read_live(site) -> Live:
    """The pointer as the wiki serves it now: one request."""
    reply = site.simple_request(action="query", titles=LOADER_TITLE, prop="revisions",
                                rvprop="ids|content", rvslots="main").submit()
    pages = reply.get("query", {}).get("pages", [])
    pages = list(pages.values()) if isinstance(pages, dict) else list(pages)
    revisions = pages[0].get("revisions", []) if pages else []
    if not revisions:
        return Live(None, 0)
    slot = revisions[0].get("slots", {}).get("main", {})
    text = slot.get("content", slot.get("*"))
    return Live(parse_pointer(text if isinstance(text, str) else None),
                int(revisions[0].get("revid", 0)))


def target_of(manifest) -> str:
    """The gadget version *manifest* (a :class:`publish.deployplan.Manifest`) makes live."""
    loader = next((p for p in manifest.pages if p.title == LOADER_TITLE), None)
    pointer = parse_pointer(loader.text) if loader is not None else None
    return pointer.version if pointer is not None else ""


def publish(site, manifest, keeper: LeaseKeeper, *, started: str,
            before_edits: Callable[[Live], None],
            deploy: Callable[..., int]) -> Published:
    """Publish *manifest* on *site* under *keeper*'s lease.

    The state page is marked ``publishing`` first (so an interrupted publish is known), then
    *before_edits* is called with what is live (the sync writes its "publishing" status page
    there), then *deploy* runs with a progress hook that renews the lease between edits. The
    mark is left in *keeper*'s state: the caller removes it with its final state write."""
    target = target_of(manifest)
    keeper.touch(force=True, publishing={"version": manifest.library_version or "-",
                                         "pointer": target or "-", "started": started})
    before = read_live(site)
    before_edits(before)
    counted = {"done": 0, "total": 0}

    def progress(number: int, total: int, change) -> None:
        counted["done"], counted["total"] = number, total
        keeper.touch(force=change.kind == "pointer")  # a renewal marks the switch's moment

    code = deploy(site, manifest, progress=progress)
    after = read_live(site) if counted["done"] else before
    return Published(code, counted["done"], counted["total"], before, after, target)
