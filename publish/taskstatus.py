"""The status page of the task lists: what is wrong with the task types page, where admins look.

``python -m publish.tasklists`` runs hourly as a job; its console goes to a log file nobody on
the wiki reads. So the problems it finds in ``Project:Wikitours/Tasks.json`` (a type dropped,
a bad field, no reviewed revision) are also written to a short page beside it, in the wiki's
language, framed like the sync's Status page (:mod:`publish.statuspage`: same escaping, same
problem line). Pure: the bot decides when to save it.
"""

from __future__ import annotations

from typing import Mapping, Sequence

from practice.tasktypes import CONFIG_TITLE, LIST_TITLE
from publish.statuspage import escape, link, msg, wikitext
from tours.languages import language
from tours.model import Problem
from tours.problemtext import problem_in

__all__ = ["STATUS_TITLE", "render_task_status", "MAX_SHOWN"]

#: Beside the types page, in the project namespace admins watch.
STATUS_TITLE = "Project:Wikitours/Tasks status"
#: A page with thousands of problems still makes a short status page.
MAX_SHOWN = 50


def render_task_status(lang: str, problems: Sequence[Problem], revision: int,
                       pages: Mapping[str, int]) -> str:
    """The status page in *lang*: a heading that says whether anything is wrong, where the
    lists come from, and each problem with its line and what is wrong (quoted text escaped).
    Nothing in it changes from one run to the next unless the problems or lists do, so an
    hourly job does not edit it every hour."""
    dir_ = language(lang).dir if lang else "ltr"
    key = "wikitours-sync-tasks-status-heading-problems" if problems \
        else "wikitours-sync-tasks-status-heading-ok"
    source = f"[[Special:PermanentLink/{int(revision)}|{escape(CONFIG_TITLE)}]]" if revision \
        else link(CONFIG_TITLE)
    counts = ", ".join(f"{escape(k)}: {int(v)}" for k, v in pages.items()) or "—"
    out = [f'<div lang="{escape(lang)}" dir="{dir_}">',
           f"== {msg(key, lang, len(problems))} ==",
           msg("wikitours-sync-tasks-status-intro", lang, source, link(LIST_TITLE), counts), ""]
    for p in list(problems)[:MAX_SHOWN]:
        out.append("* " + msg("wikitours-sync-status-error", lang, link(p.file), int(p.line),
                              wikitext(problem_in(p, lang)[0])))
    if len(problems) > MAX_SHOWN:
        out.append("* …")
    out.append("</div>")
    return "\n".join(out) + "\n"
