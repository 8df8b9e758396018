#!/usr/bin/env python3
"""Publish what `python -m tours build` wrote to a wiki: help pages, catalogue, badge pages,
gadget code, tour data and messages, and wikitours' own lines of MediaWiki:Gadgets-definition.

Only pages whose content changed are edited; current contents are read in batches of 50 pages.
A page edited on the wiki by someone else since the last deploy is not overwritten: the deploy
stops before its first edit and shows the difference (use -overwrite to replace it). What was
deployed is recorded on the wiki in MediaWiki:Wikitours/deployed.json, so any copy of this script
can deploy again. Editing MediaWiki: JavaScript, CSS and JSON pages needs the interface-admin
group (rights editsitejs, editsitecss, editsitejson); the deploy checks this before editing.

Usage:

    python -m publish.deploy -manifest:build [options]
    python -m publish.deploy -build:tours.yaml [options]

Options:

-manifest:DIR     Deploy the build in DIR (DIR/manifest.json).

-build:FILE       Build FILE first (python -m tours build) into a temporary folder and deploy
                  that; on any error in FILE nothing is deployed.

-wiki:ID          With -build: the wiki id passed to the compiler (--wiki ID).

-diff             Dry run: print a unified diff of every page that would change, edit nothing.

-overwrite        Replace pages that were edited on the wiki since the last deploy.

-summary:TEXT     Put TEXT before the edit summaries.

-state:TITLE      Where the deploy state is kept (default MediaWiki:Wikitours/deployed.json).

-grace:SECONDS    Delete old versions of the gadget's data this long after the pointer stopped
                  naming them (default 3600: ResourceLoader may serve a reader the old loader
                  for minutes). Deleting needs the "delete" right; without it they stay.

The gadget's data has versioned titles and the loader names the live version (docs/contracts.md
§3): every new page is written before the loader, so a deploy that stops half-way leaves readers
on the old version, and the next run completes it.

And the global options of Pywikibot (-simulate, -family, -lang, -user, -help, …). Throttling and
maxlag follow Pywikibot's defaults for a real wiki; set them in user-config.py, not here.
"""

from __future__ import annotations

import difflib
import subprocess
from datetime import datetime, timezone
from typing import Callable
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):  # run as a file: python publish/deploy.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pywikibot  # noqa: E402
import requests  # noqa: E402
from pywikibot import config  # noqa: E402

from publish import deployplan  # noqa: E402
from wikiapi.scripthelp import help_requested  # noqa: E402
from bot.messages import message  # noqa: E402

BATCH = 50
#: Seconds old gadget data versions stay after the pointer stopped naming them.
GRACE_SECONDS = 3600
EXIT_OK, EXIT_ERROR, EXIT_CONFLICT = 0, 1, 2

#: Right needed to edit a MediaWiki: page of each content model, and the group that has it.
INTERFACE_RIGHTS = {"javascript": "editsitejs", "css": "editsitecss", "json": "editsitejson",
                    "wikitext": "editinterface"}
RIGHT_GROUPS = {"editsitejs": "interface-admin", "editsitecss": "interface-admin",
                "editsitejson": "interface-admin", "editinterface": "interface-admin",
                "editcontentmodel": "user", "createpage": "user", "edit": "user"}


def ui(key: str, *params: object) -> str:
    """A console message in the user's interface language."""
    return message(key, config.userinterface_lang or "en", *params)


def build(source: str, wiki_id: str | None, out: Path) -> str | None:
    """Run the compiler; return None on success or its error output."""
    command = [sys.executable, "-m", "tours", "build", source, "--out", str(out)]
    if wiki_id:
        command += ["--wiki", wiki_id]
    done = subprocess.run(command, capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parent.parent)
    if done.returncode != 0 or not (out / "manifest.json").is_file():
        return (done.stdout + done.stderr).strip() or f"exit status {done.returncode}"
    return None


