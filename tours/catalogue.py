"""The element catalogue: names for the interface parts that tours point at.

Tour writers say ``element: save-button`` instead of a CSS selector, because selectors differ
between skins and change between MediaWiki versions; the catalogue is the one place that knows
them. Selectors were checked live on Debian's MediaWiki 1.39 (the project's interface notes,
and ``tests/test_catalogue.py``, which looks for each server-rendered element in real pages of
a local wiki in every skin; the editor toolbars and the visual editor surface are created by
JavaScript and are checked by the gadget's browser tests). For each skin the selectors are tried in order and the first one that
matches on the page wins; ``*`` is used for any other skin (MonoBook, Timeless…).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SKINS", "Element", "ELEMENTS", "element", "selectors_for"]

#: Skins the catalogue knows selectors for, plus ``*`` for any other skin.
SKINS = ("vector-2022", "vector", "minerva")


@dataclass(frozen=True)
class Element:
    """A named interface element. *selectors* maps a skin (or ``*``) to the selectors to try."""

    name: str
    description: str
    selectors: tuple[tuple[str, tuple[str, ...]], ...]


def _element(name: str, description: str, default: tuple[str, ...], **skins: tuple[str, ...]) -> Element:
    per_skin = []
    for skin in SKINS:
        per_skin.append((skin, skins.get(skin.replace("-", "_"), default)))
    per_skin.append(("*", default))
    return Element(name, description, tuple(per_skin))


ELEMENTS: dict[str, Element] = {
    e.name: e
    for e in (
        _element("edit-source-tab", "the 'Edit source' tab (source editor)", ("#ca-edit",)),
        _element("visual-edit-tab", "the 'Edit' tab of the visual editor", ("#ca-ve-edit",),
                 minerva=("#ca-ve-edit", "#ca-edit")),
        _element("edit-tab", "whichever edit tab exists: visual editor first, then source", ("#ca-ve-edit", "#ca-edit")),
        _element("save-button", "the button that saves (publishes) an edit, in either editor",
                 ("#wpSave", ".ve-ui-toolbar-saveButton")),
        _element("textbox", "the big text box of the source editor", ("#wpTextbox1",)),
        _element("summary", "the edit summary (or new topic subject) field of the source editor", ("#wpSummary",)),
        _element("preview-button", "the 'Show preview' button of the source editor", ("#wpPreview",)),
        _element("editor-toolbar", "the toolbar of the source editor (WikiEditor), or of the visual editor",
                 ("#wikiEditor-ui-toolbar", ".ve-ui-toolbar")),
        _element("visual-editor-surface", "the editable page in the visual editor", (".ve-ce-surface",)),
        _element("search", "the search box", ("#p-search", "#searchform"), minerva=("#searchIcon",)),
        _element("talk-tab", "the tab of the page's talk (discussion) page", ("#ca-talk",),
                 minerva=('.minerva__tab[data-event-name="tabs.talk"]', "#ca-talk")),
        _element("add-topic", "the 'Add topic' tab of talk pages", ("#ca-addsection",),
                 minerva=(".minerva-talk-add-button", "#ca-addsection")),
        _element("history-tab", "the 'View history' tab", ("#ca-history",),
                 minerva=("#page-actions-history", ".last-modified-bar")),
        _element("watch-star", "the star that adds a page to the watchlist", ("#ca-watch", "#ca-unwatch")),
        _element("user-menu", "the personal menu (user page, preferences, log out)", ("#p-personal",),
                 vector_2022=("#p-personal", "#p-personal-label"), minerva=(".minerva-user-menu",)),
        _element("user-page-link", "the link to the reader's own user page", ("#pt-userpage",),
                 vector_2022=("#pt-userpage-2", "#pt-userpage"), minerva=(".minerva-user-menu", "#pt-userpage")),
        _element("main-menu", "the main menu (navigation)", ("#mw-panel",),
                 vector_2022=("#mw-sidebar-button", "#mw-panel"), minerva=("#mw-mf-main-menu-button",)),
        _element("first-heading", "the page title at the top of the page", ("#firstHeading",)),
        _element("content", "the page content", ("#mw-content-text",)),
        # Added by the editors branch (issue 16: tours in both editors) for the catalogue
        # branch to reconcile: the visual editor's save dialog, its summary and its button.
        _element("visual-editor-summary", "the edit summary box of the visual editor's save dialog",
                 (".ve-ui-mwSaveDialog-summary textarea", ".ve-ui-mwSaveDialog textarea")),
        _element("visual-editor-publish", "the button that publishes in the visual editor's save dialog",
                 (".ve-ui-mwSaveDialog .oo-ui-processDialog-actions-primary .oo-ui-buttonElement-button",)),
        # Also from the editors branch: talk pages with DiscussionTools (on by default since
        # MediaWiki 1.43). Its new topic button is Minerva's only add-topic control there.
        _element("new-topic", "the control that starts a new topic on a talk page, in any skin",
                 ("#ca-addsection", ".ext-discussiontools-init-new-topic-button"),
                 minerva=(".ext-discussiontools-init-new-topic-button", ".minerva-talk-add-button",
                          "#ca-addsection")),
        # first-edit's "Open the editor": either editor's tab. Minerva on MediaWiki 1.43 has
        # #ca-editsource / #ca-createsource (and visual tabs its VisualEditor cannot use
        # without MobileFrontend), 1.39 one #ca-edit.
        _element("editor-tab", "whichever tab opens an editor: visual editor first, then source (source first in Minerva)",
                 ("#ca-ve-edit", "#ca-edit"),
                 minerva=("#ca-editsource", "#ca-createsource", "#ca-edit", "#ca-ve-edit", "#ca-ve-create")),
        _element("visual-editor-cite", "the Cite menu of the visual editor's toolbar (references)",
                 (".ve-ui-toolbar-group-cite", ".ve-ui-toolbar-group-reference")),
        _element("discussion-subject", "the subject box of DiscussionTools' new topic tool",
                 (".ext-discussiontools-ui-newTopic-sectionTitle input",)),
        _element("discussion-body", "the message box of DiscussionTools' new topic or reply tool",
                 (".ext-discussiontools-ui-replyWidget .ve-ce-surface",
                  ".ext-discussiontools-ui-replyWidget textarea")),
        _element("discussion-publish", "the button that publishes a new topic or reply in DiscussionTools",
                 (".ext-discussiontools-ui-replyWidget-actions .oo-ui-flaggedElement-primary "
                  ".oo-ui-buttonElement-button",)),
    )
}


def element(name: str) -> Element | None:
    """The catalogue element called *name*, or ``None``."""
    return ELEMENTS.get(name)


def selectors_for(name: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The ``Target.selectors`` value for catalogue element *name* (empty if unknown)."""
    found = ELEMENTS.get(name)
    return found.selectors if found else ()
