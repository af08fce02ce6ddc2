"""Residents check a reported delivery: "did you see it?" about the latest report of a goal
that claims something delivered, and the tally beside the official claim."""
from dataclasses import dataclass

from sqlalchemy import func, select

from models import CHECK_ANSWERS, DeliveryCheck, Report, ReportRevision, db
from models.accounts import utcnow
from portal.translation import lazy_gettext as _l

from . import DomainError
from .evidence import attach, withdraw
from .feedback import MAX_COMMENT
from .plan import ensure_open

CLAIMING = ("cumplida", "cumplida_parcialmente")
MAX_PLACE = 200
# A claim is disputed once this many have answered and more said no than yes.
DISPUTED_AFTER = 3


def claims_delivery(revision):
    return revision is not None and (revision.delivered is not None
                                     or revision.status in CLAIMING)


def claim_of(goal):
    """The revision in force of the goal's latest report, when it claims a delivery."""
    latest = goal.reports[0] if goal.reports else None
    revision = latest.current if latest else None
    return revision if claims_delivery(revision) else None


@dataclass
class Tally:
    yes: int = 0
    partly: int = 0
    no: int = 0
    unknown: int = 0

    @property
    def total(self):
        return self.yes + self.partly + self.no + self.unknown

    @property
    def disputed(self):
        return self.total >= DISPUTED_AFTER and self.no > self.yes

    def as_dict(self):
        return {answer: getattr(self, answer) for answer in CHECK_ANSWERS}


def tallies(revision_ids):
    """The answers counted per revision, in one query."""
    found = {revision_id: Tally() for revision_id in revision_ids}
    if revision_ids:
        for revision_id, answer, count in db.session.execute(
                select(DeliveryCheck.revision_id, DeliveryCheck.answer, func.count())
                .where(DeliveryCheck.revision_id.in_(revision_ids))
                .group_by(DeliveryCheck.revision_id, DeliveryCheck.answer)):
            setattr(found[revision_id], answer, count)
    return found


def latest_claims(goal_ids):
    """Per goal, the revision in force of its latest report when it claims a delivery."""
    newest = (select(Report.goal_id, func.max(Report.quarter).label("quarter"))
              .where(Report.goal_id.in_(goal_ids)).group_by(Report.goal_id).subquery())
    revisions = db.session.scalars(
        select(ReportRevision).join(Report)
        .join(newest, (newest.c.goal_id == Report.goal_id) & (newest.c.quarter == Report.quarter))
        .order_by(ReportRevision.number)).all()
    current = {}
    for revision in revisions:  # the last number wins: the revision in force
        current[revision.report.goal_id] = revision
    return {goal_id: revision for goal_id, revision in current.items()
            if claims_delivery(revision)}


def mine(user, revision):
    return db.session.scalar(select(DeliveryCheck).where(
        DeliveryCheck.revision_id == revision.id, DeliveryCheck.user_id == user.id))


def answer(user, goal, reply, comment=None, place=None, photo=None):
    """Record (or replace) the resident's answer; ``photo`` is (bytes, filename, taken on)."""
    ensure_open(goal.objective.dimension.plan)
    revision = claim_of(goal)
    if revision is None:
        raise DomainError(_l("The municipality reports no delivery on this goal to check."))
    if reply not in CHECK_ANSWERS:
        raise DomainError(_l("Choose yes, in part, no or I don't know."), "answer")
    comment = (comment or "").strip() or None
    if comment and len(comment) > MAX_COMMENT:
        raise DomainError(_l("The text has %(length)s characters; the most is %(max)s.",
                             length=len(comment), max=MAX_COMMENT), "comment")
    place = " ".join((place or "").split()) or None
    if place and len(place) > MAX_PLACE:
        raise DomainError(_l("The place may have at most %(max)s characters.", max=MAX_PLACE),
                          "place")
    check = mine(user, revision)
    if check is None:
        check = DeliveryCheck(revision=revision, user_id=user.id)
        db.session.add(check)
    check.answer, check.comment, check.place, check.updated_at = reply, comment, place, utcnow()
    db.session.flush()
    if photo is not None:
        data, filename, taken_on = photo
        earlier = [file for file in check.evidence if file.withdrawn_at is None]
        try:
            attach(user, check, data, filename, _l("Photo of a resident who checked"),
                   taken_on or utcnow().date(), keep_place=False, limit=len(earlier) + 1,
                   photos_only=True)
        except DomainError as error:  # everything else of the file is set here
            raise DomainError(error.message, "photo") from None
        for file in earlier:
            withdraw(user, file, str(_l("Replaced by its author.")))
    return check


def disputed_claims(plan):
    """Deliveries the residents dispute: (goal, revision, tally), by goal code."""
    goals = {goal.id: goal for goal in plan.goals}
    claims = latest_claims(list(goals))
    counted = tallies([revision.id for revision in claims.values()])
    return sorted(((goals[goal_id], revision, counted[revision.id])
                   for goal_id, revision in claims.items() if counted[revision.id].disputed),
                  key=lambda row: row[0].code)


def claim_rows(plan):
    """Every goal's latest claimed delivery and what the residents answered, as open data."""
    goals = {goal.id: goal for goal in plan.goals}
    claims = latest_claims(list(goals))
    counted = tallies([revision.id for revision in claims.values()])
    for goal_id, revision in sorted(claims.items(), key=lambda item: goals[item[0]].code):
        tally = counted[revision.id]
        yield {"goal_code": goals[goal_id].code, "quarter": revision.report.quarter,
               "revision": revision.number, "delivered": revision.delivered,
               "status": revision.status, **tally.as_dict(), "disputed": tally.disputed}
