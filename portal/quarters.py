"""Quarters of the plan's period, written "2021-T3" (trimestre 3 of 2021)."""
import re

QUARTER = re.compile(r"^(\d{4})-T([1-4])$")


def plan_quarters(plan):
    return [f"{year}-T{q}" for year in range(plan.period_start, plan.period_end + 1)
            for q in range(1, 5)]


def is_plan_quarter(plan, text):
    return text in plan_quarters(plan)
