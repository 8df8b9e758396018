"""The tour model: what a validated ``tours.yaml`` means.

Everything after validation (help pages, gadget data, badges, the app, the bots) reads these
classes and nothing else, so they are the contract between the parts of wikitours. They are
immutable: a renderer can never change what another renderer sees, and a loaded library can
be cached and shared between wikis safely.

Source texts (titles, step texts, badge names) are kept exactly as written, in the library's
source language; translations are looked up by :func:`message_key`, which derives a key from
ids only so that keys stay stable when a text is edited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

#: Names the gadget's live-version pointer uses for its own entries beside the tours' ids
#: (contracts §3), so no tour may be called that.
from contracts.liveversion import RESERVED as RESERVED_TOUR_IDS
#: A step's ``when``/``unless``: the tour data's own type (contracts §4), so the model, the
#: gadget's data and the app's reading of it share one definition of the fields.
from contracts.tourdata import Conditions
from tours.problemtext import settle

__all__ = [
    "AUDIENCES",
    "RESERVED_TOUR_IDS",
    "ADVANCES",
    "EVIDENCE_KINDS",
    "PLACEMENTS",
    "PAGE_KINDS",
    "Position",
    "Problem",
    "PageRef",
    "Alternative",
    "Target",
    "Conditions",
    "Step",
    "Tour",
    "Badge",
    "StepChange",
    "WikiVariant",
    "Library",
    "message_key",
]

#: Who a tour is for. The catalogue page groups tours in this order.
AUDIENCES = ("newcomer", "mentor", "trainer")

#: How a step moves on: the Next button, a click on its element, or a wiki event.
#: ``saved`` is MediaWiki's ``postEdit``; ``editor-opened`` is the source editor's
#: ``wikipage.editform`` or VisualEditor's ``ve.activationComplete``; ``visited`` means the
#: user arrived on the page of the next step.
ADVANCES = ("next", "click", "saved", "editor-opened", "visited")
#: What a badge's ``evidence`` may ask of the edits its tours end in: ``edit`` (each ``saved``
#: step names a real edit of the learner's, on the step's page, after the tour began, neither
#: reverted nor deleted) and ``reference`` (that edit also adds a ``<ref>``).
EVIDENCE_KINDS = ("edit", "reference")

#: Where the popover sits relative to its element. ``start``/``end`` are logical sides, so
#: they mirror in right-to-left languages; ``auto`` picks the side with the most room.
PLACEMENTS = ("auto", "top", "bottom", "start", "end")

#: What kind of page a step happens on. ``title`` and ``special`` carry a title; the others
#: are resolved per user by the gadget (``sandbox`` is ``User:NAME/sandbox``).
PAGE_KINDS = ("any", "title", "special", "sandbox", "user-page", "user-talk")

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Position:
    """A place in a source file, 1-based like every editor shows it."""

    line: int = 0
    column: int = 0


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, as a value a person can read and act on.

    ``str(problem)`` is the line printed by ``python -m tours lint``:
    ``FILE:LINE:COLUMN: message`` followed by an indented ``hint:`` line when there is a hint.
    """

    file: str
    line: int
    column: int
    message: str
    hint: str = ""
    severity: Severity = "error"
    #: The translatable forms of *message* and *hint* (:class:`tours.problemtext.Text`). Pass a
    #: ``Text`` as *message* or *hint* and it lands here, with the English text in *message* /
    #: *hint*; :func:`tours.problemtext.problem_in` shows the problem in any language.
    text: object = field(default=None, compare=False, repr=False)
    hint_text: object = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        settle(self)

    def __str__(self) -> str:
        head = f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message}"
        return f"{head}\n    hint: {self.hint}" if self.hint else head


@dataclass(frozen=True)
class PageRef:
    """The page a step happens on.

    *kind* is one of :data:`PAGE_KINDS`; *title* is set for ``title`` and ``special``
    (``Special:Watchlist`` has kind ``special`` and title ``Special:Watchlist``).
    """

    kind: str = "any"
    title: str = ""


@dataclass(frozen=True)
class Alternative:
    """One item of a step's ordered list of things to point at (``element: [a, b]``, or
    ``{element: add-topic, skin: minerva, mediawiki: "1.43+", discussion-tools: true}``).

    *since*/*before* are MediaWiki versions (``"1.43"``; inclusive/exclusive, empty for any);
    *dt* is ``True``/``False`` when the item is only for wikis with/without DiscussionTools.
    """

    element: str = ""
    selector: str = ""
    skins: tuple[str, ...] = ()
    since: str = ""
    before: str = ""
    dt: bool | None = None


