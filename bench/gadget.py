#!/usr/bin/env python3
"""How heavy the gadget is: bytes on the wire and page-load time when it is idle.

    .venv/bin/python bench/gadget.py [--runs 7] [--no-browser]

1. Size: the loader (on every page view) and the runtime (JS + CSS, only while a tour runs),
   minified with terser (JavaScript) and one comment/space stripper (CSS), then gzipped at level
   9 — next to driver.js and Shepherd.js from node_modules, measured exactly the same way.
   Goals: loader <= 1 KB; runtime <= 0.6 x driver.js (JS + CSS).
2. Page load: a real local MediaWiki 1.39 in headless Chromium, Main Page with the gadget
   installed but idle versus the same wiki without it (fresh browser context, so a cold cache,
   for every run; runs interleaved; the median of each is compared).

Prints tables; exits 1 when a size goal is missed.
"""

from __future__ import annotations

import argparse
import gzip
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tours import gadget_bundle  # noqa: E402

TERSER = ROOT / "node_modules" / ".bin" / "terser"
NODE_MODULES = ROOT / "node_modules"


def minify_js(source: str) -> bytes:
    done = subprocess.run([str(TERSER), "--compress", "--mangle", "--comments", "false"],
                          input=source, capture_output=True, text=True, check=True)
    return done.stdout.encode("utf-8")


def minify_css(source: str) -> bytes:
    text = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s*([{}:;,>])\s*", r"\1", text).replace(";}", "}")
    return text.strip().encode("utf-8")


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def sizes() -> list[tuple[str, int, int, int]]:
    """(name, source bytes, minified bytes, minified+gzip bytes) for each measured file."""
    rows = []

    def add(name: str, source: str, kind: str) -> None:
        mini = minify_js(source) if kind == "js" else minify_css(source)
        rows.append((name, len(source.encode("utf-8")), len(mini), gz(mini)))

    pages = {title: content for title, _, content in gadget_bundle.gadget_pages()}
    add("wikitours loader", pages[gadget_bundle.LOADER_TITLE], "js")
    add("wikitours runtime JS", pages[gadget_bundle.RUNTIME_TITLE], "js")
    add("wikitours runtime CSS", pages[gadget_bundle.STYLE_TITLE], "css")
    add("driver.js JS", (NODE_MODULES / "driver.js/dist/driver.js.iife.js").read_text(), "js")
    add("driver.js CSS", (NODE_MODULES / "driver.js/dist/driver.css").read_text(), "css")
    add("Shepherd.js JS", (NODE_MODULES / "shepherd.js/dist/cjs/shepherd.cjs").read_text(), "js")
    add("Shepherd.js CSS", (NODE_MODULES / "shepherd.js/dist/css/shepherd.css").read_text(), "css")
    return rows


def print_sizes(rows) -> bool:
    by = {r[0]: r for r in rows}
    print(f"{'file':<24}{'source':>10}{'min':>10}{'min+gz':>10}")
    for name, src, mini, zipped in rows:
        print(f"{name:<24}{src:>10}{mini:>10}{zipped:>10}")
    ours = by["wikitours runtime JS"][3] + by["wikitours runtime CSS"][3]
    driver = by["driver.js JS"][3] + by["driver.js CSS"][3]
    shepherd = by["Shepherd.js JS"][3] + by["Shepherd.js CSS"][3]
    loader = by["wikitours loader"][3]
    print()
    print(f"{'total (JS+CSS, min+gz)':<34}{'bytes':>8}  {'goal':<24}")
    print(f"{'wikitours loader (every page)':<34}{loader:>8}  {'<= 1024':<24}"
          f"  {'ok' if loader <= 1024 else 'MISSED'}")
    goal = int(0.6 * driver)
    print(f"{'wikitours runtime (tour only)':<34}{ours:>8}  {'<= 0.6 x driver = ' + str(goal):<24}"
          f"  {'ok' if ours <= goal else 'MISSED'}  ({ours / driver:.2f} x driver.js)")
    print(f"{'driver.js':<34}{driver:>8}")
    print(f"{'Shepherd.js':<34}{shepherd:>8}")
    return loader <= 1024 and ours <= goal


