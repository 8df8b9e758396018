"""The playground demonstrates certificates (issue 15): what it seeds (the assessor list on the
wiki, the app's settings, the trainer's cohort) lets an assessor award a facilitation badge and
a trainer whose cohort learned earn the trainer certificate once endorsed.

Runs the playground's own seeding (playground.cli, playground.services, playground.appseed) on a
real wiki and the app built from the playground's config file, without the rest of the stack.
"""

from __future__ import annotations

import json

from playground import appseed, cli, services
from tests.realedits import progress, really_do
from tests.app.test_app_badges import ALL_TOURS, fetcher, rows, sign_in
from toolforge import create_app, db, learning
from toolforge import openbadges as ob


def test_the_playground_seeds_an_assessor_and_a_cohort_that_lead_to_certificates(
        wiki, tmp_path):
    for name in (services.ASSESSOR, services.TRAINER, *services.COHORT):
        wiki.create_user(name)
    cli.ensure_assessors(wiki)
    cli.ensure_assessors(wiki)  # once: a second run keeps what people edited
    assert len(wiki.history(cli.ASSESSORS_TITLE)) == 1
    ctx = services.Context(wiki=wiki, directory=tmp_path, app_port=1)
    settings = json.loads(services._app_config(ctx).read_text())
    settings.update({"TESTING": True, "TOURS": {},
                     "LIBRARY": learning.load_library(cli.ROOT / "tours.yaml")})
    app = create_app(settings)
    db.upgrade(app)
    assert appseed.seed_cohort(app, "local", services.TRAINER, list(services.COHORT))
    assert not appseed.seed_cohort(app, "local", services.TRAINER, list(services.COHORT))
    client = app.test_client()

    # the assessor the playground lists awards a facilitation badge
    token = sign_in(client, services.ASSESSOR)
    assert client.post("/assess/local", data={
        "csrf_token": token, "username": services.COHORT[0], "skill": "facilitation",
        "evidence": "Co-led the playground's workshop."}).status_code == 303
    [skill] = rows(app, username=services.COHORT[0], badge="facilitation")
    fetch = fetcher(client)
    assert ob.verify_assertion(f"http://localhost/assertions/{skill.uuid}", fetch).ok

    # the trainer took the tours; the cohort's learners earned evidence-backed badges
    edits = {}
    for tour in ALL_TOURS[:4]:
        edits.update(really_do(wiki, services.TRAINER, tour))
    wiki.edit(f"User:{services.TRAINER}/wikitours.json", progress(*ALL_TOURS, edits=edits),
              user=services.TRAINER)
    for name in services.COHORT:
        wiki.edit(f"User:{name}/wikitours.json",
                  progress("first-edit", edits=really_do(wiki, name, "first-edit")), user=name)
        client.get(f"/learners/local/{name}")
    client.get(f"/learners/local/{services.TRAINER}")
    assert rows(app, username=services.TRAINER, badge="trainer") == []  # no endorsement yet

    # the chapter certifies its own trainer: its member endorses in its name, and the
    # certificate is issued by the chapter's profile (the admin's word would do as well)
    token = sign_in(client, services.ASSESSOR)
    assert client.post("/endorse", data={"csrf_token": token, "badge": "trainer",
                                         "username": services.TRAINER,
                                         "issuer": "playground-chapter"}).status_code == 303
    client.get(f"/learners/local/{services.TRAINER}")
    [trainer] = rows(app, username=services.TRAINER, badge="trainer")
    learners = {e["learner"] for e in trainer.edits() if e.get("type") == "cohort-learner"}
    assert learners == set(services.COHORT) and trainer.issuer == "playground-chapter"
    result = ob.verify_assertion(f"http://localhost/assertions/{trainer.uuid}", fetch)
    assert result.ok, result.problems
    assert result.issuer["name"] == "Wikimedia Playground Chapter"
    assert result.issuer["url"] == wiki.url + "/"
    token = sign_in(client, wiki.admin.name)  # the playground's admin may endorse too
    assert client.post("/endorse", data={"csrf_token": token, "badge": "trainer",
                                         "username": services.COHORT[0]}).status_code == 303
    token = sign_in(client, services.COHORT[1])  # a newcomer may not
    assert client.post("/endorse", data={"csrf_token": token, "badge": "trainer",
                                         "username": services.COHORT[0]}).status_code == 403

    # the playground runs the seeding as a command after the app's migrations
    import os
    import subprocess
    import sys

    command = services.APP.prepare(ctx)[1]
    assert command[:3] == [sys.executable, "-m", "playground.appseed"]
    done = subprocess.run(command, cwd=cli.ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **services.APP.env(ctx)})
    assert done.returncode == 0, done.stdout + done.stderr
    with app.app_context():
        from toolforge.models_learning import Cohort

        assert db.get_session().query(Cohort).filter_by(owner=services.TRAINER).count() == 1
