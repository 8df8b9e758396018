"""Shared helpers for the gadget's browser tests (no tests of its own).

They put on a real wiki exactly the pages the build makes for the gadget — tour data, message
pages, the index, the catalogue, the gadget code and its Gadgets-definition lines — rendered by
the project's own renderers (``tours.render``) and bundler (``tours.gadget_bundle``), and drive
Debian's Chromium through Playwright.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Iterable, Mapping

from tours import gadget_bundle
from tours.i18n import source_messages
from tours.load import load_library
from tours.render.catalogue import render_catalogue
from tours.render.common import Site
from tours.render.gadgetdata import (
    badge_tours,
    form_messages,
    gadget_config,
    gadget_index,
    tour_data,
    tour_messages,
    ui_messages,
)
from tours.render.texts import Messages

ROOT = Path(__file__).resolve().parents[2]


def banana(path: Path) -> dict[str, str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("@") and isinstance(v, str)}


def library(text: str | None = None):
    lib, problems = load_library(text or (ROOT / "tours.yaml").read_text(encoding="utf-8"),
                                 "tours.yaml")
    assert lib is not None, [str(p) for p in problems]
    return lib


def site_pages(lib=None, config: Mapping | None = None,
               languages: Iterable[str] = ("ar",)) -> list[tuple[str, str, str]]:
    """Every page the gadget reads, as ``(title, model, content)``."""
    lib = lib or library()
    source = {k: m.text for k, m in source_messages(lib).items()}
    texts = {lib.source_language: source}
    for lang in languages:
        path = ROOT / "i18n" / "tours" / f"{lang}.json"
        if path.exists():
            texts[lang] = {k: v for k, v in banana(path).items() if k in source}
    gadget_langs = sorted(p.stem for p in (ROOT / "i18n" / "gadget").glob("*.json")
                          if p.stem != "qqq")
    pages = [gadget_index(lib, sorted(set(texts) | set(gadget_langs)), config),
             gadget_config(config)]
    for tour in lib.tours:
        pages.append(tour_data(lib, tour))
        for lang, lang_texts in texts.items():
            page = tour_messages(tour, lang, lang_texts, badge_tours(lib, tour.badge))
            if page is not None:
                pages.append(page)
    for lang in gadget_langs:
        ui = banana(ROOT / "i18n" / "gadget" / f"{lang}.json")
        pages += [ui_messages(lang, ui), form_messages(lang, ui)]
    page_texts = {p.stem: banana(p) for p in (ROOT / "i18n" / "pages").glob("*.json")
                  if p.stem != "qqq"}
    site = Site(lib, Messages(texts, lib.source_language), Messages(page_texts, "en"),
                (lib.source_language,))
    pages.append(render_catalogue(site, lib.source_language))
    return [(p.title, p.model, p.content) for p in pages] + gadget_bundle.gadget_pages()


def deploy(wiki, pages: Iterable[tuple[str, str, str]]) -> None:
    """Save the pages and the gadget's definition lines as the admin (an interface admin)."""
    for title, model, content in pages:
        wiki.edit(title, content, contentmodel=model, summary="wikitours test deploy")
    wiki.edit("MediaWiki:Gadgets-definition",
              "== wikitours ==\n" + "\n".join(gadget_bundle.definition_lines()) + "\n",
              summary="wikitours test deploy")


def watch_errors(page) -> list[str]:
    """Collect uncaught page errors and console errors (except failed resource loads)."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.on("console", lambda msg: errors.append(f"console: {msg.text}")
            if msg.type == "error" and "Failed to load resource" not in msg.text else None)
    return errors


POPOVER = ".wikitours-popover"


def popover_title(page) -> str:
    page.wait_for_selector(POPOVER, state="visible")
    return page.inner_text("#wikitours-popover-title").strip()


def wait_title(page, text: str, timeout: float = 15) -> None:
    """Wait until the popover shows a title containing *text*."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        loc = page.locator("#wikitours-popover-title")
        if loc.count():
            try:
                last = loc.inner_text(timeout=500).strip()
            except Exception:  # replaced while reading
                last = None
            if last and text in last:
                return
        time.sleep(0.1)
    raise AssertionError(f"popover title {text!r} not shown; last seen {last!r} on {page.url}")


def sign_in_and_start(wiki, page, name: str, tour: str, title: str, *, at: str | None = None,
                      skin: str | None = None, create: bool = True, timeout: float = 15,
                      wait_until: str = "load") -> None:
    """Create the account *name* (unless ``create=False``), sign in through the login form, open
    *at* (an index.php title; default the user's sandbox) with ``#wikitour=TOUR`` as the links
    wikitours makes do (and ``useskin=SKIN``), and wait for the tour's first popover *title*."""
    if create:
        wiki.create_user(name)
    wiki.login(page, name)
    where = at or f"User:{name.replace(' ', '_')}/sandbox"
    skin_query = f"&useskin={skin}" if skin else ""
    page.goto(f"{wiki.index}?title={where}{skin_query}#wikitour={tour}", wait_until=wait_until)
    wait_title(page, title, timeout=timeout)


