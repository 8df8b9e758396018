"""Language data comes from MediaWiki itself: our reading of its PHP files must agree with
what PHP reads from them, and the committed languages.json must be what they generate."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tours import languages
from tours.languages import (
    fallback_chain,
    language,
    languages_json,
    parse_messages_file,
    parse_names,
    read_mediawiki,
    run_update,
)

MW = Path("/usr/share/mediawiki")
NAMESPACES = {"NS_MEDIA": -2, "NS_SPECIAL": -1, "NS_MAIN": 0, "NS_TALK": 1, "NS_USER": 2,
              "NS_USER_TALK": 3, "NS_PROJECT": 4, "NS_PROJECT_TALK": 5, "NS_FILE": 6,
              "NS_FILE_TALK": 7, "NS_MEDIAWIKI": 8, "NS_MEDIAWIKI_TALK": 9, "NS_TEMPLATE": 10,
              "NS_TEMPLATE_TALK": 11, "NS_HELP": 12, "NS_HELP_TALK": 13, "NS_CATEGORY": 14,
              "NS_CATEGORY_TALK": 15, "NS_IMAGE": 6, "NS_IMAGE_TALK": 7}


@pytest.fixture(scope="module")
def php_view(tmp_path_factory):
    """What PHP itself finds in MediaWiki's language files ($fallback, $rtl, Names::$names)."""
    script = tmp_path_factory.mktemp("php") / "dump.php"
    defines = "".join(f"define('{k}', {v});\n" for k, v in NAMESPACES.items())
    script.write_text(
        "<?php\ndefine('MEDIAWIKI', true);\n" + defines + """
$out = [];
foreach (glob('%(mw)s/languages/messages/Messages*.php') as $f) {
    $fallback = null; $rtl = null;
    include $f;
    $code = strtolower(str_replace('_', '-', substr(basename($f), 8, -4)));
    $out[$code] = ['fallback' => $fallback, 'rtl' => $rtl];
}
require_once '%(mw)s/includes/languages/data/Names.php';
echo json_encode(['messages' => $out, 'names' => MediaWiki\\Languages\\Data\\Names::$names]);
""" % {"mw": MW})
    done = subprocess.run(["php", str(script)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_parser_agrees_with_php(php_view):
    ours = read_mediawiki(MW)
    messages = php_view["messages"]
    assert set(ours) == set(php_view["names"]) | set(messages)
    for code, name in php_view["names"].items():
        assert ours[code].name == name
    for code, raw in messages.items():
        fb = raw["fallback"]
        expected = [] if code == "en" else [p.strip() for p in (fb or "").split(",") if p.strip()]
        if code != "en" and (not expected or expected[-1] != "en"):
            expected.append("en")
        assert list(ours[code].fallbacks) == expected, code
        # $rtl is inherited along the chain, like LocalisationCache does
        rtl = False
        for c in [code, *expected]:
            if messages.get(c, {}).get("rtl") is not None:
                rtl = messages[c]["rtl"]
                break
        assert ours[code].dir == ("rtl" if rtl else "ltr"), code


def test_committed_file_is_what_mediawiki_generates():
    assert languages.DATA_FILE.read_text(encoding="utf-8") == languages_json(read_mediawiki(MW))


def test_known_chains_and_directions():
    assert fallback_chain("de-at") == ("de-at", "de", "en")
    assert fallback_chain("en") == ("en",)
    assert fallback_chain("zh-hk")[-1] == "en" and "zh-hant" in fallback_chain("zh-hk")
    assert language("ar").dir == "rtl" and language("he").dir == "rtl"
    assert language("arz").dir == "rtl" and fallback_chain("arz") == ("arz", "ar", "en")
    assert language("yi").fallbacks == ("he", "en") and language("yi").dir == "rtl"
    assert language("fr").dir == "ltr" and language("fr").name == "français"
    # every chain ends in English, like MediaWiki's
    assert all(lang.fallbacks[-1] == "en" for c, lang in languages.load_languages().items()
               if c != "en")
    # unknown codes fall back to English instead of failing
    assert fallback_chain("xx-unknown") == ("xx-unknown", "en")


def test_parsers_on_small_inputs():
    assert parse_messages_file("<?php\n$fallback = 'sr-latn, sr';\n$rtl = true;\n") == (
        ["sr-latn", "sr"], True)
    assert parse_messages_file("<?php\n$fallback = false;\n") == ([], None)
    assert parse_messages_file("<?php\n// $fallback = 'x';\n") == (None, None)
    assert parse_names("\t\t'gn' => 'Avañe\\'ẽ', # Guarani\n") == {"gn": "Avañe'ẽ"}


def test_run_update_writes_file_and_reports_missing_mediawiki(tmp_path, capsys):
    out = tmp_path / "languages.json"
    assert run_update(argparse.Namespace(from_=str(MW), out=str(out))) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["de-at"] == {"name": "Österreichisches Deutsch", "dir": "ltr",
                             "fallbacks": ["de", "en"]}
    assert run_update(argparse.Namespace(from_=str(tmp_path / "nowhere"), out=str(out))) == 1
    err = capsys.readouterr().err
    assert "nowhere" in err and "hint:" in err


def test_languages_command_through_the_cli(tmp_path):
    out = tmp_path / "languages.json"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run([sys.executable, "-m", "tours", "languages", "--from", str(MW),
                           "--out", str(out)], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8") == languages.DATA_FILE.read_text(encoding="utf-8")
