"""The citizen thread: comments and their replies, and what a goal page reads of it."""
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import Integer, bindparam, func, or_, select, union_all
from sqlalchemy.orm import aliased, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from models import Comment, Follow, Goal, Rating, db
from models.base import aware, utcnow
from portal.context import FIRST
from portal.permissions import ensure_plan_open, is_author, within_edit_window
from portal.translation import lazy_gettext as _l

from . import DomainError, Page, SentAgain
from .notifications import tell
from .plan import FIRST_PLAN, in_plan
from .ratings import rate
from .reports import latest_quarter_query
from .submissions import sent_again_since

MAX_COMMENT = 2000


def clean_text(text, maximum, empty_message):
    """Paragraphs kept, lines trimmed; a clear refusal when empty or too long."""
    text = "\n".join(line.rstrip() for line in (text or "").replace("\r\n", "\n").split("\n"))
    text = text.strip()
    if not text:
        raise DomainError(empty_message)
    if len(text) > maximum:
        raise DomainError(_l("The text has %(length)s characters; the most is %(max)s.",
                             length=len(text), max=maximum))
    return text


def speaks_for(user):
    """The badge a comment carries: the municipality, or the author's committees."""
    if user.role == "official":
        return "municipalidad"
    if user.role == "moderator" and user.committees:
        return ",".join(c.code for c in user.committees)
    return None


def post_comment(user, goal, body, stars=None, parent_id=None):
    ensure_plan_open(goal)
    body = clean_text(body, MAX_COMMENT, _l("Write something before publishing."))
    parent = None
    if parent_id:
        parent = db.session.get(Comment, parent_id)
        if parent is None or parent.goal_id != goal.id:
            raise DomainError(_l("The comment you answer is not on this goal."))
        if parent.parent_id is not None:  # one level: answer the conversation's first comment
            parent = parent.parent
        if parent.deleted_at is not None:
            raise DomainError(_l("That comment was deleted by its author; it takes no replies."))
    earlier = db.session.scalar(select(Comment).where(
        Comment.author_id == user.id, Comment.goal_id == goal.id,
        Comment.parent_id == (parent.id if parent else None), Comment.body == body,
        Comment.deleted_at.is_(None), Comment.created_at >= sent_again_since()).limit(1))
    if earlier is not None:
        raise SentAgain(earlier)
    if stars not in (None, ""):
        stars = rate(user, goal, stars)
    else:
        stars = None
    comment = Comment(goal_id=goal.id, author=user, parent=parent, body=body, stars=stars,
                      speaks_for=speaks_for(user))
    db.session.add(comment)
    db.session.flush()
    if parent is not None and parent.author_id != user.id:
        tell([parent.author_id], "reply", f"reply:{comment.id}", goal,
             f"comentario-{comment.id}", author=user.display_name)
    return comment


def editable(comment, user):
    return (user.id is not None and is_author(user, comment) and comment.visible
            and within_edit_window(aware(comment.created_at), utcnow(),
                                   current_app.config["COMMENT_EDIT_MINUTES"]))


def edit_comment(user, comment, body):
    ensure_plan_open(comment)
    if not editable(comment, user):
        raise DomainError(_l("This comment can no longer be edited."))
    body = clean_text(body, MAX_COMMENT, _l("Write something before publishing."))
    if body != comment.body:
        comment.body = body
        comment.edited_at = utcnow()


def delete_comment(user, comment):
    ensure_plan_open(comment)
    if comment.author_id != user.id:
        raise DomainError(_l("Only its author can delete a comment."))
    if comment.deleted_at is None:
        comment.deleted_at = utcnow()


# Reading

THREAD_ORDERS = ("recientes", "calificacion")


def _conversations(goal_id):
    """The filter of a goal's conversations: its top-level comments, but that a deleted
    one without replies leaves nothing behind (with replies, a marker)."""
    return (Comment.goal_id == goal_id, Comment.parent_id.is_(None),
            or_(Comment.deleted_at.is_(None), Comment.replies.any()))


@dataclass(frozen=True)
class GoalFigures:
    following: bool  # whether the reader follows the goal
    my_stars: int | None  # the stars the reader gave it
    comments: int | None = None  # visible comments, replies included
    conversations: int | None = None  # top-level comments the thread lists
    latest_quarter: str | None = None  # the plan's latest quarter anybody reported on
    more: dict | None = None  # what other parts of the page asked to be read with these


