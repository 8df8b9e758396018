"""Accounts for the publishing-trust rules (publish/trust.py) on a test wiki."""

from __future__ import annotations

from localwiki.client import call, token


def grant(wiki, name: str, *groups: str) -> None:
    """Add *name* to *groups* (as the wiki's bureaucrat does on Special:UserRights)."""
    session = wiki.session(wiki.admin.name)
    call(session, wiki.api, "POST", action="userrights", user=name, add="|".join(groups),
         token=token(session, wiki.api, "userrights"), reason="wikitours test")


def trusted_user(wiki, name: str, *groups: str) -> str:
    """A new account in *groups* (default interface-admin: may publish tours); its name."""
    wiki.create_user(name)
    grant(wiki, name, *(groups or ("interface-admin",)))
    return name
