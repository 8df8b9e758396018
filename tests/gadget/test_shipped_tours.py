"""Every shipped tour runs to its end, in every skin, on every MediaWiki version, in each editor
(issue 16: "every shipped tour passes in Vector 2022, legacy Vector and Minerva, on both
versions and in both editors").

The tours are read from ``tours.yaml``, not listed here: a tour added to the library joins the
matrix. Each run is a fresh newcomer in real Chromium on the module's wiki (one per MediaWiki
version, the build deployed once), driven by what the gadget itself says is on screen: the step
it shows (``mw.libs.wikitours.state``) and that step's element. A generic driver does what a
person would do for each kind of step (contracts §4 ``advance``):

- ``next``: write something where the step points at a box to write in, then *Next*;
- ``click``: click the highlighted element itself;
- ``editor-opened``: open the editor of this run (the source editor's tab or the visual
  editor's), closing VisualEditor's first-use welcome as a person would;
- ``saved``: publish in whichever editor is open (the visual editor's save dialog, the source
  editor's Save, DiscussionTools' Publish);
- ``visited``: follow the link in the step's element to the page the next step is on;
- a step on another page: the popover's "Go there" button.

Every step's element must be found (a popover "element missing" fails the run), and the run
ends with the gadget's "Tour completed" and the learner's progress page
(``User:<name>/wikitours.json``) saying ``completed``, with the revision of each edit.

Routes (the ``route`` parameter):

- ``source`` / ``visual``: tours that edit a page have steps for both editors, chosen by the
  editor the newcomer opens; the run opens that one. Minerva runs the source route only:
  VisualEditor does not run in Minerva without MobileFrontend (MediaWiki says "Your skin is
  incompatible with VisualEditor"), and the tours' ``editor-tab`` offers only the source editor
  there (``tours/catalogue.py``).
- ``talk``: tours that write on a talk page go through the talk page's own tool, whichever the
  wiki has: DiscussionTools' new topic tool where it runs (MediaWiki 1.43 bundles it, on by
  default) or the classic source editor (1.39).
- ``reads``: tours that do not edit (mentor-basics, run-a-workshop) show pages and point at
  their parts; they run in every skin.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from playground.practiceseed import seed_task_articles
from tests.gadget.test_editors_browser import DT_BODY, type_in_discussion_body
from tests.gadget.test_gadget_support import (
    POPOVER,
    ROOT,
    build_and_deploy,
    close_ve_welcome,
    library,
    record_of,
)
from tours.catalogue import selectors_for, selectors_in

LIBRARY = library()
SKINS = ("vector-2022", "vector", "minerva")
SHOTS = ROOT / "screenshots" / "tmp" / "shipped"
#: Elements a person writes in, and what the driver writes there.
WRITE_IN = ("textbox", "summary", "visual-editor-surface", "ve-summary", "discussion-subject",
            "discussion-body")
#: Elements that open an editor: on the visual route the newcomer opens the visual editor
#: whichever of them a step points at (and the source editor on the source route).
EDITOR_TABS = {"edit-source-tab", "visual-edit-tab", "edit-tab", "editor-tab"}
#: How long a run may take before it counts as stuck (a fresh wiki builds its caches first).
RUN_SECONDS = 150


def edits(tour) -> bool:
    """Whether the tour saves an edit (a step that waits for ``saved``)."""
    return any(s.advance == "saved" for s in tour.steps)


def editors(tour) -> set[str]:
    """The editors the tour's steps name in ``when: editor``."""
    return {e for s in tour.steps for e in s.when.editors}


def routes(tour) -> tuple[str, ...]:
    if not edits(tour):
        return ("reads",)
    if "discussion" in editors(tour):
        return ("talk",)
    return ("source", "visual")


def matrix() -> list:
    out = []
    for tour in LIBRARY.tours:
        for skin in SKINS:
            for route in routes(tour):
                if route == "visual" and skin == "minerva":
                    continue  # no VisualEditor in Minerva without MobileFrontend (see above)
                out.append(pytest.param(tour.id, skin, route, id=f"{tour.id}-{skin}-{route}"))
    return out


