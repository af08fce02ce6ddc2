from .accounts import ROLES, AuditEntry, Committee, RecoveryCode, User, UserSession
from .base import db
from .cache import CacheVersion
from .feedback import (MAX_STARS, MIN_STARS, OBSERVATION_KINDS, Comment, Observation,
                       ObservationResponse, Rating)
from .moderation import MODERATION_REASONS, Flag, ModerationAction
from .municipality import MUNICIPALITY_KINDS, Municipality
from .outbox import OutboxEntry
from .opendata import DatasetFile
from .notifications import (CADENCES, DEFAULT_CADENCE, EVENTS, EVENTS_FOR_ROLE, FOLLOW_KINDS,
                            Delivery, Follow, Notification, NotificationSetting)
from .evidence import CHECK_ANSWERS, EVIDENCE_KINDS, DeliveryCheck, Evidence
from .hearings import Hearing, HearingQuestion
from .places import PLACE_KINDS, Place
from .plan import GOAL_KINDS, Dimension, Goal, Objective, Plan, Problem
from .reports import (REPORT_STATUSES, STATUSES_NEEDING_CAUSE, STATUSES_NEEDING_SOURCES, Report,
                      ReportRevision)
from .submissions import Submission

__all__ = [
    "MAX_STARS", "MIN_STARS", "MODERATION_REASONS", "OBSERVATION_KINDS", "Comment", "Flag",
    "ModerationAction", "Observation", "ObservationResponse", "Rating", "RecoveryCode",
    "db", "GOAL_KINDS", "REPORT_STATUSES", "ROLES", "STATUSES_NEEDING_CAUSE",
    "STATUSES_NEEDING_SOURCES", "AuditEntry", "CacheVersion", "Committee", "Dimension", "EVENTS",
    "FOLLOW_KINDS", "Follow", "Goal", "Notification", "Objective", "OutboxEntry", "CADENCES",
    "DatasetFile", "DEFAULT_CADENCE",
    "Delivery", "EVENTS_FOR_ROLE", "NotificationSetting", "Hearing", "HearingQuestion", "EVIDENCE_KINDS", "Evidence",
    "CHECK_ANSWERS", "DeliveryCheck", "MUNICIPALITY_KINDS", "Municipality", "PLACE_KINDS", "Place",
    "Plan", "Problem", "Report", "ReportRevision", "Submission", "User", "UserSession",
]
