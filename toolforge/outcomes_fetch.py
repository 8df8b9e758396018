"""Reading what outcomes need from a wiki's Action API, many newcomers per request.

Who counts: every newcomer the bot welcomed, from ``Project:Wikitours/Mentees/<Mentor>.json``
(contracts §7), with their mentor; experiment arms from ``Project:Wikitours/Experiments.json``
and ``…/Experiments/<name>.json`` (see :mod:`bot.experiments`), kept only where the hash
confirms the recorded variant. Then, for all of them at once:

======================  ==============================================================  =========
outcome                 request                                                         newcomers
======================  ==============================================================  =========
registration time       ``list=users&usprop=registration``                              50
edits (activation,      ``list=usercontribs&ucuser=A|B|…&ucprop=ids|timestamp|tags|      50, 500
retention, mentor       title|ns|size`` (500 edits per request, so busy newcomers cost    edits
talk)                   more)
revert time             ``list=recentchanges&rctag=mw-undo`` (and ``mw-rollback``,       all
                        ``mw-manual-revert``) over the weeks concerned, plus one request
                        for where recent changes begin; only when some first edit is
                        tagged ``mw-reverted``. Older than the wiki's recent changes (or
                        on a wiki too busy to list them within a budget) the page's later
                        revisions are read instead: one request per reverted first edit
tours, badges           ``prop=revisions`` of ``User:NAME/wikitours.json``               50
                        (:meth:`toolforge.wikiclient.WikiClient.progress`)
======================  ==============================================================  =========

plus one ``meta=siteinfo`` for the content namespaces. :class:`Fetched` says how many
requests each part took, so the benchmark and the tests can hold the goal of at most one
request per 50 newcomers per outcome.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from contracts import mentees
from contracts.experiments import (design_of, parse_config, parse_record,
                                   parse_report_threshold, verify)
from tours.model import Library
from tours.problemkinds import from_message
from tours.problemtext import render

from .outcomes import REVERTING_TAGS, Edit, Newcomer, Outcome, Windows, compute, \
    first_content_edit
from .progress import completed_tours, earned_badges, parse_time
from .wikiclient import BATCH, WikiClient, _batches, _normal, valid_username

__all__ = ["Fetched", "welcomed", "content_namespaces", "registrations", "contributions",
           "revert_times", "fetch_outcomes"]

#: Continuation requests one batch may take (500 edits each).
MAX_PAGES = 200
#: Later-revision reads when recent changes no longer cover an old revert.
MAX_HISTORY_READS = 50
#: Newcomers per refresh: the records are wiki pages anyone can edit, so a vandal listing every
#: account of a big wiki must not make one refresh read for hours.
MAX_NEWCOMERS = 100_000


@dataclass
class Fetched:
    """Outcomes plus what reading them cost and what was wrong on the wiki."""

    outcomes: list[Outcome] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    requests: Counter = field(default_factory=Counter)
    experiments: dict[str, tuple[str, ...]] = field(default_factory=dict)  # name -> variants
    #: the wiki's ``"report-threshold"`` from ``Experiments.json`` (None: not set or broken)
    report_threshold: int | None = None
    designs: dict[str, dict] = field(default_factory=dict)  # name -> design_entry()


def _counted(client: WikiClient, counter: Counter, part: str):
    """Run-time context: count the client's requests made inside under *part*."""
    class _Scope:
        def __enter__(self):
            self.start = client.requests

        def __exit__(self, *exc):
            counter[part] += client.requests - self.start
    return _Scope()


def _prefixed(client: WikiClient, namespace: int, prefix: str) -> dict[str, str]:
    """Title → content of every page in *namespace* whose title starts with *prefix*."""
    out: dict[str, str] = {}
    for part in client.query({"generator": "allpages", "gapnamespace": namespace,
                              "gapprefix": prefix, "gaplimit": BATCH, "prop": "revisions",
                              "rvprop": "content", "rvslots": "main"}, max_requests=MAX_PAGES):
        for page in part.get("pages", []):
            revisions = page.get("revisions") or []
            if revisions:
                out[page["title"]] = (revisions[0].get("slots") or {}).get(
                    "main", {}).get("content", "")
    return out