def read_pages(site, titles: list[str]) -> dict[str, tuple[deployplan.WikiPage, object]]:
    """Current content of `titles`, 50 pages per API request (Pywikibot's preloading)."""
    pages = [pywikibot.Page(site, title) for title in titles]
    by_key = {page.title(): title for page, title in zip(pages, titles)}
    found: dict[str, tuple[deployplan.WikiPage, object]] = {}
    for page in site.preloadpages(pages, groupsize=BATCH, content=True):
        title = by_key.get(page.title(), page.title())
        if page.exists():
            revision = page.latest_revision
            found[title] = (deployplan.WikiPage(
                title, True, revision.text or "", page.content_model, revision.revid,
                revision.user or "", revision.timestamp.totimestampformat()), page)
    for page, title in zip(pages, titles):
        found.setdefault(title, (deployplan.WikiPage(title, False), page))
    return found


def needed_rights(change: deployplan.Change, namespace: int, existing_model: str) -> list[str]:
    rights = ["edit"]
    if change.action == "create":
        rights.append("createpage")
    if namespace == 8:
        rights.append(INTERFACE_RIGHTS[change.model])
    if change.action == "update" and existing_model and existing_model != change.model:
        rights.append("editcontentmodel")
    return rights


def show_diff(change: deployplan.Change) -> None:
    diff = difflib.unified_diff(change.old.splitlines(), change.new.splitlines(),
                                f"{change.title} (wiki)", f"{change.title} (build)",
                                lineterm="")
    # Printed as is: page text may contain Pywikibot's colour markup, which must not be applied.
    print("\n".join(diff), flush=True)


class SaveError(RuntimeError):
    """The wiki refused an edit; the deploy stops and the next run completes it."""


def save(site, current: deployplan.WikiPage, text: str, summary: str, model: str) -> int:
    """Save `text` to `current.title` with one API request; return the new revision id.

    A Pywikibot API request, so Pywikibot's write throttle, maxlag and retries apply. Made
    directly rather than through Page.save, which re-reads what the batched read already has.
    `basetimestamp` (or `createonly` for a missing page) turns a concurrent edit into an edit
    conflict instead of silently replacing it.
    """
    params = {"action": "edit", "title": current.title, "text": text, "summary": summary,
              "contentmodel": model, "notminor": True, "bot": site.has_right("bot"),
              "token": site.tokens["csrf"]}
    if current.exists:
        params.update(nocreate=True, basetimestamp=current.timestamp)
    else:
        params["createonly"] = True
    try:
        reply = site.simple_request(**params).submit()
    except pywikibot.exceptions.APIError as error:
        raise SaveError(f"{error.code}: {error.info}") from None
    except (pywikibot.exceptions.Error, requests.RequestException, OSError) as error:
        # the network or the server failed (after Pywikibot's own retries)
        raise SaveError(f"{type(error).__name__}: {error}") from None
    edit = reply.get("edit", {})
    if edit.get("result") != "Success":
        raise SaveError(str(edit))
    return int(edit.get("newrevid") or current.revid or 0)


def _utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def own_versioned_pages(site) -> dict[str, int]:
    """Versioned pages of the gadget's data (contracts §3) whose latest revision is this
    account's: title → revision. One request per 500 pages."""
    me = site.user() or site.username() or ""
    found: dict[str, int] = {}
    params = {"action": "query", "generator": "allpages", "gapnamespace": 8,
              "gapprefix": "Wikitours/", "gaplimit": "max", "prop": "revisions",
              "rvprop": "ids|user"}
    while True:
        reply = site.simple_request(**params).submit()
        pages = reply.get("query", {}).get("pages", {})
        for page in (pages.values() if isinstance(pages, dict) else pages):
            revisions = page.get("revisions") or []
            if revisions and revisions[0].get("user") == me and \
                    page.get("title", "").startswith(deployplan.VERSIONED_PREFIXES):
                found[page["title"]] = int(revisions[0].get("revid", 0))
        if not reply.get("continue"):
            return found
        params.update(reply["continue"])


