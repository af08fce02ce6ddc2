from .base import db
from .plan import GOAL_KINDS, Dimension, Goal, Objective, Plan, Problem

__all__ = ["db", "GOAL_KINDS", "Dimension", "Goal", "Objective", "Plan", "Problem"]
