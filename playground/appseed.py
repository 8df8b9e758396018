"""The playground's learning data in the app: a cohort a trainer runs, made once.

Run by the playground after the app's migrations (``python -m playground.appseed --wiki local
--trainer Hedy --learner Noor …``, with ``WIKITOURS_CONFIG`` set). With the assessor the
playground lists on the wiki (``Project:Wikitours/Assessors.json``) and the admin it names in
the app's ``ADMINS``, it lets anyone try the whole certificate path by hand: an assessor awards a
skill badge, the cohort's learners earn evidence-backed badges with real tours, an admin endorses
the trainer, and the trainer certificate is issued.
"""

from __future__ import annotations

import argparse
import secrets

from sqlalchemy import select

COHORT_NAME = "Playground workshop"


def seed_cohort(app, wiki: str, trainer: str, learners: list[str]) -> bool:
    """The trainer's cohort with *learners* (as if each joined by its link); False if there."""
    from toolforge.db import get_session
    from toolforge.models_learning import Cohort, CohortMember

    with app.app_context():
        session = get_session()
        if session.scalar(select(Cohort).where(Cohort.wiki == wiki, Cohort.owner == trainer,
                                               Cohort.name == COHORT_NAME)) is not None:
            return False
        cohort = Cohort(wiki=wiki, name=COHORT_NAME, owner=trainer,
                        join_token=secrets.token_urlsafe(16))
        for name in learners:
            cohort.members.append(CohortMember(username=name, added_by=name))
        session.add(cohort)
        session.commit()
        return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wiki", required=True)
    parser.add_argument("--trainer", required=True)
    parser.add_argument("--learner", action="append", default=[])
    args = parser.parse_args(argv)
    from toolforge import create_app

    seed_cohort(create_app(), args.wiki, args.trainer, args.learner)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
