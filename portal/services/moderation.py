"""Moderation of what residents publish, comments, checks and hearing questions alike:
reports (of comments and checks), hiding and restoring by the goal's committees or the
portal's administrators, each decision on the one public log."""
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from models import (MODERATION_REASONS, Comment, DeliveryCheck, Flag, HearingQuestion,
                    ModerationAction, db)
from models.base import utcnow
from portal.permissions import committee_for, ensure_plan_open
from portal.translation import lazy_gettext as _l

from . import DomainError
from .notifications import members_watching, tell


MAX_NOTE = 1000


def flag_comment(user, comment, reason):
    """Report a comment; enough distinct reports hide it until a moderator decides."""
    ensure_plan_open(comment)
    if reason not in MODERATION_REASONS:
        raise DomainError(_l("Choose why you report this comment."))
    if comment.author_id == user.id:
        raise DomainError(_l("You cannot report your own comment."))
    if comment.deleted_at is not None:
        raise DomainError(_l("That comment was deleted by its author."))
    if comment.hidden_at is not None:
        raise DomainError(_l("This comment is already hidden; moderators will review it."))
    reported(user, comment, reason, _l("You have already reported this comment."))
    tell(members_watching(comment.goal), "comment_reported",
         f"reported:{comment.id}:{comment.decided_at or ''}", comment.goal,
         f"comentario-{comment.id}")


# What can be moderated, as the columns of a report or a decision name it.
SUBJECTS = {Comment: "comment", DeliveryCheck: "check", HearingQuestion: "question"}


def subject_of(item):
    """A report's or a decision's subject, as its columns name it."""
    return {SUBJECTS[type(item)]: item}


def reports_of(item):
    """The reports a comment or a check received, oldest first: what its moderator reads."""
    column = Flag.comment_id if isinstance(item, Comment) else Flag.check_id
    return db.session.scalars(select(Flag).where(column == item.id)
                              .order_by(Flag.created_at)).all()


def reported(user, item, reason, already):
    """Record a user's report of a comment or a check; enough distinct reports since the
    last decision hide it until a moderator decides."""
    try:
        with db.session.begin_nested():
            db.session.add(Flag(user_id=user.id, reason=reason, **subject_of(item)))
    except IntegrityError:
        raise DomainError(already) from None
    column = Flag.comment_id if isinstance(item, Comment) else Flag.check_id
    pending = select(func.count(func.distinct(Flag.user_id))).where(column == item.id)
    if item.decided_at is not None:
        pending = pending.where(Flag.created_at > item.decided_at)
    if db.session.scalar(pending) >= current_app.config["COMMENT_HIDE_AFTER_REPORTS"]:
        item.hide("reported", utcnow())


def hide_comment(user, comment, reason, note):
    action = hide(user, comment, reason, note, _l("Choose the reason for hiding the comment."))
    told(comment, action)


def hide(user, item, reason, note, no_reason):
    """A moderator hides a comment, a check or a hearing question, with a reason the public
    log shows."""
    if reason not in MODERATION_REASONS:
        raise DomainError(no_reason)
    note = (note or "").strip() or None
    if note and len(note) > MAX_NOTE:
        raise DomainError(_l("The note may have at most %(max)s characters.", max=MAX_NOTE))
    committee = committee_for(user, item.goal)
    now = utcnow()
    item.hide(reason, now, note, committee)
    item.decided_at = now
    return _decided(ModerationAction(action="hide", reason=reason, note=note,
                                     committee=committee, moderator_id=user.id,
                                     **subject_of(item)))


def restore(user, item, note, not_hidden):
    """A moderator shows a hidden comment, check or question again, or keeps a reported one
    visible."""
    if not item.restorable:
        raise DomainError(not_hidden)
    note = (note or "").strip() or None
    committee = committee_for(user, item.goal)
    item.show()
    item.decided_at = utcnow()
    return _decided(ModerationAction(action="restore", note=note, committee=committee,
                                     moderator_id=user.id, **subject_of(item)))


def _decided(action):
    db.session.add(action)
    db.session.flush()
    return action


def told(item, action):
    """Whoever wrote the comment, or answered the check, is told of the decision."""
    if isinstance(item, Comment):
        events, author_id, anchor = ({"hide": "comment_hidden", "restore": "comment_restored"},
                                     item.author_id, f"comentario-{item.id}")
    else:
        events, author_id, anchor = ({"hide": "check_hidden", "restore": "check_restored"},
                                     item.user_id, f"verificacion-{item.id}")
    tell([author_id], events[action.action], f"moderation:{action.id}", item.goal, anchor,
         reason=action.reason, note=action.note)


def restore_comment(user, comment, note):
    told(comment, restore(user, comment, note, _l("This comment is not hidden.")))
