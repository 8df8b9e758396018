"""`./dev playground --mediawiki 1.43`: the playground on the current LTS, in a folder of its
own. (The playground itself comes up on each version, and refuses a folder of the other one, in
tests/playground/test_playground.py, `[mw1.39]` and `[mw1.43]`.)"""

from __future__ import annotations

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
