"""Residents check a reported delivery: "did you see it?" about the latest report of a goal
that claims something delivered, and the tally beside the official claim."""
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import func, inspect, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from models import (CHECK_ANSWERS, MODERATION_REASONS, DeliveryCheck, Evidence, Report,
                    ReportRevision, db)
from models.base import aware, utcnow
from models.places import goal_place
from portal.permissions import ensure_plan_open
from portal.translation import lazy_gettext as _l

from . import DomainError
from .evidence import attach, withdraw
from .feedback import MAX_COMMENT
from .moderation import hide, reported, restore, told
from .notifications import members_watching, tell
from .plan import in_plan

CLAIMING = ("cumplida", "cumplida_parcialmente")
MAX_PLACE = 200
# A claim is disputed once this many have answered and more said no than yes.
DISPUTED_AFTER = 3
# The checks with something to read a goal's page shows; the others are a page away.
CHECKS_SHOWN = 5
CHECKS_PER_PAGE = 20


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


def tally_columns(revision_id):
    """A revision's answers counted, as columns another query can carry."""
    return [select(func.count()).where(DeliveryCheck.revision_id == revision_id,
                                       DeliveryCheck.answer == answer).scalar_subquery()
            for answer in CHECK_ANSWERS]


def tally_of(counts):
    """The ``Tally`` of what ``tally_columns`` read."""
    return Tally(**dict(zip(CHECK_ANSWERS, counts)))


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
    ensure_plan_open(goal)
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


# What residents wrote, placed or photographed when they checked

def _shown(query):
    """The visible checks that carry a comment, a place or a photo, newest first, each with
    its author, its photos and the report it is about: one statement."""
    photo = Evidence.check_id == DeliveryCheck.id
    return (query.join(DeliveryCheck.revision).join(ReportRevision.report).join(Report.goal)
            .where(DeliveryCheck.hidden_at.is_(None),
                   or_(DeliveryCheck.comment.is_not(None), DeliveryCheck.place.is_not(None),
                       select(Evidence.id).where(photo, Evidence.withdrawn_at.is_(None))
                       .exists()))
            .order_by(DeliveryCheck.updated_at.desc(), DeliveryCheck.id.desc())
            .options(joinedload(DeliveryCheck.user), joinedload(DeliveryCheck.evidence),
                     contains_eager(DeliveryCheck.revision).contains_eager(ReportRevision.report)
                     .contains_eager(Report.goal)))


def checks_of_goal(goal, limit=None, offset=0):
    """A goal's visible checks with something to read: all, or ``limit`` of them from
    ``offset`` and one more, to know whether there are more."""
    query = _shown(select(DeliveryCheck)).where(Report.goal_id == goal.id).offset(offset)
    if limit is not None:
        query = query.limit(limit + 1)
    return db.session.scalars(query).unique().all()


def may_have_checks(goal):
    """False when the goal's reports, already read, never claimed a delivery: nobody can
    have checked one, and the page asks nothing. True when unsure (they were not read)."""
    if "reports" in inspect(goal).unloaded:
        return True
    return any(claims_delivery(revision) for report in goal.reports
               for revision in report.revisions)


def checks_of_place(place, limit=CHECKS_PER_PAGE):
    """The visible checks with something to read on the goals that concern the place."""
    goals = select(goal_place.c.goal_id).where(goal_place.c.place_id == place.id)
    return db.session.scalars(_shown(select(DeliveryCheck)).where(Report.goal_id.in_(goals))
                              .limit(limit + 1)).unique().all()


def check_or_none(check_id):
    return db.session.get(DeliveryCheck, check_id)


def flag_check(user, check, reason):
    """Report a check; enough distinct reports hide it until a moderator decides."""
    ensure_plan_open(check)
    if reason not in MODERATION_REASONS:
        raise DomainError(_l("Choose why you report this check."))
    if check.user_id == user.id:
        raise DomainError(_l("You cannot report your own check."))
    if check.hidden_at is not None:
        raise DomainError(_l("This check is already hidden; moderators will review it."))
    reported(user, check, reason, _l("You have already reported this check."))
    tell(members_watching(check.goal), "check_reported",
         f"check-reported:{check.id}:{check.decided_at or ''}", check.goal,
         f"verificacion-{check.id}")


def hide_check(user, check, reason, note):
    """Hidden from every page, the open data and the API; its answer stays counted, as the
    rating given with a hidden comment does."""
    action = hide(user, check, reason, note, _l("Choose the reason for hiding the check."))
    told(check, action)
    return action


def restore_check(user, check, note):
    action = restore(user, check, note, _l("This check is not hidden."))
    told(check, action)
    return action


def check_rows(plan):
    """The visible checks of a plan's goals, as open data: no e-mail, the public name."""
    for check in db.session.scalars(in_plan(_shown(select(DeliveryCheck)), plan.id)).unique():
        yield check_record(check)


def check_record(check):
    """One check as the open data and the API give it."""
    revision = check.revision
    return {"id": check.id, "goal_code": revision.report.goal.code,
            "quarter": revision.report.quarter, "revision": revision.number,
            "answer": check.answer, "comment": check.comment, "place": check.place,
            "author": check.user.display_name,
            "photos": [url_for("evidence.show", evidence_id=file.id, _external=True)
                       for file in check.photos],
            "checked_at": aware(check.updated_at).isoformat()}
