"""Where the plan stands: each goal's latest report and the totals pages show."""
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from models import REPORT_STATUSES, Report, db

from .plan import in_plan

NO_REPORT = "sin_reporte"


@dataclass
class GoalProgress:
    """A goal's latest report, and whether it is silent for the plan's latest quarter."""

    report: Report | None
    latest_quarter: str | None

    @property
    def revision(self):
        return self.report.current if self.report else None

    @property
    def silent(self):
        return self.report is None or self.report.quarter != self.latest_quarter


@dataclass
class Summary:
    goals: int = 0
    reported: int = 0
    progress_total: Decimal = Decimal(0)
    by_status: Counter = field(default_factory=Counter)

    @property
    def average(self):
        """Mean physical progress; a goal never reported counts as 0 %, silence is not progress."""
        return (self.progress_total / self.goals).quantize(Decimal("0.1")) if self.goals else None

    def statuses(self):
        return [(s, self.by_status[s]) for s in (*REPORT_STATUSES, NO_REPORT) if self.by_status[s]]


class PlanProgress:
    """The latest report of every goal of a plan, loaded in two queries."""

    def __init__(self, plan, until=None):
        """``until``: a quarter; the plan as it stood then (later reports left out)."""
        newest = in_plan(select(Report.goal_id, func.max(Report.quarter).label("quarter"))
                         .join(Report.goal), plan.id).group_by(Report.goal_id)
        if until:
            newest = newest.where(Report.quarter <= until)
        newest = newest.subquery()
        # Each goal's latest report only: what a page of the whole plan shows.
        reports = db.session.scalars(
            select(Report).join(newest, (newest.c.goal_id == Report.goal_id)
                                & (newest.c.quarter == Report.quarter))
            .options(selectinload(Report.revisions))).all()
        self.latest_quarter = until or max((r.quarter for r in reports), default=None)
        latest = {report.goal_id: report for report in reports}
        self.by_goal = {goal.id: GoalProgress(latest.get(goal.id), self.latest_quarter)
                        for goal in plan.goals}

    def of(self, goal):
        return self.by_goal[goal.id]

    def summary(self, goals):
        summary = Summary()
        for goal in goals:
            entry = self.by_goal[goal.id]
            summary.goals += 1
            if entry.report is None:
                summary.by_status[NO_REPORT] += 1
                continue
            summary.reported += 1
            summary.progress_total += Decimal(entry.revision.progress_pct)
            summary.by_status[NO_REPORT if entry.silent else entry.revision.status] += 1
        return summary
