"""Publish the wiki's task lists: real articles that need work, for newcomers to practise on.

    python -m publish.tasklists [-simulate] [-help] [--lang CODE]

Reads the wiki's task types page (``Project:Wikitours/Tasks.json``, docs/contracts.md §14) in
its latest **reviewed** revision (the same rules as tour pages, ``publish/trust.py``: saved by
someone trusted on top of reviewed content, or approved on ``Project:Wikitours/Approved.json``),
finds the articles in each type's maintenance categories and templates with one batched
generator query per source, and saves ``MediaWiki:Gadget-wikitours-tasks.json`` when the list changed.
The gadget offers articles from that one cached page. Run it hourly (``jobs.yaml``).

Problems of the types page are printed as ``PAGE:LINE:COLUMN: error: what is wrong`` in the
operator's language (``--lang``, else ``WIKITOURS_LANG`` or the locale:
:func:`tours.messages.output_language`).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import Callable

from practice.tasklist import Source, build, merge_reply, query_params, render, sources
from contracts.problems import Issue, Message
from practice.tasktypes import CONFIG_TITLE, LIST_TITLE, TaskConfig, parse_config
from publish.statuspage import msg as page_msg
from publish.taskstatus import STATUS_TITLE, render_task_status
from publish.trust import (DEFAULT_TRUST, TrustConfig, approved_for, approvals_from_history,
                           read_approvals, read_histories, read_revision_texts, read_users,
                           review_page)
from tours.messages import T, output_language
from tours.messages import render as render_text
from tours.model import Problem
from tours.problemkinds import from_message
from tours.problemtext import format_problem
from wikiapi.client import Wiki
from wikiapi.scripthelp import help_requested

__all__ = ["Report", "reviewed_config", "fetch", "run", "main", "shown"]

#: Continuation requests per source at most: a list is a sample to offer, not an index.
MAX_REQUESTS_PER_SOURCE = 5


@dataclass
class Report:
    revision: int = 0  # the reviewed revision of the task types page used (0: none)
    waiting: int = 0  # later revisions waiting for review
    pages: dict[str, int] = field(default_factory=dict)  # type id → articles listed
    problems: list[Problem] = field(default_factory=list)  # translatable (problem_in)
    saved: bool = False
    requests: int = 0


def shown(page: str, issue: Issue) -> Problem:
    """A contract's problem as a :class:`tours.model.Problem` of *page*, translatable."""
    return Problem(page, issue.line, issue.column, from_message(issue.message),
                   severity=issue.severity)


def reviewed_config(wiki: Wiki, trust: TrustConfig = DEFAULT_TRUST,
                    known_tours: frozenset[str] | None = None) -> tuple[TaskConfig, int, int]:
    """The task types of the page's latest reviewed revision: ``(config, revid, waiting)``."""
    site = wiki.site
    history = read_histories(site, [CONFIG_TITLE]).get(CONFIG_TITLE, [])
    wiki.requests += 1
    if not history:
        return TaskConfig(), 0, 0
    versions = read_approvals(site, trust.approvals)
    users = read_users(site, {r.user for r in history} | {v[1] for v in versions})
    wiki.requests += 3

    def trusted(name: str) -> bool:
        groups, rights = users.get(name, (frozenset(), frozenset()))
        return trust.publish.allows(groups, rights)

    def normalise(title: str) -> str:
        import pywikibot  # needs its user-config: imported on use

        return pywikibot.Page(site, title).title()

    approvals = approvals_from_history(versions, normalise)
    verdict = review_page(CONFIG_TITLE, history, trusted,
                          approved_for(approvals, normalise(CONFIG_TITLE), trusted))
    if verdict.published is None:
        return TaskConfig(problems=(Issue(0, 0, Message(
            "wikitours-problem-tasks-not-reviewed")),)), 0, len(verdict.waiting)
    text = read_revision_texts(site, [verdict.published.revid]).get(verdict.published.revid)
    wiki.requests += 1
    return parse_config(text, known_tours), verdict.published.revid, len(verdict.waiting)


def fetch(wiki: Wiki, config: TaskConfig) -> dict[Source, list[dict]]:
    """Every source's pages: one generator request each (more only for long categories)."""
    found: dict[Source, list[dict]] = {}
    for source in sources(config):
        params = query_params(source, config)
        params.pop("action")
        pages: dict[int, dict] = {}
        for _ in range(MAX_REQUESTS_PER_SOURCE):
            reply = wiki._query(**params)
            merge_reply(pages, reply)
            cont = reply.get("continue")
            if not cont or len(pages) >= 2 * config.max_pages:
                break
            params.update(cont)
        found[source] = list(pages.values())
    return found


