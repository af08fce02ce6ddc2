"""Following, and telling followers what happened: written in bulk by a background job."""
import json
from datetime import timedelta

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import DateTime, and_, case, delete, func, literal, or_, select, update
from sqlalchemy.orm import selectinload

from models import (CADENCES, DEFAULT_CADENCE, EVENTS, EVENTS_FOR_ROLE, Committee, Delivery, Dimension, Follow, Goal,
                    Notification, NotificationSetting, Objective, User, db)
from models.accounts import committee_member, committee_objective
from models.base import dialect_insert, utcnow
from models.cache import READERS_NOTED, note_readers
from portal.context import FIRST
from portal.jobs import job, later, queue
from portal.mail import send_mail
from portal.quarters import next_local_time
from portal.translation import formatting_locale
from portal.translation import lazy_gettext as _l

from . import DomainError
from .plan import in_plan, plan_key


def follows(user, kind, target_id):
    return db.session.scalar(select(Follow.id).where(
        Follow.user_id == user.id, Follow.kind == kind, Follow.target_id == target_id)) is not None


def follow(user, kind, target_id):
    """Follow; returns False when the user already did (nothing changes)."""
    statement = dialect_insert(db.session)(Follow).values(
        user_id=user.id, kind=kind, target_id=target_id, created_at=utcnow())
    note_readers(db.session, [user.id])
    inserted = db.session.execute(statement.on_conflict_do_nothing(
        index_elements=["user_id", "kind", "target_id"]).returning(Follow.id),
        execution_options=READERS_NOTED)
    return inserted.first() is not None


def unfollow(user, kind, target_id):
    note_readers(db.session, [user.id])
    db.session.execute(delete(Follow).where(
        Follow.user_id == user.id, Follow.kind == kind, Follow.target_id == target_id),
        execution_options=READERS_NOTED)


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
    note_readers(db.session, [user.id])
    db.session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow()), execution_options=READERS_NOTED)


# Telling

def tell_followers(event, key, goal, anchor, actor_id=None, committee_id=None, **details):
    """Everyone following the goal, its objective, its dimension (or the committee) is told,
    but the one who acted; by a job, in one statement, however many they are."""
    later(fan_out, event, key, goal.id, anchor, actor_id, committee_id, json.dumps(details))


def tell(user_ids, event, key, goal, anchor, **details):
    """Particular people are told (the author of a comment answered, …); ``goal`` may be
    None for what concerns no goal (a hearing question on none)."""
    later(notify_users, sorted(set(user_ids)), event, key, goal.id if goal else None, anchor,
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
    told = db.session.execute(statement.on_conflict_do_nothing(
        index_elements=["user_id", "key"]).returning(Notification.user_id),
        execution_options=READERS_NOTED)
    note_readers(db.session, told.scalars().all())  # their unread notifications
    _email_at_once(event, key)


@job
def notify_users(user_ids, event, key, goal_id, anchor, details):
    if not user_ids:
        return
    now = utcnow()
    statement = dialect_insert(db.session)(Notification).values([
        {"user_id": user_id, "event": event, "key": key, "goal_id": goal_id, "anchor": anchor,
         "details": details, "created_at": now} for user_id in user_ids])
    note_readers(db.session, user_ids)
    db.session.execute(statement.on_conflict_do_nothing(index_elements=["user_id", "key"]),
                       execution_options=READERS_NOTED)
    _email_at_once(event, key)


def members_watching(goal):
    """The members of the committees overseeing the goal."""
    return db.session.scalars(
        select(committee_member.c.user_id).join(
            committee_objective,
            committee_objective.c.committee_id == committee_member.c.committee_id)
        .where(committee_objective.c.objective_id == goal.objective_id)).all()


def target_of(kind, code, context=FIRST):
    """The goal, objective, dimension or committee with this code, of the context's plan
    (``plan_key``)."""
    code = code.upper()
    if kind == "committee":
        return db.session.scalar(select(Committee).where(
            Committee.code == code,
            Committee.municipality_id.is_not_distinct_from(context.municipality_id)))
    plan = plan_key(context)
    if kind == "dimension":
        return db.session.scalar(select(Dimension).where(Dimension.plan_id == plan,
                                                         Dimension.code == code))
    if kind == "objective":
        return db.session.scalar(select(Objective).join(Objective.dimension).where(
            Dimension.plan_id == plan, Objective.code == code))
    return db.session.scalar(in_plan(select(Goal), plan).where(Goal.code == code))


# E-mail

def events_for(user):
    """The kinds of event this user can be told of: a resident is never reminded of an
    answer due, nor an official of a reported comment."""
    return [event for event in EVENTS if user.role in EVENTS_FOR_ROLE.get(event, (user.role,))]


def cadences_of(user):
    """How often the user is e-mailed about each kind of event."""
    chosen = dict(db.session.execute(select(NotificationSetting.event, NotificationSetting.cadence)
                                     .where(NotificationSetting.user_id == user.id)).all())
    return {event: chosen.get(event, DEFAULT_CADENCE[event]) for event in EVENTS}


def set_cadence(user_id, event, cadence):
    if event not in EVENTS or cadence not in CADENCES:
        raise DomainError(_l("Choose at once, weekly or never."))
    statement = dialect_insert(db.session)(NotificationSetting).values(
        user_id=user_id, event=event, cadence=cadence)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["user_id", "event"], set_={"cadence": cadence}))


def _unsubscribe_serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="unsubscribe")


