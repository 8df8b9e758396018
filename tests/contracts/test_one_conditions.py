"""A step's conditions have one home: the tour data's ``Conditions`` (contracts §4).

The compiler's model, the gadget data it renders and the app's reading of a wiki's published
tours used to hold two twin classes of the same JSON shape, converted field by field in two
places; the app's conversion dropped the page states (``previewing``, ``watched``…) and the
visual editor's dialogs, so a step whose ``unless`` named only those was no branch for the app
although contracts §6 says any ``unless`` makes one. Pure: no wiki.
"""

from __future__ import annotations

import json

from contracts import tourdata
from tours import model
from tours.load import load_library
from tours.render.gadgetdata import tour_data

TOURS = """\
source-language: en
tours:
  - id: watch-it
    title: Watch it
    summary: A tour with page states
    audience: newcomer
    minutes: 2
    steps:
      - id: hello
        title: Hello
        text: Hello there.
      - id: star
        title: The star
        text: Click the star to watch the page.
        unless:
          watched: true
      - id: preview
        title: Preview
        text: Look at your preview.
        when:
          action: submit
          previewing: true
          dialog: [save]
"""


def test_the_model_and_the_tour_data_share_one_conditions_type():
    assert model.Conditions is tourdata.Conditions
    when = model.Conditions(actions=("submit",), previewing=True, dialogs=("save",))
    assert tourdata.Conditions.from_json(json.loads(json.dumps(when.to_json()))) == when


def test_conditions_travel_whole_from_tours_yaml_to_the_app():
    from toolforge.publishedtours import known_from_library, library_from_published

    lib, problems = load_library(TOURS, "tours.yaml")
    assert lib is not None, [str(p) for p in problems]
    tour = lib.tour("watch-it")
    page = tour_data(lib, tour)
    data, found = tourdata.parse_tour_data(page.content, page.title)
    assert found == [] and data is not None
    # what the compiler validated is what the gadget data carries, field for field
    assert [(s.when, s.unless or model.Conditions()) for s in data.steps] == \
        [(s.when, s.unless) for s in tour.steps]
    published = library_from_published(None, {"watch-it": data}, {})
    assert [(s.when, s.unless) for s in published.tour("watch-it").steps] == \
        [(s.when, s.unless) for s in tour.steps]
    # any ``unless`` makes a branch (contracts §6), also one of page states only
    assert known_from_library(published)["watch-it"]["branches"] == ["star"]
    assert [s.id for s in data.steps if s.is_branch] == ["star"]
