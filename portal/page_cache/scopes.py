"""Which parts of the content (scopes, ``models.cache``) a changed row belongs to: one table,
with a line for every model, so that a write bumps the versions of the pages that show it
and of no others.

A model that pages show and that is missing here would leave them stale; a test walks every
mapped model and requires it in ``SCOPES`` or in ``INVISIBLE``.
"""
from models import (AuditEntry, CacheVersion, Comment, Committee, Delivery, DeliveryCheck,
                    Dimension, Evidence, Flag, Follow, Goal, Hearing, HearingQuestion,
                    ModerationAction, Municipality, Notification, NotificationSetting, Objective,
                    Observation, ObservationResponse, OutboxEntry, Place, Plan, Problem, Rating,
                    RecoveryCode, Report, ReportRevision, Submission, User, UserSession)
from models.cache import (ACCOUNTS, CHECKS, COMMENTS, HEARINGS, MODERATION, MUNICIPALITIES,
                          OBSERVATIONS, PLAN, RATINGS, REPORTS, goal_scope, ratings_scope,
                          thread_scope)

# Rows no page shows: writing them leaves every cached page true. The versions themselves
# are written by statement, never as rows of the session.
INVISIBLE = (UserSession, RecoveryCode, Flag, AuditEntry, Submission, Follow, Notification,
             NotificationSetting, Delivery, CacheVersion, OutboxEntry)


def _code(session, goal_id):  # by key: from the session's identity map when it is loaded
    return session.get(Goal, goal_id).code


def _goal(session, goal_id):
    return goal_scope(_code(session, goal_id))


def _goal_of_report(session, report_id):
    return session.get(Report, report_id).goal_id


def _goal_of_revision(session, revision_id):
    return _goal_of_report(session, session.get(ReportRevision, revision_id).report_id)


def _goal_of_observation(session, observation_id):
    return session.get(Observation, observation_id).goal_id


def _everywhere(_session, _obj):
    return (PLAN,)


def _moderation(session, action):
    if action.question_id is not None:
        return MODERATION, HEARINGS
    if action.check_id is not None:
        return MODERATION, *scopes_of(session, session.get(DeliveryCheck, action.check_id))
    code = _code(session, session.get(Comment, action.comment_id).goal_id)
    return MODERATION, goal_scope(code), thread_scope(code)


def _evidence(session, evidence):
    if evidence.check_id is not None:
        return scopes_of(session, session.get(DeliveryCheck, evidence.check_id))
    if evidence.revision_id is not None:
        return REPORTS, _goal(session, _goal_of_revision(session, evidence.revision_id))
    return OBSERVATIONS, _goal(session, _goal_of_observation(session, evidence.observation_id))


# Each model, and the scopes a row of it belongs to (a function of the session and the row).
SCOPES = {
    # The plan, committees and what they oversee, the places the plan names: on every page.
    Plan: _everywhere, Dimension: _everywhere, Problem: _everywhere, Objective: _everywhere,
    Goal: _everywhere, Committee: _everywhere, Place: _everywhere,
    Municipality: lambda _session, _municipality: (MUNICIPALITIES,),
    Comment: lambda session, comment: (COMMENTS,
                                       thread_scope(_code(session, comment.goal_id))),
    Rating: lambda session, rating: (RATINGS, ratings_scope(_code(session, rating.goal_id))),
    Observation: lambda session, observation: (OBSERVATIONS,
                                               _goal(session, observation.goal_id)),
    ObservationResponse: lambda session, response: (OBSERVATIONS, _goal(
        session, _goal_of_observation(session, response.observation_id))),
    ModerationAction: _moderation,
    Report: lambda session, report: (REPORTS, _goal(session, report.goal_id)),
    ReportRevision: lambda session, revision: (REPORTS, _goal(
        session, _goal_of_report(session, revision.report_id))),
    DeliveryCheck: lambda session, check: (CHECKS, _goal(
        session, _goal_of_revision(session, check.revision_id))),
    Evidence: _evidence,
    Hearing: lambda _session, _hearing: (HEARINGS,),
    HearingQuestion: lambda _session, _question: (HEARINGS,),
    User: lambda _session, _user: (ACCOUNTS,),
}


def scopes_of(session, obj):
    """The parts of the content a changed row belongs to. A model in neither table (its test
    fails first) counts as shown everywhere: a page is drawn again rather than
    served stale."""
    if isinstance(obj, INVISIBLE):
        return ()
    return SCOPES.get(type(obj), _everywhere)(session, obj)