def close_ve_welcome(page, keyboard: bool = False) -> bool:
    """VisualEditor may greet a user's first edit with a modal dialog (when it has not recorded
    that this user saw it). While it is open the tour's popover must step aside (the page behind
    the dialog is inert); close it as a person would, then the popover is back. Returns whether
    the dialog was shown."""
    page.wait_for_function(
        "window.mw && mw.loader.getState('ext.visualEditor.desktopArticleTarget.init') === 'ready'"
        " && document.readyState !== 'loading'")
    page.wait_for_timeout(300)  # VE decides at DOM ready whether to load its welcome dialog
    if page.evaluate("mw.loader.getState('ext.visualEditor.welcome')") in (None, "registered"):
        return False
    primary = page.locator(".oo-ui-window-active .oo-ui-messageDialog-actions "
                           ".oo-ui-flaggedElement-primary a")
    try:
        primary.wait_for(state="visible", timeout=10000)
    except Exception:  # loaded, but VE decided again not to show it
        return False
    page.wait_for_function(
        "!document.querySelector('.wikitours-popover') || getComputedStyle("
        "document.querySelector('.wikitours-popover')).visibility === 'hidden'", timeout=5000)
    if keyboard:
        primary.focus()
        page.keyboard.press("Enter")
    else:
        primary.click()
    primary.wait_for(state="hidden")
    page.wait_for_function(
        "document.querySelector('.wikitours-popover') && getComputedStyle("
        "document.querySelector('.wikitours-popover')).visibility === 'visible'", timeout=20000)
    return True


def progress_json(wiki, user: str) -> dict | None:
    text = wiki.wikitext(f"User:{user}/wikitours.json")
    return json.loads(text) if text is not None else None


def record_of(site, user: str, tour: str, status: str = "completed", timeout: float = 15) -> dict:
    """The learner's record of *tour* once it has *status* (the gadget saves it in the
    background after the popover changes)."""
    deadline = time.monotonic() + timeout
    record = None
    while time.monotonic() < deadline:
        record = ((progress_json(site, user) or {}).get("tours") or {}).get(tour)
        if record and record.get("status") == status:
            return record
        time.sleep(0.3)
    raise AssertionError(f"{user}'s record of {tour} is {record!r}, not {status}")


def tour_page(tour_id: str, steps: list[dict], *, version: int = 1, badge=None) -> tuple[str, str, str]:
    """A hand-written tour data page (contracts §4) for tests that need unusual steps."""
    full = []
    for step in steps:
        s = {"page": {"kind": "any"}, "target": None, "placement": "auto", "highlight": True,
             "advance": "next", "when": None, "unless": None,
             "title": f"wikitours-tour-{tour_id}-step-{step['id']}-title",
             "text": f"wikitours-tour-{tour_id}-step-{step['id']}-text"}
        s.update(step)
        full.append(s)
    data = {"id": tour_id, "version": version, "badge": badge, "requires": [],
            "sourceLanguage": "en", "steps": full}
    return (f"MediaWiki:Wikitours/tours/{tour_id}.json", "json", json.dumps(data, indent=1))


def messages_page(tour_id: str, lang: str, messages: Mapping[str, str]) -> tuple[str, str, str]:
    return (f"MediaWiki:Wikitours/messages/{tour_id}/{lang}.json", "json",
            json.dumps(dict(messages), ensure_ascii=False, indent=1))


def config_page(config: Mapping | None = None) -> tuple[str, str, str]:
    """The site's settings page (``MediaWiki:Gadget-wikitours-config.json``), which a starting
    tour reads (the index carries the same ``config`` for other readers)."""
    page = gadget_config(config)
    return (page.title, page.model, page.content)


def index_page(lib=None, config: Mapping | None = None) -> tuple[str, str, str]:
    """Only the gadget index (``MediaWiki:Gadget-wikitours-tours.json``) with *config*."""
    lib = lib or library()
    page = gadget_index(lib, ["ar", "en"], config)
    return (page.title, page.model, page.content)


#: What the gadget needs of a build: its code, tour data, messages in the tested languages and
#: the catalogue with its Start links (help pages and badge pages are left out to save time).
def _needed(entry: dict, languages: tuple[str, ...], catalogues: tuple[str, ...] = ("en",)) -> bool:
    kind, lang = entry.get("kind"), entry.get("lang")
    if kind in ("tour-data", "gadget-code", "gadget-style", "pointer"):
        return True
    if kind == "messages":
        return lang in languages
    return kind == "catalogue" and lang in (None, *catalogues)


def build_and_deploy(wiki, out: Path, languages: tuple[str, ...] = ("en", "ar", "de"),
                     catalogues: tuple[str, ...] = ("en",)) -> dict:
    """``python -m tours build`` then ``publish/deploy.py`` (Pywikibot, as the bot) onto *wiki*:
    exactly what a wiki gets, limited to the pages the gadget reads. Returns the manifest."""
    import subprocess
    import sys

    full = out / "full"
    done = subprocess.run([sys.executable, "-m", "tours", "build", str(ROOT / "tours.yaml"),
                           "--out", str(full)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    manifest = json.loads((full / "manifest.json").read_text())
    manifest["pages"] = [p for p in manifest["pages"] if _needed(p, languages, catalogues)]
    (full / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    done = subprocess.run([sys.executable, "-m", "publish.deploy", f"-manifest:{full}", "-overwrite"],
                          cwd=ROOT, env=wiki.pywikibot_env(), capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    return manifest
