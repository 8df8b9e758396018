"""How fast is ``python -m tours build`` on a large library, compared with merely parsing it?

Generates a synthetic library (by default 200 tours × 50 languages, with realistic text sizes:
7–9 steps per tour, step texts of one to three sentences, every language fully translated and
stamped with source hashes), then times, in CPU time of this process (the build starts no
other process):

* the parse baseline — merely parsing the same input with the fastest ordinary parsers:
  ``yaml.load(..., Loader=yaml.CSafeLoader)`` (libyaml) of the tours file, and reading and
  ``json.loads`` of every translation file the build reads (``i18n/tours``, ``i18n/pages``,
  ``i18n/gadget``; JSON is parsed far faster by the json module than by any YAML loader);
* the whole build, exactly what ``python -m tours build`` does: load and validate, check
  every translation, render every page and the gadget's data and code, the manifest, and
  write every file (into a temporary folder, replacing the previous output),

and prints the ratio (goal: at most 3×) and where the build's time goes. For comparison with
earlier figures it also prints the pure-Python ``yaml.safe_load`` of the tours file alone
(the baseline this bench used before: slower, and blind to the translation files).

A second table builds several sizes and prints the time per (tour × language) unit with a
least-squares line through build time against units (slope, intercept, R²): cost that grows
linearly has a flat time per unit and R² near 1.

Read the ratio with its baseline in mind: the tours file holds the source texts only, while
the translation files grow with the number of languages, and so does the build.

    .venv/bin/python bench/compile.py                  # 200 tours × 50 languages + growth table
    .venv/bin/python bench/compile.py --tours 50 --languages 10 --no-growth
    .venv/bin/python bench/compile.py --disk     # output on disk instead of in memory (tmpfs)
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from tours.build import build_pages, manifest, read_i18n, write_output  # noqa: E402
from tours.languages import load_languages  # noqa: E402
from tours.load import load_library  # noqa: E402

WORDS = ("page edit wiki article source reliable sentence reference talk mentor sandbox "
         "summary publish history preview link citation reader community welcome question "
         "newcomer guide toolbar button change version help topic signature").split()
ELEMENTS = ("edit-source-tab", "save-button", "textbox", "summary", "preview-button",
            "editor-toolbar", "content", "talk-tab", "first-heading")
PAGES = ("sandbox", "user-page", "user-talk", "Help:Contents", "Project:Help desk")
AUDIENCES = ("newcomer", "mentor", "trainer")


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _text(rng: random.Random) -> str:
    parts = [_sentence(rng, rng.randint(8, 18)) for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.3:
        parts.append("See [[Help:Contents|the help pages]] or click '''Publish'''.")
    return " ".join(parts)


def synthetic_library(tours: int, seed: int = 1) -> tuple[str, dict[str, str]]:
    """The YAML text of a library with *tours* tours, and its source texts by message key."""
    rng = random.Random(seed)
    lines = ["wikitours: 1", "source-language: en", "", "tours:"]
    sources: dict[str, str] = {}
    for n in range(tours):
        tid = f"tour-{n:04d}"
        title, summary = _sentence(rng, 4)[:-1], _sentence(rng, 14)
        sources[f"wikitours-tour-{tid}-title"] = title
        sources[f"wikitours-tour-{tid}-summary"] = summary
        lines += [f"  - id: {tid}", f"    title: {title}", f"    summary: {summary}",
                  f"    audience: {AUDIENCES[n % 3]}", f"    minutes: {rng.randint(3, 12)}",
                  "    version: 1"]
        if n:
            lines.append(f"    requires: [tour-{rng.randrange(n):04d}]")
        lines.append("    steps:")
        for s in range(rng.randint(7, 9)):
            sid = f"step-{s}"
            st_title, st_text = _sentence(rng, 3)[:-1], _text(rng)
            sources[f"wikitours-tour-{tid}-step-{sid}-title"] = st_title
            sources[f"wikitours-tour-{tid}-step-{sid}-text"] = st_text
            page = rng.choice(PAGES)
            lines += [f"      - id: {sid}", f"        page: {page}",
                      f"        title: {st_title}", f"        text: >-",
                      f"          {st_text}"]
            if rng.random() < 0.7:
                lines += [f"        element: {rng.choice(ELEMENTS)}", "        placement: bottom"]
    return "\n".join(lines) + "\n", sources


def write_translations(directory: Path, sources: dict[str, str], languages: list[str]) -> None:
    """Every language fully translated (the texts are marked copies), hashes stamped."""
    tours_dir = directory / "tours"
    tours_dir.mkdir(parents=True, exist_ok=True)
    hashes = {k: hashlib.sha1(v.encode()).hexdigest()[:8] for k, v in sources.items()}
    for lang in languages:
        data = {"@metadata": {"authors": ["bench"], "source-hashes": hashes}}
        data.update({k: f"{v} ({lang})" for k, v in sources.items()})
        (tours_dir / f"{lang}.json").write_text(json.dumps(data, ensure_ascii=False, indent="\t"),
                                                encoding="utf-8")
    pages = directory / "pages"
    pages.mkdir(exist_ok=True)
    for name in ("en.json", "qqq.json"):
        (pages / name).write_bytes((ROOT / "i18n" / "pages" / name).read_bytes())


def pick_languages(count: int) -> list[str]:
    codes = sorted(c for c, lang in load_languages().items() if c != "en" and "-" not in c)
    step = max(1, len(codes) // max(count, 1))
    return codes[::step][:count]


PHASES: dict[str, float] = {}


def _phase(name: str, start: float) -> float:
    now = time.process_time()
    PHASES[name] = now - start
    return now


def full_build(yaml_text: str, i18n_dir: Path, out: Path) -> int:
    """What ``python -m tours build`` does, minus argument parsing; returns the page count.

    The CPU time of each phase is left in :data:`PHASES`.
    """
    clock = [time.process_time()]

    def timer(name: str) -> None:
        clock[0] = _phase(name, clock[0])

    library, problems = load_library(yaml_text, "bench.yaml", timer=timer)
    if library is None:
        raise SystemExit("synthetic library does not load:\n" + "\n".join(map(str, problems[:5])))
    timer("sort problems")
    translations, _ = read_i18n(i18n_dir)
    timer("read translations")

    result = build_pages(library, translations, gadget=True, timer=timer)
    if not result.ok:
        bad = [p for p in result.problems if p.severity == "error"][:5]
        raise SystemExit("synthetic build failed:\n" + "\n".join(map(str, bad)))
    t = _phase("duplicate check", clock[0])
    data, files = manifest(result, source_name="bench.yaml",
                           source_bytes=yaml_text.encode("utf-8"), wiki=None)
    t = _phase("manifest", t)
    write_output(out, data, files)
    _phase("write files", t)
    return len(files)


def cold_caches() -> None:
    """Forget what earlier runs rendered, so a repeated run is not faster than the first."""
    from tours.render import common, gadgetdata, wikitext

    wikitext._wikitext.cache_clear()
    wikitext.quotes_to_html.cache_clear()
    gadgetdata._keys.cache_clear()
    common._SPANS.clear()


def timed(fn, repeat: int) -> tuple[float, float]:
    """Best wall-clock and best CPU time (this process, user + system) of *repeat* runs.

    CPU time is the fairer figure on a busy machine: it does not count waiting for the other
    processes that share the cores or the disk.
    """
    best_wall = best_cpu = float("inf")
    for _ in range(repeat):
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return best_wall, best_cpu


def scratch_dir() -> str | None:
    """Where the synthetic files and the build output go: memory (tmpfs) when there is one, so
    the figures measure the compiler rather than a disk that other processes share."""
    return "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


_CSAFE = getattr(yaml, "CSafeLoader", None)


def parse_input(yaml_text: str, i18n_dir: Path) -> None:
    """Merely parse what the build reads, with the fastest ordinary parsers (the baseline)."""
    if _CSAFE is None:
        raise SystemExit("PyYAML has no libyaml (CSafeLoader): the baseline would be unfair")
    yaml.load(yaml_text, Loader=_CSAFE)
    for sub in ("tours", "pages", "gadget"):
        folder = i18n_dir / sub
        if folder.is_dir():
            for path in sorted(folder.glob("*.json")):
                json.loads(path.read_bytes())


def measure(tours: int, languages: int, repeat: int, where: str | None = None) -> dict:
    yaml_text, sources = synthetic_library(tours)
    with tempfile.TemporaryDirectory(prefix="wikitours-bench-", dir=where) as tmp:
        tmp_path = Path(tmp)
        write_translations(tmp_path / "i18n", sources, pick_languages(languages))
        parse = timed(lambda: parse_input(yaml_text, tmp_path / "i18n"), repeat + 1)
        safe_load = timed(lambda: yaml.safe_load(yaml_text), 1) if repeat > 1 else (0.0, 0.0)
        json_bytes = sum(p.stat().st_size for p in (tmp_path / "i18n").rglob("*.json"))
        pages = [0]

        def build():
            cold_caches()  # every run starts like a fresh `python -m tours build`
            pages[0] = full_build(yaml_text, tmp_path / "i18n", tmp_path / "out")

        build_time = timed(build, repeat)
    return {"phases": dict(PHASES), "tours": tours, "languages": languages, "yaml_bytes": len(yaml_text.encode()),
            "messages": len(sources), "pages": pages[0], "parse": parse, "build": build_time,
            "safe_load": safe_load, "json_bytes": json_bytes}


def fit(xs: list[float], ys: list[float]) -> tuple[float, float, float]:
    """Least-squares ``y = slope·x + intercept`` and its R²."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    slope = sxy / sxx
    intercept = my - slope * mx
    ss_res = sum((y - (slope * x + intercept)) ** 2 for x, y in zip(xs, ys))
    ss_tot = sum((y - my) ** 2 for y in ys)
    return slope, intercept, 1 - ss_res / ss_tot if ss_tot else 1.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tours", type=int, default=200)
    parser.add_argument("--languages", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=2, help="best of N runs (default 2)")
    parser.add_argument("--no-growth", action="store_true", help="skip the growth table")
    parser.add_argument("--disk", action="store_true",
                        help="write into the system's temporary folder instead of memory")
    ns = parser.parse_args(argv)
    where = None if ns.disk else scratch_dir()
    print(f"files in {where or tempfile.gettempdir()}")

    r = measure(ns.tours, ns.languages, ns.repeat, where)
    print(f"library: {r['tours']} tours × {r['languages']} languages, "
          f"{r['yaml_bytes'] / 1e6:.2f} MB of YAML and {r['json_bytes'] / 1e6:.1f} MB of "
          f"translation JSON, {r['messages']} texts, {r['pages']} pages")
    print(f"{'':40} {'wall s':>8} {'CPU s':>8}")
    print(f"{'parse: YAML (libyaml) + JSON (json)':40} {r['parse'][0]:8.3f} {r['parse'][1]:8.3f}")
    print(f"{'tours build (everything, written)':40} {r['build'][0]:8.3f} {r['build'][1]:8.3f}")
    wall, cpu = (r["build"][i] / r["parse"][i] for i in (0, 1))
    print(f"{'ratio':40} {wall:7.2f}× {cpu:7.2f}×   (goal ≤ 3×: "
          f"{'met' if cpu <= 3 else 'NOT met'} in CPU time)")
    if r["safe_load"][1]:
        print(f"{'for comparison: yaml.safe_load alone':40} {r['safe_load'][0]:8.3f} "
              f"{r['safe_load'][1]:8.3f}   (build ÷ this: "
              f"{r['build'][1] / r['safe_load'][1]:.2f}×; the old, unfair baseline)")
    total = sum(r["phases"].values())
    print("where the build's CPU time goes (last run):")
    for name, seconds in r["phases"].items():
        print(f"  {name:22} {seconds:7.3f} s {100 * seconds / total:5.1f}%")

    if not ns.no_growth:
        print()
        print("growth (CPU time; a unit is one tour in one language, source included):")
        print(f"{'tours':>6} {'langs':>6} {'units':>7} {'pages':>7} {'build s':>9} "
              f"{'ms/unit':>8} {'parse s':>8} {'ratio':>6}")
        xs, ys = [], []
        for tours, langs in ((25, 10), (50, 10), (50, 25), (100, 25), (100, 50), (200, 50)):
            g = r if (tours, langs) == (ns.tours, ns.languages) else \
                measure(tours, langs, 1, where)
            units = tours * (langs + 1)
            build_cpu, parse_cpu = g["build"][1], g["parse"][1]
            xs.append(units)
            ys.append(build_cpu)
            print(f"{tours:>6} {langs:>6} {units:>7} {g['pages']:>7} {build_cpu:>9.2f} "
                  f"{1000 * build_cpu / units:>8.3f} {parse_cpu:>8.3f} "
                  f"{build_cpu / parse_cpu:>6.2f}")
        slope, intercept, r2 = fit(xs, ys)
        print(f"fit: build CPU s = {1000 * slope:.3f} ms × units + {intercept:.3f} s, "
              f"R² = {r2:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
