"""The plan at a glance: where official progress and residents disagree, who is silent."""
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import Observation, db
from portal.quarters import plan_quarters

from .ratings import rating_summaries
from .progress import PlanProgress


@dataclass
class Gap:
    goal: object
    progress: float
    rating: dict

    @property
    def citizens_pct(self):
        """The average rating on the progress scale: 1 star is 0 %, 5 stars 100 %."""
        return (self.rating["average"] - 1) / 4 * 100

    @property
    def points(self):
        return round(self.progress - self.citizens_pct)


def promise_gap(plan):
    """Goals whose official progress and residents' rating disagree most, largest first."""
    progress = PlanProgress(plan)
    ratings = rating_summaries([g.id for g in plan.goals])
    minimum = current_app.config["PROMISE_GAP_MIN_RATINGS"]
    gaps = [Gap(goal, float(progress.of(goal).revision.progress_pct), ratings[goal.id])
            for goal in plan.goals
            if progress.of(goal).report and ratings.get(goal.id, {}).get("count", 0) >= minimum]
    return sorted(gaps, key=lambda gap: (-abs(gap.points), gap.goal.code)), progress


def silent_goals(plan, progress, quarters=2):
    """Goals without a report for ``quarters`` quarters or more, up to the latest one.

    Returns (goal, quarters without a report or None if never reported).
    """
    if progress.latest_quarter is None:
        return []
    order = plan_quarters(plan)
    latest = order.index(progress.latest_quarter)
    silent = []
    for goal in plan.goals:
        report = progress.of(goal).report
        missing = latest - order.index(report.quarter) if report else None
        if report is None or missing >= quarters:
            silent.append((goal, missing))
    return silent


def pending_observations_of(plan):
    goal_ids = [g.id for g in plan.goals]
    return db.session.scalars(
        select(Observation).where(Observation.goal_id.in_(goal_ids), ~Observation.response.has())
        .order_by(Observation.created_at)
        .options(selectinload(Observation.committee), selectinload(Observation.goal))).all()