def _same_json(a: str | None, b: str) -> bool:
    """MediaWiki trims and may reformat JSON pages: compare what they say, not their bytes."""
    try:
        return json.loads(a or "null") == json.loads(b)
    except ValueError:
        return False


def run(wiki: Wiki, trust: TrustConfig = DEFAULT_TRUST, known_tours: frozenset[str] | None = None,
        log: Callable[[str], None] = print, lang: str = "en") -> Report:
    """Publish the lists; every line given to *log* is in *lang*."""
    report = Report()
    config, report.revision, report.waiting = reviewed_config(wiki, trust, known_tours)
    report.problems += [shown(CONFIG_TITLE, issue) for issue in config.problems]
    for problem in report.problems:
        log(format_problem(problem, lang))
    if not report.revision:
        _write_status(wiki, report, None, log, lang)
        report.requests = wiki.requests
        return report
    lists = build(config, fetch(wiki, config))
    report.pages = {k: len(v) for k, v in lists.pages.items()}
    text = render(lists, report.revision)
    read = wiki.read([LIST_TITLE, STATUS_TITLE])  # one request for both
    page = read[LIST_TITLE]
    if not _same_json(page.text, text):
        result = wiki.save(page, text, "wikitours: task lists from "
                           f"[[Special:PermanentLink/{report.revision}|{CONFIG_TITLE}]]",
                           model="json")
        report.saved = result.status in ("saved", "dry")
        if not report.saved:
            report.problems.append(Problem(LIST_TITLE, 0, 0, T(
                "wikitours-problem-tasks-list-not-saved", str(result.status), str(result.info))))
            log(format_problem(report.problems[-1], lang))
    _write_status(wiki, report, read.get(STATUS_TITLE), log, lang)
    report.requests = wiki.requests
    counts = ", ".join(f"{k}: {v}" for k, v in report.pages.items())
    log(render_text(T("wikitours-tasklists-saved" if report.saved else "wikitours-tasklists-unchanged",
                 report.revision, counts, report.requests), lang))
    return report


def _lang_option(args: tuple[str, ...]) -> tuple[tuple[str, ...], str | None]:
    """``--lang CODE`` / ``--lang=CODE`` (the console's language; Pywikibot's own ``-lang:``
    is the wiki's) taken out of *args*."""
    rest: list[str] = []
    lang = None
    items = iter(args)
    for arg in items:
        if arg == "--lang":
            lang = next(items, None)
        elif arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
        else:
            rest.append(arg)
    return tuple(rest), lang


def _write_status(wiki: Wiki, report: Report, page, log: Callable[[str], None],
                  lang: str) -> None:
    """Save the status page (``Project:Wikitours/Tasks status``) in the wiki's language when
    what it says changed; a wiki whose types page never had a problem gets no such page."""
    if page is None:
        page = wiki.read([STATUS_TITLE])[STATUS_TITLE]
    if not page.exists and not report.problems:
        return
    wiki_lang = wiki.siteinfo_language()
    text = render_task_status(wiki_lang, report.problems, report.revision, report.pages)
    if page.text.strip() == text.strip():
        return
    result = wiki.save(page, text, page_msg("wikitours-sync-tasks-status-summary", wiki_lang))
    if result.status not in ("saved", "dry"):
        problem = Problem(STATUS_TITLE, 0, 0, T("wikitours-problem-tasks-list-not-saved",
                                                str(result.status), str(result.info)))
        report.problems.append(problem)
        log(format_problem(problem, lang))


def main(*args: str) -> int:

    if help_requested(__doc__, args):
        return 0
    import pywikibot  # needs its user-config: imported on use

    args, lang = _lang_option(args)
    # handle_args() reads sys.argv (as pywikibot.argvu) when given no arguments: without ours
    pywikibot.argvu = [*pywikibot.argvu[:1], *_lang_option(tuple(pywikibot.argvu[1:]))[0]]
    local = pywikibot.handle_args(args)
    if local:
        pywikibot.bot.suggest_help(unknown_parameters=local)
        return 2
    site = pywikibot.Site()
    site.login()
    report = run(Wiki(site), log=pywikibot.info, lang=output_language(lang))
    return 1 if report.problems and not report.revision else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
