"""The status page's "Publishing and review" section: who publishes, what waits for review
(with its diff link and the exact approval line) and which pages are protected more weakly
than configured. Pure; the selections come from :mod:`publish.review`, the trust settings from
:mod:`publish.trust` (read by attribute, so the compiler does not import the bots).

Everything quoted from the wiki (titles, user names, group and right names) is escaped like
the rest of the status page (:func:`publish.statuspage.escape`)."""

from __future__ import annotations

import json

from publish.statuspage import diff_link, escape, link, msg, remote_link, user_link

__all__ = ["render_review"]


def _circle(lang: str, circle) -> str:
    groups = ", ".join(link(f"Special:ListUsers/{g}", g) for g in circle.groups)
    rights = ", ".join(f"<code>{escape(r)}</code>" for r in circle.rights)
    if groups and rights:
        return msg("wikitours-sync-review-circle", lang, groups, rights)
    if groups:
        return msg("wikitours-sync-review-circle-groups", lang, groups, len(circle.groups))
    return msg("wikitours-sync-review-circle-rights", lang, rights or "—", len(circle.rights))


def _levels(current) -> str:
    shown = dict(current)
    return ", ".join(f"{a}={escape(shown.get(a) or '—')}" for a in ("edit", "move"))


def render_review(lang: str, *, library, local=None, trust, local_trust=None,
                  source_index: str = "") -> str:
    """Wikitext of the section for one wiki's status page. *library* is the selection of the
    library's pages (on the library wiki, or another wiki when *source_index* is set), *local*
    the selection of this wiki's adaptation page (or None)."""
    out = [f"=== {msg('wikitours-sync-review-heading', lang)} ==="]

    def page(title: str, index: str, label: str | None = None) -> str:
        return remote_link(index, title, label) if index else link(title, label)

    approvals = page(trust.approvals, source_index)
    out.append(msg("wikitours-sync-review-trusted", lang, _circle(lang, trust.publish),
                   _circle(lang, trust.translate), approvals))
    waiting = [(w, source_index, trust) for w in library.waiting]
    gaps = list(library.gaps)
    if local is not None and local_trust is not None:
        waiting += [(w, "", local_trust) for w in local.waiting]
        gaps += list(local.gaps)
    if waiting:
        out.append("")
        out.append("'''" + msg("wikitours-sync-review-waiting", lang, len(waiting)) + "'''")
        for w, index, t in waiting[:200]:
            users = ", ".join(user_link(u, index) if u != "?" else "?" for u in w.users)
            diff = diff_link(w.latest, w.published, msg("wikitours-sync-status-diff", lang), index)
            quoted = escape(json.dumps(w.title, ensure_ascii=False))
            line = f"<code>{quoted}: {int(w.latest)}</code>"
            where = page(t.approvals, index)
            if w.published:
                revid = int(w.published)
                live = page(f"Special:PermanentLink/{revid}", index, str(revid))
                out.append("* " + msg("wikitours-sync-review-item", lang, page(w.title, index),
                                      w.count, users, live, diff, line, where))
            else:
                out.append("* " + msg("wikitours-sync-review-item-new", lang, page(w.title, index),
                                      w.count, users, diff, line, where))
    by_level: dict[str, list] = {}
    for gap in gaps:
        by_level.setdefault(gap.wanted, []).append(gap)
    for wanted, found in sorted(by_level.items()):
        out.append("")
        pages = ", ".join(f"{link(g.title)} ({_levels(g.current)})" for g in found[:100])
        out.append(msg("wikitours-sync-review-protection", lang, pages, escape(wanted), len(found)))
    out.append("")
    return "\n".join(out)
