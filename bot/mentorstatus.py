"""The mentor status page, ``Project:Wikitours/Mentors/Status``: who counts as a mentor, and why.

Written by the welcome bot in the wiki's language whenever the decision of
:mod:`contracts.mentoreligibility` changes, so anyone who added themself to the list (or an admin who
wonders why a mentor gets nobody) reads the reason on the wiki. Every name and every reason an
admin typed is escaped (:func:`bot.messages.user_link`, :func:`bot.messages.sanitize`): the
page can never be turned into someone else's markup.
"""

from __future__ import annotations

from contracts.mentoreligibility import Assessment, Verdict
from bot.messages import message, sanitize, user_link

__all__ = ["render_status"]


def _reason(verdict: Verdict, lang: str) -> str:
    if not verdict.reason:
        return ""
    params: list[str] = list(verdict.params)
    if verdict.reason == "added-by-other":
        adder, revid, groups = (params + ["", "0", ""])[:3]
        params = [user_link(adder) if adder and adder != "?" else "?",
                  f"[[Special:Diff/{int(revid)}|{int(revid)}]]", sanitize(groups, 200)]
    elif verdict.reason in ("removed", "paused"):
        params = [sanitize(p, 300) for p in params]
    return message(f"wikitours-bot-mentor-reason-{verdict.reason}", lang, *params)


def render_status(assessment: Assessment, lang: str, mentors_title: str,
                  settings_title: str) -> str:
    """The whole page as wikitext (deterministic: the same decision gives the same text)."""
    rules = assessment.rules
    lines = [message("wikitours-bot-mentor-status-intro", lang, mentors_title, settings_title),
             "", f"== {message('wikitours-bot-mentor-status-rules-heading', lang)} ==",
             "* " + message("wikitours-bot-mentor-status-rule-edits", lang, rules.min_edits),
             "* " + message("wikitours-bot-mentor-status-rule-age", lang, rules.min_age_days),
             "* " + message("wikitours-bot-mentor-status-rule-admins", lang,
                            sanitize(", ".join(rules.admin_groups), 200))]
    if rules.revid:
        lines.append("* " + message("wikitours-bot-mentor-status-rule-settings", lang,
                                    f"[[Special:PermanentLink/{rules.revid}|{rules.revid}]]"))
    else:
        lines.append("* " + message("wikitours-bot-mentor-status-rule-defaults", lang,
                                    settings_title))
    for key, params in assessment.problems:
        lines.append("* " + message(key, lang, *(sanitize(p, 100) for p in params)))
    for revision in assessment.ignored_settings[:20]:
        lines.append("* " + message(
            "wikitours-bot-mentor-status-ignored", lang,
            f"[[Special:Diff/{revision.revid}|{revision.revid}]]",
            user_link(revision.user) if revision.user else "?"))
    lines += ["", f"== {message('wikitours-bot-mentor-status-list-heading', lang)} =="]
    if not assessment.verdicts:
        lines.append(message("wikitours-bot-mentor-status-empty", lang, mentors_title))
        return "\n".join(lines) + "\n"
    lines += ['{| class="wikitable sortable"',
              "! " + " !! ".join(message(f"wikitours-bot-mentor-status-col-{c}", lang)
                                 for c in ("mentor", "state", "why"))]
    for verdict in assessment.verdicts:
        lines += ["|-", "| " + " || ".join([
            user_link(verdict.username),
            message(f"wikitours-bot-mentor-state-{verdict.status}", lang),
            _reason(verdict, lang) or "–"])]
    lines.append("|}")
    return "\n".join(lines) + "\n"
