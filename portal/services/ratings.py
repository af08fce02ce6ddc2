"""Residents' ratings of goals: one per resident and goal, replaced when given again, and
their summaries."""
from sqlalchemy import func, select

from models import MAX_STARS, MIN_STARS, Rating, db
from models.base import dialect_insert, utcnow
from models.cache import (RATINGS, READERS_NOTED, addresses_of_goal, note_change, note_readers,
                          ratings_scope)
from portal.permissions import can, ensure_plan_open
from portal.translation import lazy_gettext as _l

from . import DomainError


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


def rate(user, goal, stars):
    """Record the user's rating of the goal; rating again replaces it (one row, always)."""
    ensure_plan_open(goal)
    if not can("rate", user=user):
        raise DomainError(_l("The municipality's accounts do not rate goals."))
    stars = check_stars(stars)
    now = utcnow()
    statement = dialect_insert(db.session)(Rating).values(
        goal_id=goal.id, user_id=user.id, stars=stars, created_at=now, updated_at=now)
    note_readers(db.session, [user.id])
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["goal_id", "user_id"],
        set_={"stars": statement.excluded.stars, "updated_at": statement.excluded.updated_at}),
        execution_options=READERS_NOTED)
    note_change(db.session, RATINGS, ratings_scope(goal.code),
                wheres=addresses_of_goal(db.session, goal.id))
    return stars


def _summary(distribution):
    count = sum(distribution.values())
    total = sum(int(stars) * n for stars, n in distribution.items())
    return {"average": round(total / count, 1) if count else None, "count": count,
            "distribution": distribution}


def star_columns(goal_id):
    """The number of ratings of each star count, as columns another query can carry."""
    return [select(func.count()).where(Rating.goal_id == goal_id, Rating.stars == n)
            .scalar_subquery() for n in range(MIN_STARS, MAX_STARS + 1)]


def summary_of(star_counts):
    """The summary ``rating_summary`` gives, from what ``star_columns`` read."""
    return _summary({str(n): count for n, count in zip(range(MIN_STARS, MAX_STARS + 1),
                                                        star_counts)})


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
