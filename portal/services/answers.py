"""Whether the municipality answers its vigilance committees on time."""
import json
from dataclasses import dataclass, field
from datetime import timedelta
from math import floor
from statistics import median

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import Observation, ObservationResponse, User, db
from models.base import aware, utcnow
from portal.jobs import job, queue
from portal.quarters import next_local_time, quarter_of

from .notifications import notify_users
from .plan import in_plan

# Observations whose deadline passed longer ago than this are not reminded of any more:
# a worker stopped for a month does not flood the officials; /respuestas lists them.
REMINDER_REACH = timedelta(days=28)


def answer_deadline(observation):
    """The day the answer is due: OBSERVATION_ANSWER_DAYS calendar days after posting."""
    days = current_app.config["OBSERVATION_ANSWER_DAYS"]
    return aware(observation.created_at) + timedelta(days=days)


def days_waited(observation, now=None):
    """Whole days between the observation and its answer (or now, while unanswered)."""
    end = aware(observation.response.created_at) if observation.response else (now or utcnow())
    return (end - aware(observation.created_at)).days


def overdue(observation, now=None):
    return observation.response is None and (now or utcnow()) > answer_deadline(observation)


def answered_in_time(observation):
    return (observation.response is not None
            and answered_within(observation.created_at, observation.response.created_at))


def answered_within(posted_at, answered_at):
    """Whether an answer given at ``answered_at`` (None: not given) to an observation posted
    at ``posted_at`` came by its deadline."""
    days = current_app.config["OBSERVATION_ANSWER_DAYS"]
    return answered_at is not None and aware(answered_at) <= aware(posted_at) + timedelta(days=days)




@dataclass
class AnswerFigures:
    """The answers to one committee's observations posted in one quarter."""

    quarter: str
    committee: object
    posted: int = 0
    answered: int = 0
    in_time: int = 0
    answer_days: list = field(default_factory=list)
    overdue: list = field(default_factory=list)

    @property
    def median_days(self):
        """In whole days, as the answer times are counted; a half rounds up."""
        return floor(median(self.answer_days) + 0.5) if self.answer_days else None

    @property
    def longest_days(self):
        return max(self.answer_days, default=None)


def answer_figures(plan, now=None):
    """Per quarter (newest first) and committee: posted, answered, in time, answer times,
    and the observations overdue now."""
    now = now or utcnow()
    observations = db.session.scalars(
        in_plan(select(Observation).join(Observation.goal), plan.id)
        .order_by(Observation.created_at)
        .options(selectinload(Observation.response), selectinload(Observation.committee),
                 selectinload(Observation.goal))).all()
    figures = {}
    for observation in observations:
        key = (quarter_of(observation.created_at), observation.committee.code)
        row = figures.setdefault(key, AnswerFigures(key[0], observation.committee))
        row.posted += 1
        if observation.response is not None:
            row.answered += 1
            row.in_time += answered_in_time(observation)
            row.answer_days.append(days_waited(observation))
        elif overdue(observation, now):
            row.overdue.append(observation)
    by_committee = sorted(figures.values(), key=lambda row: row.committee.code)
    return sorted(by_committee, key=lambda row: row.quarter, reverse=True)


def answer_rows(plan, now=None):
    """The figures as open data: plain values, one row per quarter and committee."""
    for row in answer_figures(plan, now):
        yield {
            "plan": plan.term, "quarter": row.quarter, "committee_code": row.committee.code,
            "posted": row.posted, "answered": row.answered, "answered_in_time": row.in_time,
            "median_answer_days": row.median_days, "longest_answer_days": row.longest_days,
            "overdue_now": len(row.overdue),
            "overdue_goals": [observation.goal.code for observation in row.overdue],
        }


# Reminding the officials

@job
def remind_officials():
    """Tell every official, once, of each observation still unanswered after
    OBSERVATION_REMINDER_DAYS, and again once its deadline has passed. The next day's
    reminders are scheduled first, so that a run that fails leaves them."""
    schedule_reminders()
    now = utcnow()
    config = current_app.config
    answered = select(ObservationResponse.id).where(
        ObservationResponse.observation_id == Observation.id).exists()
    waiting = db.session.scalars(
        select(Observation).where(
            ~answered,
            Observation.created_at <= now - timedelta(days=config["OBSERVATION_REMINDER_DAYS"]),
            Observation.created_at >= now - timedelta(days=config["OBSERVATION_ANSWER_DAYS"])
            - REMINDER_REACH)
        .order_by(Observation.created_at)
        .options(selectinload(Observation.committee), selectinload(Observation.response))).all()
    officials = db.session.scalars(select(User.id).where(
        User.role == "official", User.confirmed_at.is_not(None),
        User.deactivated_at.is_(None))).all()
    for observation in waiting if officials else ():
        event = "answer_overdue" if overdue(observation, now) else "answer_due_soon"
        waited = days_waited(observation, now)
        details = {"committee": observation.committee.code, "days": waited}
        if event == "answer_due_soon":
            details["left"] = config["OBSERVATION_ANSWER_DAYS"] - waited
        notify_users.operation(officials, event, f"{event}:{observation.id}",
                               observation.goal_id, f"observacion-{observation.id}",
                               json.dumps(details))


def schedule_reminders(portal_queue=None):
    """Put tomorrow's reminders (07:00 in Ilo) on the worker's schedule, once."""
    portal_queue = portal_queue or queue()
    if portal_queue is None:
        return
    moment = next_local_time(7)
    portal_queue.enqueue_at(moment, remind_officials, job_id=f"reminders-{moment:%Y-%m-%d}")
