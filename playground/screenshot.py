"""Take a screenshot of a page in headless Chromium: `python -m playground.screenshot URL FILE`."""

from __future__ import annotations

import sys
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run"]


def screenshot(url: str, file: Path, width: int = 1280, height: int = 900,
               full_page: bool = False) -> Path:
    """Open `url` (loopback only) and save a PNG once the page and its scripts have loaded."""
    from playwright.sync_api import sync_playwright

    if not url.startswith(("http://127.0.0.1:", "http://localhost:")):
        raise ValueError(f"only pages on 127.0.0.1 can be captured here, not {url!r}")
    file = Path(file)
    file.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(url, wait_until="networkidle", timeout=60000)
            page.screenshot(path=str(file), full_page=full_page)
        finally:
            browser.close()
    return file


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    screenshot(argv[0], Path(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