@dataclass(frozen=True)
class Target:
    """The interface element a step points at: catalogue names and/or CSS selectors, in order.

    *element* and *selector* name the first alternative (for messages); *alternatives* are all
    of them, in the order written. *selectors* maps a skin name (``vector-2022``, ``vector``,
    ``minerva``, or another skin an alternative names) or ``*`` to the entries the gadget tries
    in order: the alternatives for that skin, each catalogue element replaced by its own entries
    (:mod:`tours.catalogue`: a selector string, or a :class:`tours.catalogue.Sel` that holds only
    on some MediaWiki versions or with/without DiscussionTools). A plain selector is
    ``{"*": (selector,)}`` plus the catalogue's skins.
    """

    element: str = ""
    selector: str = ""
    selectors: tuple[tuple[str, tuple], ...] = ()
    alternatives: tuple[Alternative, ...] = ()


@dataclass(frozen=True)
class Step:
    """One popover of a tour.

    *when* must hold for the step to show, *unless* must not; a step whose conditions fail is
    skipped, not an error. *title* and *text* are source-language wikitext in the safe subset.
    """

    id: str
    title: str
    text: str
    page: PageRef = PageRef()
    target: Target | None = None
    placement: str = "auto"
    highlight: bool = True
    advance: str = "next"
    when: Conditions = Conditions()
    unless: Conditions = Conditions()
    pos: Position = Position()
    #: ``(skin, text)``: the text readers of that skin see instead of *text* (``skin-text``).
    skin_texts: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Tour:
    """A guided tour: ordered steps, who it is for, what it needs first and what it earns."""

    id: str
    title: str
    summary: str
    audience: str
    minutes: int
    version: int
    steps: tuple[Step, ...]
    requires: tuple[str, ...] = ()
    badge: str = ""
    pos: Position = Position()

    @property
    def path_length(self) -> int:
        """How many steps one reader goes through at most: a tour with steps for each editor
        (``when: editor``) is as long as its longer editor's path, not the sum of both."""
        named = {e for s in self.steps for e in s.when.editors}
        if not named:
            return len(self.steps)
        return max(sum(1 for s in self.steps if not s.when.editors or e in s.when.editors)
                   for e in named)


@dataclass(frozen=True)
class Badge:
    """A badge is earned when every listed tour is completed and every listed badge is held.

    Pathways are badges made of badges: a trainer badge requires the mentor and newcomer
    pathway badges.
    """

    id: str
    name: str
    description: str
    requires_tours: tuple[str, ...] = ()
    requires_badges: tuple[str, ...] = ()
    #: What the learner's own edits must show (:data:`EVIDENCE_KINDS`); empty means the badge
    #: says only "completed the tour", since a progress record alone proves nothing.
    evidence: tuple[str, ...] = ()
    pos: Position = Position()

    @property
    def evidence_backed(self) -> bool:
        return bool(self.evidence)


@dataclass(frozen=True)
class StepChange:
    """A local wiki's change to one tour: replace a step, add one after another, or drop one.

    *action* is ``replace``, ``insert-after`` or ``remove``; *step_id* names the library step it
    applies to; *step* is the new step for ``replace`` and ``insert-after``.
    """

    tour: str
    action: Literal["replace", "insert-after", "remove"]
    step_id: str
    step: Step | None = None
    pos: Position = Position()


@dataclass(frozen=True)
class WikiVariant:
    """How one wiki adapts the library without copying it.

    *pages* renames titles everywhere they appear (step pages and ``[[links]]`` in texts), so
    local page names and local help links are one mechanism. *language* is the wiki's content
    language, used for the catalogue's default language.
    """

    id: str
    language: str = ""
    pages: tuple[tuple[str, str], ...] = ()
    changes: tuple[StepChange, ...] = ()
    pos: Position = Position()
    #: The skins its readers use and the MediaWiki version it runs ("1.43"), for lint's check
    #: of elements; empty means the defaults (:data:`tours.targets.DEFAULT_SETUPS`).
    skins: tuple[str, ...] = ()
    mediawiki: str = ""


@dataclass(frozen=True)
class Library:
    """A whole validated ``tours.yaml``."""

    source_language: str
    tours: tuple[Tour, ...]
    badges: tuple[Badge, ...] = ()
    wikis: tuple[WikiVariant, ...] = ()
    file: str = "tours.yaml"
    format: int = 1

    def tour(self, tour_id: str) -> Tour | None:
        return next((t for t in self.tours if t.id == tour_id), None)

    def badge(self, badge_id: str) -> Badge | None:
        return next((b for b in self.badges if b.id == badge_id), None)

    def wiki(self, wiki_id: str) -> WikiVariant | None:
        return next((w for w in self.wikis if w.id == wiki_id), None)


def message_key(*parts: str) -> str:
    """The message key for a text, from ids only, so it survives edits of the text.

    ``message_key("tour", "first-edit", "title")`` is ``wikitours-tour-first-edit-title``;
    ``message_key("tour", "first-edit", "step", "save", "text")`` names a step text;
    ``message_key("badge", "first-edit", "name")`` a badge name.
    """
    return "-".join(("wikitours",) + parts)

