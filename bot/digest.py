"""Telling mentors about new mentees, on the mentor's talk page.

Each mentor chooses in the mentor list: ``"notify": "digest"`` (default) gets one message per run
listing every new mentee, ``"each"`` one message per mentee. A mentee counts as told when the
mentor's talk page carries ``<!-- wikitours:mentee user="NAME" -->`` or the record says
``notified``; the record is updated after the message, and the marker covers a crash in
between. Mentors who keep bots off their talk page (``{{nobots}}``, ``optout=mentor``) are
skipped with a log line and told later if they allow it again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot import exclusion, markers
from bot.mentors import Mentee, Mentor, active
from bot.messages import message, sanitize, user_link, user_text
from wikiapi.client import Wiki
from bot.records import Records

__all__ = ["Notice", "pending", "render_digest", "render_each", "notify_mentors"]


@dataclass(frozen=True)
class Notice:
    """One message to post on a mentor's talk page."""

    text: str
    summary: str
    mentees: tuple[str, ...]


def pending(mentees: Sequence[Mentee], talk_text: str, now, days: int) -> list[Mentee]:
    """Active mentees the mentor has not been told about yet."""
    told = markers.told_mentees(talk_text)
    return [m for m in mentees
            if not m.notified and m.username not in told and active(m, now, days)]


def _line(mentee: Mentee, lang: str) -> str:
    if mentee.previous:
        return message("wikitours-bot-digest-line-reassigned", lang, user_text(mentee.username),
                       user_link(mentee.previous))
    return message("wikitours-bot-digest-line", lang, user_text(mentee.username))


def render_digest(mentor: Mentor, mentees: Sequence[Mentee], lang: str,
                  list_title: str) -> Notice:
    """One section that lists every new mentee, with one marker per mentee."""
    count = len(mentees)
    lines = [f"== {message('wikitours-bot-digest-heading', lang, count)} =="]
    lines += [markers.render("mentee", user=m.username) for m in mentees]
    lines.append(message("wikitours-bot-digest-intro", lang, user_text(mentor.username), count))
    lines += [f"* {_line(m, lang)}" for m in mentees]
    lines.append("")
    lines.append(message("wikitours-bot-digest-footer", lang, list_title) + " ~~~~")
    names = tuple(m.username for m in mentees)
    summary = message("wikitours-bot-summary-digest", lang, ", ".join(names))
    if len(summary) > 450:
        summary = summary[:447] + "..."
    return Notice("\n".join(lines), summary, names)


def render_each(mentor: Mentor, mentee: Mentee, lang: str, list_title: str) -> Notice:
    """One section about one mentee."""
    text = "\n".join([
        f"== {message('wikitours-bot-each-heading', lang, user_text(mentee.username))} ==",
        markers.render("mentee", user=mentee.username),
        message("wikitours-bot-digest-intro", lang, user_text(mentor.username), 1),
        f"* {_line(mentee, lang)}",
        "",
        message("wikitours-bot-digest-footer", lang, list_title) + " ~~~~"])
    return Notice(text, message("wikitours-bot-summary-digest", lang, mentee.username),
                  (mentee.username,))


def _append(old: str, section: str) -> str:
    return (old.rstrip() + "\n\n" + section + "\n") if old.strip() else section + "\n"


def notify_mentors(wiki: Wiki, mentors: Sequence[Mentor], records: Records, lang: str,
                   list_title: str, now, days: int, log: Callable[[str], None],
                   may_edit: Callable[[], bool], attempts: int = 3) -> int:
    """Post what each listed mentor has not been told yet; returns the edits made.

    Marks told mentees in *records* (saved by the caller). *may_edit* is asked before every
    edit (the emergency stop).
    """
    today = now.date()
    candidates = {m.username: m for m in mentors if not m.is_away(today)}
    todo = {name: records.get(name).current() for name in candidates
            if name in records.by_mentor}
    todo = {name: mentees for name, mentees in todo.items()
            if any(not m.notified and active(m, now, days) for m in mentees)}
    if not todo:
        return 0
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    talk = wiki.read(f"User talk:{name}" for name in todo)
    made = 0
    for name, mentees in sorted(todo.items()):
        mentor = candidates[name]
        page = talk[f"User talk:{name}"]
        for _ in range(attempts):
            waiting = pending(mentees, page.text, now, days)
            already = {m.username for m in mentees if not m.notified} - {
                m.username for m in waiting}
            if already:  # told on the page (e.g. before a crash) but not in the record
                records.mark_notified(name, already, stamp)
            if not waiting:
                break
            allowed = exclusion.check(page.text, wiki.user_name, message_type="mentor")
            if not allowed.allowed:
                log(f"mentor {name}: not told about {len(waiting)} mentee(s): "
                    f"talk page has {allowed.reason}")
                break
            notices = ([render_digest(mentor, waiting, lang, list_title)]
                       if mentor.notify == "digest"
                       else [render_each(mentor, m, lang, list_title) for m in waiting])
            conflict = False
            for notice in notices:
                if not may_edit():
                    return made
                text = _append(page.text, notice.text)
                result = wiki.save(page, text, notice.summary)
                if result.ok:
                    made += 1
                    records.mark_notified(name, set(notice.mentees), stamp)
                    log(f"mentor {name}: told about {', '.join(map(sanitize, notice.mentees))}")
                    page = type(page)(page.title, True, text, result.revid or page.revid,
                                      result.timestamp, wiki.user_name)
                    continue
                if result.status in ("conflict", "exists", "missing"):
                    conflict = True
                    break
                log(f"mentor {name}: message not saved: {result.status} {result.info}")
                break
            if not conflict:
                break
            page = wiki.read([page.title])[page.title]
    return made
