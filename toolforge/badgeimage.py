"""The badge a learner downloads: a disc that names the badge and its issuer, in their language.

A baked PNG travels on its own (a portfolio, a CV, an e-mail), so the picture itself must say
what it is: the badge's name in the learner's language, right-to-left scripts shaped and
ordered correctly, and who issued it. Drawing uses Pillow; with its Raqm layout engine
(HarfBuzz + FriBiDi) Arabic letters join and Hebrew runs right to left. Fonts are the Noto
families Debian ships (``fonts-noto-core``, see ``scripts/setup.sh``), picked per script; where
Pillow or a font is missing, :func:`named_badge_png` falls back to the plain disc of
:func:`toolforge.openbadges.badge_png` rather than failing a download.
"""

from __future__ import annotations

import io
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from . import openbadges as ob

__all__ = ["named_badge_png", "font_for", "script_of", "available"]

#: Where fonts are looked for, in order (Debian's Noto, then DejaVu).
FONT_DIRS = (Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts/truetype/dejavu"))
_FONTS = {
    "arabic": ("NotoSansArabic-Bold.ttf", "DejaVuSans-Bold.ttf"),
    "hebrew": ("NotoSansHebrew-Bold.ttf", "DejaVuSans-Bold.ttf"),
    "devanagari": ("NotoSansDevanagari-Bold.ttf",),
    "latin": ("NotoSans-Bold.ttf", "DejaVuSans-Bold.ttf"),
}
_RTL = {"arabic", "hebrew"}
SIZE = 320


def script_of(text: str) -> str:
    """The script that decides the font: the first letter's (``arabic``, ``hebrew``,
    ``devanagari``), else ``latin`` (which also covers Greek and Cyrillic in Noto Sans)."""
    for char in text:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        for script in ("ARABIC", "HEBREW", "DEVANAGARI"):
            if name.startswith(script):
                return script.lower()
        return "latin"
    return "latin"


@lru_cache(maxsize=32)
def _font_path(script: str) -> Path | None:
    for filename in _FONTS.get(script, _FONTS["latin"]):
        for folder in FONT_DIRS:
            if (folder / filename).is_file():
                return folder / filename
    return None


def available() -> bool:
    """Whether named images can be drawn here (Pillow and a Latin font)."""
    try:
        import PIL  # noqa: F401
    except ImportError:
        return False
    return _font_path("latin") is not None


def font_for(text: str, size: int):
    """A Pillow font for *text* at *size*, using Raqm layout when Pillow has it."""
    from PIL import ImageFont, features  # Pillow is optional: without it a badge is a plain disc

    path = _font_path(script_of(text)) or _font_path("latin")
    engine = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    return ImageFont.truetype(str(path), size, layout_engine=engine)


def _direction(text: str) -> str:
    from PIL import features  # Pillow is optional: without it a badge is a plain disc

    return "rtl" if script_of(text) in _RTL and features.check("raqm") else "ltr"


def _lines(text: str, size: int, width: int, max_lines: int) -> tuple[list[str], object]:
    """*text* wrapped into at most *max_lines* lines of *width* pixels, shrinking the font."""
    words = re.sub(r"\s+", " ", text).strip().split(" ")
    while True:
        font = font_for(text, size)
        direction = _direction(text)
        lines: list[str] = []
        for word in words:
            trial = f"{lines[-1]} {word}" if lines else word
            if lines and font.getlength(trial, direction=direction) <= width:
                lines[-1] = trial
            else:
                lines.append(word)
        too_wide = any(font.getlength(line, direction=direction) > width for line in lines)
        if (len(lines) <= max_lines and not too_wide) or size <= 10:
            return lines[:max_lines], font
        size -= 2


def _draw_lines(draw, lines: list[str], font, centre_y: float, fill, lang: str) -> None:
    direction = _direction(" ".join(lines))
    ascent, descent = font.getmetrics()
    height = ascent + descent
    top = centre_y - height * len(lines) / 2
    for i, line in enumerate(lines):
        kwargs = {"direction": direction} if direction == "rtl" else {}
        if lang and direction == "rtl":
            kwargs["language"] = lang
        draw.text((SIZE / 2, top + i * height + height / 2), line, font=font, fill=fill,
                  anchor="mm", **kwargs)


def named_badge_png(color: str, name: str, issuer: str, lang: str = "") -> bytes:
    """A PNG badge: a coloured disc with *name* in the middle and *issuer* below it."""
    if not available():
        return ob.badge_png(color, SIZE)
    from PIL import Image, ImageDraw  # Pillow is optional: without it a badge is a plain disc

    rgb = ob._rgb(color)
    scale = 2  # drawn large, then reduced: smooth edges without anti-aliasing support
    big = Image.new("RGBA", (SIZE * scale, SIZE * scale), (0, 0, 0, 0))
    draw = ImageDraw.Draw(big)
    draw.ellipse((4, 4, SIZE * scale - 4, SIZE * scale - 4), fill=rgb + (255,))
    ring = 22
    draw.ellipse((ring, ring, SIZE * scale - ring, SIZE * scale - ring),
                 outline=(255, 255, 255, 200), width=6)
    image = big.resize((SIZE, SIZE), Image.LANCZOS)
    draw = ImageDraw.Draw(image)
    name = name.strip()[:120] or "?"
    issuer = issuer.strip()[:80]
    lines, font = _lines(name, 40, int(SIZE * 0.68), 3)
    _draw_lines(draw, lines, font, SIZE * 0.46, (255, 255, 255, 255), lang)
    if issuer:
        small, small_font = _lines(issuer, 18, int(SIZE * 0.5), 1)
        _draw_lines(draw, small, small_font, SIZE * 0.78, (255, 255, 255, 220), "")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