def unsubscribe_token(user_id, event):
    """A link's token that stops one kind of e-mail for one person, and does nothing else."""
    return _unsubscribe_serializer().dumps({"user": user_id, "event": event})


def unsubscribe_target(token):
    try:
        data = _unsubscribe_serializer().loads(token)
    except BadSignature:
        raise DomainError(_l("This link is not valid.")) from None
    user = db.session.get(User, data.get("user"))
    if user is None or data.get("event") not in (*EVENTS, DIGEST):
        raise DomainError(_l("This link is not valid."))
    return user, data["event"]


def _email_at_once(event, key):
    """Queue an e-mail for each person just told who wants this kind at once."""
    cadence = func.coalesce(NotificationSetting.cadence, literal(DEFAULT_CADENCE[event]))
    ids = db.session.scalars(
        select(Notification.id).join(User, User.id == Notification.user_id)
        .outerjoin(NotificationSetting, and_(NotificationSetting.user_id == User.id,
                                             NotificationSetting.event == event))
        .where(Notification.key == key, cadence == "now", User.confirmed_at.is_not(None),
               User.deactivated_at.is_(None))).all()
    for notification_id in ids:
        later(send_email, notification_id)


def _mail(user, unsubscribe_event, template, **context):
    """One of the portal's e-mails, in the user's language, its links to the public portal,
    with a one-click unsubscribe from ``unsubscribe_event`` (RFC 8058)."""
    app = current_app._get_current_object()
    with app.test_request_context(base_url=app.config["PORTAL_URL"]), \
            force_locale(formatting_locale(user.language or app.config["BABEL_DEFAULT_LOCALE"])):
        unsubscribe = url_for("notifications.unsubscribe",
                              token=unsubscribe_token(user.id, unsubscribe_event),
                              _external=True)
        context.update(user=user, unsubscribe=unsubscribe)
        page = f"notifications/{template}"
        subject = " ".join(render_template(f"{page}_subject.txt", **context).split())
        send_mail(user.email, subject, render_template(f"{page}.txt", **context),
                  html=render_template(f"{page}.html", **context),
                  headers={"List-Unsubscribe": f"<{unsubscribe}>",
                           "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})


def _claim(notification_ids):
    """Write the e-mail delivery rows of these notifications before sending, and return the
    ids this job may send: a job running at the same moment waits on the rows' unique key
    and then finds them taken. A failed send rolls its rows back, for the retry."""
    if not notification_ids:
        return set()
    statement = dialect_insert(db.session)(Delivery).values([
        {"notification_id": notification_id, "channel": "email", "sent_at": utcnow()}
        for notification_id in notification_ids])
    claimed = db.session.scalars(statement.on_conflict_do_nothing(
        index_elements=["notification_id", "channel"]).returning(Delivery.notification_id))
    return set(claimed)


@job
def send_email(notification_id):
    """E-mail one notification, once: a delivery row is kept for each one sent."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or not _claim([notification_id]):
        return
    _mail(notification.user, notification.event, "email", notification=notification)


# The weekly digest

DIGEST = "digest"  # in an unsubscribe link: the weekly digest as a whole
DIGEST_REACH = timedelta(days=28)  # older news is left on the portal


def _weekly_undelivered():
    """Notifications waiting for a digest: their kind is weekly for their reader, and no
    e-mail carried them yet."""
    cadence = func.coalesce(NotificationSetting.cadence,
                            case(DEFAULT_CADENCE, value=Notification.event))
    delivered = select(Delivery.id).where(Delivery.notification_id == Notification.id,
                                          Delivery.channel == "email").exists()
    return (select(Notification).join(User, User.id == Notification.user_id)
            .outerjoin(NotificationSetting,
                       and_(NotificationSetting.user_id == Notification.user_id,
                            NotificationSetting.event == Notification.event))
            .where(cadence == "weekly", ~delivered, User.confirmed_at.is_not(None),
                   User.deactivated_at.is_(None),
                   Notification.created_at >= utcnow() - DIGEST_REACH))


@job
def weekly_digests():
    """One digest job for each person with news this week; nothing for the others. The
    next week's is scheduled first, so that a run that fails leaves it."""
    schedule_weekly_digests()
    week = utcnow().strftime("%G-W%V")
    users = db.session.scalars(_weekly_undelivered().with_only_columns(
        Notification.user_id).distinct()).all()
    for user_id in users:
        later(send_digest, user_id, week)


def schedule_weekly_digests(portal_queue=None):
    """Put the next Monday's digests (08:00 in Ilo) on the worker's schedule, once."""
    portal_queue = portal_queue or queue()
    if portal_queue is None:
        return
    monday = next_local_time(8, weekday=0)
    portal_queue.enqueue_at(monday, weekly_digests, job_id=f"digests-{monday:%G-W%V}")


@job
def send_digest(user_id, week):
    user = db.session.get(User, user_id)
    items = db.session.scalars(_weekly_undelivered().where(Notification.user_id == user_id)
                               .order_by(Notification.created_at)
                               .options(selectinload(Notification.goal))).all()
    claimed = _claim([item.id for item in items]) if user is not None else set()
    items = [item for item in items if item.id in claimed]
    if items:
        _mail(user, DIGEST, "digest", items=items, week=week)


def stop_digest(user):
    """Whatever kind came weekly now comes never."""
    for event, cadence in cadences_of(user).items():
        if cadence == "weekly":
            set_cadence(user.id, event, "never")
