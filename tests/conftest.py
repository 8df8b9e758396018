"""Shared test configuration. Fixtures live in plugin modules named for what they provide."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

pytest_plugins: list[str] = ["tests.wiki", "tests.mariadb", "tests.browser"]

# The compiler speaks the locale's language (``LANG=de_DE.UTF-8`` gives German messages); the
# tests compare English texts, so they ask for English explicitly, whatever the machine's locale.
import os  # noqa: E402

os.environ["WIKITOURS_LANG"] = "en"