def clean_up(site, retired: dict[str, dict], due: list[str], summary: str) -> dict[str, dict]:
    """Delete the *due* retired pages that are still what wikitours saved (same revision);
    return *retired* without the pages now gone. A page edited since by someone else is left
    alone and forgotten (it is theirs now); without the "delete" right nothing is deleted."""
    if not due:
        return retired
    if "delete" not in set(site.userinfo.get("rights", [])):
        pywikibot.info(ui("wikitours-deploy-cleanup-no-right", len(due), site.user() or "?"))
        return retired
    left = dict(retired)
    current = read_pages(site, due)
    for title in due:
        page = current[title][0]
        if page.exists and page.revid != retired[title].get("revid"):
            pywikibot.warning(ui("wikitours-deploy-cleanup-edited", title, page.revid))
            left.pop(title, None)
            continue
        if page.exists:
            try:
                site.simple_request(action="delete", title=title, reason=summary,
                                    token=site.tokens["csrf"]).submit()
            except (pywikibot.exceptions.Error, requests.RequestException, OSError) as error:
                pywikibot.warning(ui("wikitours-deploy-save-failed", title, error, 0))
                continue  # tried again next deploy
        left.pop(title, None)
    return left


def deploy(site, manifest: deployplan.Manifest, *, state_title: str, overwrite: bool,
           dry_run: bool, summary_prefix: str, grace: int = GRACE_SECONDS,
           progress: Callable[[int, int, deployplan.Change], None] | None = None,
           now: Callable[[], str] = _utc_now) -> int:
    """Publish *manifest*; *progress* is called after each saved edit with (number, total,
    change) (the sync renews its lease there); the exit status."""
    titles = [page.title for page in manifest.pages]
    if manifest.gadget_definition is not None:
        titles.append(manifest.gadget_definition.title)
    pywikibot.info(ui("wikitours-deploy-reading", len(titles) + 1, site))
    current = read_pages(site, titles + [state_title])
    state_page, state_obj = current.pop(state_title)
    state = deployplan.parse_state(state_page.text if state_page.exists else None)
    plan = deployplan.plan(manifest, {t: p for t, (p, _) in current.items()}, state, overwrite)

    if plan.conflicts and not dry_run:
        for change in plan.conflicts:
            pywikibot.error(ui("wikitours-deploy-conflict", change.title, change.revid,
                               change.user))
            show_diff(change)
        pywikibot.error(ui("wikitours-deploy-stopped-conflicts", len(plan.conflicts)))
        return EXIT_CONFLICT

    recorded_state = state_page.text if state_page.exists else None

    if dry_run:
        for change in plan.edits + plan.conflicts:
            pywikibot.info(ui(f"wikitours-deploy-action-{change.action}", change.title))
            show_diff(change)
        pywikibot.info(ui("wikitours-deploy-done", len(plan.of("create")),
                          len(plan.of("update")), len(plan.of("unchanged")),
                          len(plan.conflicts)))
        pywikibot.info(ui("wikitours-deploy-dry-run"))
        return EXIT_OK

    # Rights first: stop before the first edit, naming what is missing.
    have = set(site.userinfo.get("rights", []))
    for change in plan.edits + [deployplan.Change(state_title, "update", "json", "", "")]:
        page = current[change.title][1] if change.title in current else state_obj
        existing = current[change.title][0].model if change.title in current else ""
        for right in needed_rights(change, page.namespace().id, existing):
            if right not in have:
                pywikibot.error(ui("wikitours-deploy-missing-right", site.user() or "?", right,
                                   RIGHT_GROUPS.get(right, "sysop"), change.title))
                return EXIT_ERROR

    if overwrite:
        for change in plan.edits:
            if change.old_hash and change.old_hash not in deployplan._ours(state, change.title) \
                    and change.old_hash != change.new_hash and \
                    change.kind != "gadget-definition":
                pywikibot.warning(ui("wikitours-deploy-overwriting", change.title))

    summary = message("wikitours-deploy-summary", site.lang, manifest.library_version or "?",
                      manifest.source or "?", manifest.generator or "wikitours")
    if summary_prefix:
        summary = f"{summary_prefix} {summary}"

    edits = plan.edits
    revids: dict[str, int] = {}
    for number, change in enumerate(edits, 1):
        pywikibot.info(ui("wikitours-deploy-progress", number, len(edits),
                          ui(f"wikitours-deploy-action-{change.action}", change.title)))
        try:
            revids[change.title] = save(site, current[change.title][0], change.new, summary,
                                        change.model)
        except SaveError as error:
            pywikibot.error(ui("wikitours-deploy-save-failed", change.title, error, number - 1))
            return EXIT_ERROR
        if progress is not None:
            progress(number, len(edits), change)

    # Old versions of the gadget's data: retired now that the pointer names the new ones,
    # deleted once no reader can still run a loader naming them.
    moment = now()
    found = own_versioned_pages(site) if edits and any(
        c.title.startswith(deployplan.VERSIONED_PREFIXES) for c in edits) else None
    retired = deployplan.retire(manifest, state, deployplan.parse_retired(recorded_state), moment,
                                found)
    retired = clean_up(site, retired, deployplan.due(retired, moment, grace),
                       message("wikitours-deploy-summary-cleanup", site.lang,
                               manifest.library_version or "?"))

    # Recorded last: a run that fails half-way records nothing and the next run completes it.
    wanted_state = deployplan.next_state(manifest, plan, revids, retired)
    if not deployplan.state_is_current(recorded_state, wanted_state):
        try:
            save(site, state_page, deployplan.state_text(wanted_state),
                 message("wikitours-deploy-summary-state", site.lang,
                         manifest.library_version or "?"), "json")
        except SaveError as error:
            pywikibot.error(ui("wikitours-deploy-save-failed", state_title, error, len(edits)))
            return EXIT_ERROR

    pywikibot.info(ui("wikitours-deploy-done", len(plan.of("create")), len(plan.of("update")),
                      len(plan.of("unchanged")), len(plan.conflicts)))
    return EXIT_OK


