"""The citizen thread: comments, ratings, reports of comments, moderation, observations."""
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import Integer, bindparam, func, or_, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from models import (MAX_STARS, MIN_STARS, MODERATION_REASONS, OBSERVATION_KINDS, Comment, Flag,
                    Follow, Goal, ModerationAction, Observation, ObservationResponse, Rating, db)
from models.base import aware, dialect_insert, utcnow
from models.cache import RATINGS, note_change, ratings_scope
from portal.permissions import can
from portal.translation import lazy_gettext as _l

from . import DomainError, SentAgain
from .notifications import members_watching, tell, tell_followers
from .plan import FIRST_PLAN, ensure_open, in_plan, plan_of
from .reports import latest_quarter_query
from .submissions import sent_again_since

MAX_COMMENT = 2000
MAX_OBSERVATION = 4000
MAX_NOTE = 1000


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


def check_stars(stars):
    """Stars as sent by a form: "1" to "5"; anything else is refused."""
    try:
        value = int(str(stars).strip())
    except (TypeError, ValueError):
        value = None
    if value is None or not MIN_STARS <= value <= MAX_STARS:
        raise DomainError(_l("A rating is a whole number of stars from %(min)s to %(max)s.",
                             min=MIN_STARS, max=MAX_STARS))
    return value


def speaks_for(user):
    """The badge a comment carries: the municipality, or the author's committees."""
    if user.role == "official":
        return "municipalidad"
    if user.role == "moderator" and user.committees:
        return ",".join(c.code for c in user.committees)
    return None


def rate(user, goal, stars):
    """Record the user's rating of the goal; rating again replaces it (one row, always)."""
    ensure_open(plan_of(goal))
    if not can("rate", user=user):
        raise DomainError(_l("The municipality's accounts do not rate goals."))
    stars = check_stars(stars)
    now = utcnow()
    statement = dialect_insert(db.session)(Rating).values(
        goal_id=goal.id, user_id=user.id, stars=stars, created_at=now, updated_at=now)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["goal_id", "user_id"],
        set_={"stars": statement.excluded.stars, "updated_at": statement.excluded.updated_at}))
    note_change(db.session, RATINGS, ratings_scope(goal.code))
    return stars


def post_comment(user, goal, body, stars=None, parent_id=None):
    ensure_open(plan_of(goal))
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
    window = timedelta(minutes=current_app.config["COMMENT_EDIT_MINUTES"])
    return (user.id is not None and comment.author_id == user.id and comment.visible
            and utcnow() - aware(comment.created_at) <= window)


def edit_comment(user, comment, body):
    ensure_open(plan_of(comment.goal))
    if not editable(comment, user):
        raise DomainError(_l("This comment can no longer be edited."))
    body = clean_text(body, MAX_COMMENT, _l("Write something before publishing."))
    if body != comment.body:
        comment.body = body
        comment.edited_at = utcnow()


def delete_comment(user, comment):
    ensure_open(plan_of(comment.goal))
    if comment.author_id != user.id:
        raise DomainError(_l("Only its author can delete a comment."))
    if comment.deleted_at is None:
        comment.deleted_at = utcnow()


def flag_comment(user, comment, reason):
    """Report a comment; enough distinct reports hide it until a moderator decides."""
    ensure_open(plan_of(comment.goal))
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


def subject_of(item):
    """A report's or a decision's subject, as its columns name it: a comment or a check."""
    return {"comment": item} if isinstance(item, Comment) else {"check": item}


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
        item.hidden_at, item.hidden_reason = utcnow(), "reported"
        item.hidden_note = item.hidden_by_committee = None


def acting_committee(user, goal):
    """The committee a moderator acts for on this goal; None for an admin acting alone."""
    return next((c for c in user.committees if goal.objective in c.objectives), None)


def hide_comment(user, comment, reason, note):
    action = hide(user, comment, reason, note, _l("Choose the reason for hiding the comment."))
    _told(comment, action)


