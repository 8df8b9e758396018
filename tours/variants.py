"""Applying one wiki's local adaptation (a :class:`WikiVariant`) to the library.

A wiki renames pages (its own help pages, its mentor list) and replaces, adds or drops steps,
without copying any tour. Renames apply wherever a title appears: the page a step happens on
and the targets of ``[[links]]`` in texts, translations included, so "local page names" and
"local help links" are one mechanism. A change that no longer fits the library (it names a
step that was removed or renamed) is an error that names the wiki and the step: silently
skipping it would show that wiki a tour it did not agree to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Mapping

from tours.model import Library, PageRef, Problem, Step, WikiVariant, message_key
from tours.problemtext import T

__all__ = ["Applied", "normalise_title", "rename_links", "apply_variant"]

_LINK = re.compile(r"\[\[([^\[\]|]*)(\|[^\[\]]*)?\]\]")


def normalise_title(title: str) -> str:
    """Compare titles like MediaWiki does: ``_`` is a space, the first letter is upper case."""
    t = " ".join(title.replace("_", " ").split())
    lead = ":" if t.startswith(":") else ""
    t = t.lstrip(":").strip()
    ns, sep, rest = t.partition(":")
    if sep and rest:
        t = ns[:1].upper() + ns[1:] + ":" + rest.strip()[:1].upper() + rest.strip()[1:]
    else:
        t = t[:1].upper() + t[1:]
    return lead + t


def _rename(title: str, renames: Mapping[str, str], prefixes: tuple[tuple[str, str], ...]) -> str:
    page, hash_, anchor = title.partition("#")
    lead = ":" if page.strip().startswith(":") else ""
    norm = normalise_title(page).lstrip(":")
    new = renames.get(norm)
    if new is None:
        for old, repl in prefixes:
            if norm == old or norm.startswith(old + "/"):
                new = repl + norm[len(old):]
                break
    if new is None:
        return title
    return lead + new + hash_ + anchor


def rename_links(text: str, renames: Mapping[str, str],
                 prefixes: tuple[tuple[str, str], ...] = ()) -> str:
    """*text* with the targets of its ``[[links]]`` renamed (labels and anchors kept).

    *renames* maps normalised old titles to new ones; *prefixes* renames a title and its
    subpages (``Help:Wikitours`` → ``Hilfe:Touren``).
    """
    if "[[" not in text or not (renames or prefixes):
        return text

    def sub(m: re.Match) -> str:
        target = m.group(1)
        new = _rename(target, renames, prefixes)
        if new == target:
            return m.group(0)
        label = m.group(2)
        if label is None:  # keep what the reader saw: the old title becomes the label
            label = "|" + target.lstrip(":")
        return f"[[{new}{label}]]"

    return _LINK.sub(sub, text)


@dataclass(frozen=True)
class Applied:
    """A library adapted to one wiki.

    *local_keys* are the message keys of steps the wiki replaced or inserted: their texts are
    the wiki's own, so the library's translations of those keys must not be shown.
    """

    library: Library
    local_keys: frozenset[str]
    renames: Mapping[str, str]
    prefixes: tuple[tuple[str, str], ...]

    def translate_text(self, text: str) -> str:
        """Apply this wiki's page renames to a translated text."""
        return rename_links(text, self.renames, self.prefixes)


def _rename_step(step: Step, renames, prefixes) -> Step:
    page = step.page
    if page.title:
        new_title = _rename(page.title, renames, prefixes)
        if new_title != page.title:
            page = PageRef(page.kind, new_title)
    return replace(
        step,
        page=page,
        title=rename_links(step.title, renames, prefixes),
        text=rename_links(step.text, renames, prefixes),
        skin_texts=tuple((skin, rename_links(text, renames, prefixes)) for skin, text in step.skin_texts),
    )


def _step_keys(tour: str, step: str, skins=()) -> set[str]:
    return {message_key("tour", tour, "step", step, "title"),
            message_key("tour", tour, "step", step, "text"),
            *(message_key("tour", tour, "step", step, "text", skin) for skin in skins)}


def apply_variant(library: Library, variant: WikiVariant | None = None, *,
                  prefix: str = "Help:Wikitours") -> tuple[Applied, list[Problem]]:
    """*library* as wiki *variant* sees it (renamed pages, changed steps), plus every problem.

    *prefix* is where the help pages live on that wiki: titles under ``Help:Wikitours`` in steps
    and links move with it.
    """
    problems: list[Problem] = []
    renames: dict[str, str] = {}
    if variant is not None:
        renames = {normalise_title(old).lstrip(":"): new for old, new in variant.pages}
    prefixes: tuple[tuple[str, str], ...] = ()
    if normalise_title(prefix) != "Help:Wikitours":
        prefixes = (("Help:Wikitours", prefix),)

    steps_by_tour: dict[str, list[Step]] = {t.id: list(t.steps) for t in library.tours}
    removed: dict[tuple[str, str], bool] = {}
    local_keys: set[str] = set()
    wiki_id = variant.id if variant else ""
    for change in (variant.changes if variant else ()):
        where = (library.file, change.pos.line, change.pos.column)
        steps = steps_by_tour.get(change.tour)
        if steps is None:
            problems.append(Problem(
                *where, T("wikitours-problem-variant-no-such-tour", wiki_id, change.tour),
                T("wikitours-hint-variant-no-such-tour", wiki_id)))
            continue
        index = next((i for i, s in enumerate(steps) if s.id == change.step_id), None)
        if index is None:
            gone = (change.tour, change.step_id) in removed
            reason = T("wikitours-what-variant-step-removed-earlier") if gone else \
                T("wikitours-what-variant-step-gone-from-library")
            problems.append(Problem(
                *where,
                T("wikitours-problem-variant-change-does-not-fit", wiki_id, change.action,
                  change.step_id, change.tour, reason),
                T("wikitours-hint-variant-change-does-not-fit", wiki_id, change.tour)))
            continue
        if change.action == "remove":
            del steps[index]
            removed[(change.tour, change.step_id)] = True
            continue
        if change.step is None:
            problems.append(Problem(*where,
                                    T("wikitours-problem-variant-needs-step", wiki_id, change.action),
                                    T("wikitours-hint-variant-needs-step", "`step:`")))
            continue
        new = change.step
        clash = any(s.id == new.id for i, s in enumerate(steps)
                    if not (change.action == "replace" and i == index))
        if clash:
            problems.append(Problem(
                *where,
                T("wikitours-problem-variant-step-id-taken", wiki_id, change.tour, new.id),
                T("wikitours-hint-variant-step-id-taken")))
            continue
        if change.action == "replace":
            steps[index] = new
        else:
            steps.insert(index + 1, new)
        local_keys |= _step_keys(change.tour, new.id, [skin for skin, _ in new.skin_texts])

    tours = []
    for tour in library.tours:
        steps = tuple(_rename_step(s, renames, prefixes) for s in steps_by_tour[tour.id])
        if not steps:
            problems.append(Problem(
                library.file, tour.pos.line, tour.pos.column,
                T("wikitours-problem-variant-no-steps-left", wiki_id, tour.id),
                T("wikitours-hint-variant-no-steps-left", wiki_id)))
        tours.append(replace(
            tour, steps=steps,
            title=rename_links(tour.title, renames, prefixes),
            summary=rename_links(tour.summary, renames, prefixes)))
    badges = tuple(
        replace(b, name=rename_links(b.name, renames, prefixes),
                description=rename_links(b.description, renames, prefixes))
        for b in library.badges
    )
    adapted = replace(library, tours=tuple(tours), badges=badges)
    return Applied(adapted, frozenset(local_keys), renames, prefixes), problems

