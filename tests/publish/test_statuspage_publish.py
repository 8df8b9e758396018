"""The status page about publishing: under way, interrupted, resumed, and what is live."""

from __future__ import annotations

import mwparserfromhell
import pytest

from publish.statuspage import Status, render_status

LIVE = dict(pointer_version="bf2e453140", pointer_revid=164,
            pointer_tours=(("first-edit", "721f6733b3"), ("user-page", "34c4b9c8d4")))


def test_a_publish_under_way_never_says_up_to_date():
    text = render_status(Status(lang="en", publishing="in-progress", publish_version="abc123",
                                publish_started="2026-12-06T16:00:00Z", live_version="old999",
                                **LIVE))
    assert "being published" in text and "up to date" not in text
    assert "started at 2026-12-06T16:00:00Z" in text and "abc123" in text
    # what readers run is what the pointer says, with its revision
    assert "Readers run gadget version bf2e453140" in text
    assert "[[Special:PermanentLink/164|MediaWiki:Gadget-wikitours.js]]" in text
    assert "* first-edit: 721f6733b3" in text


@pytest.mark.parametrize("switched, says", [
    (False, "before the gadget switched: readers still run the previous version"),
    (True, "after the gadget switched: readers run the new version")])
def test_an_interrupted_publish_says_how_far_it_got(switched, says):
    text = render_status(Status(lang="en", publishing="interrupted", publish_version="abc123",
                                publish_done=7, publish_total=18, switched=switched, **LIVE))
    assert "stopped half-way" in text and says in text and "after 7 of 18 edits" in text
    assert "up to date" not in text


def test_a_finished_resumed_publish_says_so():
    text = render_status(Status(lang="en", resumed="2026-12-06T15:59:00Z", live_version="abc",
                                **LIVE))
    assert "The tours are up to date" in text
    assert "An earlier publish, started at 2026-12-06T15:59:00Z, was interrupted" in text


def test_no_pointer_yet():
    text = render_status(Status(lang="en"))
    assert "names no published version yet" in text and "Readers run" not in text


def test_hostile_values_stay_text():
    text = render_status(Status(
        lang="en", publishing="in-progress", publish_version="<script>x</script>",
        publish_started="[[Category:Spam]]", pointer_version="{{evil}}", pointer_revid=1,
        pointer_tours=(("'''x'''", "~~~~"),)))
    code = mwparserfromhell.parse(text)
    assert not code.filter_templates() and "<script>" not in text and "~~~~" not in text
    assert all(str(link.title).startswith(("Special:PermanentLink/", ":"))
               for link in code.filter_wikilinks())


@pytest.mark.parametrize("lang", ["ar", "he", "de", "fr", "es", "hi", "pt"])
def test_translated(lang):
    english = render_status(Status(lang="en", publishing="in-progress", publish_version="v1",
                                   publish_started="t", **LIVE))
    text = render_status(Status(lang=lang, publishing="in-progress", publish_version="v1",
                                publish_started="t", **LIVE))
    assert text != english and "bf2e453140" in text and "v1" in text