def hide(user, item, reason, note, no_reason):
    """A moderator hides a comment or a check, with a reason the public log shows."""
    if reason not in MODERATION_REASONS:
        raise DomainError(no_reason)
    note = (note or "").strip() or None
    if note and len(note) > MAX_NOTE:
        raise DomainError(_l("The note may have at most %(max)s characters.", max=MAX_NOTE))
    committee = acting_committee(user, item.goal)
    now = utcnow()
    item.hidden_at, item.hidden_reason, item.hidden_note = now, reason, note
    item.hidden_by_committee, item.decided_at = committee, now
    return _decided(ModerationAction(action="hide", reason=reason, note=note,
                                     committee=committee, moderator_id=user.id,
                                     **subject_of(item)))


def restore(user, item, note, not_hidden):
    """A moderator shows a hidden comment or check again, or keeps a reported one visible."""
    if item.hidden_at is None and item.decided_at is not None:
        raise DomainError(not_hidden)
    note = (note or "").strip() or None
    committee = acting_committee(user, item.goal)
    item.hidden_at = item.hidden_reason = item.hidden_note = None
    item.hidden_by_committee, item.decided_at = None, utcnow()
    return _decided(ModerationAction(action="restore", note=note, committee=committee,
                                     moderator_id=user.id, **subject_of(item)))


def _decided(action):
    db.session.add(action)
    db.session.flush()
    return action


def _told(comment, action):
    """The comment's author is told of the decision."""
    event = {"hide": "comment_hidden", "restore": "comment_restored"}[action.action]
    tell([comment.author_id], event, f"moderation:{action.id}", comment.goal,
         f"comentario-{comment.id}", reason=action.reason, note=action.note)


def restore_comment(user, comment, note):
    _told(comment, restore(user, comment, note, _l("This comment is not hidden.")))


def post_observation(user, goal, committee_code, kind, body, evidence_url):
    ensure_open(plan_of(goal))
    committee = next((c for c in user.committees
                      if c.code == committee_code and goal.objective in c.objectives), None)
    if committee is None:
        raise DomainError(_l("Your committee does not oversee this goal."), "committee")
    if kind not in OBSERVATION_KINDS:
        raise DomainError(_l("Choose the kind of observation."), "kind")
    body = clean_text(body, MAX_OBSERVATION, _l("Write the observation."))
    evidence_url = (evidence_url or "").strip() or None
    if evidence_url and (not evidence_url.startswith(("https://", "http://"))
                         or len(evidence_url) > 500 or " " in evidence_url):
        raise DomainError(_l("The evidence must be a link starting with https://"),
                          "evidence_url")
    observation = Observation(goal=goal, committee=committee, author_id=user.id, kind=kind,
                              body=body, evidence_url=evidence_url)
    db.session.add(observation)
    db.session.flush()
    tell_followers("observation_posted", f"observation:{observation.id}", goal,
                   f"observacion-{observation.id}", user.id, committee.id,
                   committee=committee.code)
    return observation


def respond(user, observation, body):
    ensure_open(plan_of(observation.goal))
    if observation.response is not None:
        raise DomainError(_l("This observation already has the municipality's answer."))
    body = clean_text(body, MAX_OBSERVATION, _l("Write the answer."))
    try:
        with db.session.begin_nested():
            db.session.add(ObservationResponse(observation=observation, author_id=user.id,
                                               body=body))
    except IntegrityError:
        raise DomainError(_l("This observation already has the municipality's answer.")) \
            from None
    key, anchor = f"answer:{observation.id}", f"observacion-{observation.id}"
    committee = observation.committee.code
    tell_followers("observation_answered", key, observation.goal, anchor, user.id,
                   observation.committee_id, committee=committee)
    tell([observation.author_id], "observation_answered", key, observation.goal, anchor,
         committee=committee)


# Reading

