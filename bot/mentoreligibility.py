"""Who on the mentor list really is a mentor: one pure decision for the bot and the app.

``Project:Wikitours/Mentors.json`` is editable by any autoconfirmed account, so being *on* the
list proves nothing. As GrowthExperiments does, an entry counts only when

1. it was added by the mentor themself or by an admin (the page history says who: every
   revision of the list is read, oldest first, and each entry is attributed to the editor of
   the revision that introduced it; an entry that the mentor or an admin removed and someone
   put back belongs to whoever put it back, while a removal by anyone else does not end it,
   so nobody can disqualify a mentor by removing and re-adding their entry);
2. the admins have not removed the mentor on the settings page;
3. the account exists, is not blocked (site-wide) and meets the wiki's minimums: edit count
   and account age.

A mentor the admins *paused* keeps their mentees but gets no new ones.

The rules live on the wiki, beside the list: ``Project:Wikitours/Mentors/Settings.json``
(content model json)::

    {"min-edits": 500, "min-age-days": 90, "admin-groups": ["sysop"],
     "paused": {"Name": "why"}, "removed": {"Name": "why"}}

Only a revision of the settings page saved by an admin of :data:`SETTINGS_GROUPS` counts: the
newest such revision is the one in effect, and later revisions by anyone else are ignored (and
listed as ignored on the status page), so the page history is the audit log of every rule,
pause and removal. ``admin-groups`` widens who counts as an admin for the mentor list itself.
Without a settings page the defaults apply (GrowthExperiments' own: 500 edits, 90 days).

Everything here is pure: callers read the revisions and the accounts (bot:
:mod:`wikiapi.client`, app: :mod:`toolforge.wikiclient`), pass them in with the current time,
and get a :class:`Verdict` per listed name.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

__all__ = ["Revision", "Account", "Rules", "Verdict", "Assessment", "DEFAULT_RULES",
           "SETTINGS_GROUPS", "settings_title", "status_title", "listed_names", "entry_events",
           "attribute",
           "effective_settings", "parse_rules", "names_to_look_up", "judge", "assess"]

#: Who may write the settings page (and so say who else counts as an admin).
SETTINGS_GROUPS = ("sysop",)
MAX_NAMES = 2000


@dataclass(frozen=True)
class Revision:
    """One revision of a page as the API shows it (``user`` is "" when hidden)."""

    revid: int
    user: str
    timestamp: str
    text: str
    parentid: int = 0


@dataclass(frozen=True)
class Account:
    """What the wiki shows publicly about an account (``list=users``)."""

    name: str
    exists: bool = True
    groups: tuple[str, ...] = ()
    #: blocked site-wide (a partial block, from some pages only, does not stop mentoring)
    blocked: bool = False
    editcount: int = 0
    registration: str = ""


@dataclass(frozen=True)
class Rules:
    """The wiki's mentor rules (the settings page, or the defaults)."""

    min_edits: int = 500
    min_age_days: int = 90
    admin_groups: tuple[str, ...] = SETTINGS_GROUPS
    paused: Mapping[str, str] = field(default_factory=dict)
    removed: Mapping[str, str] = field(default_factory=dict)
    #: the settings revision these rules come from (0: the defaults)
    revid: int = 0


DEFAULT_RULES = Rules()


@dataclass(frozen=True)
class Verdict:
    """The decision about one listed name.

    *status* is ``eligible``, ``paused`` (keeps mentees, gets no new ones) or ``rejected``;
    *reason* names why (a message key suffix, ``wikitours-bot-mentor-reason-<reason>``) with
    *params*; *added_by*/*revid* say which edit put the entry on the list.
    """

    username: str
    status: str
    reason: str = ""
    params: tuple[str, ...] = ()
    added_by: str = ""
    revid: int = 0

    @property
    def counts(self) -> bool:
        """Whether the name is a mentor at all (eligible or paused)."""
        return self.status in ("eligible", "paused")


@dataclass(frozen=True)
class Assessment:
    rules: Rules
    verdicts: tuple[Verdict, ...]
    #: settings revisions that do not count (not saved by an admin), newest first
    ignored_settings: tuple[Revision, ...] = ()
    #: the settings page's own problems: ``(message key, params)``
    problems: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def counted(self) -> dict[str, Verdict]:
        """Names that are mentors (eligible or paused) → their verdict."""
        return {v.username: v for v in self.verdicts if v.counts}

    def verdict(self, name: str) -> Verdict | None:
        name = _normal(name)
        return next((v for v in self.verdicts if v.username == name), None)


def _normal(name: str) -> str:
    name = " ".join(str(name).replace("_", " ").split())
    return name[:1].upper() + name[1:]