def module_shares() -> None:
    """What each runtime module costs: its bytes alone (min+gz) and its marginal share, the
    runtime's min+gz with it minus without it (gzip shares words between modules, so the
    shares add up to less than the sum of the modules alone)."""
    src = ROOT / "gadget" / "src"
    texts = {m: (src / f"{m}.js").read_text(encoding="utf-8") for m in gadget_bundle.MODULES}

    def size(mods) -> int:
        return gz(minify_js("mw.libs.wikitours = {};\n" + "".join(texts[m] for m in mods)))

    whole = size(gadget_bundle.MODULES)
    print()
    print(f"runtime JS by module (all modules: {whole} B min+gz)")
    print(f"{'module':<16}{'alone':>8}{'share':>8}")
    for m in gadget_bundle.MODULES:
        rest = [x for x in gadget_bundle.MODULES if x != m]
        print(f"{m:<16}{gz(minify_js(texts[m])):>8}{whole - size(rest):>8}")


def page_load(runs: int) -> None:
    """Median load time of Main Page with the idle gadget vs without, on a real local wiki."""
    from playwright.sync_api import sync_playwright

    from localwiki import LocalWiki

    folder = Path(tempfile.mkdtemp(prefix="wikitours-bench-"))
    wiki = LocalWiki.create(folder / "w", workers=2)
    try:
        wiki.start()
        for title, model, content in gadget_bundle.gadget_pages():
            wiki.edit(title, content, contentmodel=model, summary="bench")
        with_gadget = "== wikitours ==\n" + "\n".join(gadget_bundle.definition_lines()) + "\n"
        without = "== wikitours ==\n"
        url = f"{wiki.index}?title=Main_Page"
        times: dict[str, list[float]] = {"with": [], "without": []}
        requests: dict[str, list[int]] = {"with": [], "without": []}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"])
            for i in range(runs + 1):  # the first round warms PHP's caches and is dropped
                for label, definition in (("with", with_gadget), ("without", without)):
                    wiki.edit("MediaWiki:Gadgets-definition", definition, summary="bench")
                    context = browser.new_context()
                    page = context.new_page()
                    mark = wiki.log_mark()
                    page.goto(url, wait_until="load")
                    page.wait_for_function("window.mw && mw.loader.getState('ext.gadget.wikitours')"
                                           + (" === 'ready'" if label == "with" else " === null"))
                    page.wait_for_timeout(200)  # anything the gadget might start after load
                    ms = page.evaluate(
                        "(() => { const n = performance.getEntriesByType('navigation')[0];"
                        " return n.loadEventEnd - n.startTime; })()")
                    count = len(wiki.request_log()[mark:])
                    context.close()
                    if i:
                        times[label].append(ms)
                        requests[label].append(count)
                    time.sleep(0.05)
            browser.close()
        med = {k: statistics.median(v) for k, v in times.items()}
        print()
        print(f"page load, Main Page, {runs} runs each (median ms, requests at the server)")
        print(f"{'':<28}{'median ms':>10}{'min':>8}{'max':>8}{'requests':>10}")
        for label in ("without", "with"):
            v = times[label]
            print(f"{'gadget ' + ('idle' if label == 'with' else 'absent'):<28}{med[label]:>10.1f}"
                  f"{min(v):>8.1f}{max(v):>8.1f}{statistics.median(requests[label]):>10.0f}")
        print(f"ratio idle / absent: {med['with'] / med['without']:.3f}")
    finally:
        wiki.stop()
        shutil.rmtree(folder, ignore_errors=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-browser", action="store_true", help="sizes only")
    args = parser.parse_args(argv)
    if not TERSER.exists():
        print("node_modules is missing: run ./dev setup", file=sys.stderr)
        return 2
    ok = print_sizes(sizes())
    module_shares()
    if not args.no_browser:
        page_load(args.runs)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