THREAD_ORDERS = ("recientes", "calificacion")


@dataclass
class ThreadPage:
    """One page of a goal's conversations, numbered as the pagination links show them."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self):
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page < self.pages

    @property
    def prev_num(self):
        return self.page - 1

    @property
    def next_num(self):
        return self.page + 1


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


def goal_figures(goal, user, counts=True, marks=None):
    """The reader's own (whether they follow the goal, the stars they gave it) unless read
    already (``marks``, from ``readers_marks``) or a visitor's, and, unless the page has
    them drawn already, what the goal page counts; in one query, or none."""
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
    found = db.session.execute(select(*columns)).one() if columns else ()
    return GoalFigures(*(marks or ()), *found)


def _readers_marks_statement():
    # The goal by its code in the plan ``plan_id`` names, or in the first plan when that is
    # None (``plan_key``).
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


def readers_marks(code, user, plan_id=None):
    """What a goal page shows of its reader beyond their kind: whether they follow the goal
    and the stars they gave it; in one query, by the goal's code, before the goal is read."""
    return db.session.execute(READERS_MARKS, {
        "code": code, "user_id": user.id, "plan_id": plan_id}).one()


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
    return ThreadPage(conversations, page, per_page, total)


def _summary(distribution):
    count = sum(distribution.values())
    total = sum(int(stars) * n for stars, n in distribution.items())
    return {"average": round(total / count, 1) if count else None, "count": count,
            "distribution": distribution}


def rating_summaries(goal_ids=None):
    """Average, count and distribution of the ratings of many goals, in one query."""
    query = select(Rating.goal_id, Rating.stars, func.count()).group_by(Rating.goal_id,
                                                                        Rating.stars)
    if goal_ids is not None:
        query = query.where(Rating.goal_id.in_(goal_ids))
    distributions = {}
    for goal_id, stars, count in db.session.execute(query):
        distributions.setdefault(goal_id, {str(n): 0 for n in range(MIN_STARS, MAX_STARS + 1)})
        distributions[goal_id][str(stars)] = count
    return {goal_id: _summary(d) for goal_id, d in distributions.items()}


def rating_summary(goal_id):
    """The goal's ratings: average, count and distribution."""
    distribution = {str(n): 0 for n in range(MIN_STARS, MAX_STARS + 1)}
    for stars, count in db.session.execute(
            select(Rating.stars, func.count()).where(Rating.goal_id == goal_id)
            .group_by(Rating.stars)):
        distribution[str(stars)] = count
    return _summary(distribution)


def visible_comment_counts(goal_ids):
    return dict(db.session.execute(
        select(Comment.goal_id, func.count()).where(
            Comment.goal_id.in_(goal_ids), Comment.hidden_at.is_(None),
            Comment.deleted_at.is_(None)).group_by(Comment.goal_id)).all())


def visible_comment_count(goal_id):
    return visible_comment_counts([goal_id]).get(goal_id, 0)


def observations_of(goal_id):
    return db.session.scalars(
        select(Observation).where(Observation.goal_id == goal_id)
        .order_by(Observation.created_at.desc())
        .options(joinedload(Observation.committee), joinedload(Observation.response),
                 joinedload(Observation.evidence))).unique().all()


def hidden_comments_of(user):
    """What the author should know: which of their comments are hidden, and why."""
    return db.session.scalars(
        select(Comment).where(Comment.author_id == user.id, Comment.hidden_at.is_not(None),
                              Comment.deleted_at.is_(None))
        .order_by(Comment.hidden_at.desc())
        .options(selectinload(Comment.goal), selectinload(Comment.hidden_by_committee))).all()


def pending_observations(committee):
    """A committee's observations still waiting for the municipality's answer."""
    return db.session.scalars(
        select(Observation).where(Observation.committee_id == committee.id,
                                  ~Observation.response.has())
        .order_by(Observation.created_at).options(selectinload(Observation.goal))).all()