def main(*args: str) -> int:
    options = {"manifest": None, "build": None, "wiki": None, "diff": False,
               "overwrite": False, "summary": "", "state": deployplan.STATE_TITLE,
               "grace": GRACE_SECONDS}
    # Help before handle_args, which connects to the configured site.
    if help_requested(__doc__, args):
        return EXIT_OK
    try:
        local_args = pywikibot.handle_args(args)  # also connects to the configured site
    except (pywikibot.exceptions.Error, requests.RequestException, OSError) as error:
        pywikibot.error(ui("wikitours-deploy-wiki-error", f"{type(error).__name__}: {error}"))
        return EXIT_ERROR
    for arg in local_args:
        name, _, value = arg.partition(":")
        name = name.lstrip("-")
        if name in ("diff", "overwrite") and not value:
            options[name] = True
        elif name in ("manifest", "build", "wiki", "summary", "state") and value:
            options[name] = value
        elif name == "grace" and value.isdigit():
            options[name] = int(value)
        else:
            pywikibot.bot.suggest_help(unknown_parameters=[arg])
            return EXIT_ERROR
    if bool(options["manifest"]) == bool(options["build"]):
        pywikibot.bot.suggest_help(additional_text=ui("wikitours-deploy-no-source"))
        return EXIT_ERROR

    with tempfile.TemporaryDirectory(prefix="wikitours-build-") as temporary:
        if options["build"]:
            out = Path(temporary)
            pywikibot.info(ui("wikitours-deploy-building", options["build"]))
            problems = build(options["build"], options["wiki"], out)
            if problems is not None:
                pywikibot.error(ui("wikitours-deploy-build-failed") + "\n" + problems)
                return EXIT_ERROR
        else:
            out = Path(options["manifest"])
        try:
            manifest = deployplan.load_manifest(out)
        except deployplan.ManifestError as error:
            pywikibot.error(ui("wikitours-deploy-manifest-error", error))
            return EXIT_ERROR

        try:
            site = pywikibot.Site()
            site.login()
            return deploy(site, manifest, state_title=options["state"],
                          overwrite=options["overwrite"], dry_run=options["diff"],
                          summary_prefix=options["summary"], grace=options["grace"])
        except (pywikibot.exceptions.Error, requests.RequestException, OSError) as error:
            # before the first edit (reading, logging in): edits handle their own failures
            pywikibot.error(ui("wikitours-deploy-wiki-error", f"{type(error).__name__}: {error}"))
            return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