def welcomed(client: WikiClient, problems: list[str], settings: dict[str, int] | None = None,
             designs: dict[str, dict] | None = None
             ) -> tuple[dict[str, Newcomer], dict[str, tuple[str, ...]]]:
    """Newcomers the bot welcomed (with mentor and experiment arm) and the experiments.

    The wiki's ``report-threshold`` comes from the same configuration page, so it costs no
    extra request: when *settings* is given it is stored there under that key (if valid).
    When *designs* is given, each experiment's design as the reports need it is stored there
    (:func:`design_entry`). Each recorded entry is checked against the design recorded when
    the experiment started (the recorded arm wins over later edits of the configuration)."""
    records = _prefixed(client, 4, "Wikitours/Mentees/")
    newcomers: dict[str, Newcomer] = {}
    for title, text in sorted(records.items()):
        mentor = mentees.mentor_of(title)
        entries, dropped = mentees.parse_record(text, title)
        problems.extend(p for p in dropped if "not valid JSON" in p)
        for entry in entries:
            if len(newcomers) >= MAX_NEWCOMERS:
                problems.append(f"{title}: more than {MAX_NEWCOMERS} newcomers in the "
                                "records; the rest are left out of this refresh")
                break
            newcomers.setdefault(entry.username, Newcomer(entry.username, mentor))
    pages = _prefixed(client, 4, "Wikitours/Experiments")
    config_page = next((t for t in pages if t.endswith("/Experiments.json")), "")
    experiments, config_problems = parse_config(pages.get(config_page, ""),
                                                config_page or "Experiments.json")
    problems.extend(_problem_text(p) for p in config_problems)
    limit, limit_problems = parse_report_threshold(pages.get(config_page, ""),
                                                   config_page or "Experiments.json")
    problems.extend(_problem_text(p) for p in limit_problems)
    if settings is not None and limit is not None:
        settings["report-threshold"] = limit
    by_name = {e.name: e for e in experiments}
    frozen: dict[str, object] = {}  # name -> its record (the frozen design)
    for title, text in pages.items():
        if title == config_page:
            continue
        record = parse_record(text)
        for assignment in record.assignments:
            experiment = by_name.get(assignment.experiment)
            name = _normal(assignment.username)
            if experiment is None or not title.endswith(f"/{experiment.name}.json"):
                continue
            if experiment.name not in frozen:
                frozen[experiment.name] = record
                if (record.design and record.design != design_of(experiment)) or (
                        record.plan and record.plan != experiment.design):
                    problems.append(f"{title}: the design of {experiment.name!r} (variants, "
                                    "weights, primary outcome, minimum effect, planned size or "
                                    "end) differs from the one it started with; participants "
                                    "keep their recorded variants, the report keeps the first "
                                    "design and nobody new joins. Give the changed design a "
                                    "new name to start a new experiment")
            if not verify(experiment, assignment, record.design):
                problems.append(f"{title}: {assignment.username} is recorded in "
                                f"{assignment.variant!r}, which the assignment hash does not "
                                "give them; left out of the experiment")
                continue
            if name in newcomers and not newcomers[name].experiment:
                newcomers[name] = Newcomer(name, newcomers[name].mentor, experiment.name,
                                           assignment.variant)
    if designs is not None:
        for e in experiments:
            record = frozen.get(e.name)
            designs[e.name] = design_entry(e, getattr(record, "design", None),
                                           getattr(record, "plan", None))
    return newcomers, {e.name: tuple(v.id for v in e.variants) for e in experiments}


def _problem_text(problem) -> str:
    """``PAGE:LINE:COLUMN: what is wrong`` of a problem of the experiments' configuration."""
    return f"{problem.page}:{problem.line}:{problem.column}: " \
        f"{render(from_message(problem.message), 'en')}"


def design_entry(experiment, frozen=None, plan=None) -> dict:
    """What the reports need of an experiment, as JSON: its arms and weights and its design
    (primary outcome, minimum effect, horizon) as recorded when it started, else as
    configured; whether it is active, and whether the configuration has changed since."""
    arms = frozen or design_of(experiment)
    design = plan or experiment.design
    changed = bool(frozen and frozen != design_of(experiment)) or bool(
        plan and plan != experiment.design)
    return {"variants": [[vid, weight] for vid, weight in arms], "active": experiment.active,
            "changed": changed,
            "design": None if design is None else {
                "primary": design.primary, "minimum-effect": design.minimum_effect,
                "planned-size": design.planned_size, "end": design.end}}


