"""The versions of what pages show, kept with the data so that they change in its transaction."""
from sqlalchemy import BigInteger, Boolean, Index, String, false, text
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
    # Bumped, and not yet known to be in the cache server's mirror of the versions
    # (``portal.page_cache.mirror``).
    pending: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __table_args__ = (Index("ix_cache_version_pending", "scope",
                            postgresql_where=text("pending"), sqlite_where=text("pending")),)


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
MUNICIPALITIES = "municipalities"  # the register of Peru's municipalities


# What is shown about one goal, in three parts, so that a comment or a rating leaves the
# goal page's other parts in the cache.
def goal_scope(code):
    """One goal's reports, observations and what residents said they saw."""
    return f"goal:{code}"


def thread_scope(code):
    """One goal's thread: its comments and their moderation."""
    return f"thread:{code}"


def ratings_scope(code):
    """The ratings residents gave one goal."""
    return f"ratings:{code}"


def goal_scopes(code):
    """Everything shown about one goal."""
    return goal_scope(code), thread_scope(code), ratings_scope(code)


def note_change(session, *scopes):
    """For writes the session cannot see as objects (a bulk or upsert statement)."""
    session.info.setdefault("changed_scopes", set()).update(scopes)
