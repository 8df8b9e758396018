"""MediaWiki's bot-exclusion conventions: may this bot post on this page?

People put ``{{nobots}}`` or ``{{bots|deny=…}}`` on their talk page to keep bots away, and the
bot approvals groups expect every bot that leaves messages to honour them. The rules mirror
Pywikibot's ``Page.botMayEdit()`` (so an operator sees the same answer from both), plus the
``optout=`` parameter that message-leaving bots must honour:

- ``{{nobots}}`` denies every bot; ``{{nobots|A,B}}`` denies the listed bots or scripts.
- ``{{bots}}`` allows every bot (it changes nothing).
- ``{{bots|allow=A,B}}`` allows only the listed bots (``all`` allows all, ``none`` none).
- ``{{bots|deny=A,B}}`` denies the listed bots (``all`` denies all, ``none`` none).
- ``{{bots|allowscript=…}}`` / ``{{bots|denyscript=…}}`` do the same for script names.
- ``{{bots|optout=T1,T2}}`` opts out of the listed message types (``all`` for every type).
  wikitours posts the types ``wikitours``, ``welcome``, ``mentor`` and ``badge``.

The wikitext is parsed with mwparserfromhell, so a template name inside ``<nowiki>``, a comment
or a longer name like ``{{Nobots-like}}`` does not count, while ``{{ template:nobots }}`` and
spacing variants do (as in MediaWiki, only a name's first letter is case-insensitive). Only
templates written on the page itself are seen, as in Pywikibot.
"""

from __future__ import annotations

from dataclasses import dataclass

import mwparserfromhell

__all__ = ["Exclusion", "check", "MESSAGE_TYPES"]

#: Message types that ``{{bots|optout=…}}`` can name for wikitours' posts.
MESSAGE_TYPES = ("wikitours", "welcome", "mentor", "badge")

_TEMPLATE_PREFIXES = ("template:",)


@dataclass(frozen=True)
class Exclusion:
    """The answer for one page: *allowed*, and if not, the template that says so as *reason*."""

    allowed: bool
    reason: str = ""


def _template_name(name: str) -> str:
    """``Template:NoBots`` and `` nobots `` both name ``Nobots`` (first letter case-insensitive)."""
    name = name.strip().replace("_", " ")
    if name.lower().startswith(_TEMPLATE_PREFIXES):
        name = name.split(":", 1)[1].strip()
    return name[:1].upper() + name[1:]


def _names(value: str) -> set[str]:
    return {_norm_user(v) for v in value.split(",") if v.strip()}


def _norm_user(name: str) -> str:
    name = name.strip().replace("_", " ")
    return name[:1].upper() + name[1:]


def check(text: str, bot_user: str, *, script: str = "wikitours",
          message_type: str = "welcome") -> Exclusion:
    """Whether *bot_user* (running *script*) may post a *message_type* message on a page.

    *text* is the page's wikitext ("" for a missing page, which never excludes). Several
    exclusion templates may appear; the first one that denies decides, as in Pywikibot.
    """
    if not text:
        return Exclusion(True)
    try:
        code = mwparserfromhell.parse(text)
    except Exception:  # noqa: BLE001 - malformed wikitext must not crash the bot
        return Exclusion(False, "unparsable-wikitext")
    user = _norm_user(bot_user)
    script_names = {_norm_user(script)}
    types = {"all", "wikitours", message_type}
    for template in code.filter_templates(recursive=True):
        title = _template_name(str(template.name))
        if title not in ("Bots", "Nobots"):
            continue
        params = template.params
        shown = "{{" + title.lower() + ("|" + str(params[0]) if params else "") + "}}"
        if title == "Nobots":
            if not params:
                return Exclusion(False, shown)
            first = params[0]
            if first.showkey:
                # Pywikibot declines on a named parameter to {{nobots}}: unclear intent.
                return Exclusion(False, shown)
            names = _names(str(first.value))
            if {"All"} & names or user in names or script_names & names:
                return Exclusion(False, shown)
            continue
        if not params:
            continue
        first = params[0]
        if not first.showkey:
            continue  # {{bots|X}} is not valid; Pywikibot ignores it
        key = str(first.name).strip().lower()
        value = str(first.value).strip()
        if not value:
            continue
        names = _names(value)
        if key == "allow":
            if not ({"All"} & names or user in names):
                return Exclusion(False, shown)
        elif key == "deny":
            if {"All"} & names or user in names:
                return Exclusion(False, shown)
        elif key == "allowscript":
            if not ({"All"} & names or script_names & names):
                return Exclusion(False, shown)
        elif key == "denyscript":
            if {"All"} & names or script_names & names:
                return Exclusion(False, shown)
        elif key == "optout":
            if {t.strip().lower() for t in value.split(",")} & types:
                return Exclusion(False, shown)
    return Exclusion(True)
