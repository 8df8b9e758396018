"""Every shipped language renders as letters, not as empty boxes, in headless Chromium.

Screenshots of the Hindi popovers once showed only boxes: the machine had no Devanagari font,
so Chromium drew each letter as the font's ``.notdef`` glyph. The fonts are Debian packages in
``scripts/setup.sh`` (``APT_PACKAGES``); this checks what Chromium actually draws. A missing
glyph draws the same box for every letter, so the letters of a script drawn one by one must
all differ from each other and from a code point no font has (U+0378 is unassigned).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]

#: A few letters per script of the shipped right-to-left and non-Latin languages (i18n/*/).
SCRIPTS = {
    "hi": "कखगनमहि",   # Devanagari
    "ar": "بتجدسعم",   # Arabic (isolated forms)
    "he": "אבגדהלש",   # Hebrew
}

DRAW = """([text, missing]) => {
  const draw = (s) => {
    const c = document.createElement('canvas');
    c.width = 64; c.height = 64;
    const g = c.getContext('2d');
    g.font = '40px sans-serif';
    g.fillStyle = '#000';
    g.fillText(s, 8, 48);
    const d = g.getImageData(0, 0, 64, 64).data;
    let ink = 0, sig = [];
    for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) ink++; sig.push(d[i] > 127 ? 1 : 0); }
    return {ink, sig: sig.join('')};
  };
  return {letters: Array.from(text).map(draw), missing: draw(missing)};
}"""


def draw(page, letters: str) -> dict:
    page.set_content("<!doctype html><meta charset=utf-8><body></body>")
    return page.evaluate(DRAW, [letters, "\u0378"])


@pytest.mark.parametrize("lang", sorted(SCRIPTS))
def test_letters_render_as_glyphs_not_boxes(page, lang):
    got = draw(page, SCRIPTS[lang])
    shapes = [g["sig"] for g in got["letters"]]
    assert all(g["ink"] > 0 for g in got["letters"]), f"{lang}: a letter drew nothing"
    assert got["missing"]["sig"] not in shapes, f"{lang}: a letter is drawn as the missing box"
    assert len(set(shapes)) == len(shapes), f"{lang}: letters look alike (boxes): no font"


def test_the_check_sees_boxes(browser, tmp_path):
    """The check itself can fail: Chromium limited to DejaVu (no Devanagari) draws Hindi as
    boxes, and the check says so."""
    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    dejavu = Path("/usr/share/fonts/truetype/dejavu")
    if not dejavu.is_dir():
        pytest.fail("fonts-dejavu-core (a dependency of Chromium) is missing")
    conf = tmp_path / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>{dejavu}</dir><cachedir>{tmp_path / "cache"}</cachedir></fontconfig>""")
    env = dict(os.environ, FONTCONFIG_FILE=str(conf))
    # the same Playwright as the other tests (one per thread), another Chromium
    only_dejavu = browser.browser_type.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                              env=env)
    try:
        got = draw(only_dejavu.new_page(), SCRIPTS["hi"])
    finally:
        only_dejavu.close()
    shapes = [g["sig"] for g in got["letters"]]
    assert got["missing"]["sig"] in shapes or len(set(shapes)) < len(shapes)


def test_setup_installs_the_fonts():
    setup = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    packages = re.search(r"APT_PACKAGES=\(([^)]*)\)", setup).group(1).split()
    assert "fonts-noto-core" in packages  # Devanagari, Arabic, Hebrew (and many more)
