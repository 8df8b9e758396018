"""`./dev playground --mediawiki 1.43`: the playground on the current LTS, in a folder of its
own."""

from __future__ import annotations

import subprocess
import sys

from localwiki import free_port, versions
from localwiki.server import port_is_free
from playground import cli
from tests.deployhelp import ROOT


def test_each_version_has_its_own_default_folder_and_1_39_stays_the_default():
    assert cli.parse_args([]).mediawiki == "1.39"
    assert cli.parse_args([]).dir == ROOT / "var" / "playground"
    assert cli.parse_args(["--mediawiki", "1.43"]).dir == ROOT / "var" / "playground-mw1.43"
    assert cli.parse_args(["--mediawiki", "1.43", "--dir", "/x"]).dir.as_posix() == "/x"


def test_an_unsupported_version_is_refused_by_the_option_parser(capsys):
    import pytest

    with pytest.raises(SystemExit):
        cli.parse_args(["--mediawiki", "1.35"])
    assert "1.39" in capsys.readouterr().err


def test_playground_on_1_43_comes_up_and_its_folder_is_not_reused_by_1_39(tmp_path):
    versions.find("1.43")  # unpacked by ./dev setup; says how otherwise
    port, app_port = free_port(), free_port()
    args = [sys.executable, "-m", "playground", "--check", "--dir", str(tmp_path / "pg"),
            "--port", str(port), "--app-port", str(app_port), "--workers", "2"]
    done = subprocess.run([*args, "--mediawiki", "1.43"], cwd=ROOT, capture_output=True,
                          text=True, timeout=900)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "MediaWiki version: 1.43." in out and "Check passed" in out
    assert port_is_free(port) and port_is_free(app_port)
    # the same folder with 1.39 would serve 1.43's database with 1.39's code: refused, both named
    done = subprocess.run([*args, "--mediawiki", "1.39"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    out = done.stdout + done.stderr
    assert done.returncode == 2, out
    assert "runs on MediaWiki 1.43, not 1.39" in out
    assert port_is_free(port)
