"""Every Pywikibot script, of the bots and of publishing, answers ``-help`` with its own
documentation, without touching a wiki."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("script", ["bot.run", "bot.welcome", "publish.deploy", "publish.sync"])
def test_help_prints_the_scripts_docstring(script, tmp_path):
    module = __import__(script, fromlist=["__doc__"])
    first_line = module.__doc__.strip().splitlines()[0]
    env = {"PATH": "/usr/bin:/bin", "PYWIKIBOT_DIR": str(tmp_path), "PYTHONPATH": str(ROOT),
           "PYWIKIBOT_NO_USER_CONFIG": "1"}
    done = subprocess.run([sys.executable, "-m", script, "-help"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert first_line in done.stdout
    assert "no help available" not in done.stdout + done.stderr
