"""Shared set-up of the end-to-end tests: the shipped tours on a real wiki, the app serving it
over HTTP, and a newcomer taking the first tours in Chromium (no tests of its own).

Used by ``tests/app/test_badges_e2e.py`` and ``tests/practice/test_tasks_e2e.py``; a new
end-to-end test starts from the same three pieces:

* :func:`deploy_tours`: ``python -m tours build`` then ``publish/deploy.py`` onto the wiki,
  exactly what a wiki gets (limited to the pages the gadget reads);
* :func:`serve_app`: the app over real HTTP, on its own SQLite database, reading that wiki;
* :func:`do_first_edit`, :func:`do_citation`: the ``first-edit`` and ``add-citation`` tours
  as a newcomer takes them in the source editor.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from werkzeug.serving import make_server

from tests.gadget.test_gadget_support import POPOVER, ROOT, build_and_deploy, close_ve_welcome, wait_title
from toolforge import create_app, db, learning

__all__ = ["deploy_tours", "serve_app", "click", "edit_in_source_editor", "do_first_edit",
           "do_citation"]


def deploy_tours(wiki, tmp_path_factory, languages: tuple[str, ...] = ("en", "ar", "de"),
                 catalogues: tuple[str, ...] = ("en",)) -> dict:
    """Build the shipped tours in a fresh folder and deploy them onto *wiki* as the bot does;
    the deployed manifest. *tmp_path_factory* is pytest's (module fixtures have no
    ``tmp_path``)."""
    return build_and_deploy(wiki, tmp_path_factory.mktemp("build"), languages, catalogues)


@contextmanager
def serve_app(wiki, database: Path, **config) -> Iterator[tuple[object, str]]:
    """The app reading *wiki* (id ``local``) with the shipped library, its database at
    *database* (migrated), served over HTTP on a free port: ``(app, base URL)``. *config*
    adds to or replaces the app's settings (``PROGRESS_CACHE_SECONDS=0``…)."""
    app = create_app({
        "TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": f"sqlite:///{database}",
        "TOURS": {}, "WIKIS": [{"id": "local", "api": wiki.api, "index": wiki.index,
                                "language": "en"}],
        "LIBRARY": learning.load_library(ROOT / "tours.yaml"), **config})
    db.upgrade(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


def click(page, name: str) -> None:
    """Click the popover's button *name* (``next``, ``done``, ``finish``…)."""
    page.click(f'{POPOVER} [data-wikitours="{name}"]')


def edit_in_source_editor(page) -> None:
    """Open the source editor with the page's Edit tab, as the tours' "Open the editor" asks."""
    with page.expect_navigation():
        page.click("#ca-edit a")
    page.wait_for_function("window.mw && mw.config.get('wgAction') === 'edit'")
    close_ve_welcome(page)


def _sandbox(wiki, user: str, tour: str) -> str:
    return f"{wiki.index}?title=User:{user.replace(' ', '_')}/sandbox&wikitour={tour}"


def do_first_edit(page, wiki, user: str, finish: bool = True) -> None:
    """The ``first-edit`` tour to its end in *user*'s sandbox (signed in as *user*), closed
    with Finish unless *finish* is false (the task offers show in the completion popover)."""
    page.goto(_sandbox(wiki, user, "first-edit"))
    wait_title(page, "This is your sandbox")
    click(page, "next")
    wait_title(page, "Open the editor")
    edit_in_source_editor(page)
    wait_title(page, "Write something")
    page.fill("#wpTextbox1", "Hello! I would like to improve articles about rivers.")
    click(page, "next")
    wait_title(page, "Describe your change")
    page.fill("#wpSummary", "trying out my sandbox")
    click(page, "next")
    wait_title(page, "Publish your edit")
    page.click("#wpSave")
    wait_title(page, "You made your first edit!")
    click(page, "done")
    wait_title(page, "Tour completed")
    if finish:
        click(page, "finish")


def publish_in_visual_editor(page, title: str, summary: str) -> None:
    """A task tour's last steps in the visual editor: Next to the publish step *title*, the
    toolbar's Publish, the summary in the save dialog, its Publish, then the tour's thanks and
    end; the "Tour completed" popover stays."""
    click(page, "next")
    wait_title(page, title)
    page.click(".ve-ui-toolbar-saveButton")
    dialog_save = page.locator(".ve-ui-mwSaveDialog .oo-ui-processDialog-actions-primary a")
    dialog_save.wait_for(state="visible")
    page.fill(".ve-ui-mwSaveDialog-summary textarea", summary)
    dialog_save.click()
    wait_title(page, "Thank you!", timeout=40)
    click(page, "done")
    wait_title(page, "Tour completed")


def do_citation(page, wiki, user: str, finish: bool = True) -> None:
    """The ``add-citation`` tour in *user*'s sandbox: a sentence with a ``<ref>`` saved, up to
    the "Tour completed" popover, closed with Finish unless *finish* is false (the task
    offers show in that popover)."""
    page.goto(_sandbox(wiki, user, "add-citation"))
    wait_title(page, "Why sources matter")
    click(page, "next")
    wait_title(page, "Open the editor")
    edit_in_source_editor(page)
    wait_title(page, "The toolbar helps you cite")
    before = page.input_value("#wpTextbox1")
    page.fill("#wpTextbox1", before + "\n\nThe Rhine flows into the North Sea."
              "<ref>Atlas of Europe, 2020, p. 41</ref>\n\n== References ==\n<references />")
    click(page, "next")
    wait_title(page, "Check before you publish")
    click(page, "next")
    wait_title(page, "Publish your cited sentence")
    page.click("#wpSave")
    wait_title(page, "A sourced sentence")
    click(page, "done")
    wait_title(page, "Tour completed")
    if finish:
        click(page, "finish")