def step_model(tour_id: str, step_id: str):
    tour = next(t for t in LIBRARY.tours if t.id == tour_id)
    return next(s for s in tour.steps if s.id == step_id)


def element_names(step) -> list[str]:
    target = step.target
    if target is None:
        return []
    names = [a.element for a in target.alternatives if a.element]
    return names or ([target.element] if target.element else [])


# -- what the tours say about themselves (no wiki needed) -----------------------------------------

@pytest.mark.parametrize("tour_id", [t.id for t in LIBRARY.tours if edits(t)])
def test_every_tour_that_edits_has_steps_for_the_editor_the_newcomer_opens(tour_id):
    """A tour that saves an edit follows whichever editor the newcomer opens: on a talk page the
    talk page's tool (DiscussionTools or the source editor), elsewhere the source and the visual
    editor, each branch ending in its own ``saved`` step; the step that opens the editor waits
    for either editor (``editor-opened``), not for a click on one tab."""
    tour = next(t for t in LIBRARY.tours if t.id == tour_id)
    wanted = {"source", "discussion"} if "discussion" in editors(tour) else {"source", "visual"}
    assert wanted <= editors(tour), f"{tour_id} has steps only for {sorted(editors(tour))}"
    for editor in wanted:
        saves = [s.id for s in tour.steps if s.advance == "saved" and
                 (not s.when.editors or editor in s.when.editors)]
        assert saves, f"{tour_id}: the {editor} branch never waits for the save"
    for step in tour.steps:
        names = element_names(step)
        assert not (step.advance == "click" and {"edit-source-tab", "visual-edit-tab"} & set(names)), \
            f"{tour_id}/{step.id} waits for a click on one editor's tab: use editor-opened"


@pytest.mark.parametrize("tour_id", [t.id for t in LIBRARY.tours if not edits(t)])
def test_tours_that_do_not_edit_open_no_editor(tour_id):
    """mentor-basics and run-a-workshop show pages and point at their parts: nothing is saved,
    no step waits for an editor or names one, so they are the same in both editors and run
    (below) in every skin as they are."""
    tour = next(t for t in LIBRARY.tours if t.id == tour_id)
    assert not editors(tour)
    assert all(s.advance in ("next", "click", "visited") for s in tour.steps)
    assert not any(set(element_names(s)) & set(WRITE_IN) for s in tour.steps)


def test_the_matrix_holds_every_shipped_tour_in_every_skin():
    ids = [p.values for p in matrix()]
    for tour in LIBRARY.tours:
        for skin in SKINS:
            assert any(t == tour.id and s == skin for t, s, _ in ids), (tour.id, skin)
        if edits(tour) and "discussion" not in editors(tour):
            assert (tour.id, "vector-2022", "visual") in ids and (tour.id, "minerva", "source") in ids


# -- the wiki and the driver ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(wiki, tmp_path_factory):
    """One wiki per MediaWiki version for the whole matrix: the build deployed once, the pages the
    tours visit (the sample articles of the practice tasks, the mentor list)."""
    seed_task_articles(wiki)
    wiki.edit("Project:Wikitours/Mentors.json", json.dumps({"mentors": [
        {"username": wiki.admin.name, "languages": ["en"], "capacity": 5,
         "intro": "Happy to help."}]}), contentmodel="json")
    build_and_deploy(wiki, tmp_path_factory.mktemp("build"), languages=("en",))
    return wiki


_VERSIONS: dict[str, str] = {}


def version(site) -> str:
    """The wiki's MediaWiki version (``1.43.9``), asked once."""
    if site.url not in _VERSIONS:
        _VERSIONS[site.url] = site.call(action="query", meta="siteinfo")["query"]["general"][
            "generator"].split()[-1]
    return _VERSIONS[site.url]


def shot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


_STATE = """() => {
  var wt = window.mw && mw.libs && mw.libs.wikitours, S = wt && wt.state,
      pop = document.querySelector('.wikitours-popover'), title = document.querySelector('#wikitours-popover-title');
  if (!S || !S.tour || !pop || getComputedStyle(pop).visibility !== 'visible' || !title) return null;
  return {shown: S.shown, index: S.index, editor: S.editor || null, done: !!S.done,
          step: S.tour.steps[S.shown] ? S.tour.steps[S.shown].id : null,
          missing: pop.classList.contains('wikitours-popover--missing'),
          buttons: Array.prototype.map.call(pop.querySelectorAll('[data-wikitours]'),
                                            function (b) { return b.getAttribute('data-wikitours'); }),
          title: title.textContent.trim(), url: location.href, skin: mw.config.get('skin'),
          text: (document.getElementById('wikitours-popover-text') || {}).textContent || ''};
}"""

