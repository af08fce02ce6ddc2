"""Following, and telling followers what happened: written in bulk by a background job."""
import json

from sqlalchemy import DateTime, and_, delete, func, literal, or_, select, update
from sqlalchemy.orm import selectinload

from models import Committee, Dimension, Follow, Goal, Notification, Objective, Plan, db
from models.accounts import committee_member, committee_objective, utcnow
from models.base import dialect_insert
from portal.jobs import job, later

from .plan import in_plan


def follows(user, kind, target_id):
    return db.session.scalar(select(Follow.id).where(
        Follow.user_id == user.id, Follow.kind == kind, Follow.target_id == target_id)) is not None


def follow(user, kind, target_id):
    """Follow; returns False when the user already did (nothing changes)."""
    statement = dialect_insert(db.session)(Follow).values(
        user_id=user.id, kind=kind, target_id=target_id, created_at=utcnow())
    inserted = db.session.execute(statement.on_conflict_do_nothing(
        index_elements=["user_id", "kind", "target_id"]).returning(Follow.id))
    return inserted.first() is not None


def unfollow(user, kind, target_id):
    db.session.execute(delete(Follow).where(
        Follow.user_id == user.id, Follow.kind == kind, Follow.target_id == target_id))


def unread_count(user_id):
    return select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)).scalar_subquery()


def inbox(user, per_page=30):
    """The page of the user's notifications the request asks for, newest first."""
    return db.paginate(select(Notification).where(Notification.user_id == user.id)
                       .order_by(Notification.created_at.desc(), Notification.id.desc())
                       .options(selectinload(Notification.goal)),
                       per_page=per_page, error_out=False)


def mark_all_read(user):
    db.session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow()))


# Telling

def tell_followers(event, key, goal, anchor, actor_id=None, committee_id=None, **details):
    """Everyone following the goal, its objective, its dimension (or the committee) is told,
    but the one who acted; by a job, in one statement, however many they are."""
    later(fan_out, event, key, goal.id, anchor, actor_id, committee_id, json.dumps(details))


def tell(user_ids, event, key, goal, anchor, **details):
    """Particular people are told (the author of a comment answered, …)."""
    later(notify_users, sorted(set(user_ids)), event, key, goal.id, anchor,
          json.dumps(details))


COLUMNS = ["user_id", "event", "key", "goal_id", "anchor", "details", "created_at"]


@job
def fan_out(event, key, goal_id, anchor, actor_id, committee_id, details):
    goal = db.session.get(Goal, goal_id)
    objective = goal.objective
    watched = [and_(Follow.kind == "goal", Follow.target_id == goal.id),
               and_(Follow.kind == "objective", Follow.target_id == objective.id),
               and_(Follow.kind == "dimension", Follow.target_id == objective.dimension_id)]
    if committee_id is not None:
        watched.append(and_(Follow.kind == "committee", Follow.target_id == committee_id))
    followers = (select(Follow.user_id).where(or_(*watched), Follow.user_id != (actor_id or 0))
                 .distinct().subquery())
    rows = select(followers.c.user_id, literal(event), literal(key), literal(goal_id),
                  literal(anchor), literal(details), literal(utcnow(), DateTime(timezone=True))
                  ).where(followers.c.user_id.is_not(None))
    statement = dialect_insert(db.session)(Notification).from_select(COLUMNS, rows)
    db.session.execute(statement.on_conflict_do_nothing(index_elements=["user_id", "key"]))


@job
def notify_users(user_ids, event, key, goal_id, anchor, details):
    if not user_ids:
        return
    now = utcnow()
    statement = dialect_insert(db.session)(Notification).values([
        {"user_id": user_id, "event": event, "key": key, "goal_id": goal_id, "anchor": anchor,
         "details": details, "created_at": now} for user_id in user_ids])
    db.session.execute(statement.on_conflict_do_nothing(index_elements=["user_id", "key"]))


def members_watching(goal):
    """The members of the committees overseeing the goal."""
    return db.session.scalars(
        select(committee_member.c.user_id).join(
            committee_objective,
            committee_objective.c.committee_id == committee_member.c.committee_id)
        .where(committee_objective.c.objective_id == goal.objective_id)).all()


def target_of(kind, code):
    """The goal, objective, dimension or committee of the current plan with this code."""
    code = code.upper()
    if kind == "committee":
        return db.session.scalar(select(Committee).where(Committee.code == code))
    plan = select(Plan.id).order_by(Plan.id).limit(1).scalar_subquery()
    if kind == "dimension":
        return db.session.scalar(select(Dimension).where(Dimension.plan_id == plan,
                                                         Dimension.code == code))
    if kind == "objective":
        return db.session.scalar(select(Objective).join(Objective.dimension).where(
            Dimension.plan_id == plan, Objective.code == code))
    return db.session.scalar(in_plan(select(Goal), plan).where(Goal.code == code))
