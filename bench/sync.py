"""Sync benchmark: API requests of publish/sync.py for 10 wikis, counted at each wiki's server.

    .venv/bin/python bench/sync.py [--wikis 10] [--languages ar,de] [--keep]

Starts N local wikis: a library wiki (English) holding the shipped tours.yaml split into one page
per tour plus a header page, and the translations of --languages as on-wiki JSON pages; N-1
local wikis (every other one Arabic with its own adaptation page). Then one sync process
serving all of them runs four passes and prints, per pass, the requests each wiki's server
answered (total, GET/POST, edits) and the wall time:

1. first sync (everything compiled and deployed everywhere; no state anywhere yet),
2. nothing changed, warm local cache (goal: one batched read per wiki),
3. nothing changed, cold cache (the local file lost, a new machine): each wiki's state page
   (MediaWiki:Wikitours/sync-state.json) is read once more, nothing is edited,
4. one tour changed on the library wiki (reaches every wiki; each wiki's state page costs a
   read, a lease claim, a check and the final write),
5. one draft saved on the library wiki (Project:Wikitours/Drafts/<id>.yaml): only the library
   wiki works (preview and status page, no deploy); the other wikis cost what pass 2 cost,
6. nothing changed after the draft, warm cache (goal: 1 request per wiki again).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from localwiki import LocalWiki, pwbconfig  # noqa: E402

TOURS = "Project:Wikitours/Tours/"
HEADER = "Project:Wikitours/Library.yaml"
I18N = "Project:Wikitours/i18n/"
LOCAL = "Project:Wikitours/Local.yaml"
LOCAL_TEXT = """id: {id}
language: ar
changes:
  - {{tour: first-edit, replace: welcome, with: {{id: welcome-local, page: sandbox, title: ملعبك, text: هذه صفحة تجاربك.}}}}
"""


def seed(library: LocalWiki, languages: list[str]) -> None:
    import yaml

    data = yaml.safe_load((ROOT / "tours.yaml").read_text(encoding="utf-8"))
    header = {k: v for k, v in data.items() if k not in ("tours", "wikis")}
    library.edit(HEADER, yaml.safe_dump(header, allow_unicode=True, sort_keys=False))
    for tour in data["tours"]:
        library.edit(f"{TOURS}{tour['id']}.yaml", yaml.safe_dump(tour, allow_unicode=True, sort_keys=False))
    for lang in languages:
        path = ROOT / "i18n" / "tours" / f"{lang}.json"
        library.edit(f"{I18N}{lang}.json", path.read_text(encoding="utf-8"), contentmodel="json")


def counts(wiki: LocalWiki, mark: int) -> tuple[int, int, int, int]:
    log = [e for e in wiki.request_log()[mark:] if e.is_api]
    return (len(log), sum(e.method == "GET" for e in log), sum(e.method == "POST" for e in log),
            sum(e.method == "POST" and e.action == "edit" for e in log))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wikis", type=int, default=10)
    parser.add_argument("--languages", default="ar,de")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="wikitours-bench-sync-"))
    pwbconfig.prepare_process(work / "pywikibot")
    from publish.multiwiki import parse_config
    from publish.sync import sync_once

    wikis: list[LocalWiki] = []
    try:
        started = time.monotonic()
        for n in range(args.wikis):
            lang = "en" if n == 0 or n % 2 == 0 else "ar"
            wikis.append(LocalWiki.create(work / f"w{n}", language=lang, workers=1).start())
        print(f"{args.wikis} wikis started in {time.monotonic() - started:.1f} s")
        library = wikis[0]
        seed(library, [x for x in args.languages.split(",") if x])
        entries = [{"id": "w0", "api": library.api, "language": "en"}]
        for n, wiki in enumerate(wikis[1:], 1):
            entry = {"id": f"w{n}", "api": wiki.api, "language": wiki.language}
            if wiki.language == "ar":
                wiki.edit(LOCAL, LOCAL_TEXT.format(id=f"w{n}"))
                entry.update({"variant": f"w{n}", "variant-page": LOCAL})
            entries.append(entry)
        config, problems = parse_config({"library": {"wiki": "w0", "tours": TOURS, "header": HEADER,
                                                     "translations": I18N}, "wikis": entries})
        if config is None:
            raise SystemExit("\n".join(map(str, problems)))
        sites = {f"w{n}": pwbconfig.site(w) for n, w in enumerate(wikis)}
        state: dict = {}
        quiet = open(os.devnull, "w")

        def sync_pass(label: str, state: dict) -> None:
            marks = [w.log_mark() for w in wikis]
            begin = time.monotonic()
            stdout, stderr = sys.stdout, sys.stderr
            sys.stdout = sys.stderr = quiet  # the deploys' progress lines
            try:
                result = sync_once(config, sites, state, log=lambda _: None)
            finally:
                sys.stdout, sys.stderr = stdout, stderr
            seconds = time.monotonic() - begin
            rows = [counts(w, m) for w, m in zip(wikis, marks)]
            errors = sum(len(o.errors) for o in result.outcomes.values())
            print(f"\n{label}: {seconds:.1f} s, {sum(r[0] for r in rows)} API requests in all, "
                  f"{errors} errors")
            print("  wiki  lang  requests  GET  POST  edits")
            for n, (wiki, row) in enumerate(zip(wikis, rows)):
                print(f"  w{n:<3} {wiki.language:<5} {row[0]:>8} {row[1]:>4} {row[2]:>5} {row[3]:>6}")
            per_wiki = [r[0] for r in rows]
            print(f"  per wiki: min {min(per_wiki)}, max {max(per_wiki)}")

        sync_pass("1. first sync", state)
        sync_pass("2. nothing changed, warm cache (goal: 1 request per wiki)", state)
        sync_pass("3. nothing changed, cold cache (local file lost: + 1 state page read per wiki)", {})
        title = f"{TOURS}first-edit.yaml"
        text = library.wikitext(title).replace("Your first edit", "Your very first edit", 1)
        library.edit(title, text)
        sync_pass("4. one tour changed on the library wiki", state)
        library.edit("Project:Wikitours/Drafts/first-edit.yaml",
                     text.replace("Your very first edit", "Your first edit, a draft", 1))
        sync_pass("5. one draft saved on the library wiki (previewed, nothing deployed)", state)
        sync_pass("6. nothing changed after the draft, warm cache (goal: 1 request per wiki)", state)
        return 0
    finally:
        for wiki in wikis:
            wiki.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}")


if __name__ == "__main__":
    sys.exit(main())