def settings_title(mentors_title: str) -> str:
    """``Project:Wikitours/Mentors.json`` → ``Project:Wikitours/Mentors/Settings.json``."""
    base = mentors_title[:-5] if mentors_title.endswith(".json") else mentors_title
    return f"{base}/Settings.json"


def status_title(mentors_title: str) -> str:
    """``Project:Wikitours/Mentors.json`` → ``Project:Wikitours/Mentors/Status``."""
    base = mentors_title[:-5] if mentors_title.endswith(".json") else mentors_title
    return f"{base}/Status"


def listed_names(text: str) -> tuple[str, ...] | None:
    """The user names a revision of the list names, or None when it is not a list at all.

    Lenient on purpose: attribution only asks *who is listed*, not whether the entry is valid.
    """
    try:
        data = json.loads(text) if text else None
    except ValueError:
        return None
    entries = data.get("mentors") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return None
    names = [e.get("username") for e in entries if isinstance(e, dict)]
    return tuple(dict.fromkeys(_normal(n) for n in names if isinstance(n, str) and n.strip()))


def entry_events(revisions: Sequence[Revision],
                 ) -> dict[str, tuple[tuple[str, Revision | None], ...]]:
    """For each name in the newest list, every time it entered (``add``) or left (``remove``)
    the list, oldest first, with the revision that did it.

    *revisions* may come in any order. Revisions that are not a list (broken JSON) change
    nothing: fixing a vandalised page does not make the fixer the adder of every entry. When
    the history given does not reach the page's creation (the oldest revision has a parent),
    names already listed in the first list read were added by an unknown revision (None).
    """
    ordered = sorted(revisions, key=lambda r: r.revid)
    truncated = bool(ordered) and bool(ordered[0].parentid)
    events: dict[str, list[tuple[str, Revision | None]]] = {}
    current: tuple[str, ...] = ()
    for revision in ordered:
        names = listed_names(revision.text)
        if names is None:
            continue
        names = names[:MAX_NAMES]
        if truncated:
            events = {n: [("add", None)] for n in names}
            current, truncated = names, False
            continue
        now, before = set(names), set(current)
        for name in names:
            if name not in before:
                events.setdefault(name, []).append(("add", revision))
        for name in current:
            if name not in now:
                events.setdefault(name, []).append(("remove", revision))
        current = names
    return {name: tuple(events.get(name, ())) for name in current}


_UNSET = Revision(0, "", "", "")


def attribute(revisions: Sequence[Revision], accounts: Mapping[str, Account] | None = None,
              admin_groups: Sequence[str] = SETTINGS_GROUPS) -> dict[str, Revision | None]:
    """Each name listed in the newest revision → the revision its entry counts from.

    Normally the revision that added it. But a removal by someone other than the mentor or an
    admin does not end an entry: if the name comes back, it keeps its earlier origin unless
    that one was not trustworthy either. So nobody can take a mentor's entry over (and so
    disqualify them) by removing it and adding it again; a mentor or an admin who removes the
    entry does end it. None: added before the history read.
    """
    accounts = accounts or {}

    def trusted(name: str, revision: Revision | None) -> bool:
        if revision is None or revision is _UNSET or not revision.user:
            return False
        editor = _normal(revision.user)
        return editor == name or _in_groups(accounts.get(editor), admin_groups)

    out: dict[str, Revision | None] = {}
    for name, events in entry_events(revisions).items():
        origin: Revision | None = _UNSET
        for kind, revision in events:
            if kind == "add":
                if origin is _UNSET or not trusted(name, origin):
                    origin = revision
            elif trusted(name, revision):
                origin = _UNSET
        out[name] = None if origin is _UNSET else origin
    return out


def _in_groups(account: Account | None, groups: Iterable[str]) -> bool:
    return account is not None and account.exists and bool(set(account.groups) & set(groups))


def effective_settings(revisions: Sequence[Revision], accounts: Mapping[str, Account],
                       groups: Sequence[str] = SETTINGS_GROUPS,
                       ) -> tuple[Revision | None, tuple[Revision, ...]]:
    """The newest settings revision saved by an admin, and the newer ones that do not count."""
    ignored = []
    for revision in sorted(revisions, key=lambda r: r.revid, reverse=True):
        if _in_groups(accounts.get(revision.user), groups):
            return revision, tuple(ignored)
        ignored.append(revision)
    return None, tuple(ignored)


