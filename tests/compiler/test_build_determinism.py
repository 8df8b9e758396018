"""The build's output is a pure function of its input, however fast it is made.

The compiler keeps caches (rendered texts, language bars, markup checks) and a deploy of an
unchanged library must make no edit, so: the same input built in two processes with different
hash seeds, and built twice in one process (the second time with every cache warm), gives
byte-identical files and manifests — for the shipped library (with and without ``--wiki``) and
for a synthetic library with hostile translations (markup the build must escape or refuse).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: Builds a library in this process, twice, and prints a digest of each build's files.
_SCRIPT = r"""
import hashlib, json, os, sys, tempfile
from pathlib import Path
sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[1] + "/bench")
import compile as bench
from tours.build import build_pages, manifest, read_i18n, write_output
from tours.load import load_library

def digest(folder):
    h = hashlib.sha256()
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()

def hostile(directory, sources):
    # Markup a translation may use (escaped or kept), an outdated text and an unknown key
    # (warnings: left out or ignored); refused markup is tested by test_i18n and test_build.
    path = directory / "tours" / "de.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    keys = [k for k in sources if k.endswith("-text")]
    data[keys[0]] = "Klick '''Veröffentlichen''' und [[Hilfe:Start|die ''Hilfe'']] <code>x</code>"
    data[keys[1]] = "~~~~ a|b c=d x__y <bdi>x</bdi> [https://example.org Bei''spiel''] ''kursiv''"
    data[keys[2]] = "{{GENDER:$1|er|sie|sie}} liest  viel\u00a0: '''''fett''''' ''x'''y'''''"
    data[keys[3]] = "Veraltet"
    data["@metadata"]["source-hashes"][keys[3]] = "00000000"
    data["wikitours-tour-nope-title"] = "<script>alert(1)</script>"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

out = []
text, sources = bench.synthetic_library(int(sys.argv[2]))
with tempfile.TemporaryDirectory() as tmp:
    os.chdir(tmp)  # problems name the files relative to here, the same in every process
    tmp = Path(".")
    bench.write_translations(tmp / "i18n", sources, ["de", "ar", "fr", "zh"])
    hostile(tmp / "i18n", sources)
    library, problems = load_library(text, "bench.yaml")
    assert library is not None, problems[:3]
    for run in range(2):
        translations, _ = read_i18n(tmp / "i18n")
        result = build_pages(library, translations)
        data, files = manifest(result, source_name="bench.yaml", source_bytes=text.encode(),
                               wiki=None)
        write_output(tmp / "out", data, files)
        out.append({"digest": digest(tmp / "out"), "pages": len(files),
                    "problems": [str(p) for p in result.problems]})
print(json.dumps(out))
"""


def _run(args: list[str], seed: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


@pytest.mark.parametrize("extra", [[], ["--wiki", "dewiki"]], ids=["plain", "dewiki"])
def test_shipped_library_builds_identically_in_two_processes(tmp_path, extra):
    digests = []
    for seed in ("1", "2"):
        out = tmp_path / f"out-{seed}"
        done = _run(["-m", "tours", "build", "tours.yaml", "--out", str(out), *extra], seed, ROOT)
        assert done.returncode == 0, done.stderr
        digests.append(_digest(out))
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        assert len(manifest["pages"]) == len(list((out / "pages").iterdir())) > 20
        for entry in manifest["pages"]:
            data = (out / entry["file"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["title"]
    assert digests[0] == digests[1]


def test_synthetic_library_with_hostile_translations_is_deterministic(tmp_path):
    runs = []
    for seed in ("0", "12345"):
        done = _run(["-c", _SCRIPT, str(ROOT), "30"], seed, tmp_path)
        assert done.returncode == 0, done.stderr
        runs.extend(json.loads(done.stdout))
    # cold and warm caches, two hash seeds: one result
    assert len({json.dumps(r, sort_keys=True) for r in runs}) == 1, runs
    problems = "\n".join(runs[0]["problems"])
    # the odd translations were really checked
    assert "outdated" in problems and "unknown key 'wikitours-tour-nope-title'" in problems
    assert not any(": error:" in p for p in runs[0]["problems"]), problems
    assert runs[0]["pages"] > 30 * 5
