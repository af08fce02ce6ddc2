from .accounts import ROLES, AuditEntry, Committee, User, UserSession
from .base import db
from .plan import GOAL_KINDS, Dimension, Goal, Objective, Plan, Problem
from .reports import (REPORT_STATUSES, STATUSES_NEEDING_CAUSE, STATUSES_NEEDING_SOURCES, Report,
                      ReportRevision)

__all__ = [
    "db", "GOAL_KINDS", "REPORT_STATUSES", "ROLES", "STATUSES_NEEDING_CAUSE",
    "STATUSES_NEEDING_SOURCES", "AuditEntry", "Committee", "Dimension", "Goal", "Objective",
    "Plan", "Problem", "Report", "ReportRevision", "User", "UserSession",
]