#: Marks the element the step on screen points at (the gadget's own lookup), for a real click.
_MARK_TARGET = """(clickable) => {
  var wt = mw.libs.wikitours, S = wt.state, step = S.tour.steps[S.shown];
  var list = wt.elements.selectors(step.target, mw.config.get('skin'));
  var el = null;
  list.some(function (sel) {
    var found = Array.prototype.filter.call(document.querySelectorAll(sel), wt.elements.visible);
    el = found[0] || null; return !!el;
  });
  document.querySelectorAll('[data-matrix-target]').forEach(function (e) { e.removeAttribute('data-matrix-target'); });
  if (!el) return false;
  (clickable ? wt.elements.clickable(el) : el).setAttribute('data-matrix-target', '1');
  return true;
}"""


class Run:
    """One newcomer taking one tour in one skin, by one route."""

    def __init__(self, site, page, tour_id: str, skin: str, route: str, user: str):
        self.site, self.page, self.tour_id, self.skin, self.route, self.user = \
            site, page, tour_id, skin, route, user
        self.name = f"{tour_id}-{skin}-{route}-{version(site)}"
        self.wrote: set[str] = set()
        #: the editors the gadget saw the newcomer open (its ``state.editor``)
        self.editors: set[str] = set()
        self.trail: list[str] = []

    # -- reading the gadget --------------------------------------------------------------------
    def state(self) -> dict | None:
        try:
            return self.page.evaluate(_STATE)
        except Exception:  # the page is navigating
            return None

    def settled(self, before: tuple | None, timeout: float = 60) -> dict:
        """The next popover that differs from *before* (step, title, address)."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            last = self.state()
            if last is None:
                self.close_welcome()
            if last and (last["shown"], last["title"], last["url"], tuple(last["buttons"])) != before:
                self.page.wait_for_timeout(150)  # the popover's buttons are bound
                again = self.state()
                if again == last:
                    return last
            self.page.wait_for_timeout(100)
        self.fail(f"the tour did not move on from {before!r}; last seen {last!r}")

    def saved(self, index: int, timeout: float = 60) -> None:
        """After publishing, the tour moves past its ``saved`` step. The visual editor closes
        before MediaWiki's ``postEdit`` arrives (and may load the page again): meanwhile the
        popover may show the save step or an earlier one once more; that is no step to act on."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            now = self.state()
            if now and (now["done"] or now["shown"] > index):
                return
            self.page.wait_for_timeout(150)
        self.fail(f"the save of step {index} was not seen by the tour")

    def fail(self, why: str):
        path = shot(self.page, f"failed-{self.name}")
        raise AssertionError(f"{self.name}: {why} (trail {' → '.join(self.trail)}; screenshot {path})")

    # -- doing what a person does --------------------------------------------------------------
    def button(self, name: str) -> None:
        self.page.click(f'{POPOVER} [data-wikitours="{name}"]')

    def text(self, where: str) -> str:
        words = f"Written in the {where} by {self.user} ({self.tour_id}, {self.skin})."
        namespace = self.page.evaluate("mw.config.get('wgNamespaceNumber')")
        return words + (" ~~~~" if namespace % 2 == 1 and where == "source editor" else "")

    def write(self, element: str) -> None:
        page = self.page
        if element == "textbox":
            box = page.locator("#wpTextbox1")
            box.fill((box.input_value().rstrip() + "\n\n" + self.text("source editor")).lstrip())
        elif element == "summary":
            page.fill("#wpSummary", f"{self.tour_id} in the source editor")
        elif element == "visual-editor-surface":
            # where the first paragraph starts, as a reader would: the popover may sit over the
            # rest, and a maintenance banner above it is a template node that takes no typing
            page.locator(".ve-ce-surface .ve-ce-paragraphNode").first.click(position={"x": 8, "y": 8})
            # VisualEditor takes the focus a task later (type_in_discussion_body says why)
            page.wait_for_selector(".ve-ce-surface.ve-ce-surface-focused")
            page.keyboard.press("Home")
            page.keyboard.type(self.text("visual editor") + " ")
        elif element == "ve-summary":
            page.fill(".ve-ui-mwSaveDialog-summary textarea", f"{self.tour_id} in the visual editor")
        elif element == "discussion-subject":
            page.fill(".ext-discussiontools-ui-newTopic-sectionTitle input", f"A question ({self.skin})")
        elif element == "discussion-body":
            surface = page.locator(DT_BODY)
            if surface.count() and surface.first.is_visible():
                type_in_discussion_body(page, self.text("new topic tool"))
            else:
                page.fill(".ext-discussiontools-ui-replyWidget textarea", self.text("new topic tool"))
        self.wrote.add(element)

    def click_target(self, names: list[str]) -> None:
        if "save-button" in names:
            self.written()
        if not self.page.evaluate(_MARK_TARGET, True):
            self.fail("the step's element is not on the page")
        self.page.click("[data-matrix-target]")

    def close_welcome(self) -> None:
        """VisualEditor's first-use welcome, when it is open (shown for a first edit, also over
        the source editor, and later than the editor under load): closed with its primary
        button, as a person would."""
        primary = self.page.locator(".ve-init-mw-welcomeDialog .oo-ui-messageDialog-actions "
                                    ".oo-ui-flaggedElement-primary a")
        if primary.count() and primary.first.is_visible():
            primary.first.click()
            primary.first.wait_for(state="hidden")

    def open_editor(self) -> None:
        page, wanted = self.page, "visual-edit-tab" if self.route == "visual" else "edit-source-tab"
        for css in selectors_in(selectors_for(wanted), self.skin, version(self.site)):
            tab = page.locator(f"{css} a, a{css}").filter(visible=True)
            if tab.count():
                tab.first.click()
                break
        else:
            self.fail(f"no {wanted} in {self.skin}")
        if self.route == "visual":
            page.wait_for_selector(".ve-ce-surface", state="visible", timeout=45000)
        else:
            page.wait_for_function("window.mw && ['edit', 'submit'].indexOf(mw.config.get('wgAction')) !== -1",
                                   timeout=45000)
        close_ve_welcome(page)

    def written(self) -> None:
        """Before saving: the newcomer wrote something in the open editor (a step such as
        add-citation's "The toolbar helps you cite" asks for it without pointing at the box)."""
        page = self.page
        if page.locator(".ext-discussiontools-ui-replyWidget").count():
            for element in ("discussion-subject", "discussion-body"):
                if element not in self.wrote:
                    self.write(element)
        elif page.locator(".ve-ce-surface").filter(visible=True).count():
            if "visual-editor-surface" not in self.wrote:
                self.write("visual-editor-surface")
        elif page.locator("#wpTextbox1").count() and "textbox" not in self.wrote:
            self.write("textbox")

    def publish(self, names: list[str]) -> None:
        page = self.page
        dialog = ".ve-ui-mwSaveDialog .oo-ui-processDialog-actions-primary"
        if page.locator(".ve-ui-mwSaveDialog").filter(visible=True).count() or "ve-publish-button" in names:
            page.click(f"{dialog} .oo-ui-buttonElement-button")
            return
        self.written()
        if page.locator(".ext-discussiontools-ui-replyWidget").count():
            page.click(".ext-discussiontools-ui-replyWidget-actions .oo-ui-flaggedElement-primary "
                       ".oo-ui-buttonElement-button")
        elif page.locator(".ve-ce-surface").filter(visible=True).count():
            page.click(".ve-ui-toolbar-saveButton")  # its save dialog, then the dialog's Publish
            page.wait_for_selector(dialog, state="visible")
            page.click(f"{dialog} .oo-ui-buttonElement-button")
        else:
            with page.expect_navigation(wait_until="domcontentloaded"):
                page.click("#wpSave")

    def follow_link(self, index: int) -> None:
        """``visited``: the link in the step's element to where the next step happens (its
        namespace when it names one)."""
        tour = next(t for t in LIBRARY.tours if t.id == self.tour_id)
        later = tour.steps[index + 1] if index + 1 < len(tour.steps) else None
        namespaces = list(later.when.namespaces) if later else []
        if not self.page.evaluate(_MARK_TARGET, False):
            self.fail("the step's element is not on the page")
        href = self.page.evaluate("""(namespaces) => {
          var box = document.querySelector('[data-matrix-target]');
          var links = Array.prototype.filter.call(box.querySelectorAll('a[title]'), function (a) {
            var t = mw.Title.newFromText(a.getAttribute('title'));
            return t && !a.classList.contains('new') &&
              (!namespaces.length || namespaces.indexOf(t.getNamespaceId()) !== -1);
          });
          if (!links.length) return null;
          links[0].setAttribute('data-matrix-link', '1');
          return links[0].href;
        }""", namespaces)
        if not href:
            self.fail("no link in the step's element leads where the next step is")
        with self.page.expect_navigation(wait_until="domcontentloaded"):
            self.page.click("[data-matrix-link]")

    def act(self, now: dict) -> None:
        """What a person does for the step on screen."""
        step = step_model(self.tour_id, now["step"])
        names = element_names(step)
        self.close_welcome()
        if "go" in now["buttons"]:  # the step is on another page: its "Go there" link
            with self.page.expect_navigation(wait_until="domcontentloaded"):
                self.button("go")
            return
        if step.advance in ("click", "editor-opened") and set(names) & EDITOR_TABS and \
                self.route in ("source", "visual"):
            self.open_editor()  # the newcomer opens the editor they use, whichever tab is lit
        elif step.advance == "next":
            for element in names:
                if element in WRITE_IN:
                    self.write(element)
                    break
            self.button("done" if "done" in now["buttons"] else "next")
        elif step.advance == "click":
            self.click_target(names)
        elif step.advance == "editor-opened":
            self.open_editor()
        elif step.advance == "saved":
            self.publish(names)
        elif step.advance == "visited":
            self.follow_link(now["shown"])
        else:
            self.fail(f"no driver for advance: {step.advance}")

    def run(self, start: str) -> dict:
        """Start the tour at *start* and go to its end; the gadget's saved record."""
        self.page.goto(start, wait_until="domcontentloaded")
        deadline = time.monotonic() + RUN_SECONDS
        before = None
        while time.monotonic() < deadline:
            now = self.settled(before)
            if now["skin"] != self.skin:
                self.fail(f"step {now['step']} shows in {now['skin']}: the link's useskin was lost")
            per_skin = dict(step_model(self.tour_id, now["step"]).skin_texts).get(self.skin) \
                if now["step"] and not now["done"] else None
            if per_skin and re.sub(r"'{2,}", "", per_skin)[:30] not in now["text"]:
                self.fail(f"step {now['step']} does not show its text for {self.skin}: {now['text']!r}")
            if now["missing"]:
                self.fail(f"step {now['step']}: its element is missing in {self.skin}")
            if now["done"]:
                assert "completed" in now["title"].lower(), now
                return record_of(self.site, self.user, self.tour_id)
            self.shots(now)
            if now["editor"]:
                self.editors.add(now["editor"])
            before = (now["shown"], now["title"], now["url"], tuple(now["buttons"]))
            self.trail.append(f"{now['step']}@{now['url'].split('/')[-1]}")
            try:
                self.act(now)
                if step_model(self.tour_id, now["step"]).advance == "saved":
                    self.saved(now["shown"])
            except AssertionError:
                raise
            except Exception as error:  # a Playwright timeout: say where the tour was
                self.fail(f"{type(error).__name__}: {str(error).splitlines()[0]}")
        self.fail("the tour did not end in time")

    def shots(self, now: dict) -> None:
        """Screenshots of the visual editor's steps on 1.43 in Vector 2022 and Minerva's source
        route, to look at (screenshots/tmp/shipped)."""
        if version(self.site).startswith("1.43") and (
                (self.skin == "vector-2022" and self.route == "visual") or
                (self.skin == "minerva" and self.route != "reads")):
            shot(self.page, f"{self.name}-{len(self.trail):02d}-{now['step']}")


