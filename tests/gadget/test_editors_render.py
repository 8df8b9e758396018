"""Start links that keep a language, and tour lengths that count one reader's path (issues 16, 17).

"Start this tour" on ``Help:Wikitours/ar`` starts the tour in Arabic (``uselang=ar``, which
Special:MyPage's redirect keeps and the gadget then keeps on every page); the unsuffixed pages
start tours in the reader's own language. A tour with a branch per editor is as long as one
branch, not both.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.compiler.test_render import assert_contained, sample_library, site_for
from tours.load import load_library
from tours.render.catalogue import render_catalogue
from tours.render.common import start_url
from tours.render.helppage import render_help_page

ROOT = Path(__file__).resolve().parents[2]


def test_language_pages_start_their_tours_in_their_language():
    lib = sample_library()
    site = site_for(lib)
    tour = lib.tours[0]
    base = render_catalogue(site, site.base_language).content
    assert "uselang" not in base
    for lang in ("ar", "de"):
        for page in (render_catalogue(site, lang), render_help_page(site, tour, lang)):
            assert_contained(page.content)
            assert (f"{{{{fullurl:Special:MyPage/sandbox|uselang={lang}&wikitour={tour.id}}}}}"
                    f"#wikitour={tour.id}") in page.content, page.title


@pytest.mark.parametrize("lang", ["ar]]<script>", "x|y", "}}", "ar&wikitour=evil", "", "A" * 40])
def test_a_hostile_language_code_is_refused(lang):
    with pytest.raises(ValueError):
        start_url(sample_library().tours[0], lang)


def test_shipped_first_edit_counts_one_editors_path():
    lib, problems = load_library((ROOT / "tours.yaml").read_text(encoding="utf-8"), "tours.yaml")
    assert lib is not None, problems
    first = next(t for t in lib.tours if t.id == "first-edit")
    source = [s.id for s in first.steps if not s.when.editors or "source" in s.when.editors]
    visual = [s.id for s in first.steps if not s.when.editors or "visual" in s.when.editors]
    assert source == ["welcome", "open-editor", "write", "summary", "publish", "done"]
    assert visual == ["welcome", "open-editor", "write-visual", "save-visual", "summary-visual",
                      "publish-visual", "done"]
    assert first.path_length == 7 < len(first.steps)
    # each editor's branch ends in a save, so the badge's edit evidence holds on either path
    assert [s.id for s in first.steps if s.advance == "saved"] == ["publish", "publish-visual"]
    # user-page too (issue 16): five steps in either editor, seven written
    user_page = next(t for t in lib.tours if t.id == "user-page")
    assert user_page.path_length == 5 < len(user_page.steps)
    assert [s.id for s in user_page.steps if s.advance == "saved"] == ["publish", "publish-visual"]