def content_namespaces(client: WikiClient) -> frozenset[int]:
    data = client.get({"action": "query", "meta": "siteinfo", "siprop": "namespaces"})
    spaces = (data.get("query") or {}).get("namespaces") or {}
    found = {int(ns["id"]) for ns in spaces.values() if isinstance(ns, dict) and ns.get("content")}
    return frozenset(found or {0})


def registrations(client: WikiClient, names: Iterable[str]) -> dict[str, str]:
    """User name (the wiki's spelling) → registration time; unknown or missing users left out."""
    out: dict[str, str] = {}
    for batch in _batches([n for n in dict.fromkeys(names) if valid_username(n)]):
        for part in client.query({"list": "users", "ususers": "|".join(batch),
                                  "usprop": "registration"}):
            for user in part.get("users", []):
                if "userid" in user and isinstance(user.get("registration"), str):
                    out[user["name"]] = user["registration"]
    return out


def contributions(client: WikiClient, names: Iterable[str], start: str = "",
                  end: str = "") -> dict[str, list[Edit]]:
    """Every public edit of each user between *start* and *end* (ISO), 50 users per request."""
    names = [n for n in dict.fromkeys(names) if valid_username(n)]
    out: dict[str, list[Edit]] = {n: [] for n in names}
    for batch in _batches(names):
        params = {"list": "usercontribs", "ucuser": "|".join(batch), "uclimit": "max",
                  "ucdir": "newer", "ucprop": "ids|timestamp|tags|title|size"}
        if start:
            params["ucstart"] = start
        if end:
            params["ucend"] = end
        for part in client.query(params, max_requests=MAX_PAGES):
            for c in part.get("usercontribs", []):
                moment = parse_time(str(c.get("timestamp", "")))
                user = str(c.get("user", ""))
                if moment is None or user not in out:
                    continue
                out[user].append(Edit(int(c.get("revid", 0)), moment, str(c.get("title", "")),
                                      int(c.get("ns", 0)), frozenset(map(str, c.get("tags", []))),
                                      int(c.get("size", 0) or 0)))
    return out


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


#: "Reverted, but after the window": later than any window ends.
AFTER_WINDOW = dt.datetime.max.replace(tzinfo=dt.timezone.utc)


def _oldest_change(client: WikiClient) -> dt.datetime | None:
    """When the wiki's recent changes begin (older ones have expired, $wgRCMaxAge)."""
    data = client.get({"action": "query", "list": "recentchanges", "rcdir": "newer",
                       "rclimit": 1, "rcprop": "timestamp"})
    changes = (data.get("query") or {}).get("recentchanges") or []
    return parse_time(str(changes[0].get("timestamp", ""))) if changes else None


def _reverting_changes(client: WikiClient, begin: dt.datetime, finish: dt.datetime,
                       namespaces: frozenset[int], budget: int
                       ) -> tuple[dict[str, list[dt.datetime]], bool]:
    """Title → times of reverting edits between *begin* and *finish* from recent changes,
    and whether the listing is complete (False when it needed more than *budget* requests
    per tag: a busy wiki, where reading the few pages concerned is cheaper)."""
    reverting: dict[str, list[dt.datetime]] = {}
    for tag in sorted(REVERTING_TAGS):
        params: dict = {"action": "query", "list": "recentchanges", "rctag": tag,
                        "rcdir": "newer", "rcstart": _iso(begin), "rcend": _iso(finish),
                        "rcprop": "title|timestamp", "rclimit": "max", "rctype": "edit",
                        "rcnamespace": "|".join(str(n) for n in sorted(namespaces))}
        for _ in range(budget):
            data = client.get(params)
            for rc in (data.get("query") or {}).get("recentchanges", []):
                moment = parse_time(str(rc.get("timestamp", "")))
                if moment is not None:
                    reverting.setdefault(str(rc.get("title", "")), []).append(moment)
            if "continue" not in data:
                break
            params.update(data["continue"])
        else:
            return reverting, False
    return reverting, True


