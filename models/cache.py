"""The versions of what pages show, kept with the data so that they change in its transaction."""
from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import db


class CacheVersion(db.Model):
    """How many times a part of the content (one goal, all reports, …) has changed.

    A cached page is stored under the versions of the parts it shows; a write bumps the
    versions of what it changed in its own transaction, so a page cached before it is never
    served after it, whatever happened to the cache server meanwhile.
    """

    __tablename__ = "cache_version"

    scope: Mapped[str] = mapped_column(String(80), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


# The parts of the content pages show. PLAN is on every page: the plan, the committees and
# what they oversee.
PLAN = "plan"
REPORTS = "reports"
RATINGS = "ratings"
COMMENTS = "comments"
OBSERVATIONS = "observations"
MODERATION = "moderation"
ACCOUNTS = "accounts"
HEARINGS = "hearings"
CHECKS = "checks"  # residents' answers to whether they saw a delivery


def goal_scope(code):
    """Everything shown about one goal: its reports, thread, ratings and observations."""
    return f"goal:{code}"


def note_change(session, *scopes):
    """For writes the session cannot see as objects (a bulk or upsert statement)."""
    session.info.setdefault("changed_scopes", set()).update(scopes)
