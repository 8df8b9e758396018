"""The element catalogue: names for the interface parts that tours point at.

Tour writers say ``element: save-button`` instead of a CSS selector, because selectors differ
between skins and change between MediaWiki versions; the catalogue is the one place that knows
them. For each skin an element has an ordered list of selectors; the gadget uses the first one
visible on the page. A selector may hold only on some MediaWiki versions (``since`` inclusive,
``before`` exclusive, compared as major.minor) or only with or without DiscussionTools
(``dt``): Minerva's edit tab is ``#ca-edit`` on 1.39 but ``#ca-editsource`` (``#ca-createsource``
on a new page) on 1.43, and its new-topic button exists on 1.43 only where DiscussionTools runs.
An element with no selector for a skin, version and DiscussionTools state does not exist there,
and ``lint`` warns a tour that points only at it (:func:`exists`).

The selectors were checked in Chromium on Debian's MediaWiki 1.39 and 1.43.9 in every skin, with
DiscussionTools on and off (``tests/gadget/test_catalogue_browser.py`` checks it again on every run:
each element must resolve, with the gadget's own code, wherever the catalogue says it exists).
``*`` is used for any other skin (MonoBook, Timeless…).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["SKINS", "VERSIONS", "Sel", "Entry", "Element", "ELEMENTS", "element", "selectors_for",
           "version_key", "entry_applies", "selectors_in", "exists", "describe_entry", "entry_json"]

#: Skins the catalogue knows selectors for, plus ``*`` for any other skin.
SKINS = ("vector-2022", "vector", "minerva")
#: The MediaWiki versions the catalogue is checked against (and lint checks by default).
VERSIONS = ("1.39", "1.43")


@dataclass(frozen=True)
class Sel:
    """A selector that holds only on some versions (``since`` ≤ version < ``before``) or only
    with (``dt=True``) or without (``dt=False``) DiscussionTools."""

    css: str
    since: str = ""
    before: str = ""
    dt: bool | None = None


#: A catalogue entry: a plain selector (every version) or a :class:`Sel`.
Entry = "str | Sel"


@dataclass(frozen=True)
class Element:
    """A named interface element. *selectors* maps a skin (or ``*``) to the entries to try.

    *where* says what the page must show for the element to be there (``view`` an article,
    ``talk`` a talk page with a topic, ``edit`` the source editor, ``preview``, ``diff``, ``ve``
    the visual editor, ``ve-save`` its save dialog, ``ve-cite`` the Cite dialog, ``ve-welcome``
    its first-use dialog; ``discussion`` DiscussionTools' new topic or reply tool, open): the
    browser test puts the page in each state but ``discussion`` (the editors' browser tests open
    those tools).
    """

    name: str
    description: str
    selectors: tuple[tuple[str, tuple], ...]
    where: str = "view"


def _element(name: str, description: str, default: tuple, where: str = "view", **skins: tuple) -> Element:
    per_skin = []
    for skin in SKINS:
        per_skin.append((skin, skins.get(skin.replace("-", "_"), default)))
    per_skin.append(("*", default))
    return Element(name, description, tuple(per_skin), where)


_NEW = "1.43"
_TALK_39 = '.minerva__tab[data-event-name="tabs.talk"]'
_TALK_43 = '.minerva__tab-text[data-event-name="tabs.talk"]'

ELEMENTS: dict[str, Element] = {
    e.name: e
    for e in (
        _element("edit-source-tab", "the 'Edit source' tab (source editor)", ("#ca-edit",),
                 minerva=(Sel("#ca-editsource", since=_NEW), Sel("#ca-createsource", since=_NEW),
                          Sel("#ca-edit", before=_NEW))),
        _element("visual-edit-tab", "the 'Edit' tab of the visual editor", ("#ca-ve-edit",),
                 minerva=(Sel("#ca-ve-edit", since=_NEW), Sel("#ca-ve-create", since=_NEW),
                          Sel("#ca-edit", before=_NEW))),
        _element("edit-tab", "whichever edit tab exists: visual editor first, then source", ("#ca-ve-edit", "#ca-edit"),
                 minerva=(Sel("#ca-ve-edit", since=_NEW), Sel("#ca-ve-create", since=_NEW),
                          Sel("#ca-editsource", since=_NEW), Sel("#ca-createsource", since=_NEW),
                          Sel("#ca-edit", before=_NEW))),
        _element("save-button", "the button that saves (publishes) an edit, in either editor",
                 ("#wpSave", ".ve-ui-toolbar-saveButton"), where="edit"),
        _element("textbox", "the big text box of the source editor", ("#wpTextbox1",), where="edit"),
        _element("summary", "the edit summary (or new topic subject) field of the source editor", ("#wpSummary",),
                 where="edit"),
        _element("preview-button", "the 'Show preview' button of the source editor", ("#wpPreview",), where="edit"),
        _element("editor-toolbar", "the toolbar of the source editor (WikiEditor), or of the visual editor",
                 ("#wikiEditor-ui-toolbar", ".ve-ui-toolbar"), where="edit"),
        _element("visual-editor-surface", "the editable page in the visual editor", (".ve-ce-surface",), where="ve"),
        _element("search", "the search box", ("#p-search", "#searchform"), minerva=("#searchIcon",)),
        _element("talk-tab", "the tab of the page's talk (discussion) page", ("#ca-talk",),
                 minerva=(Sel(_TALK_39, before=_NEW), Sel(_TALK_43, since=_NEW))),
        _element("add-topic", "the 'Add topic' tab of talk pages (DiscussionTools' new topic tool where it runs)",
                 ("#ca-addsection",), where="talk",
                 minerva=(Sel(".minerva-talk-add-button", before=_NEW),
                          Sel(".ext-discussiontools-init-new-topic-button", since=_NEW, dt=True))),
        _element("history-tab", "the 'View history' tab", ("#ca-history",),
                 minerva=("#page-actions-history", ".last-modified-bar")),
        _element("watch-star", "the star that adds a page to the watchlist", ("#ca-watch", "#ca-unwatch")),
        _element("user-menu", "the personal menu (user page, preferences, log out)", ("#p-personal",),
                 vector_2022=(Sel("#p-personal", before=_NEW), Sel("#vector-user-links-dropdown", since=_NEW)),
                 minerva=(".minerva-user-menu",)),
        _element("user-page-link", "the link to the reader's own user page", ("#pt-userpage",),
                 vector_2022=("#pt-userpage-2", "#pt-userpage"), minerva=(".minerva-user-menu", "#pt-userpage")),
        _element("main-menu", "the main menu (navigation)", ("#mw-panel",),
                 vector_2022=(Sel("#mw-sidebar-button", before=_NEW),
                              Sel("#vector-main-menu-dropdown-label", since=_NEW), "#mw-panel"),
                 minerva=("#mw-mf-main-menu-button",)),
        _element("first-heading", "the page title at the top of the page", ("#firstHeading",)),
        _element("content", "the page content", ("#mw-content-text",)),
        # added with MediaWiki 1.43 support (issues 16 and 22)
        _element("watchlist-link", "the link to the reader's watchlist (in Minerva: the main menu, where it is)",
                 ("#pt-watchlist",), vector_2022=("#pt-watchlist-2", "#pt-watchlist"),
                 minerva=("#mw-mf-main-menu-button",)),
        _element("section-edit-link", "the 'edit' link beside the first section heading", (".mw-editsection a",)),
        _element("show-changes-button", "the 'Show changes' button of the source editor", ("#wpDiff",), where="edit"),
        _element("preview-area", "the preview of the page in the source editor, after 'Show preview'",
                 ("#wikiPreview",), where="preview"),
        _element("diff-area", "the changes in the source editor, after 'Show changes'", ("#wikiDiff",), where="diff"),
        _element("cite-button", "the visual editor's 'Cite' tool", (".ve-ui-toolbar-group-cite",), where="ve"),
        _element("cite-dialog", "the visual editor's dialog for a reference (from 'Cite')",
                 (Sel(".ve-ui-mwReferenceDialog", since=_NEW), Sel(".ve-ui-nodeDialog", before=_NEW)),
                 where="ve-cite"),
        _element("ve-save-dialog", "the visual editor's save dialog", (".ve-ui-mwSaveDialog",), where="ve-save"),
        _element("ve-summary", "the edit summary in the visual editor's save dialog",
                 (".ve-ui-mwSaveDialog-summary",), where="ve-save"),
        _element("ve-publish-button", "the button in the visual editor's save dialog that saves the edit",
                 (".ve-ui-mwSaveDialog .oo-ui-processDialog-actions-primary a",), where="ve-save"),
        _element("ve-welcome-dialog", "the visual editor's first-use welcome dialog",
                 (".ve-init-mw-welcomeDialog",), where="ve-welcome"),
        _element("ve-welcome-button", "the button that closes the visual editor's welcome dialog and starts editing",
                 (".ve-init-mw-welcomeDialog .oo-ui-messageDialog-actions .oo-ui-flaggedElement-primary a",),
                 where="ve-welcome"),
        _element("reply-link", "DiscussionTools' 'Reply' link under the first comment",
                 (Sel(".ext-discussiontools-init-replylink-buttons", dt=True),), where="talk"),
        # ask-mentor's "Add topic" with DiscussionTools (on by default since MediaWiki 1.43): its
        # new topic button first where it runs, Minerva's only add-topic control there
        _element("new-topic", "the control that starts a new topic on a talk page, in any skin",
                 ("#ca-addsection", ".ext-discussiontools-init-new-topic-button"),
                 minerva=(".ext-discussiontools-init-new-topic-button", ".minerva-talk-add-button",
                          "#ca-addsection"), where="discussion"),
        # first-edit's "Open the editor": either editor's tab. Minerva on MediaWiki 1.43 has
        # #ca-editsource / #ca-createsource (and visual tabs its VisualEditor cannot use
        # without MobileFrontend), 1.39 one #ca-edit.
        _element("editor-tab", "whichever tab opens an editor: visual editor first, then source (source only in Minerva)",
                 ("#ca-ve-edit", "#ca-edit"),
                 minerva=(Sel("#ca-editsource", since=_NEW), Sel("#ca-createsource", since=_NEW),
                          Sel("#ca-edit", before=_NEW))),
        _element("discussion-subject", "the subject box of DiscussionTools' new topic tool",
                 (".ext-discussiontools-ui-newTopic-sectionTitle input",), where="discussion"),
        _element("discussion-body", "the message box of DiscussionTools' new topic or reply tool",
                 (".ext-discussiontools-ui-replyWidget .ve-ce-surface",
                  ".ext-discussiontools-ui-replyWidget textarea"), where="discussion"),
        _element("discussion-publish", "the button that publishes a new topic or reply in DiscussionTools",
                 (".ext-discussiontools-ui-replyWidget-actions .oo-ui-flaggedElement-primary "
                  ".oo-ui-buttonElement-button",), where="discussion"),
    )
}


def element(name: str) -> Element | None:
    """The catalogue element called *name*, or ``None``."""
    return ELEMENTS.get(name)


def selectors_for(name: str) -> tuple[tuple[str, tuple], ...]:
    """The ``Target.selectors`` value for catalogue element *name* (empty if unknown)."""
    found = ELEMENTS.get(name)
    return found.selectors if found else ()


_VERSION = re.compile(r"^([0-9]+)\.([0-9]+)")


def version_key(version: str) -> tuple[int, int] | None:
    """``"1.43.9"`` → ``(1, 43)``; ``None`` when it is not a version."""
    m = _VERSION.match(version.strip())
    return (int(m.group(1)), int(m.group(2))) if m else None


def entry_applies(entry, version: str | None, dt: bool | None) -> bool:
    """Whether a catalogue entry is for MediaWiki *version* with DiscussionTools *dt*.

    ``None`` for *version* or *dt* means "not known": every entry applies then.
    """
    if isinstance(entry, str):
        return True
    key = version_key(version) if version else None
    if key is not None:
        if entry.since and key < version_key(entry.since):
            return False
        if entry.before and key >= version_key(entry.before):
            return False
    if dt is not None and entry.dt is not None and entry.dt != dt:
        return False
    return True


def _css(entry) -> str:
    return entry if isinstance(entry, str) else entry.css


def selectors_in(selectors: tuple[tuple[str, tuple], ...], skin: str, version: str | None = None,
                 dt: bool | None = None) -> list[str]:
    """The selectors the gadget tries for *skin* on *version*, in order (as ``elements.js``)."""
    per = dict(selectors)
    entries = per.get(skin, per.get("*", ()))
    return [_css(e) for e in entries if entry_applies(e, version, dt)]


def exists(name: str, skin: str, version: str | None = None, dt: bool | None = None) -> bool:
    """Whether element *name* exists in *skin* on *version* (with DiscussionTools *dt*)."""
    return bool(selectors_in(selectors_for(name), skin, version, dt))


def describe_entry(entry) -> str:
    """An entry as the docs' table shows it: `` `#ca-editsource` (1.43+) ``."""
    if isinstance(entry, str):
        return f"`{entry}`"
    notes = []
    if entry.since and entry.before:
        notes.append(f"{entry.since}–{entry.before} excl.")
    elif entry.since:
        notes.append(f"{entry.since}+")
    elif entry.before:
        notes.append(f"before {entry.before}")
    if entry.dt is True:
        notes.append("DiscussionTools")
    elif entry.dt is False:
        notes.append("without DiscussionTools")
    return f"`{entry.css}` ({', '.join(notes)})" if notes else f"`{entry.css}`"


def entry_json(entry):
    """An entry as the gadget's data holds it (contracts §4)."""
    if isinstance(entry, str):
        return entry
    out: dict = {"css": entry.css}
    if entry.since:
        out["since"] = entry.since
    if entry.before:
        out["before"] = entry.before
    if entry.dt is not None:
        out["dt"] = entry.dt
    return out