def revert_times(client: WikiClient, reverted: Iterable[Edit], window: dt.timedelta,
                 problems: list[str], namespaces: frozenset[int] = frozenset({0}),
                 budget: int = 10) -> dict[int, dt.datetime | None]:
    """When each reverted edit was reverted: the first later edit of its page that carries a
    reverting tag (:data:`AFTER_WINDOW` when complete recent changes show none within the
    window). Edits older than the recent changes, or all of them when recent changes are too
    busy to list within *budget*, are looked up in their page's history, up to
    :data:`MAX_HISTORY_READS` requests; None where the time cannot be found."""
    edits = list({e.revid: e for e in reverted}.values())
    if not edits:
        return {}
    begin = min(e.timestamp for e in edits)
    finish = max(e.timestamp for e in edits) + window
    reverting, complete = _reverting_changes(client, begin, finish, namespaces, budget)
    oldest = _oldest_change(client) if complete else None
    out: dict[int, dt.datetime | None] = {}
    unmatched: list[Edit] = []
    for edit in edits:
        later = [t for t in reverting.get(edit.title, []) if t >= edit.timestamp]
        if later:
            out[edit.revid] = min(later)
        elif complete and oldest is not None and oldest <= edit.timestamp:
            # Recent changes cover the whole window and show no revert in it: the revert
            # came later (the edit is tagged as reverted, after all).
            out[edit.revid] = AFTER_WINDOW
        else:
            unmatched.append(edit)
    for n, edit in enumerate(unmatched):
        if n >= MAX_HISTORY_READS:
            problems.append(f"{len(unmatched) - n} reverted first edits could not be timed "
                            "and count as reverted within the window")
            break
        out[edit.revid] = None
        for part in client.query({"prop": "revisions", "titles": edit.title,
                                  "rvstartid": edit.revid, "rvdir": "newer", "rvlimit": 50,
                                  "rvprop": "ids|timestamp|tags"}, max_requests=1):
            revisions = [r for p in part.get("pages", []) for r in p.get("revisions", [])]
            found = next((r for r in revisions if r.get("revid") != edit.revid
                          and set(r.get("tags", [])) & REVERTING_TAGS), None)
            if found is not None:
                out[edit.revid] = parse_time(str(found.get("timestamp", "")))
    return out


def fetch_outcomes(client: WikiClient, now: dt.datetime, *, library: Library | None = None,
                   windows: Windows = Windows(),
                   newcomers: Mapping[str, Newcomer] | None = None) -> Fetched:
    """Outcomes of every welcomed newcomer (or of *newcomers*) at *now*."""
    fetched = Fetched()
    requests = fetched.requests
    with _counted(client, requests, "newcomers"):
        if newcomers is None:
            settings: dict[str, int] = {}
            newcomers, fetched.experiments = welcomed(client, fetched.problems, settings,
                                                      fetched.designs)
            fetched.report_threshold = settings.get("report-threshold")
    with _counted(client, requests, "siteinfo"):
        content = content_namespaces(client)
    names = list(newcomers)
    with _counted(client, requests, "registration"):
        registered = registrations(client, names)
    times = [t for t in (parse_time(v) for v in registered.values()) if t]
    with _counted(client, requests, "contributions"):
        edits = contributions(client, names, _iso(min(times)) if times else "",
                              _iso(max(times) + windows.retention_end) if times else "") \
            if names else {}
    reverted = []
    for name in names:
        moment = parse_time(registered.get(name, ""))
        first = first_content_edit(edits.get(name, []), moment, content) if moment else None
        if first is not None and first.reverted:
            reverted.append(first)
    with _counted(client, requests, "reverts"):
        reverted_at = revert_times(client, reverted, windows.revert, fetched.problems,
                                   content)
    with _counted(client, requests, "progress"):
        progress = client.progress(names) if names else {}
    for name in names:
        read = progress.get(name)
        verified = read.progress if read is not None and read.status == "ok" else None
        badges: tuple[str, ...] = ()
        if library is not None and verified is not None:
            badges = earned_badges(completed_tours(verified, library), library)
        fetched.outcomes.append(compute(
            newcomers[name], registered.get(name, ""), edits.get(name, []), now,
            progress=verified, badges=badges, reverted_at=reverted_at,
            content_namespaces=content, windows=windows))
    return fetched
