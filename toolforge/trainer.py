"""The trainer certificate is earned by training: a cohort whose learners showed their skills,
and another trainer's (or an admin's) word for it.

The tours and pathways the trainer badge requires (``tours.yaml``) show that someone learned
about running workshops; this rule adds what only running one shows. A candidate must own a
cohort (:mod:`toolforge.cohorts`) on the wiki in which at least ``TRAINER_MIN_LEARNERS`` learners
(other than themself) hold an evidence-backed badge that is not revoked, and must be endorsed
for the trainer badge by someone who may endorse (a trainer of that wiki or an app admin,
checked when the endorsement was made). Both become the assertion's evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models_learning import Assertion, Cohort, CohortMember, Endorsement

__all__ = ["TRAINER_BADGE", "TrainerStanding", "trainer_standing"]

TRAINER_BADGE = "trainer"


@dataclass(frozen=True)
class TrainerStanding:
    """What a candidate has: learners with evidence-backed badges, and endorsements."""

    learners: tuple[tuple[str, str, str], ...] = ()  # (cohort name, learner, assertion uuid)
    endorsements: tuple[Endorsement, ...] = ()
    needed: int = 3

    @property
    def ok(self) -> bool:
        learners = {name for _, name, _ in self.learners}
        return len(learners) >= self.needed and bool(self.endorsements)

    def evidence(self) -> list[dict]:
        """The assertion's evidence entries (stored as JSON with the assertion)."""
        seen: set[str] = set()
        items: list[dict] = []
        for cohort, learner, uid in self.learners:
            if learner not in seen:
                seen.add(learner)
                items.append({"type": "cohort-learner", "cohort": cohort, "learner": learner,
                              "assertion": uid})
        items += [{"type": "endorsement", "endorsement": e.uuid, "endorser": e.endorser}
                  for e in self.endorsements]
        return items


def trainer_standing(session: Session, wiki: str, username: str, needed: int) -> TrainerStanding:
    """The candidate's cohorts' learners with evidence-backed badges, and their endorsements."""
    rows = session.execute(
        select(Cohort.name, CohortMember.username, Assertion.uuid)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .join(Assertion, (Assertion.username == CohortMember.username)
              & (Assertion.wiki == Cohort.wiki))
        .where(Cohort.wiki == wiki, Cohort.owner == username, CohortMember.username != username,
               Assertion.kind == "evidence", Assertion.revoked.is_(False))
        .order_by(Cohort.name, CohortMember.username, Assertion.seq)).all()
    endorsements = session.scalars(select(Endorsement).where(
        Endorsement.wiki == wiki, Endorsement.badge == TRAINER_BADGE,
        Endorsement.username == username, Endorsement.revoked.is_(False),
        Endorsement.endorser != f"{wiki}:{username}").order_by(Endorsement.id)).all()
    return TrainerStanding(tuple((c, n, u) for c, n, u in rows), tuple(endorsements), needed)
