"""Wikitext of the pages the sync writes for people: the status page, the talk-page note, the
edit notice, and the translation status pages. Pure functions.

Everything quoted from the wiki or the compiler (problem messages quote the YAML an editor
wrote, page titles and user names come from the wiki) is escaped by :func:`escape`, so a tour
page holding ``[[Category:X]]``, ``{{template}}``, ``<script>`` or ``~~~~`` shows as text on the
status page and can never categorise, transclude or sign it. The framing texts are messages in
``i18n/sync/<lang>.json``, in the wiki's language; the compiler's problems (what is wrong, how to
fix it) are messages of ``i18n/compiler`` (:mod:`tours.problemtext`), in the same language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Sequence

from tours.i18n import Report, SourceMessage, source_hash
from tours.languages import fallback_chain, language
from tours.model import Problem
from tours.problemtext import problem_in, read_messages

__all__ = ["msg", "escape", "wikitext", "link", "PageError", "Status", "render_status", "render_talk_note",
           "render_editnotice", "render_translation_status", "render_translation_index",
           "DraftLine", "render_draft_preview", "render_draft_errors", "render_draft_deleted",
           "render_draft_editnotice",
           "TALK_MARKER", "talk_marker"]

I18N_DIR = Path(__file__).resolve().parent.parent / "i18n" / "sync"
_PARAM = re.compile(r"\$(\d+)")
_LANG = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$")
#: The talk-page note carries this, so an editor is told once per broken revision.
TALK_MARKER = '<!-- wikitours:sync-error rev="{revid}" -->'


def talk_marker(revid: int) -> str:
    return TALK_MARKER.format(revid=int(revid))


@lru_cache(maxsize=32)
def _messages(lang: str) -> Mapping[str, str]:
    return read_messages(I18N_DIR, lang)


def msg(key: str, lang: str, *params: object) -> str:
    """Message *key* in *lang* (MediaWiki's fallback chain, then English), ``$N`` filled in.

    Parameters are inserted as given: escape them first when they come from the wiki.
    """
    for code in (*fallback_chain(lang or "en"), "en"):
        text = _messages(code).get(key)
        if text is not None:
            break
    else:
        raise KeyError(f"no message {key!r} in i18n/sync/en.json")
    return _PARAM.sub(lambda m: str(params[int(m.group(1)) - 1])
                      if 0 < int(m.group(1)) <= len(params) else m.group(0), text)


# Quoted text is always inserted mid-line (after "* ", "== " or a label), so line-start markup
# (* # : ; = -) cannot take effect; what can, anywhere in a line, is escaped. "__" would make a
# magic word (__NOTOC__), "~~~" a signature at save, "://" a free external link.
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "[": "&#91;", "]": "&#93;", "{": "&#123;",
            "}": "&#125;", "|": "&#124;", "'": "&#39;", "~": "&#126;", "_": "&#95;",
            "\"": "&quot;", "://": "&#58;//"}
_ESCAPE_RE = re.compile("://|[" + re.escape("".join(k for k in _ESCAPES if len(k) == 1)) + "]")
_MAX_QUOTE = 600
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def escape(text: object) -> str:
    """*text* as plain text in wikitext: no markup, no links, no signatures, one line."""
    value = " ".join(_CONTROL.sub("\ufffd", str(text)).split())  # NUL & co. shown as �
    if len(value) > _MAX_QUOTE:
        value = value[:_MAX_QUOTE - 1] + "…"
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], value)


_CODE = re.compile(r"`([^`\n]+)`")


def wikitext(text: object) -> str:
    """A problem's message or hint for a wiki page: escaped by :func:`escape`, and the code the console
    text marks with backticks (`` `id: x` ``) shown as ``<code>…</code>``, as the wiki shows code.
    The escaping comes first, so nothing between the backticks can become markup."""
    return _CODE.sub(r"<code>\1</code>", escape(text))


_BAD_TITLE = re.compile(r"[\[\]{}|<>#\x00-\x1f\x7f]")


def link(title: str, label: str | None = None) -> str:
    """A wikilink to *title*; a title that cannot be linked is shown as text instead."""
    if not title or _BAD_TITLE.search(title) or "~~~" in title:
        return escape(label if label is not None else title)
    shown = escape(label) if label is not None else escape(title)
    return f"[[:{title}|{shown}]]"


def user_link(name: str, index: str = "") -> str:
    """A link to a user page. The target is escaped too (MediaWiki decodes entities in link
    targets), so a name such as ``A&amp;B`` or one with quote marks links to that account."""
    if not name:
        return "?"
    if index:
        return remote_link(index, f"User:{name}", name)
    if _BAD_TITLE.search(name):
        return escape(name)
    return f"[[:User:{escape(name)}|{escape(name)}]]"


_URL_SAFE = re.compile(r"^https?://[^\s\[\]<>\"{}|]+$")


def remote_link(index: str, title: str, label: str | None = None, **query: object) -> str:
    """A link to *title* on another wiki (its ``index.php``), as an external link."""
    from urllib.parse import quote, urlencode

    if not _URL_SAFE.match(index or ""):
        return escape(label if label is not None else title)
    params = urlencode({"title": title, **{k: str(v) for k, v in query.items()}},
                       quote_via=quote)
    return f"[{index}?{params} {escape(label if label is not None else title)}]"


def diff_link(revid: int, good_revid: int, label: str, index: str = "") -> str:
    if index:
        if good_revid and good_revid != revid:
            return remote_link(index, "Special:Diff", label, diff=int(revid), oldid=int(good_revid))
        return remote_link(index, "Special:Diff", label, diff=int(revid))
    if good_revid and good_revid != revid:
        return f"[[Special:Diff/{int(good_revid)}/{int(revid)}|{label}]]"
    return f"[[Special:Diff/{int(revid)}|{label}]]"


@dataclass(frozen=True)
class PageError:
    """An error and the revision that introduced it (the page's current revision; the diff runs
    from the page's last revision that compiled, when known)."""

    problem: Problem
    revid: int = 0
    good_revid: int = 0
    user: str = ""
    index: str = ""  #: index.php of the wiki holding the page, when it is another wiki


@dataclass(frozen=True)
class DraftLine:
    """One draft on the status page: its page, revision, error count and preview page."""

    title: str
    revid: int
    errors: int
    preview: str


@dataclass(frozen=True)
class Status:
    """What the status page of one wiki shows."""

    lang: str
    errors: tuple[PageError, ...] = ()
    warnings: tuple[Problem, ...] = ()
    live_version: str = ""
    live_sources: tuple[tuple[str, int], ...] = ()
    fixed: tuple[tuple[str, int], ...] = ()
    conflicts: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    previews: tuple[str, ...] = ()
    checked: str = ""
    docs: str = "Help:Wikitours/Tour language"
    schema: str = "MediaWiki:Wikitours/tours.schema.json"
    source_index: str = ""  #: index.php of the library wiki when it is another wiki
    drafts: tuple[DraftLine, ...] = ()
    #: "" (no publish under way), "in-progress" (written just before a publish's first edit) or
    #: "interrupted" (the publish stopped: the next run finishes it).
    publishing: str = ""
    publish_version: str = ""
    publish_started: str = ""
    publish_done: int = 0
    publish_total: int = 0
    #: readers already run the new version (the pointer was switched)
    switched: bool = False
    #: the start of an interrupted publish this run finished
    resumed: str = ""
    #: what readers run, read from the pointer in the loader: its version, revision, tours
    pointer_version: str = ""
    pointer_revid: int = 0
    pointer_tours: tuple[tuple[str, str], ...] = ()
    pointer_title: str = "MediaWiki:Gadget-wikitours.js"
    #: The publishing-trust section (publish/reviewpage.py), already rendered.
    review: str = ""
    #: How many source pages have edits waiting for review (the heading says so).
    waiting: int = 0


def render_status(status: Status) -> str:
    """The status page: heading, what is live, every error with line, fix and diff link."""
    lang = status.lang
    out: list[str] = []
    dir_ = language(lang).dir if lang else "ltr"
    out.append(f'<div lang="{escape(lang)}" dir="{dir_}">')
    count = len(status.errors)
    problem_pages = count or len(status.conflicts)
    key = "wikitours-sync-status-heading-errors" if problem_pages and not status.publishing \
        else "wikitours-sync-status-heading-publishing" if status.publishing == "in-progress" \
        else "wikitours-sync-status-heading-interrupted" if status.publishing \
        else "wikitours-sync-status-heading-waiting" if status.waiting \
        else "wikitours-sync-status-heading-ok"
    number = count or len(status.conflicts) or status.waiting
    out.append(f"== {msg(key, lang, number)} ==")
    def src(title: str) -> str:
        return remote_link(status.source_index, title) if status.source_index else link(title)

    sources = ", ".join(src(t) for t in status.sources[:20]) + (" …" if len(status.sources) > 20 else "")
    out.append(msg("wikitours-sync-status-intro", lang, sources))
    out.append("")
    out.extend(_publish_lines(status))
    schema = status.schema
    out.append(msg("wikitours-sync-status-help", lang,
                   link(status.docs, msg("wikitours-sync-status-docs", lang)),
                   link(schema) if schema else "—"))
    out.append("")
    if status.errors:
        out.append(msg("wikitours-sync-status-kept", lang))
        for error in status.errors:
            p = error.problem
            message, hint = problem_in(p, lang)
            where = remote_link(error.index, p.file) if error.index else link(p.file)
            out.append("* " + msg("wikitours-sync-status-error", lang, where, int(p.line),
                                  wikitext(message)))
            if hint:
                out.append("*: " + msg("wikitours-sync-status-fix", lang, wikitext(hint)))
            if error.revid:
                out.append("*: " + msg("wikitours-sync-status-introduced", lang,
                                       diff_link(error.revid, error.good_revid,
                                                 msg("wikitours-sync-status-diff", lang), error.index),
                                       user_link(error.user, error.index)))
        out.append("")
    if status.review:
        out.append(status.review)
    if status.conflicts:
        out.append(msg("wikitours-sync-status-conflicts", lang, len(status.conflicts),
                       ", ".join(link(t) for t in status.conflicts)))
        out.append("")
    if status.fixed and not status.errors:
        revisions = ", ".join(diff_link(int(r), 0, escape(t), status.source_index if status.source_index else "")
                              for t, r in status.fixed)
        out.append(msg("wikitours-sync-status-fixed", lang, revisions))
        out.append("")
    out.extend(_pointer_lines(status))
    if status.live_version:
        out.append(msg("wikitours-sync-status-live", lang, escape(status.live_version)))
        for title, revid in status.live_sources:
            if status.source_index:
                out.append(f"* {src(title)} ({remote_link(status.source_index, 'Special:PermanentLink/' + str(int(revid)), str(int(revid)))})")
            else:
                out.append(f"* {link(title)} ([[Special:PermanentLink/{int(revid)}|{int(revid)}]])")
    else:
        out.append(msg("wikitours-sync-status-none-live", lang))
    out.append("")
    if status.warnings:
        out.append(msg("wikitours-sync-status-warnings", lang))
        for p in status.warnings[:100]:
            out.append("* " + msg("wikitours-sync-status-error", lang, link(p.file), int(p.line),
                                  wikitext(problem_in(p, lang)[0])))
        out.append("")
    if status.previews:
        out.append(msg("wikitours-sync-status-previews", lang) + " "
                   + ", ".join(link(t) for t in status.previews))
        out.append("")
    if status.drafts:
        # Drafts never count as errors of the tours: they are listed, not reported.
        out.append(msg("wikitours-sync-status-drafts", lang))
        for d in status.drafts[:200]:
            key = "wikitours-sync-status-draft-errors" if d.errors else "wikitours-sync-status-draft-ok"
            out.append("* " + msg(key, lang, link(d.title), f"[[Special:PermanentLink/{int(d.revid)}|{int(d.revid)}]]",
                                  link(d.preview), int(d.errors)))
        out.append("")
    if status.checked:
        out.append(msg("wikitours-sync-status-checked", lang, escape(status.checked)))
    out.append("</div>")
    return "\n".join(out) + "\n"


def _publish_lines(status: Status) -> list[str]:
    """What the status page says about a publish under way, interrupted, or finished late."""
    lang = status.lang
    if status.publishing == "in-progress":
        lines = [msg("wikitours-sync-status-publishing", lang, escape(status.publish_version),
                     escape(status.publish_started))]
    elif status.publishing == "interrupted":
        key = "wikitours-sync-status-interrupted-after" if status.switched \
            else "wikitours-sync-status-interrupted-before"
        lines = [msg(key, lang, int(status.publish_done), int(status.publish_total),
                     escape(status.publish_version))]
    else:
        lines = []
    if status.resumed:
        lines.append(msg("wikitours-sync-status-resumed", lang, escape(status.resumed)))
    return lines + [""] if lines else []


def _pointer_lines(status: Status) -> list[str]:
    """What readers run, as the pointer in the loader says (not what the sync meant to do)."""
    lang = status.lang
    if not status.pointer_version:
        return [msg("wikitours-sync-status-no-pointer", lang, link(status.pointer_title)), ""]
    where = f"[[Special:PermanentLink/{int(status.pointer_revid)}|" \
        f"{escape(status.pointer_title)}]]"
    lines = [msg("wikitours-sync-status-pointer", lang, escape(status.pointer_version), where)]
    for tour, version in status.pointer_tours[:200]:
        lines.append(f"* {escape(tour)}: {escape(version)}")
    return lines + [""]


def render_talk_note(lang: str, *, title: str, revid: int, good_revid: int, errors: int,
                     status_title: str) -> tuple[str, str]:
    """``(section heading, text)`` of the note telling an editor their edit broke the tours."""
    heading = msg("wikitours-sync-talk-heading", lang, escape(title))
    text = msg("wikitours-sync-talk-text", lang,
               diff_link(revid, good_revid, msg("wikitours-sync-status-diff", lang)),
               link(title), int(errors), link(status_title))
    return heading, f"{talk_marker(revid)}\n{text} ~~~~"


def render_editnotice(lang: str, *, docs: str, schema: str, status_title: str,
                      drafts: str = "", previews: str = "") -> str:
    """The edit notice of the tour pages; with *drafts* (the drafts prefix) it says how to try a
    change first."""
    text = msg("wikitours-sync-editnotice", lang, link(docs, msg("wikitours-sync-status-docs", lang)),
               link(schema), link(status_title))
    if drafts:
        text += " " + msg("wikitours-sync-editnotice-drafts", lang,
                          f"<code>{escape(drafts)}&lt;id&gt;.yaml</code>",
                          f"<code>{escape(previews)}&lt;id&gt;</code>")
    return text + "\n"


def _banner(lang: str, kind: str, lines: Sequence[str]) -> str:
    """The framed box on top of a preview page, in the wiki's language and direction."""
    return (f'<div class="wikitours-draft-banner wikitours-draft-{kind}" lang="{escape(lang)}" '
            f'dir="{page_dir(lang)}" style="border:2px solid #a66200;background:#fef6e7;'
            'padding:0.5em 1em;margin-bottom:1em">\n' + "\n\n".join(lines) + "\n</div>")


def render_draft_editnotice(lang: str, *, docs: str, schema: str, previews: str, tours: str,
                            status_title: str) -> str:
    """The edit notice of the draft pages: drafts are previewed, never published."""
    return msg("wikitours-sync-editnotice-draft", lang,
               link(docs, msg("wikitours-sync-status-docs", lang)),
               f"<code>{escape(previews)}&lt;id&gt;</code>", f"<code>{escape(tours)}&lt;id&gt;.yaml</code>",
               link(schema), link(status_title)) + "\n"


# The help page's start button would start the live tour (or none, for a new tour), not the draft.
_START_LINE = re.compile(r'(?m)^<div class="wikitours-start[^\n]*\n?')


def render_draft_preview(lang: str, *, draft: str, revid: int, help_text: str, live: str,
                         publish: str) -> str:
    """The preview page of a draft that compiles: the banner, then its compiled help page.

    *live* is the live help page of the same tour ("" when the tour is new); *publish* the tour
    page to copy the draft into. *help_text* is the compiler's output, already safe wikitext."""
    lines = [msg("wikitours-sync-draft-banner", lang, int(revid), link(draft)),
             msg("wikitours-sync-draft-live", lang, link(live)) if live
             else msg("wikitours-sync-draft-new", lang),
             msg("wikitours-sync-draft-publish", lang, link(publish))]
    return _banner(lang, "ok", lines) + "\n" + _START_LINE.sub("", help_text)


def render_draft_errors(lang: str, *, draft: str, revid: int, problems: Sequence[Problem],
                        live: str) -> str:
    """The preview page of a draft that does not compile: each error with page, line, what is
    wrong and how to fix it (the status page's rendering), in the wiki's language."""
    lines = [msg("wikitours-sync-draft-errors", lang, int(revid), link(draft), len(problems))]
    items = []
    for p in list(problems)[:100]:
        message, hint = problem_in(p, lang)
        items.append("* " + msg("wikitours-sync-status-error", lang, link(p.file), int(p.line),
                                wikitext(message)))
        if hint:
            items.append("*: " + msg("wikitours-sync-status-fix", lang, wikitext(hint)))
    lines.append("\n".join(items))
    if live:
        lines.append(msg("wikitours-sync-draft-live", lang, link(live)))
    return _banner(lang, "errors", lines) + "\n"


def render_draft_deleted(lang: str, *, draft: str) -> str:
    """What stays of a preview page once its draft is deleted: a note, nothing compiled."""
    return _banner(lang, "deleted", [msg("wikitours-sync-draft-deleted", lang, link(draft))]) + "\n"


def _edit_link(title: str, label: str) -> str:
    if _BAD_TITLE.search(title):
        return escape(label)
    return f"[{{{{fullurl:{title}|action=edit}}}} {escape(label)}]"


def render_translation_status(report: Report, sources: Mapping[str, SourceMessage], lang: str,
                              *, page_lang: str, translation_title: str) -> str:
    """The status page of one language: percentage, missing and outdated texts, a link to
    translate, the language's direction marked (``dir="rtl"`` around its texts)."""
    status = next((s for s in report.languages if s.lang == lang), None)
    info = language(lang)
    out = [f"== {msg('wikitours-sync-i18n-heading', page_lang, escape(f'{info.name} ({lang})' if getattr(info, 'name', '') else lang))} =="]
    total = report.total
    if status is None:
        missing, outdated, translated, percent = tuple(sources), (), 0, 0.0
    else:
        missing, outdated, translated, percent = status.missing, status.outdated, status.translated, status.percent
    out.append(msg("wikitours-sync-i18n-summary", page_lang, f"{percent:.0f}", translated, total,
                   len(missing), len(outdated)) + " " + _edit_link(
        translation_title, msg("wikitours-sync-i18n-translate", page_lang)))
    if info.dir == "rtl":
        out.append("")
        out.append(f"'''{msg('wikitours-sync-i18n-rtl', page_lang)}''' <span class=\"wikitours-rtl\" dir=\"rtl\">rtl</span>")
    for heading, keys in (("wikitours-sync-i18n-missing", missing), ("wikitours-sync-i18n-outdated", outdated)):
        out.append("")
        out.append(f"=== {msg(heading, page_lang)} ===")
        if not keys:
            out.append(msg("wikitours-sync-i18n-none", page_lang))
            continue
        for key in keys:
            source = sources.get(key)
            text = escape(source.text) if source else ""
            out.append(f"* <code>{escape(key)}</code>: {text}")
            if heading.endswith("outdated") and source is not None:
                out.append("*: " + msg("wikitours-sync-i18n-hash", page_lang,
                                       f"<code>{source_hash(source.text)}</code>"))
    return f'<div class="wikitours-translation-status" data-lang="{escape(lang)}" dir="{page_dir(page_lang)}">\n' \
        + "\n".join(out) + "\n</div>\n"


def page_dir(lang: str) -> str:
    return language(lang).dir if lang else "ltr"


def render_translation_index(report: Report, *, page_lang: str, titles: Mapping[str, str],
                             status_titles: Mapping[str, str], new_example: str) -> str:
    """One table: every language with its percentage, counts and links."""
    out = [f"== {msg('wikitours-sync-i18n-index-heading', page_lang)} ==",
           '{| class="wikitable sortable"',
           "! " + " !! ".join(msg(k, page_lang) for k in (
               "wikitours-sync-i18n-col-language", "wikitours-sync-i18n-col-percent",
               "wikitours-sync-i18n-col-missing", "wikitours-sync-i18n-col-outdated",
               "wikitours-sync-i18n-col-page"))]
    for s in report.languages:
        info = language(s.lang)
        rtl = ' <span dir="rtl">(rtl)</span>' if info.dir == "rtl" else ""
        out.append("|-")
        out.append(f"| {link(status_titles.get(s.lang, ''), s.lang)}{rtl} || {s.percent:.0f}% || "
                   f"{len(s.missing)} || {len(s.outdated)} || "
                   f"{link(titles.get(s.lang, ''))} ({_edit_link(titles.get(s.lang, ''), msg('wikitours-sync-i18n-translate', page_lang))})")
    out.append("|}")
    out.append(msg("wikitours-sync-i18n-new", page_lang, f"<code>{escape(new_example)}</code>"))
    return "\n".join(out) + "\n"


def summarise(problems: Sequence[Problem]) -> tuple[list[Problem], list[Problem]]:
    """``(errors, warnings)``."""
    return ([p for p in problems if p.severity == "error"],
            [p for p in problems if p.severity != "error"])
