"""Quarters of the plan's period, written "2021-T3" (trimestre 3 of 2021), and Ilo's time."""
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from models.base import aware

QUARTER = re.compile(r"^(\d{4})-T([1-4])$")


def plan_quarters(plan):
    return [f"{year}-T{q}" for year in range(plan.period_start, plan.period_end + 1)
            for q in range(1, 5)]


def is_plan_quarter(plan, text):
    return text in plan_quarters(plan)


def local_zone():
    """Ilo's time zone (``BABEL_DEFAULT_TIMEZONE``)."""
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local(moment):
    """A stored moment (UTC) in Ilo's time."""
    return aware(moment).astimezone(local_zone())


def next_local_time(hour, weekday=None):
    """The next moment, after now, at this hour in Ilo (and on this weekday, Monday 0)."""
    now = datetime.now(local_zone())
    moment = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    while moment <= now or (weekday is not None and moment.weekday() != weekday):
        moment += timedelta(days=1)
    return moment


def quarter_of(moment):
    """The quarter a moment falls in, in Ilo's time."""
    moment = local(moment)
    return f"{moment.year}-T{(moment.month - 1) // 3 + 1}"
