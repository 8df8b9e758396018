"""Helpers for deploy tests: hand-made build folders and running publish/deploy.py as a real script."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def write_build(directory: Path, pages: list[tuple[str, str, str]], *, section: str = "wikitours",
                lines: list[str] | None = None, version: str = "0123456789ab") -> Path:
    """A build folder like `python -m tours build` writes: pages are (title, model, text)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "pages").mkdir(exist_ok=True)
    entries = []
    for number, (title, model, text) in enumerate(pages, 1):
        file = f"pages/{number:04}.txt"
        (directory / file).write_text(text, encoding="utf-8")
        entries.append({"title": title, "model": model, "file": file,
                        "sha256": hashlib.sha256(text.encode()).hexdigest(), "kind": "help",
                        "tour": None, "lang": "en"})
    manifest = {"generator": "wikitours 0.1.0", "source": "tours.yaml", "source_sha256": "0" * 64,
                "library_version": version, "wiki": None, "pages": entries}
    if lines is not None:
        manifest["gadget_definition"] = {"title": "MediaWiki:Gadgets-definition",
                                         "section": section, "lines": lines}
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return directory


def deploy(wiki, *args: str, timeout: float = 300) -> Run:
    """Run `python -m publish.deploy ARGS` against `wiki` as its bot, the way a person would."""
    done = subprocess.run([sys.executable, "-m", "publish.deploy", *args], cwd=ROOT,
                          env=wiki.pywikibot_env(),
                          capture_output=True, text=True, timeout=timeout)
    return Run(done.returncode, done.stdout, done.stderr)


def edits_since(wiki, mark: int) -> list[str]:
    """Titles edited (API action=edit POSTs) after `mark`, in order, as the server saw them."""
    return [e.title for e in wiki.request_log()[mark:] if e.method == "POST" and e.action == "edit"]


def content_reads_since(wiki, mark: int) -> int:
    """API queries after `mark` that read page revisions (the batched content reads)."""
    return sum(1 for e in wiki.request_log()[mark:]
               if e.action == "query" and "revisions" in e.prop.split("|"))


def live_title(wiki, title: str) -> str:
    """The title a reader's gadget reads for the fixed *title* of the gadget's data
    (``MediaWiki:Wikitours/tours/<tour>.json``, ``…/messages/<tour, ui or translate>/<lang>.json``,
    ``MediaWiki:Gadget-wikitours-tours.json``, ``…-config.json``), resolved through the pointer in the wiki's loader
    (contracts §3); *title* itself when the loader has no pointer."""
    import re

    from tours.render.liveversion import LOADER_TITLE, gadget_titles, parse_pointer

    pointer = parse_pointer(wiki.wikitext(LOADER_TITLE))
    if pointer is None:
        return title
    if title in ("MediaWiki:Gadget-wikitours-tours.json", "MediaWiki:Gadget-wikitours-config.json"):
        return gadget_titles(pointer, "", [])["index" if title.endswith("tours.json") else "config"]
    match = re.fullmatch(r"MediaWiki:Wikitours/tours/([^/]+)\.json", title)
    if match:
        return gadget_titles(pointer, match.group(1), []).get("tour", title)
    match = re.fullmatch(r"MediaWiki:Wikitours/messages/([^/]+)/([^/]+)\.json", title)
    if match:
        group, lang = match.groups()
        key = group if group in ("ui", "translate") else "messages"
        return gadget_titles(pointer, "x" if key != "messages" else group, [lang]).get(
            f"{key}/{lang}", title)
    return title