def start_page(site, tour, user: str, run_id: str) -> str:
    """Where a newcomer starts the tour: the first step's page; a task tour on a fresh copy of
    an article that needs its task (the practice task types page says which templates), any
    other tour of articles on a fresh article."""
    first = tour.steps[0]
    kind = first.page.kind
    title = {"sandbox": f"User:{user}/sandbox", "user-page": f"User:{user}",
             "user-talk": f"User talk:{user}"}.get(kind) or first.page.title
    extra = ""
    if not title:
        task = next((t for t in json.loads(site.wikitext("Project:Wikitours/Tasks.json"))["types"]
                     if t["tour"] == tour.id), None)
        text = "An article about rivers.\n\n[[Category:Rivers]]"
        if task:
            for template in task["templates"]:
                found = site.call(action="query", list="embeddedin", eititle=f"Template:{template}",
                                  einamespace=0, eilimit=1)["query"]["embeddedin"]
                if found:
                    text = site.wikitext(found[0]["title"])
                    break
            extra = f"&wikitask={task['id']}"
        title = f"Matrix {run_id}"
        site.edit(title, text)
    return f"{site.index}?title={title.replace(' ', '_')}{extra}"


def setup_learner(site, tour, user: str) -> None:
    """What the newcomer's wiki already has: a welcome naming their mentor on their talk page
    (ask-mentor follows its link), the mentor's talk page with a signed comment."""
    if not any(s.page.kind == "user-talk" for s in tour.steps):
        return
    mentor = site.admin.name
    if site.wikitext(f"User talk:{mentor}") is None:
        site.edit(f"User talk:{mentor}", f"== Hello ==\nWelcome. [[User:{mentor}]] "
                  f"([[User talk:{mentor}|talk]]) 10:00, 1 December 2026 (UTC)\n")
    site.edit(f"User talk:{user}", f"== Welcome ==\nYour mentor is [[User:{mentor}]]: ask on "
              f"[[User talk:{mentor}|their talk page]]. [[User:{mentor}]] "
              "10:00, 1 December 2026 (UTC)\n")


