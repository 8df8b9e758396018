"""Options of the bot scripts, in Pywikibot's conventions, declared once per script.

Each script declares its own options in ONE mapping (name → default; the default's type says
how the option is written: ``True``/``False`` a flag ``-name``, an ``int`` ``-name:N``, a ``str``
``-name:VALUE``) and hands its arguments to :func:`parse_options`, which

* prints the module docstring for ``-help`` before anything connects to a wiki (Pywikibot's own
  ``-help`` finds nothing for a module run with ``-m``, and connects first);
* lets ``pywikibot.handle_args`` take Pywikibot's global options: ``-simulate`` is THE dry run
  of every script (nothing is saved; the bots print each edit they would make), ``-family``,
  ``-lang``, ``-user``, ``-maxlag``…;
* reads the script's options and reports unknown or malformed ones with Pywikibot's
  ``suggest_help``.

There is no ``-dry`` or ``-preview`` any more: ``-simulate`` replaces both.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["Parsed", "parse_options", "read_options", "help_requested", "simulating"]


@dataclass
class Parsed:
    """The script's options: *values* (every declared option, defaults included), *given*
    (the names set on the command line), *exit* (an exit code when the script must stop now:
    0 after ``-help``, 2 after a wrong option)."""

    values: dict = field(default_factory=dict)
    given: set = field(default_factory=set)
    exit: int | None = None

    def __getitem__(self, name: str):
        return self.values[name]


def help_requested(doc: str | None, args: Sequence[str]) -> bool:
    """Print *doc* and return True when *args* (or ``sys.argv``) ask for ``-help``."""
    if any(a == "-help" or a.startswith("-help:") for a in (args or sys.argv[1:])):
        print(doc or "")
        return True
    return False


def read_options(local: Sequence[str], declared: Mapping[str, object]
                 ) -> tuple[dict, set, list[str]]:
    """``(values, given, wrong)`` from the arguments Pywikibot left (pure)."""
    values = dict(declared)
    given: set = set()
    wrong: list[str] = []
    for arg in local:
        name, colon, value = arg.lstrip("-").partition(":")
        if not arg.startswith("-") or name not in declared:
            wrong.append(arg)
            continue
        default = declared[name]
        if isinstance(default, bool):
            if colon:
                wrong.append(arg)
                continue
            values[name] = True
        elif isinstance(default, int):
            if not value.isdigit():
                wrong.append(arg)
                continue
            values[name] = int(value)
        else:
            if not value:
                wrong.append(arg)
                continue
            values[name] = value
        given.add(name)
    return values, given, wrong


def parse_options(doc: str | None, args: Sequence[str], declared: Mapping[str, object]) -> Parsed:
    """The script's options from *args* (``sys.argv[1:]`` when empty); see the module docstring."""
    import pywikibot

    if help_requested(doc, args):
        return Parsed(exit=0)
    local = pywikibot.handle_args(tuple(args) or tuple(sys.argv[1:]))
    values, given, wrong = read_options(local, declared)
    if wrong:
        pywikibot.bot.suggest_help(unknown_parameters=wrong)
        return Parsed(values, given, exit=2)
    return Parsed(values, given)


def simulating() -> bool:
    """True under Pywikibot's ``-simulate``: the run saves nothing."""
    from pywikibot import config

    return bool(config.simulate)
