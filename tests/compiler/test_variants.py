"""Wiki variants: page renames reach step pages and link targets, step changes apply in order,
and a change that no longer fits is an error naming the wiki and the step."""

from __future__ import annotations

from dataclasses import replace

from tests.compiler.test_render import sample_library

from tours.model import PageRef, Position, Step, StepChange, WikiVariant, message_key
from tours.variants import apply_variant, normalise_title, rename_links


def test_renames_reach_step_pages_and_links():
    lib = sample_library()
    applied, problems = apply_variant(lib, lib.wiki("dewiki"))
    assert problems == []
    first, mentor, _ = applied.library.tours
    assert first.summary == "Make a small change in your own [[Hilfe:Spielwiese|sandbox]]."
    assert mentor.steps[0].page == PageRef("title", "Project:Wikitours/Mentoren.json")
    assert mentor.steps[0].text == "See [[Project:Wikitours/Mentoren.json|the list]]."
    # translations get the same renames
    assert applied.translate_text("Siehe [[help:sandbox#Oben|die Spielwiese]]") == \
        "Siehe [[Hilfe:Spielwiese#Oben|die Spielwiese]]"
    # the library itself is untouched (immutable)
    assert lib.tours[1].steps[0].page.title == "Project:Wikitours/Mentors.json"


def test_rename_links_keeps_labels_and_anchors():
    renames = {"Help:Sandbox": "Hilfe:Spielwiese"}
    assert rename_links("[[Help:Sandbox]]", renames) == "[[Hilfe:Spielwiese|Help:Sandbox]]"
    assert rename_links("[[:Help:Sandbox|x]]", renames) == "[[:Hilfe:Spielwiese|x]]"
    assert rename_links("[[Help:Sandbox_2|x]]", renames) == "[[Help:Sandbox_2|x]]"
    assert rename_links("no links", renames) == "no links"
    assert normalise_title("help:my_page") == "Help:My page"


def test_prefix_moves_titles_under_help_wikitours():
    lib = sample_library()
    applied, problems = apply_variant(lib, None, prefix="Hilfe:Touren")
    assert problems == []
    assert applied.library.tours[2].steps[0].page == PageRef("title", "Hilfe:Touren")


def test_replace_marks_keys_local():
    lib = sample_library()
    applied, problems = apply_variant(lib, lib.wiki("xwiki"))
    assert problems == []
    steps = applied.library.tours[0].steps
    assert [s.id for s in steps] == ["welcome", "open-editor"]
    assert steps[0].title == "Local welcome"
    assert message_key("tour", "first-edit", "step", "welcome", "text") in applied.local_keys


def test_insert_and_remove():
    lib = sample_library()
    new = Step("extra", "Extra", "An extra step.", PageRef("sandbox"))
    variant = WikiVariant("ywiki", "en", (), (
        StepChange("first-edit", "insert-after", "welcome", new),
        StepChange("first-edit", "remove", "open-editor"),
    ))
    applied, problems = apply_variant(lib, variant)
    assert problems == []
    assert [s.id for s in applied.library.tours[0].steps] == ["welcome", "extra"]


def test_change_that_no_longer_fits_is_an_error():
    lib = sample_library()
    variant = WikiVariant("zwiki", "en", (), (
        StepChange("first-edit", "remove", "welcome", pos=Position(40, 9)),
        StepChange("first-edit", "replace", "welcome",
                   Step("welcome", "W", "T", PageRef("sandbox")), pos=Position(42, 9)),
        StepChange("first-edit", "replace", "gone-step",
                   Step("gone-step", "W", "T", PageRef("sandbox")), pos=Position(47, 9)),
        StepChange("no-such-tour", "remove", "x", pos=Position(50, 9)),
    ))
    _, problems = apply_variant(lib, variant)
    text = [str(p) for p in problems]
    assert len(problems) == 3
    assert text[0].startswith("tours.yaml:42:9: error: wiki zwiki: the change 'replace' of step "
                              "'welcome' in tour 'first-edit' no longer fits: an earlier change "
                              "of this wiki removed it")
    assert "hint: update or delete this change under wikis → zwiki → first-edit" in text[0]
    assert text[1].startswith("tours.yaml:47:9: error: wiki zwiki: the change 'replace' of step "
                              "'gone-step'")
    assert "the library no longer has it" in text[1]
    assert text[2].startswith("tours.yaml:50:9: error: wiki zwiki: no tour 'no-such-tour'")


def test_removing_every_step_and_clashing_ids_are_errors():
    lib = sample_library()
    mentor = lib.tours[1]
    variant = WikiVariant("w", "en", (), (
        StepChange("mentor-basics", "remove", "mentor-list", pos=Position(3, 1)),
        StepChange("first-edit", "insert-after", "welcome",
                   Step("open-editor", "dup", "dup", PageRef("sandbox")), pos=Position(4, 1)),
    ))
    _, problems = apply_variant(replace(lib, tours=lib.tours), variant)
    messages = [p.message for p in problems]
    assert "wiki w: tour 'first-edit' already has a step 'open-editor'" in messages
    assert "wiki w: tour 'mentor-basics' has no steps left after its local changes" in messages
    assert mentor.steps  # untouched