def _whole(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def parse_rules(revision: Revision | None,
                ) -> tuple[Rules, tuple[tuple[str, tuple[str, ...]], ...]]:
    """The rules in *revision* of the settings page; a bad value keeps its default.

    Problems are ``(message key, params)`` pairs, shown on the status page in the wiki's
    language (``i18n/bot``).
    """
    if revision is None:
        return DEFAULT_RULES, ()
    problems: list[tuple[str, tuple[str, ...]]] = []
    try:
        data = json.loads(revision.text)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return Rules(revid=revision.revid), (("wikitours-bot-mentor-settings-json", ()),)
    values: dict = {"revid": revision.revid}
    for key, attr, high in (("min-edits", "min_edits", 10**7),
                            ("min-age-days", "min_age_days", 36500)):
        if key in data:
            if _whole(data[key], 0, high):
                values[attr] = data[key]
            else:
                problems.append(("wikitours-bot-mentor-settings-number", (key, str(high))))
    if "admin-groups" in data:
        groups = data["admin-groups"]
        if isinstance(groups, list) and groups and all(
                isinstance(g, str) and g.strip() and g not in ("*", "user") for g in groups):
            values["admin_groups"] = tuple(dict.fromkeys((*SETTINGS_GROUPS, *groups)))
        else:
            problems.append(("wikitours-bot-mentor-settings-groups", ("admin-groups",)))
    for key in ("paused", "removed"):
        if key in data:
            entries = data[key]
            if isinstance(entries, dict) and all(isinstance(v, str) for v in entries.values()):
                values[key] = {_normal(k): " ".join(v.split())[:300] for k, v in entries.items()
                               if isinstance(k, str) and k.strip()}
            else:
                problems.append(("wikitours-bot-mentor-settings-names", (key,)))
    return Rules(**values), tuple(problems)


def names_to_look_up(mentor_revisions: Sequence[Revision],
                     settings_revisions: Sequence[Revision]) -> list[str]:
    """Every account the decision needs: listed names, who added them, settings editors."""
    names: list[str] = []
    for name, events in entry_events(mentor_revisions).items():
        names.append(name)
        names.extend(_normal(r.user) for _, r in events if r is not None and r.user)
    names.extend(_normal(r.user) for r in settings_revisions if r.user)
    return list(dict.fromkeys(n for n in names if n))


def _age_days(registration: str, now: datetime) -> float | None:
    if not registration:
        return None  # accounts from before MediaWiki recorded registrations: old enough
    try:
        moment = datetime.fromisoformat(registration.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return (now - moment).total_seconds() / 86400


def judge(added: Mapping[str, Revision | None], accounts: Mapping[str, Account], rules: Rules,
          now: datetime) -> tuple[Verdict, ...]:
    """A verdict for every listed name (in list order)."""
    out = []
    for name, revision in added.items():
        adder = _normal(revision.user) if revision is not None and revision.user else ""
        revid = revision.revid if revision is not None else 0

        def verdict(status: str, reason: str = "", *params: object) -> Verdict:
            return Verdict(name, status, reason, tuple(str(p) for p in params), adder, revid)

        account = accounts.get(name)
        if name in rules.removed:
            out.append(verdict("rejected", "removed", rules.removed[name] or "-"))
        elif revision is None:
            out.append(verdict("rejected", "unknown-origin"))
        elif adder != name and not _in_groups(accounts.get(adder), rules.admin_groups):
            out.append(verdict("rejected", "added-by-other", adder or "?", revid,
                               ", ".join(rules.admin_groups)))
        elif account is None or not account.exists:
            out.append(verdict("rejected", "no-account"))
        elif account.blocked:
            out.append(verdict("rejected", "blocked"))
        elif account.editcount < rules.min_edits:
            # the reason names the minimum, not the account's own figures: the status page
            # would otherwise change with every edit and every day
            out.append(verdict("rejected", "too-few-edits", rules.min_edits))
        elif (age := _age_days(account.registration, now)) is not None \
                and age < rules.min_age_days:
            out.append(verdict("rejected", "too-new", rules.min_age_days))
        elif name in rules.paused:
            out.append(verdict("paused", "paused", rules.paused[name] or "-"))
        else:
            out.append(verdict("eligible"))
    return tuple(out)


def assess(mentor_revisions: Sequence[Revision], settings_revisions: Sequence[Revision],
           accounts: Mapping[str, Account], now: datetime) -> Assessment:
    """The whole decision from what the caller read (see :func:`names_to_look_up`)."""
    accounts = {_normal(k): v for k, v in accounts.items()}
    chosen, ignored = effective_settings(settings_revisions, accounts)
    rules, problems = parse_rules(chosen)
    verdicts = judge(attribute(mentor_revisions, accounts, rules.admin_groups), accounts, rules,
                     now)
    return Assessment(rules, verdicts, ignored, problems)