@pytest.mark.parametrize("tour,skin,route", matrix())
def test_shipped_tour_runs_to_its_end(site, browser, tour, skin, route):
    """The newcomer starts the tour from its link (``?wikitour=`` and ``useskin=``) and ends it;
    their progress page says completed, with the revision of each edit the tour waited for."""
    model = next(t for t in LIBRARY.tours if t.id == tour)
    run_id = f"{tour} {skin} {route}"
    user = re.sub(r"[^A-Za-z0-9 ]", " ", f"Learner {run_id}").title()
    site.create_user(user)
    setup_learner(site, model, user)
    phone = skin == "minerva"
    context = browser.new_context(viewport={"width": 390, "height": 844} if phone else
                                  {"width": 1280, "height": 800}, has_touch=phone)
    context.set_default_timeout(30000)
    session = site.session(user)
    context.add_cookies([{"name": c.name, "value": c.value, "url": site.url}
                         for c in session.cookies])
    page = context.new_page()
    try:
        start = start_page(site, model, user, run_id)
        run = Run(site, page, tour, skin, route, user)
        record = run.run(f"{start}{'&' if '?' in start else '?'}useskin={skin}&wikitour={tour}")
        saves = [s.id for s in model.steps if s.advance == "saved"]
        if route == "reads":
            assert not record.get("edits")
        else:
            assert len(record["edits"]) == 1 and set(record["edits"]) <= set(saves), record
            revid = next(iter(record["edits"].values()))
            rev = site.call(action="query", revids=revid, prop="revisions",
                            rvprop="user|content", rvslots="main")
            pages = rev["query"]["pages"]
            saved = pages[0] if isinstance(pages, list) else next(iter(pages.values()))
            assert saved["revisions"][0]["user"] == user, "the learner's own edit"
        if route in ("source", "visual"):
            assert run.editors == {route}, f"the gadget followed {run.editors}"
            assert all(not step_model(tour, s).when.editors or route in step_model(tour, s).when.editors
                       for s in record["edits"]), f"a save of the other editor's branch: {record}"
        assert page.evaluate("mw.config.get('skin')") == skin
    finally:
        context.close()