def goal_figures(goal, user, counts=True, marks=None, more=None):
    """The reader's own (whether they follow the goal, the stars they gave it) unless read
    already (``marks``, from ``readers_marks``) or a visitor's, and, unless the page has
    them drawn already, what the goal page counts; with them, ``more`` (name → columns,
    such as ``ratings.star_columns``), read back by name; in one query, or none."""
    if marks is None and user.id is None:
        marks = (False, None)  # a visitor follows nothing and rated nothing
    columns = []
    if marks is None:
        following = select(Follow.id).where(Follow.user_id == user.id, Follow.kind == "goal",
                                            Follow.target_id == goal.id).exists()
        mine = select(Rating.stars).where(Rating.goal_id == goal.id, Rating.user_id == user.id)
        columns += [following, mine.scalar_subquery()]
    if counts:
        visible = select(func.count()).where(
            Comment.goal_id == goal.id, Comment.hidden_at.is_(None),
            Comment.deleted_at.is_(None))
        conversations = select(func.count()).select_from(Comment).where(
            *_conversations(goal.id))
        latest = latest_quarter_query(goal.objective.problem.dimension.plan_id)
        columns += [visible.scalar_subquery(), conversations.scalar_subquery(),
                    latest.scalar_subquery()]
    more = more or {}
    own = len(columns)
    for extra in more.values():
        columns += extra
    found = list(db.session.execute(select(*columns)).one()) if columns else []
    carried, start = {}, own
    for name, extra in more.items():
        carried[name], start = tuple(found[start:start + len(extra)]), start + len(extra)
    return GoalFigures(*(marks or ()), *found[:own], more=carried)


def _readers_marks_statement():
    # The goal by its code in the context's plan, or in the first plan when it names none
    # (``plan_key``).
    plan_id = func.coalesce(bindparam("plan_id", type_=Integer), FIRST_PLAN)
    goal_id = (in_plan(select(Goal.id), plan_id).where(Goal.code == bindparam("code"))
               .scalar_subquery())
    following = select(Follow.id).where(
        Follow.user_id == bindparam("user_id"), Follow.kind == "goal",
        Follow.target_id == goal_id).exists()
    mine = select(Rating.stars).where(Rating.goal_id == goal_id,
                                      Rating.user_id == bindparam("user_id"))
    return select(following, mine.scalar_subquery())


# Built once: a signed-in reader's every goal page runs it, even one from the cache.
READERS_MARKS = _readers_marks_statement()


def readers_marks(code, user, context=FIRST):
    """What a goal page shows of its reader beyond their kind: whether they follow the goal
    and the stars they gave it; in one query, by the goal's code, before the goal is read."""
    return db.session.execute(READERS_MARKS, {
        "code": code, "user_id": user.id, "plan_id": context.plan_id}).one()


def thread(goal, page, order, per_page, total):
    """One page of conversations, each with its replies, authors joined: one query whatever
    the thread holds (``total`` comes from ``goal_figures``). The page is chosen by the
    thread's index (newest first), then its replies join it."""
    page = max(page, 1)
    if order == "calificacion":
        ordering = (Comment.stars.desc().nulls_last(), Comment.created_at.desc(),
                    Comment.id.desc())

        def rank(comment):  # the same order, for the rows read back
            return (comment.stars is not None, comment.stars or 0, comment.created_at,
                    comment.id)
    else:
        ordering = (Comment.created_at.desc(), Comment.id.desc())

        def rank(comment):
            return comment.created_at, comment.id
    listed = (select(Comment.id).where(*_conversations(goal.id)).order_by(*ordering)
              .limit(per_page).offset((page - 1) * per_page).cte("listed"))
    # The listed conversations and their replies, each found through an index.
    both = union_all(select(Comment).where(Comment.id.in_(select(listed.c.id))),
                     select(Comment).where(Comment.parent_id.in_(select(listed.c.id))))
    found = aliased(Comment, both.subquery())
    rows = db.session.scalars(
        select(found).order_by(found.created_at, found.id)
        .options(joinedload(found.author), joinedload(found.hidden_by_committee))).all()
    replies = {}
    for comment in rows:
        if comment.parent_id is not None:
            replies.setdefault(comment.parent_id, []).append(comment)
    conversations = sorted((c for c in rows if c.parent_id is None), key=rank, reverse=True)
    for comment in conversations:
        set_committed_value(comment, "replies", replies.get(comment.id, []))
    return Page(conversations, page, per_page, total)


def visible_comment_counts(goal_ids):
    return dict(db.session.execute(
        select(Comment.goal_id, func.count()).where(
            Comment.goal_id.in_(goal_ids), Comment.hidden_at.is_(None),
            Comment.deleted_at.is_(None)).group_by(Comment.goal_id)).all())


def visible_comment_count(goal_id):
    return visible_comment_counts([goal_id]).get(goal_id, 0)


def hidden_comments_of(user):
    """What the author should know: which of their comments are hidden, and why."""
    return db.session.scalars(
        select(Comment).where(Comment.author_id == user.id, Comment.hidden_at.is_not(None),
                              Comment.deleted_at.is_(None))
        .order_by(Comment.hidden_at.desc())
        .options(selectinload(Comment.goal), selectinload(Comment.hidden_by_committee))).all()

